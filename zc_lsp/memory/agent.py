"""One agent's own memory: a SQLite file that no other agent's store ever opens.

Isolation is physical (one file per agent), so a bug in a query cannot leak another agent's rows.
Recall is FTS5 ranked by bm25 over plaintext; over ciphertext full-text search is impossible, so
encrypted stores decrypt the most recent rows and score them by term matches (see docs/memory.md).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zc_lsp.memory.crypto import Cipher
from zc_lsp.memory.db import SqliteStore

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_TERMS = 16
DEFAULT_SCAN_LIMIT = 5000


@dataclass
class MemoryItem:
    id: int
    kind: str
    content: str
    metadata: dict[str, Any] = field(default_factory=dict)
    uri: str | None = None
    created_at: float = 0.0
    score: float | None = None  # recall only: higher is better


def _v1(conn: sqlite3.Connection) -> None:
    """The first shipped schema: no uri, no encryption flag."""
    conn.execute(
        "CREATE TABLE memories (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
        "content TEXT NOT NULL, metadata TEXT NOT NULL DEFAULT '{}', created_at REAL NOT NULL)")
    conn.execute("CREATE INDEX memories_kind_created ON memories(kind, created_at)")
    conn.execute("CREATE VIRTUAL TABLE memories_fts USING fts5(content, tokenize='unicode61')")
    conn.execute("CREATE TRIGGER memories_ai AFTER INSERT ON memories BEGIN "
                 "INSERT INTO memories_fts(rowid, content) VALUES (new.id, new.content); END")
    conn.execute("CREATE TRIGGER memories_ad AFTER DELETE ON memories BEGIN "
                 "DELETE FROM memories_fts WHERE rowid = old.id; END")


def _v2(conn: sqlite3.Connection) -> None:
    """v2 adds the document uri and the per-row encryption flag; ciphertext is never indexed."""
    conn.execute("ALTER TABLE memories ADD COLUMN uri TEXT")
    conn.execute("ALTER TABLE memories ADD COLUMN enc INTEGER NOT NULL DEFAULT 0")
    conn.execute("CREATE INDEX memories_created ON memories(created_at)")
    conn.execute("DROP TRIGGER memories_ai")
    conn.execute("CREATE TRIGGER memories_ai AFTER INSERT ON memories WHEN new.enc = 0 BEGIN "
                 "INSERT INTO memories_fts(rowid, content) VALUES (new.id, new.content); END")


def fts_query(text: str) -> str:
    """A user's words as a safe FTS5 expression: each word a quoted phrase, OR-ed, bm25 ranks.

    Quoting every token means no FTS syntax (AND, NEAR, *, :, parentheses, quotes) reaches the
    parser, so no user input can raise an FTS syntax error.
    """
    terms = list(dict.fromkeys(t.lower() for t in _TOKEN.findall(text)))[:MAX_QUERY_TERMS]
    return " OR ".join(f'"{t}"' for t in terms)


class AgentMemory(SqliteStore):
    """The store handed to one agent (`WorkspaceMemory.agent(name)`)."""

    MIGRATIONS = (_v1, _v2)

    def __init__(self, path: Path, name: str, *, cipher: Cipher | None = None,
                 retention: Mapping[str, Any] | None = None, busy_timeout_ms: int = 10000,
                 scan_limit: int = DEFAULT_SCAN_LIMIT, target_version: int | None = None,
                 unavailable: str | None = None) -> None:
        self.name = name
        self.cipher = cipher
        self.retention = dict(retention or {})
        self.scan_limit = scan_limit
        super().__init__(path, busy_timeout_ms=busy_timeout_ms, secure_delete=cipher is not None,
                         target_version=target_version, unavailable=unavailable)
        if cipher is not None and not self.degraded:
            self._encrypt_plaintext_rows()

    # -- encoding ----------------------------------------------------------------------------
    def _encode(self, kind: str, content: str, metadata: Mapping[str, Any] | None,
                uri: str | None, now: float) -> tuple[Any, ...]:
        if not isinstance(kind, str) or not isinstance(content, str):
            raise TypeError(f"memory kind and content must be text, got {type(kind).__name__} "
                            f"and {type(content).__name__}")
        from zc_lsp.core.redact import scrub, scrub_value  # stored text holds placeholders, never secrets

        content = scrub(content)
        meta = json.dumps(scrub_value(dict(metadata or {})), sort_keys=True, default=str)
        if self.cipher is None:
            return (kind, content, meta, uri, 0, now)
        enc = self.cipher.encrypt
        return (kind, enc(content), enc(meta), enc(uri) if uri is not None else None, 1, now)

    def _item(self, row: Mapping[str, Any], score: float | None = None) -> MemoryItem:
        content, meta, uri = row["content"], row["metadata"], row["uri"]
        if row["enc"]:
            if self.cipher is None:
                content, meta, uri = "[encrypted]", "{}", None
            else:
                content, meta = self.cipher.decrypt(content), self.cipher.decrypt(meta)
                uri = self.cipher.decrypt(uri) if uri is not None else None
        return MemoryItem(id=row["id"], kind=row["kind"], content=content, metadata=json.loads(meta),
                          uri=uri, created_at=row["created_at"], score=score)

    def _encrypt_plaintext_rows(self) -> None:
        """Encryption was switched on over plaintext rows: encrypt them and drop their index."""
        rows = self.query("SELECT * FROM memories WHERE enc = 0")
        if not rows:
            return
        with self.write() as conn:
            for r in rows:
                kind, content, meta, uri, _, _ = self._encode(
                    r["kind"], r["content"], json.loads(r["metadata"]), r["uri"], r["created_at"])
                conn.execute("DELETE FROM memories_fts WHERE rowid = ?", (r["id"],))
                conn.execute("UPDATE memories SET content=?, metadata=?, uri=?, enc=1 WHERE id=?",
                             (content, meta, uri, r["id"]))
        self.vacuum()  # secure_delete + VACUUM + checkpoint: the old plaintext leaves the files

    # -- writes ------------------------------------------------------------------------------
    def remember(self, kind: str, content: str, metadata: dict[str, Any] | None = None,
                 uri: str | None = None) -> int:
        """Store one item; returns its id once it is durably committed."""
        return self.remember_many([(kind, content, metadata, uri)])[0]

    def remember_many(
        self, items: Iterable[tuple[str, str, dict[str, Any] | None, str | None]]
    ) -> list[int]:
        """Store several items in one transaction (one fsync): all or none."""
        now = time.time()
        ids: list[int] = []
        with self.write() as conn:
            for kind, content, metadata, uri in items:
                cur = conn.execute(
                    "INSERT INTO memories (kind, content, metadata, uri, enc, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", self._encode(kind, content, metadata, uri, now))
                ids.append(int(cur.lastrowid or 0))
        return ids

    def forget(self, id: int) -> bool:  # noqa: A002 - the contract's name
        with self.write() as conn:
            return conn.execute("DELETE FROM memories WHERE id = ?", (id,)).rowcount > 0

    def apply_retention(self, now: float | None = None) -> int:
        """Per kind: drop items older than max_age_days, then all but the newest max_items."""
        now = time.time() if now is None else now
        default = self.retention.get("default") or {}
        removed = 0
        with self.write() as conn:
            kinds = [r[0] for r in conn.execute("SELECT DISTINCT kind FROM memories")]
            for kind in kinds:
                rule = self.retention.get(kind) or default
                if not isinstance(rule, Mapping):
                    continue  # a malformed rule keeps everything rather than guessing
                age = rule.get("max_age_days")
                if age is not None:
                    removed += conn.execute(
                        "DELETE FROM memories WHERE kind = ? AND created_at < ?",
                        (kind, now - float(age) * 86400)).rowcount
                cap = rule.get("max_items")
                if cap is not None:
                    removed += conn.execute(
                        "DELETE FROM memories WHERE kind = ? AND id NOT IN (SELECT id FROM memories "
                        "WHERE kind = ? ORDER BY created_at DESC, id DESC LIMIT ?)",
                        (kind, kind, int(cap))).rowcount
        return removed

    def compact(self) -> None:
        """Merge FTS segments and VACUUM: smaller file, faster recall, deleted text gone."""
        with self.write() as conn:
            conn.execute("INSERT INTO memories_fts(memories_fts) VALUES ('optimize')")
        self.vacuum()

    def wipe(self) -> int:
        """Delete every item, then rewrite the file so the deleted content is not left on disk."""
        with self.write() as conn:
            n = conn.execute("DELETE FROM memories").rowcount
            conn.execute("DELETE FROM memories_fts")  # the trigger emptied it; this catches strays
        self.vacuum()
        return n

    # -- reads -------------------------------------------------------------------------------
    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return int(self.query("SELECT count(*) AS n FROM memories")[0]["n"])
        return int(self.query("SELECT count(*) AS n FROM memories WHERE kind = ?", [kind])[0]["n"])

    def recent(self, n: int = 10, kind: str | None = None) -> list[MemoryItem]:
        where, params = ("WHERE kind = ?", [kind]) if kind is not None else ("", [])
        rows = self.query(f"SELECT * FROM memories {where} ORDER BY created_at DESC, id DESC LIMIT ?",  # noqa: S608 - fixed clause
                          [*params, int(n)])
        return [self._item(r) for r in rows]

    def get(self, id: int) -> MemoryItem | None:  # noqa: A002
        rows = self.query("SELECT * FROM memories WHERE id = ?", [id])
        return self._item(rows[0]) if rows else None

    def recall(self, query: str, k: int = 5) -> list[MemoryItem]:
        """The k items most relevant to `query` (any text; FTS syntax in it is neutralised)."""
        match = fts_query(query)
        if not match or k <= 0:
            return []
        rows = self.query(  # plaintext rows only: ciphertext is never indexed
            "SELECT m.*, f.rank AS rank FROM memories_fts f JOIN memories m ON m.id = f.rowid "
            "WHERE memories_fts MATCH ? ORDER BY f.rank LIMIT ?", [match, int(k)])
        found = [self._item(r, score=-float(r["rank"])) for r in rows]
        if self.cipher is not None:
            found = sorted(found + self._scan_encrypted(query, k), key=lambda i: -(i.score or 0))[:k]
        return found

    def _scan_encrypted(self, query: str, k: int) -> list[MemoryItem]:
        """Decrypt the newest `scan_limit` encrypted rows; score = matched terms + frequency."""
        terms = list(dict.fromkeys(t.lower() for t in _TOKEN.findall(query)))[:MAX_QUERY_TERMS]
        rows = self.query("SELECT * FROM memories WHERE enc = 1 ORDER BY id DESC LIMIT ?",
                          [self.scan_limit])
        scored: list[MemoryItem] = []
        for r in rows:
            item = self._item(r)
            words = [w.lower() for w in _TOKEN.findall(item.content)]
            hits = [words.count(t) for t in terms]
            matched = sum(1 for h in hits if h)
            if matched:
                item.score = matched + sum(hits) / (len(words) + 1)
                scored.append(item)
        scored.sort(key=lambda i: (-(i.score or 0), -i.id))
        return scored[:k]

    def export(self, decrypt: bool = False) -> list[dict[str, Any]]:
        """Every item as a dict, oldest first. Encrypted rows stay ciphertext unless `decrypt`."""
        out: list[dict[str, Any]] = []
        for r in self.query("SELECT * FROM memories ORDER BY id"):
            if r["enc"] and not decrypt:
                out.append({"id": r["id"], "kind": r["kind"], "content": r["content"],
                            "metadata": r["metadata"], "uri": r["uri"],
                            "created_at": r["created_at"], "encrypted": True})
                continue
            item = self._item(r)
            out.append({"id": item.id, "kind": item.kind, "content": item.content,
                        "metadata": item.metadata, "uri": item.uri,
                        "created_at": item.created_at, "encrypted": False})
        return out
