"""Calls made on the program's behalf: `asyncio.to_thread(os.system, cmd)` is `os.system(cmd)`.

Async handlers push blocking work to threads (`to_thread`, `run_in_executor`, `submit`,
`run_in_threadpool`), code binds arguments ahead (`functools.partial(f, x)()`), a constant
`getattr(obj, "name")` is `obj.name`, and a function kept under another name (`run = os.system`,
`execute = cursor.execute`) is still that function. Each is rewritten to the direct call or
attribute (same source positions) so the sinks and summaries see it.
"""

from __future__ import annotations

import ast

# Method or function name -> index of the callable among the positional arguments.
_RUNS_CALLABLE = {"to_thread": 0, "run_sync": 0, "run_in_threadpool": 0, "run_in_executor": 1, "submit": 0}
INDIRECT_NAMES = frozenset({"getattr", *_RUNS_CALLABLE})  # a call by another name needs `direct_form`


def direct_form(node: ast.Call) -> ast.expr | None:
    """The direct call (or attribute read) `node` stands for, or None when it is an ordinary call."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name == "getattr" and len(node.args) == 2 and _constant_name(node.args[1]):
        return _at(ast.Attribute(value=node.args[0], attr=_constant_name(node.args[1]), ctx=ast.Load()), node)
    start = _RUNS_CALLABLE.get(name)
    if start is not None and len(node.args) > start and not isinstance(node.args[start], ast.Constant):
        return _at(ast.Call(func=node.args[start], args=node.args[start + 1 :], keywords=[]), node)
    if isinstance(func, ast.Call):  # functools.partial(f, a)(b) / getattr(obj, "m")(b)
        inner = func.func
        inner_name = inner.attr if isinstance(inner, ast.Attribute) else inner.id if isinstance(inner, ast.Name) else ""
        if inner_name == "partial" and func.args:
            call = ast.Call(
                func=func.args[0], args=[*func.args[1:], *node.args], keywords=[*func.keywords, *node.keywords]
            )
            return _at(call, node)
        target = direct_form(func) if inner_name == "getattr" else None
        if isinstance(target, ast.Attribute):
            return _at(ast.Call(func=target, args=node.args, keywords=node.keywords), node)
    return None


def _constant_name(node: ast.expr) -> str:
    """The attribute name a constant `getattr` argument spells, or ""."""
    ok = isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier()
    return str(node.value) if ok and isinstance(node, ast.Constant) else ""


def _at(new: ast.expr, old: ast.expr) -> ast.expr:
    ast.copy_location(new, old)
    new.end_lineno, new.end_col_offset = old.end_lineno, old.end_col_offset
    return new


def is_reference(expr: ast.expr, imports: dict[str, str]) -> bool:
    """`os.system`, `cursor.execute`, an imported `system`, `functools.partial(eval, x)`: a function
    named (or bound ahead), not called."""
    if isinstance(expr, ast.Call) and expr.args:
        func = expr.func
        return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) == "partial"
    node = expr
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and (node is not expr or node.id in imports)


def aliased_call(node: ast.Call, target: ast.expr) -> ast.Call:
    """`run(cmd)` where `run = os.system`: `os.system(cmd)` at the same place."""
    call = _at(ast.Call(func=target, args=node.args, keywords=node.keywords), node)
    assert isinstance(call, ast.Call)
    return call
