"""The `jobs` table of tasks.db: where a batch job is, from queued to its end.

Every change of a job's state is one write transaction here (BEGIN IMMEDIATE, one writer lock for
this process), so a job is claimed by one worker only, even with retries, and whatever was queued
survives a restart. Lower `priority` is claimed first (0 is most urgent). The BatchQueue's worker
threads call this; it knows nothing of threads, loops or agents.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Collection
from typing import Any

import psutil

from zc_lsp.background.store import TaskStore, as_dicts

log = logging.getLogger(__name__)


class JobLedger:
    """Rows of the `jobs` table and their state changes; `depth` and `next_wake` follow them."""

    def __init__(self, db: TaskStore, owner: str, *, queue_cap: int, max_attempts: int, retry_backoff_s: float) -> None:
        self.db = db
        self.owner = owner  # "pid:random": whose worker runs a job
        self.queue_cap = queue_cap
        self.max_attempts = max_attempts
        self.retry_backoff_s = retry_backoff_s
        self.depth = 0  # jobs queued
        self.next_wake: float | None = None  # when the earliest job waiting for a retry is due
        self._lock = threading.Lock()  # in-process writers queue here, not in sqlite's busy loop

    def add(self, name: str, args: dict[str, Any], priority: int, user_requested: bool) -> int | None:
        """The new job's id, or None when `queue_cap` jobs are queued already (`depth` says how many)."""
        payload = json.dumps(args, default=str)
        with self._lock, self.db.write() as conn:
            depth = conn.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued'").fetchone()[0]
            self.depth = depth
            if depth >= self.queue_cap:
                return None
            job_id = conn.execute(
                "INSERT INTO jobs (name, args, priority, max_attempts, user_requested,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (name, payload, int(priority), self.max_attempts, int(user_requested), time.time()),
            ).lastrowid
            self.depth = depth + 1
        assert job_id is not None
        return int(job_id)

    def rows(self, limit: int, state: str | None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM jobs"
        params: tuple[Any, ...] = ()
        if state:
            sql += " WHERE state = ?"
            params = (state,)
        rows = as_dicts(self.db.read().execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)))
        for row in rows:
            row["args"] = json.loads(row["args"] or "{}")
            row["result"] = json.loads(row["result"]) if row["result"] else None
        return rows

    def get(self, job_id: int) -> dict[str, Any] | None:
        rows = as_dicts(self.db.read().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)))
        if not rows:
            return None
        row = rows[0]
        row["result"] = json.loads(row["result"]) if row["result"] else None
        return row

    def cancel_queued(self, job_id: int) -> bool:
        """Cancel the job if it has not started; False when it runs, ended or never was."""
        with self._lock, self.db.write() as conn:
            updated = conn.execute(
                "UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ? AND state = 'queued'",
                (time.time(), job_id),
            ).rowcount
            if updated:
                self.depth = max(0, self.depth - 1)
        return bool(updated)

    def recover(self, live_owners: Collection[str]) -> None:
        """Re-queue jobs left `running` by a queue that is gone (a crash or a restart)."""
        with self._lock, self.db.write() as conn:
            rows = as_dicts(conn.execute(
                "SELECT id, owner, attempts, max_attempts FROM jobs WHERE state = 'running'"))
            for row in rows:
                pid_text, _, _ = (row["owner"] or "0:").partition(":")
                pid = int(pid_text) if pid_text.isdigit() else 0
                alive = row["owner"] in live_owners or (pid != os.getpid() and pid > 0 and psutil.pid_exists(pid))
                if alive:
                    continue
                if row["attempts"] >= row["max_attempts"]:
                    conn.execute(
                        "UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                        (time.time(), "the server stopped while this job ran, on every attempt", row["id"]))
                else:
                    conn.execute("UPDATE jobs SET state = 'queued', owner = NULL WHERE id = ?", (row["id"],))
                    log.info("re-queued job %s left running by %s", row["id"], row["owner"])
            self.depth = conn.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued'").fetchone()[0]

    def claim(self) -> dict[str, Any] | None:
        """The most urgent due job, now `running` under this owner; None when none is due."""
        with self._lock, self.db.write() as conn:
            return self._claim_in(conn)

    def _claim_in(self, conn: Any) -> dict[str, Any] | None:
        now = time.time()
        rows = as_dicts(conn.execute(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?,"
            " owner = ? WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND"
            " run_after <= ? ORDER BY priority, id LIMIT 1) AND state = 'queued' RETURNING *",
            (now, self.owner, now)))
        if rows:
            self.depth = max(0, self.depth - 1)
            self.next_wake = None
            return rows[0]
        later = conn.execute("SELECT MIN(run_after) FROM jobs WHERE state = 'queued'").fetchone()[0]
        self.next_wake = float(later) if later else None
        return None

    def finish(self, job: dict[str, Any], state: str, payload: str | None, error: str | None, progress: str,
               claim_next: bool = False) -> dict[str, Any] | None:
        """Record how a run ended; with `claim_next`, claim the next job in the same transaction (one fsync).

        `retry` queues it again after a backoff doubling per attempt; `interrupted` (the server
        stopped it) queues it again without counting the attempt; anything else is its final state.
        """
        now = time.time()
        with self._lock, self.db.write() as conn:
            if state == "retry":
                delay = self.retry_backoff_s * (2 ** max(0, job["attempts"] - 1))
                conn.execute(
                    "UPDATE jobs SET state = 'queued', owner = NULL, run_after = ?, error = ?"
                    " WHERE id = ?", (now + delay, error, job["id"]))
                self.depth += 1
                self.next_wake = min(self.next_wake or now + delay, now + delay)
            elif state == "interrupted":
                conn.execute(
                    "UPDATE jobs SET state = 'queued', owner = NULL, attempts = attempts - 1"
                    " WHERE id = ?", (job["id"],))
                self.depth += 1
            else:
                conn.execute(
                    "UPDATE jobs SET state = ?, finished_at = ?, result = ?, error = ?,"
                    " progress = ? WHERE id = ?",
                    (state, now, payload, error, progress, job["id"]))
            return self._claim_in(conn) if claim_next else None
