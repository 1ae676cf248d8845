"""Background: builds and runs the scheduler, batch queue, tuner, auto-fix and alerts.

Everything here runs in its own threads, started at `initialized` and gone within `stop()`'s
timeout at `shutdown`. The LSP side only calls the thread-safe methods (or wraps the blocking
ones in `asyncio.to_thread`) and reads the status sections this registers on the StatusHub.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from zc_lsp.agents.base import AgentResult
from zc_lsp.background.alerts import AlertCenter
from zc_lsp.background.autofix import ApplyEdits, AutoFixer
from zc_lsp.background.batch import BatchQueue, QueueOptions
from zc_lsp.background.jobs import JobSet
from zc_lsp.background.scheduler import ScheduledJob, Scheduler
from zc_lsp.background.store import LocalTaskDB, TaskStore, ensure_schema
from zc_lsp.background.templates import TemplateRunner, parse_templates
from zc_lsp.background.tuner import Tuner
from zc_lsp.config import DEFAULTS_PATH, _line_map
from zc_lsp.core.files import read_text_bounded

log = logging.getLogger(__name__)
METRICS = ("cpu_percent", "rss_mb", "loop_lag_ms", "model_latency_ms")


class ChangedFiles(Protocol):
    """Given an epoch time, the workspace files edited since then and when the last edit was."""

    def __call__(self, since: float) -> tuple[list[Path], float | None]: ...


class Background:
    def __init__(
        self,
        services: Any,
        *,
        changed_files: ChangedFiles | None = None,
        notify_user: Callable[[str], None] | None = None,
        apply_edits: ApplyEdits | None = None,
        db: TaskStore | None = None,
    ) -> None:
        self.services = services
        self.settings = services.settings
        self._stop = threading.Event()
        self._threads_before: set[threading.Thread] = set()
        self._own_db: LocalTaskDB | None = None
        self.db = db or self._task_db()
        ensure_schema(self.db)
        status = getattr(services, "status", None)
        self._changed: Callable[[], None] = status.changed if status is not None else (lambda: None)
        bg = self.settings.get("background", {}) or {}
        self.alerts = AlertCenter(self.db, self.settings,
                                  notify_user or getattr(services, "notify_user", None),
                                  self._changed)
        templates, template_issues = parse_templates(bg.get("templates") or {}, self.locate, services.registry)
        self.queue = BatchQueue(self.db, TemplateRunner(services, templates), QueueOptions(
            workers=int(bg.get("batch_workers", 3)), queue_cap=int(bg.get("queue_cap", 1000)),
            job_timeout_s=float(bg.get("job_timeout_s", 600)),
            retries=int(bg.get("job_retries", 1)),
            retry_backoff_s=float(bg.get("retry_backoff_s", 2.0)),
            max_result_bytes=int(bg.get("max_result_bytes", 1_000_000)),
            on_full=self._queue_full, on_change=self._changed,
            listeners=[self._on_job_result],
        ))
        self.scheduler = Scheduler(self.db, self._stop, self._changed)
        self.tuner = Tuner(self.settings, self.db, queue=self.queue, scheduler=self.scheduler,
                           router=getattr(services, "router", None), on_change=self._changed)
        self.autofix = AutoFixer(services, self.db, apply_edits=apply_edits,
                                 on_change=self._changed)
        self.jobs = JobSet(self, changed_files)
        self.scheduler.configure(bg.get("jobs") or {}, self.jobs.available(), self.locate,
                                 retries=int(bg.get("job_retries", 1)),
                                 backoff_s=float(bg.get("retry_backoff_s", 2.0)))
        if self.settings.get("tuner.enabled", True):
            self.scheduler.add(ScheduledJob("tuner", lambda _opts: self.tuner.sample(),
                                            _interval(float(self.settings.get("tuner.interval_s", 5))),
                                            record=False, retries=0))
        self.issues = [*self.scheduler.issues, *template_issues]
        self.series: dict[str, deque[tuple[float, float]]] = {m: deque(maxlen=60) for m in METRICS}
        self._register_status()
        self.started = False

    def _task_db(self) -> TaskStore:
        memory = getattr(self.services, "memory", None)
        if memory is not None and not getattr(memory, "degraded", None):
            try:
                return memory.tasks  # type: ignore[no-any-return]
            except Exception:
                log.exception("tasks.db unavailable; background state will not persist")
        self._own_db = LocalTaskDB(None)
        return self._own_db

    @property
    def persistent(self) -> bool:
        return self._own_db is None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        if self.started:
            return
        if not self.settings.get("background.enabled", True):
            log.info("background services are off (background.enabled: false)")
            return
        self._threads_before = set(threading.enumerate())
        self._stop.clear()
        self.alerts.load()
        self._load_series()
        for issue in self.issues:
            self.alerts.raise_alert("config_error", "warning", str(issue), key=issue.key)
        self.queue.start()
        self.scheduler.start()
        self.started = True
        self._changed()
        log.info("background services started (%d scheduled jobs, %d workers)",
                 len(self.scheduler.jobs), self.queue.workers)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every thread started here; returns within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        self._stop.set()
        self.scheduler.shutdown()
        self.queue.stop(timeout=max(0.0, deadline - time.monotonic() - 0.1))
        while time.monotonic() < deadline:
            left = [t for t in threading.enumerate()
                    if t not in self._threads_before and t.is_alive() and _ours(t)]
            if not left:
                break
            time.sleep(0.02)
        else:
            log.warning("background threads still alive after stop")
        self.started = False
        if self._own_db is not None:
            self._own_db.close()

    # -- config issue locations ----------------------------------------------------------------
    def locate(self, dotted: str) -> tuple[str, int | None]:
        """The config file (and line) that set `dotted`, the last layer first."""
        for source in reversed(getattr(self.settings, "sources", []) or []):
            if source == "editor settings":
                continue  # merged before we see it; a key not found in a file came from here
            try:
                text = read_text_bounded(source, 1_000_000)
            except (OSError, UnicodeDecodeError):
                continue
            lines = _line_map(text)
            if dotted in lines:
                return source, lines[dotted]
        if "editor settings" in (getattr(self.settings, "sources", []) or []):
            return "editor settings (zombiecoder.*)", None
        return str(DEFAULTS_PATH), None

    # -- hooks ---------------------------------------------------------------------------------
    def _queue_full(self, depth: int) -> None:
        self.alerts.raise_alert("queue_backlog", "error",
                                f"the batch queue is full ({depth} jobs); new jobs are refused",
                                key="cap")

    def _on_job_result(self, name: str, path: Path | None, result: Any) -> None:
        if not isinstance(result, AgentResult):
            return
        if result.action == "run_tests":
            self.autofix.observe_test_results(result)
        elif result.findings and path is not None:
            doc = self.queue.templates.snapshot(path)
            self.autofix.observe_findings(doc, result.findings)

    # -- health --------------------------------------------------------------------------------
    def health_sample(self) -> dict[str, Any]:
        sample = dict(self.tuner.last_sample) if self.tuner.last_sample else self.tuner.measure()
        router = getattr(self.services, "router", None)
        sample["providers"] = router.status() if router is not None else []
        latencies = [p["latency_p50_ms"] for p in sample["providers"] if p.get("latency_p50_ms") is not None]
        # The fastest answering provider's median: what the user waits for (charted on the dashboard).
        sample["model_latency_ms"] = min(latencies) if latencies else None
        stats = self.queue.stats()
        sample["queue_depth"], sample["queue_cap"] = stats["depth"], self.queue.options.queue_cap
        sample["failing_tests"] = self.autofix.failing_tests
        return sample

    def record_metrics(self, sample: dict[str, Any]) -> None:
        ts = time.time()
        for name in METRICS:
            value = sample.get(name)
            if value is None:
                continue
            self.db.record_metric(name, float(value), ts)
            self.series[name].append((ts, float(value)))

    def _load_series(self) -> None:
        since = time.time() - 3600
        for name in METRICS:
            try:
                self.series[name].extend(self.db.metric_series(name, since=since, limit=60))
            except Exception:
                log.exception("could not load the %s series", name)

    # -- status --------------------------------------------------------------------------------
    def _register_status(self) -> None:
        status = getattr(self.services, "status", None)
        if status is None:
            return
        status.add_section("queue", self.queue.stats)
        status.add_section("scheduler", lambda: [
            {k: j.get(k) for k in ("id", "next_run", "paused", "last_run", "last_outcome",
                                   "disabled") if k in j} for j in self.scheduler.list()])
        status.add_section("alerts", self.alerts.status)
        status.add_section("metrics", lambda: {
            name: [[round(ts, 1), v] for ts, v in series] for name, series in self.series.items()})
        status.add_section("tuner", self.tuner.status)
        status.add_section("autofix", self.autofix.status)
        status.add_section("background", lambda: {
            "running": self.started, "persistent": self.persistent,
            "issues": [str(i) for i in self.issues]})


def _interval(seconds: float) -> Any:
    from apscheduler.triggers.interval import IntervalTrigger

    return IntervalTrigger(seconds=seconds)


def _ours(thread: threading.Thread) -> bool:
    """Threads this package starts: batch workers, the apscheduler thread and its pool."""
    return thread.name.startswith(("zc-batch-", "zc-sched", "APScheduler"))
