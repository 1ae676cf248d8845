"""A project whose ruff config asks for every kind of write: `fix`, `unsafe-fixes`, odd output."""

from __future__ import annotations

import hashlib
from pathlib import Path

PYPROJECT = """\
[project]
name = "fixme"
version = "0"

[tool.ruff]
fix = true
unsafe-fixes = true
output-format = "grouped"
extend-exclude = ["generated"]

[tool.ruff.lint]
select = ["F", "I", "UP"]

[tool.ruff.lint.per-file-ignores]
"legacy.py" = ["S602"]
"""
APP = """\
import os
import sys
import subprocess
from typing import List


def run(cmd: str) -> List[str]:
    subprocess.call(cmd, shell=True)
    return [x for x in os.listdir(".")]
"""


def make_project(root: Path) -> Path:
    (root / "generated").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "sub").mkdir(exist_ok=True)
    (root / "sub" / "ruff.toml").write_text('fix = true\nunsafe-fixes = true\n[lint]\nselect = ["F", "UP"]\n')
    for rel in ("app.py", "legacy.py", "generated/gen.py", "sub/more.py"):
        (root / rel).write_text(APP)
    return root


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under root: a review must leave all of them byte-identical."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".zombiecoder" not in p.parts
    }
