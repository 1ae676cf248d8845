"""Trojan Source in the default review."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_trojan_source_is_a_finding_by_default(tmp_path: Path) -> None:
    """Bidirectional control characters make code read unlike it runs (CVE-2021-42574): ruff's PLE2502
    is part of the default review, with its CWE."""
    src = 'def is_admin(user):\n    level = "user"\n    if level != "user\u202e \u2066# admin?\u2069 \u2066":\n        return True\n'
    (tmp_path / "trojan.py").write_text(src, encoding="utf-8")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    out = subprocess.run([sys.executable, "-m", "zc_lsp.cli", "review", "--format", "json", "trojan.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    found = {(f["code"], f["cwe"]) for f in json.loads(out.stdout)["findings"]}
    assert ("PLE2502", "CWE-451") in found, out
