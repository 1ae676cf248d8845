"""The project's interpreter is found the way its tools make it, and the reason is said."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from zc_lsp.core.interpreter import find_interpreter, plugin_isolation_env


def _venv(folder: Path) -> Path:
    python = folder / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    return python


def test_config_beats_the_editor_beats_the_workspace_venv(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    local = _venv(ws / ".venv")
    chosen = _venv(tmp_path / "cfg")
    editor = _venv(tmp_path / "editor")
    assert find_interpreter(ws, configured=str(chosen), editor=str(editor), env={}).source == "config tests.python"
    assert find_interpreter(ws, editor=str(editor.parent.parent), env={}).path == str(editor)
    found = find_interpreter(ws, env={})
    assert found.path == str(local) and found.in_workspace and ".venv" in found.source


def test_virtual_env_is_used_unless_it_is_the_tools_own(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    other = _venv(tmp_path / "active")
    assert find_interpreter(ws, env={"VIRTUAL_ENV": str(other.parent.parent)}).source == "VIRTUAL_ENV"
    own = find_interpreter(ws, env={"VIRTUAL_ENV": sys.prefix})
    assert own.is_tool_python and "own Python" in own.source


def test_venv_folder_pdm_and_uv(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _venv(ws / "venv")
    assert find_interpreter(ws, env={}).source == "the workspace's venv"
    ws2 = tmp_path / "ws2"
    target = _venv(tmp_path / "pdm-env")
    ws2.mkdir()
    (ws2 / ".pdm-python").write_text(str(target) + "\n")
    assert find_interpreter(ws2, env={}).path == str(target)
    ws3 = tmp_path / "ws3"
    _venv(ws3 / "envs" / "uvenv")
    assert find_interpreter(ws3, env={"UV_PROJECT_ENVIRONMENT": "envs/uvenv"}).source == "UV_PROJECT_ENVIRONMENT"


def test_poetry_and_hatch_environment_folders(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "pyproject.toml").write_text('[tool.poetry]\nname = "My_App"\n')
    poetry = _venv(tmp_path / "cache" / "pypoetry" / "virtualenvs" / "my-app-AbCd1234-py3.11")
    found = find_interpreter(ws, env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert found.path == str(poetry) and "poetry" in found.source
    ws2 = tmp_path / "ws2"
    ws2.mkdir()
    (ws2 / "pyproject.toml").write_text('[project]\nname = "hatched"\n')
    hatch = _venv(tmp_path / "share" / "hatch" / "env" / "virtual" / "hatched" / "x1y2" / "hatched")
    assert find_interpreter(ws2, env={"XDG_DATA_HOME": str(tmp_path / "share")}).path == str(hatch)


def test_the_tools_python_keeps_its_pytest_plugins_out(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    own = find_interpreter(ws, env={})
    assert own.is_tool_python and plugin_isolation_env(own) == {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    local = find_interpreter(ws, configured=str(_venv(tmp_path / "x")), env={})
    assert plugin_isolation_env(local) == {}


def test_a_configured_path_that_does_not_exist_falls_through(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert find_interpreter(ws, configured=str(tmp_path / "nope" / "python"), env={}).is_tool_python
    assert os.path.isabs(find_interpreter(ws, env={}).path)
