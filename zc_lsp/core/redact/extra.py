"""The second opinions: detect-secrets (every plugin), high entropy, base64 of a secret, joined pieces.

detect-secrets costs ~0.1 s to import and ~1 ms per line with all plugins, so it is imported on
first need and run only on candidate lines (a keyword or a long token-like run). Its plugins are
instantiated directly with the library's defaults: the global settings object (and its optional
network verification) are never touched, so concurrent redactions in threads do not race.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from zc_lsp.core.redact.assign import KEYWORDS, placeholder_like, shannon_entropy, value_is_secret
from zc_lsp.core.redact.ds_gate import load_detect_secrets, note_installed_plugins

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{20,}={0,2}")
_HEX = re.compile(r"\b[a-fA-F0-9]{32,}\b")
_HASH_WORD = re.compile(r"(?i)(?:sha\d*|md5|hash|digest|commit|rev|etag|checksum|blake2\w*)\W{0,3}$")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_B64_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{12,}={0,2}(?![A-Za-z0-9+/_\-])")
# "a" + "b", 'a' 'b' (implicit), "a" . "b" (PHP), "a" || "b" (SQL), with line continuations.
_STR = r"(?:\"[^\"\\\n]*\"|'[^'\\\n]*'|`[^`\\\n]*`)"
_CONCAT = re.compile(_STR + r"(?:[ \t]*(?:\+|\.|\|\||&)?[ \t]*\\?\n?[ \t]*" + _STR + r")+")
_LITERAL = re.compile(_STR)

_lock = threading.Lock()
_plugins: list[Any] | None = None
_filters: list[Callable[[str], bool]] = []


def _load_plugins() -> list[Any]:
    """Every detect-secrets plugin with its default settings, built once per process."""
    global _plugins
    with _lock:
        if _plugins is None:
            load_detect_secrets()
            from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
            from detect_secrets.filters import heuristic

            mapping = get_mapping_from_secret_type_to_class()
            _plugins = [cls() for cls in mapping.values()]
            note_installed_plugins(set(mapping))
            _filters.extend((heuristic.is_sequential_string, heuristic.is_potential_uuid,
                             heuristic.is_templated_secret, heuristic.is_prefixed_with_dollar_sign))
    return _plugins


def is_candidate_line(line: str) -> bool:
    """Worth a detect-secrets pass: mentions a secret word or holds a long token-like run."""
    return any(k in line for k in KEYWORDS) or _TOKEN.search(line) is not None


def detect_secrets_values(line: str, filenames: tuple[str, ...] = ("x.py", "x.yaml")) -> set[str]:
    """All detect-secrets plugins on one line; keyword rules for code and config file types."""
    out: set[str] = set()
    try:
        plugins = _load_plugins()
    except ImportError as exc:  # a declared dependency; missing means a broken install, say so loudly
        log.error("detect-secrets is not importable, redaction runs on our own rules only: %s", exc)
        return out
    for plugin in plugins:
        keyword = type(plugin).__name__ == "KeywordDetector"
        names = filenames if keyword else filenames[:1]
        for filename in names:
            try:
                hits = plugin.analyze_line(filename=filename, line=line, line_number=0)
            except Exception as exc:  # one plugin's bug must not stop the others; it is logged
                log.warning("detect-secrets plugin %s failed: %s", type(plugin).__name__, exc)
                continue
            for hit in hits:
                value = hit.secret_value or ""
                if not value or placeholder_like(value) or any(f(value) for f in _filters):
                    continue
                # the keyword plugin reports whatever follows `password =`; keep literal secrets, not code
                if keyword and not value_is_secret(value, quoted=_quoted_in(value, line)):
                    continue
                out.add(value)
    return out


def _quoted_in(value: str, line: str) -> bool:
    return any(f"{q}{value}{q}" in line for q in "\"'`")


def high_entropy_tokens(text: str) -> set[str]:
    """Unquoted random-looking runs: long, mixed letters and digits, high entropy, not a UUID or path."""
    out: set[str] = set()
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        core = tok.rstrip("=")
        if _UUID.fullmatch(core) or "[[ZC_SECRET_" in tok or placeholder_like(core):
            continue
        digits = sum(ch.isdigit() for ch in core)
        upper = sum(ch.isupper() for ch in core)
        lower = sum(ch.islower() for ch in core)
        if re.fullmatch(r"[a-z]+(?:[_\-][a-z0-9]+)+|[a-zA-Z]+", core) or core.count("/") >= 2 and digits < 4:
            continue  # snake_case, kebab-case, words, paths
        parts = re.split(r"[_\-]", core)
        if len(parts) >= 3 and sum(p.isalpha() for p in parts) * 2 > len(parts):
            continue  # mostly words joined by dashes: a slug or a label, not a key
        if digits >= 2 and upper >= 2 and lower >= 2 and len(core) >= 20 and shannon_entropy(core) >= 4.0:
            out.add(tok)
    for m in _HEX.finditer(text):
        tok = m.group(0)
        if _HASH_WORD.search(text[max(0, m.start() - 16) : m.start()]):
            continue  # sha256:..., commit ..., etag: a digest, not a key
        if sum(ch.isdigit() for ch in tok) >= 4 and any(ch.isalpha() for ch in tok) and shannon_entropy(tok) >= 3.3:
            out.add(tok)
    return out


def decoded_base64(text: str) -> list[tuple[str, str]]:
    """(token, decoded text) for each base64 run that decodes to printable text."""
    out: list[tuple[str, str]] = []
    for m in _B64_CANDIDATE.finditer(text):
        tok = m.group(0)
        if len(tok) < 12 or tok.isalpha() or tok.isdigit() or "_" in tok and "-" not in tok and tok.islower():
            continue
        raw = _b64decode(tok)
        if raw is None:
            continue
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in decoded)
        if decoded and printable / len(decoded) > 0.95 and len(decoded) >= 6:
            out.append((tok, decoded))
    return out


def _b64decode(tok: str) -> bytes | None:
    padded = tok + "=" * (-len(tok) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            return decode(padded.encode(), validate=True) if decode is base64.b64decode else decode(padded.encode())
        except (binascii.Error, ValueError):
            continue
    return None


def joined_literals(text: str) -> list[tuple[str, list[str], int]]:
    """(joined value, pieces) for string literals glued by concatenation: "sk_live_" + "abc..."."""
    if not any(q in text for q in "\"'`"):
        return []
    out: list[tuple[str, list[str], int]] = []
    for m in _CONCAT.finditer(text):
        pieces = [lit[1:-1] for lit in _LITERAL.findall(m.group(0))]
        if len(pieces) >= 2 and all(pieces) and not any(" " in p for p in pieces):
            out.append(("".join(pieces), pieces, m.start()))
    return out
