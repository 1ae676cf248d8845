"""Types shared by the agents. Agents know nothing of LSP: these are plain dataclasses.

Positions are 0-based lines and characters (UTF-16 code units are the handlers' business;
agents count Python str characters). Handlers convert to and from lsprotocol.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from zc_lsp.config import Settings
    from zc_lsp.router.router import ModelRouter

Severity = Literal["error", "warning", "info", "hint"]
AGENT_NAMES = ("programming", "best_practices", "verifier", "conversational", "ops")


@dataclass(frozen=True)
class Span:
    """A range in a document: 0-based, end exclusive."""

    start_line: int
    start_char: int
    end_line: int
    end_char: int

    @classmethod
    def lines(cls, start: int, end: int | None = None) -> Span:
        """Whole lines start..end inclusive (end defaults to start)."""
        end = start if end is None else end
        return cls(start, 0, end + 1, 0)


@dataclass(frozen=True)
class DocSnapshot:
    """An immutable copy of a document at one version; what every agent works on."""

    uri: str
    path: Path | None
    text: str
    version: int | None = None
    language_id: str = "python"


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str


@dataclass
class FileEdit:
    """Edits to one file. `create=True` creates the file first (it must not exist yet)."""

    path: Path
    edits: list[TextEdit]
    create: bool = False


@dataclass
class Finding:
    """One diagnostic-worthy finding. `fix` is a ready edit for a quick fix (same file)."""

    span: Span
    severity: Severity
    code: str
    message: str
    source: str = "zombiecoder"
    url: str | None = None
    fix: list[TextEdit] | None = None
    fix_title: str | None = None
    engine: str = ""  # ruff | bandit | secrets | pytest | model
    data: dict[str, Any] = field(default_factory=dict)


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


class Cancelled(Exception):
    """Raised inside an agent when its task was cancelled; carries how far it got."""

    def __init__(self, progress: str = "") -> None:
        super().__init__(f"cancelled{': ' + progress if progress else ''}")
        self.progress = progress


class CancelToken:
    """Cancellation usable from async code and from worker threads alike."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, progress: str = "") -> None:
        if self._event.is_set():
            raise Cancelled(progress)


ProgressFn = Callable[[str, int | None], None]  # (message, percentage 0-100 or None)


def _no_progress(message: str, percentage: int | None = None) -> None:
    return None


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


@dataclass
class AgentContext:
    """Everything an agent may use, injected per request. Never a module global."""

    workspace_root: Path
    settings: Settings
    memory: AgentMemoryLike | None = None  # this agent's own store only
    router: ModelRouter | None = None
    trusted: bool | None = None  # True/False from editor or config; None = unknown
    user_requested: bool = True  # False for background/automatic work
    progress: ProgressFn = _no_progress
    cancel: CancelToken = field(default_factory=CancelToken)
    services: Any = None  # the Services container, for the Ops agent and cross-validation
    on_token: Callable[[str], None] | None = None  # streamed model output, if wanted

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


async def run_blocking(fn: Callable[..., Any], *args: Any) -> Any:
    """Run CPU-bound or blocking work off the event loop (rule 5)."""
    return await asyncio.to_thread(fn, *args)
