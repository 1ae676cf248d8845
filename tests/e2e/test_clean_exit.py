"""Clean exits over real stdio: whatever way the session ends, no test process outlives the server.

Each case starts a long test run whose test spawns a child, a grandchild that leaves the process
group with setsid, and then sleeps; then the session ends one way or another.
"""

from __future__ import annotations

import subprocess
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from .conftest import make_workspace
from .test_bad_input import RawClient

pytestmark = pytest.mark.timeout(90)
GRACE_S = 1.0  # issue 11: 0 processes left 1 s after the editor dies


def spawning_workspace(root: Path, marker: str) -> Path:
    make_workspace(root)
    (root / "tests" / "test_spawn.py").write_text(
        textwrap.dedent(
            f"""\
            import subprocess, sys, time

            def test_spawns_and_sleeps():
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{marker}-child"])
                subprocess.Popen([sys.executable, "-c", "import os, time; time.sleep(300)", "{marker}-setsid"],
                                 start_new_session=True)
                time.sleep(300)
            """
        )
    )
    return root


def survivors(root: Path, marker: str) -> list[psutil.Process]:
    """pytest (cwd in the workspace) and everything the test spawned (marker in its command line)."""
    found = []
    for proc in psutil.process_iter(["cmdline", "cwd"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            if marker in cmdline or (proc.info["cwd"] or "").startswith(str(root)):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return [p for p in found if p.status() != psutil.STATUS_ZOMBIE]


def start_long_run(client: RawClient, root: Path, marker: str) -> None:
    uri = (root / "tests" / "test_spawn.py").as_uri()
    client.request(50, "workspace/executeCommand", {"command": "zc.runTests", "arguments": [uri]})
    ask = client.wait_notification("window/showMessageRequest", timeout=30)  # no trust given: it asks first
    client.send({"jsonrpc": "2.0", "id": ask["id"], "result": {"title": "Run this time"}})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        names = " ".join(" ".join(p.cmdline()) for p in survivors(root, marker) if p.is_running())
        if f"{marker}-child" in names and f"{marker}-setsid" in names:
            return
        time.sleep(0.1)
    raise AssertionError("the test run never spawned its processes")


def end_by_exit(client: RawClient, editor: subprocess.Popen[bytes]) -> None:
    client.send({"jsonrpc": "2.0", "method": "exit"})


def end_by_closing_stdin(client: RawClient, editor: subprocess.Popen[bytes]) -> None:
    assert client.proc.stdin is not None
    client.proc.stdin.close()


def end_by_garbled_frame(client: RawClient, editor: subprocess.Popen[bytes]) -> None:
    # A broken header loses the stream (fatal); a well-framed body that is not JSON gets -32700 and the
    # session goes on (tests/e2e/test_bad_input.py), so it is not a way to end one.
    client.raw(b"Content-Lenght: nine\r\n\r\n{garbled!")


def end_by_editor_death(client: RawClient, editor: subprocess.Popen[bytes]) -> None:
    editor.kill()
    editor.wait()


@pytest.mark.parametrize(
    "end", [end_by_exit, end_by_closing_stdin, end_by_garbled_frame, end_by_editor_death], ids=lambda f: f.__name__
)
def test_no_process_survives_the_session(tmp_path: Path, end: Callable[..., None]) -> None:
    marker = f"zc-orphan-{uuid.uuid4().hex[:12]}"
    root = spawning_workspace(tmp_path / "ws", marker)
    editor = subprocess.Popen(["sleep", "300"])
    client = RawClient(root, process_id=editor.pid)
    try:
        start_long_run(client, root, marker)
        end(client, editor)
        time.sleep(GRACE_S)
        assert client.proc.poll() is not None, "the server is still running"
        assert survivors(root, marker) == []
    finally:
        for proc in survivors(root, marker):  # never leave them to the next test, whatever failed
            proc.kill()
        editor.kill()
        editor.wait()
        client.close()


def test_shutdown_while_tests_run_cancels_them_and_replies_null(tmp_path: Path) -> None:
    marker = f"zc-orphan-{uuid.uuid4().hex[:12]}"
    root = spawning_workspace(tmp_path / "ws", marker)
    client = RawClient(root)
    try:
        start_long_run(client, root, marker)
        client.request(51, "shutdown", None)
        reply = client.wait_reply(51)
        assert reply.get("error") is None and reply["result"] is None, reply
        run_reply = client.wait_reply(50)  # the busy request is answered too (cancelled), exactly once
        assert "error" in run_reply or run_reply.get("result") is not None
        deadline = time.monotonic() + GRACE_S  # the promise: none left GRACE_S after (a loaded machine reaps late)
        while survivors(root, marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert survivors(root, marker) == []
        client.send({"jsonrpc": "2.0", "method": "exit"})
        assert client.proc.wait(10) == 0
    finally:
        for proc in survivors(root, marker):
            proc.kill()
        client.close()


@pytest.mark.parametrize("stdin_kind", ["devnull", "file"])
def test_stdin_that_cannot_be_polled_is_read_not_hung_on(tmp_path: Path, stdin_kind: str) -> None:
    """stdin from /dev/null or a file of frames (a script, `-X importtime < /dev/null`): the loop cannot
    poll it (epoll refuses it, asyncio only finds out in a later callback), so it is read by a thread;
    the server answers what the file holds and ends at its end instead of hanging."""
    import sys

    init = b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
    body = b'{"jsonrpc":"2.0","id":1,"method":"shutdown"}'
    exit_body = b'{"jsonrpc":"2.0","method":"exit"}'
    frames = b"".join(b"Content-Length: %d\r\n\r\n%s" % (len(b), b) for b in (init, body, exit_body))
    source = tmp_path / "frames.bin"
    source.write_bytes(frames if stdin_kind == "file" else b"")
    stdin_path = source if stdin_kind == "file" else Path("/dev/null")
    with stdin_path.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "zc_lsp"], stdin=stdin, capture_output=True, timeout=30, cwd=tmp_path
        )
    assert b"Operation not permitted" not in done.stderr, done.stderr.decode(errors="replace")[-2000:]
    if stdin_kind == "file":
        assert b'"id":1,"jsonrpc":"2.0","result":null' in done.stdout.replace(b" ", b"")  # shutdown answered
        assert done.returncode == 0
    else:
        assert done.returncode == 1  # end of input without shutdown/exit



def test_exit_right_after_reviews_leaves_no_waiting_ruff(tmp_path: Path) -> None:
    """Reviews leave a ruff waiting for the next change (agents/engines/warm_process.py), started 50 ms
    after each run; an exit at any moment around those starts ends the server and every ruff at once
    (a start still in flight had kept asyncio's last clean-up waiting for ever: the server never left)."""
    for attempt in range(10):  # exits 0, 11, 22 ... 99 ms after the last document's findings
        root = make_workspace(tmp_path / f"ws{attempt}")
        client = RawClient(root)
        server = psutil.Process(client.proc.pid)
        try:
            waiting_for = set()
            for n in range(12):
                path = root / f"mod{n}.py"
                path.write_text(f"import os\n\n\ndef f{n}(x):\n    return x == None\n")
                waiting_for.add(path.as_uri())
                doc = {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}
                client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}})
            while waiting_for:
                params = client.wait_notification("textDocument/publishDiagnostics", timeout=30)["params"]
                if any(d.get("code") == "F401" for d in params["diagnostics"]):
                    waiting_for.discard(params["uri"])
            time.sleep(attempt * 0.011)
            children = [p.pid for p in server.children(recursive=True)]
            client.request(60, "shutdown", None)
            client.wait_reply(60)
            client.send({"jsonrpc": "2.0", "method": "exit"})
            assert client.proc.wait(10) == 0, f"the server did not leave ({attempt * 11} ms after the findings)"
            deadline = time.monotonic() + GRACE_S
            while any(psutil.pid_exists(pid) for pid in children) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [pid for pid in children if psutil.pid_exists(pid)]
        finally:
            client.close()
