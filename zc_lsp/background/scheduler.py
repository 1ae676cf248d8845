"""Scheduled background jobs (apscheduler): health checks, probes, review sweeps, retention.

Jobs come from `background.jobs` in config (interval_s or a 5-field cron). A job with an invalid
cron, an unknown name or a bad spec is reported (file, key) and only that job is left out. Runs
use `max_instances=1` and coalescing; every run is recorded in tasks.db (`schedule_runs`), and a
failed run is retried with exponential backoff inside the same run.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from zc_lsp.background.crontab import crontab_trigger
from zc_lsp.background.store import TaskStore, as_dicts
from zc_lsp.config import ConfigIssue

log = logging.getLogger(__name__)

JobFn = Callable[[dict[str, Any]], Any]  # gets the job's config options; returns a detail


class JobSkipped(Exception):
    """A job decided not to work this time (e.g. the editor is busy); not a failure, no retry."""


@dataclass
class ScheduledJob:
    id: str
    fn: JobFn
    trigger: BaseTrigger
    options: dict[str, Any] = field(default_factory=dict)
    record: bool = True  # frequent internal jobs (the tuner) are not written to tasks.db
    retries: int = 2
    backoff_s: float = 1.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_run: float | None = None
    last_outcome: str | None = None
    last_error: str | None = None
    paused_by: str | None = None


def parse_trigger(spec: Any) -> tuple[BaseTrigger | None, str]:
    """The trigger for one job spec, or None and why it is invalid."""
    if not isinstance(spec, dict):
        return None, "must be a mapping with interval_s or cron"
    if "interval_s" in spec and "cron" in spec:
        return None, "has both interval_s and cron; keep one"
    if "interval_s" in spec:
        value = spec["interval_s"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            return None, f"interval_s must be a positive number of seconds, got {value!r}"
        return IntervalTrigger(seconds=float(value)), ""
    if "cron" in spec:
        expr = spec["cron"]
        if not isinstance(expr, str) or len(expr.split()) != 5:
            return None, f"cron must have 5 fields (minute hour day month weekday), got {expr!r}"
        try:
            return crontab_trigger(expr), ""
        except ValueError as exc:
            return None, f"cron {expr!r} is invalid: {exc}"
    return None, "needs interval_s or cron"


class Scheduler:
    def __init__(self, db: TaskStore, stop: threading.Event,
                 on_change: Callable[[], None] | None = None) -> None:
        self.db = db
        self.stop_event = stop
        self.on_change = on_change
        self.jobs: dict[str, ScheduledJob] = {}
        self.disabled: dict[str, str] = {}
        self.issues: list[ConfigIssue] = []
        self._sched = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(2, pool_kwargs={"thread_name_prefix": "zc-sched"})},
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 300},
        )

    def configure(
        self, configured: dict[str, Any], available: dict[str, JobFn],
        locate: Callable[[str], tuple[str, int | None]], *, retries: int = 2,
        backoff_s: float = 1.0,
    ) -> None:
        """Add jobs from config; report each bad one and leave only it out."""
        for name, spec in (configured or {}).items():
            key = f"background.jobs.{name}"
            if name not in available:
                self._disable(str(name), key, locate,
                              f"is not a known job; known jobs: {', '.join(sorted(available))}")
                continue
            if isinstance(spec, dict) and spec.get("enabled") is False:
                self.disabled[name] = "disabled in config"
                continue
            trigger, problem = parse_trigger(spec)
            if trigger is None:
                sub = key + (".cron" if isinstance(spec, dict) and "cron" in spec else "")
                self._disable(name, sub, locate, problem)
                continue
            options = {k: v for k, v in spec.items() if k not in ("interval_s", "cron", "enabled")}
            self.add(ScheduledJob(name, available[name], trigger, options, retries=retries,
                                  backoff_s=backoff_s))

    def _disable(self, name: str, key: str, locate: Callable[[str], tuple[str, int | None]],
                 problem: str) -> None:
        source, line = locate(key)
        issue = ConfigIssue(source, key, line, f"{problem}; this job is disabled")
        self.issues.append(issue)
        self.disabled[name] = str(issue)
        log.warning("%s", issue)

    def add(self, job: ScheduledJob) -> None:
        self.jobs[job.id] = job
        self._sched.add_job(self._run, job.trigger, args=[job.id], id=job.id, name=job.id,
                            replace_existing=True)

    def start(self) -> None:
        self._sched.start()

    def shutdown(self) -> None:
        if self._sched.running:
            self._sched.shutdown(wait=False)

    # -- commands -----------------------------------------------------------------------------
    def list(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for job_id, job in self.jobs.items():
            aps = self._sched.get_job(job_id)
            next_run = getattr(aps, "next_run_time", None) if aps is not None else None
            out.append({
                "id": job_id, "trigger": str(job.trigger),
                "next_run": next_run.isoformat() if isinstance(next_run, datetime) else None,
                "paused": job.paused_by is not None, "paused_by": job.paused_by,
                "last_run": job.last_run, "last_outcome": job.last_outcome,
                "last_error": job.last_error,
            })
        out.extend({"id": name, "disabled": reason, "paused": True, "next_run": None}
                   for name, reason in self.disabled.items())
        return out

    def run(self, job_id: str, wait: bool = False) -> dict[str, Any]:
        """Run a job now (even a paused one): in the caller's thread if `wait`, else the pool."""
        if job_id not in self.jobs:
            return {"ok": False, "error": f"no scheduled job {job_id!r}"}
        if wait:
            return self._run(job_id)
        self._sched.add_job(self._run, "date", args=[job_id], id=f"{job_id}:now",
                            replace_existing=True)
        return {"ok": True, "started": job_id}

    def pause(self, job_id: str, paused: bool = True, by: str = "user") -> dict[str, Any]:
        """Pause or resume; a pause by the user is never lifted by the tuner."""
        job = self.jobs.get(job_id)
        if job is None:
            return {"ok": False, "error": f"no scheduled job {job_id!r}"}
        if paused:
            if job.paused_by not in (None, by) and by != "user":
                return {"ok": False, "error": f"{job_id} is already paused by {job.paused_by}"}
            job.paused_by = by
            if self._sched.get_job(job_id) is not None:
                self._sched.pause_job(job_id)
        else:
            if by != "user" and job.paused_by not in (None, by):
                return {"ok": False, "error": f"{job_id} was paused by {job.paused_by}"}
            job.paused_by = None
            if self._sched.get_job(job_id) is not None:
                self._sched.resume_job(job_id)
        self._changed()
        return {"ok": True, "id": job_id, "paused": job.paused_by is not None}

    def history(self, job_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM schedule_runs", ()
        if job_id:
            sql, params = sql + " WHERE job_id = ?", (job_id,)
        return as_dicts(self.db.read().execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)))

    # -- running ------------------------------------------------------------------------------
    def _run(self, job_id: str) -> dict[str, Any]:
        job = self.jobs[job_id]
        if not job.lock.acquire(blocking=False):
            return {"ok": False, "outcome": "skipped", "error": "already running"}
        started = time.time()
        outcome, detail, error, attempts = "failed", None, None, 0
        try:
            for attempt in range(job.retries + 1):
                attempts = attempt + 1
                try:
                    detail = job.fn(job.options)
                    outcome, error = "ok", None
                    break
                except JobSkipped as exc:
                    outcome, error = "skipped", str(exc)
                    break
                except Exception as exc:
                    outcome, error = "failed", f"{type(exc).__name__}: {exc}"
                    log.warning("scheduled job %s failed (attempt %d)", job_id, attempts,
                                exc_info=True)
                    if self.stop_event.wait(job.backoff_s * 2**attempt):
                        break
            job.last_run, job.last_outcome, job.last_error = started, outcome, error
            if job.record:
                self._record(job_id, started, outcome, attempts, detail, error)
        finally:
            job.lock.release()
        self._changed()
        return {"ok": outcome != "failed", "outcome": outcome, "detail": detail, "error": error,
                "attempts": attempts}

    def _record(self, job_id: str, started: float, outcome: str, attempts: int, detail: Any,
                error: str | None) -> None:
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO schedule_runs (job_id, started_at, finished_at, outcome, attempts,"
                    " detail, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (job_id, started, time.time(), outcome, attempts,
                     json.dumps(detail, default=str)[:4000], error))
        except Exception:
            log.exception("could not record the run of %s", job_id)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
