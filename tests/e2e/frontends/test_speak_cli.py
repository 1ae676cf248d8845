"""`zc speak` from a shell: text and --explain become audio under the workspace data folder."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/usr/bin/espeak-ng").exists(), reason="espeak-ng not installed")


def zc(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zc_lsp.cli", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_speak_text_and_explanation(slow_workspace: Path, frontend_env: dict[str, str]) -> None:
    run = zc(["speak", "--workspace", str(slow_workspace), "--engine", "espeak", "The", "tests", "passed."],
             frontend_env, slow_workspace)
    assert run.returncode == 0, run.stderr
    audio = Path(run.stdout.splitlines()[0])
    assert audio.parent.name == "audio" and str(audio).startswith(frontend_env["XDG_DATA_HOME"])
    with wave.open(str(audio)) as w:
        assert w.getnframes() > 0
    assert "espeak-ng" in run.stdout

    run = zc(["speak", "--workspace", str(slow_workspace), "--explain", "calc.py:1"], frontend_env, slow_workspace)
    assert run.returncode == 0, run.stderr
    assert "explanation by offline/ast-summary" in run.stderr
    assert Path(run.stdout.splitlines()[0]).is_file()


def test_speak_bad_input_is_explained(slow_workspace: Path, frontend_env: dict[str, str]) -> None:
    run = zc(["speak", "--workspace", str(slow_workspace)], frontend_env, slow_workspace)
    assert run.returncode == 2 and "give either TEXT or --explain" in run.stderr
    run = zc(["speak", "--workspace", str(slow_workspace), "--lang", "qq", "hello"], frontend_env, slow_workspace)
    assert run.returncode == 1 and "does not support the language 'qq'" in run.stderr
    run = zc(["speak", "--workspace", str(slow_workspace), "--explain", "nope.py:3"], frontend_env, slow_workspace)
    assert run.returncode == 2 and "FILE:LINE" in run.stderr
    run = zc(["dashboard", "--workspace", str(slow_workspace), "--host", "0.0.0.0", "--port", "0"],
             frontend_env, slow_workspace)
    assert run.returncode == 2 and "allow_remote" in run.stderr
