"""Real-model smoke test: xllamacpp serves gemma3-270m (1 thread, small context) on loopback and the
router talks to it through the official openai and anthropic clients. A base model: we assert
the plumbing (text came back, provenance, tokens), never answer quality."""

from __future__ import annotations

import time

import pytest

from tests.unit.router.conftest import make_settings
from zc_lsp.router.base import ModelRequest
from zc_lsp.router.router import ModelRouter

pytestmark = pytest.mark.real_model


def _router(url: str, chain: list[str]) -> ModelRouter:
    settings = make_settings({
        "providers.openai.base_url": url + "/v1", "providers.anthropic.base_url": url,
        "providers.openai.models": {"default": "gemma3-270m"},
        "providers.anthropic.models": {"default": "gemma3-270m"},
        "providers.openai.first_token_timeout_s": 30, "providers.anthropic.first_token_timeout_s": 30,
        "router.chain": chain, "router.retries": 0, "router.cache": False,
    })
    return ModelRouter(settings, env={})


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_real_model_answers_through_provider(llama_url: str, provider: str) -> None:
    router = _router(llama_url, [provider, "offline"])
    start = time.monotonic()
    try:
        reply = await router.complete(ModelRequest(role="conversational", prompt="Say hello.", max_tokens=8))
        tokens: list[str] = []
        streamed = await router.complete(ModelRequest(role="conversational", prompt="Count: 1, 2,", max_tokens=8),
                                         on_token=tokens.append)
    finally:
        await router.aclose()
    assert reply.text.strip() and (reply.provider, reply.model) == (provider, "gemma3-270m")
    assert reply.tokens_out > 0 and not reply.cached and reply.attempts == []
    assert streamed.text and "".join(tokens) == streamed.text and streamed.first_token_ms is not None
    assert time.monotonic() - start < 30


async def test_real_model_answers_through_the_ollama_provider(ollama_url: str) -> None:
    settings = make_settings({
        "providers.ollama.host": ollama_url, "providers.ollama.models": {"default": "gemma3-270m"},
        "providers.ollama.first_token_timeout_s": 30, "router.chain": ["ollama", "offline"],
        "router.retries": 0, "router.cache": False,
    })
    router = ModelRouter(settings, env={})
    try:
        reply = await router.complete(ModelRequest(role="conversational", prompt="Say hello.", max_tokens=8))
        tokens: list[str] = []
        streamed = await router.complete(ModelRequest(role="conversational", prompt="Count: 1, 2,", max_tokens=8),
                                         on_token=tokens.append)
        models = await router.list_models()
    finally:
        await router.aclose()
    assert reply.text.strip() and (reply.provider, reply.model) == ("ollama", "gemma3-270m")
    assert streamed.text and "".join(tokens) == streamed.text
    assert models["ollama"] == ["gemma3-270m"]


async def test_a_configured_model_that_is_not_pulled_is_replaced_by_the_served_one(ollama_url: str) -> None:
    """The real model behind an Ollama API that 404s unknown models, as Ollama does for one not pulled."""
    settings = make_settings({
        "providers.ollama.host": ollama_url, "providers.ollama.models": {"default": "qwen2.5-coder:7b"},
        "providers.ollama.first_token_timeout_s": 30, "router.chain": ["ollama", "offline"],
        "router.retries": 0, "router.cache": False,
    })
    notices: list[str] = []
    router = ModelRouter(settings, env={}, notify=notices.append)
    try:
        first = await router.complete(ModelRequest(role="conversational", prompt="Say hello.", max_tokens=8))
        second = await router.complete(ModelRequest(role="conversational", prompt="Say bye.", max_tokens=8))
    finally:
        await router.aclose()
    assert (first.provider, first.model) == ("ollama", "gemma3-270m")
    assert any("qwen2.5-coder:7b not found" in a for a in first.attempts)
    assert second.model == "gemma3-270m" and not second.attempts  # straight to the stand-in
    assert len(notices) == 1 and "gemma3-270m" in notices[0]
