"""The values the taint engine reasons about: where data came from, what it may be, what cleaned it.

A `Val` is an abstract value: the taints it carries (each with its source and the steps it took),
the constants it may equal (for folding `if` conditions and reading containers by constant key),
whether it came from somewhere the engine cannot see (`opaque`), and for which sink kinds a
sanitizer proved it safe. Keeping constants next to taint is what lets a tainted variable that is
later overwritten, or a dict entry that is never read, stay quiet.
"""

from __future__ import annotations

import ast
import re
import stat
from dataclasses import dataclass, field, replace
from typing import Any

# `stat.S_IWOTH` and the other file-mode flags by their qualified names: they fold like the numbers they are.
FILE_MODES = {f"stat.{name}": v for name, v in vars(stat).items() if name.startswith("S_I") and isinstance(v, int)}

# Sink kinds: (finding code, CWE, severity, what goes wrong).
# fmt: off
KINDS: dict[str, tuple[str, int, str, str]] = {
    "SQL": ("ZC-TAINT-SQL", 89, "error", "SQL injection"),
    "CMD": ("ZC-TAINT-CMD", 78, "error", "OS command injection"),
    "CODE": ("ZC-TAINT-CODE", 95, "error", "code injection"),
    "PATH": ("ZC-TAINT-PATH", 22, "error", "path traversal"),
    "REDIRECT": ("ZC-TAINT-REDIRECT", 601, "warning", "open redirect"),
    "XSS": ("ZC-TAINT-XSS", 79, "error", "cross-site scripting"),
    "XXE": ("ZC-TAINT-XXE", 611, "error", "XML external entity expansion"),
    "XPATH": ("ZC-TAINT-XPATH", 643, "error", "XPath injection"),
    "LDAP": ("ZC-TAINT-LDAP", 90, "error", "LDAP injection"),
    "DESER": ("ZC-TAINT-DESER", 502, "error", "deserialization of untrusted data"),
    "TRUST": ("ZC-TAINT-TRUST", 501, "warning", "trust boundary violation"),
    "SSRF": ("ZC-TAINT-SSRF", 918, "error", "server-side request forgery"),
    "SSTI": ("ZC-TAINT-SSTI", 94, "error", "server-side template injection"),
    "LOG": ("ZC-TAINT-LOG", 117, "warning", "log injection"),
    # Rule checks (context-aware, not taint): kept in the same table so every finding has one shape.
    "COOKIE": ("ZC-SEC-COOKIE", 614, "warning", "cookie without Secure/HttpOnly"),
    "HASH": ("ZC-SEC-WEAK-HASH", 328, "warning", "weak hash for a security value"),
    "RAND": ("ZC-SEC-WEAK-RANDOM", 330, "warning", "predictable random value for a security value"),
    "YAML": ("ZC-SEC-YAML-LOAD", 502, "warning", "yaml.load with a loader that builds objects"),
    "TLS": ("ZC-SEC-TLS-VERIFY", 295, "error", "TLS certificate verification switched off"),
    "DEBUG": ("ZC-SEC-DEBUG", 489, "warning", "debug mode switched on"),
    "PERMS": ("ZC-SEC-FILE-PERMS", 732, "warning", "file mode that lets every user write"),
    "CIPHER": ("ZC-SEC-WEAK-CIPHER", 327, "warning", "broken cipher or ECB mode"),
    # Judged only (never reported): a request whose timeout comes through **kwargs quiets ruff's S113.
    "TIMEOUT": ("ZC-SEC-TIMEOUT", 400, "warning", "request without a timeout"),
}
# fmt: on
ALL_KINDS = frozenset(KINDS)
RULE_KINDS = frozenset({"COOKIE", "HASH", "RAND", "YAML", "TLS", "DEBUG", "PERMS", "CIPHER", "TIMEOUT"})
INJECTION_KINDS = frozenset(k for k in KINDS if k not in RULE_KINDS)


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of a source-to-sink path, shown to the user as related information."""

    line: int  # 0-based
    col: int
    end_line: int
    end_col: int
    note: str

    @classmethod
    def at(cls, node: ast.AST, note: str) -> Step:
        line = getattr(node, "lineno", 1) - 1
        end_line = (getattr(node, "end_lineno", None) or line + 1) - 1
        return cls(line, getattr(node, "col_offset", 0), end_line, getattr(node, "end_col_offset", None) or 0, note)


@dataclass(frozen=True, slots=True)
class Taint:
    """Untrusted data from one source. `param` marks a function's own parameter (for summaries)."""

    source: str
    path: tuple[Step, ...]
    cleared: frozenset[str] = frozenset()
    param: int | None = None
    weak_random: bool = False

    def hop(self, step: Step) -> Taint:
        if self.path and self.path[-1].line == step.line:
            return self
        path = self.path + (step,) if len(self.path) < 8 else (*self.path[:4], *self.path[-3:], step)
        return replace(self, path=path)


NOCONST: frozenset[Any] | None = None
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Val:
    """An abstract value. `consts=None` means any value; a set lists the constants it may equal."""

    taints: tuple[Taint, ...] = ()
    consts: frozenset[Any] | None = None
    opaque: bool = True
    safe_for: frozenset[str] = frozenset()
    items: tuple[Val, ...] | None = None  # list/tuple elements, when their number is known
    keys: tuple[tuple[Any, Val], ...] | None = None  # dict entries by constant key
    kind: str | None = None  # what object this is: "request", "xml", "sax-unsafe", "path", ...
    attrs: tuple[tuple[str, Val], ...] = field(default=())

    @property
    def tainted(self) -> bool:
        return bool(self.taints)

    def const(self) -> Any:
        """The single constant this value equals, or raise LookupError."""
        if self.consts is not None and len(self.consts) == 1:
            return next(iter(self.consts))
        raise LookupError

    def has_const(self) -> bool:
        return self.consts is not None and len(self.consts) == 1

    def key(self, k: Any) -> Val | None:
        if self.keys is None:
            return None
        for name, val in self.keys:
            if name == k:
                return val
        return None

    def real_taints(self, kind: str) -> list[Taint]:
        """Taints that can reach a sink of this kind (not cleared by a sanitizer on the way)."""
        return [t for t in self.taints if kind not in t.cleared and not t.weak_random]

    def proven_safe(self, kind: str) -> bool:
        """No taint, and either built from constants only or passed through a sanitizer for `kind`."""
        if self.real_taints(kind):
            return False
        return not self.opaque or kind in self.safe_for


def const(value: Any) -> Val:
    return Val(consts=frozenset([value]) if _hashable(value) else None, opaque=False)


CLEAN = Val(opaque=False)
UNKNOWN = Val(opaque=True)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def merge_taints(*groups: tuple[Taint, ...]) -> tuple[Taint, ...]:
    seen: dict[tuple[str, int | None, bool], Taint] = {}
    for group in groups:
        for t in group:
            key = (t.source, t.param, t.weak_random)
            old = seen.get(key)
            if old is None:
                seen[key] = t
            elif old.cleared != t.cleared:
                seen[key] = replace(old, cleared=old.cleared & t.cleared)
    return tuple(list(seen.values())[:6])


def combine(*vals: Val, consts: frozenset[Any] | None = None, kind: str | None = None) -> Val:
    """Data built from several values (concatenation, formatting, a call): taint flows, constants don't."""
    if not vals:
        return Val(consts=consts, opaque=False, kind=kind)
    # Constants need no sanitizer: only the parts of unknown origin decide what the whole is safe for.
    unknown = [v.safe_for for v in vals if v.opaque]
    safe = frozenset.intersection(*unknown) if unknown else _NONE
    tainted = [v.taints for v in vals if v.taints]
    taints = () if not tainted else tainted[0] if len(tainted) == 1 else merge_taints(*tainted)
    return Val(taints, consts, bool(unknown), safe, None, None, kind)


def merge_env(a: dict[str, Val] | None, b: dict[str, Val] | None) -> dict[str, Val] | None:
    """Two control-flow paths meet (None: a path that does not go on)."""
    if a is None:
        return b
    if b is None:
        return a
    out = dict(a)
    for key, val in b.items():
        out[key] = branch_merge(out[key], val) if key in out else val
    return out


def branch_merge(a: Val, b: Val) -> Val:
    """Either `a` or `b` (two control-flow paths meet): constants are the union of both."""
    if a is b:
        return a
    consts = None
    if a.consts is not None and b.consts is not None:
        union = a.consts | b.consts
        consts = union if len(union) <= 8 else None
    items = None
    if a.items is not None and b.items is not None and len(a.items) == len(b.items):
        items = tuple(branch_merge(x, y) for x, y in zip(a.items, b.items, strict=True))
    keys = None
    if a.keys is not None and b.keys is not None:
        names = [k for k, _ in a.keys] + [k for k, _ in b.keys if a.key(k) is None]
        keys = tuple((k, branch_merge(a.key(k) or UNKNOWN, b.key(k) or UNKNOWN)) for k in names)
    return Val(
        taints=merge_taints(a.taints, b.taints),
        consts=consts,
        opaque=a.opaque or b.opaque,
        safe_for=a.safe_for & b.safe_for if a.opaque and b.opaque else (a.safe_for if a.opaque else b.safe_for),
        items=items,
        keys=keys,
        # `x or url_for("home")`: a fixed site URL on one side does not fix the other
        kind=a.kind if a.kind == b.kind else None if "fixed-url" in (a.kind, b.kind) else (a.kind or b.kind),
    )


def container(items: list[Val] | None = None, keys: list[tuple[Any, Val]] | None = None, kind: str = "list") -> Val:
    """A list/tuple/dict whose parts are known; its own taint is the union of theirs."""
    parts = list(items or []) + [v for _, v in keys or []]
    base = combine(*parts) if parts else Val(opaque=False)
    return replace(
        base,
        items=tuple(items) if items is not None else None,
        keys=tuple(keys) if keys is not None else None,
        kind=kind,
    )


def sanitized(val: Val, kinds: frozenset[str]) -> Val:
    """The value after a sanitizer for `kinds`: those sinks are safe whatever the input was."""
    if kinds >= ALL_KINDS:  # int(random.random() * 10**6) is still predictable: weak randomness stays
        return Val(taints=tuple(t for t in val.taints if t.weak_random), opaque=False, safe_for=ALL_KINDS)
    taints = tuple(replace(t, cleared=t.cleared | kinds) for t in val.taints)
    return Val(taints=taints, opaque=val.opaque, safe_for=val.safe_for | kinds)


def var_key(node: ast.expr) -> str | None:
    """The environment key of a plain name (`x`) or one attribute of one (`self.x`), else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def with_step(val: Val, step: Step) -> Val:
    if not val.taints:
        return val
    return replace(val, taints=tuple(t.hop(step) for t in val.taints))


@dataclass(frozen=True, slots=True)
class RawFinding:
    """One problem before it becomes a `Finding`: kind, where, which source, the path there."""

    kind: str
    line: int
    col: int
    end_line: int
    end_col: int
    message: str
    path: tuple[Step, ...] = ()
    cwe: int | None = None


_FIXED_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#{}\s]+/|/[^/\\])")


def fixed_url_prefix(val: Val) -> bool:
    """A URL whose host is already decided: a constant `https://host/...` or a site-relative `/path`."""
    if val.kind == "fixed-url":
        return True
    return (
        val.consts is not None
        and bool(val.consts)
        and all(isinstance(c, str) and _FIXED_URL.match(c) for c in val.consts)
    )


def case_matches(pattern: ast.pattern, subject: Val) -> bool | None:
    if irrefutable(pattern):
        return True
    if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Constant) and subject.consts is not None:
        hits = {c == pattern.value.value for c in subject.consts}
        return hits.pop() if len(hits) == 1 else None
    if isinstance(pattern, ast.MatchOr):
        results = [case_matches(p, subject) for p in pattern.patterns]
        if any(r is True for r in results):
            return True
        if all(r is False for r in results):
            return False
    return None


def irrefutable(pattern: ast.pattern) -> bool:
    return isinstance(pattern, ast.MatchAs) and pattern.pattern is None
