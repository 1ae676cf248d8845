"""One judgement for a (key path, value) pair, whichever file format or Python assignment it came from.

Secrets reuse the redactor's vocabulary (`zc_lsp.core.redact.assign`: which names hold secrets,
which values are placeholders), so the editor, the CLI and the redactor agree on what a secret is.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from zc_lsp.core.redact.assign import NAME, placeholder_like, shannon_entropy, value_is_secret

_NAME_RE = re.compile(NAME, re.IGNORECASE)
# Names that hold a secret whatever the value looks like (a plain word is still a password).
_STRONG = re.compile(r"(?i)passw(?:or)?d|passwd|pwd|secret|token|api[_\-.]?key|apikey|private[_\-.]?key")
# Names that talk about a secret without holding one (password_file, token_url, auth_method ...).
_META = re.compile(
    r"(?i)(?:^|[_\-.])(?:file|path|dir|url|uri|endpoint|env|var|name|names|field|header|type|method|mode|kind"
    r"|backend|backends|class|provider|policy|scheme|length|len|min|max|ttl|expiry|expires|timeout|hash|hashed"
    r"|hasher|hashers|prefix|suffix|id|ids|required|enabled|validators?|reset|age|lifetime|algorithm|format"
    r"|location|store|storage|cmd|command|source|count|limit)$"
)
_TRUE = {"true", "1", "yes", "on", "y"}
_FALSE = {"false", "0", "no", "off", "n"}
DEBUG_KEYS = {"debug", "flask_debug", "django_debug", "app_debug", "debug_mode"}
CSRF_KEYS = {
    "wtf_csrf_enabled",
    "csrf_enabled",
    "enable_csrf",
    "csrf_protection",
    "csrf_protect",
    "wtf_csrf_check_default",
    "csrf",
}
SECURE_KEYS = {
    "session_cookie_secure",
    "csrf_cookie_secure",
    "remember_cookie_secure",
    "cookie_secure",
    "session_secure",
}
HTTPONLY_KEYS = {"session_cookie_httponly", "remember_cookie_httponly", "cookie_httponly", "session_httponly"}


def norm(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(".", "_")


def truthy(value: object) -> bool:
    return (
        value is True
        or isinstance(value, (str, int))
        and not isinstance(value, bool)
        and str(value).strip().lower() in _TRUE
    )


def falsy(value: object) -> bool:
    if value is False:
        return True
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip().lower() in _FALSE


def judge_setting(path: tuple[str, ...], value: object) -> tuple[str, str] | None:
    """(rule code, what was seen) for an insecure framework setting, or None."""
    if not path:
        return None
    key = norm(path[-1])
    parents = [norm(p) for p in path[:-1]]
    in_cookie = any("cookie" in p or "session" in p for p in parents)
    shown = ".".join(path)
    if key in DEBUG_KEYS and truthy(value) and not any("log" in p for p in parents):
        return "ZC-CONF-DEBUG", f"`{shown}` turns debug mode on."
    if _csrf_switch(key) and falsy(value) or "csrf" in key and "exempt" in key and truthy(value):
        return "ZC-CONF-CSRF", f"`{shown}` switches CSRF protection off."
    if falsy(value) and (key in SECURE_KEYS or key == "secure" and in_cookie):
        return "ZC-CONF-COOKIE-SECURE", f"`{shown}` lets the cookie travel over plain HTTP."
    if falsy(value) and (key in HTTPONLY_KEYS or key in ("httponly", "http_only") and in_cookie):
        return "ZC-CONF-COOKIE-HTTPONLY", f"`{shown}` makes the session cookie readable from JavaScript."
    if key == "allowed_hosts" and isinstance(value, str) and "*" in [h.strip() for h in value.split(",")]:
        return "ZC-CONF-HOSTS", f"`{shown}` allows any host."
    return None


# Keys about a CSRF cookie, token or header: their false is not "protection off".
_CSRF_DETAIL = re.compile(
    r"cookie|httponly|samesite|exempt|ssl|time|header|field|name|trusted|token|secret|age|domain|path|methods|key"
)


def _csrf_switch(key: str) -> bool:
    """WTF_CSRF_ENABLED, csrf_check, verify_csrf, csrf: a switch for the protection itself."""
    return key in CSRF_KEYS or "csrf" in key and not _CSRF_DETAIL.search(key)


def secret_name(key: str) -> bool:
    """True when `key` names a secret (db_password, api_key) rather than something about one."""
    key = key.strip().strip("\"'")
    return bool(_NAME_RE.fullmatch(key)) and not _META.search(key)


_SCOPE = re.compile(r"[a-z]+(?::[a-z_.\-]+)+")


def judge_secret(key: str, value: object) -> str | None:
    """What was seen when a secret-named key holds a literal secret; None for placeholders and code."""
    if not isinstance(value, str) or not secret_name(key):
        return None
    v = value.strip()
    if "://" in v or _SCOPE.fullmatch(v) or not value_is_secret(v, quoted=True):
        return None  # a URL (its password is dsn_password's), an OAuth scope ("write:pets"), a placeholder
    strong = _STRONG.search(key) is not None
    varied = (
        any(c.isdigit() for c in v)
        or any(not c.isalnum() and c not in "_.-" for c in v)
        or v != v.lower()
        and v != v.upper()
        or shannon_entropy(v) >= 3.0
    )
    if not strong and not varied:
        return None  # auth: basic, sort_key: name -- words, not secrets
    return f"`{key}` holds a literal secret."


_USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:(?P<pw>[^@/\s]+)@")


def dsn_password(value: object) -> tuple[int, int] | None:
    """(start, end) of the password inside a connection URL, when there is a real one."""
    if not isinstance(value, str) or "://" not in value or "@" not in value:
        return None
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>]+", value):
        try:
            parts = urlsplit(m.group(0))
            password, netloc = parts.password, parts.netloc
        except ValueError:  # urlsplit refuses it (a bad IPv6 host): read the userinfo by hand instead
            userinfo = _USERINFO.match(m.group(0))
            password, netloc = (userinfo.group("pw"), userinfo.group(0)) if userinfo else (None, "")
        if not password or placeholder_like(password) or password.startswith(("$", "%", "{")):
            continue
        netloc_at = m.start() + m.group(0).find(netloc)
        start = value.find(":" + password + "@", netloc_at)
        if start >= 0:
            return start + 1, start + 1 + len(password)
    return None
