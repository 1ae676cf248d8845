"""Statements: assignment, branches (folded or merged), loops, guards that exit early, returns.

One `Frame` analyses one function body (or the module body) in source order, keeping an
environment from variable keys to abstract values. Branches work on copies that are merged where
control flow meets; a branch that always leaves (return/raise/abort) does not flow on, which is
how `if x not in ALLOWED: abort(400)` cleans `x` for the rest of the function.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from zc_lsp.agents.engines.taint.calls import CallEval
from zc_lsp.agents.engines.taint.exprs import Env, truth
from zc_lsp.agents.engines.taint.model import (
    ALL_KINDS,
    UNKNOWN,
    Step,
    Val,
    branch_merge,
    case_matches,
    combine,
    container,
    irrefutable,
    merge_env,
    var_key,
    with_step,
)
from zc_lsp.agents.engines.taint.rules import check_call, check_settings, cookie_header
from zc_lsp.agents.engines.taint.sanitizers import names_in, refine, terminates
from zc_lsp.agents.engines.taint.sinks import CallInfo, plain_content_type
from zc_lsp.agents.engines.taint.sources import wsgi_environ
from zc_lsp.agents.engines.taint.statement_checks import TLS_OFF_MESSAGE, names_no_secret, table_lookup, tls_off
from zc_lsp.agents.engines.taint.summaries import ParamSink, apply_summary

if TYPE_CHECKING:
    from zc_lsp.agents.engines.taint.engine import ModuleAnalysis

SECURITY_NAME = re.compile(
    r"(token|secret|passw|pwd|nonce|salt|otp|session|csrf|api_?key|auth|remember|reset|verif|credential|"
    r"private|(^|_)key($|_)|(^|_)pin($|_)|ticket|signature|(^|_)sid($|_)|cookie|activation|invite|magic)",
    re.I,
)
_JSON_KINDS = frozenset({"dict", "list", "json", "response", "template"})


class Frame(CallEval):
    """The analysis of one function body."""

    def __init__(self, mod: ModuleAnalysis, fn: Any, outer: Env, owner: str | None, html_returns: bool) -> None:
        self.mod = mod
        self.fn = fn
        self.outer = outer
        self.owner = owner
        self.html_returns = html_returns
        self.ret: Val | None = None
        self.param_sinks: list[ParamSink] = []
        self.security_fn = bool(fn is not None and SECURITY_NAME.search(fn.name))
        self.statement: ast.stmt | None = None
        self.loop_depth = 0
        self.built_at: dict[str, set[int]] = {}  # variable -> lines of the statements that assigned it
        self.lookups: dict[str, ast.Call] = {}  # `v = TABLE.get(k)`: a later `if v is None` checks k

    def check_rules(self, info: CallInfo) -> None:
        qual = info.qual or (f"?.{info.method}" if info.method else "")
        first = info.args[0].const() if info.args and info.args[0].has_const() else None
        check_call(qual, info.node, self.fn, self.statement, self.mod.report_rule, self.mod.verdict, first)
        check_settings(info, self.mod.report_rule, self.mod.verdict)

    # -- sinks ---------------------------------------------------------------------------
    def hit(self, kind: str, val: Val, node: ast.AST, label: str) -> None:
        line = getattr(node, "lineno", 1) - 1
        if kind.endswith("!"):  # safe by configuration (a parser that resolves no entities), whatever the data
            self.mod.verdict(line, kind[:-1], "safe")
            return
        if kind.endswith("?"):  # judged, never reported: safe only when proven so
            if val.proven_safe(kind[:-1]):
                self.mod.verdict(line, kind[:-1], "safe")
            return
        real = val.real_taints(kind)
        concrete = [t for t in real if t.param is None]
        for t in real:
            if t.param is not None:
                sink = ParamSink(t.param, kind, node, label, t.path, t.cleared)
                if sink not in self.param_sinks:
                    self.param_sinks.append(sink)
        for t in concrete:
            self.mod.report(kind, node, t, label)
        if concrete:
            self.mod.verdict(line, kind, "vuln")
        elif not real and val.proven_safe(kind):
            self.mod.verdict(line, kind, "safe")
            # The query was built on earlier lines (`sql = f"..."`): pattern rules fire there too.
            if isinstance(node, ast.Call):
                for arg in (*node.args, *(kw.value for kw in node.keywords)):
                    if isinstance(arg, ast.Name):
                        for built in self.built_at.get(arg.id, ()):
                            self.mod.verdict(built, kind, "safe")
        if kind == "DESER" and label.startswith("yaml.load") and not concrete and not val.proven_safe(kind):
            self.mod.verdict(line, "YAML", "vuln")
            self.mod.report_rule(
                "YAML",
                node,
                "yaml.load with a loader that can build Python objects; use yaml.safe_load or Loader=yaml.SafeLoader",
            )

    def on_named_value(self, name: str, val: Val, node: ast.AST) -> None:
        if not val.taints or not SECURITY_NAME.search(name):
            return
        for t in val.taints:
            if t.weak_random:
                self.mod.report_random(t, node, name)

    def call_function(self, fn: Any, args: list[Val], kwargs: dict[str, Val], node: ast.Call, env: Env) -> Val:
        closure = env if self.fn is not None and self.mod.parents.get(id(fn)) is self.fn else None
        summary = self.mod.summary(fn, closure)
        if summary is None:  # recursion: assume it passes its arguments through
            return combine(*args, *kwargs.values()) if args or kwargs else UNKNOWN
        names = summary.params
        bound: dict[int, Val] = dict(enumerate(args[: len(names)]))
        for name, val in kwargs.items():
            if name in names:
                bound[names.index(name)] = val
        return apply_summary(self, fn.name, summary, bound, node)

    # -- statements ------------------------------------------------------------------------
    def block(self, stmts: list[ast.stmt], env: Env | None) -> Env | None:
        for stmt in stmts:
            if env is None:
                return None
            env = self.stmt(stmt, env)
        return env

    def stmt(self, node: ast.stmt, env: Env) -> Env | None:
        if not isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)):
            self.statement = node
        method = getattr(self, "st_" + type(node).__name__, None)
        if method is not None:
            result: Env | None = method(node, env)
            return result
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.ev(child, env)
        return env

    def st_Expr(self, node: ast.Expr, env: Env) -> Env | None:
        self.ev(node.value, env)
        if isinstance(node.value, ast.Call) and terminates([node]):
            return None
        return env

    def st_Assign(self, node: ast.Assign, env: Env) -> Env:
        val = self.ev(node.value, env)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.note_alias(target.id, node.value)
                if isinstance(node.value, ast.Call):
                    self.lookups[target.id] = node.value
                else:
                    self.lookups.pop(target.id, None)
        self.constant_text(node, val)
        self.named_constant(node)
        for target in node.targets:
            self.assign(target, val, env, node)
        return env

    def st_AnnAssign(self, node: ast.AnnAssign, env: Env) -> Env:
        if node.value is not None:
            self.named_constant(node)
            self.assign(node.target, self.ev(node.value, env), env, node)
        return env

    def st_AugAssign(self, node: ast.AugAssign, env: Env) -> Env:
        old = self.ev(node.target, env)  # a name, attribute or subscript: what augmented assignment allows
        new = self.ev(ast.BinOp(left=_Held(old), op=node.op, right=_Held(self.ev(node.value, env))), env)
        if old.items is not None and isinstance(node.op, ast.Add) and new.items is None:
            new = replace(combine(old, new), kind="list")
        self.assign(node.target, new, env, node)
        return env

    def ev__Held(self, node: _Held, env: Env) -> Val:
        return node.val

    def assign(self, target: ast.expr, val: Val, env: Env, node: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            self.built_at.setdefault(target.id, set()).update(range(node.lineno - 1, node.end_lineno or node.lineno))
            if val.taints:
                val = with_step(val, Step.at(node, f"assigned to `{target.id}`"))
            self.on_named_value(target.id, val, node)
            env[target.id] = val
            if self.fn is not None and val.taints:
                self.mod.store_global(self.fn, target.id, val)
        elif isinstance(target, ast.Attribute):
            self.on_named_value(target.attr, val, node)
            if tls_off(target.attr, val, node):
                self.mod.report_rule("TLS", node, TLS_OFF_MESSAGE.format(attr=target.attr), 295)
                self.mod.verdict(node.lineno - 1, "TLS", "vuln")
            owner = self.ev(target.value, env)
            if owner.kind == "session":
                self.hit("TRUST", val, node, "the session")
            if isinstance(target.value, ast.Name):
                env[f"{target.value.id}.{target.attr}"] = val
        elif isinstance(target, ast.Subscript):
            self._store_item(target, val, env, node)
        else:
            self.bind_target(target, val, env)

    def _store_item(self, target: ast.Subscript, val: Val, env: Env, node: ast.stmt) -> None:
        owner = self.ev(target.value, env)
        index = self.ev(target.slice, env)
        name = str(index.const()) if index.has_const() else ""
        if owner.kind == "session":
            self.hit("TRUST", combine(val, index), node, "the session")
            self.on_named_value("session", val, node)
            return
        if isinstance(target.value, ast.Attribute) and target.value.attr == "headers":
            if name.lower() == "location":
                self.hit("REDIRECT", val, node, "the Location header")
            elif name.lower() == "set-cookie" and isinstance(node, ast.Assign):
                cookie_header(node.value, node, self.mod.report_rule, self.mod.verdict)
        if name:
            self.on_named_value(name, val, node)
        key = var_key(target.value)
        if index.has_const() and owner.kind in ("dict", "config") and owner.keys is not None:
            keys = [(k, v) for k, v in owner.keys if k != index.const()] + [(index.const(), val)]
            updated = replace(container(keys=keys, kind="dict"), opaque=owner.opaque)
        elif index.has_const() and owner.items is not None and isinstance(index.const(), int):
            items = list(owner.items)
            if not -len(items) <= index.const() < len(items):
                return
            items[index.const()] = val
            updated = container(items, kind="list")
        else:
            updated = replace(combine(owner, val), kind=owner.kind)
        if key is not None:
            env[key] = updated
        elif isinstance(target.value, ast.Subscript):  # cfg["job"]["cmd"] = x: the inner dict changed
            self._store_item(target.value, updated, env, node)

    def named_constant(self, node: ast.Assign | ast.AnnAssign) -> None:
        """A secret-sounding name given a value that only names a thing: quiet S105 on that line."""
        if names_no_secret(node):
            self.mod.verdict(node.lineno - 1, "SECRET", "safe")

    def constant_text(self, node: ast.Assign | ast.Return, val: Val) -> None:
        """Text built only from constants (`"SELECT * FROM " + self.table`) is no injection: quiet S608."""
        if val.consts and not val.taints and isinstance(node.value, (ast.BinOp, ast.JoinedStr, ast.Call)):
            self.mod.verdict(node.lineno - 1, "SQL", "safe")

    def st_Return(self, node: ast.Return, env: Env) -> None:
        val = self.ev(node.value, env) if node.value is not None else UNKNOWN
        self.constant_text(node, val)
        body, body_val = node.value, val
        if isinstance(body, ast.Tuple) and body.elts:  # Flask's (body, status[, headers])
            if any(plain_content_type(e) for e in body.elts[1:]):
                body = None  # served as text/plain or JSON, not HTML
            else:
                body = body.elts[0]
                body_val = self.ev(body, env)
        wsgi_body = isinstance(body, ast.List) and self.fn is not None and wsgi_environ(self.fn) is not None
        if wsgi_body:
            body_val = replace(body_val, kind=None)
        structured = isinstance(body, (ast.Dict, ast.List, ast.Tuple)) and not wsgi_body  # serialised as JSON
        if self.html_returns and body_val.kind not in _JSON_KINDS and body is not None and not structured:
            self.hit("XSS", body_val, node, "the HTML response")
        if self.security_fn:
            self.on_named_value(self.fn.name, val, node)
        if val.taints and self.fn is not None:
            val = with_step(val, Step.at(node, f"returned from {self.fn.name}()"))
        self.ret = val if self.ret is None else branch_merge(self.ret, val)
        return None

    def st_Raise(self, node: ast.Raise, env: Env) -> None:
        if node.exc is not None:
            self.ev(node.exc, env)
        return None

    def st_If(self, node: ast.If, env: Env) -> Env | None:
        known = truth(self.ev(node.test, env))
        if known is True:
            self.mod.dead(node.orelse)
            return self.block(node.body, env)
        if known is False:
            self.mod.dead(node.body)
            return self.block(node.orelse, env)
        when_true, when_false = refine(node.test, self.is_clean_expr(env))
        if (looked_up := table_lookup(node.test, self.lookups, lambda e: self.ev(e, env))) is not None:
            key, found_when_true = looked_up
            when = when_true if found_when_true else when_false
            for name in names_in(key):
                when[name] = when.get(name, frozenset()) | ALL_KINDS
        body = self.block(node.body, self.refined(dict(env), when_true))
        orelse = self.block(node.orelse, self.refined(dict(env), when_false))
        return merge_env(body, orelse)

    def st_While(self, node: ast.While, env: Env) -> Env | None:
        if truth(self.ev(node.test, env)) is False:
            self.mod.dead(node.body)
            return self.block(node.orelse, env)
        return self._loop(node.body, env, lambda e: e)

    def st_For(self, node: ast.For | ast.AsyncFor, env: Env) -> Env | None:
        element = self.element_of(self.ev(node.iter, env), node.iter)

        def bind(e: Env) -> Env:
            self.bind_target(node.target, element, e)
            return e

        after = self._loop(node.body, env, bind)
        return self.block(node.orelse, after) if node.orelse and after is not None else after

    st_AsyncFor = st_For

    def _loop(self, body: list[ast.stmt], env: Env, bind: Any) -> Env | None:
        """Twice through the body (a value set late in one round is read early in the next); nested
        loops past the third level go once, so deep nesting cannot cost 2**depth."""
        self.loop_depth += 1
        try:
            first = self.block(body, bind(dict(env)))
            merged = merge_env(env, first)
            assert merged is not None
            if self.loop_depth > 3:
                return merged
            second = self.block(body, bind(dict(merged)))
            return merge_env(merged, second)
        finally:
            self.loop_depth -= 1

    def st_With(self, node: ast.With | ast.AsyncWith, env: Env) -> Env | None:
        for item in node.items:
            val = self.ev(item.context_expr, env)
            if item.optional_vars is not None:
                opened = isinstance(item.context_expr, ast.Call) and self.qualname(item.context_expr.func, env) in (
                    "open",
                    "io.open",
                    "codecs.open",
                    "tempfile.NamedTemporaryFile",
                )
                self.bind_target(item.optional_vars, UNKNOWN if opened and val.opaque else val, env)
        return self.block(node.body, env)

    st_AsyncWith = st_With

    def st_Try(self, node: ast.Try, env: Env) -> Env | None:
        body = self.block(node.body, dict(env))
        after = merge_env(body, None)
        if node.orelse and body is not None:
            after = self.block(node.orelse, body)
        start = merge_env(dict(env), body) or dict(env)
        for handler in node.handlers:
            handled = dict(start)
            if handler.name:
                handled[handler.name] = UNKNOWN
            after = merge_env(after, self.block(handler.body, handled))
        if node.finalbody:
            final = self.block(node.finalbody, dict(after or start))
            return final if after is not None else None
        return after

    st_TryStar = st_Try

    def st_Match(self, node: ast.Match, env: Env) -> Env | None:
        subject = self.ev(node.subject, env)
        result: Env | None = None
        for case in node.cases:
            matched = case_matches(case.pattern, subject)
            if matched is False:
                continue
            result = merge_env(result, self.block(case.body, dict(env)))
            if matched is True and case.guard is None:
                return result
        return merge_env(result, env) if not any(irrefutable(c.pattern) for c in node.cases) else result

    def st_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, env: Env) -> Env:
        env[node.name] = Val(opaque=False, kind="function")
        return env

    st_AsyncFunctionDef = st_FunctionDef
    st_ClassDef = st_FunctionDef

    def st_Import(self, node: ast.Import | ast.ImportFrom, env: Env) -> Env:
        return env

    st_ImportFrom = st_Import

    def st_Assert(self, node: ast.Assert, env: Env) -> Env:
        return self.refined(env, refine(node.test, self.is_clean_expr(env))[0])


class _Held(ast.expr):
    """An already evaluated value standing in an expression (augmented assignment reuses BinOp)."""

    def __init__(self, val: Val) -> None:
        super().__init__()
        self.val = val
