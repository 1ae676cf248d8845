"""The Programming agent's model edits: implement, refactor, optimise, fix, generate.

A model's code is a proposal, never an edit, until it passes every gate: it is parsed out of the
reply defensively, it stays inside the requested lines and file, the whole new file parses, ruff
finds nothing new, and the Verifier runs the tests on a shadow copy. Only then is an edit
returned, labelled "verified: N tests pass" with who wrote it; otherwise the reason is returned.
"""

from __future__ import annotations

import asyncio
import logging
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.engines.documents import remember, ruff_options, stdin_filename, whole_document_edit
from zc_lsp.agents.engines.proc import ToolError, with_cancel_token
from zc_lsp.agents.engines.ruff_engine import ruff_check
from zc_lsp.agents.modelwork.routing import ask, offline_note, with_reply
from zc_lsp.agents.modelwork.source import (
    Block,
    block_text,
    context_for,
    defined_names,
    enclosing_or_lines,
    foreign_file,
    indent_of,
    names_outside,
    reindent,
    selection_block,
    stub_block,
)
from zc_lsp.agents.verifier.testing.shadow import apply_text_edits
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import FileEdit, Span, TextEdit
from zc_lsp.core.workspace import is_inside
from zc_lsp.router.base import ModelReply, NoModelAvailable
from zc_lsp.router.parse import extract_code, python_parses

log = logging.getLogger(__name__)
MODEL_ACTIONS = ("implement", "refactor", "optimise", "fix", "generate")
WHAT = {
    "implement": "implementing a stub",
    "refactor": "refactoring",
    "optimise": "optimising",
    "fix": "fixing with AI",
    "generate": "generating code",
}


@dataclass
class Plan:
    """What to replace and how to ask for it."""

    block: Block
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    indent: str | None = None  # None: the indentation of the block's first line


class Refused(Exception):
    """The request or the reply cannot become an edit; the message says why, for the user."""


def plan_for(request: AgentRequest, text: str, rel_path: str) -> Plan:
    """The lines to replace and the prompt, per action; Refused when the request makes no sense."""
    span = request.span
    assert span is not None
    action = request.action
    args = request.args
    if action == "implement":
        block = stub_block(text, span.start_line)
        if block is None:
            raise Refused(
                f"line {span.start_line + 1} is not in a stub: put the cursor on a `...`, `pass`, "
                "`raise NotImplementedError` or TODO comment, or in a function holding one"
            )
        what = f"Implement `{block.name}`." if block.name else "Implement what the TODO asks for."
        extra = str(args.get("instruction") or "")
        return Plan(block, "implement", {"instruction": f"{what} {extra}".strip(), "context": context_for(text, block)})
    if action in ("refactor", "optimise"):
        block = selection_block(text, span)
        if block is None:
            raise Refused(f"{action} needs a selection: select the lines to {action}")
        return Plan(block, action, {"instruction": str(args.get("instruction") or "")})
    if action == "fix":
        message = str(args.get("message") or "").strip()
        if not message:
            raise Refused("fix needs the diagnostic's message (args `code` and `message`)")
        code = str(args.get("code") or "").strip()
        block = enclosing_or_lines(text, span)
        diagnostic = f"{code + ': ' if code else ''}{message} (line {span.start_line + 1})"
        return Plan(block, "fix", {"diagnostic": diagnostic, "source": str(args.get("source") or "the linter")})
    if action == "generate":
        instruction = str(args.get("instruction") or "").strip()
        if not instruction:
            raise Refused("generate needs an instruction: say what code to write")
        selected = selection_block(text, span)
        lines = text.splitlines()
        if selected is not None:
            return Plan(selected, "generate", {
                "instruction": f"Rewrite this code as instructed: {instruction}",
                "context": context_for(text, selected),
            })
        line = min(span.start_line, len(lines))
        blank = line < len(lines) and not lines[line].strip()
        block = Block(line, line) if blank else Block(line, line - 1)
        near = next((ln for ln in lines[line:] if ln.strip()), "")
        indent = indent_of(near)
        return Plan(block, "generate", {
            "instruction": f"Write new code for this instruction: {instruction}",
            "context": context_for(text, block),
            "placeholder": f"{indent}# TODO: {instruction}\n",
        }, indent=indent)
    raise Refused(f"unknown action {action}")


def check_scope(reply: str, code: str, plan: Plan, text: str, doc_path: Path, root: Path) -> None:
    """Refuse replies that edit another file, leave the workspace, or rewrite code outside the range."""
    foreign = foreign_file(reply, doc_path, root)
    if foreign:
        raise Refused(foreign)
    ok, why = python_parses(textwrap.dedent(code))
    if not ok:
        raise Refused(f"the model's code does not parse ({why})")
    new_names = defined_names(code)
    others = names_outside(text, plan.block)
    old_names = defined_names(block_text(text, plan.block))
    strays = [n for n in new_names if n in others and n not in old_names]
    if strays:
        where = ", ".join(f"`{n}` (line {others[n] + 1})" for n in strays[:3])
        raise Refused(f"the reply rewrites {where}, outside the requested lines {plan.block.first + 1}-"
                      f"{plan.block.last + 1}")
    if plan.block.name and plan.block.name not in new_names:
        raise Refused(f"the reply does not define `{plan.block.name}`, the function it was asked to implement")


async def new_ruff_findings(ctx: AgentContext, doc_text: str, new_text: str, filename: Path) -> list[str]:
    """Ruff findings the new text has and the old one did not (by rule and message; lines move)."""
    opts = ruff_options(ctx)
    before, after = await with_cancel_token(
        asyncio.gather(ruff_check(doc_text, filename, opts), ruff_check(new_text, filename, opts)), ctx.cancel, "ruff"
    )
    fresh = Counter((f.code, f.message) for f in after) - Counter((f.code, f.message) for f in before)
    found = []
    for f in after:
        if fresh[(f.code, f.message)] > 0:
            fresh[(f.code, f.message)] -= 1
            found.append(f"{f.code} {f.message} (line {f.span.start_line + 1})")
    return found


def _disk_edit(doc_path: Path, doc_text: str, edit: TextEdit, new_text: str) -> FileEdit:
    """The edit against the file on disk: the Verifier works on a copy of the disk, not the buffer."""
    try:
        disk = read_text_bounded(doc_path)
    except (OSError, UnicodeDecodeError):
        disk = None
    if disk == doc_text:
        return FileEdit(doc_path, [edit])
    if disk is None:
        return FileEdit(doc_path, [TextEdit(Span(0, 0, 0, 0), new_text)], create=not doc_path.exists())
    return FileEdit(doc_path, [whole_document_edit(disk, new_text)])


async def verify(ctx: AgentContext, file_edit: FileEdit) -> dict[str, Any]:
    """The Verifier's verdict, asked through the runner (its own memory, its own task row)."""
    result = await ctx.call("verifier", AgentRequest("validate_edit", args={"edits": [file_edit]}))
    if not result.ok:
        return {"verified": False, "tests_passed": 0, "reason": result.error or "the verifier failed"}
    return dict(result.data)


def verification_label(verdict: dict[str, Any]) -> str:
    """"verified: N tests pass" (plus tests that failed before and still fail), or the reason."""
    passed = int(verdict.get("tests_passed") or 0)
    if verdict.get("not_verified"):  # offered, but its tests could not run (untrusted, or no sandbox)
        return str(verdict["not_verified"])
    if verdict.get("verified"):
        if passed:
            details = " ".join(str(c.get("detail", "")) for c in verdict.get("checks", []) if c.get("name") == "tests")
            still = re.search(r"(\d+) already failed before", details)
            tail = f"; {still.group(1)} still fail, as before the edit" if still else ""
            return f"verified: {passed} test{'s' if passed != 1 else ''} pass{tail}"
        return f"verified: {verdict.get('reason') or 'parses, ruff clean'}"
    return str(verdict.get("reason") or "not verified")


async def offline_fix(agent: str, request: AgentRequest, ctx: AgentContext, attempts: list[str]) -> AgentResult:
    """Without a model, "fix" can still use ruff's own fix for that diagnostic, when it has one."""
    doc = request.doc
    assert doc is not None and doc.path is not None and request.span is not None
    note = offline_note(attempts)
    code = str(request.args.get("code") or "")
    try:
        findings = await with_cancel_token(
            ruff_check(doc.text, stdin_filename(doc, ctx.workspace_root), ruff_options(ctx)), ctx.cancel, "ruff"
        )
    except ToolError as exc:
        return AgentResult.failure(agent, "fix", f"{note} ruff could not run: {exc}", data={"attempts": attempts})
    span = request.span
    for finding in findings:
        if finding.code == code and finding.fix and finding.span.start_line <= span.end_line \
                and finding.span.end_line >= span.start_line:
            summary = f"{note} ruff's fix: {finding.fix_title or 'fix ' + code}."
            return AgentResult(
                ok=True, agent=agent, action="fix", summary=summary, edits=[FileEdit(doc.path, finding.fix, base_version=doc.version)],
                data={"attempts": attempts, "verified": False, "tests_passed": 0,
                      "verification": "ruff's own fix (not a model edit)"},
                provider="offline", model="ruff",
            )
    return AgentResult.failure(
        agent, "fix", f"{note} ruff has no automatic fix for {code or 'this diagnostic'}; fixing it needs a model.",
        data={"attempts": attempts}, provider="offline", model="ruff",
    )


async def model_edit(agent: str, request: AgentRequest, ctx: AgentContext) -> AgentResult:
    """Run one model action end to end; see the module docstring for the gates."""
    action = request.action
    doc = request.doc
    if doc is None or doc.path is None:
        return AgentResult.failure(agent, action, f"{action} needs a saved document.")
    if request.span is None:
        return AgentResult.failure(agent, action, f"{action} needs a position or a selection.")
    root = ctx.workspace_root
    if not is_inside(root, doc.path):
        return AgentResult.failure(agent, action, f"{doc.path} is outside the workspace {root}; it is not edited.")
    try:
        rel = doc.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = doc.path.name
    try:
        plan = plan_for(request, doc.text, rel)
    except Refused as exc:
        return AgentResult.failure(agent, action, str(exc).capitalize() + ".")
    placeholder = plan.values.pop("placeholder", None)
    code = block_text(doc.text, plan.block) or placeholder or ""
    ctx.progress(f"asking a model: {WHAT[action]}", 10)
    try:
        reply = await ask(ctx, plan.template, role=agent, language="python", path=rel, code=code, **plan.values)
    except NoModelAvailable as exc:
        attempts = list(exc.attempts)
        if action == "fix":
            return await offline_fix(agent, request, ctx, attempts)
        return AgentResult.failure(
            agent, action,
            f"{offline_note(attempts)} {WHAT[action].capitalize()} needs a language model; ZombieCoder cannot do it "
            "offline. Start Ollama (`ollama serve`) or configure a provider.",
            data={"attempts": attempts}, provider="offline", model="none",
        )
    ctx.cancel.check("model answered")
    try:
        result = await _gate(agent, request, ctx, plan, reply, rel)
    except Refused as exc:
        reason = f"Not offered: {exc}."
        return with_reply(AgentResult.failure(agent, action, reason, data={"verified": False, "verification": str(exc)}),
                          reply)
    return with_reply(result, reply)


async def _gate(agent: str, request: AgentRequest, ctx: AgentContext, plan: Plan, reply: ModelReply,
                rel: str) -> AgentResult:
    doc = request.doc
    assert doc is not None and doc.path is not None
    raw = extract_code(reply.text, "python")
    if raw is None or not raw.strip():
        raise Refused(f"{reply.provenance} replied without a usable Python code block")
    check_scope(reply.text, raw, plan, doc.text, doc.path, ctx.workspace_root)
    lines = doc.text.splitlines()
    anchor = lines[plan.block.first] if plan.block.first < len(lines) else ""
    indent = plan.indent if plan.indent is not None else indent_of(anchor)
    code = reindent(raw, indent)
    span = plan.block.span(doc.text)
    old_block = block_text(doc.text, plan.block)
    ends_newline = old_block.endswith(("\n", "\r")) or plan.block.last < plan.block.first
    edit = TextEdit(span, code + ("\n" if ends_newline else ""))
    new_text = apply_text_edits(doc.text, [edit])
    if new_text == doc.text:
        raise Refused("the model proposed no change")
    ok, why = python_parses(new_text)
    if not ok:
        raise Refused(f"the edited file would not parse ({why})")
    ctx.progress("checking the edit with ruff", 40)
    try:
        fresh = await new_ruff_findings(ctx, doc.text, new_text, stdin_filename(doc, ctx.workspace_root))
    except ToolError as exc:
        raise Refused(f"ruff could not check the edit: {exc}") from exc
    if fresh:
        raise Refused("ruff reports new problems: " + "; ".join(fresh[:5]))
    ctx.progress("verifying on a shadow copy", 60)
    verdict = await verify(ctx, _disk_edit(doc.path, doc.text, edit, new_text))
    label = verification_label(verdict)
    data = {"verified": bool(verdict.get("verified")), "tests_passed": int(verdict.get("tests_passed") or 0),
            "verification": label, "checks": verdict.get("checks", []),
            "range": [span.start_line, span.start_char, span.end_line, span.end_char]}
    if not verdict.get("verified"):
        raise Refused(label)
    lines_done = f"{plan.block.first + 1}-{max(plan.block.last, plan.block.first) + 1}"
    summary = f"{request.action.capitalize()} in `{rel}` lines {lines_done}: {label} ({reply.provenance})."
    await remember(ctx, "edit", summary, {"action": request.action, "provider": reply.provider,
                                          "model": reply.model, "verified": True}, doc.uri)
    return AgentResult(ok=True, agent=agent, action=request.action, summary=summary, data=data,
                       edits=[FileEdit(doc.path, [edit], base_version=doc.version)])
