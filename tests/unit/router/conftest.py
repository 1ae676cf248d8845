"""Router test helpers: settings pointing every provider at the fake loopback model server."""

from __future__ import annotations

import copy
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.fakes.model_server import FakeModelServer, model_server  # noqa: F401  (fixture)
from zc_lsp.config import Settings, load_defaults
from zc_lsp.router.router import ModelRouter


def make_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults plus dotted-key overrides: {"router.retries": 0, "providers.openai.models": {...}}."""
    data = copy.deepcopy(load_defaults())
    for dotted, value in (overrides or {}).items():
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return Settings(data)


def fake_settings(server: FakeModelServer, **extra: Any) -> Settings:
    """All three providers on the fake server, fast timeouts, no backoff wait."""
    base: dict[str, Any] = {
        "providers.ollama.host": server.url,
        "providers.openai.base_url": server.url + "/v1",
        "providers.anthropic.base_url": server.url,
        "providers.ollama.models": {"default": "fake-small"},
        "providers.openai.models": {"default": "fake-small"},
        "providers.anthropic.models": {"default": "fake-small"},
        "router.backoff_s": 0.01,
    }
    for name in ("ollama", "openai", "anthropic"):
        base[f"providers.{name}.connect_timeout_s"] = 1
        base[f"providers.{name}.first_token_timeout_s"] = 5
        base[f"providers.{name}.total_timeout_s"] = 10
    base.update({k.replace("__", "."): v for k, v in extra.items()})
    return make_settings(base)


def dead_url() -> str:
    """A loopback URL where nothing listens: connection refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
async def make_router() -> AsyncIterator[Callable[..., ModelRouter]]:
    routers: list[ModelRouter] = []

    def build(settings: Settings, memory: Any = None, env: dict[str, str] | None = None) -> ModelRouter:
        router = ModelRouter(settings, memory=memory, env=env or {})
        routers.append(router)
        return router

    yield build
    for r in routers:
        await r.aclose()
