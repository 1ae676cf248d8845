"""Findings of a workspace review kept by content hash, so an unchanged file is not reviewed again.

A row's key is sha256 over the file's path (ids, per-file ignores and the test-file rules depend on
it), the sha256 of its bytes and a fingerprint of everything else that changes results: engine
versions and code, ruff's effective options and every ruff config file that can apply, and the
review settings. The file lives in the workspace's data folder (`review_cache.db`), never in the
project. Rows hold only what a scrub (`zc_lsp.core.redact.scrub`) lets through, and the exact text
at every secret finding's span is replaced too; a file whose quick-fix text a scrub would change is
not stored (a fix with a placeholder in it would break code). Bounded: least recently used rows go.
A cache that cannot be opened or written degrades to none, with one warning per file per process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.core.files import read_bounded
from zc_lsp.core.redact import REDACTED, find_secrets
from zc_lsp.core.types import Finding, Span, TextEdit
from zc_lsp.memory.db import MemoryUnavailable, SqliteStore

log = logging.getLogger(__name__)

CACHE_FILE = "review_cache.db"
FORMAT_VERSION = 1  # the stored row layout; bump when _encode/_decode change
MAX_ROWS = 4096  # a few KB a row: tens of MB at most
_ENGINES = Path(__file__).resolve().parent
_RUFF_CONFIGS = ("pyproject.toml", "ruff.toml", ".ruff.toml")
_MAX_CONFIG_BYTES = 4_000_000
_NOT_TEXT = frozenset({"id", "path"})  # finding data we make ourselves, stored as is


def _create(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE review_cache (key TEXT PRIMARY KEY, path TEXT NOT NULL, payload TEXT NOT NULL, "
        "used REAL NOT NULL)"
    )
    conn.execute("CREATE INDEX review_cache_used ON review_cache (used)")


class ReviewCacheStore(SqliteStore):
    MIGRATIONS = (_create,)
    TABLES = ("review_cache",)

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL stays consistent; a crash may only lose the last rows
        return conn


@dataclass
class CachedReview:
    findings: list[Finding]
    counts: dict[str, int]


def _edit(e: TextEdit) -> list[Any]:
    return [e.span.start_line, e.span.start_char, e.span.end_line, e.span.end_char, e.new_text]


def encode_finding(finding: Finding) -> dict[str, Any]:
    s = finding.span
    return {
        "span": [s.start_line, s.start_char, s.end_line, s.end_char],
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "source": finding.source,
        "url": finding.url,
        "fix": None if finding.fix is None else [_edit(e) for e in finding.fix],
        "fix_title": finding.fix_title,
        "engine": finding.engine,
        "data": finding.data,
    }


def decode_finding(row: dict[str, Any]) -> Finding:
    fix = row["fix"]
    return Finding(
        span=Span(*row["span"]),
        severity=row["severity"],
        code=row["code"],
        message=row["message"],
        source=row["source"],
        url=row["url"],
        fix_title=row["fix_title"],
        engine=row["engine"],
        data=row["data"],
        fix=None if fix is None else [TextEdit(Span(*e[:4]), e[4]) for e in fix],
    )


def _secret_texts(text: str, findings: Iterable[Finding]) -> list[str]:
    """The exact text at each credential finding's span (CWE-798), longest first: masked in every stored string."""
    lines = split_lines(text)
    found: set[str] = set()
    for f in findings:
        if f.engine != "secrets" and "SECRET" not in f.code and f.data.get("cwe") not in (798, "CWE-798"):
            continue
        s = f.span
        if s.start_line < len(lines) and s.start_line == s.end_line and s.end_char > s.start_char:
            found.add(lines[s.start_line][s.start_char : s.end_char])
    return sorted((v for v in found if len(v) >= 4), key=len, reverse=True)


def _walk(value: Any, fn: Callable[[str], str]) -> Any:
    """`fn` on every string of a JSON-like value but our own ids (hashes a scrub takes for tokens) and paths."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: v if k in _NOT_TEXT else _walk(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    return value


def storable_rows(files: list[tuple[str, list[Finding], dict[str, int]]]) -> list[str | None]:
    """Per (text, findings, counts): the row to store, scrubbed, or None when a scrub would change a
    quick fix. One `find_secrets` over every distinct string of the batch (as `redact` joins its
    texts): a scrub per string cost ~0.1 s on 64 files, most of it the same checks again."""
    encoded: list[dict[str, Any]] = [
        {"findings": [encode_finding(f) for f in found], "counts": counts} for _, found, counts in files
    ]
    strings: set[str] = set()

    def collect(value: str) -> str:
        strings.add(value)
        return value

    _walk(encoded, collect)
    secrets = find_secrets("\n".join(sorted(strings)))
    out: list[str | None] = []
    for (text, found, _), value in zip(files, encoded, strict=True):
        masked = sorted(secrets | set(_secret_texts(text, found)), key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(m) for m in masked)) if masked else None
        cleaned: dict[str, Any] = value if pattern is None else _walk(value, partial(pattern.sub, REDACTED))
        fixes_kept = [r["fix"] for r in cleaned["findings"]] == [r["fix"] for r in value["findings"]]
        out.append(json.dumps(cleaned) if fixes_kept else None)  # key order kept: a hit prints the same bytes
    return out


def storable(text: str, findings: list[Finding], counts: dict[str, int]) -> str | None:
    """One file's row (see `storable_rows`)."""
    return storable_rows([(text, findings, counts)])[0]


# -- the fingerprint ---------------------------------------------------------------------------
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def _code_stamp() -> str:
    """Size and mtime of every engine module: a changed engine never serves old results."""
    parts = []
    for path in sorted(_ENGINES.rglob("*.py")):
        st = path.stat()
        parts.append(f"{path.relative_to(_ENGINES)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _read_config(folder: Path) -> list[str]:
    out = []
    for name in _RUFF_CONFIGS:
        path = folder / name
        try:
            out.append(f"{path}\0{hashlib.sha256(read_bounded(path, _MAX_CONFIG_BYTES)).hexdigest()}")
        except FileNotFoundError:
            continue
        except OSError as exc:  # unreadable, /dev/zero, a FIFO: its state still keys the rows
            out.append(f"{path}\0unreadable {exc.errno} {exc}")
    return out


def ruff_config_state(paths: Iterable[Path], user_config: Path) -> list[str]:
    """Every ruff config file that can apply to `paths` (each folder up to `/`, and the user's)."""
    folders: set[Path] = {user_config}
    for path in paths:
        folders.update(path.parents)
    return [entry for folder in sorted(folders) for entry in _read_config(folder)]


def fingerprint(*, engine_versions: dict[str, str], options: Sequence[Any], config_state: list[str]) -> str:
    """One hash of everything beside a file's own bytes that decides its findings."""
    from zc_lsp import __version__

    parts = {
        "format": FORMAT_VERSION,
        "zc": __version__,
        "python": sys.version,  # the parsers are the running Python's: 3.12 syntax fails under 3.11
        "code": _code_stamp(),
        "dists": {d: _version(d) for d in ("ruff", "bandit", "detect-secrets", "PyYAML", "tomli")},
        "engines": engine_versions,
        "options": [str(o) for o in options],
        "ruff_configs": config_state,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def file_key(path: Path, text: str, print_: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return hashlib.sha256(f"{path}\0{digest}\0{print_}".encode()).hexdigest()


# -- the store ---------------------------------------------------------------------------------
_open: dict[Path, ReviewCache] = {}
_open_lock = threading.Lock()
_warned: set[Path] = set()


class ReviewCache:
    """get/put by key; every failure turns the cache off with one warning and never raises."""

    def __init__(self, path: Path, max_rows: int = MAX_ROWS) -> None:
        self.path = path
        self.max_rows = max_rows
        self.problem: str | None = None  # set once the cache is off; the caller shows it once
        self.store: ReviewCacheStore | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            store = ReviewCacheStore(path, busy_timeout_ms=2000)
        except OSError as exc:
            self._disable(f"cannot create {path.parent} ({exc.strerror or exc})")
            return
        if store.degraded:
            self._disable(store.degraded)
            return
        self.store = store

    def _disable(self, reason: str) -> None:
        self.store = None
        self.problem = f"review cache off, reviewing every file ({reason})"
        if self.path not in _warned:
            _warned.add(self.path)
            log.warning("%s", self.problem)
        else:
            self.problem = None  # said once in this process already

    def get(self, keys: list[str]) -> dict[str, CachedReview]:
        if self.store is None or not keys:
            return {}
        found: dict[str, CachedReview] = {}
        bad: list[str] = []
        try:
            conn = self.store.read()
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT key, payload FROM review_cache WHERE key IN ({marks})"  # noqa: S608 - only "?" marks
                for key, payload in conn.execute(sql, chunk):
                    try:
                        data = json.loads(payload)
                        found[key] = CachedReview(
                            [decode_finding(r) for r in data["findings"]],
                            {str(k): int(v) for k, v in data["counts"].items()},
                        )
                    except (ValueError, KeyError, TypeError, AttributeError) as exc:
                        log.info("review cache: dropping an unreadable row (%s)", exc)
                        bad.append(key)
            if not bad and not found:
                return found
            with self.store.write() as wconn:
                wconn.executemany("DELETE FROM review_cache WHERE key = ?", [(k,) for k in bad])
                wconn.executemany("UPDATE review_cache SET used = ? WHERE key = ?", [(time.time(), k) for k in found])
        except (MemoryUnavailable, sqlite3.Error) as exc:
            self._disable(str(exc))
            return {}
        return found

    def put(self, rows: list[tuple[str, str, str]]) -> None:
        """Store (key, path, payload) rows, then drop the least recently used past `max_rows`."""
        if self.store is None or not rows:
            return
        now = time.time()
        try:
            with self.store.write() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO review_cache (key, path, payload, used) VALUES (?, ?, ?, ?)",
                    [(k, p, payload, now) for k, p, payload in rows],
                )
                extra = conn.execute("SELECT COUNT(*) FROM review_cache").fetchone()[0] - self.max_rows
                if extra > 0:
                    conn.execute(
                        "DELETE FROM review_cache WHERE key IN (SELECT key FROM review_cache ORDER BY used LIMIT ?)",
                        (extra,),
                    )
        except (MemoryUnavailable, sqlite3.Error) as exc:
            self._disable(str(exc))


def open_cache(data_dir: Path, max_rows: int = MAX_ROWS) -> ReviewCache:
    """The workspace's cache, opened once per process (a server reviews the workspace many times)."""
    path = data_dir / CACHE_FILE
    with _open_lock:
        cache = _open.get(path)
        if cache is None or cache.store is None:
            cache = ReviewCache(path, max_rows)
            if cache.store is not None:
                _open[path] = cache
        return cache
