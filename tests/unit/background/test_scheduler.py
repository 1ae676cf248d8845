"""Scheduler: config parsing, runs recorded, retries with backoff, pause/run commands."""

from __future__ import annotations

import threading
import time

from zc_lsp.background.scheduler import JobSkipped, ScheduledJob, Scheduler, parse_trigger
from zc_lsp.background.store import ensure_schema


def locate(key: str) -> tuple[str, int | None]:
    return "/ws/.zombiecoder.yaml", 7


def make_scheduler(services) -> Scheduler:
    ensure_schema(services.memory.tasks)
    return Scheduler(services.memory.tasks, threading.Event())


def test_invalid_cron_and_unknown_job_are_reported_and_only_they_are_disabled(services_factory) -> None:
    sched = make_scheduler(services_factory())
    ran: list[str] = []
    sched.configure(
        {"health_check": {"interval_s": 60}, "log_rotation": {"cron": "99 * * * *"},
         "made_up": {"interval_s": 5}, "review_sweep": {"cron": "* * *"}},
        {"health_check": lambda o: ran.append("h"), "log_rotation": lambda o: None,
         "review_sweep": lambda o: None},
        locate,
    )
    assert list(sched.jobs) == ["health_check"]
    keys = sorted(issue.key for issue in sched.issues)
    assert keys == ["background.jobs.log_rotation.cron", "background.jobs.made_up",
                    "background.jobs.review_sweep.cron"]
    assert all(issue.source == "/ws/.zombiecoder.yaml" and issue.line == 7 for issue in sched.issues)
    listed = {j["id"]: j for j in sched.list()}
    assert listed["log_rotation"]["disabled"] and not listed["health_check"].get("disabled")


def test_parse_trigger_accepts_intervals_and_five_field_cron() -> None:
    assert parse_trigger({"interval_s": 2})[0] is not None
    assert parse_trigger({"cron": "17 3 * * *"})[0] is not None
    assert parse_trigger({"interval_s": -1})[0] is None
    assert parse_trigger({"interval_s": 1, "cron": "* * * * *"})[0] is None


def test_runs_are_recorded_and_failures_retried_with_backoff(services_factory) -> None:
    sched = make_scheduler(services_factory())
    attempts: list[float] = []

    def flaky(options: dict) -> dict:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise RuntimeError("not yet")
        return {"ok": options["x"]}

    sched.add(ScheduledJob("flaky", flaky, parse_trigger({"interval_s": 3600})[0], {"x": 1},
                           retries=2, backoff_s=0.05))
    outcome = sched.run("flaky", wait=True)
    assert outcome["outcome"] == "ok" and outcome["attempts"] == 3
    assert attempts[2] - attempts[1] >= attempts[1] - attempts[0] >= 0.05  # doubling backoff
    runs = sched.history("flaky")
    assert runs[0]["outcome"] == "ok" and runs[0]["attempts"] == 3


def test_skipped_and_failed_runs_are_recorded(services_factory) -> None:
    sched = make_scheduler(services_factory())

    def busy(options: dict) -> None:
        raise JobSkipped("editor busy")

    def broken(options: dict) -> None:
        raise ValueError("bad")

    trigger = parse_trigger({"interval_s": 3600})[0]
    sched.add(ScheduledJob("busy", busy, trigger, retries=2, backoff_s=0.01))
    sched.add(ScheduledJob("broken", broken, trigger, retries=1, backoff_s=0.01))
    assert sched.run("busy", wait=True)["outcome"] == "skipped"
    assert sched.run("broken", wait=True)["outcome"] == "failed"
    assert sched.history("busy")[0]["attempts"] == 1
    assert sched.history("broken")[0]["error"] == "ValueError: bad"
    assert {j["id"]: j["last_outcome"] for j in sched.list()} == {"busy": "skipped", "broken": "failed"}


def test_interval_job_fires_and_max_one_instance(services_factory) -> None:
    sched = make_scheduler(services_factory())
    running, peak, count = [0], [0], [0]
    lock = threading.Lock()

    def slow(options: dict) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            count[0] += 1
        time.sleep(0.25)
        with lock:
            running[0] -= 1

    sched.add(ScheduledJob("slow", slow, parse_trigger({"interval_s": 0.05})[0]))
    sched.start()
    try:
        sched.run("slow")  # a manual run while the interval keeps firing
        time.sleep(0.8)
    finally:
        sched.shutdown()
    assert count[0] >= 2 and peak[0] == 1


def test_pause_by_user_is_not_lifted_by_the_tuner(services_factory) -> None:
    sched = make_scheduler(services_factory())
    sched.add(ScheduledJob("review_sweep", lambda o: None, parse_trigger({"interval_s": 60})[0]))
    sched.start()
    try:
        assert sched.pause("review_sweep")["paused"]
        assert not sched.pause("review_sweep", False, by="tuner")["ok"]
        assert sched.list()[0]["paused"] and sched.list()[0]["next_run"] is None
        assert sched.pause("review_sweep", False)["ok"]
        assert sched.list()[0]["next_run"] is not None
        assert not sched.pause("nope")["ok"]
    finally:
        sched.shutdown()
