"""The services container: built once per workspace and injected everywhere (never module globals)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zc_lsp.background.status import StatusHub
from zc_lsp.config import Settings

if TYPE_CHECKING:
    from zc_lsp.agents.registry import AgentRunner

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    workspace_root: Path
    trusted: bool | None
    status: StatusHub
    memory: Any = None  # zc_lsp.memory.WorkspaceMemory
    router: Any = None  # zc_lsp.router.router.ModelRouter
    agents: AgentRunner = field(init=False)
    background: Any = None  # zc_lsp.background.Background, started at `initialized`
    notify_user: Any = None  # (message) -> None from any thread; the LSP side shows it
    problems: list[str] = field(default_factory=list)  # what failed to start, said plainly
    _closed: bool = False

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


def build_services(
    workspace_root: Path,
    settings: Settings,
    editor_trusted: bool | None = None,
    *,
    with_router: bool = True,
    agents: dict[str, Any] | None = None,
) -> Services:
    """Build every service; one that cannot start is recorded in `problems`, the rest still work."""
    from zc_lsp.agents.registry import AgentRunner

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
    services.agents = AgentRunner(services, agents)
    status.add_section("workspace", lambda: str(workspace_root))
    status.add_section("trusted", lambda: services.trusted)
    status.add_section("agents", services.agents.status)
    status.add_section("memory", lambda: _memory_status(services))
    status.add_section("providers", lambda: _provider_status(services))
    status.add_section("last_provenance", lambda: services.agents.last_provenance)
    status.add_section("reports", lambda: _recent_reports(services))
    status.add_section("problems", lambda: list(services.problems))
    return services


def _memory_status(services: Services) -> dict[str, Any]:
    memory = services.memory
    if memory is None:
        return {"path": None, "degraded": "memory did not start"}
    return {"path": str(memory.path), "degraded": memory.degraded}


OFFLINE = {"name": "offline", "enabled": True, "healthy": True, "breaker": "closed", "is_cloud": False,
           "model": "ruff, bandit, secrets, pytest, ast-summary", "reason": "the agents' own engines: always there"}


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
