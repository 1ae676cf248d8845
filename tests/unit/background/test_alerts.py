"""Alerts: rules, dedup, escalation by repeats and by age, critical notification, ack/resolve."""

from __future__ import annotations

from zc_lsp.background.alerts import AlertCenter, evaluate_rules
from zc_lsp.background.store import ensure_schema


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_center(services, notified: list[str], clock: Clock | None = None) -> AlertCenter:
    ensure_schema(services.memory.tasks)
    return AlertCenter(services.memory.tasks, services.settings, notified.append,
                       clock=clock or Clock())


def test_repeats_escalate_one_step_per_threshold_and_critical_notifies(services_factory) -> None:
    services = services_factory({"alerts": {"escalate_after": 3, "escalate_after_s": 10_000}})
    notified: list[str] = []
    center = make_center(services, notified)
    first = center.raise_alert("provider_down", "warning", "ollama is down", key="ollama")
    for _ in range(2):
        assert center.raise_alert("provider_down", "warning", "ollama is down", key="ollama") == first
    assert center.list()[0]["severity"] == "warning" and center.list()[0]["count"] == 3
    center.raise_alert("provider_down", "warning", "ollama is down", key="ollama")  # 4th: +3 since
    assert center.list()[0]["severity"] == "error"
    for _ in range(3):
        center.raise_alert("provider_down", "warning", "ollama is down", key="ollama")
    assert center.list()[0]["severity"] == "critical"
    assert notified == ["ZombieCoder: ollama is down"]
    for _ in range(5):
        center.raise_alert("provider_down", "warning", "ollama is down", key="ollama")
    assert len(notified) == 1 and center.list()[0]["severity"] == "critical"
    assert len(center.list()) == 1  # one open alert per (rule, key)


def test_a_lasting_condition_escalates_by_age(services_factory) -> None:
    services = services_factory({"alerts": {"escalate_after": 100, "escalate_after_s": 60}})
    clock = Clock()
    center = make_center(services, [], clock)
    center.raise_alert("loop_lag", "warning", "lag")
    clock.now += 30
    center.raise_alert("loop_lag", "warning", "lag")
    assert center.list()[0]["severity"] == "warning"
    clock.now += 31
    center.raise_alert("loop_lag", "warning", "lag")
    assert center.list()[0]["severity"] == "error"


def test_ack_stops_escalation_and_resolve_closes(services_factory) -> None:
    services = services_factory({"alerts": {"escalate_after": 1}})
    center = make_center(services, [])
    alert = center.raise_alert("cpu_high", "warning", "cpu")
    assert center.ack(alert)
    center.raise_alert("cpu_high", "warning", "cpu")
    center.raise_alert("cpu_high", "warning", "cpu")
    row = center.list()[0]
    assert row["state"] == "acked" and row["severity"] == "warning" and row["count"] == 3
    assert center.resolve(alert)
    assert center.list() == []
    assert not center.resolve(alert)
    history = center.list(open_only=False)
    assert history[0]["state"] == "resolved" and history[0]["resolved_by"] == "user"
    assert center.raise_alert("cpu_high", "warning", "cpu") != alert  # a new episode


def test_conditions_clearing_resolve_their_alerts(services_factory) -> None:
    services = services_factory()
    center = make_center(services, [])
    manual = center.raise_alert("config_error", "warning", "bad key", key="x")
    bad = {"rss_mb": 5000, "cpu_percent": 99, "loop_lag_ms": 900, "queue_depth": 150, "queue_cap": 1000,
           "failing_tests": 2,
           "providers": [{"name": "ollama", "enabled": True, "healthy": False, "breaker": "open"}]}
    rules = {c.rule for c in center.evaluate(bad)}
    assert rules == {"memory_high", "cpu_high", "loop_lag", "queue_backlog", "failing_tests",
                     "provider_down", "breaker_open"}
    assert center.status()["by_severity"] == {"warning": 7, "error": 1}
    good = {"rss_mb": 50, "cpu_percent": 1, "loop_lag_ms": 1, "queue_depth": 0, "queue_cap": 1000,
            "providers": [{"name": "ollama", "enabled": True, "healthy": True, "breaker": "closed"}]}
    center.evaluate(good)
    assert [a["id"] for a in center.list()] == [manual]  # only the manual alert stays
    resolved = [a for a in center.list(open_only=False) if a["resolved_by"] == "auto"]
    assert len(resolved) == 7


def test_budget_and_full_queue_rules(services_factory) -> None:
    services = services_factory({"router": {"budgets": {"openai": 2.0}}})
    sample = {"queue_depth": 1000, "queue_cap": 1000,
              "providers": [{"name": "openai", "enabled": True, "healthy": True, "cost_usd": 1.7}]}
    conditions = {(c.rule, c.severity) for c in evaluate_rules(sample, services.settings)}
    assert conditions == {("budget_near_limit", "warning"), ("queue_backlog", "error")}
    sample["providers"][0]["cost_usd"] = 2.5
    assert ("budget_near_limit", "error") in {(c.rule, c.severity) for c in evaluate_rules(sample, services.settings)}
