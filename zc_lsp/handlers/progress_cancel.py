"""`window/workDoneProgress/cancel`: the user pressed Cancel on one of our progress bars."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from zc_lsp.handlers.progress import ProgressTracker


def register(ls: Any) -> None:
    tracker = ProgressTracker()
    ls.features["progress"] = tracker

    @ls.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel(params: types.WorkDoneProgressCancelParams) -> None:
        tracker.cancel(params.token)
