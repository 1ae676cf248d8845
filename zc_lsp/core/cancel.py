"""Cancellation and progress reporting, usable from async code and worker threads alike.

It lives on the ground floor so the router, engines and agents share one token without importing
each other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """Raised inside an agent when its task was cancelled; carries how far it got."""

    def __init__(self, progress: str = "") -> None:
        super().__init__(f"cancelled{': ' + progress if progress else ''}")
        self.progress = progress


class CancelToken:
    """Cancellation usable from async code and from worker threads alike."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, progress: str = "") -> None:
        if self._event.is_set():
            raise Cancelled(progress)


ProgressFn = Callable[[str, int | None], None]  # (message, percentage 0-100 or None)


def no_progress(message: str, percentage: int | None = None) -> None:
    """The default progress callback: reports nowhere."""
    return None
