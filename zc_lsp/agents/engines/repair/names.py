"""Undefined names: a missing import (standard library or the workspace) or a typo of a name in
scope, the latter judged with CPython's own suggestion distance and used only when unambiguous.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import re
import sys
from functools import cache
from pathlib import Path

from zc_lsp.agents.engines.repair.textpos import Candidate, insert_at, split_lines
from zc_lsp.core.files import read_text_bounded

# Modules whose public names are commonly imported by name, in priority order (first one wins).
FROM_MODULES = (
    "collections",
    "typing",
    "dataclasses",
    "pathlib",
    "functools",
    "itertools",
    "datetime",
    "enum",
    "abc",
    "contextlib",
    "decimal",
    "fractions",
    "textwrap",
    "operator",
    "copy",
    "pprint",
    "math",
    "statistics",
    "random",
    "heapq",
    "bisect",
    "uuid",
    "time",
    "shutil",
    "glob",
    "fnmatch",
    "tempfile",
    "string",
    "json",
    "subprocess",
    "collections.abc",
    "types",
    "hashlib",
    "base64",
    "threading",
    "queue",
    "io",
    "os.path",
    "urllib.parse",
)
CLASSES_ONLY = frozenset({"threading", "queue"})
_UNDEFINED = re.compile(r"Undefined name `(\w+)`")


@cache
def from_import_map() -> dict[str, str]:
    """Name -> module for `from module import Name`, built from the modules' own `__all__`."""
    names: dict[str, str] = {}
    for module_name in FROM_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        public = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
        for name in public:
            if module_name in CLASSES_ONLY and not name[:1].isupper():
                continue  # `local`, `Event`-like generic lowercase names there are too easy to mistake
            if not name.startswith("_") and not isinstance(getattr(module, name, None), type(sys)):
                names.setdefault(name, module_name)
    return names


def module_names() -> frozenset[str]:
    return frozenset(n for n in sys.stdlib_module_names if not n.startswith("_"))


def _attrs_used(tree: ast.AST, name: str) -> set[str]:
    return {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == name
    }


def stdlib_import(name: str, tree: ast.AST) -> str | None:
    """The import line for an undefined stdlib name, or None when there is none or it is unclear."""
    used = _attrs_used(tree, name)
    called = _called(tree, name)
    if name in module_names() and not called:
        try:
            module = importlib.import_module(name)
        except ImportError:
            module = None
        if module is not None and all(hasattr(module, a) for a in used):
            return f"import {name}"
    source = from_import_map().get(name)
    if source:
        obj = getattr(importlib.import_module(source), name, None)
        if all(hasattr(obj, a) for a in used) and (callable(obj) or not called):
            return f"from {source} import {name}"
    return None


def _called(tree: ast.AST, name: str) -> bool:
    """`name(...)` or `@name`: a module would not do (`datetime(2024, 1, 1)` is the class)."""
    calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name for n in ast.walk(tree))
    return calls or any(
        isinstance(d, ast.Name) and d.id == name
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for d in n.decorator_list
    )


def _dotted(root: Path, path: Path) -> str | None:
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").exists() and folder != root:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) if parts[0] != "__init__" else ".".join(parts[:-1]) or None


def workspace_import(name: str, root: Path, here: Path | None) -> str | None:
    """`from mod import name` when exactly one other workspace module defines `name` at top level."""
    from zc_lsp.core.workspace import python_files

    found = []
    for path in python_files(root, limit=2000):
        if here is not None and path.resolve() == here.resolve():
            continue
        if name not in _top_level_names(str(path), path.stat().st_mtime):
            continue
        dotted = _dotted(root, path)
        if dotted and here is not None and path.parent != here.parent and "." not in dotted:
            continue  # another folder's loose module is not importable from here
        if dotted:
            found.append(dotted)
    # tests and conftest files define helpers of their own: a real module wins over them
    real = [d for d in found if not _is_test_module(d)]
    found = real or found
    return f"from {found[0]} import {name}" if len(set(found)) == 1 else None


def _is_test_module(dotted: str) -> bool:
    leaf = dotted.rsplit(".", 1)[-1]
    return leaf.startswith("test_") or leaf.endswith("_test") or leaf == "conftest" or ".tests." in f".{dotted}."


@cache
def _top_level_names(path: str, _mtime: float) -> frozenset[str]:
    try:
        tree = ast.parse(read_text_bounded(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return frozenset()
    out = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return frozenset(out)


def import_candidate(text: str, line: str, name: str) -> Candidate:
    """Insert `line` in the import head: merged into `from m import ...` or grouped after imports."""
    tree = ast.parse(text)
    lines = split_lines(text)
    m = re.match(r"from (\S+) import (\w+)$", line)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if m:
        for node in imports:
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == m.group(1)
                and node.level == 0
                and node.lineno == node.end_lineno
                and "(" not in lines[node.lineno - 1]
                and node.module != "__future__"
            ):
                raw = lines[node.lineno - 1].rstrip("\r\n")
                cut = len(raw.split("#")[0].rstrip())
                new = insert_at(text, node.lineno, cut, f", {m.group(2)}")
                return Candidate(
                    new, "import", f"added `{name}` to `{raw.strip()}`", node.lineno, "F821", allow_head=True
                )
    after = _insert_line(tree, name in module_names() or m is not None and m.group(1).split(".")[0] in module_names())
    new_lines = list(lines)
    eol = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"  # the file's own line ending
    text_line = line + eol
    if not imports and after < len(lines) and lines[after].strip():
        # PEP 8: two blank lines before a top-level def/class, one before other code
        text_line += eol * 2 if re.match(r"(@|def\s|async\s+def\s|class\s)", lines[after]) else eol
    if after and after <= len(lines) and not new_lines[after - 1].endswith("\n"):
        new_lines[after - 1] += eol
    new_lines.insert(after, text_line)
    return Candidate("".join(new_lines), "import", f"added `{line}`", after + 1, "F821", allow_head=True)


def _insert_line(tree: ast.Module, stdlib: bool) -> int:
    """0-based line index to insert before: after the docstring/__future__, grouped with imports."""
    head = 0
    last_std = last_any = None
    for index, node in enumerate(tree.body):
        is_doc = (
            index == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if is_doc or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            head = node.end_lineno or head
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mod = node.names[0].name if isinstance(node, ast.Import) else (node.module or "")
            last_any = node.end_lineno
            if getattr(node, "level", 0) == 0 and mod.split(".")[0] in module_names():
                last_std = node.end_lineno
            continue
        break
    if stdlib:
        return last_std or (_first_import(tree) or head)
    return last_any or head


def _first_import(tree: ast.Module) -> int | None:
    for node in tree.body:
        if (
            isinstance(node, (ast.Import, ast.ImportFrom)) and node.module != "__future__"
            if isinstance(node, ast.ImportFrom)
            else isinstance(node, ast.Import)
        ):
            return node.lineno - 1
    return None


def suggestion_distance(a: str, b: str) -> int:
    """CPython's suggestion metric (Python/suggestions.c: a case change costs 1, an edit 2), plus an
    adjacent transposition as one edit (`jsno` -> `json`, which CPython does not suggest)."""
    rows = [list(range(0, 2 * len(b) + 1, 2))]
    for i, ca in enumerate(a, 1):
        cur = [2 * i]
        for j, cb in enumerate(b, 1):
            sub = 0 if ca == cb else (1 if ca.lower() == cb.lower() else 2)
            best = min(rows[-1][j] + 2, cur[j - 1] + 2, rows[-1][j - 1] + sub)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb:
                best = min(best, rows[-2][j - 2] + 2)
            cur.append(best)
        rows.append(cur)
    return rows[-1][-1]


def closest(name: str, candidates: set[str]) -> str | None:
    """The one candidate within CPython's cutoff; None when none is, or when two tie."""
    if len(name) < 3:
        return None
    scored = sorted((suggestion_distance(name, c), c) for c in candidates if c != name)
    scored = [(d, c) for d, c in scored if d <= (len(name) + len(c) + 3) * 2 // 6]
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def names_in_scope(tree: ast.Module, line: int) -> set[str]:
    """Module names, the enclosing functions' parameters and locals, and builtins at `line`."""
    names = set(dir(builtins))
    names |= _bound(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node.lineno <= line <= (
            node.end_lineno or node.lineno
        ):
            args = node.args
            names |= {
                a.arg
                for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, *(x for x in (args.vararg, args.kwarg) if x)]
            }
            if not isinstance(node, ast.Lambda):
                names |= _bound(node.body)
        elif isinstance(node, ast.comprehension):
            names |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    return names


def _bound(body: list[ast.stmt]) -> set[str]:
    out: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            continue  # their insides are another scope
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _abbreviates(short: str, long: str) -> bool:
    """`idx` for `index`: same first letter, every letter in order, clearly shorter."""
    if len(short) < 3 or len(long) < len(short) + 2 or short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])


def best_in_scope(tree: ast.Module, name: str, line: int) -> str | None:
    """CPython's order: the function's names, then the module's, then builtins; within the function
    an unambiguous abbreviation (`idx` -> `index`) beats a builtin that happens to be close (`id`)."""
    local = names_in_scope(tree, line) - set(dir(builtins))
    module = _bound(tree.body)
    for pool in (local - module, module):
        best = closest(name, pool)
        if best is not None:
            return best
    short = [n for n in local if _abbreviates(name, n)]
    if len(short) == 1:
        return short[0]
    return closest(name, set(dir(builtins)))


def typo_candidate(text: str, name: str, line: int, col: int) -> Candidate | None:
    tree = ast.parse(text)
    best = best_in_scope(tree, name, line)
    if best is None:
        return None
    src = split_lines(text)[line - 1]
    if src[col - 1 : col - 1 + len(name)] != name:
        return None
    return Candidate(
        insert_at(text, line, col - 1, best, len(name)),
        "typo",
        f"`{name}` is not defined: did you mean `{best}`? (replaced)",
        line,
        "F821",
    )


def attribute_typos(text: str) -> list[Candidate]:
    """`math.sqr(...)` on an imported stdlib module: the module's own close attribute name."""
    tree = ast.parse(text)
    imported = {
        a.asname or a.name: a.name
        for n in tree.body
        if isinstance(n, ast.Import)
        for a in n.names
        if "." not in a.name and a.name in module_names()
    }
    out = []
    lines = split_lines(text)
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
            and isinstance(node.ctx, ast.Load)
        ):
            continue
        module = importlib.import_module(imported[node.value.id])
        if hasattr(module, node.attr):
            continue
        best = closest(node.attr, {n for n in dir(module) if not n.startswith("_")})
        if best is None or node.end_lineno != node.lineno:
            continue
        raw = lines[node.lineno - 1]
        end = len(raw.encode("utf-8")[: node.end_col_offset].decode("utf-8", "replace"))
        start = end - len(node.attr)
        out.append(
            Candidate(
                insert_at(text, node.lineno, start, best, len(node.attr)),
                "typo",
                f"module `{node.value.id}` has no `{node.attr}`: did you mean `{best}`? (replaced)",
                node.lineno,
                "AttributeError",
            )
        )
    return out


def undefined_name(message: str) -> str | None:
    m = _UNDEFINED.search(message)
    return m.group(1) if m else None
