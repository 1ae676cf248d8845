"""Programming agent: ruff fix-all, ruff format and pytest skeletons offline; model edits with a router.

The model actions (implement, refactor, optimise, fix, generate) live in
`zc_lsp.agents.programming.code_edits`: every model edit is validated before it is returned, and
without a model they say so plainly ("fix" falls back to ruff's own fix).
"""

from __future__ import annotations

import ast
import asyncio
import difflib
import logging
import re
from pathlib import Path

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.engines.documents import (
    diff_edits,
    doc_name,
    end_position,
    refusal,
    remember,
    ruff_options,
    stdin_filename,
)
from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.engines.proc import ToolError, with_cancel_token
from zc_lsp.agents.engines.ruff_engine import ruff_format
from zc_lsp.agents.engines.skeleton import (
    SkeletonError,
    Target,
    find_target,
    imports_for,
    render_tests,
    test_file_for,
)
from zc_lsp.agents.programming.code_edits import MODEL_ACTIONS, model_edit
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import FileEdit, Span, TextEdit

log = logging.getLogger(__name__)
_STDLIB_IMPORTS = ("import asyncio",)


class ProgrammingAgent:
    """Changes code: only deterministic, tool-backed edits while no model is configured."""

    name = "programming"

    def actions(self) -> list[str]:
        return ["fix_all", "format", "test_skeleton", "repair", "quick_repair", "inline_complete", *MODEL_ACTIONS]

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        handlers = {
            "fix_all": self._fix_all,
            "format": self._format,
            "test_skeleton": self._test_skeleton,
            "repair": self._repair,
            "quick_repair": self._quick_repair,
            "inline_complete": self._inline_complete,
        }
        handler = handlers.get(request.action)
        if handler is None and request.action in MODEL_ACTIONS:
            handler = self._model_edit
        if handler is None:
            return AgentResult.failure(
                self.name,
                request.action,
                f"Programming has no action `{request.action}`; it offers {', '.join(self.actions())}.",
            )
        doc = request.doc
        reason = refusal(doc, ctx)
        if reason is None and doc is not None and doc.path is None and request.action != "inline_complete":
            reason = f"{doc_name(doc)} has no file path yet; save it first."
        if reason is not None:
            return AgentResult.failure(self.name, request.action, reason)
        try:
            return await handler(request, ctx)
        except ToolError as exc:
            return AgentResult.failure(self.name, request.action, str(exc))

    async def _model_edit(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        return await model_edit(self.name, request, ctx)

    async def _inline_complete(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        from zc_lsp.agents.programming.inline import inline_complete

        return await inline_complete(self.name, request, ctx)

    async def _repair(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        """The repair use case's verified fixes as edits and a unified diff (chat's /fix); nothing is written here."""
        from zc_lsp.agents.programming.repair import repair_document
        from zc_lsp.agents.verifier.testing.shadow import apply_text_edits

        doc = request.doc
        assert doc is not None and doc.path is not None
        result = await repair_document(self.name, request, ctx)
        fixed = apply_text_edits(doc.text, [e for fe in result.edits for e in fe.edits])
        shown = doc.path.name
        diff = "".join(
            difflib.unified_diff(
                doc.text.splitlines(keepends=True),
                fixed.splitlines(keepends=True),
                fromfile=f"a/{shown}",
                tofile=f"b/{shown}",
            )
        )
        lines = [
            f"- {'' if f['applied'] else 'held back, '}line {f['line']}: {f['message']} ({f['verification']})"
            for f in result.data.get("fixes", [])
        ]
        result.data["diff"] = diff
        result.summary += ("\n\n" + "\n".join(lines)) if lines else ""
        return result

    async def _fix_all(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        """The one repair use case (`zc fix`, the editor's Fix all, auto-fix): see `programming/repair.py`."""
        from zc_lsp.agents.programming.repair import repair_document

        return await repair_document(self.name, request, ctx)

    async def _quick_repair(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        """One diagnostic's repair (`args.code` at `span`): the same use case, focused."""
        from zc_lsp.agents.programming.repair import repair_document

        if request.span is None or not request.args.get("code"):
            return AgentResult.failure(self.name, request.action, "quick_repair needs a position and `code`.")
        return await repair_document(self.name, request, ctx)

    async def _format(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        doc = request.doc
        assert doc is not None and doc.path is not None
        ctx.cancel.check()
        ctx.progress("ruff: formatting", 10)
        fmt = ruff_format(doc.text, stdin_filename(doc, ctx.workspace_root), ruff_options(ctx))
        formatted = await with_cancel_token(fmt, ctx.cancel, "format")
        if formatted == doc.text:
            return self._ok("format", f"{doc_name(doc)} is already formatted.", changed=False)
        edits = await asyncio.to_thread(diff_edits, doc.text, formatted)
        summary = f"Formatted {doc_name(doc)} with ruff ({len(edits)} change{'s' if len(edits) != 1 else ''})."
        await remember(ctx, "edit", summary, {"action": "format"}, doc.uri)
        return self._ok("format", summary, edits=[FileEdit(doc.path, edits, base_version=doc.version)], changed=True)

    async def _test_skeleton(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        doc = request.doc
        assert doc is not None and doc.path is not None
        if request.span is None:
            return AgentResult.failure(
                self.name, "test_skeleton", "No position was given: put the cursor in a function."
            )
        ctx.progress("reading the function", 10)
        try:
            target, _ = await asyncio.to_thread(
                find_target, doc.text, request.span.start_line, doc.path, ctx.workspace_root
            )
        except SkeletonError as exc:
            return AgentResult.failure(self.name, "test_skeleton", f"No test skeleton: {exc}.")
        ctx.cancel.check("function found")
        test_path = test_file_for(target, ctx.workspace_root)
        existing = await asyncio.to_thread(_read_or_none, test_path)
        if existing is not None and re.search(
            rf"^\s*(async\s+)?def\s+{re.escape(target.test_name)}\s*\(", existing, re.M
        ):
            return AgentResult.failure(
                self.name,
                "test_skeleton",
                f"{test_path.relative_to(ctx.workspace_root)} already has {target.test_name}.",
            )
        tests = render_tests(target)
        if existing is None:
            file_edit = FileEdit(test_path, [TextEdit(Span(0, 0, 0, 0), _new_test_file(target, tests))], create=True)
        else:
            file_edit = FileEdit(test_path, _append_edits(existing, target, tests))
        rel = test_path.relative_to(ctx.workspace_root)
        verb = "Created" if existing is None else "Extended"
        n_raises = len(target.raises)
        summary = (
            f"{verb} `{rel}` with `{target.test_name}`"
            + (f" and {n_raises} `pytest.raises` test{'s' if n_raises != 1 else ''}" if n_raises else "")
            + ". Fill in the values marked TODO, then run the tests."
        )
        await remember(ctx, "edit", summary, {"action": "test_skeleton", "test": target.test_name}, doc.uri)
        return self._ok(
            "test_skeleton",
            summary,
            edits=[file_edit],
            test_file=str(test_path),
            test_name=target.test_name,
            raises=target.raises,
            created=existing is None,
        )

    def _ok(self, action: str, summary: str, edits: list[FileEdit] | None = None, **data: object) -> AgentResult:
        model = {"test_skeleton": "ast-skeleton", "repair": "repair-engine"}.get(action, "ruff")
        return AgentResult(
            ok=True,
            agent=self.name,
            action=action,
            summary=summary,
            data=dict(data),
            edits=edits or [],
            provider="offline",
            model=model,
        )


def _read_or_none(path: Path) -> str | None:
    try:
        return read_text_bounded(path)
    except FileNotFoundError:
        return None


def _import_block(lines: list[str]) -> str:
    """Imports grouped the way isort/ruff want them: stdlib, third party, the project."""
    stdlib = [line for line in lines if line in _STDLIB_IMPORTS]
    third = [line for line in lines if line == "import pytest"]
    local = [line for line in lines if line not in stdlib and line not in third]
    return "\n\n".join("\n".join(group) for group in (stdlib, third, local) if group) + "\n"


def _new_test_file(target: Target, tests: str) -> str:
    header = f'"""Tests for `{target.module}` (skeleton by ZombieCoder: fill in the TODO values)."""\n\n'
    return header + _import_block(imports_for(target)) + "\n\n" + tests


def _import_edits(existing: str, target: Target) -> list[TextEdit]:
    """Edits adding the imports the test file still lacks.

    Names from the module under test join its existing one-line `from ... import` when there is
    one, so the file does not end up importing the same module twice.
    """
    try:
        tree = ast.parse(existing)
    except SyntaxError:
        return [TextEdit(Span(0, 0, 0, 0), "\n".join(imports_for(target)) + "\n")]
    have_modules: set[str] = set()
    from_nodes: dict[str, ast.ImportFrom] = {}
    insert_at = 0
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Import):
            have_modules.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            from_nodes.setdefault(node.module or "", node)
        elif index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            insert_at = node.end_lineno or 0  # after the module docstring
            continue
        else:
            continue
        insert_at = node.end_lineno or insert_at
    missing: list[str] = []
    edits: list[TextEdit] = []
    lines: list[str] = []
    for line in imports_for(target):
        if line.startswith("import "):
            if line.removeprefix("import ") not in have_modules:
                missing.append(line)
            continue
        module, names = line.removeprefix("from ").split(" import ")
        found = from_nodes.get(module)
        have = {a.asname or a.name for a in found.names} if found else set()
        needed = [n for n in names.split(", ") if n not in have]
        if not needed:
            continue
        if found is not None and found.lineno == found.end_lineno:
            merged = sorted({*(ast.unparse(a) for a in found.names), *needed})
            row = found.lineno - 1
            lines = lines or split_lines(existing)
            edits.append(
                TextEdit(
                    Span(row, _chars(lines[row], found.col_offset), row, _chars(lines[row], found.end_col_offset)),
                    f"from {module} import {', '.join(merged)}",
                )
            )
        else:
            missing.append(f"from {module} import {', '.join(needed)}")
    if missing:
        edits.append(TextEdit(Span(insert_at, 0, insert_at, 0), "\n".join(missing) + "\n"))
    return edits


def _chars(line: str, byte_col: int | None) -> int:
    """ast columns are UTF-8 byte offsets; edits count characters."""
    return len(line.encode("utf-8")[: byte_col or 0].decode("utf-8", "ignore"))


def _append_edits(existing: str, target: Target, tests: str) -> list[TextEdit]:
    end_line, end_char = end_position(existing)
    if not existing.strip():
        block = _import_block(imports_for(target))
        return [TextEdit(Span(0, 0, end_line, end_char), block + "\n\n" + tests)]
    tail = existing[len(existing.rstrip("\n")) :]
    sep = "\n" * max(3 - len(tail), 0) if existing.endswith("\n") else "\n\n\n"
    return [*_import_edits(existing, target), TextEdit(Span(end_line, end_char, end_line, end_char), sep + tests)]
