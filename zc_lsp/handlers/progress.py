"""`$/progress` reporting with a fresh token per task, and cancellation from either side.

The client may cancel through `window/workDoneProgress/cancel` (when the progress is cancellable)
or `$/cancelRequest`; both end in the same CancelToken and asyncio task cancellation.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.core.cancel import CancelToken

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)


class ProgressTracker:
    """Maps progress tokens to the task and CancelToken they belong to."""

    def __init__(self) -> None:
        self.active: dict[str, tuple[CancelToken, asyncio.Task[Any] | None]] = {}

    def cancel(self, token: Any) -> bool:
        entry = self.active.get(str(token))
        if entry is None:
            return False
        cancel, task = entry
        cancel.cancel()
        if task is not None and not task.done():
            task.cancel()
        return True


class Progress:
    """`async with Progress(session, "Running tests") as p:` then `p.report("3/10", 30)`; `p.cancel` is the token."""

    def __init__(self, session: Session, title: str, cancellable: bool = True) -> None:
        self.session = session
        self.title = title
        self.cancellable = cancellable
        self.token = f"zc-{uuid.uuid4()}"
        self.cancel = CancelToken()
        self.enabled = False
        self._last = 0.0
        self.partial: list[str] = []

    async def __aenter__(self) -> Progress:
        self.session.progress.active[self.token] = (self.cancel, asyncio.current_task())
        if self.session.caps.work_done_progress:
            progress = self.session.server.work_done_progress
            try:
                await asyncio.wait_for(progress.create_async(self.token), timeout=5)
                self.enabled = True
                progress.begin(
                    self.token,
                    types.WorkDoneProgressBegin(
                        title=f"ZombieCoder: {self.title}", cancellable=self.cancellable, percentage=0
                    ),
                )
            except Exception as exc:
                log.warning("client refused progress token: %s", exc)
        return self

    def report(self, message: str, percentage: int | None = None) -> None:
        """Throttled to ~20 updates a second; safe to call often."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.05 and percentage not in (0, 100):
            return
        self._last = now
        pct = None if percentage is None else max(0, min(100, int(percentage)))
        self.session.server.work_done_progress.report(
            self.token, types.WorkDoneProgressReport(message=message[:500], percentage=pct)
        )

    def stream(self, chunk: str) -> None:
        """Partial model output: shown as the progress message (the tail of what arrived)."""
        self.partial.append(chunk)
        if self.enabled:
            tail = "".join(self.partial)[-200:].replace("\n", " ")
            self.session.server.work_done_progress.report(self.token, types.WorkDoneProgressReport(message=tail))

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.session.progress.active.pop(self.token, None)
        if self.enabled:
            message = "cancelled" if exc_type is asyncio.CancelledError or self.cancel.cancelled else "done"
            if exc_type is not None and exc_type is not asyncio.CancelledError:
                message = f"failed: {exc}"
            self.session.server.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
