"""The Verifier's "generate tests": a model writes pytest tests, and they are kept only if they pass.

The tests run in a shadow copy of the workspace (with the editor's current text of the module),
never in the user's tree; only when every new test passes is a FileEdit returned that creates or
extends `tests/test_<module>_generated.py`. Otherwise the failure output is reported as it is.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.engines.documents import end_position, remember
from zc_lsp.agents.modelwork.routing import ask, offline_note, with_reply
from zc_lsp.agents.modelwork.source import Block, block_text, def_lines, innermost_def, parse_or_none
from zc_lsp.agents.verifier.testing.discovery import module_name, workspace_python
from zc_lsp.agents.verifier.testing.junit import JUnitSummary, parse_junit
from zc_lsp.agents.verifier.testing.runner import PytestRun, run_pytest
from zc_lsp.agents.verifier.testing.shadow import copy_workspace
from zc_lsp.agents.verifier.testing.validate import import_paths, model_code_blocker, sandbox_for
from zc_lsp.core.cancel import Cancelled
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import FileEdit, Span, TextEdit
from zc_lsp.core.workspace import is_inside
from zc_lsp.router.base import NoModelAvailable
from zc_lsp.router.parse import extract_code, python_parses

log = logging.getLogger(__name__)
OUTPUT_TAIL_LINES = 30


def collect_test_names(code: str) -> list[str]:
    """Top-level test functions and Test classes a module defines."""
    tree = parse_or_none(code)
    if tree is None:
        return []
    return [n.name for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test")
            or isinstance(n, ast.ClassDef) and n.name.startswith("Test")]


def rename_clashes(code: str, existing: str) -> str:
    """Suffix new test names that the existing file already uses, so no test silently replaces another."""
    taken = set(collect_test_names(existing))
    for name in collect_test_names(code):
        if name in taken:
            fresh = next(f"{name}_gen{i}" for i in range(2, 1000) if f"{name}_gen{i}" not in taken)
            code = re.sub(rf"^(\s*(?:async\s+)?(?:def|class)\s+){re.escape(name)}\b", rf"\g<1>{fresh}", code, flags=re.M)
            taken.add(fresh)
    return code


def _prepare_shadow(root: Path, shadow: Path, doc_rel: Path, doc_text: str, test_rel: Path, tests: str) -> None:
    copy_workspace(root, shadow)
    (shadow / doc_rel).parent.mkdir(parents=True, exist_ok=True)
    (shadow / doc_rel).write_text(doc_text, encoding="utf-8")  # the editor's text, saved or not
    (shadow / test_rel).parent.mkdir(parents=True, exist_ok=True)
    (shadow / test_rel).write_text(tests, encoding="utf-8")


async def _run(ctx: AgentContext, root: Path, shadow: Path, test_rel: Path) -> PytestRun:
    tests = ctx.settings.tests  # model-written tests: only ever inside the sandbox
    return await run_pytest(
        shadow, [test_rel.as_posix()], python=workspace_python(root, ctx.settings), timeout_s=float(tests.timeout_s),
        max_output_bytes=int(tests.max_output_bytes), extra_args=[str(a) for a in tests.pytest_args],
        cancel=ctx.cancel, sandbox=sandbox_for(shadow, import_paths(shadow)),
    )


def _failure_report(summary: JUnitSummary | None, run: PytestRun, new: list[str]) -> str:
    tail = "\n".join(run.output.strip().splitlines()[-OUTPUT_TAIL_LINES:])
    if summary is None:
        head = f"pytest exited with code {run.exit_code} without a report"
    else:
        head = f"{summary.passed} passed, {summary.failed} failed, {summary.errors} errors"
        mine = [f for f in summary.failures if any(n in f.test for n in new)]
        head += "".join(f"\n- `{f.test}`: {f.message}" for f in mine[:10])
    return f"{head}\n```\n{tail}\n```"


async def offline_skeleton(agent: str, request: AgentRequest, ctx: AgentContext, attempts: list[str]) -> AgentResult:
    """No model: the Programming agent's test skeleton, labelled offline."""
    skeleton_request = AgentRequest("test_skeleton", doc=request.doc, span=request.span)
    result = await ctx.call("programming", skeleton_request)
    note = offline_note(attempts) + " a test skeleton to fill in (not run)."
    result.agent, result.action = agent, "generate_tests"
    result.provider, result.model = "offline", result.model or "ast-skeleton"
    result.data["attempts"] = attempts
    if result.ok:
        result.summary = f"{note}\n\n{result.summary}"
    else:
        result.error = f"{note} {result.error}"
        result.summary = result.error
    return result


async def generate_tests(agent: str, request: AgentRequest, ctx: AgentContext) -> AgentResult:
    action = "generate_tests"
    doc, span = request.doc, request.span
    root = ctx.workspace_root.resolve()
    if doc is None or doc.path is None or span is None:
        return AgentResult.failure(agent, action, "Generate tests needs a saved document and a position in a function.")
    if not is_inside(root, doc.path):
        return AgentResult.failure(agent, action, f"{doc.path} is outside the workspace.")
    tree = parse_or_none(doc.text)
    node = innermost_def(tree, span.start_line) if tree is not None else None
    if node is None or isinstance(node, ast.ClassDef):
        return AgentResult.failure(agent, action, f"Line {span.start_line + 1} is not in a function (or the file "
                                   "does not parse): put the cursor in the function to test.")
    first, last = def_lines(node)
    module = module_name(doc.path, root)
    doc_rel = doc.path.resolve().relative_to(root)
    test_rel = Path("tests") / f"test_{doc.path.stem}_generated.py"
    ctx.progress(f"asking a model for tests of {node.name}", 10)
    try:
        reply = await ask(ctx, "generate_tests", role=agent, language="python", module=module, function=node.name,
                          code=block_text(doc.text, Block(first, last)), source=doc.path)
    except NoModelAvailable as exc:
        return await offline_skeleton(agent, request, ctx, list(exc.attempts))

    def fail(reason: str, **data: Any) -> AgentResult:
        return with_reply(AgentResult.failure(agent, action, reason, data=data), reply)

    code = extract_code(reply.text, "python")
    if code is None:
        return fail(f"{reply.provenance} replied without a Python code block; no tests were written.")
    ok, why = python_parses(code)
    if not ok:
        return fail(f"The generated tests do not parse ({why}); they were not kept.")
    new = collect_test_names(code)
    if not new:
        return fail("The model's reply holds no test functions; nothing was kept.")
    why = model_code_blocker(ctx)
    if why:
        return fail(f"The generated tests were not kept because they cannot be run here: {why}")
    existing = await asyncio.to_thread(_read, root / test_rel)
    code = rename_clashes(code, existing) if existing else code
    new = collect_test_names(code)
    body = code.rstrip("\n") + "\n"
    combined = body if existing is None else existing.rstrip("\n") + "\n\n\n" + body
    tmp = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="zc-gentests-"))
    try:
        shadow = tmp / "workspace"
        ctx.progress("running the generated tests on a shadow copy", 50)
        await asyncio.to_thread(_prepare_shadow, root, shadow, doc_rel, doc.text, test_rel, combined)
        run = await _run(ctx, root, shadow, test_rel)
        if run.cancelled:
            raise Cancelled(f"generated tests: {run.how_far()}")
        summary = parse_junit(run.junit_xml, shadow) if run.junit_xml else None
    finally:
        await asyncio.to_thread(shutil.rmtree, tmp, True)
    if run.timed_out:
        return fail(f"The generated tests timed out after {ctx.settings.tests.timeout_s}s; they were not kept.")
    mine_failed = summary is None or any(any(n in f.test for n in new) for f in summary.failures)
    passed = summary.passed if summary is not None else 0
    if mine_failed or passed == 0:
        report = _failure_report(summary, run, new)
        return fail(f"The generated tests failed, so they were not kept ({reply.provenance}):\n\n{report}",
                    passed=passed, output=run.output[-4000:], tests=new)
    target = root / test_rel
    if existing is None:
        file_edit = FileEdit(target, [TextEdit(Span(0, 0, 0, 0), body)], create=True)
    else:
        line, char = end_position(existing)
        sep = "\n" * max(3 - (len(existing) - len(existing.rstrip("\n"))), 0) if existing.endswith("\n") else "\n\n\n"
        file_edit = FileEdit(target, [TextEdit(Span(line, char, line, char), sep + body)])
    verb = "Created" if existing is None else "Extended"
    text = (f"{verb} `{test_rel.as_posix()}` with {len(new)} generated test(s) for `{node.name}`: "
            f"verified: {passed} test{'s' if passed != 1 else ''} pass ({reply.provenance}).")
    await remember(ctx, "generated_tests", text, {"tests": new, "provider": reply.provider}, doc.uri)
    result = AgentResult(ok=True, agent=agent, action=action, summary=text, edits=[file_edit],
                         data={"passed": passed, "test_file": str(target), "tests": new, "created": existing is None,
                               "verified": True, "tests_passed": passed,
                               "verification": f"verified: {passed} tests pass"})
    return with_reply(result, reply)


def _read(path: Path) -> str | None:
    try:
        return read_text_bounded(path)
    except FileNotFoundError:
        return None
