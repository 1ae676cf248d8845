"""The one redactor: every text for a provider, and everything stored or logged, passes through here.

Layers, all on the same text (see docs/security.md):
1. our token formats (`rules.py`: cloud keys, PEM/OpenSSH blocks, credentials in URLs of any scheme);
2. values given to secret-looking names in any syntax, and passwords in prose (`assign.py`);
3. detect-secrets with every plugin on candidate lines (and only where a plugin can fire, `ds_gate.py`,
   so a log line of paths and counts never loads it), high-entropy runs, base64 that decodes to a
   secret, and string literals joined by concatenation (`extra.py`);
4. every secret this process has already seen (kept in memory only), so a secret found once is
   also masked where it appears without its tell-tale context (a model reply, a log line).

`redact()` returns placeholders plus the in-memory map to restore them for the user;
`scrub()` is the one-way form for storage and logs.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from zc_lsp.core.redact.assign import NAME, find_assigned, placeholder_like, shannon_entropy
from zc_lsp.core.redact.ds_gate import detect_secrets_may_fire
from zc_lsp.core.redact.extra import (
    decoded_base64,
    detect_secrets_values,
    high_entropy_tokens,
    is_candidate_line,
    joined_literals,
)
from zc_lsp.core.redact.restore import PLACEHOLDER_PREFIX, PLACEHOLDER_RE, Redaction, StreamRestorer
from zc_lsp.core.redact.rules import run_rules

__all__ = [
    "PLACEHOLDER_PREFIX", "Redaction", "StreamRestorer", "find_secrets", "no_redaction", "redact", "remember",
    "scrub", "shannon_entropy", "summary",
]

MIN_SECRET_LEN = 3
REDACTED = "[REDACTED]"  # what storage and logs hold instead of a secret: nothing to restore
_MAX_DS_LINE = 4000  # longer lines (minified code, data) get our rules only
_MAX_DEPTH = 2  # base64 inside base64
_KNOWN_MAX = 20_000
_known: OrderedDict[str, None] = OrderedDict()
_known_lock = threading.Lock()
_ASSIGNED_EXPR = re.compile(NAME + r"[\"'`\]]?\s*(?:=|:=|:|=>)\s*[(\[]?\s*$")


def remember(values: set[str] | list[str]) -> None:
    """Keep secrets seen in this process (memory only) so later texts mask them without context."""
    with _known_lock:
        for v in values:
            if _strong(v):
                _known[v] = None
                _known.move_to_end(v)
        while len(_known) > _KNOWN_MAX:
            _known.popitem(last=False)


def _strong(v: str) -> bool:
    """Only values that cannot be ordinary words are masked everywhere later (no cross-file false positives)."""
    if len(v) < 8 or any(c.isspace() for c in v):
        return False
    return any(c.isdigit() for c in v) and any(c.isalpha() for c in v) or shannon_entropy(v) >= 3.0


def _known_in(text: str) -> set[str]:
    with _known_lock:
        values = list(_known)
    return {v for v in values if v in text}


def find_secrets(text: str, *, use_detect_secrets: bool = True, _depth: int = 0) -> set[str]:
    """Every secret value in `text` (strings to replace wherever they occur)."""
    found: set[str] = set()
    if not text:
        return found
    run_rules(text, found)
    find_assigned(text, found)
    for joined, pieces, start in joined_literals(text):
        inner = find_secrets(joined, use_detect_secrets=False, _depth=_MAX_DEPTH)
        line_start = text.rfind("\n", 0, start) + 1
        named = _ASSIGNED_EXPR.search(text[line_start:start]) is not None
        if inner or named or high_entropy_tokens(joined) or _b64ish(joined):
            found.update(p for p in pieces if len(p) >= 4 and not placeholder_like(p))
            found.update(inner)
    if use_detect_secrets:
        for line in text.splitlines():
            # the gate changes no result: it skips only lines on which no plugin can report anything
            if len(line) <= _MAX_DS_LINE and is_candidate_line(line) and detect_secrets_may_fire(line):
                found |= detect_secrets_values(line)
    found |= high_entropy_tokens(text)
    if _depth < _MAX_DEPTH:
        for token, decoded in decoded_base64(text):
            if token in found:
                continue
            if find_secrets(decoded, use_detect_secrets=use_detect_secrets, _depth=_depth + 1) or re.fullmatch(
                r"[^:\s]{1,64}:[^\s:]{4,}", decoded.strip()
            ):
                found.add(token)
    found = {v for v in found if len(v) >= MIN_SECRET_LEN and not PLACEHOLDER_RE.search(v)}
    if _depth == 0:
        found |= _known_in(text)
        remember(found)
    return found


def _b64ish(value: str) -> bool:
    return len(value) >= 24 and not any(c.isspace() for c in value) and shannon_entropy(value) >= 4.2 and any(c.isdigit() for c in value)


def redact(*texts: str, use_detect_secrets: bool = True) -> Redaction:
    """Replace every secret in all `texts` with numbered placeholders shared across them."""
    secrets: set[str] = set()
    joined = "\n".join(texts)
    secrets |= find_secrets(joined, use_detect_secrets=use_detect_secrets)
    if not secrets:
        return Redaction(list(texts))
    existing = [int(n) for t in texts for n in PLACEHOLDER_RE.findall(t)]
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


_guard = threading.local()
_DIGEST_KEY = re.compile(r"(?i)(?:\w*_)?(?:sha\d*|md5|hash|digest|etag|checksum|commit)")
_HEXDIGEST = re.compile(r"[0-9a-f]{32,128}")  # a content hash under a digest-named key is kept


def scrub(text: str) -> str:
    """The one-way form for storage and logs: secrets become placeholders and the map is dropped."""
    if not text or getattr(_guard, "busy", False):
        return text
    _guard.busy = True  # logging from inside the redactor must not re-enter it
    try:
        secrets = find_secrets(text)
        if not secrets:
            return text
        alternation = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))
        return alternation.sub(REDACTED, text)
    finally:
        _guard.busy = False


def scrub_value(value: Any) -> Any:
    """scrub() through str, list, tuple and dict values (JSON-like rows before they are stored)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: v if _DIGEST_KEY.fullmatch(str(k)) and isinstance(v, str) and _HEXDIGEST.fullmatch(v)
                else scrub_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_value(v) for v in value)
    return value


def no_redaction(*texts: str) -> Redaction:
    """The identity redaction, for local providers when `privacy.redact_local` is false."""
    return Redaction(list(texts))


def summary(redaction: Redaction) -> dict[str, Any]:
    """What may be logged or audited about a redaction: a count, never values."""
    return {"secrets_redacted": redaction.count}
