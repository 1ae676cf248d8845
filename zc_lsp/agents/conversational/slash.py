"""Slash commands of every chat front end (the terminal chat, the editors' chat panels over `zc.chat`).

One place parses `/explain`, `/tests`, `/review`, `/fix`, `/clear`, `/help` and runs the agents'
own actions through the caller's runner (`AgentRunner.run` with its cancel token and token stream),
so a front end only finds the document and shows the Markdown. Nothing here writes a file: `/tests`
and `/fix` show the code and the diff; applying is the front end's choice (an edit through the guard).
"""

from __future__ import annotations

import ast
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.core.types import DocSnapshot, Span

Runner = Callable[[str, AgentRequest], Awaitable[AgentResult]]
SHARED = ("/explain", "/tests", "/review", "/fix", "/clear", "/help")
HELP_ROWS = (
    ("/explain", "explain the selection, or the current file"),
    ("/tests", "generate tests for the function at the cursor (kept only if they pass; shown, not written)"),
    ("/review", "review the current file (ruff, bandit, secrets) and list the findings"),
    ("/fix", "repair the current file offline; shows the diff, changes nothing"),
    ("/clear", "start a new conversation (earlier ones stay in the history)"),
    ("/help", "this list"),
)
HELP_MARKDOWN = (
    "**Slash commands**\n\n"
    + "\n".join(f"- `{name}`: {what}" for name, what in HELP_ROWS)
    + ("\n\nAnything else is a question; the current file and selection are its context, `@file` adds another.")
)


@dataclass
class SlashAnswer:
    """What a slash command produced: Markdown for people, and who answered."""

    markdown: str
    ok: bool = True
    provider: str | None = None
    model: str | None = None
    notes: list[str] = field(default_factory=list)
    result: AgentResult | None = None


def parse(message: str) -> tuple[str, str] | None:
    """("/review", "the rest") for a message that starts with a slash command, else None."""
    text = message.strip()
    if not text.startswith("/") or text.startswith("//"):
        return None
    name, _, rest = text.partition(" ")
    return name.lower(), rest.strip()


def _answer(result: AgentResult, markdown: str) -> SlashAnswer:
    if not result.ok:
        return SlashAnswer(
            markdown=result.error or "failed", ok=False, provider=result.provider, model=result.model, result=result
        )
    return SlashAnswer(markdown=markdown, provider=result.provider, model=result.model, result=result)


def _needs_doc(name: str) -> SlashAnswer:
    return SlashAnswer(markdown=f"`{name}` needs a file: open one (or select code) and ask again.", ok=False)


async def explain(run: Runner, doc: DocSnapshot | None, span: Span | None) -> SlashAnswer:
    if doc is None:
        return _needs_doc("/explain")
    result = await run("conversational", AgentRequest("explain", doc=doc, span=span))
    return _answer(result, result.summary)


def first_function_line(text: str) -> int | None:
    """The first function's line, for `/tests` without a cursor inside one."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node.lineno - 1
    return None


async def tests(run: Runner, doc: DocSnapshot | None, span: Span | None) -> SlashAnswer:
    if doc is None:
        return _needs_doc("/tests")
    if span is None:
        line = first_function_line(doc.text)
        if line is None:
            return SlashAnswer(markdown="`/tests`: there is no function in this file to test.", ok=False)
        span = Span(line, 0, line, 0)
    result = await run("verifier", AgentRequest("generate_tests", doc=doc, span=span))
    blocks = []
    for file_edit in result.edits:
        code = "".join(e.new_text for e in file_edit.edits).strip("\n")
        if code:
            blocks.append(f"`{Path(file_edit.path).name}`:\n\n```python\n{code}\n```")
    return _answer(result, "\n\n".join([result.summary, *blocks]))


async def review(run: Runner, doc: DocSnapshot | None, span: Span | None = None) -> SlashAnswer:
    if doc is None:
        return _needs_doc("/review")
    result = await run("best_practices", AgentRequest("review", doc=doc, args={"bandit": True}))
    name = doc.path.name if doc.path else doc.uri
    rows = [
        f"- `{name}:{f.span.start_line + 1}:{f.span.start_char + 1}` **{f.code}** {f.message} ({f.engine or f.source})"
        for f in sorted(result.findings, key=lambda f: (f.span.start_line, f.span.start_char))
    ]
    head = f"**{len(rows)} finding(s)** in `{name}`" + (":" if rows else ".")
    return _answer(result, "\n".join([head, "", *rows]) if rows else head)


async def fix(run: Runner, doc: DocSnapshot | None, span: Span | None = None) -> SlashAnswer:
    if doc is None:
        return _needs_doc("/fix")
    result = await run("programming", AgentRequest("repair", doc=doc))
    diff = str(result.data.get("diff") or "")
    markdown = result.summary + (f"\n\n```diff\n{diff.rstrip()}\n```" if diff else "")
    return _answer(result, markdown)


COMMANDS: dict[str, Callable[[Runner, DocSnapshot | None, Span | None], Awaitable[SlashAnswer]]] = {
    "/explain": explain,
    "/tests": tests,
    "/review": review,
    "/fix": fix,
}


async def run_slash(name: str, run: Runner, doc: DocSnapshot | None, span: Span | None) -> SlashAnswer:
    """Run one agent-backed slash command; `/clear` and `/help` belong to the front end (conversation state)."""
    if name == "/help":
        return SlashAnswer(markdown=HELP_MARKDOWN)
    command = COMMANDS.get(name)
    if command is None:
        return SlashAnswer(markdown=f"Unknown command `{name}`. " + HELP_MARKDOWN, ok=False)
    return await command(run, doc, span)
