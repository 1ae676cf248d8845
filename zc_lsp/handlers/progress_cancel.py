"""`window/workDoneProgress/cancel`: the user pressed Cancel on one of our progress bars."""

from __future__ import annotations

from typing import Any

from lsprotocol import types


def register(ls: Any) -> None:
    tracker = ls.session.progress
    ls.features["progress"] = tracker  # migration: modules not yet on the session

    @ls.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel(params: types.WorkDoneProgressCancelParams) -> None:
        tracker.cancel(params.token)
