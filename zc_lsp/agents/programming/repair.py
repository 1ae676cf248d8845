"""The one repair use case (issue 14): `zc fix`, the editor's "Fix all (ZombieCoder)" and quick
fixes, and background auto-fix in `apply` mode all run the Programming agent's `fix_all` (or a
focused `quick_repair`), which is `repair_document` below.

Offline first: the repair engine's rounds, each fix verified (parses, no new findings, inside the
smallest enclosing scope), then ruff's safe fixes for the project's own rule selection. With `model` the defects that need understanding get a model fix, one
function at a time, gated the same way. Last, in a trusted workspace, the Verifier runs the tests
that cover the file on a sandboxed copy; a repair that breaks them is held back. In a workspace not
trusted nothing of it runs, and the label says so.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.engines.documents import (
    diff_edits,
    doc_name,
    remember,
    ruff_options,
    stdin_filename,
    whole_document_edit,
)
from zc_lsp.agents.engines.proc import ToolError, with_cancel_token
from zc_lsp.agents.engines.repair import RepairResult, repair_source
from zc_lsp.agents.engines.ruff_engine import ruff_check, ruff_fix
from zc_lsp.agents.programming.code_edits import _disk_edit
from zc_lsp.core.types import DocSnapshot, FileEdit

OFFLINE_LABEL = "verified: parses, no new findings"


def tests_blocker(ctx: AgentContext) -> str | None:
    """Why the workspace's tests may not run for a repair (None: they may, in the sandbox)."""
    if ctx.trusted is False:
        return "the workspace is not trusted, so none of its code runs"
    if ctx.trusted is not True:
        return "nobody said the workspace is trusted, so none of its code runs"
    return None


async def tests_verdict(ctx: AgentContext, doc: DocSnapshot, new_text: str) -> tuple[bool, str]:
    """(keep, label tail): the covering tests on a sandboxed copy through the Verifier, or why not."""
    blocker = tests_blocker(ctx)
    if blocker:
        return True, f"; tests not run: {blocker}"
    assert doc.path is not None
    edit = _disk_edit(doc.path, doc.text, whole_document_edit(doc.text, new_text), new_text)
    result = await ctx.call("verifier", AgentRequest("validate_edit", args={"edits": [edit]}))
    if not result.ok:
        return False, f"held back: the tests could not be checked: {result.error}"
    verdict: dict[str, Any] = dict(result.data)
    if not verdict.get("verified"):
        return False, f"held back: {verdict.get('reason') or 'the tests do not pass'}"
    if verdict.get("not_verified"):
        return True, f"; tests not run: {str(verdict['not_verified']).removeprefix('not verified: ')}"
    passed = int(verdict.get("tests_passed") or 0)
    if passed:
        return True, f", tests pass ({passed})"
    return True, "; no tests cover it"


async def ruff_safe_fixes(ctx: AgentContext, doc: DocSnapshot, text: str) -> tuple[str, list[dict[str, Any]]]:
    """ruff's own safe fixes for the project's rule selection (what "Fix all" did before the repair
    engine): each lands on its own finding's lines; kept only if nothing new is found after them."""
    opts = ruff_options(ctx)
    filename = stdin_filename(doc, ctx.workspace_root)
    try:
        fixed, remaining = await with_cancel_token(ruff_fix(text, filename, opts), ctx.cancel, "fix")
        if fixed == text:
            return text, []
        before = await with_cancel_token(ruff_check(text, filename, opts), ctx.cancel, "fix")
        after = await with_cancel_token(ruff_check(fixed, filename, opts), ctx.cancel, "fix")
    except ToolError as exc:
        return text, [_lint_record(0, "ruff's safe fixes", False, f"held back: ruff could not run: {exc}")]
    fresh = Counter((f.code, f.message) for f in after) - Counter((f.code, f.message) for f in before)
    if fresh or compile_ok(fixed) is False:
        what = ", ".join(f"{c} {m}" for c, m in list(fresh)[:3]) or "it does not parse"
        return text, [_lint_record(0, "ruff's safe fixes", False, f"held back: {what}")]
    gone = Counter((f.code, f.message) for f in before) - Counter((f.code, f.message) for f in remaining)
    records = []
    for f in before:
        if gone[(f.code, f.message)] > 0:
            gone[(f.code, f.message)] -= 1
            records.append(
                _lint_record(
                    f.span.start_line + 1,
                    f"{f.code}: {f.fix_title or f.message}",
                    True,
                    "verified: parses, no new findings, on the finding's own lines",
                )
            )
    return fixed, records


def compile_ok(text: str) -> bool:
    try:
        compile(text, "<repair>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _lint_record(line: int, message: str, applied: bool, verification: str) -> dict[str, Any]:
    return {
        "kind": "lint",
        "message": message,
        "line": line,
        "end_line": line,
        "code": "ruff-safe-fix",
        "scope": "module",
        "verified": applied,
        "verification": verification,
        "applied": applied,
    }


def _focus(request: AgentRequest) -> tuple[int, str] | None:
    code = str(request.args.get("code") or "")
    if request.span is None or not code:
        return None
    return request.span.start_line + 1, code


async def repair_document(agent: str, request: AgentRequest, ctx: AgentContext) -> AgentResult:
    """Repair `request.doc` (all of it, or the one diagnostic `args.code` at `span`) as verified edits."""
    doc = request.doc
    assert doc is not None and doc.path is not None
    action = request.action
    ctx.progress("repairing offline", 10)
    focus = _focus(request)
    offline: RepairResult = await asyncio.to_thread(
        repair_source, doc.text, doc.path, workspace_root=ctx.workspace_root, settings=ctx.settings, focus=focus
    )
    ctx.cancel.check("offline repair done")
    text = offline.text
    fixes = [f.as_dict() for f in offline.fixes]
    model_notes: list[str] = []
    if request.args.get("model"):
        from zc_lsp.agents.programming.repair_model import model_repairs

        ctx.progress("asking a model about what is left", 40)
        text, model_fixes, model_notes = await model_repairs(agent, doc, text, ctx, focus=focus)
        fixes += model_fixes
    if focus is None and offline.parses:
        text, ruff_fixes = await ruff_safe_fixes(ctx, doc, text)
        fixes += ruff_fixes
    applied = [f for f in fixes if f["applied"]]
    held = [f for f in fixes if not f["applied"]]
    data: dict[str, Any] = {
        "fixes": fixes,
        "fixed": len(applied),
        "held_back": [f"line {f['line']}: {f['message']} ({f['verification']})" for f in held],
        "reason": offline.reason,
        "parses": offline.parses,
        "model_notes": model_notes,
    }
    if text == doc.text:
        why = offline.reason or (held and data["held_back"][0]) or "no defect the repair engine knows"
        summary = f"Nothing to fix in {doc_name(doc)}: {why}."
        return _result(agent, action, summary, data, [])
    ctx.progress("running the covering tests", 70)
    keep, tail = await tests_verdict(ctx, doc, text)
    if not keep:
        data.update(verification=tail, held=True)
        return _result(agent, action, f"Repair of {doc_name(doc)} {tail}.", data, [])
    label = OFFLINE_LABEL + tail
    count = len(applied)
    summary = f"Fixed {count} finding{'s' if count != 1 else ''} in {doc_name(doc)} ({label})."
    data.update(verification=label, tests=tail.lstrip(",; "))
    edits = [FileEdit(doc.path, await asyncio.to_thread(diff_edits, doc.text, text), base_version=doc.version)]
    await remember(ctx, "edit", summary, {"action": action, "fixed": count, "verified": True}, doc.uri)
    return _result(agent, action, summary, data, edits)


def _result(agent: str, action: str, summary: str, data: dict[str, Any], edits: list[FileEdit]) -> AgentResult:
    model = "repair-engine+model" if any(f.get("kind") == "model" for f in data["fixes"]) else "repair-engine"
    return AgentResult(
        ok=True,
        agent=agent,
        action=action,
        summary=summary,
        data=data,
        edits=edits,
        provider="offline" if model == "repair-engine" else "model",
        model=model,
    )
