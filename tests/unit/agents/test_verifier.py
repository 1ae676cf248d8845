"""The Verifier agent against real pytest runs on small temporary projects."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import psutil
import pytest

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.verifier.agent import VerifierAgent
from zc_lsp.agents.verifier.testing.junit import parse_junit
from zc_lsp.agents.verifier.testing.runner import run_pytest
from zc_lsp.core.cancel import Cancelled, CancelToken
from zc_lsp.core.types import FileEdit, Span, TextEdit

try:
    from tests.unit.agents.helpers_vco import ListMemory, make_ctx, make_settings, write
except ImportError:  # tests/ is not a package in this layout
    from helpers_vco import ListMemory, make_ctx, make_settings, write

CALC = """
def add(a, b):
    return a + b


def boom():
    raise ValueError("boom in code")
"""

TEST_CALC = """
import pytest

from pkg.calc import add, boom


def test_add_ok():
    assert add(1, 2) == 3


def test_add_wrong():
    assert add(1, 2) == 4


def test_boom():
    boom()


@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")


def test_uses_broken(broken):
    assert broken


@pytest.mark.skip(reason="not today")
def test_skipped():
    assert False
"""


@pytest.fixture(autouse=True)
def fast_pytest_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The temp projects need no plugins; autoloading this venv's (pytest-lsp, ...) costs ~2 s a run."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write(root, "pkg/__init__.py", "")
    write(root, "pkg/calc.py", CALC)
    write(root, "tests/test_calc.py", TEST_CALC)
    return root


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


async def run(root: Path, ctx_kw: dict | None = None, settings_kw: dict | None = None, **args):
    settings = make_settings(root.parent, **(settings_kw or {}))
    ctx = make_ctx(root, settings, **(ctx_kw or {}))
    result = await VerifierAgent().handle(AgentRequest("run_tests", args=args), ctx)
    return result, ctx


async def test_run_tests_counts_and_maps_failures_to_the_failing_line(project: Path) -> None:
    memory = ListMemory()
    progress: list[tuple[str, int | None]] = []
    result, _ = await run(project, {"memory": memory, "progress": progress}, path=str(project / "tests/test_calc.py"))
    assert result.ok, result.error
    data = result.data
    assert (data["passed"], data["failed"], data["errors"], data["skipped"]) == (1, 2, 1, 1)
    by_test = {f["test"].rsplit("::", 1)[-1]: f for f in data["failures"]}
    test_file = project / "tests/test_calc.py"
    # an assert in a test maps to the test's line
    assert by_test["test_add_wrong"]["file"] == str(test_file)
    assert by_test["test_add_wrong"]["line"] == line_of(test_file, "assert add(1, 2) == 4")
    assert "assert 3 == 4" in by_test["test_add_wrong"]["message"]
    # an exception raised in code maps to the code's line
    calc = project / "pkg/calc.py"
    assert by_test["test_boom"]["file"] == str(calc)
    assert by_test["test_boom"]["line"] == line_of(calc, "raise ValueError")
    assert "boom in code" in by_test["test_boom"]["message"]
    assert by_test["test_uses_broken"]["kind"] == "error"
    assert "fixture broke" in by_test["test_uses_broken"]["message"]
    assert by_test["test_add_wrong"]["test"] == "tests/test_calc.py::test_add_wrong"
    # findings are keyed per file, at the failing line
    paths = {f.data["path"] for f in result.findings}
    assert paths == {str(test_file), str(calc)}
    calc_finding = next(f for f in result.findings if f.data["path"] == str(calc))
    assert calc_finding.span.start_line == line_of(calc, "raise ValueError") - 1
    assert calc_finding.span.start_char == 4
    assert (calc_finding.code, calc_finding.engine, calc_finding.severity) == ("test-failure", "pytest", "error")
    assert memory.items and memory.items[-1].kind == "test_run"
    assert memory.items[-1].metadata["failed"] == 2
    assert progress and progress[-1][1] == 100


async def test_run_tests_for_a_code_file_finds_its_tests_and_filters_by_function(project: Path) -> None:
    write(project, "tests/test_other.py", "def test_unrelated():\n    assert True\n")
    result, _ = await run(project, path=str(project / "pkg/calc.py"), function="add_ok")
    assert result.ok, result.error
    assert result.data["targets"] == ["tests/test_calc.py"]
    assert (result.data["passed"], result.data["failed"]) == (1, 0)


async def test_run_tests_accepts_a_file_uri(project: Path) -> None:
    result, _ = await run(project, path=(project / "tests/test_calc.py").as_uri(), function="add")
    assert result.ok, result.error
    assert (result.data["passed"], result.data["failed"]) == (1, 1)


async def test_run_single_test_id(project: Path) -> None:
    result, _ = await run(project, test_id="tests/test_calc.py::test_add_wrong")
    assert result.ok
    assert (result.data["passed"], result.data["failed"]) == (0, 1)


async def test_untrusted_workspace_is_refused_without_running(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    write(project, "tests/test_marker.py", f"open({str(marker)!r}, 'w').close()\n")
    result, _ = await run(project, {"trusted": False})
    assert not result.ok
    assert "not trusted" in (result.error or "")
    assert not marker.exists()
    result, _ = await run(project, {"trusted": None, "user_requested": False})
    assert not result.ok and not marker.exists()


async def test_no_tests_collected_is_ok_and_says_so(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    write(root, "tests/test_nothing.py", "X = 1\n")
    result, _ = await run(root)
    assert result.ok
    assert result.data["exit_code"] == 5
    assert "no tests collected" in result.summary
    assert result.data["passed"] == 0


async def test_code_file_without_tests_says_none_found(project: Path) -> None:
    write(project, "pkg/lonely.py", "X = 1\n")
    result, _ = await run(project, path=str(project / "pkg/lonely.py"))
    assert result.ok and "no test files found" in result.summary


def _children_of_session(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["pid"]) if _same_group(p, pid)]


def _same_group(proc: psutil.Process, pgid: int) -> bool:
    try:
        return os.getpgid(proc.pid) == pgid
    except (ProcessLookupError, PermissionError):
        return False


async def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    root = tmp_path / "slow"
    pid_file = tmp_path / "child.pid"
    write(
        root,
        "tests/test_slow.py",
        f"""
        import subprocess, sys, time

        def test_sleeps():
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            open({str(pid_file)!r}, "w").write(str(child.pid))
            time.sleep(60)
        """,
    )
    started = asyncio.get_running_loop().time()
    result, _ = await run(root, settings_kw={"tests": {"timeout_s": 2}})
    elapsed = asyncio.get_running_loop().time() - started
    assert not result.ok
    assert result.data["timed_out"] is True
    assert "timed out after 2" in (result.error or "")
    assert elapsed < 10
    child_pid = int(pid_file.read_text())
    await asyncio.sleep(0.2)
    assert not psutil.pid_exists(child_pid) or psutil.Process(child_pid).status() == psutil.STATUS_ZOMBIE


async def test_cancel_token_kills_the_run_and_says_how_far(tmp_path: Path) -> None:
    root = tmp_path / "long"
    write(
        root,
        "tests/test_long.py",
        """
        import time
        import pytest

        @pytest.mark.parametrize("i", range(40))
        def test_step(i):
            time.sleep(0.1)
        """,
    )
    cancel = CancelToken()
    progress: list[tuple[str, int | None]] = []

    async def cancel_after_some_progress() -> None:
        while not any("tests ran" in message and not message.startswith("0") for message, _ in progress):
            await asyncio.sleep(0.05)
        cancel.cancel()

    canceller = asyncio.create_task(cancel_after_some_progress())
    with pytest.raises(Cancelled) as info:
        await asyncio.wait_for(run(root, {"cancel": cancel, "progress": progress}), 30)
    await canceller
    assert "tests had run" in info.value.progress
    ran = int(info.value.progress.split()[0])
    assert 1 <= ran < 40


async def test_asyncio_cancellation_kills_pytest(tmp_path: Path) -> None:
    root = tmp_path / "cancelled"
    pid_file = tmp_path / "pytest.pid"
    write(
        root,
        "tests/test_wait.py",
        f"""
        import os, time

        def test_wait():
            open({str(pid_file)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
        """,
    )
    settings = make_settings(tmp_path)
    task = asyncio.create_task(run_pytest(root, [], python=sys.executable, timeout_s=60, max_output_bytes=10_000))
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text():
            break
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    pid = int(pid_file.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert settings.tests.timeout_s == 300


async def test_output_is_capped_and_says_truncated(tmp_path: Path) -> None:
    root = tmp_path / "chatty"
    write(
        root,
        "tests/test_chatty.py",
        """
        def test_prints():
            print("x" * 200_000)
            assert False
        """,
    )
    result, _ = await run(root, settings_kw={"tests": {"max_output_bytes": 2000}})
    assert result.ok
    assert result.data["truncated"] is True
    assert len(result.data["output"].encode()) <= 2000
    assert "truncated" in result.summary
    assert result.data["failed"] == 1


def test_junit_parser_survives_garbage(tmp_path: Path) -> None:
    assert parse_junit("<not xml", tmp_path) is None
    summary = parse_junit('<testsuites><testsuite time="x"><testcase name="t"/></testsuite></testsuites>', tmp_path)
    assert summary is not None and summary.passed == 1


# -- validate_edit -----------------------------------------------------------------------------


@pytest.fixture
def green(tmp_path: Path) -> Path:
    root = tmp_path / "green"
    write(root, "pkg/__init__.py", "")
    write(root, "pkg/calc.py", "def add(a, b):\n    return a + b\n")
    write(root, "tests/test_calc.py", "from pkg.calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 4\n")
    return root


async def validate(root: Path, new_text: str, line: int = 1, **ctx_kw) -> dict:
    edit = FileEdit(root / "pkg/calc.py", [TextEdit(Span(line, 0, line, 100), new_text)])
    ctx = make_ctx(root, make_settings(root.parent), **ctx_kw)
    result = await VerifierAgent().handle(AgentRequest("validate_edit", args={"edits": [edit]}), ctx)
    assert result.ok, result.error
    return result.data


async def test_validate_accepts_a_good_edit_and_runs_its_tests(green: Path) -> None:
    data = await validate(green, "    return b + a")
    assert data["verified"] is True, data
    assert data["tests_passed"] == 1
    assert (green / "pkg/calc.py").read_text().endswith("return a + b\n")  # the real file is untouched


async def test_validate_rejects_an_edit_that_does_not_parse(green: Path) -> None:
    data = await validate(green, "    return a +")
    assert data["verified"] is False
    assert "does not parse" in data["reason"] and "pkg/calc.py:2" in data["reason"]


async def test_validate_rejects_a_new_ruff_error(green: Path) -> None:
    data = await validate(green, "    return a + b + undefined_name")
    assert data["verified"] is False
    assert "F821" in data["reason"]


async def test_validate_rejects_an_edit_that_fails_a_test(green: Path) -> None:
    data = await validate(green, "    return a - b")
    assert data["verified"] is False
    assert "tests/test_calc.py::test_add" in data["reason"]


async def test_validate_does_not_run_tests_when_untrusted(green: Path) -> None:
    data = await validate(green, "    return a - b", trusted=False)
    assert data["verified"] is True
    assert "not run" in data["reason"]
