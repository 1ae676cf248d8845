"""Monitoring alerts: rules checked on every health check, escalation, ack, resolve, history.

One open alert per (rule, key): a repeat bumps its count instead of stacking duplicates. A
condition that keeps repeating (`alerts.escalate_after` times) or stays open longer than
`alerts.escalate_after_s` rises one severity step; a critical alert reaches the user through
`notify_user` (window/showMessage on the LSP side) once. When a rule's condition clears, its
alert resolves itself. History stays in tasks.db (`alerts`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zc_lsp.background.store import TaskStore, as_dicts

log = logging.getLogger(__name__)

SEVERITIES = ("info", "warning", "error", "critical")
RULES = ("provider_down", "breaker_open", "memory_high", "cpu_high", "loop_lag", "queue_backlog",
         "failing_tests", "budget_near_limit")


@dataclass(frozen=True)
class Condition:
    rule: str
    severity: str
    message: str
    key: str = ""


def _step_up(severity: str) -> str:
    index = SEVERITIES.index(severity) if severity in SEVERITIES else 1
    return SEVERITIES[min(index + 1, len(SEVERITIES) - 1)]


def evaluate_rules(sample: dict[str, Any], settings: Any) -> list[Condition]:
    """The conditions that hold for one health sample; pure, so rules are easy to test."""
    cfg = settings.get("alerts", {}) or {}
    out: list[Condition] = []
    for provider in sample.get("providers") or []:
        name = str(provider.get("name", "?"))
        if name == "offline" or not provider.get("enabled", True):
            continue
        if provider.get("healthy") is False:
            reason = provider.get("reason") or "it does not answer"
            out.append(Condition("provider_down", "warning", f"{name} is down: {reason}", name))
        if provider.get("breaker") == "open":
            out.append(Condition("breaker_open", "error",
                                 f"{name}'s circuit breaker is open after repeated failures", name))
    rss, cpu, lag = sample.get("rss_mb"), sample.get("cpu_percent"), sample.get("loop_lag_ms")
    if rss is not None and rss >= cfg.get("rss_mb", 2000):
        out.append(Condition("memory_high", "warning", f"the server uses {rss:.0f} MB of memory"))
    if cpu is not None and cpu >= cfg.get("cpu_percent", 90):
        out.append(Condition("cpu_high", "warning", f"the server uses {cpu:.0f}% CPU"))
    if lag is not None and lag >= cfg.get("loop_lag_ms", 500):
        out.append(Condition("loop_lag", "warning", f"the editor loop lags {lag:.0f} ms"))
    depth, cap = sample.get("queue_depth"), sample.get("queue_cap")
    if depth is not None and cap is not None and depth >= cap:
        out.append(Condition("queue_backlog", "error",
                             f"the batch queue is full ({depth} jobs); new jobs are refused", "cap"))
    elif depth is not None and depth >= cfg.get("queue_backlog", 100):
        out.append(Condition("queue_backlog", "warning", f"{depth} batch jobs are waiting"))
    failing = sample.get("failing_tests") or 0
    if failing:
        out.append(Condition("failing_tests", "warning", f"{failing} test(s) failing"))
    ratio = float(cfg.get("budget_ratio", 0.8))
    budgets = settings.get("router.budgets", {}) or {}
    for provider in sample.get("providers") or []:
        budget = budgets.get(provider.get("name"))
        spent = provider.get("cost_usd") or 0.0
        if budget and spent >= ratio * float(budget):
            severity = "error" if spent >= float(budget) else "warning"
            out.append(Condition("budget_near_limit", severity,
                                 f"{provider['name']} spent ${spent:.2f} of its ${budget} budget",
                                 str(provider["name"])))
    return out


class AlertCenter:
    def __init__(self, db: TaskStore, settings: Any,
                 notify_user: Callable[[str], None] | None = None,
                 on_change: Callable[[], None] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.settings = settings
        self.notify_user = notify_user
        self.on_change = on_change
        self.clock = clock
        self._lock = threading.Lock()
        self._open: list[dict[str, Any]] = []

    @property
    def escalate_after(self) -> int:
        return int(self.settings.get("alerts.escalate_after", 3))

    @property
    def escalate_after_s(self) -> float:
        return float(self.settings.get("alerts.escalate_after_s", 300))

    def load(self) -> None:
        self._refresh()

    def raise_alert(self, rule: str, severity: str, message: str, key: str | None = None) -> int:
        """Open an alert, or bump the open one for (rule, key); escalate when it lasts."""
        severity = severity if severity in SEVERITIES else "warning"
        key = key or ""
        now = self.clock()
        notify: str | None = None
        with self._lock, self.db.write() as conn:
            rows = as_dicts(conn.execute(
                "SELECT * FROM alerts WHERE rule = ? AND key = ? AND state IN ('open', 'acked')"
                " ORDER BY id DESC LIMIT 1", (rule, key)))
            if not rows:
                alert_id = int(conn.execute(
                    "INSERT INTO alerts (rule, key, severity, base_severity, message, created_at,"
                    " updated_at, escalated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (rule, key, severity, severity, message, now, now, now)).lastrowid or 0)
                log.warning("alert %s [%s] %s", rule, severity, message)
                if severity == "critical":
                    notify = message
            else:
                row = rows[0]
                alert_id = int(row["id"])
                count = int(row["count"]) + 1
                current = max(row["severity"], severity, key=SEVERITIES.index)
                escalated_at, escalated_count = row["escalated_at"] or row["created_at"], row["escalated_count"]
                if row["state"] == "open" and (
                    count - escalated_count >= self.escalate_after
                    or now - escalated_at >= self.escalate_after_s
                ):
                    raised = _step_up(current)
                    if raised != current:
                        log.warning("alert %s escalated %s -> %s", rule, current, raised)
                        current, escalated_at, escalated_count = raised, now, count
                if current == "critical" and row["severity"] != "critical" and row["state"] == "open":
                    notify = message
                conn.execute(
                    "UPDATE alerts SET count = ?, severity = ?, message = ?, updated_at = ?,"
                    " escalated_at = ?, escalated_count = ? WHERE id = ?",
                    (count, current, message, now, escalated_at, escalated_count, alert_id))
        self._refresh()
        if notify is not None and self.notify_user is not None:
            try:
                self.notify_user(f"ZombieCoder: {notify}")
            except Exception:
                log.exception("could not tell the user about a critical alert")
        return alert_id

    def ack(self, alert_id: int) -> bool:
        """Seen by the user: stays listed until resolved, but no longer escalates or notifies."""
        return self._set_state(alert_id, "acked", "acked_at = ?", ("open",))

    def resolve(self, alert_id: int, by: str = "user") -> bool:
        return self._set_state(alert_id, "resolved", "resolved_at = ?, resolved_by = ?",
                               ("open", "acked"), by)

    def _set_state(self, alert_id: int, state: str, extra: str, allowed: tuple[str, ...],
                   *params: Any) -> bool:
        marks = ", ".join("?" for _ in allowed)
        with self._lock, self.db.write() as conn:
            changed = conn.execute(
                f"UPDATE alerts SET state = ?, {extra} WHERE id = ? AND state IN ({marks})",  # noqa: S608 - fixed columns
                (state, self.clock(), *params, int(alert_id), *allowed)).rowcount
        self._refresh()
        return bool(changed)

    def evaluate(self, sample: dict[str, Any]) -> list[Condition]:
        """Raise what holds now and auto-resolve rule alerts whose condition cleared."""
        conditions = evaluate_rules(sample, self.settings)
        active = {(c.rule, c.key) for c in conditions}
        for condition in conditions:
            self.raise_alert(condition.rule, condition.severity, condition.message, condition.key)
        for alert in list(self._open):
            if alert["rule"] in RULES and (alert["rule"], alert["key"]) not in active:
                self.resolve(int(alert["id"]), by="auto")
                log.info("alert %s resolved itself: the condition cleared", alert["rule"])
        return conditions

    def list(self, open_only: bool = True, limit: int = 100) -> list[dict[str, Any]]:
        if open_only:
            return [dict(a) for a in self._open]
        return as_dicts(self.db.read().execute(
            "SELECT * FROM alerts ORDER BY id DESC LIMIT ?", (limit,)))

    def status(self) -> dict[str, Any]:
        by_severity: dict[str, int] = {}
        for alert in self._open:
            by_severity[alert["severity"]] = by_severity.get(alert["severity"], 0) + 1
        fields = ("id", "rule", "key", "severity", "message", "count", "state", "created_at")
        open_alerts = [{**{k: a[k] for k in fields}, "acked": a["state"] == "acked"} for a in self._open]
        return {"open": open_alerts, "by_severity": by_severity}

    def _refresh(self) -> None:
        rows = as_dicts(self.db.read().execute(
            "SELECT * FROM alerts WHERE state IN ('open', 'acked') ORDER BY id"))
        changed = [(r["id"], r["severity"], r["count"], r["state"]) for r in rows] != [
            (r["id"], r["severity"], r["count"], r["state"]) for r in self._open]
        self._open = rows
        if changed and self.on_change is not None:
            self.on_change()
