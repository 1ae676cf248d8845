"""`zc dashboard` in headless chromium: live data, charts, Ack/Resolve, 401 without token, screenshots."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
PLAYWRIGHT = ROOT / "editors" / "vscode" / "node_modules" / "playwright-core"
CHROMIUM = Path(os.environ.get("ZC_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts" / "dashboard"
SCRIPT = Path(__file__).with_name("dashboard_browser.cjs")

pytestmark = pytest.mark.editor


def _tools() -> str:
    node = shutil.which("node")
    missing = [str(p) for p in (PLAYWRIGHT, CHROMIUM) if not p.exists()] + ([] if node else ["node"])
    if missing:
        message = f"browser tools missing: {', '.join(missing)}; run scripts/install-editor-tools.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return str(node)


def _seed(workspace: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """What a running language server would have left in the task DB: metrics, a task, a report, an alert."""
    from zc_lsp.background.alerts import AlertCenter
    from zc_lsp.background.store import ensure_schema
    from zc_lsp.config import load_settings
    from zc_lsp.memory import WorkspaceMemory

    monkeypatch.setenv("XDG_DATA_HOME", env["XDG_DATA_HOME"])
    monkeypatch.setenv("XDG_CONFIG_HOME", env["XDG_CONFIG_HOME"])
    settings = load_settings(workspace)
    memory = WorkspaceMemory(workspace, settings)
    try:
        tasks = memory.tasks
        now = time.time()
        for n in range(30):
            tasks.record_metric("cpu_percent", 5 + (n % 7) * 3, now - 1800 + n * 60)
            tasks.record_metric("rss_mb", 60 + n, now - 1800 + n * 60)
            tasks.record_metric("model_latency_ms", 200 + (n % 5) * 40, now - 1800 + n * 60)
        for _ in range(3):
            tasks.finish_task(tasks.start_task("verifier", "run_tests"), "done")
        tasks.add_report("verifier", "Nightly test run", "3 passed, 0 failed")
        ensure_schema(tasks)
        _seed_insights(workspace, memory)
        AlertCenter(tasks, settings).raise_alert("provider_slow", "warning", "ollama answered slowly (seeded)")
    finally:
        memory.close()


def _seed_insights(workspace: Path, memory: Any) -> None:
    """A stored review with findings, a failed test run, two model calls and their spend."""
    import asyncio

    from zc_lsp.router.cache import ReplyStore

    calc = (workspace / "calc.py").as_uri()
    memory.agent("best_practices").remember(
        "review", "review of calc.py: 2 findings (S307, F401)", {"counts": {"S307": 1, "F401": 1}, "codes": ["F401", "S307"]},
        calc)
    memory.agent("verifier").remember(
        "test_run", "Test run (the whole workspace): 4 passed, 1 failed",
        {"passed": 4, "failed": 1, "errors": 0, "skipped": 0, "duration": 0.5, "scope": "the whole workspace",
         "interpreter": "/usr/bin/python3 (seeded)",
         "failures": [{"test": "tests/test_calc.py::test_add_wrong", "file": str(workspace / "tests" / "test_calc.py"),
                       "line": 7, "kind": "failure", "message": "assert 5 == 4"}]})
    for latency, outcome in ((120.0, "ok"), (180.0, "ok"), (0.0, "error: refused")):
        memory.audit.append("model_call", provider="ollama", model="qwen2.5-coder:7b", role="programming",
                            prompt_sha256="", tokens_in=100, tokens_out=20, latency_ms=latency, outcome=outcome,
                            secrets_redacted=0)
    memory.audit.append("model_call", provider="openai", model="gpt-4o-mini", role="programming", prompt_sha256="",
                        tokens_in=1000, tokens_out=200, latency_ms=900.0, outcome="ok", secrets_redacted=0)
    asyncio.run(ReplyStore(memory).add_spend("openai", 0.0123))


def _start(workspace: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "zc_lsp.cli", "dashboard", "--workspace", str(workspace), "--port", "0"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    found: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "http://" in line:
                found.append(line.strip())
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(30)
    if not found:
        proc.kill()
        pytest.fail(f"the dashboard printed no URL: {proc.stderr.read() if proc.stderr else ''}")
    return proc, found[0]


def test_dashboard_in_a_real_browser(tmp_path: Path, slow_workspace: Path, frontend_env: dict[str, str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    node = _tools()
    _seed(slow_workspace, frontend_env, monkeypatch)
    proc, url = _start(slow_workspace, frontend_env)
    try:
        base = url.split("/?")[0]
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(base + "/api/status", timeout=10)  # noqa: S310 - our loopback server
        assert info.value.code == 401

        run = subprocess.run([node, str(SCRIPT), url, str(ARTIFACTS), str(PLAYWRIGHT), str(CHROMIUM)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-3000:]
        seen = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, proc.stderr.read() if proc.stderr else ""
    assert "token=" not in seen["url_after_login"]  # the token left the address bar
    assert seen["live_text"].startswith("live")
    assert any(t.startswith("CPU") for t in seen["charts"]) and any(t.startswith("Model latency") for t in seen["charts"])
    assert "ollama answered slowly" in seen["alert_before"]
    assert seen["alerts_after"] == 0
    assert seen["report"] == "3 passed, 0 failed"
    assert "Nightly test run" in seen["reports_list"]
    # The dashboard's own sections, from the data folder: findings, last test run, latency and cost.
    assert seen["findings_total"] == "2" and "calc.py" in seen["findings"] and "F401" in seen["findings"]
    assert seen["test_state"] == "failed" and "test_add_wrong" in seen["test_failures"]
    assert "4 passed" in seen["test_counts"] and "1 failed" in seen["test_counts"]
    ollama, openai = seen["usage"]["ollama"], seen["usage"]["openai"]
    assert ollama[:3] == ["ollama", "3", "1"] and ollama[3] == "150 ms"  # p50 of the answered calls
    assert openai[1] == "1" and openai[6] == "$0.0123"
    assert seen["ollama_health"] == "down"  # checked by this process, not left unknown (grey)
    assert seen["phone_scroll_width"] <= 375
    assert seen["no_token_status"] == 401
    assert seen["csp_violations"] == [] and seen["page_errors"] == [] and seen["remote_requests"] == []
    for name in ("dashboard-desktop.png", "dashboard-phone.png"):
        shot = ARTIFACTS / name
        assert shot.is_file() and shot.stat().st_size > 10_000
