"""Pytest skeletons for one function, built from its AST: no model needed.

The skeleton is meant to be finished by a person: argument values come from defaults and
annotations, the expected value is marked, and every exception the function raises gets its own
`pytest.raises` test so error paths are not forgotten.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from pathlib import Path

_PLACEHOLDERS = {
    "int": "0",
    "float": "0.0",
    "str": '""',
    "bool": "False",
    "bytes": 'b""',
    "list": "[]",
    "dict": "{}",
    "set": "set()",
    "tuple": "()",
    "None": "None",
}


class SkeletonError(Exception):
    """Why no skeleton can be made here, phrased for the user."""


@dataclass
class Target:
    """The function under test and how a test file reaches it."""

    module: str  # dotted import path, e.g. "demo.tools"
    func: ast.FunctionDef | ast.AsyncFunctionDef
    cls: ast.ClassDef | None = None
    raises: list[str] = field(default_factory=list)

    @property
    def test_name(self) -> str:
        prefix = f"{self.cls.name.lower()}_" if self.cls else ""
        return f"test_{prefix}{self.func.name.lstrip('_')}"


def module_path(path: Path, root: Path) -> str:
    """Dotted module name of `path` relative to `root`, skipping a `src/` layout folder."""
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError as exc:
        raise SkeletonError(f"{path} is outside the workspace {root}") from exc
    parts = list(rel.with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        raise SkeletonError(f"{rel} is not importable as a module (names must be identifiers)")
    return ".".join(parts)


def _exception_names(func: ast.AST, tree: ast.Module) -> list[str]:
    """Exception classes raised directly in `func` (not in nested functions), in source order."""
    known = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            known.update((a.asname or a.name).split(".")[0] for a in node.names)
    names: list[str] = []
    todo = list(ast.iter_child_nodes(func))
    while todo:
        child = todo.pop(0)
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        todo.extend(ast.iter_child_nodes(child))
        if not isinstance(child, ast.Raise) or child.exc is None:
            continue
        exc = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
        name = ast.unparse(exc)
        root = name.split(".")[0]
        builtin = isinstance(getattr(builtins, root, None), type) and issubclass(getattr(builtins, root), BaseException)
        if (builtin or root in known) and name not in names:
            names.append(name)
    return names


def find_target(source: str, line: int, path: Path, root: Path) -> tuple[Target, ast.Module]:
    """The innermost function or method whose lines (decorators included) contain `line` (0-based)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise SkeletonError(f"the file does not parse (line {exc.lineno}): fix the syntax first") from exc
    best: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.ClassDef | None] | None = None

    def visit(node: ast.AST, cls: ast.ClassDef | None, nested: bool) -> None:
        nonlocal best
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)]) - 1
                if first <= line <= (child.end_lineno or child.lineno) - 1:
                    if nested:
                        raise SkeletonError(
                            f"`{child.name}` is defined inside a function or a nested class, so a test "
                            "cannot import it; put the cursor in the enclosing function or class"
                        )
                    best = (child, cls)
                    visit(child, None, True)
            elif isinstance(child, ast.ClassDef):
                visit(child, child if not nested and cls is None else None, nested or cls is not None)

    visit(tree, None, False)
    if best is None:
        raise SkeletonError(f"line {line + 1} is not inside a function or method")
    func, cls = best
    return Target(module_path(path, root), func, cls, _exception_names(func, tree)), tree


def _value(arg: ast.arg, default: ast.expr | None, fixtures: list[str]) -> str:
    if default is not None:
        return ast.unparse(default)
    ann = ast.unparse(arg.annotation).strip("'\"") if arg.annotation else ""  # "Path" -> Path
    base = ann.split("[")[0].split(".")[-1]
    if "None" in ann.replace("NoneType", "") and ann != "None" or base == "Optional":
        return "None"
    if base in ("Path", "PathLike"):
        fixtures.append("tmp_path")
        return "tmp_path"
    if base in _PLACEHOLDERS:
        return _PLACEHOLDERS[base]
    kind = f" ({ann})" if ann else ""
    return f"None  # TODO: a real value for `{arg.arg}`{kind}"


@dataclass
class Call:
    arrange: list[str]
    expr: str  # the call expression, e.g. "add(a, b)"
    fixtures: list[str]


def _call(target: Target) -> Call:
    func, cls = target.func, target.cls
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    decorators = {ast.unparse(d) for d in func.decorator_list}
    is_static = "staticmethod" in decorators
    if cls is not None and not is_static and positional:
        positional, defaults = positional[1:], defaults[1:]  # self / cls
    fixtures: list[str] = []
    arrange: list[str] = []
    call_args: list[str] = []
    for arg, default in zip(positional, defaults, strict=True):
        arrange.append(f"{arg.arg} = {_value(arg, default, fixtures)}")
        call_args.append(arg.arg)
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        arrange.append(f"{arg.arg} = {_value(arg, kw_default, fixtures)}")
        call_args.append(f"{arg.arg}={arg.arg}")
    # A parameter that is itself named tmp_path needs no assignment: the fixture is the value.
    arrange = [line for line in arrange if line != "tmp_path = tmp_path"]
    owner = func.name
    if cls is not None:
        if is_static or "classmethod" in decorators:
            owner = f"{cls.name}.{func.name}"
        else:
            arrange.append(f"instance = {cls.name}({_ctor_args(cls, fixtures)})")
            owner = f"instance.{func.name}"
    expr = f"{owner}({', '.join(call_args)})"
    if isinstance(func, ast.AsyncFunctionDef):
        expr = f"asyncio.run({expr})"
    return Call(arrange, expr, sorted(set(fixtures)))


def _ctor_args(cls: ast.ClassDef, fixtures: list[str]) -> str:
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return ""
    a = init.args
    required = a.args[1 : len(a.args) - len(a.defaults)] if a.args else []
    parts = [f"{arg.arg}={_value(arg, None, fixtures).split('  #')[0]}" for arg in required]
    parts += [
        f"{arg.arg}={_value(arg, None, fixtures).split('  #')[0]}"
        for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
        if d is None
    ]
    return ", ".join(parts)


def imports_for(target: Target) -> list[str]:
    names = [target.cls.name if target.cls else target.func.name]
    for exc in target.raises:
        root = exc.split(".")[0]
        builtin = getattr(builtins, root, None)
        if not (isinstance(builtin, type) and issubclass(builtin, BaseException)) and root not in names:
            names.append(root)
    lines = [f"from {target.module} import {', '.join(names)}"]
    if target.raises:  # only the pytest.raises tests need pytest itself
        lines.insert(0, "import pytest")
    if isinstance(target.func, ast.AsyncFunctionDef):
        lines.insert(0, "import asyncio")
    return lines


def _returns_none(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return func.returns is not None and ast.unparse(func.returns) == "None"


def render_tests(target: Target) -> str:
    """The test functions (no imports): the main case, then one per raised exception."""
    call = _call(target)
    params = ", ".join(call.fixtures)
    what = f"{target.cls.name}.{target.func.name}" if target.cls else target.func.name
    body = [
        f"def {target.test_name}({params}):",
        f'    """{what} returns the expected value."""',
        "    # Arrange",
    ]
    body += [f"    {line}" for line in call.arrange]
    if _returns_none(target.func):
        body += [
            "",
            "    # Act",
            f"    result = {call.expr}",
            "",
            "    # Assert",
            "    assert result is None  # TODO: also assert the side effect it has",
        ]
    else:
        body += [
            "    expected = None  # TODO: expected value",
            "",
            "    # Act",
            f"    result = {call.expr}",
            "",
            "    # Assert",
            "    assert result == expected",
        ]
    out = "\n".join(body) + "\n"
    for exc in target.raises:
        short = exc.split(".")[-1].lower()
        out += f"\n\ndef {target.test_name}_raises_{short}({params}):\n"
        out += f'    """{what} raises {exc} when given bad input."""\n'
        out += "\n".join(f"    {line}" for line in call.arrange) + ("\n" if call.arrange else "")
        out += f"    # TODO: change the arguments above to ones that make it raise {exc}\n"
        out += f"    with pytest.raises({exc}):\n        {call.expr}\n"
    return out


def test_file_for(target: Target, root: Path) -> Path:
    return root / "tests" / f"test_{target.module.split('.')[-1]}.py"
