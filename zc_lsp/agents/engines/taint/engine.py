"""One module's analysis: imports, function summaries, findings and per-line verdicts.

Functions are analysed once each, on demand, with their parameters as symbolic taint; the
summary says which parameters reach the return value and which reach a sink, so callers with
tainted arguments get a finding at the sink inside the helper, with the call on the path.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.engines.taint.flow import Frame
from zc_lsp.agents.engines.taint.model import KINDS, RawFinding, Step, Taint, Val, branch_merge, combine, const
from zc_lsp.agents.engines.taint.relevance import aliases_of_interest, has_sources, is_relevant
from zc_lsp.agents.engines.taint.sanitizers import names_in
from zc_lsp.agents.engines.taint.setters import Setters
from zc_lsp.agents.engines.taint.sources import (
    decorator_name,
    frameworks,
    is_route_handler,
    tainted_params,
    wsgi_environ,
    wsgi_serves_html,
)
from zc_lsp.agents.engines.taint.summaries import ParamSink

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Match,
)


class Stopped(Exception):
    """The caller asked the analysis to stop (its review was cancelled)."""


@dataclass
class Summary:
    params: list[str]
    ret: Val
    param_sinks: list[ParamSink]


@dataclass
class ModuleAnalysis:
    """Everything known about one module after `run()`."""

    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)
    roots: set[str] = field(default_factory=set)
    frameworks: set[str] = field(default_factory=set)
    functions: dict[str, list[FunctionNode]] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)
    class_consts: dict[str, dict[str, ast.expr]] = field(
        default_factory=dict
    )  # class body `limit = 50`, `pager = Pager()`
    parents: dict[int, FunctionNode] = field(default_factory=dict)  # nested function -> enclosing one
    in_closure: set[int] = field(default_factory=set)
    owners: dict[int, str] = field(default_factory=dict)
    _attrs_cache: dict[str, tuple[dict[str, ast.expr], set[str]]] = field(default_factory=dict)
    _fed_attrs: dict[str, set[str]] = field(default_factory=dict)  # attributes __init__ sets from its arguments
    setters: Setters = field(default_factory=Setters)  # attributes other methods set (setters.py)
    constructing: set[int] = field(default_factory=set)  # __init__ being run for a construction
    has_globals: bool = True
    global_writes: dict[str, Val] = field(default_factory=dict)  # untrusted data stored in module variables
    _globals: dict[int, set[str]] = field(default_factory=dict)
    summaries: dict[int, Summary | None] = field(default_factory=dict)
    findings: dict[tuple[Any, ...], RawFinding] = field(default_factory=dict)
    verdicts: dict[tuple[int, str], str] = field(default_factory=dict)
    module_env: dict[str, Val] = field(default_factory=dict)
    module_aliases: dict[str, ast.expr] = field(default_factory=dict)  # run = os.system at module level
    random_sites: dict[int, ast.AST] = field(default_factory=dict)
    quiet: bool = False
    stop: Callable[[], bool] | None = None
    text: str = ""
    lean: bool = False  # no source of untrusted data: functions that call no sink get a neutral summary
    lines: list[str] = field(default_factory=list)
    aliases: re.Pattern[str] | None = None

    def run(self) -> None:
        self._collect()
        self.has_globals = not self.text or "global " in self.text
        self.lean = bool(self.text) and not has_sources(self.text, self.roots, self.frameworks)
        # Line ends as the parser counts them (str.splitlines also breaks at form feeds).
        self.lines = split_lines(self.text) if self.lean else []
        self.aliases = aliases_of_interest(self.imports) if self.lean else None
        self.quiet = True  # first pass: module constants only, nothing reported
        first = Frame(self, None, {}, None, False)
        # A module-level container another function may fill: its known entries are kept (allow-lists,
        # tables), but inside functions "nothing else is in it" can no longer be proved.
        self.module_env = {
            name: replace(val, opaque=True) if val.kind in ("list", "dict", "config") else val
            for name, val in (first.block(self.tree.body, {}) or {}).items()
        }
        self.summaries.clear()
        self.quiet = False
        for fns in list(self.functions.values()):
            for fn in fns:
                self.summary(fn)
        if self.global_writes:  # `global LAST; LAST = request.args[...]`: the other handlers read it later
            for name, written in self.global_writes.items():
                self.module_env[name] = branch_merge(self.module_env.get(name, Val(opaque=True)), written)
            self.summaries.clear()
            for fns in list(self.functions.values()):
                for fn in fns:
                    self.summary(fn)
        Frame(self, None, {}, None, False).block(self.tree.body, {})
        for line in self.random_sites:
            if (line, "RAND") not in self.verdicts:
                self.verdicts[(line, "RAND")] = "safe"

    def _collect(self) -> None:
        """Imports and definitions: statements only (walking every expression would cost more)."""
        stack: list[tuple[ast.stmt, FunctionNode | None]] = [(stmt, None) for stmt in self.tree.body]
        while stack:
            node, enclosing = stack.pop()
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.imports[local] = alias.name if alias.asname else alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.ClassDef):
                self.classes.add(node.name)
                for item in node.body:
                    if isinstance(item, ast.Assign) and isinstance(item.value, (ast.Constant, ast.Call)):
                        for target in item.targets:
                            if isinstance(target, ast.Name):
                                self.class_consts.setdefault(node.name, {})[target.id] = item.value
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.functions.setdefault(f"{node.name}.{item.name}", []).append(item)
                        self.owners[id(item)] = node.name
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if id(node) not in self.owners:
                    self.functions.setdefault(node.name, []).append(node)
                if enclosing is not None:
                    self.parents[id(node)] = enclosing
                enclosing = node
            if not isinstance(node, _COMPOUND):
                continue  # most statements hold no others; not asking them is most of the speed here
            for name in ("body", "orelse", "finalbody"):
                stack.extend((child, enclosing) for child in getattr(node, name, ()))
            for handler in getattr(node, "handlers", ()):
                stack.extend((child, enclosing) for child in handler.body)
            for case in getattr(node, "cases", ()):
                stack.extend((child, enclosing) for child in case.body)
        self.roots = {q.split(".")[0] for q in self.imports.values()}
        if any("ldap" in q.lower() for q in self.imports.values()):
            self.roots.add("ldap")  # a project's own LDAP helper module counts too
        self.frameworks = frameworks(self.imports)

    def summary(self, fn: FunctionNode, closure: dict[str, Val] | None = None) -> Summary | None:
        """The function's summary; `closure` (the enclosing function's variables at the call) gives a
        nested function its free variables, analysed for that call and not cached."""
        key = id(fn)
        if closure is None and key in self.summaries:
            return self.summaries[key]
        if closure is not None and key in self.in_closure:
            return None
        if self.stop is not None and self.stop():
            raise Stopped
        if self.lean and closure is None and not is_relevant(fn, self.lines, self.aliases):
            params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)] + [a.arg for a in fn.args.kwonlyargs]
            neutral = Summary(params, Val(opaque=True), [])
            self.summaries[key] = neutral
            return neutral
        if closure is None:
            self.summaries[key] = None  # in progress: a recursive call sees None
        else:
            self.in_closure.add(key)
        owner = self.owners.get(key)
        requests, data = tainted_params(fn, self.frameworks)
        params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)] + [a.arg for a in fn.args.kwonlyargs]
        env: dict[str, Val] = {}
        for index, arg in enumerate((*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)):
            name = arg.arg
            if name in requests:
                env[name] = Val(opaque=True, kind="request")
            elif name in data:
                label = "the WSGI environ" if name == wsgi_environ(fn) else f"route parameter `{name}`"
                env[name] = Val(taints=(Taint(label, (Step.at(arg, f"source: {label}"),)),), opaque=True)
            elif index == 0 and name in ("self", "cls") and owner:
                env[name] = Val(opaque=True, kind="self")
            else:
                label = f"parameter `{name}`"
                env[name] = Val(taints=(Taint(label, (Step.at(arg, label),), param=index),), opaque=False)
        for extra in (fn.args.vararg, fn.args.kwarg):
            if extra is not None:
                env[extra.arg] = Val(opaque=True)
        outer = self.module_env if closure is None else {**self.module_env, **closure}
        frame = Frame(self, fn, outer, owner, self._html_returns(fn))
        try:
            frame.block(fn.body, env)
        finally:
            self.in_closure.discard(key)
        result = Summary(params, frame.ret or Val(opaque=False), frame.param_sinks)
        if closure is None:
            self.summaries[key] = result
        return result

    def _html_returns(self, fn: FunctionNode) -> bool:
        """Whether what this function returns is served as HTML (Flask-style route handlers)."""
        if wsgi_environ(fn) is not None:
            return wsgi_serves_html(fn)
        if not is_route_handler(fn):
            return False
        for decorator in fn.decorator_list:
            if isinstance(decorator, ast.Call):
                for kw in decorator.keywords:
                    if kw.arg == "response_class":
                        return "HTML" in ast.unparse(kw.value)
        web = self.frameworks & {"flask", "quart", "bottle", "werkzeug"}
        return bool(web) and not any(decorator_name(d) == "api_view" for d in fn.decorator_list)

    # -- reporting ---------------------------------------------------------------------------
    def report(self, kind: str, node: ast.AST, taint: Taint, label: str) -> None:
        if self.quiet:
            return
        sink = Step.at(node, f"sink: {label}")
        key = (kind, sink.line, sink.col)
        if key in self.findings:
            return
        if kind == "DESER":  # the taint finding is the more specific one for the same yaml.load
            self.findings.pop(("YAML", sink.line, sink.col), None)
        _code, cwe, _severity, what = KINDS[kind]
        message = f"{what[0].upper()}{what[1:]}: untrusted data from {taint.source} reaches {label} (CWE-{cwe})"
        self.findings[key] = RawFinding(
            kind, sink.line, sink.col, sink.end_line, sink.end_col, message, (*taint.path, sink), cwe
        )

    def report_rule(self, kind: str, node: ast.AST, message: str, cwe: int | None = None) -> None:
        if self.quiet:
            return
        at = Step.at(node, message)
        key = (kind, at.line, at.col)
        if kind == "YAML" and ("DESER", at.line, at.col) in self.findings:
            return
        if key not in self.findings:
            cwe = cwe or KINDS[kind][1]
            self.findings[key] = RawFinding(
                kind, at.line, at.col, at.end_line, at.end_col, f"{message} (CWE-{cwe})", (), cwe
            )

    def report_random(self, taint: Taint, node: ast.AST, name: str) -> None:
        if self.quiet or not taint.path:
            return
        origin = taint.path[0]
        key = ("RAND", origin.line, origin.col)
        self.verdicts[(origin.line, "RAND")] = "vuln"
        if key in self.findings:
            return
        where = Step.at(node, f"used as `{name}`")
        message = (
            f"{taint.source} is predictable and ends up in `{name}`; use the secrets module "
            f"(secrets.token_urlsafe, secrets.randbelow) for security values (CWE-330)"
        )
        self.findings[key] = RawFinding(
            "RAND", origin.line, origin.col, origin.end_line, origin.end_col, message, (*taint.path, where), 330
        )

    def dead(self, body: list[ast.stmt]) -> None:
        """Lines of a branch that can never run: every pattern finding there is noise."""
        if self.quiet or not body:
            return
        last = body[-1]
        for line in range(body[0].lineno - 1, (last.end_lineno or last.lineno)):
            self.verdicts.setdefault((line, "*"), "safe")

    def _init_attrs(self, cls: str) -> tuple[dict[str, ast.expr], set[str]]:
        """(attribute -> the value `__init__` last gives it, `__init__`'s parameters) of a module class."""
        cached = self._attrs_cache.get(cls)
        if cached is not None:
            return cached
        assigned: dict[str, ast.expr] = dict(self.class_consts.get(cls, {}))  # unless __init__ sets it
        params: set[str] = set()
        for init in self.functions.get(f"{cls}.__init__", [])[:1]:
            params = {a.arg for a in (*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs)[1:]}
            for node in ast.walk(init):
                if not isinstance(node, ast.Assign):
                    continue
                for target in node.targets:
                    owner = target.value if isinstance(target, ast.Attribute) else None
                    if isinstance(target, ast.Attribute) and isinstance(owner, ast.Name) and owner.id == "self":
                        assigned[target.attr] = node.value
        self._attrs_cache[cls] = (assigned, params)
        self._fed_attrs[cls] = {attr for attr, expr in assigned.items() if names_in(expr) & params}
        return assigned, params

    def globals_of(self, fn: FunctionNode) -> set[str]:
        """Module variables a function declares `global` (what it assigns them outlives the call)."""
        found = self._globals.get(id(fn))
        if found is None:
            found = {n for node in ast.walk(fn) if isinstance(node, ast.Global) for n in node.names}
            self._globals[id(fn)] = found
        return found

    def store_global(self, fn: FunctionNode, name: str, val: Val) -> None:
        if not self.has_globals:
            return  # no `global` statement in the module: the common case, decided without a walk
        if any(t.param is None for t in val.taints) and name in self.globals_of(fn):
            self.global_writes[name] = combine(self.global_writes.get(name, Val(opaque=False)), val)

    def fed_by_constructor(self, cls: str) -> bool:
        """Whether `__init__` keeps some argument in an attribute (`self.name = name`)."""
        self._init_attrs(cls)
        return bool(self._fed_attrs[cls])

    def construct(self, cls: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
        """What `Cls(args)` keeps: `__init__` run on these arguments; the instance carries the taint
        of the attributes it set from them (`self.fmt = FORMATS.get(arg)` stays clean)."""
        given = (*args, *kwargs.values())
        if not any(v.kind == "request" or any(t.param is None for t in v.taints) for v in given):
            # Nothing untrusted to keep (or only a helper's own parameters, in its summary): skip `__init__`.
            symbolic = [v for v in given if v.taints] if self.fed_by_constructor(cls) else []
            return Val(taints=combine(*symbolic).taints if symbolic else (), opaque=False, kind=f"class:{cls}")
        assigned, params = self._init_attrs(cls)
        inits = self.functions.get(f"{cls}.__init__", [])
        if not inits or id(inits[0]) in self.constructing or not any(names_in(e) & params for e in assigned.values()):
            return Val(opaque=False, kind=f"class:{cls}")
        init = inits[0]
        names = [a.arg for a in (*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs)]
        env: dict[str, Val] = {name: Val(opaque=True) for name in names}
        env.update(zip(names[1:], args, strict=False))
        env.update({k: v for k, v in kwargs.items() if k in env})
        env[names[0] if names else "self"] = Val(opaque=True, kind="self")
        self.constructing.add(id(init))
        try:
            out = Frame(self, init, self.module_env, cls, False).block(init.body, env) or env
        finally:
            self.constructing.discard(id(init))
        kept = [v for k, v in out.items() if k.startswith("self.") and k[5:] in assigned]
        return Val(taints=combine(*kept).taints if kept else (), opaque=False, kind=f"class:{cls}")

    def instance_attr(self, cls: str, attr: str, node: ast.AST) -> Val | None:
        """`self.attr` read in a method: a constant `__init__` set, or whatever the constructor was given.

        The constructor's arguments travel on the instance (see `Cls(...)` in calls.py); here the read
        is the method's parameter 0 (`self`), so a call on a tainted instance returns tainted data.
        """
        assigned, _params = self._init_attrs(cls)
        elsewhere, set_from_arguments = self.setters.of_class(cls, self.functions)
        expr = assigned.get(attr)
        if expr is None and attr not in set_from_arguments:
            return None
        if attr in elsewhere and attr not in set_from_arguments:
            return None  # another method sets it: not the constant `__init__` gave
        if isinstance(expr, ast.Constant) and attr not in elsewhere:
            return const(expr.value)
        if attr not in elsewhere and _new_instance(expr, self.classes):  # `factory = KeyFactory()`: its methods resolve
            return Val(opaque=False, kind=f"class:{expr.func.id}")  # type: ignore[union-attr]
        if attr in self._fed_attrs[cls] or attr in set_from_arguments:
            label = f"`self.{attr}`"
            how = "set by the constructor" if attr in self._fed_attrs[cls] else "set by a method"
            return Val(taints=(Taint(label, (Step.at(node, f"{label} {how}"),), param=0),), opaque=False)
        return None

    def verdict(self, line: int, kind: str, verdict: str) -> None:
        if self.quiet:
            return
        if self.verdicts.get((line, kind)) != "vuln":
            self.verdicts[(line, kind)] = verdict


def _new_instance(expr: ast.expr | None, classes: set[str]) -> bool:
    """`KeyFactory()` or `Pager(20, "id")`: an instance of a class of this module, built from constants."""
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id in classes
        and all(isinstance(a, ast.Constant) for a in (*expr.args, *(k.value for k in expr.keywords)))
    )
