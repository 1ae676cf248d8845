"""Shared helpers for the verifier, conversational and ops agent tests (no pytest fixtures here)."""

from __future__ import annotations

import dataclasses
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.config import Settings, load_settings
from zc_lsp.core.cancel import CancelToken


def make_settings(tmp_path: Path, **sections: dict[str, Any]) -> Settings:
    """Defaults (no user or workspace file) with some sections overridden, e.g. tests={...}."""
    base = load_settings(None, user_file=tmp_path / "no-user-config.yaml")
    data = base.to_dict()
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return Settings(data, list(base.issues))


@dataclass
class Remembered:
    kind: str
    content: str
    metadata: dict[str, Any]
    uri: str | None
    created_at: float = field(default_factory=time.time)


class ListMemory:
    """A plain in-process agent store with the AgentMemoryLike surface, to see what agents record."""

    def __init__(self) -> None:
        self.items: list[Remembered] = []

    def remember(self, kind: str, content: str, metadata: dict[str, Any] | None = None, uri: str | None = None) -> int:
        self.items.append(Remembered(kind, content, metadata or {}, uri))
        return len(self.items)

    def recall(self, query: str, k: int = 5) -> list[Any]:
        return [i for i in self.items if query.lower() in i.content.lower()][:k]

    def recent(self, n: int = 10, kind: str | None = None) -> list[Any]:
        return [i for i in self.items if kind is None or i.kind == kind][-n:]


_REGISTRY: AgentRegistry | None = None


def attach_call(ctx: AgentContext) -> AgentContext:
    """Give `ctx` a `call` like the runner's: the callee is the installed agent (entry points),
    run with the caller's workspace, settings, router, trust and cancel token (memory: none).

    Agents have one code path (`ctx.call`), so unit tests exercise the one production takes.
    Each call is recorded in `ctx.calls` as (agent, action).
    """
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = AgentRegistry.from_entry_points()
    registry = _REGISTRY
    calls: list[tuple[str, str]] = []

    async def call(agent: str, request: AgentRequest) -> AgentResult:
        calls.append((agent, request.action))
        impl = registry.agent(agent)
        if impl is None:
            return AgentResult.failure(agent, request.action, f"no agent {agent!r} installed")
        return await impl.handle(request, dataclasses.replace(ctx, memory=None))

    ctx.call = call
    ctx.calls = calls  # type: ignore[attr-defined]
    return ctx


def make_ctx(
    root: Path,
    settings: Settings,
    *,
    trusted: bool | None = True,
    user_requested: bool = True,
    memory: ListMemory | None = None,
    progress: list[tuple[str, int | None]] | None = None,
    cancel: CancelToken | None = None,
    **fields: Any,
) -> AgentContext:
    ctx = AgentContext(
        workspace_root=root,
        settings=settings,
        memory=memory,
        trusted=trusted,
        user_requested=user_requested,
        cancel=cancel or CancelToken(),
        **fields,
    )
    attach_call(ctx)
    if progress is not None:
        ctx.progress = lambda message, pct=None: progress.append((message, pct))
    return ctx


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path
