"""The services container: built once per workspace and injected everywhere (never module globals)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zc_lsp.background.status import StatusHub
from zc_lsp.config import Settings

if TYPE_CHECKING:
    from zc_lsp.agents.base import AgentMemoryLike, AgentResult
    from zc_lsp.agents.registry import AgentRegistry
    from zc_lsp.agents.runner import AgentRunner
    from zc_lsp.background.service import Background
    from zc_lsp.memory.workspace import WorkspaceMemory
    from zc_lsp.router.router import ModelRouter

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    workspace_root: Path
    trusted: bool | None
    status: StatusHub
    memory: WorkspaceMemory | None = None  # None: memory could not start (problems says why)
    router: ModelRouter | None = None
    agents: AgentRunner = field(init=False)
    registry: AgentRegistry = field(default_factory=lambda: _installed_agents())
    background: Background | None = None  # started at `initialized`
    notify_user: Callable[[str], None] | None = None  # from any thread; the LSP side shows it
    problems: list[str] = field(default_factory=list)  # what failed to start, said plainly
    _closed: bool = False

    # -- AgentHost: what the runner needs (zc_lsp.agents.base.AgentHost) ----------------------------
    @property
    def data_dir(self) -> Path | None:
        path = getattr(self.memory, "path", None)
        return Path(path) if path else None

    def memory_for(self, agent: str) -> AgentMemoryLike | None:
        """This agent's own store, or None when that one store is unusable (the others may be fine)."""
        memory = self.memory
        if memory is None:
            return None
        try:
            store = memory.agent(agent)
        except Exception:
            log.exception("memory store for %s unavailable", agent)
            return None
        return None if getattr(store, "degraded", None) else store

    def record_start(self, agent: str, action: str) -> int | None:
        memory = self.memory
        if memory is None or getattr(memory.tasks, "degraded", None):
            return None
        try:
            return int(memory.tasks.start_task(agent, action))
        except Exception:
            log.exception("could not record task start")
            return None

    def record_finish(self, task_id: int | None, state: str, result: AgentResult) -> None:
        memory = self.memory
        if task_id is None or memory is None:
            return
        try:
            memory.tasks.finish_task(task_id, state, result=_task_summary(result), error=result.error)
        except Exception:
            log.exception("could not record task finish")

    def record_run(self, agent: str, action: str, started_at: float, state: str, result: AgentResult) -> None:
        memory = self.memory
        if memory is None or getattr(memory.tasks, "degraded", None):
            return
        try:
            memory.tasks.record_task(agent, action, state, started_at, result=_task_summary(result), error=result.error)
        except Exception:
            log.exception("could not record a finished task")

    def status_snapshot(self) -> dict[str, Any]:
        snap: dict[str, Any] = self.status.snapshot()
        return snap

    def status_changed(self) -> None:
        self.status.changed()

    def trust_from(self, settings: Settings, editor_trusted: bool | None) -> None:
        configured = settings.get("trust.trusted")
        self.trusted = configured if configured is not None else editor_trusted

    async def aclose(self, close_memory: bool = True) -> None:
        """Stop services. A server on its way out passes close_memory=False: closing SQLite
        connections that another thread may still be using can crash the process, and every
        acknowledged write is already durable."""
        if self._closed:
            return
        self._closed = True
        runner = self.__dict__.get("agents")  # not set when the container failed half-built
        if runner is not None:
            await runner.settle()  # deferred task rows are written before their store closes
        if self.background is not None:
            try:
                await asyncio.to_thread(self.background.stop, 2.0)
            except Exception:
                log.exception("background services did not stop cleanly")
        if self.router is not None:
            try:
                await self.router.aclose()
            except Exception:
                log.exception("router did not close cleanly")
        if self.memory is not None and close_memory:
            try:
                self.memory.close()
            except Exception:
                log.exception("memory did not close cleanly")


def _task_summary(result: AgentResult) -> dict[str, Any]:
    return {"summary": result.summary[:2000], "provenance": result.provenance, "data_keys": sorted(result.data)}


def _installed_agents() -> AgentRegistry:
    from zc_lsp.agents.registry import AgentRegistry

    return AgentRegistry.from_entry_points()


def build_services(
    workspace_root: Path,
    settings: Settings,
    editor_trusted: bool | None = None,
    *,
    with_router: bool = True,
    registry: AgentRegistry | None = None,
) -> Services:
    """Build every service; one that cannot start is recorded in `problems`, the rest still work.

    `registry` defaults to the agents installed under the `zombiecoder.agents` entry points.
    """
    from zc_lsp.agents.registry import AgentRegistry
    from zc_lsp.agents.runner import AgentRunner

    status = StatusHub()
    services = Services(settings=settings, workspace_root=workspace_root, trusted=None, status=status)
    services.trust_from(settings, editor_trusted)
    try:
        from zc_lsp.memory import WorkspaceMemory

        services.memory = WorkspaceMemory(workspace_root, settings)
        if services.memory.degraded:
            services.problems.append(f"Memory is degraded: {services.memory.degraded}")
    except Exception as exc:
        log.exception("memory could not start")
        services.problems.append(f"Memory could not start: {exc}")
    if with_router:
        try:
            from zc_lsp.router.router import ModelRouter

            services.router = ModelRouter(settings, memory=services.memory)
        except Exception as exc:
            log.exception("router could not start")
            services.problems.append(f"Model router could not start: {exc}")
    services.registry = registry if registry is not None else AgentRegistry.from_entry_points()
    services.agents = AgentRunner(services, services.registry)
    status.add_section("workspace", lambda: str(workspace_root))
    status.add_section("trusted", lambda: services.trusted)
    status.add_section("agents", services.agents.status)
    status.add_section("memory", lambda: _memory_status(services))
    status.add_section("providers", lambda: _provider_status(services))
    status.add_section("last_provenance", lambda: services.agents.last_provenance)
    status.add_section("reports", lambda: _recent_reports(services))
    status.add_section("agent_plugins", services.registry.describe)
    status.add_section("problems", lambda: [*services.problems, *services.registry.problems])
    return services


def _memory_status(services: Services) -> dict[str, Any]:
    memory = services.memory
    if memory is None:
        return {"path": None, "degraded": "memory did not start"}
    return {"path": str(memory.path), "degraded": memory.degraded}


OFFLINE = {"name": "offline", "enabled": True, "healthy": True, "breaker": "closed", "is_cloud": False,
           "model": "ruff, taint, bandit, secrets, pytest, ast-summary", "reason": "the agents' own engines: always there"}


def _provider_status(services: Services) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = services.router.status() if services.router is not None else []
    return [*result, dict(OFFLINE)]


def _recent_reports(services: Services) -> list[dict[str, Any]]:
    """Titles only; the panel fetches a body with `zc.report`."""
    memory = services.memory
    if memory is None or getattr(memory.tasks, "degraded", None):
        return []
    reports: list[dict[str, Any]] = memory.tasks.list_reports(10)
    return reports
