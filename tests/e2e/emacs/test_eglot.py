"""ZombieCoder in Emacs eglot (Debian's Emacs 28 + elpa-eglot 1.9, which has no codeAction/resolve)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import SERVER_ENV, make_workspace

pytestmark = [pytest.mark.editor, pytest.mark.timeout(180)]
SCRIPT = Path(__file__).with_name("zc_eglot.el")


@pytest.mark.skipif(shutil.which("emacs") is None and not os.environ.get("CI"), reason="emacs not installed (scripts/test.sh installs it)")
def test_eglot_gets_diagnostics_and_applies_a_computed_action(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)  # eglot finds the project by VCS
    out = tmp_path / "out.json"
    env = {**SERVER_ENV, "ZC_PY": sys.executable, "ZC_FILE": str(workspace / "calc.py"), "ZC_OUT": str(out),
           "HOME": str(tmp_path)}
    proc = subprocess.run(["emacs", "--batch", "-l", str(SCRIPT)], env=env, cwd=workspace,
                          capture_output=True, text=True, timeout=150)
    assert out.exists(), f"emacs wrote no result:\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text())
    assert result["error"] is None, (result, proc.stderr[-3000:])
    assert "F401" in result["codes"]
    assert any("Add docstring to `divide`" in t for t in result["titles"])
    assert result["docstring_applied"] is True
    assert result["agents"] == 5
