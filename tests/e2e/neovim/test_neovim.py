"""ZombieCoder in a real Neovim (Debian's 0.7): diagnostics arrive and a quick fix applies."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import SERVER_ENV, make_workspace

pytestmark = [pytest.mark.editor, pytest.mark.timeout(120)]
SCRIPT = Path(__file__).with_name("zc_nvim.lua")


@pytest.mark.skipif(shutil.which("nvim") is None and not os.environ.get("CI"), reason="neovim not installed (scripts/test.sh installs it)")
def test_neovim_receives_diagnostics_and_applies_a_quick_fix(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    out = tmp_path / "out.json"
    env = {**SERVER_ENV, "ZC_PY": sys.executable, "ZC_WS": str(workspace), "ZC_OUT": str(out), "HOME": str(tmp_path)}
    proc = subprocess.run(
        ["nvim", "--headless", "-u", "NONE", "-c", f"luafile {SCRIPT}"],
        env=env, cwd=workspace, capture_output=True, text=True, timeout=90,
    )
    assert out.exists(), f"neovim wrote no result: {proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text())
    assert result.get("error") in (None, ""), result
    assert "F401" in result["codes"]
    assert result["neovim_diagnostics"] >= 2
    assert any("Explain F401" in t for t in result["titles"])
    assert result["first_line_after_fix"] == "import subprocess"
    assert result["agents"] == 5
