"""The ZC-CONF rules: one stable code, one CWE and one explanation each.

The codes are part of the output contract (JSON, SARIF rule ids, `# zc: ignore[CODE]`): never
renumber one, add new ones instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from zc_lsp.core.types import Finding, Severity, Span


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # SARIF's rule name: PascalCase, no spaces
    cwe: int
    severity: Severity
    summary: str  # one line, SARIF shortDescription
    advice: str  # how to fix, SARIF fullDescription / help


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "ZC-CONF-SECRET",
            "HardcodedSecretInConfig",
            798,
            "error",
            "A password, token or key is written into a configuration file.",
            "Read it from the environment or a secret store (e.g. `${DB_PASSWORD}`), and rotate it: "
            "everyone with the repository has it.",
        ),
        Rule(
            "ZC-CONF-DSN",
            "CredentialsInConnectionUrl",
            798,
            "error",
            "A connection URL carries a password (scheme://user:password@host).",
            "Keep the URL without the password and pass the password from the environment or a secret "
            "store; rotate the leaked one.",
        ),
        Rule(
            "ZC-CONF-DEBUG",
            "DebugModeEnabled",
            489,
            "warning",
            "Debug mode is switched on in code or configuration that can reach production.",
            "Debug pages show source, settings and a console to anyone who triggers an error. Read the "
            "flag from the environment (`DEBUG = os.environ.get('DEBUG') == '1'`) and keep it off by default.",
        ),
        Rule(
            "ZC-CONF-CSRF",
            "CsrfProtectionDisabled",
            352,
            "warning",
            "Cross-site request forgery protection is switched off.",
            "Keep CSRF protection on (Flask-WTF `WTF_CSRF_ENABLED`, Django's `CsrfViewMiddleware`) and send "
            "the token with forms and AJAX calls instead of exempting views.",
        ),
        Rule(
            "ZC-CONF-COOKIE-SECURE",
            "CookieWithoutSecureFlag",
            614,
            "warning",
            "A session or CSRF cookie is allowed over plain HTTP (`secure` is off).",
            "Set the cookie's `secure` flag (e.g. `SESSION_COOKIE_SECURE = True`) so it is only sent over HTTPS.",
        ),
        Rule(
            "ZC-CONF-COOKIE-HTTPONLY",
            "CookieWithoutHttpOnlyFlag",
            1004,
            "warning",
            "A session cookie is readable from JavaScript (`httponly` is off).",
            "Keep `httponly` on for session cookies so an XSS bug cannot steal the session.",
        ),
        Rule(
            "ZC-CONF-COOKIE-PLAINTEXT",
            "SessionInPlainCookie",
            315,
            "warning",
            "Session data is stored in a cookie in clear text (aiohttp_session's SimpleCookieStorage).",
            "Use EncryptedCookieStorage (or a server-side store such as Redis) outside tests.",
        ),
        Rule(
            "ZC-CONF-HOSTS",
            "AllowedHostsWildcard",
            183,
            "warning",
            "`ALLOWED_HOSTS` accepts any Host header (`*`).",
            "List the host names the site is served under; a wildcard enables Host-header poisoning of "
            "password-reset links and caches.",
        ),
        Rule(
            "ZC-CONF-AUTOESCAPE",
            "TemplateAutoescapeOff",
            79,
            "warning",
            "HTML autoescaping is switched off for templates.",
            "Keep autoescaping on (`autoescape=True` / `select_autoescape()`, no `{% autoescape off %}`) and mark "
            "only trusted, already-escaped HTML as safe.",
        ),
        Rule(
            "ZC-CONF-SAFE-FILTER",
            "SafeFilterOnRequestData",
            79,
            "error",
            "Request data is rendered with the `safe` filter, bypassing HTML escaping.",
            "Drop `|safe` for anything that comes from the request; escape it (the default) or sanitise it "
            "with an HTML sanitiser first.",
        ),
        Rule(
            "ZC-CONF-SESSION-FIXATION",
            "SessionNotRegeneratedAtLogin",
            384,
            "warning",
            "A login stores the user in the existing session without issuing a new session id.",
            "Start a new session at login: aiohttp_session `new_session(request)`, Django `login()` or "
            "`request.session.cycle_key()`.",
        ),
    )
}


def make_finding(code: str, span: Span, detail: str, engine: str, **data: object) -> Finding:
    """A finding for rule `code`: its severity and CWE, `detail` saying what exactly was seen."""
    rule = RULES[code]
    return Finding(
        span=span,
        severity=rule.severity,
        code=code,
        message=f"{detail} {rule.advice}",
        engine=engine,
        data={"cwe": rule.cwe, **data},
    )


def explain_rule(code: str) -> str | None:
    """Markdown for `zc.explainFinding`: what the rule means, why it matters, how to fix it."""
    rule = RULES.get(code)
    if rule is None:
        return None
    return (
        f"## What it means\n\n{rule.summary} ({rule.name}, CWE-{rule.cwe})\n\n"
        f"## How to fix\n\n{rule.advice}\n\n"
        f"To keep this finding on one line on purpose, add `# zc: ignore[{code}]` to it "
        "(`{# zc: ignore[...] #}` in templates; a comment line just above in `.env` and INI files)."
    )
