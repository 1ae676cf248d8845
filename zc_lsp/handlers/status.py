"""Pushes the `zc/status` snapshot on change, at most once per `status.min_interval_s`."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)


class StatusPusher:
    """One per session: the panel gets a fresh snapshot soon after a change, never a flood."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.wake = asyncio.Event()
        self.last_sent = 0.0
        self.sent = 0

    def start(self) -> None:
        services = self.session.started()
        loop = asyncio.get_running_loop()

        def wake() -> None:  # the hub calls this from any thread
            loop.call_soon_threadsafe(self.wake.set)

        services.status.subscribe(wake)
        self.session.spawn(self._run(), name="status pusher")
        self.wake.set()

    async def _run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            services = self.session.started()
            interval = float(services.settings.get("status.min_interval_s", 1.0))
            wait = self.last_sent + interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            snapshot = await asyncio.to_thread(services.status.snapshot)
            self.session.server.protocol.notify("zc/status", snapshot)
            self.last_sent = time.monotonic()
            self.sent += 1

