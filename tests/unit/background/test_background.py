"""Background as a whole: start/stop leaves no thread behind, jobs run and are recorded,
status sections, health checks feed metrics and alerts, config problems are reported."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from zc_lsp.background import Background
from zc_lsp.background.store import as_dicts
from zc_lsp.cli.status_watch import render, watch

FAST = {"background": {"jobs": {"health_check": {"interval_s": 0.1},
                                "provider_probe": {"interval_s": 0.2},
                                "review_sweep": {"interval_s": 0.1, "idle_s": 0.05},
                                "memory_retention": {"cron": "17 3 * * *"},
                                "log_rotation": {"cron": "23 3 * * *"}}},
        "tuner": {"interval_s": 0.1}}


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def test_every_thread_is_gone_within_two_seconds_of_stop(services_factory) -> None:
    services = services_factory(FAST)
    before = set(threading.enumerate())
    bg = Background(services)
    bg.start()
    bg.queue.submit("noop", {})
    wait_until(lambda: any(j["last_outcome"] for j in bg.scheduler.list() if j["id"] == "health_check"))
    assert len(set(threading.enumerate()) - before) >= 4  # scheduler + 3 workers at least
    t0 = time.monotonic()
    bg.stop(timeout=2.0)
    stopped_in = time.monotonic() - t0
    wait_until(lambda: not (set(threading.enumerate()) - before), timeout=2.0 - stopped_in)
    assert stopped_in < 2.0


def test_scheduled_jobs_run_and_are_recorded(services_factory, workspace: Path) -> None:
    services = services_factory(FAST)
    edits: list[float] = []

    def changed(since: float):
        return [workspace / "a.py", workspace / "notes.txt"], (edits[-1] if edits else None)

    (workspace / "a.py").write_text("x = 1\n")
    bg = Background(services, changed_files=changed)
    bg.start()
    try:
        wait_until(lambda: services.router.probes >= 1)
        wait_until(lambda: len(bg.series["cpu_percent"]) >= 2)
        wait_until(lambda: any(c[1] == "review" for c in services.agents.calls))
        assert bg.scheduler.run("memory_retention", wait=True)["outcome"] == "ok"
        assert bg.scheduler.run("log_rotation", wait=True)["outcome"] == "ok"
    finally:
        bg.stop()
    runs = as_dicts(services.memory.tasks.read().execute("SELECT job_id, outcome FROM schedule_runs"))
    done = {(r["job_id"], r["outcome"]) for r in runs}
    assert {("health_check", "ok"), ("provider_probe", "ok"), ("review_sweep", "ok"),
            ("memory_retention", "ok"), ("log_rotation", "ok")} <= done
    assert services.memory.tasks.metric_series("rss_mb")
    reviewed = [c for c in services.agents.calls if c[1] == "review"]
    assert [Path(c[2]).name for c in reviewed][:1] == ["a.py"]  # .txt files are not reviewed


def test_sweep_waits_while_the_editor_is_busy(services_factory, workspace: Path) -> None:
    services = services_factory()
    bg = Background(services, changed_files=lambda since: ([workspace / "a.py"], time.time()))
    outcome = bg.scheduler.run("review_sweep", wait=True)
    assert outcome["outcome"] == "skipped" and "active" in outcome["error"]


def test_log_rotation_keeps_n_files(services_factory) -> None:
    services = services_factory({"background": {"jobs": {"log_rotation": {"cron": "0 3 * * *", "max_mb": 0.0001, "keep": 2}}}})
    logs = services.memory.logs_dir
    bg = Background(services)
    for _ in range(4):
        (logs / "server.jsonl").write_text("x" * 500)
        assert bg.scheduler.run("log_rotation", wait=True)["outcome"] == "ok"
    assert sorted(p.name for p in logs.iterdir()) == ["server.jsonl", "server.jsonl.1", "server.jsonl.2"]


def test_bad_config_is_reported_and_raises_an_alert(services_factory, workspace: Path) -> None:
    ws_file = workspace / ".zombiecoder.yaml"
    ws_file.write_text("background:\n  jobs:\n    log_rotation:\n      cron: '61 * * * *'\n")
    services = services_factory({"background": {"jobs": {"log_rotation": {"cron": "61 * * * *"}},
                                                "templates": {"broken": {"agent": "nobody"}}}})
    services.settings.sources.append(str(ws_file))
    bg = Background(services)
    issues = {i.key: i for i in bg.issues}
    assert issues["background.jobs.log_rotation.cron"].source == str(ws_file)
    assert issues["background.jobs.log_rotation.cron"].line == 4
    assert "background.templates.broken" in issues
    assert "health_check" in bg.scheduler.jobs and "log_rotation" not in bg.scheduler.jobs
    bg.start()
    try:
        assert {a["rule"] for a in bg.alerts.list()} == {"config_error"}
    finally:
        bg.stop()


def test_health_check_raises_and_clears_alerts_and_critical_reaches_the_user(services_factory) -> None:
    services = services_factory({"alerts": {"escalate_after": 1}})
    told: list[str] = []
    bg = Background(services, notify_user=told.append)
    services.router.providers[0]["healthy"] = False
    for _ in range(3):
        bg.scheduler.run("health_check", wait=True)
    # Other rules (cpu_high on a busy CI machine) may fire too: look at this rule only.
    alert = next(a for a in bg.alerts.list() if a["rule"] == "provider_down")
    assert alert["severity"] == "critical"
    assert any("ollama" in message for message in told)
    services.router.providers[0]["healthy"] = True
    bg.scheduler.run("health_check", wait=True)
    assert [a for a in bg.alerts.list() if a["rule"] == "provider_down"] == []


def test_status_sections_and_the_watch_renderer(services_factory) -> None:
    import io

    services = services_factory()
    pushes: list[int] = []
    services.status.subscribe(lambda: pushes.append(1))
    bg = Background(services)
    bg.scheduler.run("health_check", wait=True)
    bg.alerts.raise_alert("cpu_high", "warning", "busy")
    job = bg.queue.submit("noop", {})
    snap = services.status.snapshot()
    assert snap["queue"] == {"depth": 1, "running": 0, "workers": 3}
    assert {j["id"] for j in snap["scheduler"]} >= {"health_check", "review_sweep", "tuner"}
    assert snap["alerts"]["by_severity"] == {"warning": 1}
    assert snap["metrics"]["rss_mb"] and snap["tuner"]["active"]["workers"] == 3
    assert snap["autofix"]["detected"] == 0 and snap["background"]["persistent"]
    assert pushes
    text = render(snap, colour=False)
    assert "queue    depth 1" in text and "cpu_high: busy" in text and "rss_mb" in text
    out = io.StringIO()
    assert watch(services.status.snapshot, interval=0.01, out=out, iterations=2) == 0
    assert out.getvalue().count("ZombieCoder") == 2
    assert bg.queue.cancel(job)


def test_watch_exits_cleanly_on_ctrl_c() -> None:
    import io

    calls = [0]

    def snapshot() -> dict:
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt
        return {"version": "x", "uptime_s": 1}

    assert watch(snapshot, interval=0.01, out=io.StringIO()) == 0


def test_without_memory_it_still_works_in_memory(services_factory) -> None:
    services = services_factory()
    services.memory.close()
    services.memory = None
    bg = Background(services)
    bg.start()
    try:
        job = bg.queue.submit("noop", {})
        wait_until(lambda: bg.queue.get(job)["state"] == "done")
        assert services.status.snapshot()["background"]["persistent"] is False
    finally:
        bg.stop()
