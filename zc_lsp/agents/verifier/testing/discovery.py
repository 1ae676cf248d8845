"""Which interpreter runs a workspace's tests, and which test files cover a given module.

Discovery is textual (file names and import lines), never by importing workspace code: the
server must not execute a project's code just to find its tests.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.interpreter import Interpreter, find_interpreter
from zc_lsp.core.workspace import iter_files

log = logging.getLogger(__name__)

MAX_SCAN_BYTES = 1_000_000


def project_interpreter(root: Path, settings: Any = None) -> Interpreter:
    """The project's interpreter and why (config `tests.python`, the editor's, VIRTUAL_ENV, .venv ...)."""
    configured = settings.get("tests.python") if settings is not None else None
    editor = getattr(settings, "editor_python", None)
    return find_interpreter(root, configured=configured if isinstance(configured, str) else None, editor=editor)


def workspace_python(root: Path, settings: Any = None) -> str:
    """The project's own interpreter, so its dependencies (not the tool's) are importable."""
    return project_interpreter(root, settings).path


def is_test_file(path: Path) -> bool:
    """pytest's default naming: `test_*.py` or `*_test.py`."""
    name = path.name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def module_name(path: Path, root: Path) -> str:
    """Dotted module name of a file relative to the workspace (a leading `src.` is dropped)."""
    rel = path.resolve().relative_to(root.resolve()).with_suffix("")
    parts = list(rel.parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if len(parts) > 1 and parts[0] in ("src", "lib"):
        parts.pop(0)
    return ".".join(parts)


def _import_patterns(dotted: str) -> list[re.Pattern[str]]:
    stem = dotted.rsplit(".", 1)[-1]
    patterns = [
        re.compile(rf"^\s*from\s+{re.escape(dotted)}(\.\w+)*\s+import\b", re.M),
        re.compile(rf"^\s*import\s+[^\n]*\b{re.escape(dotted)}\b", re.M),
    ]
    if "." in dotted:
        parent = dotted.rsplit(".", 1)[0]
        patterns.append(re.compile(rf"^\s*from\s+{re.escape(parent)}\s+import\s+[^\n]*\b{re.escape(stem)}\b", re.M))
    return patterns


def _read_small(path: Path) -> str | None:
    try:
        return read_text_bounded(path, MAX_SCAN_BYTES, errors="replace")
    except OSError as exc:
        log.debug("cannot read %s: %s", path, exc)
        return None


def find_tests_for(path: Path, root: Path) -> list[Path]:
    """Test files for a non-test module: `test_<name>.py` / `<name>_test.py`, or any test importing it."""
    path = path.resolve()
    root = root.resolve()
    stem = path.stem if path.name != "__init__.py" else path.parent.name
    names = {f"test_{stem}.py", f"{stem}_test.py"}
    dotted = module_name(path, root)
    patterns = _import_patterns(dotted) if dotted else []
    found: list[Path] = []
    for candidate in iter_files(root, "*.py"):
        if not is_test_file(candidate) or candidate.resolve() == path:
            continue
        if candidate.name in names:
            found.append(candidate)
            continue
        text = _read_small(candidate)
        if text and any(p.search(text) for p in patterns):
            found.append(candidate)
    return found
