"""Framework settings written in Python: Django/Flask settings modules and config classes,
`app.config[...]`, aiohttp session storages and Jinja setup, CSRF exemptions, session fixation.

What ruff already reports is left to ruff, so nothing is said twice: `Environment(autoescape=False)`
(S701), Flask's `app.run(debug=True)` (S201), `Markup(...)` (S704) and `mark_safe` (S308).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import PurePath

from zc_lsp.agents.engines.config_scan.judge import falsy, judge_setting, truthy
from zc_lsp.agents.engines.config_scan.rules import make_finding
from zc_lsp.agents.engines.config_scan.structured import Unparsable
from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.engines.taint.parse import ParseFailure as PythonParseFailure
from zc_lsp.agents.engines.taint.parse import parse_source
from zc_lsp.core.types import Finding, Span

ENGINE = "settings"
# A file without any of these cannot hold a finding: skip parsing it (a 6,400-line module costs 50-200 ms).
_TRIGGERS = (
    "aiohttp_debugtoolbar",
    "DEBUG",
    "CSRF",
    "csrf",
    "COOKIE",
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "aiohttp_jinja2",
    "Storage(",
    "Application(",
    ".debug",
    ".autoescape",
    "get_session",
    "request.session",
    ".config",
)
# What the whole-tree walk looks for; without any of these words only module and class bodies are read.
_WALK_TRIGGERS = re.compile(
    r"\.config\b|aiohttp_jinja2|aiohttp_debugtoolbar|Storage\(|Application\(|csrf|\.debug\s*=|\.autoescape\s*=|get_session|request\.session"
)
_SETTINGS_FILE = re.compile(r"(?i)(?:^|_)(?:settings|config|conf|configuration|prod|production|base|app)$")
_DEV_NAME = re.compile(r"(?i)dev|develop|local|test|debug")
_KNOWN_SETTINGS = re.compile(
    r"SECRET_KEY|ALLOWED_HOSTS|INSTALLED_APPS|MIDDLEWARE|DATABASES|ROOT_URLCONF|SQLALCHEMY_\w+|SESSION_\w+|CSRF_\w+|WTF_\w+"
)
_AUTH_KEY = re.compile(
    r"(?i)^(?:user(?:_?id|name)?|uid|account(?:_?id)?|logged_?in|is_?authenticated|auth(?:enticated)?(?:_?user)?"
    r"|login|member_?id|identity|current_user)$"
)
_LOGIN_NAME = re.compile(r"(?i)log_?in|sign_?in|authenticat")
_CREDENTIAL_CHECKS = {
    "check_password",
    "verify_password",
    "checkpw",
    "compare_digest",
    "authenticate",
    "verify",
    "check_password_hash",
    "verify_user",
    "check_credentials",
}
_STORAGES = {"EncryptedCookieStorage", "NaClCookieStorage", "RedisStorage", "MemcachedStorage", "CookieStorage"}


class _Scan:
    def __init__(self, text: str, filename: str) -> None:
        self.lines = split_lines(text)
        self.stem = PurePath(filename).stem
        self.found: list[Finding] = []

    def span(self, node: ast.AST) -> Span:
        def char(line_no: int, byte_col: int) -> int:
            line = self.lines[line_no] if 0 <= line_no < len(self.lines) else ""
            return len(line.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))

        sl, el = node.lineno - 1, (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        return Span(sl, char(sl, node.col_offset), el, char(el, node.end_col_offset or 0))  # type: ignore[attr-defined]

    def add(self, code: str, node: ast.AST, detail: str) -> None:
        self.found.append(make_finding(code, self.span(node), detail, ENGINE))

    def setting(self, name: str, value: ast.expr, node: ast.AST, debug_ok: bool) -> None:
        for item in _constants(value):
            judged = judge_setting((name,), item)
            if judged and (judged[0] != "ZC-CONF-DEBUG" or debug_ok):
                self.add(judged[0], node, judged[1])
                return


def _constants(value: ast.expr) -> Iterator[object]:
    if isinstance(value, ast.Constant):
        yield value.value
    elif isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        for elt in value.elts:
            if isinstance(elt, ast.Constant):
                yield elt.value


def _name_of(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _const(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def scan_python_settings(text: str, filename: str = "snapshot.py") -> tuple[list[Finding], list[Unparsable]]:
    """Insecure settings in one Python module, and why it could not be read (a parse failure)."""
    if filename.endswith(".pyi"):  # a stub declares types: django-stubs' `SESSION_COOKIE_SECURE = False` sets nothing
        return [], []
    if not any(word in text for word in _TRIGGERS):  # substring tests run at C speed
        return [], []
    try:
        tree = parse_source(text, filename)  # the taint engine's parser: 3.12 f-strings under 3.11 too
    except PythonParseFailure as exc:
        return [], [Unparsable(f"Python {_py()} cannot parse it: {exc}", exc.line)]
    except ValueError as exc:  # NUL bytes
        return [], [Unparsable(str(exc))]
    scan = _Scan(text, filename)
    _module_settings(scan, tree)
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        _class_settings(scan, cls)
    if not _WALK_TRIGGERS.search(text):
        return _sorted(scan.found), []
    fixation = "get_session" in text or "request.session" in text
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            _config_assign(scan, node)
        elif isinstance(node, ast.Call):
            _call(scan, node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _decorators(scan, node)
            if fixation:
                _session_fixation(scan, node)
    return _sorted(scan.found), []


def _sorted(found: list[Finding]) -> list[Finding]:
    return sorted(found, key=lambda f: (f.span.start_line, f.span.start_char, f.code))


def _py() -> str:
    import sys

    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _targets(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(node.targets) if isinstance(node, ast.Assign) else [node.target]


def _module_settings(scan: _Scan, tree: ast.Module) -> None:
    names = {
        t.id
        for n in tree.body
        if isinstance(n, (ast.Assign, ast.AnnAssign))
        for t in _targets(n)
        if isinstance(t, ast.Name)
    }
    settings_like = (
        bool(_SETTINGS_FILE.search(scan.stem))
        or any(_KNOWN_SETTINGS.fullmatch(n) for n in names)
        or _imports_web_framework(tree)  # `DEBUG = True` beside `from aiohttp import web` is the app's switch
    )
    debug_ok = settings_like and not _DEV_NAME.search(scan.stem)
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        for target in _targets(node):
            if isinstance(target, ast.Name) and target.id.isupper():
                scan.setting(target.id, node.value, node, debug_ok)
                if target.id == "MIDDLEWARE":
                    _django_middleware(scan, node.value, node)


_WEB_FRAMEWORKS = {
    "flask",
    "django",
    "aiohttp",
    "fastapi",
    "starlette",
    "quart",
    "sanic",
    "bottle",
    "tornado",
    "falcon",
}


def _imports_web_framework(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] in _WEB_FRAMEWORKS for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _WEB_FRAMEWORKS:
            return True
    return False


def _class_settings(scan: _Scan, cls: ast.ClassDef) -> None:
    """Flask config classes: `class ProductionConfig: DEBUG = True` (dev and test classes may debug)."""
    debug_ok = not _DEV_NAME.search(cls.name)
    for node in cls.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            for target in _targets(node):
                if isinstance(target, ast.Name) and target.id.isupper():
                    scan.setting(target.id, node.value, node, debug_ok)


def _django_middleware(scan: _Scan, value: ast.expr, node: ast.AST) -> None:
    entries = [v for v in _constants(value) if isinstance(v, str)]
    if any(e.startswith("django.middleware.") for e in entries) and not any("CsrfViewMiddleware" in e for e in entries):
        scan.add("ZC-CONF-CSRF", node, "`MIDDLEWARE` has no `CsrfViewMiddleware`, so no view checks CSRF tokens.")


def _config_assign(scan: _Scan, node: ast.Assign | ast.AnnAssign) -> None:
    if node.value is None:
        return
    for target in _targets(node):
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Attribute)
            and target.value.attr == "config"
        ):
            key = _const(target.slice)
            if isinstance(key, str):
                scan.setting(key, node.value, node, debug_ok=True)
        elif isinstance(target, ast.Attribute):
            owner = _dotted(target.value).lower()
            if target.attr == "debug" and owner.endswith("app") and truthy(_const(node.value)):
                scan.add("ZC-CONF-DEBUG", node, f"`{_dotted(target)} = True` turns debug mode on.")
            elif target.attr == "autoescape" and falsy(_const(node.value)):
                scan.add("ZC-CONF-AUTOESCAPE", node, f"`{_dotted(target)} = False` renders templates unescaped.")


def _call(scan: _Scan, call: ast.Call) -> None:
    name, dotted = _name_of(call.func), _dotted(call.func)
    if name in ("update", "from_mapping") and dotted.endswith(".config." + name):
        for kw in call.keywords:
            if kw.arg:
                scan.setting(kw.arg, kw.value, call, debug_ok=True)
        for arg in call.args:
            if isinstance(arg, ast.Dict):
                for key, value in zip(arg.keys, arg.values, strict=True):
                    if isinstance(_const(key) if key else None, str):
                        scan.setting(str(_const(key)), value, call, debug_ok=True)
    elif (
        name == "setup"
        and "aiohttp_jinja2" in dotted + " " + _imported_from(scan, name)
        and falsy(_const(_kw(call, "autoescape")))
    ):
        scan.add(
            "ZC-CONF-AUTOESCAPE", call, "`aiohttp_jinja2.setup(..., autoescape=False)` renders templates unescaped."
        )
    elif name in _STORAGES:
        if falsy(_const(_kw(call, "secure"))):
            scan.add("ZC-CONF-COOKIE-SECURE", call, f"`{name}(..., secure=False)` sends the session cookie over HTTP.")
        if falsy(_const(_kw(call, "httponly"))):
            scan.add(
                "ZC-CONF-COOKIE-HTTPONLY",
                call,
                f"`{name}(..., httponly=False)` exposes the session cookie to JavaScript.",
            )
    elif name == "SimpleCookieStorage":
        scan.add(
            "ZC-CONF-COOKIE-PLAINTEXT",
            call,
            "`SimpleCookieStorage` keeps the session readable and forgeable in the cookie.",
        )
    elif name == "setup" and dotted.startswith("aiohttp_debugtoolbar"):
        scan.add("ZC-CONF-DEBUG", call, "`aiohttp_debugtoolbar.setup(app)` serves a debug toolbar to every visitor.")
    elif name == "Application" and truthy(_const(_kw(call, "debug"))):
        scan.add("ZC-CONF-DEBUG", call, "`Application(debug=True)` turns debug mode on.")
    elif name == "csrf_exempt" and call.args:
        scan.add("ZC-CONF-CSRF", call, "`csrf_exempt(...)` switches CSRF checks off for this view.")


def _imported_from(scan: _Scan, name: str) -> str:
    return (
        "aiohttp_jinja2"
        if re.search(rf"from\s+aiohttp_jinja2\s+import\s+[^\n]*\b{name}\b", "\n".join(scan.lines))
        else ""
    )


def _decorators(scan: _Scan, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    for deco in func.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        dotted = _dotted(target)
        if (
            dotted == "csrf_exempt"
            or dotted.endswith(".csrf_exempt")
            or (dotted.endswith(".exempt") and "csrf" in dotted.lower())
        ):
            if _checks_signature(func):
                continue  # a webhook that authenticates each request by its signature: no cookie to ride on
            scan.add("ZC-CONF-CSRF", deco, f"`@{dotted}` switches CSRF checks off for `{func.name}`.")


_SIGNATURE_CHECK = re.compile(r"(?i)signature|compare_digest|construct_event|verify_webhook|hmac")


def _checks_signature(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the view rejects a request unless a signature check holds: `if not valid_signature(...):
    return 403`, `hmac.compare_digest(...)` in a test, `stripe.Webhook.construct_event(...)`."""
    for node in ast.walk(func):
        test = node.test if isinstance(node, (ast.If, ast.Assert)) else None
        if isinstance(node, ast.Call) and _name_of(node.func) == "construct_event":
            return True  # raises on a bad signature
        if test is not None and any(
            isinstance(sub, ast.Call) and _SIGNATURE_CHECK.search(_name_of(sub.func)) for sub in ast.walk(test)
        ):
            return True
    return False


def _session_fixation(scan: _Scan, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    """A login that writes the user into the session it was given, without a new session id."""
    body = [n for stmt in func.body for n in ast.walk(stmt)]
    calls = {_name_of(n.func) for n in body if isinstance(n, ast.Call)}
    if not (_LOGIN_NAME.search(func.name) or calls & _CREDENTIAL_CHECKS):
        return  # only a login: a profile update writing `username` into a live session is no fixation
    aio_sessions = {
        t.id
        for n in body
        if isinstance(n, ast.Assign)
        and isinstance(n.value, ast.Await)
        and isinstance(n.value.value, ast.Call)
        and _name_of(n.value.value.func) == "get_session"
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    for node in body:
        if not isinstance(node, ast.Assign):
            continue
        if isinstance(node.value, ast.Constant) and node.value.value in (None, False):
            continue  # a logout clearing the user
        for target in node.targets:
            if not isinstance(target, ast.Subscript) or not _AUTH_KEY.match(str(_const(target.slice))):
                continue
            owner = target.value
            if isinstance(owner, ast.Name) and owner.id in aio_sessions and not calls & {"new_session", "invalidate"}:
                scan.add(
                    "ZC-CONF-SESSION-FIXATION",
                    node,
                    f"`{func.name}` stores the user in the session from `get_session()` without `new_session()`.",
                )
            elif _dotted(owner) == "request.session" and not calls & {"login", "auth_login", "cycle_key", "flush"}:
                scan.add(
                    "ZC-CONF-SESSION-FIXATION",
                    node,
                    f"`{func.name}` stores the user in `request.session` without `login()` or `cycle_key()`.",
                )
