"""Calls that cannot bind: a tie-breaker between syntax candidates that all parse.

`max(len(values, 1)` parses once closed at the end as well as after `values`; only the second
calls `len` with the one argument it takes. Builtins whose signature Python can report are
checked (unless the module rebinds the name); everything else counts as fine.
"""

from __future__ import annotations

import ast
import builtins
import inspect
from functools import cache


@cache
def _signature(name: str) -> inspect.Signature | None:
    obj = getattr(builtins, name, None)
    if obj is None or isinstance(obj, type):
        return None  # classes: their signatures are often not introspectable or overloaded
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def unbindable_calls(text: str) -> int:
    """How many calls to builtins in `text` pass arguments their signature cannot take."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return 0
    rebound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    rebound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    bad = 0
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)) or node.func.id in rebound:
            continue
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            continue
        sig = _signature(node.func.id)
        if sig is None:
            continue
        try:
            sig.bind(*range(len(node.args)), **{k.arg: 0 for k in node.keywords if k.arg})
        except TypeError:
            bad += 1
    return bad
