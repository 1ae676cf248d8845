"""What both offline agents need around the engines: pre-checks, ruff options, edits, memory."""

from __future__ import annotations

import asyncio
import difflib
import logging
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.engines.lines import end_position, split_keepends
from zc_lsp.agents.engines.ruff_engine import RuffOptions
from zc_lsp.core.types import DocSnapshot, Span, TextEdit

__all__ = ["diff_edits", "end_position", "refusal", "remember", "ruff_options", "stdin_filename"]

log = logging.getLogger(__name__)
PY_SUFFIXES = (".py", ".pyi")
DEFAULT_TIMEOUT_S = 60.0


def refusal(doc: DocSnapshot | None, ctx: AgentContext) -> str | None:
    """Why this document is not checked (too big, binary, not Python), or None when it is fine."""
    if doc is None:
        return "No document was given."
    is_python = doc.language_id == "python" or (doc.path is not None and doc.path.suffix in PY_SUFFIXES)
    if not is_python:
        kind = doc.language_id or (doc.path.suffix if doc.path else "unknown")
        return f"{doc_name(doc)} is not a Python file ({kind}); ZombieCoder only checks Python."
    if "\x00" in doc.text:
        return f"{doc_name(doc)} looks binary (it contains NUL bytes) and was skipped."
    limit = int(ctx.settings.diagnostics.max_file_bytes)
    size = len(doc.text.encode("utf-8", "surrogatepass"))
    if size > limit:
        return (
            f"{doc_name(doc)} is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB limit "
            "(`diagnostics.max_file_bytes`), and was skipped."
        )
    return None


def doc_name(doc: DocSnapshot) -> str:
    return f"`{doc.path.name}`" if doc.path else f"`{doc.uri}`"


def stdin_filename(doc: DocSnapshot, root: Path) -> Path:
    """The name ruff sees: decides which config and per-file ignores apply to unsaved text."""
    return doc.path if doc.path is not None else root / "untitled.py"


def ruff_options(ctx: AgentContext) -> RuffOptions:
    diag = ctx.settings.diagnostics
    return RuffOptions(
        root=ctx.workspace_root,
        select=tuple(diag.ruff_select or ()),
        base_select=tuple(ctx.settings.get("diagnostics.ruff_base_select") or ()),
        ignore=tuple(diag.ruff_ignore or ()),
        test_ignore=tuple(ctx.settings.get("diagnostics.ruff_test_ignore") or ()),
        timeout_s=float(ctx.settings.get("diagnostics.engine_timeout_s", DEFAULT_TIMEOUT_S)),
    )


def whole_document_edit(old: str, new: str) -> TextEdit:
    end_line, end_char = end_position(old)
    return TextEdit(Span(0, 0, end_line, end_char), new)


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """Line-level edits turning `old` into `new`: small edits keep the editor's cursor and undo sane."""
    a = split_keepends(old)
    b = split_keepends(new)
    end = end_position(old)

    def pos(i: int) -> tuple[int, int]:
        # Line i's start; past the last line means the very end of the document.
        return (i, 0) if i < len(a) else end

    edits = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        (sl, sc), (el, ec) = pos(i1), pos(i2)
        edits.append(TextEdit(Span(sl, sc, el, ec), "".join(b[j1:j2])))
    return edits


async def remember(ctx: AgentContext, kind: str, content: str, metadata: dict[str, Any], uri: str | None) -> None:
    """Record a memory item off the loop; memory trouble must never fail the task itself. An automatic
    run (the editor's review after a change) writes it after its answer, where the runner allows."""
    if ctx.memory is None:
        return
    memory = ctx.memory

    async def write() -> None:
        try:
            await asyncio.to_thread(memory.remember, kind, content, metadata, uri)
        except Exception:
            log.warning("could not record %s memory item", kind, exc_info=True)

    if not ctx.user_requested and ctx.after_answer is not None:
        ctx.after_answer(write())
    else:
        await write()
