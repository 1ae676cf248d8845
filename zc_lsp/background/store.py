"""The background services' own tables in tasks.db, and a small fallback task DB.

Background work keeps its state (jobs, schedule runs, alerts, tuner actions, auto-fix events) in
the workspace's tasks.db through `TaskDB.write()` / `read()`, so queued jobs and alert history
survive a restart. When memory is unavailable (degraded, or not built), `LocalTaskDB` keeps the
same tables in a process-private in-memory database: the features keep working, only without
persistence, and the status says so.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import tempfile

log = logging.getLogger(__name__)

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS jobs (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, args TEXT NOT NULL DEFAULT '{}',
        priority INTEGER NOT NULL DEFAULT 5, state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 1,
        user_requested INTEGER NOT NULL DEFAULT 1, run_after REAL NOT NULL DEFAULT 0,
        created_at REAL NOT NULL, started_at REAL, finished_at REAL, owner TEXT,
        progress TEXT, result TEXT, error TEXT)""",
    "CREATE INDEX IF NOT EXISTS jobs_claim ON jobs(state, priority, id)",
    """CREATE TABLE IF NOT EXISTS schedule_runs (
        id INTEGER PRIMARY KEY, job_id TEXT NOT NULL, started_at REAL NOT NULL,
        finished_at REAL, outcome TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 1,
        detail TEXT, error TEXT)""",
    "CREATE INDEX IF NOT EXISTS schedule_runs_job ON schedule_runs(job_id, id)",
    """CREATE TABLE IF NOT EXISTS alerts (
        id INTEGER PRIMARY KEY, rule TEXT NOT NULL, key TEXT NOT NULL DEFAULT '',
        severity TEXT NOT NULL, base_severity TEXT NOT NULL, message TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 1, state TEXT NOT NULL DEFAULT 'open',
        created_at REAL NOT NULL, updated_at REAL NOT NULL, escalated_at REAL,
        escalated_count INTEGER NOT NULL DEFAULT 1, acked_at REAL, resolved_at REAL,
        resolved_by TEXT)""",
    "CREATE INDEX IF NOT EXISTS alerts_state ON alerts(state, rule, key)",
    """CREATE TABLE IF NOT EXISTS tuner_actions (
        id INTEGER PRIMARY KEY, ts REAL NOT NULL, action TEXT NOT NULL, detail TEXT,
        reason TEXT)""",
    """CREATE TABLE IF NOT EXISTS autofix_events (
        id INTEGER PRIMARY KEY, ts REAL NOT NULL, kind TEXT NOT NULL, event TEXT NOT NULL,
        source TEXT, path TEXT, line INTEGER, message TEXT, detail TEXT)""",
)


class TaskStore(Protocol):
    """The slice of `zc_lsp.memory.TaskDB` the background services use."""

    def write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

    def read(self) -> sqlite3.Connection: ...

    def record_metric(self, name: str, value: float, ts: float | None = None) -> None: ...

    def metric_series(
        self, name: str, since: float | None = None, limit: int = 500
    ) -> list[tuple[float, float]]: ...


def ensure_schema(db: TaskStore) -> None:
    with db.write() as conn:
        for statement in SCHEMA:
            conn.execute(statement)


def as_dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Rows as dicts, whatever row factory the connection has."""
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, tuple(row), strict=True)) for row in cursor.fetchall()]




class LocalTaskDB:
    """A minimal TaskDB: one connection per thread, WAL, BEGIN IMMEDIATE for writes.

    `path=None` keeps everything in a private temporary file, removed at close, used when the
    workspace memory is unavailable; a path gives the same durability rules as tasks.db.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            # A private temporary file, not a shared-cache in-memory database: shared-cache table
            # locks fail at once ("database table is locked") instead of waiting like file locks.
            import tempfile  # only without workspace memory: tempfile brings shutil, bz2, lzma (idle RSS)

            self._tmp = tempfile.TemporaryDirectory(prefix="zc-bg-")
            path = Path(self._tmp.name) / "background.db"
            self.persistent = False
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.persistent = True
        self._target = str(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self.write() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " ts REAL NOT NULL, value REAL NOT NULL)"
            )
            conn.execute("CREATE INDEX IF NOT EXISTS metrics_name ON metrics(name, ts)")

    def read(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._target, isolation_level=None, check_same_thread=False, timeout=10.0)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL" if self.persistent else "PRAGMA synchronous=OFF")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        conn = self.read()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def record_metric(self, name: str, value: float, ts: float | None = None) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO metrics (name, ts, value) VALUES (?, ?, ?)",
                (name, time.time() if ts is None else ts, float(value)),
            )

    def metric_series(
        self, name: str, since: float | None = None, limit: int = 500
    ) -> list[tuple[float, float]]:
        rows = self.read().execute(
            "SELECT ts, value FROM (SELECT ts, value FROM metrics WHERE name = ? AND ts >= ?"
            " ORDER BY ts DESC LIMIT ?) ORDER BY ts",
            (name, since or 0.0, limit),
        ).fetchall()
        return [(float(ts), float(v)) for ts, v in rows]

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                log.warning("could not close a task DB connection", exc_info=True)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
