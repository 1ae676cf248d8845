"""Hostile code inside the sandbox: each test is an attack that must fail, checked from outside."""

from __future__ import annotations

import socket
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from zc_lsp.core import sandbox
from zc_lsp.core.sandbox import Limits, SandboxSpec


@pytest.fixture(scope="module", autouse=True)
def _sandbox_must_work() -> None:
    status = sandbox.sandbox_status(refresh=True)
    assert status.available, f"these tests need bubblewrap (scripts/test.sh installs it): {status.reason}"


@pytest.fixture()
def scratch(tmp_path: Path) -> Path:
    path = tmp_path / "scratch"
    path.mkdir()
    return path


def hostile(
    scratch: Path,
    code: str,
    *,
    limits: Limits | None = None,
    timeout_s: float = 30.0,
    cap: int = 1 << 20,
    **spec_args: object,
) -> sandbox.SandboxRun:
    (scratch / "evil.py").write_text(textwrap.dedent(code), encoding="utf-8")
    spec = SandboxSpec(scratch, limits=limits or Limits(), **spec_args)  # type: ignore[arg-type]
    return sandbox.run([sys.executable, "evil.py"], spec, timeout_s=timeout_s, max_output_bytes=cap)


def survivors(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(marker in part for part in proc.info["cmdline"] or []):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def test_write_to_home_never_reaches_the_real_home(scratch: Path, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    run = hostile(
        scratch,
        f"""
        import os
        for target in [os.path.expanduser("~/pwned.txt"), {str(home / "pwned2.txt")!r}, "/root/pwned3.txt"]:
            try:
                open(target, "w").write("owned")
                print("wrote", target)
            except OSError as exc:
                print("refused", target, type(exc).__name__)
    """,
    )
    assert run.exit_code == 0, run.output
    assert list(home.iterdir()) == []
    assert not Path("/root/pwned3.txt").exists()
    assert "wrote /tmp/home/pwned.txt" in run.output  # the fake HOME is writable, and thrown away


def test_ssh_keys_and_secret_env_vars_are_invisible(scratch: Path, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "victim-home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nsecretbytes\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("MY_SERVICE_TOKEN", "tok-live-1234567890")
    monkeypatch.setenv("UNRELATED_SETTING", "plain-host-value")
    run = hostile(
        scratch,
        f"""
        import os
        print(sorted(os.environ.items()))
        for path in [{str(home / ".ssh" / "id_ed25519")!r}, os.path.expanduser("~/.ssh/id_ed25519"),
                     "/root/.ssh", "/etc/shadow"]:
            try:
                print("READ", path, open(path).read() if os.path.isfile(path) else os.listdir(path))
            except OSError as exc:
                print("denied", path, type(exc).__name__)
    """,
        env={"OPENAI_API_KEY": "sk-proj-abcdefghijklmnop", "PYTHONPATH": str(scratch)},
    )
    assert run.exit_code == 0, run.output
    for secret in ("secretbytes", "wJalrXUtnFEMI", "tok-live", "sk-proj", "plain-host-value"):
        assert secret not in run.output
    assert "READ" not in run.output
    assert "PYTHONPATH" in run.output  # what the caller set on purpose does arrive


def test_no_network_even_to_loopback(scratch: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        run = hostile(
            scratch,
            f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"stolen")
                print("CONNECTED")
            except OSError as exc:
                print("blocked", exc)
        """,
        )
    finally:
        stop.set()
        thread.join()
        server.close()
    assert "CONNECTED" not in run.output
    assert accepted == []


def test_fork_bomb_is_contained_and_leaves_no_process(scratch: Path) -> None:
    marker = f"bomb-{uuid.uuid4().hex}"
    run = hostile(
        scratch,
        f"""
        import os, time
        MARK = {marker!r}
        made = 0
        while True:
            try:
                os.fork()
                made += 1
            except OSError:
                time.sleep(0.01)
    """,
        limits=Limits(processes=32),
        timeout_s=4,
    )
    assert run.timed_out
    time.sleep(0.5)
    running_as_nobody = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == 65534]
    assert running_as_nobody == [] and survivors(marker) == []
    assert psutil.cpu_count() is not None  # the host is alive and answering


def test_memory_hog_gets_memory_error(scratch: Path) -> None:
    run = hostile(
        scratch,
        """
        chunks = []
        try:
            while True:
                chunks.append(bytearray(64 << 20))
        except MemoryError:
            print("MemoryError after", len(chunks) * 64, "MiB")
    """,
        limits=Limits(memory_bytes=768 << 20),
    )
    assert "MemoryError after" in run.output
    held = int(run.output.split("after")[1].split()[0])
    assert held < 768


def test_endless_output_is_capped_and_stopped(scratch: Path) -> None:
    run = hostile(
        scratch,
        """
        while True:
            print("x" * 1000, flush=True)
    """,
        cap=100_000,
        timeout_s=60,
    )
    assert run.truncated and not run.timed_out
    assert len(run.output) <= 100_000


def test_grandchild_holding_the_pipe_does_not_hang_or_survive(scratch: Path) -> None:
    marker = f"grandchild-{uuid.uuid4().hex}"
    run = hostile(
        scratch,
        f"""
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", {marker!r}], start_new_session=True)
        print("parent leaves")
    """,
        timeout_s=30,
    )
    assert not run.timed_out and run.exit_code == 0
    assert "parent leaves" in run.output
    time.sleep(0.3)
    assert survivors(marker) == []


def test_rm_rf_outside_the_scratch_copy_deletes_nothing(scratch: Path, tmp_path: Path) -> None:
    hidden = tmp_path / "users-project"
    visible = tmp_path / "read-only-tree"
    for victim in (hidden, visible):
        (victim / "src").mkdir(parents=True)
        (victim / "src" / "main.py").write_text("precious = True\n")
    run = hostile(
        scratch,
        f"""
        import shutil, subprocess
        for victim in [{str(hidden)!r}, {str(visible)!r}]:
            shutil.rmtree(victim, ignore_errors=True)
            subprocess.run(["rm", "-rf", victim])
        shutil.rmtree({str(scratch)!r} + "/sub", ignore_errors=True)
        print("done")
    """,
        readable=[visible],
    )
    assert "done" in run.output
    assert (hidden / "src" / "main.py").read_text() == "precious = True\n"
    assert (visible / "src" / "main.py").read_text() == "precious = True\n"


def test_file_size_limit_stops_a_disk_filler(scratch: Path) -> None:
    run = hostile(
        scratch,
        """
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        try:
            with open("big.bin", "wb") as out:
                for _ in range(64):
                    out.write(b"\\0" * (1 << 20))
            print("WROTE ALL")
        except OSError as exc:
            print("stopped", exc.errno)
    """,
        limits=Limits(file_bytes=4 << 20),
    )
    assert "WROTE ALL" not in run.output, run.output
    assert (scratch / "big.bin").stat().st_size <= 4 << 20


def test_cpu_limit_ends_a_busy_loop(scratch: Path) -> None:
    run = hostile(scratch, "while True:\n    pass\n", limits=Limits(cpu_s=1), timeout_s=30)
    assert not run.timed_out
    assert run.exit_code is not None and run.exit_code != 0
