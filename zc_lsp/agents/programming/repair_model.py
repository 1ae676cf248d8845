"""Model repairs for the defects that need understanding (issue 14), one function at a time.

Each function of the (offline-repaired) module is shown to a model through the router (local
first). The reply must be one fenced block holding that function and nothing else; it replaces
only the function's lines, the whole module must still parse, and ruff may find nothing new. Any
other reply is refused with the reason, which the caller shows. Tests run later, once, for the
whole repair (see `repair.tests_verdict`).
"""

from __future__ import annotations

import ast
import asyncio
import textwrap
from typing import Any

from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.engines.repair.findings import RuffUnavailable, describe, new_findings, ruff_findings
from zc_lsp.agents.modelwork.routing import ask
from zc_lsp.agents.modelwork.source import Block, block_text, context_for, def_lines, foreign_file, reindent
from zc_lsp.core.types import DocSnapshot
from zc_lsp.router.base import ModelReply, NoModelAvailable
from zc_lsp.router.parse import extract_code, python_parses

DEFAULT_MAX_FUNCTIONS = 8


class Refused(Exception):
    """The reply cannot become a fix; the message says why."""


def functions(text: str) -> list[Block]:
    """Every function and method that holds no other function, in order of position."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first, last = def_lines(node)
            if not any(isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef)) for c in ast.walk(node) if c is not node):
                found.append(Block(first, last, node.name))
    return sorted(found, key=lambda b: b.first)


def replace_block(
    text: str, block: Block, reply: str, provenance: str, doc: DocSnapshot, ctx: AgentContext
) -> tuple[str, str]:
    """(the module with `block` replaced by the reply's function, that function), or Refused with why."""
    assert doc.path is not None
    foreign = foreign_file(reply, doc.path, ctx.workspace_root)
    if foreign:
        raise Refused(foreign)
    raw = extract_code(reply, "python")
    if raw is None or not raw.strip():
        raise Refused(f"{provenance} replied without a usable Python code block")
    ok, why = python_parses(textwrap.dedent(raw))
    if not ok:
        raise Refused(f"the model's code does not parse ({why})")
    body = ast.parse(textwrap.dedent(raw)).body
    names = [getattr(n, "name", type(n).__name__) for n in body]
    if len(body) != 1 or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) or names[0] != block.name:
        raise Refused(
            f"the reply has code outside `def {block.name}` ({', '.join(map(str, names))}); a model fix "
            f"may change only the function it was shown"
        )
    lines = text.splitlines(keepends=True)
    anchor = lines[block.first]
    indent = anchor[: len(anchor) - len(anchor.lstrip(" \t"))]
    code = reindent(raw, indent)
    new = "".join(lines[: block.first]) + code + "\n" + "".join(lines[block.last + 1 :])
    ok, why = python_parses(new)
    if not ok:
        raise Refused(f"the module would not parse with the model's function ({why})")
    return new, raw


def _same(a: str, b: str) -> bool:
    try:
        return ast.dump(ast.parse(textwrap.dedent(a))) == ast.dump(ast.parse(textwrap.dedent(b)))
    except SyntaxError:
        return False


async def model_repairs(
    agent: str, doc: DocSnapshot, text: str, ctx: AgentContext, focus: tuple[int, str] | None = None
) -> tuple[str, list[dict[str, Any]], list[str]]:
    """(new text, fix records, notes): each function asked about once, bottom up so lines stay valid."""
    assert doc.path is not None
    notes: list[str] = []
    fixes: list[dict[str, Any]] = []
    blocks = functions(text)
    if not blocks:
        return text, fixes, ["no model fix: the module does not parse or has no functions"]
    if focus is not None:
        blocks = [b for b in blocks if b.first <= focus[0] - 1 <= b.last][-1:]
    configured = ctx.settings.get("repair.model_max_functions", DEFAULT_MAX_FUNCTIONS)
    limit = DEFAULT_MAX_FUNCTIONS if configured is None else int(configured)
    try:
        rel = doc.path.resolve().relative_to(ctx.workspace_root.resolve()).as_posix()
    except ValueError:
        rel = doc.path.name
    for block in reversed(blocks[:limit]):
        old = block_text(text, block)
        note = f"Find and fix the bug in `{block.name}` (lines {block.first + 1}-{block.last + 1})."
        try:
            reply: ModelReply = await ask(
                ctx,
                "repair",
                role=agent,
                language="python",
                path=rel,
                code=old,
                context=context_for(text, block),
                note=note,
            )
        except NoModelAvailable as exc:
            notes.append(f"no model answered: {'; '.join(exc.attempts)[:300]}")
            break
        ctx.cancel.check("model answered")
        try:
            new, code = replace_block(text, block, reply.text, reply.provenance, doc, ctx)
            if new == text or _same(code, old):
                notes.append(f"`{block.name}`: {reply.provenance} found nothing to fix")
                continue
            extra = await _new_findings(text, new, doc, ctx)
            if extra:
                raise Refused(f"it would add findings: {extra}")
        except Refused as exc:
            fixes.append(_record(block, f"model fix of `{block.name}` refused", False, f"held back: {exc}"))
            notes.append(f"`{block.name}`: refused: {exc}")
            continue
        text = new
        fixes.append(
            _record(
                block,
                f"model fix of `{block.name}` ({reply.provenance})",
                True,
                f"verified: parses, no new findings, within `def {block.name}`",
            )
        )
    return text, fixes, notes


async def _new_findings(old: str, new: str, doc: DocSnapshot, ctx: AgentContext) -> str:
    assert doc.path is not None
    try:
        before, after = await asyncio.gather(
            asyncio.to_thread(ruff_findings, old, doc.path, ctx.workspace_root),
            asyncio.to_thread(ruff_findings, new, doc.path, ctx.workspace_root),
        )
    except RuffUnavailable as exc:
        raise Refused(f"ruff could not judge it: {exc}") from exc
    return describe(new_findings(before, after))


def _record(block: Block, message: str, applied: bool, verification: str) -> dict[str, Any]:
    return {
        "kind": "model",
        "message": message,
        "line": block.first + 1,
        "end_line": block.last + 1,
        "code": "model",
        "scope": f"def {block.name}",
        "verified": applied,
        "verification": verification,
        "applied": applied,
    }
