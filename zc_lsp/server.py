"""The language server class: holds services and tracked tasks; no handlers live here.

Two pygls behaviours are changed on purpose (STYLE.md, "pygls 2 facts that bite"):
a request whose params do not match its type gets an InvalidParams reply instead of silence, and a
garbled frame ends the process instead of leaving the server deaf (see `transport.py`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from zc_lsp import __version__

if TYPE_CHECKING:
    from zc_lsp.services import Services

log = logging.getLogger(__name__)


class _UnreadableRequest:
    """Stands in for a request whose params could not be structured, so it still gets a reply."""

    jsonrpc = "2.0"

    def __init__(self, msg_id: Any, method: str, reason: str) -> None:
        self.id = msg_id
        self.method = method
        self.reason = reason


class ZcProtocol(LanguageServerProtocol):
    """pygls' protocol, plus: one reply for every request, and cancellation that reaches command tasks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Command handlers run one level below pygls' own request future; $/cancelRequest must reach them.
        self.command_tasks: dict[Any, asyncio.Task[Any]] = {}

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except Exception as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                cause = exc.__cause__ or exc
                return _UnreadableRequest(data["id"], str(data["method"]), f"{type(cause).__name__}: {cause}")
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _UnreadableRequest):
            log.warning("invalid params for %s (id %s): %s", message.method, message.id, message.reason)
            error = JsonRpcInvalidParams(f"Invalid params for {message.method}: {message.reason}")
            self._send_response(message.id, error=error.to_response_error())
            return
        if not hasattr(message, "jsonrpc"):
            # A JSON value that is not a JSON-RPC message at all (e.g. a bare list or number).
            log.error("not a JSON-RPC message: %r", message)
            if isinstance(message, dict) and "id" in message:
                self._send_response(message["id"], error=JsonRpcInvalidRequest().to_response_error())
            return
        super().handle_message(message)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        task = self.command_tasks.pop(msg_id, None)
        if task is not None and not task.done():
            task.cancel()
            if msg_id not in self._request_futures:
                return  # the command task answers for itself (RequestCancelled)
        super()._handle_cancel_notification(msg_id)


class ZcLanguageServer(LanguageServer):
    """Holds the injected services (built at `initialize`) and the server's own asyncio tasks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("protocol_cls", ZcProtocol)
        # The stdin reader borrows this pool; we never use @server.thread, so 2 workers keep reading unstarved.
        kwargs.setdefault("max_workers", 2)
        super().__init__("zombiecoder", __version__, *args, **kwargs)
        self.services: Services | None = None
        self.features: dict[str, Any] = {}  # per-handler-module state objects (diagnostics, status ...)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.initialization_options: dict[str, Any] = {}
        self.early_settings: Any = None  # settings read at initialize, before services exist
        self._ready: asyncio.Event | None = None
        self.startup_error: str | None = None

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
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)
        self.log_to_client(f"ZombieCoder internal error: {error}", types.MessageType.Error)
