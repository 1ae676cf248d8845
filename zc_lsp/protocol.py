"""The JSON-RPC protocol: pygls' LanguageServerProtocol, changed so every request gets exactly one reply.

pygls answers a request whose params do not match its type with silence (STYLE.md, "pygls 2 facts
that bite"); here it gets InvalidParams with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol

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
