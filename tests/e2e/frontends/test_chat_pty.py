"""`zc chat` in a real pseudo-terminal: question and answer, /status, Ctrl-C during a reply, /quit, Ctrl-D."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pytest

PROMPT = "you>"  # prompt_toolkit draws the trailing space as a cursor move


def spawn(workspace: Path, env: dict[str, str]) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "zc_lsp.cli", "chat", "--workspace", str(workspace)],
                          env=env, cwd=str(workspace), encoding="utf-8", timeout=30, dimensions=(50, 200))
    child.expect_exact(PROMPT)
    return child


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_chat_session_in_a_terminal(slow_workspace: Path, frontend_env: dict[str, str]) -> None:
    child = spawn(slow_workspace, frontend_env)
    try:
        child.sendline("what does add do?")
        child.expect_exact("Add two numbers.")  # the answer, from the code itself
        child.expect_exact("answered offline")  # then who answered, and what offline can do
        child.expect_exact(PROMPT)

        child.sendline("/status")
        child.expect_exact("agent conversational")
        child.expect_exact(PROMPT)

        child.sendline("/test")
        child.expect_exact("running tests")
        pid_file = slow_workspace / "tests" / "pid.txt"
        deadline = time.monotonic() + 30
        while not pid_file.exists():
            assert time.monotonic() < deadline, "the slow test never started"
            time.sleep(0.1)
        pid = int(pid_file.read_text())
        assert alive(pid)
        started = time.monotonic()
        child.sendintr()  # Ctrl-C while the reply (the test run) is going
        child.expect_exact("[reply cancelled]", timeout=10)
        child.expect_exact(PROMPT)
        assert time.monotonic() - started < 10
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pid), "the cancelled test run is still running"

        child.sendintr()  # Ctrl-C at the prompt only clears the line
        child.expect_exact(PROMPT)
        child.sendline("/explain calc.py:1")
        child.expect_exact("def add(a, b)")
        child.expect_exact(PROMPT)

        child.sendline("/quit")
        child.expect_exact("bye")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert (Path(frontend_env["XDG_DATA_HOME"]) / "zombiecoder").exists()


def test_ctrl_d_leaves_and_history_is_kept(slow_workspace: Path, frontend_env: dict[str, str]) -> None:
    child = spawn(slow_workspace, frontend_env)
    try:
        child.sendline("/help")
        child.expect_exact("/review FILE")
        child.expect_exact(PROMPT)
        child.sendeof()
        child.expect_exact("bye")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    histories = list(Path(frontend_env["XDG_DATA_HOME"]).rglob("chat_history"))
    assert histories and "/help" in histories[0].read_text()
