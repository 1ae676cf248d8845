"""BatchQueue: priority order, concurrency, persistence, cancellation, the cap, bad jobs."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from zc_lsp.background.batch import BatchQueue, JobContext, QueueFull, QueueOptions
from zc_lsp.background.store import ensure_schema
from zc_lsp.background.templates import TemplateRunner, parse_templates


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached in time")


def make_queue(services, **opts) -> BatchQueue:
    db = services.memory.tasks
    ensure_schema(db)
    templates, _ = parse_templates({}, lambda key: ("x", None), services.registry)
    return BatchQueue(db, TemplateRunner(services, templates), QueueOptions(**opts))


def test_jobs_run_in_priority_order(services_factory) -> None:
    queue = make_queue(services_factory(), workers=1)
    order: list[int] = []
    queue.register_action("mark", lambda ctx: order.append(ctx.args["n"]))
    for n, priority in [(1, 5), (2, 9), (3, 0), (4, 5)]:
        queue.submit("mark", {"n": n}, priority=priority)
    queue.start()
    try:
        wait_until(lambda: len(order) == 4)
    finally:
        queue.stop()
    assert order == [3, 1, 4, 2]


def test_three_workers_run_three_jobs_at_once(services_factory) -> None:
    queue = make_queue(services_factory(), workers=3)
    active, peak, lock = [0], [0], threading.Lock()

    async def busy(ctx: JobContext) -> None:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        await asyncio.sleep(0.2)
        with lock:
            active[0] -= 1

    queue.register_action("busy", busy)
    ids = [queue.submit("busy", {}) for _ in range(6)]
    queue.start()
    try:
        wait_until(lambda: all(queue.get(i)["state"] == "done" for i in ids))
    finally:
        queue.stop()
    assert peak[0] == 3
    assert {queue.get(i)["attempts"] for i in ids} == {1}


def test_queued_and_interrupted_jobs_survive_a_restart(services_factory) -> None:
    services = services_factory()
    first = make_queue(services, workers=1)
    started = threading.Event()

    async def slow(ctx: JobContext) -> str:
        started.set()
        await asyncio.sleep(30)
        return "never"

    first.register_action("slow", slow)
    first.register_action("mark", lambda ctx: "marked")
    running = first.submit("slow", {})
    waiting = [first.submit("mark", {"i": i}) for i in range(3)]
    first.start()
    assert started.wait(5)
    t0 = time.monotonic()
    first.stop(timeout=2.0)
    assert time.monotonic() - t0 < 2.0
    assert first.get(running)["state"] == "queued"  # interrupted by stop: back in the queue
    assert all(first.get(i)["state"] == "queued" for i in waiting)

    # a crash leaves a job 'running' under a dead owner: the next start re-queues it
    with services.memory.tasks.write() as conn:
        conn.execute("UPDATE jobs SET state = 'running', owner = '999999999:dead' WHERE id = ?", (running,))
    second = make_queue(services, workers=2)
    second.register_action("slow", lambda ctx: "ran after restart")
    second.register_action("mark", lambda ctx: "marked")
    second.start()
    try:
        wait_until(lambda: all(second.get(i)["state"] == "done" for i in [running, *waiting]))
    finally:
        second.stop()
    assert second.get(running)["result"] == "ran after restart"


def test_cancel_queued_and_running_jobs(services_factory) -> None:
    queue = make_queue(services_factory(), workers=1)
    started = threading.Event()

    async def slow(ctx: JobContext) -> None:
        ctx.progress("step 1 of 3", 33)
        started.set()
        await asyncio.sleep(30)

    queue.register_action("slow", slow)
    running = queue.submit("slow", {}, priority=0)
    queued = queue.submit("slow", {}, priority=5)
    queue.start()
    try:
        assert started.wait(5)
        assert queue.list(state="running")[0]["progress"] == "step 1 of 3"
        assert queue.cancel(queued)
        assert queue.cancel(running)
        wait_until(lambda: queue.get(running)["state"] == "cancelled")
    finally:
        queue.stop()
    assert queue.get(queued)["state"] == "cancelled"
    assert "step 1 of 3" in queue.get(running)["error"]
    assert not queue.cancel(running)


def test_over_the_cap_a_job_is_refused_and_reported(services_factory) -> None:
    full: list[int] = []
    queue = make_queue(services_factory(), workers=1, queue_cap=3, on_full=full.append)
    for _ in range(3):
        queue.submit("noop", {})
    with pytest.raises(QueueFull):
        queue.submit("noop", {})
    assert full == [3]
    assert queue.stats()["depth"] == 3


def test_bad_jobs_fail_and_workers_keep_going(services_factory) -> None:
    queue = make_queue(services_factory(), workers=1, job_timeout_s=0.3, retries=1,
                       retry_backoff_s=0.05, max_result_bytes=1000)
    calls = {"boom": 0}

    def boom(ctx: JobContext) -> None:
        calls["boom"] += 1
        raise RuntimeError("kaput")

    async def hang(ctx: JobContext) -> None:
        await asyncio.sleep(30)

    queue.register_action("boom", boom)
    queue.register_action("hang", hang)
    queue.register_action("flood", lambda ctx: "x" * 5000)
    ids = {name: queue.submit(name, {}) for name in ("boom", "hang", "flood", "noop")}
    queue.start()
    try:
        wait_until(lambda: all(queue.get(i)["state"] in ("done", "failed") for i in ids.values()))
    finally:
        queue.stop()
    boom_row = queue.get(ids["boom"])
    assert boom_row["state"] == "failed" and "kaput" in boom_row["error"]
    assert calls["boom"] == 2 and boom_row["attempts"] == 2  # one retry, never concurrently
    assert "timed out" in queue.get(ids["hang"])["error"]
    assert "output flood" in queue.get(ids["flood"])["error"]
    assert queue.get(ids["noop"])["state"] == "done"


def test_unknown_job_is_refused(services_factory) -> None:
    queue = make_queue(services_factory())
    with pytest.raises(ValueError, match="unknown job"):
        queue.submit("no_such_template", {})


def test_review_workspace_template_reviews_every_python_file(services_factory, workspace: Path) -> None:
    services = services_factory()
    (workspace / "a.py").write_text("x = 1\n")
    (workspace / "pkg").mkdir()
    (workspace / "pkg" / "b.py").write_text("y = 2\n")
    (workspace / ".venv").mkdir()
    (workspace / ".venv" / "c.py").write_text("z = 3\n")
    queue = make_queue(services, workers=1)
    job = queue.submit("review_workspace", {})
    queue.start()
    try:
        wait_until(lambda: queue.get(job)["state"] == "done")
    finally:
        queue.stop()
    reviewed = sorted(Path(p).name for a, action, p in services.agents.calls)
    assert reviewed == ["a.py", "b.py"]
    assert queue.get(job)["result"]["files"] == 2


def test_set_workers_shrinks_and_grows(services_factory) -> None:
    queue = make_queue(services_factory(), workers=3)
    queue.start()
    try:
        queue.set_workers(1)
        wait_until(lambda: sum(t.is_alive() for t in queue._threads.values()) == 1)
        queue.set_workers(3)
        wait_until(lambda: sum(t.is_alive() for t in queue._threads.values()) == 3)
    finally:
        queue.stop()


def test_an_idle_queue_starts_its_workers_with_the_first_job(services_factory) -> None:
    queue = make_queue(services_factory(), workers=3)
    done = threading.Event()
    queue.register_action("mark", lambda ctx: done.set())
    queue.start()
    try:
        assert [t for t in queue._threads.values() if t.is_alive()] == []
        queue.submit("mark", {})
        assert done.wait(5.0)
        assert sum(t.is_alive() for t in queue._threads.values()) == 3
    finally:
        queue.stop()


def test_jobs_a_previous_server_left_queued_start_the_workers(services_factory) -> None:
    services = services_factory()
    first = make_queue(services, workers=1)
    first.submit("noop", {})  # queued, never started
    second = make_queue(services, workers=2)
    second.start()
    try:
        wait_until(lambda: second.get(1) is not None and second.get(1)["state"] == "done")
    finally:
        second.stop()
