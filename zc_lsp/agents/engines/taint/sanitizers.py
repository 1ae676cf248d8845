"""What makes untrusted data safe: sanitizing calls and guards that leave a branch early.

A sanitizer clears the sink kinds it protects (html.escape protects HTML, not SQL). A guard
(`if name not in ALLOWED: abort(400)`) refines the variables its condition validates, on the
branch where the check held; with an early exit that branch is everything after the `if`.
"""

from __future__ import annotations

import ast
import re

from zc_lsp.agents.engines.taint.model import ALL_KINDS

# fmt: off
_TEXT_KINDS = frozenset({"XSS", "SQL", "CMD", "CODE", "LDAP", "XPATH", "LOG"})
# Qualified name -> sink kinds its result is safe for.
SANITIZERS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ["int", "float", "bool", "complex", "len", "hash", "id", "ord", "abs", "round", "uuid.UUID", "isinstance",
         "decimal.Decimal", "datetime.date.fromisoformat", "datetime.datetime.fromisoformat", "ipaddress.ip_address",
         "secrets.compare_digest", "hmac.compare_digest", "str.isdigit"],
        ALL_KINDS,
    ),
    **dict.fromkeys(
        ["html.escape", "markupsafe.escape", "flask.escape", "jinja2.escape", "cgi.escape", "bleach.clean",
         "django.utils.html.escape", "django.utils.html.conditional_escape", "xml.sax.saxutils.escape",
         "markupsafe.Markup.escape", "django.utils.html.strip_tags", "werkzeug.utils.escape"],
        frozenset({"XSS"}),
    ),
    **dict.fromkeys(["shlex.quote", "pipes.quote", "shlex.join"], frozenset({"CMD"})),
    **dict.fromkeys(
        ["os.path.basename", "werkzeug.utils.secure_filename", "werkzeug.security.safe_join", "flask.safe_join",
         "werkzeug.utils.safe_join", "ntpath.basename", "posixpath.basename", "django.utils.text.get_valid_filename"],
        frozenset({"PATH"}),
    ),
    **dict.fromkeys(
        ["ldap3.utils.conv.escape_filter_chars", "ldap.filter.escape_filter_chars", "ldap.filter.filter_format",
         "ldap.dn.escape_dn_chars", "ldap3.utils.dn.escape_rdn"],
        frozenset({"LDAP"}),
    ),
    **dict.fromkeys(
        ["psycopg2.sql.Identifier", "psycopg2.sql.Literal", "psycopg.sql.Identifier", "psycopg.sql.Literal",
         "sqlalchemy.sql.quoted_name", "sqlalchemy.bindparam", "sqlalchemy.literal"],
        frozenset({"SQL"}),
    ),
    **dict.fromkeys(["urllib.parse.quote", "urllib.parse.quote_plus", "urllib.parse.urlencode"], _TEXT_KINDS),
    "json.dumps": frozenset({"XSS", "CODE", "LOG"}),
    # Bytes this process serialised itself: loading them back builds only what was dumped.
    **dict.fromkeys(["pickle.dumps", "marshal.dumps", "yaml.dump", "yaml.safe_dump", "dill.dumps"], frozenset({"DESER"})),
    "ast.literal_eval": frozenset({"CODE"}),
    "yaml.safe_load": frozenset({"CODE"}),
    "flask.url_for": ALL_KINDS,
    "django.urls.reverse": ALL_KINDS,
    "django.shortcuts.resolve_url": frozenset(),
}
# fmt: on
# For helpers imported from elsewhere (their code is not here): the name says what they are for.
_NAME_HINTS = (
    ("sql", "SQL"),
    ("shell", "CMD"),
    ("cmd", "CMD"),
    ("command", "CMD"),
    ("ldap", "LDAP"),
    ("xpath", "XPATH"),
    ("path", "PATH"),
    ("filename", "PATH"),
    ("url", "REDIRECT"),
    ("redirect", "REDIRECT"),
    ("html", "XSS"),
)
_SANITIZING_WORDS = re.compile(r"(?<!un)(escape|sanitiz|sanitis|encode_for|clean_|strip_tags|quote)", re.I)


def sanitizer_kinds(qualname: str) -> frozenset[str] | None:
    """The kinds a call makes safe, or None when it is no sanitizer."""
    found = SANITIZERS.get(qualname)
    if found is not None:
        return found
    last = qualname.rsplit(".", 1)[-1].lower()
    if not _SANITIZING_WORDS.search(last):
        return None
    hinted = frozenset(kind for word, kind in _NAME_HINTS if word in last)
    return hinted or frozenset({"XSS"})


# fmt: off
_VALIDATING_METHODS = frozenset({
    "startswith", "is_relative_to", "isdigit", "isalnum", "isalpha", "isdecimal", "isnumeric", "isidentifier", "fullmatch",
})
_VALIDATING_FUNCS = re.compile(
    r"(^|_)(is_safe_url|url_has_allowed_host_and_scheme|is_valid\w*|is_allowed\w*|validate\w*|is_safe\w*|allowed\w*)$"
)
_BLACKLIST_KINDS = (
    ("..", "PATH"), ("/", "PATH"), ("\\", "PATH"), ("<", "XSS"), (";", "CMD"), ("|", "CMD"), ("&", "CMD"),
    ("$", "CMD"), ("`", "CMD"), ("'", "SQL"), ("//", "REDIRECT"), ("://", "REDIRECT"), ("(", "LDAP"),
)
# fmt: on
Refinement = dict[str, frozenset[str]]
# `x.startswith(BASE)` keeps `BASE/../etc` in: it guards a path only once x was normalised
# (realpath, abspath, normpath, Path.resolve). NORMALISED marks such a value (in `safe_for`).
NORMALISED = "NORM"
PATH_IF_NORMALISED = "PATH?"
_NORMALISERS = frozenset({"realpath", "abspath", "normpath", "resolve"})


def names_in(node: ast.AST) -> set[str]:
    """Variable keys an expression reads (`x`, `self.x`), for guards that validate them."""
    out: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.add(sub.id)
        elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
            out.add(f"{sub.value.id}.{sub.attr}")
    return out


def _anchored(pattern: ast.expr, full: bool) -> bool:
    if not isinstance(pattern, ast.Constant) or not isinstance(pattern.value, str):
        return True  # a compiled pattern from elsewhere: trust the author's anchors
    p = pattern.value
    ends = p.endswith("$") or p.endswith(r"\Z")
    return ends and (p.startswith("^") or not full)


def refine(test: ast.expr, is_clean: object) -> tuple[Refinement, Refinement]:
    """(validated if the test is true, validated if it is false): variable key -> kinds made safe.

    `is_clean(expr) -> bool` tells whether the other side of a comparison is trusted data.
    """
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        when_true, when_false = refine(test.operand, is_clean)
        return when_false, when_true
    if isinstance(test, ast.BoolOp):
        parts = [refine(v, is_clean) for v in test.values]
        if isinstance(test.op, ast.And):
            return _union([p[0] for p in parts]), _intersect([p[1] for p in parts])
        return _intersect([p[0] for p in parts]), _union([p[1] for p in parts])
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _compare(test, is_clean)
    if isinstance(test, ast.Call):
        return _validating_call(test), _failed_call(test)
    if isinstance(test, ast.Attribute) and test.attr == "netloc":  # `if urlparse(x).netloc: reject`
        return {}, dict.fromkeys(names_in(test.value), frozenset({"REDIRECT"}))
    return {}, {}


def _compare(test: ast.Compare, is_clean: object) -> tuple[Refinement, Refinement]:
    op, left, right = test.ops[0], test.left, test.comparators[0]
    check = is_clean if callable(is_clean) else (lambda _e: False)
    if isinstance(op, (ast.In, ast.NotIn)):
        if isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value:
            # `".." in name` -> when false, name lacks that character sequence.
            kinds = frozenset(k for token, k in _BLACKLIST_KINDS if token in left.value)
            refined = dict.fromkeys(names_in(right), kinds) if kinds else {}
            return ({}, refined) if isinstance(op, ast.In) else (refined, {})
        if check(right):
            # An allowed scheme says nothing about the host (SSRF, redirects) or the rest of the URL.
            scheme_only = isinstance(left, ast.Attribute) and left.attr == "scheme"
            refined = dict.fromkeys(names_in(left), frozenset({"XSS"}) if scheme_only else ALL_KINDS)
            return (refined, {}) if isinstance(op, ast.In) else ({}, refined)
        return {}, {}
    if isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
        for this, other in ((left, right), (right, left)):
            if isinstance(other, ast.Constant) and other.value in (None, "", 0, False, True):
                if isinstance(this, ast.Name):
                    continue  # `x == ""` / `x is None` says nothing about what x holds
                if other.value == "" and isinstance(this, ast.Attribute) and this.attr in ("netloc", "scheme"):
                    refined = dict.fromkeys(names_in(this), frozenset({"REDIRECT", "SSRF"}))
                    return (refined, {}) if isinstance(op, (ast.Eq, ast.Is)) else ({}, refined)
                continue
            if check(other) and not isinstance(this, ast.Constant):
                refined = dict.fromkeys(pinned_names(this), ALL_KINDS)
                return (refined, {}) if isinstance(op, (ast.Eq, ast.Is)) else ({}, refined)
    return {}, {}


_CASE_METHODS = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "title"})


def pinned_names(expr: ast.expr) -> set[str]:
    """The variable keys an equality with a constant pins down: `x == "a"` pins x, `part.name == "a"`
    pins `part.name` (not `part`: its other attributes are still the sender's), `x.lower() == "a"` pins x
    (a few spellings of one word). `data.get("mode") == "a"` or `row[0] == "a"` pins nothing."""
    if isinstance(expr, ast.Name):
        return {expr.id}
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        return {f"{expr.value.id}.{expr.attr}"}
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in _CASE_METHODS
        and not expr.args
        and not expr.keywords
    ):
        return pinned_names(expr.func.value)
    return set()


def _validating_call(call: ast.Call) -> Refinement:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in _VALIDATING_METHODS and not _is_regex_module(func.value):
            if func.attr == "fullmatch":
                return dict.fromkeys(set().union(*(names_in(a) for a in call.args)), ALL_KINDS) if call.args else {}
            if func.attr == "startswith" and (prefixes := _prefixes(call)) is not None:
                if all(p.startswith(_NO_HOST_PREFIXES) for p in prefixes):
                    return {}  # x.startswith("//"): says x names another host, proves nothing
                if not all(_fixes_host(p) for p in prefixes):
                    # "/" lets "//evil.com" and "/\\evil.com" through: not a redirect or URL guard
                    kinds = (ALL_KINDS - {"PATH", "REDIRECT", "SSRF"}) | {PATH_IF_NORMALISED}
                    return dict.fromkeys(names_in(func.value), kinds | ({LOCAL_PATH} if "/" in prefixes else set()))
            if func.attr in ("startswith", "is_relative_to") and not _normalising(func.value):
                return dict.fromkeys(names_in(func.value), (ALL_KINDS - {"PATH"}) | {PATH_IF_NORMALISED})
            return dict.fromkeys(names_in(func.value), ALL_KINDS)
        if func.attr in ("fullmatch", "match", "search") and _is_regex_module(func.value) and len(call.args) >= 2:
            if func.attr == "fullmatch" or _anchored(call.args[0], func.attr == "search"):
                return dict.fromkeys(names_in(call.args[1]), ALL_KINDS)
            return {}
        if func.attr in ("match", "fullmatch") and call.args:
            return dict.fromkeys(names_in(call.args[0]), ALL_KINDS)  # a compiled pattern's method
        name = func.attr
    elif isinstance(func, ast.Name):
        name = func.id
        if name == "isinstance" and call.args:
            return dict.fromkeys(names_in(call.args[0]), ALL_KINDS)
    else:
        return {}
    if _VALIDATING_FUNCS.search(name) and call.args:
        return dict.fromkeys(names_in(call.args[0]), ALL_KINDS)
    return {}


# `x.startswith("/")` and `not x.startswith("//")` together keep a redirect on this site: each marks
# its half (LOCAL_PATH, NO_HOST); `refined` turns both into REDIRECT.
LOCAL_PATH = "REDIRECT/"
NO_HOST = "REDIRECT//"
_NO_HOST_PREFIXES = ("//", "/\\", "\\")


def both_halves(cleared: frozenset[str]) -> frozenset[str]:
    """Starts with "/" and not with "//": a path on this site, so no open redirect."""
    return cleared | {"REDIRECT"} if LOCAL_PATH in cleared and NO_HOST in cleared else cleared


def _prefixes(call: ast.Call) -> list[str] | None:
    """The constant prefixes of `x.startswith(p)` / `x.startswith((p, q))`, or None."""
    arg = call.args[0] if call.args else None
    parts = arg.elts if isinstance(arg, ast.Tuple) else [arg] if arg is not None else []
    if not parts or not all(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts):
        return None
    return [str(p.value) for p in parts if isinstance(p, ast.Constant)]


def _fixes_host(prefix: str) -> bool:
    """A prefix that pins the URL to this site's paths ("/account/") or one host ("https://x.com/")."""
    if prefix.startswith("/"):
        return len(prefix) >= 2 and prefix[1] not in "/\\"
    return bool(re.match(r"[a-z][a-z0-9+.\-]*://[^/]+/", prefix))


def _failed_call(call: ast.Call) -> Refinement:
    """What a false test proves: `not x.startswith("//")` (with "/\\") means no other host's `//host`."""
    func = call.func
    prefixes = _prefixes(call) if isinstance(func, ast.Attribute) and func.attr == "startswith" else None
    if prefixes and "//" in prefixes and all(p.startswith(_NO_HOST_PREFIXES) for p in prefixes):
        return dict.fromkeys(names_in(func.value), frozenset({NO_HOST}))
    return {}


def _normalising(node: ast.expr) -> bool:
    """`os.path.realpath(p).startswith(...)`, `Path(p).resolve().is_relative_to(...)`."""
    func = node.func if isinstance(node, ast.Call) else None
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _NORMALISERS


def _is_regex_module(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("re", "regex")


def _union(parts: list[Refinement]) -> Refinement:
    out: Refinement = {}
    for part in parts:
        for name, kinds in part.items():
            out[name] = out.get(name, frozenset()) | kinds
    return out


def _intersect(parts: list[Refinement]) -> Refinement:
    if not parts:
        return {}
    out = dict(parts[0])
    for part in parts[1:]:
        out = {n: k & part[n] for n, k in out.items() if n in part and k & part[n]}
    return out


_EXITS = frozenset({"abort", "exit", "_exit", "fail", "deny", "forbidden"})


def terminates(body: list[ast.stmt]) -> bool:
    """Whether a block always leaves (return, raise, continue, break, abort(...))."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
        return True
    if isinstance(last, ast.If):
        return terminates(last.body) and terminates(last.orelse)
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return name in _EXITS
    return False
