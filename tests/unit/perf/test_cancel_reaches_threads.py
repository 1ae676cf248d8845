"""A cancelled agent task cancels its own token, so the threads it started (the taint engine) stop."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import SimpleNamespace

from zc_lsp.agents.base import Action, AgentContext, AgentRequest, AgentResult, AgentSpec
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.agents.runner import AgentRunner
from zc_lsp.config import load_settings
from zc_lsp.core.cancel import CancelToken
from zc_lsp.core.types import DocSnapshot


class ThreadedAgent:
    """Runs its work in a thread that polls ctx.cancel, like the taint engine does."""

    name = "threaded"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped_early = threading.Event()

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        def work() -> None:
            self.started.set()
            for _ in range(500):  # ~5 s unless stopped
                if ctx.cancel.cancelled:
                    self.stopped_early.set()
                    return
                threading.Event().wait(0.01)

        await asyncio.to_thread(work)
        return AgentResult(ok=True, agent=self.name, action=request.action)


def make_runner(tmp_path: Path) -> tuple[AgentRunner, ThreadedAgent]:
    agent = ThreadedAgent()
    spec = AgentSpec(name="threaded", actions=(Action("review", record_tasks=False),), build=lambda: agent)
    host = SimpleNamespace(
        workspace_root=tmp_path,
        settings=load_settings(tmp_path),
        trusted=True,
        router=None,
        data_dir=None,
        memory_for=lambda name: None,
        record_start=lambda agent, action: None,
        record_finish=lambda task_id, state, result: None,
        status_snapshot=lambda: {},
        status_changed=lambda: None,
    )
    return AgentRunner(host, AgentRegistry([spec])), agent  # type: ignore[arg-type]


async def test_cancelling_the_task_stops_the_agents_thread(tmp_path: Path) -> None:
    runner, agent = make_runner(tmp_path)
    doc = DocSnapshot(uri="file:///ws/a.py", path=None, text="x = 1\n", version=1)
    task = asyncio.ensure_future(runner.run("threaded", AgentRequest("review", doc=doc), user_requested=False))
    assert await asyncio.to_thread(agent.started.wait, 5)
    task.cancel()
    assert await asyncio.to_thread(agent.stopped_early.wait, 2)


async def test_a_callers_token_is_left_to_the_caller(tmp_path: Path) -> None:
    runner, agent = make_runner(tmp_path)
    doc = DocSnapshot(uri="file:///ws/a.py", path=None, text="x = 1\n", version=1)
    token = CancelToken()
    task = asyncio.ensure_future(runner.run("threaded", AgentRequest("review", doc=doc), cancel=token))
    assert await asyncio.to_thread(agent.started.wait, 5)
    task.cancel()
    await asyncio.sleep(0.1)
    assert not token.cancelled  # shared with the caller's other work: only the caller cancels it
    token.cancel()  # let the thread end
    assert await asyncio.to_thread(agent.stopped_early.wait, 2)
