"""The Verifier agent: runs the workspace's tests and checks other agents' edits before they are offered.

Offline engine: pytest in a subprocess (see `zc_lsp.agents.verifier.testing`). With a model,
`generate_tests` writes tests and keeps them only if they pass (`zc_lsp.agents.verifier.gen_tests`).
Running tests executes the workspace's code, so every run first asks `ctx.may_run_workspace_code()`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.verifier.gen_tests import generate_tests
from zc_lsp.agents.verifier.testing.discovery import find_tests_for, is_test_file, project_interpreter
from zc_lsp.agents.verifier.testing.junit import JUnitSummary, parse_junit
from zc_lsp.agents.verifier.testing.runner import PytestRun, key_env_names, run_pytest
from zc_lsp.agents.verifier.testing.validate import validate_edits
from zc_lsp.core.cancel import Cancelled
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import FileEdit, Finding, Span
from zc_lsp.core.workspace import is_inside

log = logging.getLogger(__name__)
NO_TESTS = "no tests collected"


def _empty_summary(note: str) -> dict[str, Any]:
    return {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "duration": 0.0, "failures": [], "note": note}


def _rel(path: str | None, root: Path) -> str:
    if not path:
        return "?"
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def _line_span(path: Path, line: int) -> Span:
    """The failing line from its first non-blank character to its end (0-based)."""
    try:
        lines = read_text_bounded(path, errors="replace").splitlines()
    except OSError:
        lines = []
    index = max(line - 1, 0)
    text = lines[index] if index < len(lines) else ""
    return Span(index, len(text) - len(text.lstrip()), index, len(text))


def failure_findings(summary: JUnitSummary) -> list[Finding]:
    """One error finding per failure that has a place in the workspace, keyed by data["path"]."""
    findings = []
    for failure in summary.failures:
        if not failure.file or not failure.line:
            continue
        findings.append(
            Finding(
                span=_line_span(Path(failure.file), failure.line),
                severity="error",
                code="test-failure",
                message=f"{failure.test} {'errored' if failure.kind == 'error' else 'failed'}: {failure.message}",
                source="zombiecoder",
                engine="pytest",
                data={"path": failure.file, "test": failure.test},
            )
        )
    return findings


def render_summary(data: dict[str, Any], root: Path) -> str:
    counts = ", ".join(f"{data[k]} {k}" for k in ("passed", "failed", "errors", "skipped") if data.get(k))
    head = f"**{counts or NO_TESTS}** in {data.get('duration', 0.0):.2f}s"
    lines = [head]
    for failure in data.get("failures", [])[:20]:
        where = f"{_rel(failure['file'], root)}:{failure['line']}" if failure.get("file") else "?"
        lines.append(f"- `{failure['test']}` ({where}): {failure['message']}")
    if len(data.get("failures", [])) > 20:
        lines.append(f"- ... and {len(data['failures']) - 20} more")
    if data.get("truncated"):
        lines.append(f"\n_pytest output was truncated at {data.get('max_output_bytes')} bytes._")
    return "\n".join(lines)


class VerifierAgent:
    name = "verifier"

    def actions(self) -> list[str]:
        return ["run_tests", "validate_edit", "generate_tests"]

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        if request.action == "run_tests":
            return await self.run_tests(request, ctx)
        if request.action == "generate_tests":
            return await generate_tests(self.name, request, ctx)
        if request.action == "validate_edit":
            return await self.validate_edit(request, ctx)
        return AgentResult.failure(self.name, request.action, f"The verifier cannot do {request.action!r}.")

    # -- run_tests -----------------------------------------------------------------------------

    def _targets(self, root: Path, path: Path | None, test_id: str | None) -> tuple[list[str], str]:
        """pytest targets and a human description; ([], note) with a note means nothing to run."""
        if test_id:
            file_part, sep, rest = test_id.partition("::")
            file_path = Path(file_part)
            if file_path.is_absolute():
                if not is_inside(root, file_path):
                    raise ValueError(f"{file_part} is outside the workspace")
                file_part = file_path.resolve().relative_to(root).as_posix()
            return [f"{file_part}{sep}{rest}"], f"test {file_part}{sep}{rest}"
        if path is None:
            return [], "the whole workspace"
        if not is_inside(root, path):
            raise ValueError(f"{path} is outside the workspace {root}")
        rel = path.resolve().relative_to(root).as_posix() or "."
        if path.is_dir() or is_test_file(path):
            return [rel], rel
        tests = find_tests_for(path, root)
        if not tests:
            raise LookupError(
                f"no test files found for {rel} (looked for test_{path.stem}.py and test files importing it)"
            )
        return [t.resolve().relative_to(root).as_posix() for t in tests], f"tests for {rel}"

    async def run_tests(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        action = request.action
        allowed, why = ctx.may_run_workspace_code()
        if not allowed:
            return AgentResult.failure(self.name, action, why)
        root = ctx.workspace_root.resolve()
        args = request.args
        raw_path = args.get("path") or (request.doc.path if request.doc else None)
        if isinstance(raw_path, str) and raw_path.startswith("file://"):
            raw_path = url2pathname(urlsplit(raw_path).path)
        path = Path(raw_path) if raw_path else None
        if path is not None and not path.is_absolute():
            path = root / path
        function = args.get("function") or None
        if function is not None and not str(function).replace(".", "_").isidentifier():
            return AgentResult.failure(self.name, action, f"{function!r} is not a function name.")
        try:
            targets, scope = await asyncio.to_thread(self._targets, root, path, args.get("test_id"))
        except ValueError as exc:
            return AgentResult.failure(self.name, action, str(exc))
        except LookupError as exc:
            data = _empty_summary(str(exc))
            return AgentResult(
                ok=True,
                agent=self.name,
                action=action,
                summary=f"No tests to run: {exc}.",
                data=data,
                provider="offline",
                model="pytest",
            )
        tests = ctx.settings.tests
        ctx.progress(f"running {scope}", 0)

        def on_progress(ran: int, total: int | None, percent: int | None) -> None:
            ctx.progress(f"{ran}/{total} tests ran" if total else f"{ran} tests ran", percent)

        interp = await asyncio.to_thread(project_interpreter, root, ctx.settings)
        run = await run_pytest(
            root,
            targets,
            python=interp.path,
            timeout_s=float(tests.timeout_s),
            max_output_bytes=int(tests.max_output_bytes),
            extra_args=[str(a) for a in tests.pytest_args],
            keyword=str(function) if function else None,
            progress=on_progress,
            cancel=ctx.cancel,
            scrub_names=key_env_names(ctx.settings),
        )
        if run.cancelled:
            await self._remember(ctx, f"Cancelled test run of {scope}: {run.how_far()}", {"cancelled": True})
            raise Cancelled(run.how_far())
        return await self._result(ctx, action, root, scope, targets, run, interp.describe())

    async def _result(
        self, ctx: AgentContext, action: str, root: Path, scope: str, targets: list[str], run: PytestRun,
        interpreter: str = "",
    ) -> AgentResult:
        python_line = f"\n\nPython: {interpreter}" if interpreter else ""
        extra = {
            "interpreter": interpreter,
            "exit_code": run.exit_code,
            "targets": targets,
            "scope": scope,
            "output": run.output,
            "truncated": run.truncated,
            "max_output_bytes": ctx.settings.tests.max_output_bytes,
            "ran": run.ran,
            "total": run.total,
        }
        if run.timed_out:
            error = (
                f"The test run ({scope}) timed out after {ctx.settings.tests.timeout_s}s and was "
                f"killed; {run.how_far()}.{python_line}"
            )
            await self._remember(ctx, error, {"timed_out": True, "ran": run.ran})
            return AgentResult.failure(
                self.name, action, error, data={**_empty_summary("timed out"), **extra, "timed_out": True}
            )
        summary = parse_junit(run.junit_xml, root) if run.junit_xml else None
        if run.exit_code == 5 or (summary is not None and summary.total == 0 and run.exit_code in (0, 5)):
            data = {**_empty_summary(NO_TESTS), **extra}
            text = f"**{NO_TESTS}** for {scope}: pytest found no tests to run.{python_line}"
            await self._remember(ctx, text, {"exit_code": run.exit_code})
            return AgentResult(
                ok=True, agent=self.name, action=action, summary=text, data=data, provider="offline", model="pytest"
            )
        if summary is None:
            tail = "\n".join(run.output.strip().splitlines()[-15:])
            error = f"pytest exited with code {run.exit_code} without a report:\n```\n{tail}\n```{python_line}"
            return AgentResult.failure(self.name, action, error, data={**_empty_summary("no report"), **extra})
        data = {**summary.as_dict(), **extra}
        findings = await asyncio.to_thread(failure_findings, summary)
        text = f"Test run ({scope}): " + render_summary(data, root) + python_line
        failures = [{k: f.get(k) for k in ("test", "file", "line", "kind")} | {"message": str(f.get("message") or "")[:300]}
                    for f in data.get("failures") or []][:20]
        await self._remember(ctx, text, {**{k: data[k] for k in ("passed", "failed", "errors", "skipped", "duration")},
                                         "scope": scope, "interpreter": interpreter, "failures": failures})
        return AgentResult(
            ok=True,
            agent=self.name,
            action=action,
            summary=text,
            data=data,
            findings=findings,
            provider="offline",
            model="pytest",
        )

    async def _remember(self, ctx: AgentContext, content: str, metadata: dict[str, Any]) -> None:
        if ctx.memory is None:
            return
        try:
            await asyncio.to_thread(ctx.memory.remember, "test_run", content, metadata)
        except Exception:
            log.exception("could not record the test run in memory")

    # -- validate_edit -------------------------------------------------------------------------

    async def validate_edit(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        edits = request.args.get("edits") or []
        if not edits or not all(isinstance(e, FileEdit) for e in edits):
            return AgentResult.failure(self.name, request.action, "validate_edit needs `edits`: a list of FileEdit.")
        verdict = await validate_edits(edits, ctx)
        word = "Verified" if verdict["verified"] else "Not verified"
        return AgentResult(
            ok=True,
            agent=self.name,
            action=request.action,
            summary=f"**{word}**: {verdict['reason']}",
            data=verdict,
            provider="offline",
            model="pytest+ruff",
        )
