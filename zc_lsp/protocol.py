"""The JSON-RPC protocol: pygls' LanguageServerProtocol, changed so every request gets exactly one reply.

pygls parses with `json.loads(object_hook=structure_message)`, so any nested object with a
`jsonrpc` key is taken for a message, and it drops what it cannot read (bad params, batches,
requests after `shutdown`). Here a body is parsed as plain JSON, checked as a JSON-RPC message
from the top-level object only, bounded in depth and size, and every request is answered:
-32700 for bad JSON, -32600 for a bad message shape, -32602 with the reason for bad params.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol

from zc_lsp.jsonrpc_limits import MAX_DEPTH, MAX_INIT_OPTIONS_BYTES, TooBig, bounded_loads, check_limits

log = logging.getLogger(__name__)


_POINT = {"line": 0, "character": 0}
_RANGE = {"start": _POINT, "end": _POINT}
# The messages of every keystroke and cursor move: cattrs builds each type's (un)structure function on
# its first use, ~1.9 ms for didChange, ~2.3 ms for codeAction and ~1.4 ms for a publish with every
# diagnostic field, paid by the user's first edit unless `prepare_hot_paths` paid it earlier.
_HOT_MESSAGES: tuple[dict[str, Any], ...] = (
    {
        "method": types.TEXT_DOCUMENT_DID_CHANGE,
        "params": {
            "textDocument": {"uri": "file:///x.py", "version": 2},
            "contentChanges": [{"range": _RANGE, "text": "x"}],
        },
    },
    {
        "method": types.TEXT_DOCUMENT_DID_OPEN,
        "params": {"textDocument": {"uri": "file:///x.py", "languageId": "python", "version": 1, "text": "x"}},
    },
    {
        "id": 0,
        "method": types.TEXT_DOCUMENT_CODE_ACTION,
        "params": {"textDocument": {"uri": "file:///x.py"}, "range": _RANGE, "context": {"diagnostics": []}},
    },
)


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


class ZcProtocol(LanguageServerProtocol):
    """pygls' protocol, plus: one reply for every request, and cancellation that reaches command tasks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Command handlers run one level below pygls' own request future; $/cancelRequest must reach them.
        self.command_tasks: dict[Any, asyncio.Task[Any]] = {}
        # Requests that answer a cancellation themselves (zc.chat: a partial reply, `cancelled: true`).
        self.cancel_hooks: dict[Any, Callable[[], None]] = {}
        self.dropped_init_options: str | None = None  # why initializationOptions were ignored, for the user
        self.initialize_seen = False  # LSP: before `initialize`, requests get -32002 and notifications are dropped

    def prepare_hot_paths(self) -> None:
        """Build the (un)structure functions of the messages of every keystroke and cursor move (see
        _HOT_MESSAGES). Blocking for a few ms: call it in a thread after `initialized`. The functions are
        cached by type, so a message the loop structures meanwhile at worst builds one twice."""
        for message in _HOT_MESSAGES:
            super().structure_message({"jsonrpc": "2.0", **message})
        span = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=1))
        diagnostic = types.Diagnostic(
            range=span,
            message="m",
            severity=types.DiagnosticSeverity.Warning,
            code="E1",
            code_description=types.CodeDescription(href="https://example.invalid"),
            source="zombiecoder/ruff",
            data={"id": "0"},
            tags=[types.DiagnosticTag.Unnecessary],
            related_information=[
                types.DiagnosticRelatedInformation(location=types.Location(uri="file:///x.py", range=span), message="r")
            ],
        )
        params = types.PublishDiagnosticsParams(uri="file:///x.py", diagnostics=[diagnostic], version=1)
        self._converter.unstructure(types.PublishDiagnosticsNotification(params=params))
        edit = types.WorkspaceEdit(changes={"file:///x.py": [types.TextEdit(range=span, new_text="")]})
        action = types.CodeAction(title="t", kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], edit=edit)
        self._converter.unstructure(action)

    # -- entry point from the transport ---------------------------------------------------------

    def receive_body(self, body: bytes) -> None:
        """One frame's body: parse it, check its shape, dispatch it or answer the error."""
        try:
            data = bounded_loads(body)
        except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
            log.warning("unparseable message: %s", exc)
            self._send_error(None, JsonRpcParseError(f"Parse error: {exc}"))
            return
        if isinstance(data, list):
            self._reply_batch(data)
            return
        self.receive_object(data)

    def _reply_batch(self, items: list[Any]) -> None:
        """A language server takes no batches (LSP has none): one -32600 per element, as one array."""
        if not items:
            self._send_error(None, JsonRpcInvalidRequest("Invalid Request: empty batch"))
            return
        replies = []
        for item in items:
            msg_id = item.get("id") if isinstance(item, dict) and _valid_id(item.get("id")) else None
            error = JsonRpcInvalidRequest("Invalid Request: JSON-RPC batches are not supported by this server")
            replies.append({"jsonrpc": "2.0", "id": msg_id, "error": self._error_dict(error)})
        self._send_data(replies)

    def receive_object(self, data: Any) -> None:
        shape_error = self._shape_error(data)
        if shape_error is not None:
            msg_id = data.get("id") if isinstance(data, dict) and _valid_id(data.get("id")) else None
            log.warning("invalid request (id %r): %s", msg_id, shape_error)
            if not (isinstance(data, dict) and "method" in data and "id" not in data and msg_id is None):
                self._send_error(msg_id, JsonRpcInvalidRequest(f"Invalid Request: {shape_error}"))
            return
        method = data.get("method")
        msg_id = data.get("id")
        is_request = method is not None and "id" in data
        if method == types.INITIALIZE:
            self.initialize_seen = True
        elif method is not None and not self.initialize_seen and method != types.EXIT:
            if is_request:
                self._send_error(
                    msg_id, JsonRpcServerNotInitialized(f"Server not initialized: {method} before initialize")
                )
            else:
                log.warning("notification %s before initialize dropped", method)
            return
        if method is not None and self._shutdown and method != types.EXIT:
            if is_request:
                self._send_error(msg_id, JsonRpcInvalidRequest(f"Invalid Request: {method} after shutdown"))
            return
        try:
            check_limits(data.get("params"))
        except TooBig as exc:
            if (
                method == types.INITIALIZE
                and isinstance(data.get("params"), dict)
                and self._drop_init_options(data, exc)
            ):
                pass
            elif is_request:
                self._send_error(msg_id, JsonRpcInvalidParams(f"Invalid params for {method}: {exc}"))
                return
            else:
                log.warning("notification %s dropped: %s", method, exc)
                return
        if method == types.INITIALIZE and isinstance(data.get("params"), dict):
            self._bound_init_options(data["params"])
        if method == types.WORKSPACE_EXECUTE_COMMAND and isinstance(data.get("params"), dict):
            arguments = data["params"].get("arguments")
            if arguments is not None and not isinstance(arguments, list):  # cattrs takes a string as a sequence
                if is_request:
                    self._send_error(msg_id, JsonRpcInvalidParams("Invalid params: arguments must be an array"))
                return
        try:
            message = super().structure_message(data)
        except Exception as exc:
            cause = exc.__cause__ or exc
            reason = f"{type(cause).__name__}: {cause}"
            if is_request:
                log.warning("invalid params for %s (id %s): %s", method, msg_id, reason)
                self._send_error(msg_id, JsonRpcInvalidParams(f"Invalid params for {method}: {reason}"))
            else:
                log.warning("unreadable message dropped (%s): %s", method, reason)
            return
        self.handle_message(message)

    # -- checks ---------------------------------------------------------------------------------

    @staticmethod
    def _shape_error(data: Any) -> str | None:
        if not isinstance(data, dict):
            return f"expected a JSON object, got {type(data).__name__}"
        if data.get("jsonrpc") != "2.0":
            return f'jsonrpc must be "2.0", got {data.get("jsonrpc")!r}'
        if "id" in data and not _valid_id(data["id"]):
            return f"id must be an integer or a string, got {data['id']!r}"
        if "method" in data:
            if not isinstance(data["method"], str) or not data["method"]:
                return f"method must be a non-empty string, got {data['method']!r}"
            params = data.get("params")
            if params is not None and not isinstance(params, dict | list):
                return f"params must be an object or an array, got {type(params).__name__}"
            return None
        if "id" not in data:
            return "no method and no id"
        if "result" not in data and "error" not in data:
            return "no method, result or error"
        return None

    def _drop_init_options(self, data: dict[str, Any], exc: TooBig) -> bool:
        """initializationOptions too deep or big: start with defaults and say so (the rest must be fine)."""
        params = data["params"]
        if "initializationOptions" not in params:
            return False
        trimmed = {k: v for k, v in params.items() if k != "initializationOptions"}
        try:
            check_limits(trimmed)
        except TooBig:
            return False
        params.pop("initializationOptions")
        self.dropped_init_options = f"initializationOptions ignored, defaults used: {exc}"
        log.warning(self.dropped_init_options)
        return True

    def _bound_init_options(self, params: dict[str, Any]) -> None:
        options = params.get("initializationOptions")
        if options is None:
            return
        size = len(json.dumps(options))
        if size > MAX_INIT_OPTIONS_BYTES:
            params.pop("initializationOptions")
            self.dropped_init_options = (
                f"initializationOptions ignored, defaults used: {size} bytes (at most {MAX_INIT_OPTIONS_BYTES})"
            )
            log.warning(self.dropped_init_options)

    # -- replies --------------------------------------------------------------------------------

    def _error_dict(self, error: Any) -> dict[str, Any]:
        return {"code": error.code, "message": error.message}

    def _send_error(self, msg_id: Any, error: Any) -> None:
        """An error reply written directly: pygls' ResponseErrorMessage cannot carry id null."""
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": self._error_dict(error)})

    def structure_message(self, data: dict[str, Any]) -> Any:
        # Never used as a json object_hook here (see module doc); kept for pygls callers.
        return super().structure_message(data)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        hook = self.cancel_hooks.pop(msg_id, None)
        if hook is not None:
            hook()  # the request stops its work and replies with what it has
            return
        task = self.command_tasks.pop(msg_id, None)
        if task is not None and not task.done():
            task.cancel()
            if msg_id not in self._request_futures:
                return  # the command task answers for itself (RequestCancelled)
        super()._handle_cancel_notification(msg_id)


__all__ = ["MAX_DEPTH", "ZcProtocol"]
