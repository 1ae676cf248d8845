"""Secret detection: detect-secrets' plugins plus our own patterns for the keys people leak most.

Findings name the kind of secret and where it is, never the secret itself: a message ends up in
editor logs, memory and possibly a model prompt. Blocking work: call `scan_secrets` in a thread.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zc_lsp.agents.engines.lines import changed_window, split_lines
from zc_lsp.agents.engines.secret_values import (
    NAME_LIKE_VALUE,
    masked,
    name_on_line,
    named_by_itself,
    names_a_thing,
    not_a_value,
    pem_body,
)
from zc_lsp.core.redact.ds_gate import detect_secrets_may_fire, load_detect_secrets
from zc_lsp.core.types import Finding, Span

log = logging.getLogger(__name__)
ENGINE_VERSION = "2"  # bump when findings change for the same input: review caches key on it

# detect-secrets keeps its plugin settings in a process-wide global; scans must not interleave.
_DETECT_SECRETS_LOCK = threading.Lock()
_NOT_SECRETS = {"Public IP (ipv4)"}

# detect-secrets type -> our code suffix. Unlisted types are slugged ("Stripe Access Key" -> STRIPE-ACCESS-KEY).
_DS_TYPES = {
    "AWS Access Key": "AWS",
    "GitHub Token": "GITHUB",
    "Slack Token": "SLACK",
    "OpenAI Token": "OPENAI",
    "JSON Web Token": "JWT",
    "Private Key": "PRIVATE-KEY",
    "Secret Keyword": "KEYWORD",
    "Base64 High Entropy String": "HIGH-ENTROPY",
    "Hex High Entropy String": "HIGH-ENTROPY",
}
LABELS = {
    "AWS": "AWS access key",
    "GITHUB": "GitHub token",
    "SLACK": "Slack token",
    "OPENAI": "OpenAI API key",
    "ANTHROPIC": "Anthropic API key",
    "JWT": "JSON Web Token",
    "PRIVATE-KEY": "private key",
    "KEYWORD": "password or secret in a secret-named variable",
    "HIGH-ENTROPY": "high-entropy secret-like value",
}
_KEYWORD_PLUGIN = frozenset({"Secret Keyword"})
_GENERIC = {"KEYWORD", "HIGH-ENTROPY"}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("AWS", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("AWS", re.compile(r"(?i)aws_?secret_?access_?key\W{0,4}[:=]\s*[\"']?([A-Za-z0-9/+=]{40})\b")),
    (
        "GITHUB",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
    ),
    ("SLACK", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    (
        "SLACK",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
    ),
    ("ANTHROPIC", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("OPENAI", re.compile(r"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")),
    ("JWT", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}")),
]
_PEM_BEGIN = re.compile(r"-----BEGIN ((?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----")
_SECRET_NAME = re.compile(
    r"(?i)\b([A-Za-z_][A-Za-z0-9_]*(?:secret|token|passw(?:or)?d|pwd|api_?key|access_?key|"
    r"private_?key|auth(?!or(?!iz))|credential|signing_?key)[A-Za-z0-9_]*)[\"']?\s*(?::\s*[A-Za-z_][\w\[\], |]*)?"
    r"\s*[:=]\s*[rbuRBU]?([\"'])([^\"'\s]{12,})\2"
)
ALLOWLIST_PRAGMA = "pragma: allowlist secret"  # detect-secrets' marker; we honour it too
MIN_ENTROPY = 3.5  # bits per character; random tokens score ~4-6, words and paths ~2.5-3.3


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


@dataclass(frozen=True)
class _Hit:
    kind: str
    span: Span
    detector: str


# Lines that could hold anything a detect-secrets plugin reports: a long token (entropy plugins
# need >= ~23 base64 characters; vendor keys are 20+), a hex run, a credential keyword, a URL
# with credentials, or an allowlist pragma. Only these are scanned: detect-secrets costs ~0.2 ms a
# line, 1.2 s on a 6,400-line module, and typically fewer than 3% of lines qualify.
# Our own patterns below all need one of these traits too.
# Two patterns, the words matched on the lowered line: one case-insensitive alternation tried at
# every position cost 3x more (17 ms against 6 ms on a 6,400-line module), and this runs per keystroke.
_CANDIDATE_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-]{20,}|[0-9a-fA-F]{8,}")
_CANDIDATE_WORD = re.compile(r"pass|pwd|secret|token|key|auth|cred|private|contras|://|allowlist")
# detect-secrets' findings per candidate line (it scans a file of them line by line, so a line's
# findings depend on the line and the file name alone): a review after an edit rescans only the
# lines that changed.
# Bounded: candidate lines are a few percent of a file, so this holds many files' worth.
_DS_CACHE_LINES = 4096
_ds_cache: OrderedDict[tuple[str, str], tuple[tuple[str, str], ...]] = OrderedDict()  # (stem, line) ->
_ds_cache_lock = threading.Lock()


def candidate_lines(lines: list[str], start: int = 0) -> list[int]:
    """Indexes of the lines worth scanning at all; every pattern below needs one of these traits."""
    word, token = _CANDIDATE_WORD.search, _CANDIDATE_TOKEN.search
    return [no for no, line in enumerate(lines, start) if word(line.lower()) or token(line)]


# The last lines and candidates per edited document: after an edit only the changed lines are tested
# (the filter over a 6,400-line module is ~5 ms, most of a keystroke's secret scan).
_DOC_CANDIDATES: OrderedDict[str, tuple[list[str], list[int]]] = OrderedDict()
_DOC_CANDIDATES_MAX = 32


def _candidates_for(lines: list[str], doc_key: str | None) -> list[int]:
    previous = _DOC_CANDIDATES.get(doc_key) if doc_key is not None else None
    if previous is None:
        candidates = candidate_lines(lines)
    else:
        old_lines, old = previous
        a, old_end, new_end = changed_window(old_lines, lines)
        delta = new_end - old_end
        candidates = [n for n in old if n < a]
        candidates += candidate_lines(lines[a:new_end], a)
        candidates += [n + delta for n in old if n >= old_end]
    if doc_key is not None:
        with _ds_cache_lock:
            _DOC_CANDIDATES[doc_key] = (lines, candidates)
            _DOC_CANDIDATES.move_to_end(doc_key)
            while len(_DOC_CANDIDATES) > _DOC_CANDIDATES_MAX:
                _DOC_CANDIDATES.popitem(last=False)
    return candidates


def forget_document(doc_key: str) -> None:
    """The document closed: its candidate lines go."""
    with _ds_cache_lock:
        _DOC_CANDIDATES.pop(doc_key, None)


def _pattern_hits(lines: list[str], candidates: list[int]) -> list[_Hit]:
    hits: list[_Hit] = []
    pem_start: tuple[int, int] | None = None
    for no in candidates:
        line = lines[no]
        if ALLOWLIST_PRAGMA in line:
            continue
        if pem_start is None and (m := _PEM_BEGIN.search(line)):
            pem_start = (no, m.start())
        if pem_start is not None and (m := _PEM_END.search(line)):
            if pem_body(lines, pem_start, (no, m.start())):
                hits.append(_Hit("PRIVATE-KEY", Span(pem_start[0], pem_start[1], no, m.end()), "pattern"))
            pem_start = None
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(line):
                group = 1 if pattern.groups else 0
                if masked(m.group(group)):
                    continue
                hits.append(_Hit(kind, Span(no, m.start(group), no, m.end(group)), "pattern"))
        for m in _SECRET_NAME.finditer(line):
            value = m.group(3)
            if (
                shannon_entropy(value) >= MIN_ENTROPY
                and not value.startswith(("http", "/", "$", "{"))
                and not names_a_thing(m.group(1), value)
            ):
                hits.append(_Hit("HIGH-ENTROPY", Span(no, m.start(3), no, m.end(3)), "pattern"))
    if pem_start is not None and pem_body(lines, pem_start, None):  # BEGIN without END (a truncated paste)
        hits.append(
            _Hit(
                "PRIVATE-KEY",
                Span(pem_start[0], pem_start[1], pem_start[0], len(lines[pem_start[0]])),
                "pattern",
            )
        )
    return hits


def _plugins() -> list[dict[str, str]]:
    load_detect_secrets()  # once, under one lock: concurrent first imports fail
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    return [
        {"name": plugin.__name__}
        for type_name, plugin in get_mapping_from_secret_type_to_class().items()
        if type_name not in _NOT_SECRETS
    ]


_batch = threading.local()  # .folder, .count: set inside batch_session() in this thread


@contextmanager
def batch_session() -> Iterator[None]:
    """One detect-secrets setup (settings, temp folder, lock) for many scans in this thread.

    Per scan the setup costs ~2.6 ms (a temp folder made and removed, settings copied and caches
    busted): 0.16 s of a 64-file batch review. Holds the detect-secrets lock until it ends.
    """
    load_detect_secrets()  # once, under one lock: concurrent first imports fail
    from detect_secrets.settings import transient_settings

    with (
        tempfile.TemporaryDirectory(prefix="zc-secrets-") as tmp,
        _DETECT_SECRETS_LOCK,
        transient_settings({"plugins_used": _plugins()}),
    ):
        _batch.folder, _batch.count = Path(tmp), 0
        try:
            yield
        finally:
            _batch.folder = None


def _scan_uncached(lines: list[str], stem: str) -> dict[int, list[tuple[str, str]]]:
    """detect-secrets over a temp file of `lines`: (type, value) per index into `lines`."""
    load_detect_secrets()  # once, under one lock: concurrent first imports fail
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    text = "\n".join(lines) + "\n"
    # The extension matters: detect-secrets picks its keyword patterns by file type; the name
    # too (its filters skip e.g. swagger files).
    folder = getattr(_batch, "folder", None)
    if folder is not None:  # inside batch_session(): settings and lock are held already
        _batch.count += 1
        path = folder / str(_batch.count) / (stem + ".py")
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        found = list(scan_file(str(path)))
    else:
        with tempfile.TemporaryDirectory(prefix="zc-secrets-") as tmp:
            path = Path(tmp) / (stem + ".py")
            path.write_text(text, encoding="utf-8")
            with _DETECT_SECRETS_LOCK, transient_settings({"plugins_used": _plugins()}):
                found = list(scan_file(str(path)))
    by_index: dict[int, list[tuple[str, str]]] = {}
    for secret in found:
        index = secret.line_number - 1
        if 0 <= index < len(lines):
            by_index.setdefault(index, []).append((secret.type, secret.secret_value or ""))
    return by_index


def _detect_secrets_hits(lines: list[str], origin: list[int], filename: str) -> list[_Hit]:
    """detect-secrets' findings on the candidate lines; only lines not seen before are scanned."""
    if not origin:
        return []
    stem = Path(filename).stem
    with _ds_cache_lock:
        known = {no: _ds_cache.get((stem, lines[no])) for no in origin}
    missing = [no for no, found in known.items() if found is None]
    for no in [no for no in missing if not detect_secrets_may_fire(lines[no])]:
        known[no] = ()  # no plugin can fire on it (core/redact/ds_gate.py): the same result, unscanned
    missing = [no for no in missing if known[no] is None]
    if missing:
        fresh = _scan_uncached([lines[no] for no in missing], stem)
        with _ds_cache_lock:
            for index, no in enumerate(missing):
                key = (stem, lines[no])
                known[no] = _ds_cache[key] = tuple(fresh.get(index, ()))
                _ds_cache.move_to_end(key)
            while len(_ds_cache) > _DS_CACHE_LINES:
                _ds_cache.popitem(last=False)
    hits: list[_Hit] = []
    for no in origin:
        line = lines[no]
        for secret_type, value in known[no] or ():
            if _DS_TYPES.get(secret_type) == "PRIVATE-KEY" and not pem_body(
                lines, (no, max(line.find("-----"), 0)), None
            ):
                continue  # a BEGIN marker in a parser's source, not a key (detect-secrets flags the line alone)
            if secret_type.endswith("High Entropy String") and value and NAME_LIKE_VALUE.fullmatch(value):
                continue  # __all__ = ["BetaManagedAgentsThreadLimitWorkflowRunErrorObject"]: a long name
            if value and masked(value):
                continue  # sk_live_XXXXXXXXXXXX: the format of a key, shown with its secret part masked
            if secret_type in ("Secret Keyword", "Basic Auth Credentials") and value and not_a_value(value):
                continue  # "challengePassword", "user:password@host", a sentence: words about a secret
            if secret_type in _KEYWORD_PLUGIN and value and named_by_itself(name_on_line(line, value), value):
                continue  # API_KEY_PARAM = "api_key", SECRET_NAME = "...": a name, said so by its own name
            col = line.find(value) if value else -1
            span = Span(no, col, no, col + len(value)) if col >= 0 else Span(no, 0, no, len(line))
            kind = _DS_TYPES.get(secret_type) or re.sub(r"[^A-Z0-9]+", "-", secret_type.upper())
            hits.append(_Hit(kind.strip("-"), span, "detect-secrets"))
    return hits


def _overlaps(a: Span, b: Span) -> bool:
    return (a.start_line, a.start_char) < (b.end_line, b.end_char) and (
        b.start_line,
        b.start_char,
    ) < (
        a.end_line,
        a.end_char,
    )


def scan_secrets(
    text: str, filename: str = "snapshot.py", use_detect_secrets: bool = True, doc_key: str | None = None
) -> list[Finding]:
    """Every hard-coded secret in `text`, one finding per place, the most specific type winning.

    `doc_key` (an editor document): only the lines changed since its last scan are filtered again."""
    lines = split_lines(text)
    candidates = _candidates_for(lines, doc_key)
    hits = _pattern_hits(lines, candidates)
    if use_detect_secrets:
        try:
            hits += _detect_secrets_hits(lines, candidates, filename)
        except Exception:  # a broken plugin must not hide what our own patterns found
            log.exception("detect-secrets failed; using built-in patterns only")
    hits.sort(key=lambda h: (h.kind in _GENERIC, h.detector != "pattern", h.span.start_line))
    kept: list[_Hit] = []
    for hit in hits:
        if not any(_overlaps(hit.span, k.span) for k in kept):
            kept.append(hit)
    kept.sort(key=lambda h: (h.span.start_line, h.span.start_char))
    return [_finding(h) for h in kept]


def _finding(hit: _Hit) -> Finding:
    label = LABELS.get(hit.kind, hit.kind.replace("-", " ").lower())
    return Finding(
        span=hit.span,
        severity="error",
        code=f"ZC-SECRET-{hit.kind}",
        message=(
            f"Hard-coded {label}: move it out of the source (environment variable or secret "
            "store) and rotate it, since anyone with this file has it."
        ),
        engine="secrets",
        data={"type": hit.kind, "detector": hit.detector, "cwe": 798},  # CWE-798: hard-coded credentials
    )


def preload() -> None:
    """Import detect-secrets' plugins ahead of the first review (~0.1 s); blocking, use a thread."""
    load_detect_secrets()  # once, under one lock: concurrent first imports fail
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    get_mapping_from_secret_type_to_class()
