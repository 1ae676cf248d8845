"""audit.db: an append-only, hash-chained record of what went where (model calls, edits, runs).

Each row stores the previous row's hash and the sha256 of the canonical JSON of its own fields
(id, ts, kind, fields, prev). Editing a row breaks its hash; deleting or reordering rows breaks
the chain; deleting the newest rows is caught by the head record written in the same transaction.
Triggers refuse UPDATE and DELETE so nothing in-process can rewrite history by accident. Someone
with write access to the file can still forge a whole new chain: anchor `tail()`'s head hash
elsewhere if that matters. Prompts are never stored, only hashes of the redacted prompt.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from zc_lsp.memory.db import SqliteStore

AUDIT_KINDS = ("model_call", "edit_offered", "edit_applied", "test_run", "command", "config_change")
GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(id: int, ts: float, kind: str, fields: str, prev: str) -> str:  # noqa: A002
    body = canonical({"id": id, "ts": repr(float(ts)), "kind": kind, "fields": fields, "prev": prev})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, ts REAL NOT NULL, kind TEXT NOT NULL, "
        "fields TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)")
    conn.execute("CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1), "
                 "last_id INTEGER NOT NULL, last_hash TEXT NOT NULL)")
    conn.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN "
                 "SELECT RAISE(ABORT, 'audit log is append-only'); END")
    conn.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN "
                 "SELECT RAISE(ABORT, 'audit log is append-only'); END")


class AuditLog(SqliteStore):
    """The workspace's audit log. `append` returns once the row is durably committed."""

    MIGRATIONS = (_v1,)

    def __init__(self, path: Path, *, busy_timeout_ms: int = 10000) -> None:
        super().__init__(path, busy_timeout_ms=busy_timeout_ms)

    def append(self, kind: str, **fields: Any) -> int:
        """Record one event. kind: model_call | edit_offered | edit_applied | test_run | command |
        config_change (others are accepted, for forward compatibility, and kept as given)."""
        from zc_lsp.core.redact import scrub_value  # scrubbed before hashing, so the chain verifies

        body = canonical(scrub_value(fields))
        ts = time.time()
        with self.write() as conn:
            last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            new_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            digest = row_hash(new_id, ts, kind, body, prev)
            conn.execute("INSERT INTO audit (id, ts, kind, fields, prev, hash) VALUES (?, ?, ?, ?, ?, ?)",
                         (new_id, ts, kind, body, prev, digest))
            conn.execute("INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, ?, ?) "
                         "ON CONFLICT(one) DO UPDATE SET last_id = excluded.last_id, "
                         "last_hash = excluded.last_hash", (new_id, digest))
        return new_id

    def verify(self) -> tuple[bool, list[str]]:
        """Walk the chain; each problem names the row id and what is wrong with it."""
        problems: list[str] = []
        prev_hash, prev_id = GENESIS, 0
        conn = self.read()
        for id_, ts, kind, body, prev, digest in conn.execute(
                "SELECT id, ts, kind, fields, prev, hash FROM audit ORDER BY id"):
            if id_ != prev_id + 1:
                missing = f"{prev_id + 1}" if id_ == prev_id + 2 else f"{prev_id + 1}..{id_ - 1}"
                problems.append(f"row(s) {missing} deleted (ids jump from {prev_id} to {id_})")
            elif prev != prev_hash:
                problems.append(f"row {id_}: link to row {prev_id} broken (rows reordered or replaced)")
            if row_hash(id_, ts, kind, body, prev) != digest:
                problems.append(f"row {id_} was edited (its contents do not match its hash)")
            prev_hash, prev_id = digest, id_
        head = conn.execute("SELECT last_id, last_hash FROM audit_head").fetchone()
        if head is not None:
            if head[0] > prev_id:
                problems.append(f"row(s) {prev_id + 1}..{head[0]} deleted from the end of the log")
            elif head[0] == prev_id and head[1] != prev_hash:
                problems.append(f"row {prev_id}: does not match the recorded head hash")
        elif prev_id:
            problems.append("the head record is missing (was the log tampered with?)")
        return not problems, problems

    def tail(self, n: int = 20) -> list[dict[str, Any]]:
        """The newest n rows, oldest first, fields decoded."""
        rows = self.query("SELECT * FROM (SELECT * FROM audit ORDER BY id DESC LIMIT ?) ORDER BY id",
                          [int(n)])
        for r in rows:
            r["fields"] = json.loads(r["fields"])
        return rows

    def count(self) -> int:
        return int(self.query("SELECT count(*) AS n FROM audit")[0]["n"])
