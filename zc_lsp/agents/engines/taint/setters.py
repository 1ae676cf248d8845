"""Instance attributes that methods other than `__init__` set: setters (`job.set_target(name)`).

`self.attr` read in a method folds to the constant `__init__` gives it (engine.instance_attr). That
is true only while no other method assigns it: `set_target(self, t): self._target = t` makes it
whatever was last passed, so such an attribute is never folded, and one a method sets from its own
arguments is tainted by a call that passes untrusted data (calls.py puts the arguments' taint on the
instance, as a constructor's arguments travel with it). Only the statements of a method's body and
of the `if`/`with`/`try` blocks in it are looked at, not every node: a setter's assignments sit there,
and `_pydecimal.py`'s analysis took the same time with this as without (docs/security-engine.md).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_BLOCKS = (ast.If, ast.With, ast.AsyncWith, ast.Try)


def params_of(fn: Any) -> set[str]:
    """The parameters of a method but `self`."""
    args = fn.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)[1:]}


def passes_through(value: ast.expr, params: set[str]) -> bool:
    """Whether `value` is one of `params` or text built from one (`t`, `f"{t}.tar"`, `t.strip()`, `a + t`).
    A call of anything else (`int(t)`, `shlex.quote(t)`) is not followed: the attribute is then unknown,
    neither a constant nor the argument's taint."""
    if isinstance(value, ast.Name):
        return value.id in params
    if isinstance(value, ast.JoinedStr):
        return any(passes_through(v.value, params) for v in value.values if isinstance(v, ast.FormattedValue))
    if isinstance(value, ast.BinOp):
        return passes_through(value.left, params) or passes_through(value.right, params)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _TEXT_METHODS:
        return passes_through(value.func.value, params) or any(passes_through(a, params) for a in value.args)
    return False


_TEXT_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "title", "format", "join", "replace"})


def self_assignments(body: list[ast.stmt]) -> Iterator[tuple[str, ast.expr]]:
    """(attribute, value) of every `self.attr = value` among these statements and their blocks."""
    for stmt in body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # `self.n += k` too
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    yield target.attr, stmt.value
        elif isinstance(stmt, _BLOCKS):
            for block in (
                stmt.body,
                getattr(stmt, "orelse", []),
                getattr(stmt, "finalbody", []),
                *(h.body for h in getattr(stmt, "handlers", [])),
            ):
                yield from self_assignments(block)


@dataclass
class Setters:
    """Per module: which attributes of each class other methods set, and which methods feed them."""

    _classes: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    _feeds: dict[int, bool] = field(default_factory=dict)

    def of_class(self, cls: str, functions: dict[str, list[Any]]) -> tuple[frozenset[str], frozenset[str]]:
        """(attributes some method other than `__init__` assigns, those it assigns from its arguments)."""
        found = self._classes.get(cls)
        if found is None:
            anywhere: set[str] = set()
            fed: set[str] = set()
            prefix = f"{cls}."
            for name, fns in functions.items():
                if name.startswith(prefix) and name != f"{cls}.__init__" and fns:
                    own = params_of(fns[0])
                    for attr, value in self_assignments(fns[0].body):
                        anywhere.add(attr)
                        if passes_through(value, own):
                            fed.add(attr)
            found = self._classes[cls] = (frozenset(anywhere), frozenset(fed))
        return found

    def feeds(self, fn: Any) -> bool:
        """Whether the method keeps one of its arguments in an attribute (`self._target = target`)."""
        known = self._feeds.get(id(fn))
        if known is None:
            own = params_of(fn)
            known = self._feeds[id(fn)] = any(passes_through(v, own) for _a, v in self_assignments(fn.body))
        return known
