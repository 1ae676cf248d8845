"""The language server class: holds services and tracked tasks; no handlers live here.

The JSON-RPC protocol (one reply per request, InvalidParams for bad params) is in `protocol.py`;
the strict stdio framing (a garbled frame ends the process) is in `transport.py`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound
from pygls.lsp.server import LanguageServer

from zc_lsp import __version__
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.handlers.session import Session
from zc_lsp.protocol import ZcProtocol

if TYPE_CHECKING:
    from zc_lsp.config import Settings
    from zc_lsp.handlers.folders import WorkspaceFolders
    from zc_lsp.services import Services

log = logging.getLogger(__name__)


class ZcLanguageServer(LanguageServer):
    """Holds the injected services (built at `initialize`) and the server's own asyncio tasks."""

    def __init__(self, *args: Any, registry: AgentRegistry | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("protocol_cls", ZcProtocol)
        # The stdin reader borrows this pool; we never use @server.thread, so 2 workers keep reading unstarved.
        kwargs.setdefault("max_workers", 2)
        super().__init__("zombiecoder", __version__, *args, **kwargs)
        self.services: Services | None = None  # the first folder's (status, background, commands without a file)
        self._folders: WorkspaceFolders | None = None
        # Agent specs from the `zombiecoder.agents` entry points: commands and resolvers are declared
        # at start-up (the initialize reply lists the commands); each agent is built on first use.
        self.registry = registry if registry is not None else AgentRegistry.from_entry_points()
        # What the handlers share, typed (capabilities, documents, diagnostics, progress ...): handlers/session.py.
        self.session = Session(self)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.initialization_options: dict[str, Any] = {}
        self.early_settings: Settings | None = None  # settings read at initialize, before services exist
        self._ready: asyncio.Event | None = None
        self.startup_error: str | None = None

    @property
    def folders(self) -> WorkspaceFolders:
        """Every workspace folder's own services (memory, trust, config, tests), the first one's included."""
        if self._folders is None:  # built on first use: its module is not on the path to the initialize reply
            from zc_lsp.handlers.folders import WorkspaceFolders

            self._folders = WorkspaceFolders()
        return self._folders

    def ready_event(self) -> asyncio.Event:
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    async def wait_ready(self, timeout: float = 60.0) -> Services:
        """Services are built after the initialize reply (so the editor is not kept waiting)."""
        if self.services is None:
            await asyncio.wait_for(self.ready_event().wait(), timeout)
        if self.services is None:
            raise RuntimeError(f"ZombieCoder could not start its services: {self.startup_error}")
        return self.services

    def services_for(self, uri: str | None) -> Services | None:
        """The services of the workspace folder holding `uri` (longest root), else the first folder's."""
        found = self.folders.for_uri(uri) if uri else None
        return found if found is not None else self.services

    async def wait_ready_for(self, uri: str | None, timeout: float = 60.0) -> Services:
        """`wait_ready`, then the services of the folder that holds `uri`."""
        primary = await self.wait_ready(timeout)
        found = self.services_for(uri)
        return found if found is not None else primary

    @property
    def zc_protocol(self) -> ZcProtocol:
        assert isinstance(self.protocol, ZcProtocol)
        return self.protocol

    def spawn(self, coro: Any, name: str | None = None) -> asyncio.Task[Any]:
        """Start a tracked task whose failure is logged, never lost (and never kills the server)."""
        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("background task %s failed", task.get_name(), exc_info=exc)
            self.log_to_client(f"ZombieCoder: {task.get_name()} failed: {exc}", types.MessageType.Error)

    def cancel_all(self, except_current: bool = False) -> None:
        current = asyncio.current_task() if except_current else None
        for task in list(self._tasks):
            if task is not current:
                task.cancel()

    def log_to_client(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:
            log.exception("could not send a log message to the client")

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """window/showMessage, also logged."""
        log.info("showMessage: %s", message)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:
            log.exception("could not show a message to the client")

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log, and tell the client in its log; pop-ups are for things the user must act on."""
        if isinstance(error, JsonRpcMethodNotFound):
            # The client asked for a method we do not serve: its error reply says so. Not an internal
            # error, and logging it twice per call made an unknown request cost 3x a known one.
            log.debug("unknown method: %s", error)
            return
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)
        self.log_to_client(f"ZombieCoder internal error: {error}", types.MessageType.Error)
