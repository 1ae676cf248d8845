"""Tuner: acts under synthetic pressure within bounds, undoes after calm, logs every action."""

from __future__ import annotations

import random
import statistics
import threading
from collections import deque

import pytest

from zc_lsp.background.batch import BatchQueue, QueueOptions
from zc_lsp.background.scheduler import ScheduledJob, Scheduler, parse_trigger
from zc_lsp.background.store import as_dicts, ensure_schema
from zc_lsp.background.templates import TemplateRunner
from zc_lsp.background.tuner import Tuner, _p95

CALM = {"cpu_percent": 5, "rss_mb": 100, "loop_lag_ms": 5, "request_p95_ms": {}, "model_latency_ms": {}}
HOT = {**CALM, "cpu_percent": 95, "loop_lag_ms": 400}


def make_tuner(services):
    db = services.memory.tasks
    ensure_schema(db)
    queue = BatchQueue(db, TemplateRunner(services, {}), QueueOptions(workers=3))
    sched = Scheduler(db, threading.Event())
    sched.add(ScheduledJob("review_sweep", lambda o: None, parse_trigger({"interval_s": 60})[0]))
    tuner = Tuner(services.settings, db, queue=queue, scheduler=sched)
    return tuner, queue, sched


def test_pressure_backs_off_within_bounds_and_calm_undoes_it(services_factory) -> None:
    services = services_factory({"tuner": {"min_workers": 1, "max_debounce_ms": 1200, "calm_samples": 2},
                                 "diagnostics": {"debounce_ms": 300}})
    tuner, queue, sched = make_tuner(services)
    assert tuner.sample(HOT) == ["fewer_workers", "longer_debounce", "pause_sweep"]
    assert (queue.workers, tuner.debounce_ms, sched.jobs["review_sweep"].paused_by) == (2, 600, "tuner")
    for _ in range(5):
        tuner.sample(HOT)
    assert queue.workers == 1 and tuner.debounce_ms == 1200  # never past the bounds
    # between thresholds: neither pressure nor calm, nothing changes (hysteresis)
    assert tuner.sample({**CALM, "cpu_percent": 70}) == []
    taken = []
    for _ in range(20):
        taken += tuner.sample(CALM)
    assert taken == ["resume_sweep", "shorter_debounce", "shorter_debounce", "more_workers",
                     "more_workers"]
    assert (queue.workers, tuner.debounce_ms, sched.jobs["review_sweep"].paused_by) == (3, 300, None)
    rows = as_dicts(services.memory.tasks.read().execute("SELECT action FROM tuner_actions"))
    assert [r["action"] for r in rows][:3] == ["fewer_workers", "longer_debounce", "pause_sweep"]
    assert len(rows) == 10
    assert tuner.status()["active"]["workers"] == 3


def test_user_pause_survives_tuner_recovery(services_factory) -> None:
    services = services_factory({"tuner": {"calm_samples": 1}})
    tuner, queue, sched = make_tuner(services)
    sched.pause("review_sweep")
    tuner.sample(HOT)
    assert not tuner.sweep_paused  # already paused by the user: the tuner does not claim it
    for _ in range(5):
        tuner.sample(CALM)
    assert sched.jobs["review_sweep"].paused_by == "user"


def test_slow_models_set_and_clear_a_fast_model_hint(services_factory) -> None:
    services = services_factory({"tuner": {"model_latency_ms_high": 5000}})
    tuner, _, _ = make_tuner(services)
    slow = {**CALM, "model_latency_ms": {"ollama/big": 9000.0, "openai/mini": 800.0}}
    assert tuner.sample(slow) == ["prefer_model"]
    assert tuner.prefer_model == "openai/mini"
    assert tuner.sample(slow) == []
    assert tuner.sample({**CALM, "model_latency_ms": {"ollama/big": 900.0}}) == ["clear_model_hint"]
    assert tuner.prefer_model is None


def test_recorded_loop_lag_and_slow_requests_count_as_pressure(services_factory) -> None:
    services = services_factory()
    tuner, queue, _ = make_tuner(services)
    tuner.record_loop_lag(10)
    tuner.record_loop_lag(450)
    for _ in range(10):
        tuner.record_request_latency("textDocument/codeAction", 5000)
    sample = tuner.measure()
    assert sample["loop_lag_ms"] == 450 and sample["request_p95_ms"]["textDocument/codeAction"] == 5000
    assert "fewer_workers" in tuner.sample(sample)
    assert tuner.measure()["loop_lag_ms"] == 0  # each sample judges only what came since


def test_p95_is_the_statistics_modules_95th_percentile() -> None:
    rng = random.Random(15)
    for size in [2, 3, 5, 19, 20, 21, 60]:
        values = deque(rng.uniform(0, 500) for _ in range(size))
        assert _p95(values) == pytest.approx(statistics.quantiles(sorted(values), n=20)[-1])
    assert _p95(deque([7.0])) == 7.0
