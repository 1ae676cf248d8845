"""`window/workDoneProgress/cancel`: the user pressed Cancel on one of our progress bars."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session


def register(session: Session) -> None:
    server = session.server
    tracker = session.progress

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel(params: types.WorkDoneProgressCancelParams) -> None:
        tracker.cancel(params.token)
