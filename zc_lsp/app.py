"""The factory: builds the server and declares its handlers (loaded after the initialize reply). Nothing is built at import time."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from typing import Any, NoReturn

from pygls.io_ import StdoutWriter

from zc_lsp.core.child_watch import watch_children_with_pidfd
from zc_lsp.server import ZcLanguageServer
from zc_lsp.transport import GarbledStream, serve_frames, stdin_reader

log = logging.getLogger(__name__)
GIL_SWITCH_S = 0.001  # how long a busy thread may keep the GIL from the LSP loop


def create_server(
    server_cls: type[ZcLanguageServer] = ZcLanguageServer, *, load_handlers: bool = False
) -> ZcLanguageServer:
    """The server, with every handler declared (`handlers/table.py`) but only the lifecycle loaded.

    The other handler modules load right after the initialize reply (`handlers/loader.py`);
    `load_handlers=True` loads them here instead (tests that drive the server in process).
    """
    from zc_lsp.handlers import lifecycle, text_sync

    text_sync.install()  # incremental changes by offsets: a huge document is never split into lines
    ls = server_cls()
    lifecycle.register(ls.session)
    ls.session.handlers.install()
    if load_handlers:
        ls.session.handlers.finish_now()
    return ls


def run_stdio(ls: ZcLanguageServer, stdin: Any = None, stdout: Any = None) -> NoReturn:
    """Serve on stdio with strict framing, then end the process with the exit code (it never returns)."""
    # Threads run pure Python next to the loop (services start-up, the taint engine, the secret scan):
    # at CPython's default 5 ms switch interval every message could wait up to 5 ms for the GIL.
    sys.setswitchinterval(GIL_SWITCH_S)
    watch_children_with_pidfd()  # no thread started per ruff run (core/child_watch.py)
    ls._stop_event = threading.Event()
    ls.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

    async def main() -> int:
        try:
            reader = await stdin_reader(stdin)
            return await serve_frames(reader, ls.protocol, ls._stop_event.is_set)
        except GarbledStream as exc:
            log.error("garbled message from the client, exiting: %s", exc)
            return 1
        finally:
            from zc_lsp.core import procs  # here: not on the path to the initialize reply

            warm = sys.modules.get("zc_lsp.agents.engines.warm_process")  # loaded by the first review
            if warm is not None:
                try:
                    await asyncio.wait_for(warm.POOL.aclose(for_good=True), timeout=1.0)
                except Exception:
                    log.exception("the waiting ruff did not end cleanly; killed below")
            procs.kill_all()  # exit, stdin closed or garbled frame: no child process group survives
            ls.protocol.writer = None  # replies of cancelled work must not write to a closed stdout (error loop)
            ls.cancel_all()
            if ls.services is not None:
                try:
                    await asyncio.wait_for(ls.services.aclose(close_memory=False), timeout=0.5)
                except Exception:
                    log.exception("services did not close cleanly")

    try:
        code = asyncio.run(main())
    except BrokenPipeError:
        log.error("the client's pipe is closed")
        code = 1
    logging.shutdown()
    try:
        sys.stdout.flush()
    except (ValueError, OSError):  # `exit` already closed it, or the client is gone
        code = code or 0
    exit_process(code)


def exit_process(code: int) -> NoReturn:
    """The one way out of the server process: every exit path (EOF, `exit`, garbled frame) ends here."""
    # Worker threads may be blocked (a pipe that never closes, a model call): do not wait for them.
    os._exit(code)
