"""The chat commands every editor's chat panel uses (docs/contracts.md, "Chat"): zc.chat, zc.chat.stop,
zc.chat.history, zc.chat.clear and zc.chat.applyBlock.

The answer streams as `zc/chatDelta` notifications; a stop (`zc.chat.stop` or `$/cancelRequest`)
cancels the model call through the CancelToken and the request still answers, with the partial text
and `cancelled: true`. Slash commands are parsed in `agents/conversational/slash.py`, shared with the
terminal chat. A code block becomes an edit only through the one edit guard (`handlers/edits.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.agents.conversational import slash
from zc_lsp.core.cancel import CancelToken
from zc_lsp.core.types import FileEdit, Span, TextEdit
from zc_lsp.handlers.command_support import parse_args, parse_span
from zc_lsp.handlers.convert import uri_to_path
from zc_lsp.handlers.edits import audit, guard_workspace_edits, send_edit, to_workspace_edit
from zc_lsp.handlers.progress import Progress

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)
DELTA = "zc/chatDelta"


def new_conversation() -> str:
    return uuid.uuid4().hex[:12]


class ChatState:
    """The server's side of the chat: the current conversation and the answers being streamed."""

    def __init__(self) -> None:
        self.conversation: str | None = None  # None until a chat, history or clear names one
        self.streams: dict[str, CancelToken] = {}


def _object_args(raw: tuple[Any, ...], names: list[str], command: str) -> dict[str, Any]:
    if len(raw) == 1 and isinstance(raw[0], dict):
        return dict(raw[0])
    if not raw:
        return {}
    raise JsonRpcInvalidParams(f"{command} takes one object argument {{{', '.join(names)}}}")


def _text(args: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = args.get(key)
    if value is None or (value == "" and not required):
        if required:
            raise JsonRpcInvalidParams(f"missing argument: {key}")
        return None
    if not isinstance(value, str):
        raise JsonRpcInvalidParams(f"{key} must be text, got {type(value).__name__}")
    return value


def register_chat_commands(session: Session, command: Callable[[str], Any]) -> None:
    state = ChatState()

    @command("zc.chat")
    async def chat(*raw: Any) -> dict[str, Any]:
        """(message, uri?, range?) or {message, uri?, range?, files?, conversation?, stream?}."""
        args = parse_args(raw, ["message", "uri", "range", "files", "conversation", "stream"], required=1)
        message = _text(args, "message", required=True)
        assert message is not None
        stream = _text(args, "stream")
        files = args.get("files")
        if files is not None and (not isinstance(files, list) or not all(isinstance(f, str) for f in files)):
            raise JsonRpcInvalidParams("files must be a list of file URIs")
        conversation = _text(args, "conversation") or state.conversation or new_conversation()
        state.conversation = conversation
        uri = _text(args, "uri")
        doc = await asyncio.to_thread(session.documents.read, uri) if uri else None
        span = None
        if doc is not None and args.get("range") is not None:
            span = parse_span(args["range"], session.lines(doc.text))
        services = session.services_for(uri)
        async with contextlib.AsyncExitStack() as stack:
            # Without a stream id the answer streams as $/progress messages, as before the chat panel.
            progress = None if stream else await stack.enter_async_context(Progress(session, "Chat"))
            return await _answer(session, state, services, message, conversation, doc, span, files, stream, progress)

    @command("zc.chat.stop")
    async def stop(*raw: Any) -> dict[str, Any]:
        args = _object_args(raw, ["stream"], "zc.chat.stop")
        stream = _text(args, "stream", required=True)
        token = state.streams.get(str(stream))
        if token is not None:
            token.cancel()
        return {"ok": True, "stopped": token is not None}

    @command("zc.chat.history")
    async def history(*raw: Any) -> dict[str, Any]:
        args = _object_args(raw, ["conversation"], "zc.chat.history")
        wanted = _text(args, "conversation") or state.conversation
        services = session.started()
        chatter = session.registry.owner("zc.chat")[0]  # the agent behind the chat keeps its history
        result = await services.agents.run(chatter, AgentRequest("history", args={"conversation": wanted}))
        if not result.ok:
            raise JsonRpcInvalidParams(f"chat history is unavailable: {result.error}")
        conversation = result.data.get("conversation") or wanted or new_conversation()
        if state.conversation is None:
            state.conversation = conversation
        return {"ok": True, "conversation": conversation, "messages": result.data.get("messages") or []}

    @command("zc.chat.clear")
    async def clear(*raw: Any) -> dict[str, Any]:
        _object_args(raw, ["conversation"], "zc.chat.clear")
        state.conversation = new_conversation()
        return {"ok": True, "conversation": state.conversation}

    @command("zc.chat.applyBlock")
    async def apply_block(*raw: Any) -> dict[str, Any]:
        return await _apply_block(
            session, _object_args(raw, ["uri", "version", "code", "range", "preview"], "zc.chat.applyBlock")
        )


async def _answer(
    session: Session,
    state: ChatState,
    services: Any,
    message: str,
    conversation: str,
    doc: Any,
    span: Span | None,
    files: list[str] | None,
    stream: str | None,
    progress: Progress | None,
) -> dict[str, Any]:
    token = progress.cancel if progress is not None else CancelToken()
    if stream:
        if stream in state.streams:
            raise JsonRpcInvalidParams(f"stream {stream!r} is already answering; stop it or use a new id")
        state.streams[stream] = token
    msg_id = session.server.protocol.msg_id
    if msg_id is not None:
        session.server.zc_protocol.cancel_hooks[msg_id] = token.cancel
    shown: list[str] = []

    def on_token(text: str) -> None:
        shown.append(text)
        if stream:
            session.server.protocol.notify(DELTA, {"stream": stream, "text": text})
        elif progress is not None:
            progress.stream(text)

    async def run(agent: str, request: AgentRequest) -> AgentResult:
        result: AgentResult = await services.agents.run(agent, request, cancel=token, on_token=on_token)
        return result

    try:
        command_name = slash.parse(message)
        if command_name is not None and command_name[0] == "/clear":
            state.conversation = new_conversation()
            return _reply(markdown="New conversation started.", conversation=state.conversation)
        refused = _refused_for_model(services, doc) if command_name and command_name[0] == "/tests" else None
        if refused:  # the Verifier's prompt would carry the file: the sensitive-file gate first
            return _reply(markdown=refused, conversation=conversation, ok=False, notes=[refused], error=refused)
        if command_name is not None:
            answer = await slash.run_slash(command_name[0], run, doc, span)
            result = answer.result or AgentResult(
                ok=answer.ok,
                agent=session.registry.owner("zc.chat")[0],
                action="slash",
                summary=answer.markdown,
                provider=answer.provider,
                model=answer.model,
            )
            markdown, notes = answer.markdown, answer.notes
        else:
            request = AgentRequest(
                "chat",
                doc=doc,
                span=span,
                args={"message": message, "conversation": conversation, "files": files or []},
            )
            result = await run(session.registry.owner("zc.chat")[0], request)
            markdown, notes = result.summary, list(result.data.get("notes") or [])
    finally:
        if msg_id is not None:
            session.server.zc_protocol.cancel_hooks.pop(msg_id, None)
        if stream:
            state.streams.pop(stream, None)
    if token.cancelled:
        return _reply(markdown="".join(shown), conversation=conversation, cancelled=True, notes=notes)
    if not result.ok:
        return _reply(
            markdown=result.error or markdown,
            conversation=conversation,
            ok=False,
            notes=notes,
            provider=result.provider,
            model=result.model,
            error=result.error,
        )
    return _reply(
        markdown=markdown,
        conversation=conversation,
        notes=notes,
        provider=result.provider,
        model=result.model,
        cached=result.cached,
    )


def _refused_for_model(services: Any, doc: Any) -> str | None:
    if doc is None or doc.path is None:
        return None
    from zc_lsp.core.sensitive import refuse_reason

    return refuse_reason(doc.path, services.workspace_root)


def _reply(
    *,
    markdown: str,
    conversation: str,
    ok: bool = True,
    cancelled: bool = False,
    notes: list[str] | None = None,
    provider: str | None = None,
    model: str | None = None,
    cached: bool = False,
    error: str | None = None,
) -> dict[str, Any]:
    provenance = (f"{provider}/{model}" if model else provider) if provider else None
    return {
        "ok": ok,
        "markdown": markdown,
        "provider": provider,
        "model": model,
        "conversation": conversation,
        "cancelled": cancelled,
        "notes": list(notes or []),
        "cached": cached,
        "error": error,
        "provenance": provenance,
    }


async def _apply_block(session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """A code block from the chat as an edit: previewed as a diff, or applied; both through the edit guard."""
    uri = _text(args, "uri", required=True)
    code = args.get("code")
    version = args.get("version")
    if not isinstance(code, str):
        raise JsonRpcInvalidParams("code must be text")
    if not isinstance(version, int) or isinstance(version, bool):
        raise JsonRpcInvalidParams("version must be the document's version number (an integer)")
    preview = args.get("preview", True)
    if not isinstance(preview, bool):
        raise JsonRpcInvalidParams("preview must be true or false")
    path = uri_to_path(str(uri))
    if path is None:
        raise JsonRpcInvalidParams(f"not a file URI: {uri}")
    if not session.documents.is_open(uri):
        return _refused(preview, f"{path.name} is not open in the editor; open it and try again")
    doc = session.documents.get(uri)
    lines = session.lines(doc.source)
    if args.get("range") is not None:
        span = parse_span(args["range"], lines)
    else:  # no range: append at the end of the document
        last = len(lines.lines) - 1
        span = Span(last, len(lines.lines[last]), last, len(lines.lines[last]))
    file_edit = FileEdit(path, [TextEdit(span, code)], base_version=version)
    refused = guard_workspace_edits(session, [file_edit])
    if refused:
        return _refused(preview, refused)
    edit = to_workspace_edit(session, [file_edit])
    if preview:
        after = _replaced(doc.source, span, code)
        name = Path(path).name
        diff = "".join(
            difflib.unified_diff(
                doc.source.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )
        return {"ok": True, "diff": diff, "edit": session.server.protocol._converter.unstructure(edit)}
    done = await send_edit(session, edit, "ZombieCoder: apply code block")
    services = session.services_for(uri)
    await asyncio.to_thread(
        audit,
        services,
        "edit_applied" if done else "edit_offered",
        command="zc.chat.applyBlock",
        files=[str(path)],
        applied=done,
    )
    reason = None if done else "the editor did not apply the edit (or did not answer)"
    return {"ok": done, "applied": done, **({"reason": reason} if reason else {})}


def _refused(preview: bool, reason: str) -> dict[str, Any]:
    if preview:
        raise JsonRpcInvalidParams(f"zc.chat.applyBlock refused: {reason}")
    return {"ok": False, "applied": False, "reason": reason}


def _replaced(text: str, span: Span, code: str) -> str:
    lines = text.split("\n")

    def offset(line: int, char: int) -> int:
        line = min(max(line, 0), len(lines) - 1)
        return sum(len(lines[i]) + 1 for i in range(line)) + min(char, len(lines[line]))

    start, end = offset(span.start_line, span.start_char), offset(span.end_line, span.end_char)
    return text[:start] + code + text[end:]
