"""Whether any detect-secrets plugin can report something on a line: one necessary condition per plugin.

detect-secrets loads requests and urllib3 (for the network verification we never use): ~6 MB that
an idle server would carry only because a log line held a path (a long token-like run, so a
candidate line). A line that fails every condition here gets nothing from any plugin, so skipping
it changes no result, and detect-secrets is imported only when some line can use it.

Each condition is what the plugin's own patterns require (detect-secrets 1.5): a literal, a word
in any case (the plugins matching with IGNORECASE), or a looser form of its regex.
`tests/unit/security/test_redact_ds_gate.py` checks that every installed plugin is listed here and
that whatever any plugin reports on generated and real lines passes the gate.
"""

from __future__ import annotations

import logging
import re
import sys
import threading

log = logging.getLogger(__name__)

# Plugins matching with IGNORECASE, by a word their every pattern contains. Compared against
# casefold(), which folds at least what `re.IGNORECASE` folds (the Kelvin sign, the long s).
_WORDS: dict[str, tuple[str, ...]] = {
    "Secret Keyword": ("key", "pass", "pw", "secret", "contrase"),  # api_key ... password, pwd, contraseña
    "AWS Access Key": ("aws",),  # the secret-key pattern; the key id is in _PATTERNS
    "Cloudant Credentials": ("key", "pw", "pass", "token", "cloudant"),  # cl + keyword, or a cloudant.com URL
    "IBM Cloud IAM Key": ("key", "pw", "pass", "token"),
    "IBM COS HMAC Credentials": ("secret",),
    "SoftLayer Credentials": ("key", "pw", "pass", "token", "softlayer"),
    "Slack Token": ("xox", "slack"),
    "NPM tokens": ("token",),  # //registry/:_authToken=
    "Azure Storage Account access key": ("key",),  # AccountKey=
    "Private Key": ("key",),  # BEGIN ... PRIVATE KEY, PuTTY-User-Key-File-2
}
_QUOTED_RUN = r"(?P<q>[\"'])[A-Za-z0-9+/\\=_-]{9,}(?P=q)"
# Case-sensitive plugins, by a pattern that matches wherever theirs does (prefixes, looser counts).
_PATTERNS: dict[str, str] = {
    "Artifactory Credentials": r"AKC[a-zA-Z0-9]{10}|AP[\dABCDEF][a-zA-Z0-9]{8}",
    "AWS Access Key": r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}",
    "Basic Auth Credentials": r"://",
    "Discord Bot Token": r"[MNO][\w-]{23,25}\.",
    "GitHub Token": r"gh[pousr]_",
    "GitLab Token": r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|GR1348941",
    "Public IP (ipv4)": r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}",
    "JSON Web Token": r"eyJ",
    "Mailchimp Access Key": r"[0-9a-z]{32}-us\d",
    "OpenAI Token": r"T3BlbkFJ",
    "PyPI Token": r"pypi-AgE",
    "SendGrid API Key": r"SG\.[\w-]{22}\.",
    "Square OAuth Secret": r"sq0csp-",
    "Stripe Access Key": r"[rs]k_live_",
    "Telegram Bot Token": r"\d{8,10}:[\w-]{35}",
    "Twilio API Key": r"(?:AC|SK)[a-z0-9]{32}",
    # Both entropy plugins look only inside quotes, at a run of their charset; the hex limit (3.0
    # bits) needs 9 distinct characters, the base64 one (4.5) needs 23.
    "Base64 High Entropy String": _QUOTED_RUN,
    "Hex High Entropy String": _QUOTED_RUN,
}
COVERED = frozenset(_WORDS) | frozenset(_PATTERNS)
_ALL_WORDS = tuple(sorted({w for words in _WORDS.values() for w in words}))
_ANY_PATTERN = re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(_PATTERNS.values())))


_open = False  # set when detect-secrets has a plugin listed nowhere here: every line goes to it


def note_installed_plugins(secret_types: set[str]) -> None:
    """Called when the plugins load: a plugin this gate does not know (a newer detect-secrets)
    opens the gate for good, so an upgrade can cost time but never a secret after that."""
    global _open
    unknown = sorted(secret_types - COVERED)
    if unknown and not _open:
        _open = True
        log.warning("detect-secrets plugins without a gate condition, every line goes to them: %s", unknown)


def detect_secrets_may_fire(line: str) -> bool:
    """False only when no detect-secrets plugin can report anything on `line`."""
    if _open:
        return True
    folded = line.casefold()
    return any(w in folded for w in _ALL_WORDS) or _ANY_PATTERN.search(line) is not None


_import_lock = threading.Lock()
_imported = False


def load_detect_secrets() -> None:
    """Import detect-secrets' modules once, under one lock, before any use of them.

    Its first import is lazy now (idle memory), so two threads can start it at once: the secret scan's
    and the redactor's. Concurrent first imports meet a partially initialised
    `detect_secrets.core.plugins` ("cannot import name 'Plugin' ... circular import"): the redactor
    then ran on our own rules only. ImportError (a broken install) passes to the caller.
    """
    global _imported
    if _imported:
        return
    with _import_lock:
        if _imported:
            return
        from zc_lsp.core.redact.deferred_requests import requests_deferred

        try:
            with requests_deferred():  # its online verification, never used here, loads `requests` if called
                _import_detect_secrets()
        except ImportError as exc:  # a detect-secrets that imports parts of requests by name: the usual way
            log.info("detect-secrets needs requests at import (%s): importing it", exc)
            for name in [m for m in sys.modules if m == "detect_secrets" or m.startswith("detect_secrets.")]:
                del sys.modules[name]  # half-imported by the failed attempt: start over
            _import_detect_secrets()
        _imported = True


def _import_detect_secrets() -> None:
    import detect_secrets.core.plugins.util  # noqa: F401 - the import is the point
    import detect_secrets.core.scan  # noqa: F401
    import detect_secrets.filters.common  # noqa: F401 - a scan imports it by name later
    import detect_secrets.filters.heuristic  # noqa: F401
    import detect_secrets.settings  # noqa: F401
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    get_mapping_from_secret_type_to_class()  # imports every plugin module now (inside the deferral)
