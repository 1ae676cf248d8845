"""What agents are: requests, results, the injected context and the Agent protocol.

Agents know nothing of LSP. The plain value types (spans, snapshots, edits, findings) and
cancellation live in `zc_lsp.core`, so lower layers can use them without importing agents.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from zc_lsp.core.cancel import CancelToken, ProgressFn, no_progress
from zc_lsp.core.types import DocSnapshot, FileEdit, Finding, Span

if TYPE_CHECKING:
    from zc_lsp.config import Settings
    from zc_lsp.router.router import ModelRouter



@dataclass
class AgentRequest:
    """What a handler, the CLI or the batch queue asks an agent to do."""

    action: str
    doc: DocSnapshot | None = None
    span: Span | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class AgentResult:
    """What an agent answers. `summary` is markdown for people; `data` is for machines."""

    ok: bool
    agent: str
    action: str
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    edits: list[FileEdit] = field(default_factory=list)
    provider: str | None = None  # who produced it: ollama | openai | anthropic | offline
    model: str | None = None  # model name, or the offline engine's name (ruff, ast-summary, ...)
    cached: bool = False
    error: str | None = None  # plain reason when ok is False

    @classmethod
    def failure(cls, agent: str, action: str, error: str, **kw: Any) -> AgentResult:
        return cls(ok=False, agent=agent, action=action, error=error, summary=error, **kw)

    @property
    def provenance(self) -> str:
        """A short label such as "ollama/qwen2.5-coder (cached)" or "offline/ruff"."""
        if not self.provider:
            return ""
        label = f"{self.provider}/{self.model}" if self.model else self.provider
        return f"{label} (cached)" if self.cached else label


class AgentMemoryLike(Protocol):
    """The slice of an agent's own store that agents use (see zc_lsp.memory)."""

    def remember(
        self,
        kind: str,
        content: str,
        metadata: dict[str, Any] | None = None,
        uri: str | None = None,
    ) -> int: ...

    def recall(self, query: str, k: int = 5) -> list[Any]: ...

    def recent(self, n: int = 10, kind: str | None = None) -> list[Any]: ...


class AgentCaller(Protocol):
    """How one agent asks another (`ctx.call("verifier", request)`): through the runner, so the callee
    gets its own memory, its own task row and its own error isolation."""

    async def __call__(self, agent: str, request: AgentRequest) -> AgentResult: ...


async def _no_caller(agent: str, request: AgentRequest) -> AgentResult:
    return AgentResult.failure(agent, request.action, f"No agent runner is attached; cannot call {agent!r}.")


@dataclass
class AgentContext:
    """Everything an agent may use, injected per request. Never a module global, never the container."""

    workspace_root: Path
    settings: Settings
    memory: AgentMemoryLike | None = None  # this agent's own store only
    router: ModelRouter | None = None
    trusted: bool | None = None  # True/False from editor or config; None = unknown
    user_requested: bool = True  # False for background/automatic work
    progress: ProgressFn = no_progress
    cancel: CancelToken = field(default_factory=CancelToken)
    call: AgentCaller = _no_caller  # the other agents, through the runner
    status: Callable[[], dict[str, Any]] | None = None  # the status snapshot (Ops)
    data_dir: Path | None = None  # the workspace's data folder (audio, doctor's write probe)
    on_token: Callable[[str], None] | None = None  # streamed model output, if wanted
    # Bookkeeping that may finish after the answer (an automatic run's memory write), in order; the
    # runner waits for it before its stores close. None: do it before answering.
    after_answer: Callable[[Awaitable[None]], None] | None = None

    def may_run_workspace_code(self) -> tuple[bool, str]:
        """Rule 7: the workspace's code runs only when asked for or trusted, never when untrusted."""
        if self.trusted is False:
            return False, (
                "This workspace is not trusted, so ZombieCoder will not run its code (tests). "
                "Trust the workspace in your editor or set `trust.trusted: true` in config."
            )
        if self.trusted is None and not self.user_requested:
            return False, (
                "Automatic test runs need a trusted workspace; run the tests yourself or set `trust.trusted: true`."
            )
        return True, ""


class Agent(Protocol):
    """An agent: a name and one async entry point dispatching on `request.action`."""

    name: str

    def actions(self) -> list[str]: ...

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult: ...


@dataclass(frozen=True)
class Action:
    """One thing an agent can do, as the editor, templates and the CLI see it.

    `command` makes it a `workspace/executeCommand` (arguments: uri, range, then `params`);
    `resolves` names the code-action `data["action"]` it computes in `codeAction/resolve`;
    `model` marks a model-powered edit (cursor range, streamed progress, a verified/not-verified
    annotation, refused when the document changed since it was offered).
    """

    name: str
    command: str | None = None
    params: tuple[str, ...] = ()
    progress: str | None = None  # $/progress title; None = quick
    edits: Literal["none", "offer", "apply"] = "none"
    resolves: str | None = None
    model: bool = False
    record_tasks: bool = True  # False: per-keystroke work, no task row and no memory store (inline completion)
    serves: str | None = None  # an LSP request it answers with no command of its own ("textDocument/inlineCompletion")


@dataclass(frozen=True)
class AgentSpec:
    """What a plug-in declares under the entry-point group `zombiecoder.agents`.

    `build` is called only when the agent is first used, so listing the agents at start-up imports
    nothing heavy.
    """

    name: str
    actions: tuple[Action, ...]
    build: Callable[[], Agent]
    summary: str = ""

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)


class SpecAgent:
    """Base class that dispatches `request.action` to the method of the same name.

    An agent declares its actions once, in its spec; a method per action does the work.
    """

    name: str = ""
    spec_actions: tuple[str, ...] = ()

    def actions(self) -> list[str]:
        return list(self.spec_actions)

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        method = getattr(self, request.action, None) if request.action in self.spec_actions else None
        if method is None:
            return AgentResult.failure(self.name, request.action, f"The {self.name} agent cannot do {request.action!r}.")
        result: AgentResult = await method(request, ctx)
        return result


class AgentHost(Protocol):
    """What the runner needs from the outside world; `Services` implements it. Agents never see it."""

    workspace_root: Path
    settings: Settings
    trusted: bool | None
    router: ModelRouter | None

    @property
    def data_dir(self) -> Path | None: ...

    def memory_for(self, agent: str) -> AgentMemoryLike | None: ...

    def record_start(self, agent: str, action: str) -> int | None: ...

    def record_finish(self, task_id: int | None, state: str, result: AgentResult) -> None: ...

    def record_run(self, agent: str, action: str, started_at: float, state: str, result: AgentResult) -> None:
        """The row of a run that has ended (wall-clock `started_at`), in one write: automatic runs."""

    def status_snapshot(self) -> dict[str, Any]: ...

    def status_changed(self) -> None: ...


async def run_blocking(fn: Callable[..., Any], *args: Any) -> Any:
    """Run CPU-bound or blocking work off the event loop (rule 5)."""
    return await asyncio.to_thread(fn, *args)
