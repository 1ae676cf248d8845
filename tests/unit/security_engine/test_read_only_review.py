"""Issue 10.1: no review writes a file, and the project's ruff config is extended, not replaced.

The project asks ruff for `fix = true`, `unsafe-fixes = true` and a non-JSON `output-format`;
its excludes and per-file ignores must still hold, its findings must still show.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.security_engine.readonly_project import make_project, snapshot
from zc_lsp.agents.engines.batch_review import review_files
from zc_lsp.agents.engines.ruff_engine import RuffOptions, ruff_check, ruff_fix


def _opts(root: Path) -> RuffOptions:
    return RuffOptions(root=root, select=("S",))


def test_editor_ruff_check_writes_nothing_and_extends_the_config(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = snapshot(root)
    codes = {rel: {f.code for f in asyncio.run(ruff_check((root / rel).read_text(), root / rel, _opts(root)))}
             for rel in ("app.py", "legacy.py", "generated/gen.py", "sub/more.py")}
    assert snapshot(root) == before
    # The project's selection (F, I, UP) holds and ours (S) is added, not substituted.
    assert {"F401", "I001", "UP006", "S602"} <= codes["app.py"]
    assert "S602" not in codes["legacy.py"] and "F401" in codes["legacy.py"]  # per-file ignore kept
    assert codes["generated/gen.py"] == set()  # excluded by the project, also for stdin text
    assert {"F401", "S602"} <= codes["sub/more.py"]  # the nested ruff.toml with fix = true


def test_fix_all_returns_text_and_never_applies_unsafe_fixes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = snapshot(root)
    fixed, _ = asyncio.run(ruff_fix((root / "app.py").read_text(), root / "app.py", _opts(root)))
    assert snapshot(root) == before
    assert "import sys" not in fixed  # a safe fix applied to the returned text only


def test_batch_review_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = snapshot(root)
    files = {root / rel: (root / rel).read_text() for rel in ("app.py", "legacy.py", "generated/gen.py")}
    reviews, errors = asyncio.run(review_files(files, _opts(root), bandit=False, secrets=True))
    assert errors == []
    assert snapshot(root) == before
    assert {"F401", "S602"} <= {f.code for f in reviews[(root / "app.py").resolve()].findings}
    assert not [f for f in reviews[(root / "generated/gen.py").resolve()].findings if f.engine == "ruff"]


def test_cli_review_writes_nothing_and_reports_the_findings(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = snapshot(root)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    out = subprocess.run([sys.executable, "-m", "zc_lsp.cli", "review", "--format", "json", str(root)],
                         capture_output=True, text=True, env=env, cwd=root, timeout=120, check=False)
    assert out.returncode == 1, out.stderr
    assert snapshot(root) == before
    rows = json.loads(out.stdout)["findings"]
    app = {r["code"] for r in rows if r["path"].endswith("app.py") and not r["path"].endswith("legacy.py")}
    assert {"F401", "S602"} <= app


def test_cli_json_rows_carry_the_cwe_an_engine_knows(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    out = subprocess.run([sys.executable, "-m", "zc_lsp.cli", "review", "--format", "json", str(root / "app.py")],
                         capture_output=True, text=True, env=env, cwd=root, timeout=120, check=False)
    rows = json.loads(out.stdout)["findings"]
    assert all("cwe" in r for r in rows)
    bandit = [r for r in rows if r["engine"] == "bandit"]
    assert all(r["cwe"] and r["cwe"].startswith("CWE-") for r in bandit)
