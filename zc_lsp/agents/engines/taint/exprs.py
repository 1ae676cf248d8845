"""Evaluating expressions to abstract values: taint flow, constant folding, containers by key.

Constant folding here is what prunes dead branches (`if 7 * 42 - num > 200`) and what lets a
dict or list read by a constant key return exactly the entry stored under it.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import replace
from functools import reduce
from typing import TYPE_CHECKING, Any

from zc_lsp.agents.engines.taint.model import (
    CLEAN,
    FILE_MODES,
    UNKNOWN,
    Step,
    Taint,
    Val,
    branch_merge,
    combine,
    const,
    container,
    sanitized,
    with_step,
)
from zc_lsp.agents.engines.taint.model import fixed_url_prefix as _fixed_url_prefix
from zc_lsp.agents.engines.taint.sanitizers import NORMALISED, PATH_IF_NORMALISED, both_halves, names_in, refine
from zc_lsp.agents.engines.taint.sources import ATTR_SOURCES, REQUEST_ATTRS, REQUEST_OBJECTS

if TYPE_CHECKING:
    from zc_lsp.agents.engines.taint.engine import ModuleAnalysis

Env = dict[str, Val]
# fmt: off
_BINOPS: dict[type, Any] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv, ast.Div: operator.truediv, ast.Pow: operator.pow, ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_, ast.BitXor: operator.xor, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
}
_CMPOPS: dict[type, Any] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
# fmt: on
_LOCAL_CHOICES = frozenset({"PATH", "SSRF", "REDIRECT", "XSS", "TRUST", "LOG"})
_SESSION_OBJECTS = frozenset({"flask.session", "quart.session", "bottle.request.session"})


def fold(fn: Any, *vals: Val) -> frozenset[Any] | None:
    """fn over every combination of the operands' constants, or None when any is unknown."""
    if any(v.consts is None for v in vals):
        return None
    results: set[Any] = set()
    combos: list[tuple[Any, ...]] = [()]
    for v in vals:
        assert v.consts is not None
        combos = [(*c, x) for c in combos for x in v.consts]
        if len(combos) > 16:
            return None
    for combo in combos:
        try:
            value = fn(*combo)
            hash(value)
        except Exception:  # noqa: BLE001 - folding user code: any error means "unknown"
            return None
        if isinstance(value, str) and len(value) > 10_000:
            return None
        results.add(value)
    return frozenset(results)


def truth(val: Val) -> bool | None:
    """True/False when the value's truth is known in every case, else None."""
    if val.consts is None or not val.consts:
        return None
    truths = set()
    for v in val.consts:
        try:
            truths.add(bool(v))
        except Exception:  # noqa: BLE001 - a constant whose __bool__ fails: unknown
            return None
    return truths.pop() if len(truths) == 1 else None


# Per evaluator class: AST node type -> its ev_* function (one dict lookup instead of getattr by name).
_DISPATCH: dict[type, dict[type, Any]] = {}
_MISSING = object()


class ExprEval:
    """Expression evaluation for one function (or the module body)."""

    mod: ModuleAnalysis
    outer: Env

    def lookup(self, env: Env, name: str) -> Val | None:
        if name in env:
            return env[name]
        return self.outer.get(name)

    def qualname(self, node: ast.expr, env: Env) -> str:
        """Dotted name through the imports (`o.system` -> `os.system`), "" for local values."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or self.lookup(env, node.id) is not None:
            return ""
        root = self.mod.imports.get(node.id, node.id)
        return ".".join([root, *reversed(parts)])

    def ev(self, node: ast.expr, env: Env) -> Val:
        table = _DISPATCH.setdefault(type(self), {})
        kind = type(node)
        method = table.get(kind, _MISSING)
        if method is _MISSING:
            method = table[kind] = getattr(type(self), "ev_" + kind.__name__, None)
        if method is None:
            vals = [self.ev(child, env) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
            return combine(*vals) if vals else UNKNOWN
        result: Val = method(self, node, env)
        return result

    def ev_Constant(self, node: ast.Constant, env: Env) -> Val:
        return const(node.value)

    def ev_JoinedStr(self, node: ast.JoinedStr, env: Env) -> Val:
        parts = [self.ev(v, env) for v in node.values]
        kind = "fixed-url" if parts and _fixed_url_prefix(parts[0]) else None
        return combine(*parts, consts=fold(lambda *xs: "".join(map(str, xs)), *parts), kind=kind)

    def ev_FormattedValue(self, node: ast.FormattedValue, env: Env) -> Val:
        val = self.ev(node.value, env)
        return replace(val, items=None, keys=None, kind=None) if node.format_spec is None else combine(val)

    def ev_Name(self, node: ast.Name, env: Env) -> Val:
        val = self.lookup(env, node.id)
        if val is not None:
            return val
        qual = self.mod.imports.get(node.id, "")
        return self._qual_value(qual, node) or UNKNOWN

    def _qual_value(self, qual: str, node: ast.expr) -> Val | None:
        if not qual:
            return None
        if qual in REQUEST_OBJECTS:
            return Val(opaque=True, kind="request")
        if qual in _SESSION_OBJECTS:
            return Val(opaque=True, kind="session")
        if qual in ATTR_SOURCES:
            return self.source(ATTR_SOURCES[qual], node, local=True)
        if qual in FILE_MODES:
            return const(FILE_MODES[qual])  # stat.S_IRWXO | ...: a file mode folds like a literal
        return None

    def source(self, label: str, node: ast.AST, local: bool = False) -> Val:
        """`local`: the process's own user (argv, environment, stdin): it may inject commands, code or
        queries, but naming the files, URLs and pages it works on is its right, not an attack."""
        cleared = _LOCAL_CHOICES if local else frozenset()
        return Val(taints=(Taint(label, (Step.at(node, f"source: {label}"),), cleared),), opaque=True)

    def ev_Attribute(self, node: ast.Attribute, env: Env) -> Val:
        qual = self.qualname(node, env)
        known = self._qual_value(qual, node)
        if known is not None:
            return known
        if isinstance(node.value, ast.Name):
            stored = self.lookup(env, f"{node.value.id}.{node.attr}")
            if stored is not None:
                return stored
        base = self.ev(node.value, env)
        if base.kind == "request":
            if node.attr in REQUEST_ATTRS:
                return self.source(f"request.{node.attr}", node)
            if node.attr == "session":
                return Val(opaque=True, kind="session")
        if base.kind == "self" and node.attr == "request" and self.mod.frameworks:
            return Val(opaque=True, kind="request")
        owner = getattr(self, "owner", None)
        if base.kind == "self" and owner and isinstance(node.value, ast.Name):
            known = self.mod.instance_attr(owner, node.attr, node)
            if known is not None:
                return known
        if base.kind == "xml":
            return replace(base, kind="xml", items=None, keys=None)
        if base.kind == "path" and node.attr in ("name", "stem", "suffix"):  # the last component: basename
            return replace(sanitized(base, frozenset({"PATH"})), kind=None, items=None, keys=None)
        if base.taints:
            return replace(
                with_step(base, Step.at(node, f"`.{node.attr}` of untrusted data")),
                items=None,
                keys=None,
                kind=None,
                consts=None,
            )
        return Val(opaque=base.opaque)

    def ev_Subscript(self, node: ast.Subscript, env: Env) -> Val:
        base = self.ev(node.value, env)
        if isinstance(node.slice, ast.Slice):
            parts = [self.ev(p, env) for p in (node.slice.lower, node.slice.upper, node.slice.step) if p]
            sliced = (
                fold(lambda b, *rest: b[slice(*rest)] if len(rest) == 2 else b, base, *parts)
                if len(parts) == 2
                else None
            )
            return replace(combine(base), consts=sliced)
        index = self.ev(node.slice, env)
        if index.has_const():
            key = index.const()
            entry = base.key(key)
            if entry is not None:
                return entry
            if base.items is not None and isinstance(key, int) and -len(base.items) <= key < len(base.items):
                return base.items[key]
            if base.keys is not None and base.kind == "dict" and not base.opaque:
                return CLEAN  # every key is known and this one is not there
            folded = fold(lambda b, k: b[k], base, index)
            if folded is not None:
                return replace(base, consts=frozenset(x for x in folded), items=None, keys=None, kind=None)
        if base.keys is not None and not base.taints and base.keys:
            out = base.keys[0][1]
            for _key, entry in base.keys[1:]:
                out = branch_merge(out, entry)
            return out  # a trusted mapping read with an untrusted key: one of its own values
        if base.taints:
            return replace(
                with_step(base, Step.at(node, "read from untrusted data")),
                items=None,
                keys=None,
                kind=None,
                consts=None,
            )
        return Val(opaque=base.opaque, safe_for=base.safe_for)

    def ev_BinOp(self, node: ast.BinOp, env: Env) -> Val:
        left, right = self.ev(node.left, env), self.ev(node.right, env)
        if isinstance(node.op, ast.Add) and left.items is not None and right.items is not None:
            return container([*left.items, *right.items], kind="list")
        if isinstance(node.op, ast.Div) and left.kind == "path":
            return combine(left, right, kind="path")
        if left.kind == "markup" and isinstance(node.op, (ast.Add, ast.Mod)):  # Markup escapes what joins it
            return replace(sanitized(combine(right), frozenset({"XSS"})), kind="markup")
        fn = _BINOPS.get(type(node.op))
        consts = fold(fn, left, right) if fn else None
        if isinstance(node.op, ast.Mod) and right.items is not None:
            right = combine(*right.items)
        kind = "path" if left.kind == "path" else None
        if isinstance(node.op, ast.Add) and _fixed_url_prefix(left):
            kind = "fixed-url"  # what follows a fixed scheme://host/ (or /path) cannot change the host
        return combine(left, right, consts=consts, kind=kind)

    def ev_BoolOp(self, node: ast.BoolOp, env: Env) -> Val:
        result: Val | None = None
        for value in node.values:
            val = self.ev(value, env)
            known = truth(val)
            is_or = isinstance(node.op, ast.Or)
            if known is is_or:  # `x or ...` with x truthy (or `and` with x falsy) stops here
                return val if result is None else branch_merge(result, val)
            if known is None:
                result = val if result is None else branch_merge(result, val)
        return result if result is not None else UNKNOWN

    def ev_UnaryOp(self, node: ast.UnaryOp, env: Env) -> Val:
        val = self.ev(node.operand, env)
        ops = {ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
        consts = fold(ops[type(node.op)], val)
        if isinstance(node.op, ast.Not):
            return Val(consts=consts, opaque=False)
        return combine(val, consts=consts)

    def ev_Compare(self, node: ast.Compare, env: Env) -> Val:
        vals = [self.ev(node.left, env), *(self.ev(c, env) for c in node.comparators)]
        consts: frozenset[Any] | None = frozenset([True])
        for i, op in enumerate(node.ops):
            step = fold(_CMPOPS[type(op)], vals[i], vals[i + 1])
            if step is None or consts is None:
                consts = None
                break
            consts = frozenset(a and b for a in consts for b in step)
        return Val(consts=consts, opaque=False)

    def ev_IfExp(self, node: ast.IfExp, env: Env) -> Val:
        known = truth(self.ev(node.test, env))
        if known is True:
            return self.ev(node.body, env)
        if known is False:
            return self.ev(node.orelse, env)
        when_true, when_false = refine(node.test, self.is_clean_expr(env))
        return branch_merge(
            self.ev(node.body, self.refined(env, when_true)), self.ev(node.orelse, self.refined(env, when_false))
        )

    def is_clean_expr(self, env: Env) -> Any:
        def check(expr: ast.expr) -> bool:
            return not self.ev(expr, env).taints

        return check

    def refined(self, env: Env, refinement: dict[str, frozenset[str]]) -> Env:
        if not refinement:
            return env
        out = dict(env)
        for name, kinds in refinement.items():
            val = self.lookup(env, name)
            if val is None and "." in name:  # `part.name == "model"`: that attribute of a tainted object
                val = self.lookup(env, name.split(".", 1)[0])
            if val is None or not val.taints:
                continue
            if PATH_IF_NORMALISED in kinds:
                kinds = kinds - {PATH_IF_NORMALISED} | ({"PATH"} if NORMALISED in val.safe_for else frozenset())
            taints = tuple(replace(t, cleared=both_halves(t.cleared | kinds)) for t in val.taints)
            out[name] = replace(val, taints=taints, safe_for=val.safe_for | kinds)
        return out

    def ev_List(self, node: ast.List | ast.Tuple | ast.Set, env: Env) -> Val:
        return container([self.ev(e, env) for e in node.elts], kind="list")

    ev_Tuple = ev_List
    ev_Set = ev_List

    def ev_Dict(self, node: ast.Dict, env: Env) -> Val:
        pairs: list[tuple[Any, Val]] = []
        known = True
        for key, value in zip(node.keys, node.values, strict=True):
            val = self.ev(value, env)
            key_val = self.ev(key, env) if key is not None else None
            if key_val is not None and key_val.has_const():
                pairs.append((key_val.const(), val))
                self.on_named_value(str(key_val.const()), val, value)
            else:
                known = False
                pairs.append((object(), val))
        built = container(keys=pairs, kind="dict")
        return built if known else replace(built, keys=None)

    def ev_Starred(self, node: ast.Starred, env: Env) -> Val:
        return self.ev(node.value, env)

    def ev_Await(self, node: ast.Await, env: Env) -> Val:
        return self.ev(node.value, env)

    def ev_Lambda(self, node: ast.Lambda, env: Env) -> Val:
        return CLEAN

    def ev_NamedExpr(self, node: ast.NamedExpr, env: Env) -> Val:
        val = self.ev(node.value, env)
        env[node.target.id] = val
        return val

    def ev_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp, env: Env) -> Val:
        inner = self.bind_generators(node.generators, env)
        elt = self.ev(node.elt, inner)
        return replace(combine(elt), kind="list")

    ev_SetComp = ev_ListComp
    ev_GeneratorExp = ev_ListComp

    def ev_DictComp(self, node: ast.DictComp, env: Env) -> Val:
        inner = self.bind_generators(node.generators, env)
        return replace(combine(self.ev(node.key, inner), self.ev(node.value, inner)), kind="dict")

    def bind_generators(self, generators: list[ast.comprehension], env: Env) -> Env:
        inner = dict(env)
        for gen in generators:
            self.bind_target(gen.target, self.element_of(self.ev(gen.iter, inner), gen.iter), inner)
            for cond in gen.ifs:
                inner = self.refined(inner, refine(cond, self.is_clean_expr(inner))[0])
        return inner

    def element_of(self, val: Val, node: ast.AST) -> Val:
        """One element of an iterable: any of its known items, or the container's own taint."""
        if val.items:
            return reduce(branch_merge, val.items)
        if val.consts is not None and all(isinstance(c, (str, tuple, list)) for c in val.consts):
            return Val(opaque=False)
        return replace(combine(val), kind=val.kind if val.kind == "xml" else None)

    def bind_target(self, target: ast.expr, val: Val, env: Env) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = val
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = val.items if val.items is not None and len(val.items) == len(target.elts) else None
            for i, elt in enumerate(target.elts):
                self.bind_target(elt, items[i] if items is not None else replace(combine(val), kind=None), env)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            env[f"{target.value.id}.{target.attr}"] = val
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, val, env)

    def on_named_value(self, name: str, val: Val, node: ast.AST) -> None:
        """A value stored under a name (variable, key, keyword): weak randomness check lives in the frame."""

    def mentions(self, node: ast.AST) -> set[str]:
        return names_in(node)
