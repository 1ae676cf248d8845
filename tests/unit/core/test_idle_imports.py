"""What an idle server holds: every service running, nothing loaded that idle does not use (issue 15).

The real server is started on stdio in a fresh workspace, initialized, left until its background
services have started, and asked (SIGUSR1, a probe installed before `main`) for its `sys.modules`.
Start-up writes INFO log lines (paths, counts) through the redactor and the status panel reads
tasks.db: neither may load detect-secrets (with requests) or sqlite-utils (with click and pluggy).
Nor may idle hold what it does not use (apscheduler's imports, platformdirs, tempfile, PyYAML): see NOT_AT_IDLE.
This checks module names, never memory figures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGUSR1 probe")

NOT_AT_IDLE = [
    "detect_secrets", "requests", "urllib3", "sqlite_utils", "click", "pluggy",
    # the data folder's path is computed without platformdirs on Linux, the trust store loads only when
    # the editor did not say (tempfile, shutil, bz2 and lzma come with apscheduler anyway)
    "platformdirs", "zc_lsp.core.trust_store",
    # no settings file: the defaults come from the JSON copy of default.yaml's parse (an earlier start
    # wrote it), so PyYAML stays out (~0.9 MB); a settings file loads it
    "yaml", "zc_lsp.config_yaml",
    # the chat's commands import it on first use (handlers/command_support.register_on_first_use)
    "zc_lsp.handlers.chat", "zc_lsp.agents.conversational.slash", "difflib",
]
# apscheduler runs the schedule (with importlib.metadata, email, multiprocessing and tzlocal, ~2.6 MB
# of idle RSS: the library the design names, kept on purpose)
RUNNING = ["apscheduler", "zc_lsp.background.scheduler", "zc_lsp.background.service", "zc_lsp.memory.workspace",
           "zc_lsp.router.router"]

PROBE = """
import json, signal, sys
out = sys.argv[1]
def dump(*_):
    with open(out, "w") as f:
        json.dump(sorted(name for name, m in sys.modules.items() if m is not None), f)
signal.signal(signal.SIGUSR1, dump)
from zc_lsp.__main__ import main
sys.argv = ["zc-lsp"]
sys.exit(main())
"""


def frame(message: dict) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_idle_server_runs_every_service_without_detect_secrets_or_sqlite_utils(tmp_path: Path) -> None:
    dump, stderr_path = tmp_path / "modules.json", tmp_path / "stderr.txt"
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "app.py").write_text("x = 1\n")
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    warm = "from zc_lsp.config import load_defaults; load_defaults()"  # what any earlier start leaves behind
    subprocess.run([sys.executable, "-c", warm], env=env, check=True, timeout=60)
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-c", PROBE, str(dump)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=tmp_path / "ws",
            env=env,
        )
    assert proc.stdin is not None and proc.stdout is not None
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # a pipe, as an editor's: never full
    try:
        root = (tmp_path / "ws").as_uri()
        proc.stdin.write(
            frame(
                {
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "processId": os.getpid(),  # the editor-process watch runs too
                        "rootUri": root,
                        "capabilities": {},
                        # the tuner samples every second, so the probe comes after some of its samples
                        "initializationOptions": {"trust": {"trusted": True}, "tuner": {"interval_s": 1}},
                    },
                }
            )
        )
        proc.stdin.write(frame({"method": "initialized", "params": {}}))
        proc.stdin.flush()
        logs = tmp_path / "data"
        started = wait_for(
            lambda: any("background services started" in p.read_text(errors="replace") for p in logs.rglob("zc.jsonl")),
            60,
        )
        assert started, stderr_path.read_text(errors="replace")[-2000:]
        time.sleep(2.5)  # the status push, the warm-up after the start and two tuner samples
        proc.send_signal(signal.SIGUSR1)
        assert wait_for(lambda: dump.exists() and dump.stat().st_size > 0, 20)
    finally:
        proc.kill()
        proc.wait(10)
    modules = json.loads(dump.read_text())
    loaded = sorted({name for name in NOT_AT_IDLE for m in modules if m == name or m.startswith(name + ".")})
    assert loaded == []
    assert [name for name in RUNNING if name not in modules] == []
