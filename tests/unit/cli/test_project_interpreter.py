"""`zc test` and `zc doctor` run the project's interpreter, say which one and why, and keep the tool's
own pytest plug-ins out of a project that has no environment of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zc_lsp.agents.verifier.testing.discovery import project_interpreter
from zc_lsp.config import load_settings

pytestmark = pytest.mark.timeout(180)

# The tool's venv has pytest-lsp, pytest-asyncio and pytest-timeout: none may reach the project's run.
PLUGIN_CHECK = """\
import os


def test_the_tools_plugins_stay_out(request):
    assert os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD") == "1"
    assert not request.config.pluginmanager.hasplugin("pytest_lsp")
    assert not request.config.pluginmanager.hasplugin("asyncio")
"""


def zc(*args: str, cwd: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
    env.update(
        {
            "XDG_DATA_HOME": str(tmp / "data"),
            "XDG_CONFIG_HOME": str(tmp / "config"),
            "OLLAMA_HOST": "http://127.0.0.1:9",
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "zc_lsp.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=150
    )


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\nversion = '0'\n")
    (root / "tests" / "test_plugins.py").write_text(PLUGIN_CHECK)
    return root


def test_zc_test_without_a_venv_names_the_tools_python_and_keeps_its_plugins_out(tmp_path: Path) -> None:
    root = _project(tmp_path)
    out = zc("test", cwd=root, tmp=tmp_path)
    assert out.returncode == 0, (out.stdout, out.stderr)
    assert "1 passed" in out.stdout
    assert f"Python: {sys.executable}" in out.stdout or "Python: " + str(Path(sys.executable).absolute()) in out.stdout
    assert "no project environment found" in out.stdout


def test_zc_test_with_a_configured_interpreter_without_pytest_names_it(tmp_path: Path) -> None:
    root = _project(tmp_path)
    env_dir = tmp_path / "bare-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=60)
    (root / ".zombiecoder.yaml").write_text(f"tests:\n  python: {env_dir}\n")
    out = zc("test", cwd=root, tmp=tmp_path)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "No module named pytest" in out.stdout
    assert f"Python: {env_dir / 'bin' / 'python'} (config tests.python)" in out.stdout


def test_doctor_says_which_interpreter_and_why(tmp_path: Path) -> None:
    root = _project(tmp_path)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True, timeout=60)
    out = zc("doctor", cwd=root, tmp=tmp_path)
    line = next(ln for ln in out.stdout.splitlines() if "pytest:" in ln)
    assert f"{root / '.venv' / 'bin' / 'python'} (the workspace's .venv)" in line, line


def test_the_editors_interpreter_comes_after_config_and_before_the_workspace_venv(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True, timeout=60)
    editor = load_settings(root, {"python": {"interpreter": sys.executable}})
    assert editor.issues == []
    chosen = project_interpreter(root, editor)
    assert chosen.source == "the editor's interpreter" and chosen.is_tool_python
    assert project_interpreter(root, load_settings(root)).source == "the workspace's .venv"
    (root / ".zombiecoder.yaml").write_text(f"tests:\n  python: {root / '.venv'}\n")
    both = project_interpreter(root, load_settings(root, {"python": {"interpreter": sys.executable}}))
    assert both.source == "config tests.python"
