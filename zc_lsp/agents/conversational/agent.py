"""The Conversational agent: explanations, docstrings, chat and speech.

With a router, explain streams a model's explanation and chat answers with the workspace's chat
history and the code asked about as context. With no model every action still works offline from
the code itself and says why, so the user always gets something useful and knows who answered.
"""

from __future__ import annotations

import asyncio
import keyword
import logging
import re
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult, SpecAgent
from zc_lsp.agents.conversational.chat import (
    code_at,
    code_context,
    context_files,
    history_messages,
    history_text,
    shown_path,
)
from zc_lsp.agents.conversational.docstrings import STYLES, DocstringError, docstring_edit
from zc_lsp.agents.conversational.explain import explain_source
from zc_lsp.agents.modelwork.routing import ask, offline_note, with_reply
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import FileEdit, Span
from zc_lsp.core.workspace import iter_files
from zc_lsp.router.base import NoModelAvailable

log = logging.getLogger(__name__)
ENGINE = "ast-summary"
MAX_SYMBOLS = 2
MAX_FILE_BYTES = 1_000_000
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_STOP = frozenset(
    {
        "the",
        "this",
        "that",
        "what",
        "does",
        "how",
        "why",
        "explain",
        "please",
        "function",
        "class",
        "method",
        "code",
        "file",
        "with",
        "and",
        "for",
        "from",
        "into",
        "about",
        "can",
        "you",
        "mean",
        "work",
        "works",
        "doing",
        "tell",
        "show",
        "where",
        "which",
        "who",
        "when",
        "there",
        "here",
    }
)

OFFLINE_NOTE = (
    "**No language model is configured or reachable**, so this is ZombieCoder's offline answer.\n\n"
    "Offline I can:\n"
    '- **explain** code from its structure (`zc.explain`, or "Explain" on a selection),\n'
    '- **add docstrings** in google, numpy or sphinx style ("Add docstring"),\n'
    "- **review** files with ruff, bandit and secret detection (`zc.review`),\n"
    "- **run tests** and put failures at the failing line (`zc.runTests`),\n"
    "- **fix and format** with ruff, and generate test skeletons.\n\n"
    "For model answers, start Ollama (`ollama serve`) or set an API key and `privacy.allow_cloud: true`."
)


def candidate_symbols(message: str) -> list[str]:
    """Identifiers in a chat message that could name code: `parse_config`, `Foo.bar`, `HTTPServer`."""
    found: dict[str, None] = {}
    for match in _IDENT.finditer(message):
        parts = match.group(0).split(".")
        for name in (match.group(0), parts[-1], *parts[:-1]):
            if len(name) >= 3 and not keyword.iskeyword(name) and name.lower() not in _STOP:
                found[name] = None
    return list(found)


def _def_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^[ \t]*(?:async[ \t]+def|def|class)[ \t]+{re.escape(name)}\b", re.M)


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) if match else None


def find_symbols(
    message: str, root: Path, doc_text: str | None, doc_path: Path | None
) -> list[tuple[str, Path | None, str, int]]:
    """(name, file, text, 0-based line) of definitions the message names: the open document first."""
    names = [n for n in candidate_symbols(message) if "." not in n]
    if not names:
        return []
    patterns = {name: _def_pattern(name) for name in names}
    hits: list[tuple[str, Path | None, str, int]] = []
    sources: list[tuple[Path | None, str]] = [(doc_path, doc_text)] if doc_text else []
    for name in names:
        for path, text in sources:
            line = _line_of(text, patterns[name])
            if line is not None:
                hits.append((name, path, text, line))
                break
    missing = [n for n in names if n not in {h[0] for h in hits}]
    if missing and len(hits) < MAX_SYMBOLS:
        for path in iter_files(root, "*.py", limit=3000):
            if doc_path is not None and path.resolve() == doc_path.resolve():
                continue
            try:
                text = read_text_bounded(path, MAX_FILE_BYTES, errors="replace")
            except OSError as exc:
                log.debug("skipped %s: %s", path, exc)
                continue
            for name in list(missing):
                line = _line_of(text, patterns[name])
                if line is not None:
                    hits.append((name, path, text, line))
                    missing.remove(name)
            if not missing or len(hits) >= MAX_SYMBOLS:
                break
    return hits[:MAX_SYMBOLS]


class ConversationalAgent(SpecAgent):
    name = "conversational"
    spec_actions = ("explain", "docstring", "chat", "speak", "history")

    async def explain(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        doc = request.doc
        if doc is None:
            return AgentResult.failure(self.name, request.action, "Explain needs a document (uri and range).")
        ctx.progress("reading the code", None)
        where = doc.path.name if doc.path else doc.uri
        note = ""
        if ctx.router is not None:
            code, first = await asyncio.to_thread(code_at, doc.text, request.span)
            try:
                reply = await ask(ctx, "explain", role=self.name, path=f"{where}, from line {first + 1}",
                                  language=doc.language_id or "python", code=code, source=doc.path)
            except NoModelAvailable as exc:
                note = offline_note(list(exc.attempts))
            else:
                markdown = reply.text.strip()
                result = AgentResult(ok=True, agent=self.name, action=request.action, summary=markdown,
                                     data={"markdown": markdown, "symbol": None, "file": where})
                return with_reply(result, reply)
        markdown, symbol = await asyncio.to_thread(explain_source, doc.text, request.span, doc.path)
        if note:
            markdown = f"_{note}_\n\n{markdown}"
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=markdown,
            data={"markdown": markdown, "symbol": symbol, "file": where},
            provider="offline",
            model=ENGINE,
        )

    async def speak(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        """Speak `text`, or the explanation of the given code (model or offline), via zc_lsp.agents.conversational.speech."""
        from zc_lsp.agents.conversational.speech import speak

        text = str(request.args.get("text") or "").strip()
        explained: AgentResult | None = None
        if not text and request.doc is not None:
            explained = await self.explain(AgentRequest("explain", doc=request.doc, span=request.span), ctx)
            if not explained.ok:
                return AgentResult.failure(self.name, request.action, explained.error or "nothing to explain")
            text = explained.summary
        if not text:
            return AgentResult.failure(self.name, request.action, "Speak needs text, or a document and a range.")
        ctx.progress("speaking", None)
        out = await speak(ctx.settings, ctx.data_dir, text, request.args.get("lang") or None)
        if not out.get("ok"):
            return AgentResult.failure(self.name, request.action, str(out.get("error")), data=out)
        summary = f"Spoke {len(text)} characters with {out.get('engine')}: `{out.get('audio_path')}`."
        if explained is not None and explained.provenance:
            summary += f" (explanation by {explained.provenance})"
        return AgentResult(ok=True, agent=self.name, action=request.action, summary=summary, data=out,
                           provider="offline", model=str(out.get("engine")))

    async def docstring(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        doc = request.doc
        if doc is None:
            return AgentResult.failure(self.name, request.action, "Add docstring needs a document and a position.")
        if doc.path is None:
            return AgentResult.failure(self.name, request.action, "Save the document to a file first.")
        style = str(request.args.get("style") or ctx.settings.docstring.style)
        if style not in STYLES:
            return AgentResult.failure(
                self.name, request.action, f"Docstring style must be one of {', '.join(STYLES)}."
            )
        try:
            edit, symbol = await asyncio.to_thread(docstring_edit, doc.text, request.span, style)
        except DocstringError as exc:
            return AgentResult.failure(self.name, request.action, str(exc).capitalize() + ".")
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=f"Added a {style}-style docstring to `{symbol}`.",
            data={"symbol": symbol, "style": style},
            edits=[FileEdit(doc.path, [edit], base_version=doc.version)],
            provider="offline",
            model="docstring-template",
        )

    async def chat(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        message = str(request.args.get("message") or "").strip()
        if not message:
            return AgentResult.failure(self.name, request.action, "Chat needs a message.")
        doc, span, extra, notes = await asyncio.to_thread(
            context_files, request.doc, request.span, request.args.get("files"), ctx.workspace_root)
        request = AgentRequest(request.action, doc=doc, span=span, args={**request.args, "notes": notes})
        if ctx.router is not None:
            answered, attempts = await self._model_chat(message, request, ctx, extra)
            if answered is not None:
                return answered
        else:
            attempts = []
        parts = [f"_{offline_note(attempts)}_", OFFLINE_NOTE] if attempts else [OFFLINE_NOTE]
        explained: list[dict[str, Any]] = []
        if doc is not None and request.span is not None:
            markdown, symbol = await asyncio.to_thread(explain_source, doc.text, request.span, doc.path)
            parts.append("---\n**About your selection:**\n\n" + markdown)
            explained.append({"symbol": symbol, "file": str(doc.path) if doc.path else doc.uri})
        else:
            ctx.progress("looking for the code you named", None)
            hits = await asyncio.to_thread(
                find_symbols, message, ctx.workspace_root, doc.text if doc else None, doc.path if doc else None
            )
            for name, path, text, line in hits:
                ctx.cancel.check("chat: explaining symbols")
                markdown, _ = await asyncio.to_thread(explain_source, text, Span.lines(line), path)
                shown = shown_path(path, ctx.workspace_root)
                parts.append(f"---\n**`{name}`** in `{shown}` (line {line + 1}):\n\n{markdown}")
                explained.append({"symbol": name, "file": str(path) if path else None, "line": line})
        answer = "\n\n".join(parts)
        await self._remember(ctx, message, answer, explained, conversation=request.args.get("conversation"))
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=answer,
            data={"markdown": answer, "explained": explained, "notes": notes},
            provider="offline",
            model=ENGINE,
        )

    async def history(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        """The stored exchanges of one conversation (the newest one without an id), oldest first."""
        wanted = request.args.get("conversation")
        conversation, messages = await asyncio.to_thread(
            history_messages, ctx.memory, str(wanted) if wanted else None, int(request.args.get("limit") or 50))
        return AgentResult(ok=True, agent=self.name, action=request.action, summary=f"{len(messages)} message(s)",
                           data={"conversation": conversation, "messages": messages})

    async def _model_chat(
        self, message: str, request: AgentRequest, ctx: AgentContext, extra: str = ""
    ) -> tuple[AgentResult | None, list[str]]:
        """A model's answer with history and code as context; (None, attempts) when no model answered."""
        doc = request.doc
        ctx.progress("gathering context", None)
        hits = []
        if doc is None or request.span is None:
            hits = await asyncio.to_thread(
                find_symbols, message, ctx.workspace_root, doc.text if doc else None, doc.path if doc else None
            )
        conversation = request.args.get("conversation")
        history = await asyncio.to_thread(history_text, ctx.memory, message, 6, conversation)
        code = await asyncio.to_thread(code_context, doc, request.span, hits, ctx.workspace_root)
        code = "\n\n".join(part for part in (code, extra) if part)
        try:
            reply = await ask(ctx, "chat", role=self.name, history=history, code=code, message=message)
        except NoModelAvailable as exc:
            return None, list(exc.attempts)
        answer = reply.text.strip()
        explained = [{"symbol": name, "file": str(path) if path else None, "line": line} for name, path, _, line in hits]
        await self._remember(ctx, message, answer, explained, reply.provider, reply.model, conversation)
        result = AgentResult(ok=True, agent=self.name, action=request.action, summary=answer,
                             data={"markdown": answer, "explained": explained, "history_used": bool(history),
                                   "notes": list(request.args.get("notes") or [])})
        return with_reply(result, reply), list(reply.attempts)

    async def _remember(
        self, ctx: AgentContext, message: str, answer: str, explained: list[dict[str, Any]],
        provider: str = "offline", model: str = ENGINE, conversation: Any = None,
    ) -> None:
        """Both turns of the exchange, as one item, so later chats see the question with its answer."""
        if ctx.memory is None:
            return
        try:
            await asyncio.to_thread(
                ctx.memory.remember,
                "chat",
                f"Q: {message}\n\nA: {answer}",
                {"provider": provider, "model": model, "explained": explained,
                 **({"conversation": str(conversation)} if conversation else {})},
            )
        except Exception:
            log.exception("could not record the chat in memory")
