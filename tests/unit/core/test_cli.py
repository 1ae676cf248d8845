"""The `zc` CLI as a user runs it: exit codes, JSON output, the status snapshot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "examples" / "demo_project"


def zc(*args: str, cwd: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "config"),
           "OLLAMA_HOST": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "zc_lsp.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_review_reports_findings_as_json_and_exits_1(tmp_path: Path) -> None:
    out = zc("review", str(DEMO), "--format", "json", cwd=tmp_path, tmp=tmp_path)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    codes = {f["code"] for f in data["findings"]}
    assert {"F401", "S602", "E722", "S307", "ZC-SECRET-GITHUB"} <= codes
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "ok.py").write_text('"""Fine."""\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n')
    assert zc("review", str(clean), cwd=tmp_path, tmp=tmp_path).returncode == 0


def test_status_shows_the_persisted_background_state(tmp_path: Path) -> None:
    out = zc("status", "--json", "--workspace", str(tmp_path), cwd=tmp_path, tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    snap = json.loads(out.stdout)
    assert {"agents", "providers", "queue", "alerts", "scheduler", "memory"} <= set(snap)
    assert snap["providers"][-1]["name"] == "offline"


def test_explain_file_line(tmp_path: Path) -> None:
    out = zc("explain", f"{DEMO / 'src' / 'demo_app' / 'tools.py'}:14", cwd=tmp_path, tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "parse_ratio" in out.stdout and "ZeroDivisionError" in out.stdout
    assert "offline" in out.stderr  # who answered
    assert zc("explain", "nope", cwd=tmp_path, tmp=tmp_path).returncode == 2
