"""The one interface every model provider sits behind, and the router's errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class ModelRequest:
    """A prompt for one agent role. `prompt` is already built from a template; the router redacts it."""

    role: str  # agent name: programming | best_practices | verifier | conversational | ops
    prompt: str
    system: str = ""
    max_tokens: int = 1024
    temperature: float = 0.2
    stream: bool = False
    cache: bool = True
    metadata: dict[str, Any] = field(default_factory=dict)
    # Fill-in-the-middle (inline completion): (prefix, suffix) for providers with a FIM endpoint
    # (Ollama `suffix`, OpenAI-compatible `/v1/completions`); `prompt`/`system` are the chat fallback.
    fim: tuple[str, str] | None = None


@dataclass
class ModelReply:
    """`model` is the one the server named in its reply (provenance), not the configured name."""

    text: str
    provider: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: float = 0.0
    first_token_ms: float | None = None
    cached: bool = False
    attempts: list[str] = field(default_factory=list)  # "ollama: connection refused", ...

    @property
    def provenance(self) -> str:
        label = f"{self.provider}/{self.model}"
        return f"{label} (cached)" if self.cached else label


@dataclass
class Usage:
    """Token counts a provider reports while streaming; filled in by `Provider.stream(..., usage=)`.

    Added to the contract so streamed calls are accounted like plain ones; `stream` keeps yielding str.
    """

    tokens_in: int = 0
    tokens_out: int = 0
    model: str = ""  # the model the server says answered (its reply's `model`), "" if it did not say


class ProviderError(Exception):
    """A provider failed. `retryable` drives retries; `hint` tells the user what to do."""

    def __init__(self, provider: str, message: str, *, retryable: bool = False, hint: str = "") -> None:
        super().__init__(f"{provider}: {message}" + (f" ({hint})" if hint else ""))
        self.provider = provider
        self.message = message
        self.retryable = retryable
        self.hint = hint


class NoModelAvailable(Exception):
    """Every model provider in the chain failed or was skipped; the caller uses its offline engine.

    `attempts` lists one plain reason per provider, to show the user why it answered offline.
    """

    def __init__(self, attempts: list[str]) -> None:
        super().__init__("no model provider answered: " + "; ".join(attempts) if attempts else "no model provider is configured")
        self.attempts = attempts


class Provider(Protocol):
    name: str

    @property
    def is_cloud(self) -> bool: ...

    def available(self) -> tuple[bool, str]:
        """Whether it may be used at all (key set, cloud allowed ...), and why not."""
        ...

    async def complete(self, request: ModelRequest, model: str) -> ModelReply: ...

    def stream(self, request: ModelRequest, model: str) -> AsyncIterator[str]:
        """Text chunks as they arrive. Implementations also accept `usage: Usage | None = None`."""
        ...

    async def list_models(self) -> list[str]: ...

    async def aclose(self) -> None: ...
