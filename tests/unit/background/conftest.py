"""Fixtures: real WorkspaceMemory on a tmp dir, stand-ins only for the router and agent runner."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.background.status import StatusHub
from zc_lsp.config import Settings, _merge, load_defaults
from zc_lsp.core.types import FileEdit, Span, TextEdit
from zc_lsp.memory import WorkspaceMemory


def make_settings(overrides: dict[str, Any] | None = None, sources: list[str] | None = None) -> Settings:
    return Settings(_merge(copy.deepcopy(load_defaults()), overrides or {}), [], sources or [])


class StandInRouter:
    """What the background reads from the ModelRouter: status() and probe()."""

    def __init__(self) -> None:
        self.providers: list[dict[str, Any]] = [
            {"name": "ollama", "enabled": True, "healthy": True, "breaker": "closed",
             "latency_p50_ms": 100.0, "model": "qwen", "cost_usd": 0.0},
            {"name": "offline", "enabled": True, "healthy": True, "breaker": "closed"},
        ]
        self.probes = 0

    def status(self) -> list[dict[str, Any]]:
        return [dict(p) for p in self.providers]

    async def probe(self) -> list[dict[str, Any]]:
        self.probes += 1
        await asyncio.sleep(0)
        return [{"name": "ollama", "latency_ms": 90.0}]

    def run_private(self, make_coro: Any) -> Any:
        """As the ModelRouter: a background thread runs the coroutine on a loop of its own."""
        return asyncio.run(make_coro())


class StandInAgents:
    """The AgentRunner's async run(); records calls; `fix_all` removes a trailing-space line."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []
        self.delay = 0.0

    async def run(self, agent: str, request: AgentRequest, *, progress: Any = None,
                  cancel: Any = None, user_requested: bool = True, on_token: Any = None) -> AgentResult:
        self.calls.append((agent, request.action, str(request.doc.path) if request.doc else None))
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.action == "fix_all" and request.doc is not None:
            lines = request.doc.text.splitlines(keepends=True)
            edits = [TextEdit(Span(i, len(line.rstrip("\n").rstrip()), i, len(line.rstrip("\n"))), "")
                     for i, line in enumerate(lines) if line.rstrip("\n") != line.rstrip()]
            return AgentResult(True, agent, "fix_all", "fixed", edits=[FileEdit(request.doc.path, edits)],
                               provider="offline", model="ruff")
        return AgentResult(True, agent, request.action, "ok", provider="offline", model="stand-in")


class Services:
    def __init__(self, root: Path, settings: Settings, trusted: bool | None = True) -> None:
        self.settings = settings
        self.workspace_root = root
        self.trusted = trusted
        self.memory = WorkspaceMemory(root, settings)
        self.router = StandInRouter()
        self.agents = StandInAgents()
        self.status = StatusHub()
        self.registry = AgentRegistry.from_entry_points()
        self.data_dir = None

    # The AgentHost port (zc_lsp.agents.base), for tests that run real agents through AgentRunner.
    def memory_for(self, agent: str) -> Any:
        return self.memory.agent(agent)

    def record_start(self, agent: str, action: str) -> int | None:
        return None

    def record_finish(self, task_id: int | None, state: str, result: Any) -> None:
        return None

    def record_run(self, agent: str, action: str, started_at: float, state: str, result: Any) -> None:
        return None

    def status_snapshot(self) -> dict[str, Any]:
        return dict(self.status.snapshot())

    def status_changed(self) -> None:
        self.status.changed()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def services_factory(tmp_path: Path, workspace: Path):
    made: list[Services] = []

    def build(overrides: dict[str, Any] | None = None, trusted: bool | None = True) -> Services:
        base = {"memory": {"path": str(tmp_path / "data")}}
        settings = make_settings(_merge(base, overrides or {}))
        services = Services(workspace, settings, trusted)
        made.append(services)
        return services

    yield build
    for services in made:
        if services.memory is not None:
            services.memory.close()
