"""tasks.db: every agent task, the reports they wrote, and metric time series for the status panel.

background/ adds its own tables (jobs, alerts, schedule runs) through `write()`/`read()`; this
module owns only `tasks`, `reports` and `metrics`. With encryption on, task payloads, results,
errors and report bodies are stored encrypted (titles, names and numbers stay readable so the
status panel works without the key).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from zc_lsp.memory.crypto import Cipher
from zc_lsp.memory.db import SqliteStore

TASK_STATES = ("queued", "running", "done", "failed", "cancelled")


def _v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, agent TEXT NOT NULL, "
        "kind TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, "
        "payload TEXT, result TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 1, "
        "created_at REAL NOT NULL, started_at REAL, finished_at REAL)")
    conn.execute("CREATE INDEX tasks_agent_state ON tasks(agent, state)")
    conn.execute(
        "CREATE TABLE reports (id INTEGER PRIMARY KEY AUTOINCREMENT, agent TEXT NOT NULL, "
        "title TEXT NOT NULL, markdown TEXT NOT NULL, task_id INTEGER, created_at REAL NOT NULL)")
    conn.execute(
        "CREATE TABLE metrics (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "
        "ts REAL NOT NULL, value REAL NOT NULL)")
    conn.execute("CREATE INDEX metrics_name_ts ON metrics(name, ts)")


class TaskDB(SqliteStore):
    """The workspace's task database (one file, shared by all agents: it holds no agent memory)."""

    MIGRATIONS = (_v1,)

    def __init__(self, path: Path, *, cipher: Cipher | None = None,
                 busy_timeout_ms: int = 10000) -> None:
        self.cipher = cipher
        super().__init__(path, busy_timeout_ms=busy_timeout_ms, secure_delete=cipher is not None)

    def _enc(self, value: Any, as_json: bool = True) -> str | None:
        if value is None:
            return None
        from zc_lsp.core.redact import scrub, scrub_value  # stored text holds placeholders, never secrets

        text = json.dumps(scrub_value(value), default=str, sort_keys=True) if as_json else scrub(str(value))
        return self.cipher.encrypt(text) if self.cipher else text

    def _dec(self, text: str | None, as_json: bool = True) -> Any:
        if text is None:
            return None
        if self.cipher is not None and text.startswith("gAAAA"):  # Fernet token prefix
            text = self.cipher.decrypt(text)
        return json.loads(text) if as_json else text

    def _task(self, row: dict[str, Any]) -> dict[str, Any]:
        row = dict(row)
        row["payload"] = self._dec(row["payload"])
        row["result"] = self._dec(row["result"])
        row["error"] = self._dec(row["error"], as_json=False)
        return row

    # -- tasks -------------------------------------------------------------------------------
    def start_task(self, agent: str, kind: str, priority: int = 0, payload: Any = None) -> int:
        now = time.time()
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO tasks (agent, kind, priority, state, payload, created_at, started_at) "
                "VALUES (?, ?, ?, 'running', ?, ?, ?)",
                (agent, kind, int(priority), self._enc(payload), now, now))
            return int(cur.lastrowid or 0)

    def finish_task(self, task_id: int, state: str, result: Any = None,
                    error: str | None = None) -> None:
        if state not in ("done", "failed", "cancelled"):
            raise ValueError(f"finish_task: state must be done, failed or cancelled, not {state!r}")
        with self.write() as conn:
            conn.execute(
                "UPDATE tasks SET state = ?, result = ?, error = ?, finished_at = ? WHERE id = ?",
                (state, self._enc(result), self._enc(error, as_json=False), time.time(), task_id))

    def record_task(self, agent: str, kind: str, state: str, started_at: float, result: Any = None,
                    error: str | None = None) -> int:
        """A task that has already ended, in one write: the row an automatic run leaves afterwards."""
        if state not in ("done", "failed", "cancelled"):
            raise ValueError(f"record_task: state must be done, failed or cancelled, not {state!r}")
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO tasks (agent, kind, priority, state, result, error, created_at, started_at, finished_at) "
                "VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
                (agent, kind, state, self._enc(result), self._enc(error, as_json=False), started_at, started_at,
                 time.time()))
            return int(cur.lastrowid or 0)

    def retry_task(self, task_id: int) -> None:
        """Count another attempt of a task and mark it running again."""
        with self.write() as conn:
            conn.execute("UPDATE tasks SET attempts = attempts + 1, state = 'running', "
                         "started_at = ?, finished_at = NULL WHERE id = ?", (time.time(), task_id))

    def list_tasks(self, agent: str | None = None, state: str | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
        clauses, params = [], []
        if agent is not None:
            clauses.append("agent = ?")
            params.append(agent)
        if state is not None:
            clauses.append("state = ?")
            params.append(state)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.query(f"SELECT * FROM tasks {where} ORDER BY id DESC LIMIT ?",  # noqa: S608 - fixed clauses
                          [*params, int(limit)])
        return [self._task(r) for r in rows]

    # -- reports -----------------------------------------------------------------------------
    def add_report(self, agent: str, title: str, markdown: str, task_id: int | None = None) -> int:
        from zc_lsp.core.redact import scrub  # reports are stored in their redacted form

        title, markdown = scrub(title), scrub(markdown)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO reports (agent, title, markdown, task_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (agent, title, self._enc(markdown, as_json=False), task_id, time.time()))
            return int(cur.lastrowid or 0)

    def list_reports(self, limit: int = 20) -> list[dict[str, Any]]:
        """Newest first, without bodies (cheap for the status panel)."""
        return self.rows("SELECT id, agent, title, task_id, created_at FROM reports "
                          "ORDER BY id DESC LIMIT ?", [int(limit)])

    def get_report(self, id: int) -> dict[str, Any] | None:  # noqa: A002 - the contract's name
        rows = self.query("SELECT * FROM reports WHERE id = ?", [id])
        if not rows:
            return None
        row = dict(rows[0])
        row["markdown"] = self._dec(row["markdown"], as_json=False)
        return row

    # -- metrics -----------------------------------------------------------------------------
    def record_metric(self, name: str, value: float, ts: float | None = None) -> None:
        with self.write() as conn:
            conn.execute("INSERT INTO metrics (name, ts, value) VALUES (?, ?, ?)",
                         (name, time.time() if ts is None else ts, float(value)))

    def metric_series(self, name: str, since: float | None = None,
                      limit: int = 500) -> list[tuple[float, float]]:
        """The newest `limit` points of one series, oldest first."""
        rows = self.rows(
            "SELECT ts, value FROM (SELECT ts, value FROM metrics WHERE name = ? AND ts >= ? "
            "ORDER BY ts DESC LIMIT ?) ORDER BY ts", [name, since or 0.0, int(limit)])
        return [(r["ts"], r["value"]) for r in rows]

    def prune(self, max_age_days: float = 30.0, now: float | None = None) -> int:
        """Drop metric points and finished tasks older than `max_age_days`; reports are kept."""
        cutoff = (time.time() if now is None else now) - max_age_days * 86400
        with self.write() as conn:
            n = conn.execute("DELETE FROM metrics WHERE ts < ?", (cutoff,)).rowcount
            n += conn.execute("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?",
                              (cutoff,)).rowcount
        return n
