"""Verify proposed edits in a shadow copy: they parse, add no ruff errors, and break no tests.

This is the gate every agent's edit passes before it is offered to the user. A test that already
failed before the edit is not held against it: failures are re-run on the original workspace and
only new ones count.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.engines.documents import ruff_options
from zc_lsp.agents.verifier.testing.discovery import find_tests_for, is_test_file, workspace_python
from zc_lsp.agents.verifier.testing.junit import parse_junit
from zc_lsp.agents.verifier.testing.runner import run_pytest
from zc_lsp.agents.verifier.testing.shadow import (
    EditError,
    apply_file_edits,
    copy_workspace,
    ruff_problems,
)
from zc_lsp.core.cancel import Cancelled
from zc_lsp.core.sandbox import SandboxSpec, SandboxUnavailable, not_verified_reason
from zc_lsp.core.types import FileEdit

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, int | None], None]


def _verdict(
    verified: bool, reason: str, checks: list[dict[str, Any]], tests_passed: int = 0, files: Sequence[Path] = ()
) -> dict[str, Any]:
    return {
        "verified": verified,
        "tests_passed": tests_passed,
        "reason": reason,
        "checks": checks,
        "files": [p.as_posix() for p in files],
    }


def model_code_blocker(ctx: AgentContext) -> str | None:
    """Why code a model wrote (or touched) may not run here, or None.

    It runs only in a workspace the user trusts (the editor or the user's answer said so; not
    knowing is not trusting), and only inside the sandbox.
    """
    if ctx.trusted is not True:
        allowed, why = ctx.may_run_workspace_code()
        return why if not allowed else "the workspace is not trusted (nobody said it is), so none of its code runs"
    return not_verified_reason()


def sandbox_for(scratch: Path, python_path: Sequence[str]) -> SandboxSpec:
    """The sandbox for one run on a scratch copy; PYTHONPATH is the one variable it is given."""
    return SandboxSpec(scratch, env={"PYTHONPATH": os.pathsep.join(python_path)})


def _syntax_problem(shadow: Path, rel: Path) -> str | None:
    try:
        ast.parse((shadow / rel).read_text(encoding="utf-8"), filename=str(rel))
    except SyntaxError as exc:
        return f"{rel.as_posix()}:{exc.lineno}:{exc.offset}: {exc.msg}"
    return None


def _tests_for(shadow: Path, changed: Sequence[Path]) -> list[str]:
    found: dict[str, None] = {}
    for rel in changed:
        if rel.suffix != ".py":
            continue
        if is_test_file(rel):
            found[rel.as_posix()] = None
            continue
        for test in find_tests_for(shadow / rel, shadow):
            found[test.resolve().relative_to(shadow.resolve()).as_posix()] = None
    return list(found)


def import_paths(copy: Path) -> list[str]:
    return [str(copy), *([str(copy / "src")] if (copy / "src").is_dir() else [])]


async def _pytest(ctx: AgentContext, cwd: Path, targets: list[str], python: str) -> tuple[int, list[str], str | None]:
    """Run `targets` in the scratch copy `cwd`, sandboxed: (passed, failing test ids, problem or None)."""
    tests = ctx.settings.tests
    try:
        run = await run_pytest(
            cwd,
            targets,
            python=python,
            timeout_s=float(tests.timeout_s),
            max_output_bytes=int(tests.max_output_bytes),
            extra_args=list(tests.pytest_args),
            cancel=ctx.cancel,
            sandbox=sandbox_for(cwd, import_paths(cwd)),
        )
    except SandboxUnavailable as exc:
        return 0, [], f"not verified: sandbox unavailable: {exc}"
    if run.cancelled:
        raise Cancelled(f"validating the edit: {run.how_far()}")
    if run.timed_out:
        return 0, [], f"the tests timed out after {tests.timeout_s}s ({run.how_far()})"
    summary = parse_junit(run.junit_xml, cwd) if run.junit_xml else None
    if summary is None:
        if run.exit_code == 5:
            return 0, [], None
        tail = run.output.strip().splitlines()[-3:]
        return 0, [], f"pytest exited with code {run.exit_code} without a report: {' / '.join(tail)}"
    return summary.passed, [f.test for f in summary.failures], None


async def validate_edits(
    edits: Sequence[FileEdit], ctx: AgentContext, progress: ProgressFn | None = None
) -> dict[str, Any]:
    """The verdict on `edits`: {verified, tests_passed, reason, checks, files}."""
    say = progress or ctx.progress
    root = ctx.workspace_root.resolve()
    checks: list[dict[str, Any]] = []
    tmp = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="zc-shadow-"))
    shadow = tmp / "workspace"
    try:
        say("copying the workspace", 5)
        await asyncio.to_thread(copy_workspace, root, shadow)
        try:
            changed = await asyncio.to_thread(apply_file_edits, root, shadow, edits)
        except (EditError, OSError, UnicodeDecodeError) as exc:
            return _verdict(False, f"the edit cannot be applied: {exc}", checks)
        checks.append({"name": "apply", "ok": True, "detail": f"{len(changed)} file(s)"})
        ctx.cancel.check("validating the edit: applied")

        say("checking syntax", 20)
        py_files = [rel for rel in changed if rel.suffix == ".py"]
        for rel in py_files:
            problem = await asyncio.to_thread(_syntax_problem, shadow, rel)
            if problem:
                checks.append({"name": "parse", "ok": False, "detail": problem})
                return _verdict(False, f"the edited code does not parse: {problem}", checks, files=changed)
        checks.append({"name": "parse", "ok": True, "detail": f"{len(py_files)} file(s) parse"})

        say("running ruff", 35)
        if py_files:
            opts = ruff_options(ctx)
            before, after = await asyncio.gather(
                ruff_problems(root, py_files, opts),
                ruff_problems(shadow, py_files, opts),
            )
            new = after - before
            if new:
                listed = "; ".join(f"{f}: {code} {msg}" for (f, code, msg) in list(new)[:5])
                checks.append({"name": "ruff", "ok": False, "detail": listed})
                return _verdict(False, f"the edit adds ruff findings: {listed}", checks, files=changed)
            checks.append({"name": "ruff", "ok": True, "detail": "no new findings"})
        ctx.cancel.check("validating the edit: parse and ruff passed")

        blocker = model_code_blocker(ctx)
        targets = await asyncio.to_thread(_tests_for, shadow, changed)
        if blocker:
            checks.append({"name": "tests", "ok": True, "detail": f"skipped: {blocker}"})
            verdict = _verdict(
                True, "parses and adds no ruff findings; tests not run (" + blocker + ")", checks, files=changed
            )
            return {
                **verdict,
                "not_verified": blocker if blocker.startswith("not verified") else f"not verified: {blocker}",
            }
        if not targets:
            checks.append({"name": "tests", "ok": True, "detail": "no tests cover the changed files"})
            return _verdict(True, "parses and adds no ruff findings; no tests cover it", checks, files=changed)
        say(f"running {len(targets)} test file(s) on the edited copy", 55)
        python = workspace_python(root, ctx.settings)
        passed, failing, problem = await _pytest(ctx, shadow, targets, python)
        if problem:
            checks.append({"name": "tests", "ok": False, "detail": problem})
            return _verdict(False, problem, checks, passed, changed)
        if failing:
            say("re-running the failing tests on the original code", 80)
            runnable = [t for t in failing if (root / t.split("::", 1)[0]).is_file()]
            original = tmp / "original"  # a second copy: not even the user's own code runs outside the sandbox
            await asyncio.to_thread(copy_workspace, root, original)
            _, failing_before, _ = await _pytest(ctx, original, runnable, python) if runnable else (0, [], None)
            new_failures = [t for t in failing if t not in set(failing_before)]
            if new_failures:
                detail = ", ".join(new_failures[:5])
                checks.append({"name": "tests", "ok": False, "detail": f"fails: {detail}"})
                return _verdict(False, f"the edit makes tests fail: {detail}", checks, passed, changed)
            checks.append(
                {
                    "name": "tests",
                    "ok": True,
                    "detail": f"{passed} passed; {len(failing)} already failed before the edit",
                }
            )
        else:
            checks.append({"name": "tests", "ok": True, "detail": f"{passed} passed"})
        return _verdict(True, f"parses, no new ruff findings, {passed} test(s) pass", checks, passed, changed)
    finally:
        await asyncio.to_thread(shutil.rmtree, tmp, True)
