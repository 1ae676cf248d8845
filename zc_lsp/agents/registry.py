"""AgentRunner: the one way anything (LSP handlers, CLI, batch queue) calls an agent.

It hands each agent only its own memory store, records the task, counts outcomes for the status
panel, and turns a crash inside one agent into a plain failure result so the others keep working.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zc_lsp.agents.base import AGENT_NAMES, Agent, AgentContext, AgentRequest, AgentResult
from zc_lsp.core.cancel import Cancelled, CancelToken, ProgressFn

if TYPE_CHECKING:
    from zc_lsp.services import Services

log = logging.getLogger(__name__)


@dataclass
class AgentStats:
    name: str
    tasks_done: int = 0
    tasks_failed: int = 0
    running: int = 0
    last_error: str | None = None
    last_duration_ms: float | None = None

    @property
    def state(self) -> str:
        if self.running:
            return "busy"
        return "error" if self.last_error else "idle"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tasks_done": self.tasks_done,
            "tasks_failed": self.tasks_failed,
            "state": self.state,
            "last_error": self.last_error,
            "last_duration_ms": self.last_duration_ms,
        }


def default_agents() -> dict[str, Agent]:
    """Build the five agents. Imported here, not at module import, to keep start-up light."""
    from zc_lsp.agents.best_practices.agent import BestPracticesAgent
    from zc_lsp.agents.conversational.agent import ConversationalAgent
    from zc_lsp.agents.ops.agent import OpsAgent
    from zc_lsp.agents.programming.agent import ProgrammingAgent
    from zc_lsp.agents.verifier.agent import VerifierAgent

    agents: list[Agent] = [
        ProgrammingAgent(),
        BestPracticesAgent(),
        VerifierAgent(),
        ConversationalAgent(),
        OpsAgent(),
    ]
    return {agent.name: agent for agent in agents}


class AgentRunner:
    def __init__(self, services: Services, agents: dict[str, Agent] | None = None) -> None:
        self.services = services
        self.agents = agents if agents is not None else default_agents()
        self.stats = {name: AgentStats(name) for name in AGENT_NAMES}
        self.last_provenance: str | None = None  # who answered last: shown in the status bar
        for name in self.agents:
            self.stats.setdefault(name, AgentStats(name))

    def status(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in self.stats.values()]

    def _memory_for(self, agent: str) -> Any:
        """This agent's own store, or None when that one store is unusable (the others may be fine)."""
        memory = self.services.memory
        if memory is None:
            return None
        try:
            store = memory.agent(agent)
        except Exception:
            log.exception("memory store for %s unavailable", agent)
            return None
        return None if getattr(store, "degraded", None) else store

    def _record_start(self, agent: str, action: str) -> tuple[Any, int | None]:
        """Open the agent's store (first use may take a while) and record the task: off the loop."""
        store = self._memory_for(agent)
        memory = self.services.memory
        if memory is None or getattr(memory.tasks, "degraded", None):
            return store, None
        try:
            return store, int(memory.tasks.start_task(agent, action))
        except Exception:
            log.exception("could not record task start")
            return store, None

    def _record_finish(self, task_id: int | None, state: str, result: AgentResult) -> None:
        memory = self.services.memory
        if task_id is None or memory is None:
            return
        try:
            summary = {
                "summary": result.summary[:2000],
                "provenance": result.provenance,
                "data_keys": sorted(result.data),
            }
            memory.tasks.finish_task(task_id, state, result=summary, error=result.error)
        except Exception:
            log.exception("could not record task finish")

    async def run(
        self,
        agent: str,
        request: AgentRequest,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        user_requested: bool = True,
        on_token: Callable[[str], None] | None = None,
    ) -> AgentResult:
        impl = self.agents.get(agent)
        if impl is None:
            return AgentResult.failure(agent, request.action, f"There is no agent called {agent!r}.")
        if request.action not in impl.actions():
            return AgentResult.failure(
                agent,
                request.action,
                f"The {agent} agent cannot do {request.action!r} here; it can do: {', '.join(impl.actions())}.",
            )
        services = self.services
        stats = self.stats[agent]
        stats.running += 1
        services.status.changed()
        try:
            store, task_id = await asyncio.to_thread(self._record_start, agent, request.action)
        except asyncio.CancelledError:
            stats.running -= 1
            raise
        ctx = AgentContext(
            workspace_root=services.workspace_root,
            settings=services.settings,
            memory=store,
            router=services.router,
            trusted=services.trusted,
            user_requested=user_requested,
            cancel=cancel or CancelToken(),
            services=services,
            on_token=on_token,
        )
        if progress is not None:
            ctx.progress = progress
        started = time.perf_counter()
        state = "done"
        try:
            result = await impl.handle(request, ctx)
            if not result.ok:
                state = "failed"
        except (asyncio.CancelledError, Cancelled) as exc:
            how_far = exc.progress if isinstance(exc, Cancelled) else ""
            result = AgentResult.failure(agent, request.action, f"Cancelled{': ' + how_far if how_far else ''}.")
            state = "cancelled"
            stats.running -= 1
            await asyncio.shield(asyncio.to_thread(self._record_finish, task_id, state, result))
            services.status.changed()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return result
        except Exception as exc:
            log.exception("agent %s crashed on %s", agent, request.action)
            result = AgentResult.failure(
                agent, request.action, f"The {agent} agent failed on {request.action}: {type(exc).__name__}: {exc}"
            )
            state = "failed"
        stats.running -= 1
        stats.last_duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if result.provenance:
            self.last_provenance = result.provenance
        if state == "done":
            stats.tasks_done += 1
            stats.last_error = None
        else:
            stats.tasks_failed += 1
            stats.last_error = result.error
        await asyncio.to_thread(self._record_finish, task_id, state, result)
        services.status.changed()
        return result
