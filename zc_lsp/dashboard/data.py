"""What the dashboard's endpoints answer, apart from HTTP: snapshot, metric series, reports, alert actions.

All task-database reads run on one worker thread owned by the dashboard: the HTTP server starts a
thread per request, and one SQLite connection per short-lived thread would be opened and dropped
on every poll.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)
REACH_EVERY_S = 30.0
METRIC_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
DB_TIMEOUT_S = 10.0
TASK_BUCKET_S = 60


class BadRequest(ValueError):
    """The request is malformed (HTTP 400); the message says which part."""


class NotFound(LookupError):
    """Well-formed, but there is no such thing (HTTP 404)."""


class Unavailable(RuntimeError):
    """The part that would answer is not running (HTTP 503)."""


class DashboardData:
    def __init__(self, services: Any, live: Callable[[], dict[str, Any]] | None = None) -> None:
        self.services = services
        self.live = live  # the running language server's snapshot, when the dashboard attached to one
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zc-dash-db")
        self._reach = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zc-dash-reach")
        self._reached_at = -math.inf
        self._changed = threading.Condition()
        self.version = 0
        services.status.subscribe(self._on_change)

    def close(self) -> None:
        self._db.shutdown(wait=False, cancel_futures=True)
        self._reach.shutdown(wait=False, cancel_futures=True)
        with self._changed:
            self.version += 1
            self._changed.notify_all()

    # -- change notification (server-sent events) -------------------------------------------
    def _on_change(self) -> None:
        with self._changed:
            self.version += 1
            self._changed.notify_all()

    def wait_change(self, seen: int, timeout: float) -> int:
        """Block until the status changed after version `seen`, or `timeout`; the current version."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    # -- reads -------------------------------------------------------------------------------
    def _tasks(self) -> Any:
        memory = self.services.memory
        if memory is None or getattr(memory, "degraded", None):
            raise Unavailable(f"the task database is unavailable: {getattr(memory, 'degraded', 'memory did not start')}")
        return memory.tasks

    def _on_db(self, fn: Any, *args: Any) -> Any:
        return self._db.submit(fn, *args).result(timeout=DB_TIMEOUT_S)

    def snapshot(self) -> dict[str, Any]:
        """The side panel's snapshot, with the sections a CLI process lacks filled from the task DB."""
        snap, source = self._base_snapshot()
        if "reports" not in snap:
            try:
                snap["reports"] = self.reports()
            except Unavailable:
                snap["reports"] = []
        alerts = snap.get("alerts")
        if isinstance(alerts, dict):
            for alert in alerts.get("open") or []:
                if isinstance(alert, dict) and alert.get("state") == "acked":
                    alert["acked"] = True  # the shared renderer shows an "acked" badge for this flag
        snap["insights"] = self._insights(snap)
        snap["dashboard"] = {"background": self.services.background is not None, "time": time.time(), **source}
        return snap

    def _insights(self, snap: dict[str, Any]) -> dict[str, Any]:
        """Open findings, the last test run, latency and cost per provider (dashboard/insights.py)."""
        from zc_lsp.dashboard.insights import insights

        memory = self.services.memory
        if memory is None or getattr(memory, "degraded", None):
            why = f"memory is unavailable: {getattr(memory, 'degraded', None) or 'it did not start'}"
            return {name: {"error": why} for name in ("findings", "last_test_run", "provider_usage")}
        found: dict[str, Any] = self._on_db(insights, snap, memory)
        return found

    def _refresh_reachability(self) -> None:
        """Without a live server nobody else checks the providers: a TCP connect each, every REACH_EVERY_S,
        off the request thread, so Ollama shows up or down instead of unknown."""
        router = getattr(self.services, "router", None)  # a viewer built without a router has none to check
        now = time.monotonic()
        if router is None or now - self._reached_at < REACH_EVERY_S:
            return
        self._reached_at = now

        def check() -> None:
            try:
                asyncio.run(router.check_reachable())
            except Exception:  # the panel keeps showing "unknown", and the log says why
                log.exception("provider reachability check failed")
                return
            self.services.status.changed()

        self._reach.submit(check)

    def _base_snapshot(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live server's snapshot when attached (and answering), else this process's own."""
        if self.live is not None:
            from zc_lsp.background.live_status import LiveStatusError

            try:
                return dict(self.live()), {"live": True, "note": "live: the editor's running server"}
            except LiveStatusError as exc:
                note = f"the running server stopped answering ({exc}): showing stored state"
                self._refresh_reachability()
                return dict(self.services.status.snapshot()), {"live": False, "note": note}
        self._refresh_reachability()
        return dict(self.services.status.snapshot()), {
            "live": False, "note": "no running server for this workspace: showing its stored state"}

    def reports(self, limit: int = 20) -> list[dict[str, Any]]:
        tasks = self._tasks()
        return list(self._on_db(tasks.list_reports, limit))

    def report(self, raw_id: str) -> dict[str, Any]:
        report_id = parse_id(raw_id)
        tasks = self._tasks()
        found = self._on_db(tasks.get_report, report_id)
        if found is None:
            raise NotFound(f"there is no report {report_id}")
        return dict(found)

    def metric(self, name: str | None, since: str | None) -> dict[str, Any]:
        """One series of [ts, value] points; `tasks` is tasks finished per minute, counted from the task table."""
        if not name:
            raise BadRequest("`name` is required, e.g. /api/metrics?name=cpu_percent")
        if not METRIC_NAME.match(name):
            raise BadRequest("`name` may hold only letters, digits and _ . : - (at most 64)")
        start = parse_since(since)
        tasks = self._tasks()
        if name == "tasks":
            rows = self._on_db(tasks.query,
                               "SELECT CAST(finished_at / ? AS INTEGER) * ? AS ts, COUNT(*) AS value FROM tasks "
                               "WHERE finished_at IS NOT NULL AND finished_at >= ? GROUP BY 1 ORDER BY 1",
                               [TASK_BUCKET_S, TASK_BUCKET_S, start])
            points = [[float(r["ts"]), float(r["value"])] for r in rows]
        else:
            points = [[round(ts, 3), value] for ts, value in self._on_db(tasks.metric_series, name, start)]
        return {"name": name, "since": start, "points": points}

    # -- actions -----------------------------------------------------------------------------
    def alert_action(self, raw_id: str, action: str) -> dict[str, Any]:
        alert_id = parse_id(raw_id)
        if action not in ("ack", "resolve"):
            raise BadRequest(f"unknown alert action {action!r}; use ack or resolve")
        background = self.services.background
        if background is None:
            raise Unavailable("background services are not running here, so alerts cannot change")
        done = bool(self._on_db(getattr(background.alerts, action), alert_id))
        if not done:
            raise NotFound(f"alert {alert_id} is not open (already {action}ed or unknown)")
        return {"ok": True, "id": alert_id, "action": action}


def parse_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise BadRequest(f"expected a numeric id, got {raw[:20]!r}")
    return int(raw)


def parse_since(raw: str | None) -> float:
    """Epoch seconds; a negative number means that many seconds ago; default the last hour."""
    if raw is None or raw == "":
        return time.time() - 3600
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"`since` must be a number (epoch seconds, or negative for seconds ago), got {raw[:20]!r}") from None
    if not math.isfinite(value):
        raise BadRequest("`since` must be a finite number")
    return time.time() + value if value < 0 else value
