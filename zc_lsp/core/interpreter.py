"""Which Python runs the project's tests, and why.

Order: the user's config (`tests.python`), the editor's choice (the VS Code Python extension's
interpreter, sent as `python.interpreter`), `VIRTUAL_ENV`, the workspace's `.venv` / `venv` (also
uv's default), uv's `UV_PROJECT_ENVIRONMENT`, pdm's `.pdm-python`, then poetry's and hatch's
environment folders. Only files are looked at: no `poetry`/`hatch` program runs to find them (a
workspace's plug-in config could make those run its code). The server's own interpreter comes
last and is flagged, so a test run can keep the tool's pytest plug-ins out of the project's run.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zc_lsp.core.files import read_text_bounded

_BIN = ("Scripts", "python.exe") if os.name == "nt" else ("bin", "python")


@dataclass(frozen=True)
class Interpreter:
    path: str
    source: str  # why this one, in words: "the workspace's .venv", "VIRTUAL_ENV", ...
    is_tool_python: bool  # the server's own interpreter (its pytest plug-ins are not the project's)
    in_workspace: bool  # inside the workspace: workspace code, runs only with trust

    def describe(self) -> str:
        return f"{self.path} ({self.source})"


def _python_in(env_dir: Path) -> Path | None:
    candidate = env_dir.joinpath(*_BIN)
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    return None


def _same_python(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or Path(a).absolute() == Path(b).absolute()
    except OSError:
        return False


def _project_name(root: Path) -> str | None:
    """The project's name from pyproject.toml (poetry and hatch name their env folders after it)."""
    pyproject = root / "pyproject.toml"
    try:
        import tomllib

        data = tomllib.loads(read_text_bounded(pyproject, 1_000_000))
    except (OSError, ValueError):
        return None
    name = (data.get("project") or {}).get("name") or ((data.get("tool") or {}).get("poetry") or {}).get("name")
    return str(name) if name else None


def _poetry_envs(root: Path, env: Mapping[str, str]) -> list[Path]:
    name = _project_name(root)
    if not name:
        return []
    cache = Path(env.get("POETRY_CACHE_DIR") or Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pypoetry")
    folder = cache / "virtualenvs"
    # poetry names them `<normalised name>-<8 chars of a hash>-py<major.minor>`.
    prefix = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + "-"
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.name.startswith(prefix)), key=lambda p: p.name, reverse=True)


def _hatch_envs(root: Path, env: Mapping[str, str]) -> list[Path]:
    name = _project_name(root)
    if not name:
        return []
    data = Path(env.get("HATCH_DATA_DIR") or Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "hatch")
    folder = data / "env" / "virtual" / name
    if not folder.is_dir():
        return []
    # <name>/<hash>/<env name>/ ; the default env first.
    found = [env_dir for hashed in folder.iterdir() if hashed.is_dir() for env_dir in hashed.iterdir() if env_dir.is_dir()]
    return sorted(found, key=lambda p: (p.name != name, p.name))


def find_interpreter(root: Path, *, configured: str | None = None, editor: str | None = None,
                     env: Mapping[str, str] | None = None) -> Interpreter:
    """The interpreter for the project's tests, with the reason it was chosen."""
    env = os.environ if env is None else env
    root = root.resolve()

    def make(path: str | Path, source: str) -> Interpreter:
        resolved = Path(path).absolute()
        try:
            inside = resolved.resolve().is_relative_to(root) or resolved.is_relative_to(root)
        except OSError:
            inside = False
        return Interpreter(str(resolved), source, _same_python(resolved, sys.executable), inside)

    for value, source in ((configured, "config tests.python"), (editor, "the editor's interpreter")):
        if value:
            path = Path(os.path.expanduser(value))
            if not path.is_absolute():
                path = root / path
            if path.is_dir():
                found = _python_in(path)
                if found is not None:
                    return make(found, source)
            elif path.is_file() and os.access(path, os.X_OK):
                return make(path, source)
    virtual_env = env.get("VIRTUAL_ENV")
    if virtual_env and (found := _python_in(Path(virtual_env))) is not None and not _same_python(found, sys.executable):
        return make(found, "VIRTUAL_ENV")
    for folder in (".venv", "venv"):
        if (found := _python_in(root / folder)) is not None:
            return make(found, f"the workspace's {folder}")
    uv_env = env.get("UV_PROJECT_ENVIRONMENT")
    if uv_env:
        path = Path(uv_env) if Path(uv_env).is_absolute() else root / uv_env
        if (found := _python_in(path)) is not None:
            return make(found, "UV_PROJECT_ENVIRONMENT")
    pdm = root / ".pdm-python"
    if pdm.is_file():
        try:
            target = Path(read_text_bounded(pdm, 4096).strip())
        except OSError:
            target = None
        if target is not None and target.is_file() and os.access(target, os.X_OK):
            return make(target, "pdm (.pdm-python)")
    for finder, label in ((_poetry_envs, "poetry's environment"), (_hatch_envs, "hatch's environment")):
        for env_dir in finder(root, env):
            if (found := _python_in(env_dir)) is not None:
                return make(found, f"{label} {env_dir.name}")
    return make(sys.executable, "ZombieCoder's own Python: no project environment found")


def is_tool_python(python: str | Path) -> bool:
    """Is this the server's own interpreter (whose site-packages hold the tool's pytest plug-ins)?"""
    return _same_python(python, sys.executable)


def plugin_isolation_env(interp: Interpreter) -> dict[str, str]:
    """Environment additions that keep the tool's own pytest plug-ins out of a project's run.

    Only needed when the project has no environment of its own and runs on the tool's Python,
    whose site-packages hold pytest-lsp, pytest-asyncio and friends.
    """
    return {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"} if interp.is_tool_python else {}
