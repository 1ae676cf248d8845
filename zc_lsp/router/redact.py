"""Secrets never leave the machine: they are swapped for placeholders before any model call.

Known token formats are matched by our own patterns (fast, precise); values assigned to
secret-looking names are found by our assignment rule plus detect-secrets' KeywordDetector,
which is imported only when a line looks like it could hold one (it costs ~0.1 s to import).
The placeholder -> secret map lives only in the `Redaction` object, in memory, and is used to
put the secrets back into the model's reply (also across stream chunks).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

PLACEHOLDER_PREFIX = "[[ZC_SECRET_"
_PLACEHOLDER_RE = re.compile(r"\[\[ZC_SECRET_(\d+)\]\]")
MIN_SECRET_LEN = 6

# Whole-token formats: the match (or group "s") is the secret. Each pattern runs only when one of
# its literal triggers occurs in the text (a C-speed substring test), which keeps redaction of an
# ordinary prompt well under a millisecond.
_TOKEN_PATTERNS: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    (("PRIVATE KEY",), re.compile(
        r"-----BEGIN (?P<kind>[A-Z0-9 ]*?)PRIVATE KEY(?: BLOCK)?-----.*?-----END (?P=kind)PRIVATE KEY(?: BLOCK)?-----",
        re.DOTALL)),
    (("sk-ant-",), re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{20,}")),
    (("sk-",), re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}")),
    (("k_live_", "k_test_"), re.compile(r"\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    (("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"),
     re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")),
    (("AIza",), re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}")),
    (("github_pat_",), re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}")),
    (("glpat-",), re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    (("xox",), re.compile(r"\bxox[abposre]-[A-Za-z0-9\-]{10,}")),
    (("hf_",), re.compile(r"\bhf_[A-Za-z0-9]{30,}")),
    (("npm_",), re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    (("hooks.slack.com",), re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/]+")),
    (("eyJ",), re.compile(r"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}")),
    (("bearer", "basic", "token", "Bearer", "Basic", "Token", "BEARER", "BASIC", "TOKEN"),
     re.compile(r"(?i)\b(?:Bearer|Basic|Token)\s+(?P<s>[A-Za-z0-9\-._~+/]{16,}=*)")),
    # user:password@host in any URL scheme; only the password is secret.
    (("://",), re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'\"]+:(?P<s>[^\s@/'\"]{3,})@")),
]
_KEYWORDS = ("secret", "passw", "pwd", "passphrase", "token", "key", "credential", "conn")

_NAME_WORDS = (
    r"[A-Za-z_$@\-]?[\w.\-]*?(?:secret|passw(?:or)?d|passwd|pwd|passphrase|token|api[_\-]?key|apikey"
    r"|access[_\-]?key|private[_\-]?key|auth[_\-]?key|credentials?|signing[_\-]?key"
    r"|encryption[_\-]?key|session[_\-]?key|client[_\-]?key|conn(?:ection)?[_\-]?str(?:ing)?)[\w\-]*"
)
# NAME = value, NAME: value, "name": "value", NAME := value, name => value, --name=value
_ASSIGNMENT = re.compile(
    r"(?i)(?P<name>" + _NAME_WORDS + r")[\"']?\s*(?:=|:=|:|=>)\s*"
    r"(?:(?P<q>[\"'`])(?P<qv>[^\"'`\n]{4,}?)(?P=q)|(?P<uv>[^\s\"'`,;#}\])]{6,}))"
)
_XML_ELEMENT = re.compile(r"(?i)<(?P<tag>" + _NAME_WORDS + r")>(?P<qv>[^<\n]{4,})</(?P=tag)>")
_NOT_A_SECRET = {"changeme", "password", "secret", "example", "redacted", "placeholder", "none",
                 "null", "true", "false", "undefined", "xxxxxx", "your-key", "your_key"}


def shannon_entropy(value: str) -> float:
    """Bits per character; random keys score ~4+, words and identifiers ~2.5-3.5."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_secret(value: str, quoted: bool) -> bool:
    """Decide whether a value assigned to a secret-looking name is a real secret, not code."""
    v = value.strip()
    if len(v) < MIN_SECRET_LEN or v.lower() in _NOT_A_SECRET or len(set(v)) <= 2:
        return False
    if v.startswith(("${", "{{", "<", "%(", "$(", "os.", "env(", "process.env", "getenv")):
        return False
    if _PLACEHOLDER_RE.search(v) or any(ch.isspace() for ch in v):
        return False
    if re.fullmatch(r"[\d.]+", v):
        return False
    has_digit = any(ch.isdigit() for ch in v)
    if not quoted:
        # Unquoted values are often code: identifiers, attribute paths, calls, type hints.
        if re.fullmatch(r"[A-Za-z_][\w.]*(?:[(\[].*)?", v) and not has_digit:
            return False
        if "(" in v or "[" in v:
            return False
    return has_digit or shannon_entropy(v) >= 3.0 or (quoted and len(v) >= 10)


def _keyword_detector_values(line: str) -> set[str]:
    """detect-secrets' KeywordDetector, which knows many assignment syntaxes per file type."""
    try:
        from detect_secrets.plugins.keyword import KeywordDetector
    except ImportError as exc:  # detect-secrets is a dependency; say so if it went missing
        log.warning("detect-secrets unavailable, using built-in patterns only: %s", exc)
        return set()
    found: set[str] = set()
    detector = KeywordDetector()
    for filename in ("x.py", "x.yaml"):
        for secret in detector.analyze_line(filename=filename, line=line, line_number=1):
            value = secret.secret_value or ""
            if len(value) >= MIN_SECRET_LEN and not _PLACEHOLDER_RE.search(value):
                found.add(value)
    return found


def _is_quoted(value: str, line: str) -> bool:
    return any(f"{q}{value}{q}" in line for q in "\"'`")


def find_secrets(text: str, *, use_detect_secrets: bool = True) -> set[str]:
    """Every secret value in `text` (strings to replace wherever they occur)."""
    found: set[str] = set()
    for triggers, pattern in _TOKEN_PATTERNS:
        if not any(t in text for t in triggers):
            continue
        for m in pattern.finditer(text):
            value = m.group("s") if "s" in pattern.groupindex and m.group("s") else m.group(0)
            if len(value) >= MIN_SECRET_LEN and not _PLACEHOLDER_RE.search(value):
                found.add(value)
    lower = text.lower()
    if not any(k in lower for k in _KEYWORDS):
        return found
    # Assignments are only looked for on lines that mention a secret-looking word.
    lines = [ln for ln in text.splitlines() if any(k in ln.lower() for k in _KEYWORDS)]
    for line in lines:
        before = len(found)
        for rule in (_ASSIGNMENT, _XML_ELEMENT):
            for m in rule.finditer(line):
                quoted = m.group("qv") is not None
                value = m.group("qv") if quoted else m.group("uv")
                if value and _looks_secret(value, quoted):
                    found.add(value.strip())
        # detect-secrets is the second opinion for lines our own rule found nothing on.
        if use_detect_secrets and len(found) == before and len(line) < 2000 and re.search(r"[=:>]", line):
            found |= {v for v in _keyword_detector_values(line) if _looks_secret(v, _is_quoted(v, line))}
    return found


@dataclass
class Redaction:
    """Redacted texts plus the in-memory map to restore them. Never persist `mapping`."""

    texts: list[str]
    mapping: dict[str, str] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:  # never show secrets in logs or tracebacks
        return f"Redaction(secrets={len(self.mapping)})"

    @property
    def count(self) -> int:
        return len(self.mapping)

    def restore(self, text: str) -> str:
        if not self.mapping:
            return text
        return _PLACEHOLDER_RE.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), text)

    def restorer(self) -> StreamRestorer:
        return StreamRestorer(self)


class StreamRestorer:
    """Restores placeholders in a stream, holding back a chunk tail that may be half a placeholder."""

    def __init__(self, redaction: Redaction) -> None:
        self._redaction = redaction
        self._buffer = ""

    def feed(self, chunk: str) -> str:
        if not self._redaction.mapping:
            return chunk
        self._buffer = self._redaction.restore(self._buffer + chunk)
        cut = _partial_start(self._buffer)
        out, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return out

    def flush(self) -> str:
        out, self._buffer = self._redaction.restore(self._buffer), ""
        return out


def _partial_start(buf: str) -> int:
    """Index where a possibly incomplete placeholder starts at the end of `buf`, else len(buf).

    The earliest candidate wins: in "use [[" the partial placeholder starts at the first "[".
    """
    floor = max(0, len(buf) - 32)
    i = buf.find("[", floor)
    while i != -1:
        tail = buf[i:]
        if len(tail) <= len(PLACEHOLDER_PREFIX):
            if PLACEHOLDER_PREFIX.startswith(tail):
                return i
        elif tail.startswith(PLACEHOLDER_PREFIX) and re.fullmatch(r"\d+\]?", tail[len(PLACEHOLDER_PREFIX):]):
            return i
        i = buf.find("[", i + 1)
    return len(buf)


def redact(*texts: str, use_detect_secrets: bool = True) -> Redaction:
    """Replace every secret in all `texts` with numbered placeholders shared across them."""
    secrets: set[str] = set()
    for text in texts:
        secrets |= find_secrets(text, use_detect_secrets=use_detect_secrets)
    if not secrets:
        return Redaction(list(texts))
    existing = [int(n) for t in texts for n in _PLACEHOLDER_RE.findall(t)]
    counter = max(existing, default=0)
    by_secret: dict[str, str] = {}
    # Longest first, so a secret containing a shorter one is replaced whole.
    alternation = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))

    def repl(m: re.Match[str]) -> str:
        nonlocal counter
        value = m.group(0)
        if value not in by_secret:
            counter += 1
            by_secret[value] = f"{PLACEHOLDER_PREFIX}{counter}]]"
        return by_secret[value]

    out = [alternation.sub(repl, text) for text in texts]
    return Redaction(out, {ph: secret for secret, ph in by_secret.items()})


def no_redaction(*texts: str) -> Redaction:
    """The identity redaction, for local providers when `privacy.redact_local` is false."""
    return Redaction(list(texts))


def summary(redaction: Redaction) -> dict[str, Any]:
    """What may be logged or audited about a redaction: a count, never values."""
    return {"secrets_redacted": redaction.count}
