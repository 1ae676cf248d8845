"""Front-end end-to-end fixtures: an isolated environment and a small workspace with a slow test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CALC = 'def add(a, b):\n    """Add two numbers."""\n    return a + b\n'
SLOW_TEST = '''\
import os
import time
from pathlib import Path


def test_takes_a_long_time():
    Path(__file__).with_name("pid.txt").write_text(str(os.getpid()))
    time.sleep(60)
'''


@pytest.fixture
def frontend_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OPENAI_", "ANTHROPIC_"))}
    env.update({
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "OLLAMA_HOST": "http://127.0.0.1:9",  # nothing listens there: offline engines answer
        "PROMPT_TOOLKIT_NO_CPR": "1",  # pexpect does not answer cursor-position queries
        "TERM": "xterm",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture
def slow_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'ws'\nversion = '0'\n")
    (root / "calc.py").write_text(CALC)
    (root / "tests" / "test_slow.py").write_text(SLOW_TEST)
    return root
