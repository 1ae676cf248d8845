"""What the standard library's own docs say about the names a piece of code uses (offline, for explain).

Only standard-library modules are looked up, and never one whose import has side effects
(`antigravity` opens a browser, `this` prints, `tkinter` and `turtle` start a GUI).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
import sys

log = logging.getLogger(__name__)
UNSAFE_STDLIB = frozenset(
    {
        "antigravity",
        "this",
        "turtle",
        "turtledemo",
        "tkinter",
        "idlelib",
        "__hello__",
        "__phello__",
        "__main__",
        "pydoc_data",
        "ensurepip",
        "venv",
    }
)


def stdlib_imports(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """Local name -> (stdlib module, attribute or None) for the module's standard-library imports."""
    found: dict[str, tuple[str, str | None]] = {}
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name.split(".")[0] in sys.stdlib_module_names:
                    local = alias.asname or alias.name.split(".")[0]
                    found[local] = (alias.name if alias.asname else local, None)
        elif (
            isinstance(stmt, ast.ImportFrom)
            and stmt.module
            and not stmt.level
            and stmt.module.split(".")[0] in sys.stdlib_module_names
        ):
            for alias in stmt.names:
                if alias.name != "*":
                    found[alias.asname or alias.name] = (stmt.module, alias.name)
    return found


def stdlib_doc(module: str, attrs: list[str]) -> str | None:
    """First line of pydoc for module.attr..., importing only side-effect-free stdlib modules."""
    if module.split(".")[0] in UNSAFE_STDLIB or module.split(".")[0] not in sys.stdlib_module_names:
        return None
    try:
        obj: object = importlib.import_module(module)
        for attr in attrs:
            obj = getattr(obj, attr)
    except (ImportError, AttributeError) as exc:
        log.debug("no pydoc for %s.%s: %s", module, ".".join(attrs), exc)
        return None
    doc = inspect.getdoc(obj)
    return doc.strip().splitlines()[0] if doc else None


def stdlib_notes(tree: ast.Module, used: list[str], limit: int = 8) -> list[str]:
    imports = stdlib_imports(tree)
    notes: dict[str, str] = {}
    roots_with_attrs = {n.split(".")[0] for n in used if "." in n}
    for name in used:
        parts = name.rstrip("()").split(".")
        if parts[0] not in imports or name in notes or (len(parts) == 1 and parts[0] in roots_with_attrs):
            continue
        module, attr = imports[parts[0]]
        attrs = ([attr] if attr else []) + parts[1:]
        doc = stdlib_doc(module, attrs)
        if doc:
            notes[name] = f"- `{'.'.join([module, *attrs])}`: {doc}"
        if len(notes) >= limit:
            break
    return list(notes.values())
