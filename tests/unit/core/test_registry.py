"""AgentRunner: a crash in one agent is a plain failure; the others keep working; stats count it."""

from __future__ import annotations

from pathlib import Path

from zc_lsp.agents.base import Action, AgentContext, AgentRequest, AgentResult, AgentSpec
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.config import load_settings
from zc_lsp.services import build_services


class Boom:
    name = "programming"

    def actions(self) -> list[str]:
        return ["explode"]

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        raise RuntimeError("kaboom")


class Fine:
    name = "ops"

    def actions(self) -> list[str]:
        return ["ping"]

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        assert ctx.memory is not None
        ctx.memory.remember("note", "pong")
        return AgentResult(ok=True, agent=self.name, action=request.action, summary="pong")


async def test_crash_in_one_agent_is_reported_and_others_work(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    registry = AgentRegistry([AgentSpec("programming", (Action("explode"),), Boom), AgentSpec("ops", (Action("ping"),), Fine)])
    services = build_services(tmp_path, load_settings(tmp_path), with_router=False, registry=registry)
    try:
        crashed = await services.agents.run("programming", AgentRequest("explode"))
        assert not crashed.ok and "kaboom" in (crashed.error or "")
        fine = await services.agents.run("ops", AgentRequest("ping"))
        assert fine.ok and fine.summary == "pong"
        unknown = await services.agents.run("ops", AgentRequest("dance"))
        assert not unknown.ok and "ping" in (unknown.error or "")
        stats = {s["name"]: s for s in services.agents.status()}
        assert stats["programming"]["tasks_failed"] == 1 and stats["programming"]["state"] == "error"
        assert stats["ops"]["tasks_done"] == 1
        # The ops agent's memory holds its note; the programming agent's store does not.
        assert [i.content for i in services.memory.agent("ops").recent(5)] == ["pong"]
        assert services.memory.agent("programming").recent(5) == []
        tasks = services.memory.tasks.list_tasks()
        assert {t["state"] for t in tasks} >= {"done", "failed"}
    finally:
        await services.aclose()


def test_use_cases_are_found_by_what_they_serve_not_by_agent_name() -> None:
    from zc_lsp.background.templates import parse_templates

    registry = AgentRegistry([
        AgentSpec("fixer", (Action("mend", resolves="fix_all"), Action("ghost", serves="textDocument/inlineCompletion")),
                  Fine),
        AgentSpec("tester", (Action("check", command="zc.runTests"),), Fine),
    ])
    assert registry.serving("fix_all") == ("fixer", "mend")
    assert registry.serving("textDocument/inlineCompletion") == ("fixer", "ghost")
    assert registry.serving("zc.runTests") == ("tester", "check")
    try:
        registry.serving("zc.review")
    except LookupError as exc:
        assert "zc.review" in str(exc)
    else:
        raise AssertionError("a use case nobody serves must be a LookupError")
    templates, issues = parse_templates({}, lambda key: ("config", None), registry)
    assert issues == []
    assert templates["run_tests"].agent == "tester" and templates["run_tests"].action == "check"
    assert "review_file" not in templates  # nothing installed reviews: the template is left out


class Slow:
    """Holds its answer until released, so a test can see what was written before it."""

    name = "ops"

    def __init__(self) -> None:
        import asyncio

        self.release = asyncio.Event()

    def actions(self) -> list[str]:
        return ["ping"]

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        await self.release.wait()
        return AgentResult(ok=True, agent=self.name, action=request.action, summary="pong")


async def test_background_runs_write_one_task_row_after_the_answer_and_a_users_request_writes_inline(
    tmp_path: Path, monkeypatch
) -> None:
    """The editor's automatic review does not wait for SQLite nor share the GIL with it while its
    engines run (issue 13's editor latency): its row is written once, after the answer, with the
    run's start and end. A user's request shows as running while it works."""
    import asyncio
    import time

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    slow = Slow()
    registry = AgentRegistry([AgentSpec("ops", (Action("ping"),), lambda: slow)])
    services = build_services(tmp_path, load_settings(tmp_path), with_router=False, registry=registry)
    try:
        slow.release.set()
        await services.agents.run(
            "ops", AgentRequest("ping"), user_requested=False, answer_first=True
        )  # first: opens the store inline
        assert [t["state"] for t in services.memory.tasks.list_tasks()] == ["done"]
        slow.release.clear()
        before = time.time()
        run = asyncio.ensure_future(
            services.agents.run("ops", AgentRequest("ping"), user_requested=False, answer_first=True)
        )
        await asyncio.sleep(0.2)
        assert len(services.memory.tasks.list_tasks()) == 1  # nothing written while the agent works
        slow.release.set()
        assert (await run).ok
        await services.agents.settle()
        rows = services.memory.tasks.list_tasks()
        assert [t["state"] for t in rows] == ["done", "done"]
        assert before <= rows[0]["started_at"] <= before + 0.2 <= rows[0]["finished_at"]  # the run's own span
        slow.release.clear()
        asked = asyncio.ensure_future(services.agents.run("ops", AgentRequest("ping")))  # a user's request
        for _ in range(200):
            await asyncio.sleep(0.01)
            if len(services.memory.tasks.list_tasks()) == 3:
                break
        assert [t["state"] for t in services.memory.tasks.list_tasks()][0] == "running"
        slow.release.set()
        assert (await asked).ok and [t["state"] for t in services.memory.tasks.list_tasks()] == ["done"] * 3
    finally:
        await services.aclose()


class Host:
    """A host whose store can turn degraded, counting how often the runner asks for it."""

    def __init__(self, root: Path) -> None:
        self.workspace_root, self.settings, self.trusted, self.router, self.data_dir = root, load_settings(root), True, None, None
        self.store = type("Store", (), {"degraded": None})()
        self.asked = 0
        self.rows: list[tuple[str, int | None]] = []

    def memory_for(self, agent: str):  # type: ignore[no-untyped-def]
        self.asked += 1
        return None if self.store.degraded else self.store

    def record_start(self, agent: str, action: str) -> int:
        self.rows.append(("start", len(self.rows)))
        return len(self.rows)

    def record_finish(self, task_id: int | None, state: str, result: AgentResult) -> None:
        self.rows.append((state, task_id))

    def record_run(self, agent: str, action: str, started_at: float, state: str, result: AgentResult) -> None:
        self.rows.append((state, None))

    def status_snapshot(self) -> dict:
        return {}

    def status_changed(self) -> None:
        return None


async def test_a_store_that_turned_degraded_is_asked_for_again_not_reused(tmp_path: Path) -> None:
    from zc_lsp.agents.runner import AgentRunner

    host = Host(tmp_path)
    seen: list[object] = []

    class Note:
        name = "ops"

        def actions(self) -> list[str]:
            return ["ping"]

        async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
            seen.append(ctx.memory)
            return AgentResult(ok=True, agent=self.name, action=request.action, summary="pong")

    runner = AgentRunner(host, AgentRegistry([AgentSpec("ops", (Action("ping"),), Note)]))
    for _ in range(3):
        await runner.run("ops", AgentRequest("ping"), user_requested=False, answer_first=True)
    await runner.settle()
    assert host.asked == 1  # opened once, then reused by the automatic runs
    # the first run opened the store (start and finish rows); the next two wrote one row each, after
    assert host.rows == [("start", 0), ("done", 1), ("done", None), ("done", None)]
    host.store.degraded = "disk full"
    await runner.run("ops", AgentRequest("ping"), user_requested=False, answer_first=True)
    assert host.asked == 2  # not handed the degraded store: the host was asked, and said no store
    assert seen == [host.store] * 3 + [None]


async def test_an_automatic_runs_memory_write_lands_after_its_answer_and_in_order(tmp_path: Path, monkeypatch) -> None:
    """An editor review that found something new records it in the agent's memory after the answer
    (it was ~1.2 ms of SQLite before the diagnostics); a user's request records before answering."""
    import asyncio

    from zc_lsp.agents.engines.documents import remember

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    gate = asyncio.Event()
    gate.set()

    class Noter:
        name = "ops"

        def actions(self) -> list[str]:
            return ["ping"]

        async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
            await remember(ctx, "note", str(request.args["n"]), {}, None)
            return AgentResult(ok=True, agent=self.name, action=request.action, summary="pong")

    registry = AgentRegistry([AgentSpec("ops", (Action("ping"),), Noter)])
    services = build_services(tmp_path, load_settings(tmp_path), with_router=False, registry=registry)
    try:
        notes = lambda: [item.content for item in services.memory.agent("ops").recent(50, kind="note")]  # noqa: E731
        first = AgentRequest("ping", args={"n": 0})
        await services.agents.run("ops", first, user_requested=False, answer_first=True)  # opens the store
        await services.agents.settle()
        real_remember = services.memory.agent("ops").remember

        slowed: list[str] = []

        def slow_remember(*a, **kw):  # type: ignore[no-untyped-def]
            import time

            slowed.append(a[1])
            time.sleep(0.05)
            return real_remember(*a, **kw)

        monkeypatch.setattr(services.memory.agent("ops"), "remember", slow_remember)
        for n in range(1, 4):
            request = AgentRequest("ping", args={"n": n})
            assert (await services.agents.run("ops", request, user_requested=False, answer_first=True)).ok
        assert "3" not in notes()  # answered before the writes were done
        await services.agents.settle()
        assert slowed == ["1", "2", "3"]  # written one after another, in the order of the runs
        assert notes() == ["3", "2", "1", "0"]  # newest first
        assert (await services.agents.run("ops", AgentRequest("ping", args={"n": 4}))).ok  # a user's request
        assert "4" in notes()  # written before it answered

        def on_a_private_loop() -> bool:  # a batch worker's or auto-fix's loop: closed when the call returns
            request = AgentRequest("ping", args={"n": 5})
            return asyncio.run(services.agents.run("ops", request, user_requested=False)).ok

        assert await asyncio.to_thread(on_a_private_loop)
        assert "5" in notes() and len(services.memory.tasks.list_tasks()) == 6  # nothing left to a closed loop
    finally:
        await services.aclose()
