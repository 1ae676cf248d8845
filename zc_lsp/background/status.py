"""The status snapshot behind `zc.status`, the `zc/status` notification, the side panel and dashboard.

Parts add sections (`add_section`) instead of the hub knowing them: the hub only assembles,
remembers whether something changed, and tells subscribers. Subscribers throttle themselves.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psutil

from zc_lsp import __version__

log = logging.getLogger(__name__)
Section = Callable[[], Any]


class StatusHub:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self._sections: dict[str, Section] = {}
        self._subscribers: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._dirty = threading.Event()
        self._process = psutil.Process()
        self._process.cpu_percent(None)  # prime: the first reading is always 0.0

    def add_section(self, name: str, fn: Section) -> None:
        with self._lock:
            self._sections[name] = fn

    def subscribe(self, callback: Callable[[], None]) -> None:
        """`callback` is called (from any thread) whenever something changed."""
        with self._lock:
            self._subscribers.append(callback)

    def changed(self) -> None:
        self._dirty.set()
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback()
            except Exception:
                log.exception("status subscriber failed")

    def take_dirty(self) -> bool:
        """True once per change: lets a pusher skip unchanged snapshots."""
        was = self._dirty.is_set()
        self._dirty.clear()
        return was

    def process_info(self) -> dict[str, float]:
        with self._process.oneshot():
            return {
                "cpu_percent": round(self._process.cpu_percent(None), 1),
                "rss_mb": round(self._process.memory_info().rss / 1_048_576, 1),
            }

    def snapshot(self) -> dict[str, Any]:
        snap: dict[str, Any] = {
            "version": __version__,
            "uptime_s": round(time.monotonic() - self.started, 1),
            "process": self.process_info(),
        }
        with self._lock:
            sections = list(self._sections.items())
        for name, fn in sections:
            try:
                snap[name] = fn()
            except Exception as exc:  # one broken section must not hide the others
                log.exception("status section %s failed", name)
                snap[name] = {"error": f"{type(exc).__name__}: {exc}"}
        return snap
