"""The Conversational agent: explanations, docstrings and chat, answered offline from the code itself.

Model-powered answers arrive with the router; until then every action here works with no model
and says so, so the user always gets something useful and knows who answered.
"""

from __future__ import annotations

import asyncio
import keyword
import logging
import re
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult, FileEdit, Span
from zc_lsp.agents.docstrings import STYLES, DocstringError, docstring_edit
from zc_lsp.agents.explain import explain_source
from zc_lsp.agents.testing.discovery import iter_python_files

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
        for path in iter_python_files(root, limit=3000):
            if doc_path is not None and path.resolve() == doc_path.resolve():
                continue
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
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


class ConversationalAgent:
    name = "conversational"

    def actions(self) -> list[str]:
        return ["explain", "docstring", "chat"]

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        if request.action == "explain":
            return await self.explain(request, ctx)
        if request.action == "docstring":
            return await self.docstring(request, ctx)
        if request.action == "chat":
            return await self.chat(request, ctx)
        return AgentResult.failure(self.name, request.action, f"The conversational agent cannot do {request.action!r}.")

    async def explain(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        doc = request.doc
        if doc is None:
            return AgentResult.failure(self.name, request.action, "Explain needs a document (uri and range).")
        ctx.progress("reading the code", None)
        markdown, symbol = await asyncio.to_thread(explain_source, doc.text, request.span, doc.path)
        where = doc.path.name if doc.path else doc.uri
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=markdown,
            data={"markdown": markdown, "symbol": symbol, "file": where},
            provider="offline",
            model=ENGINE,
        )

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
            edits=[FileEdit(doc.path, [edit])],
            provider="offline",
            model="docstring-template",
        )

    async def chat(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        message = str(request.args.get("message") or "").strip()
        if not message:
            return AgentResult.failure(self.name, request.action, "Chat needs a message.")
        doc = request.doc
        parts = [OFFLINE_NOTE]
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
                shown = self._relative(path, ctx.workspace_root)
                parts.append(f"---\n**`{name}`** in `{shown}` (line {line + 1}):\n\n{markdown}")
                explained.append({"symbol": name, "file": str(path) if path else None, "line": line})
        answer = "\n\n".join(parts)
        await self._remember(ctx, message, answer, explained)
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=answer,
            data={"markdown": answer, "explained": explained},
            provider="offline",
            model=ENGINE,
        )

    @staticmethod
    def _relative(path: Path | None, root: Path) -> str:
        if path is None:
            return "the open document"
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)

    async def _remember(self, ctx: AgentContext, message: str, answer: str, explained: list[dict[str, Any]]) -> None:
        if ctx.memory is None:
            return
        try:
            await asyncio.to_thread(
                ctx.memory.remember,
                "chat",
                f"Q: {message}\n\nA: {answer}",
                {"provider": "offline", "explained": explained},
            )
        except Exception:
            log.exception("could not record the chat in memory")
