"""A configured model that is not served is replaced by the best one that is, and the user is told once."""

from __future__ import annotations

import pytest

from tests.fakes.model_server import FakeModelServer
from tests.unit.router.conftest import fake_settings
from zc_lsp.router.base import ModelRequest, NoModelAvailable
from zc_lsp.router.models import choose_model, parse_name


@pytest.mark.parametrize(("wanted", "served", "expected"), [
    ("qwen2.5-coder:7b", ["llama3:8b", "qwen2.5-coder:1.5b", "nomic-embed-text", "qwen2.5:7b"], "qwen2.5-coder:1.5b"),
    ("qwen2.5-coder:7b", ["nomic-embed-text:latest", "llama3.1:8b-instruct-q4_K_M", "llama3.1:70b"],
     "llama3.1:8b-instruct-q4_K_M"),
    ("gpt-4o-mini", ["gemma3-270m"], "gemma3-270m"),
    ("gemma3:1b", ["phi3:mini", "gemma-3-270m-it-Q8_0.gguf", "bge-m3"], "gemma-3-270m-it-Q8_0.gguf"),
    ("deepseek-coder:3b", ["deepseek-coder:33b", "deepseek-coder:1.3b", "mistral:7b"], "deepseek-coder:1.3b"),
    ("codellama:7b", ["starcoder2:7b", "llama3:8b"], "starcoder2:7b"),
])
def test_best_stand_in_prefers_family_then_coder_then_similar_size(wanted: str, served: list[str],
                                                                     expected: str) -> None:
    assert choose_model(wanted, served) == expected


def test_embedding_only_servers_give_no_stand_in() -> None:
    assert choose_model("qwen2.5-coder:7b", ["nomic-embed-text", "bge-m3:latest"]) is None
    assert parse_name("unsloth/gemma-3-270m-it-GGUF").size_b == pytest.approx(0.27)


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_missing_configured_model_falls_back_to_served_one_and_says_so_once(
        make_router, provider: str) -> None:
    server = FakeModelServer(models=["nomic-embed-text", "qwen2.5-coder:1.5b", "llama3:8b"], strict_models=True)
    server.start()
    try:
        notices: list[str] = []
        settings = fake_settings(server, router__chain=[provider, "offline"],
                                 **{f"providers__{provider}__models": {"default": "qwen2.5-coder:7b"}})
        router = make_router(settings)
        router.notify = notices.append
        reply = await router.complete(ModelRequest(role="programming", prompt="a", cache=False))
        assert (reply.provider, reply.model) == (provider, "qwen2.5-coder:1.5b")
        assert any("not found" in a for a in reply.attempts)
        second = await router.complete(ModelRequest(role="programming", prompt="b", cache=False))
        assert second.model == "qwen2.5-coder:1.5b" and not second.attempts  # no second 404 round trip
        assert len(notices) == 1 and "qwen2.5-coder:7b" in notices[0] and "qwen2.5-coder:1.5b" in notices[0]
        assert {s["name"]: s for s in router.status()}[provider]["notice"] == notices[0]
        listed = await router.list_models()
        assert listed[provider] == sorted(server.models)
    finally:
        server.stop()


async def test_no_stand_in_when_substitution_is_turned_off(make_router) -> None:
    server = FakeModelServer(models=["llama3:8b"], strict_models=True).start()
    try:
        router = make_router(fake_settings(server, router__chain=["ollama", "offline"],
                                           router__substitute_missing_models=False))
        with pytest.raises(NoModelAvailable) as info:
            await router.complete(ModelRequest(role="programming", prompt="a", cache=False))
        assert "ollama pull fake-small" in info.value.attempts[0]
    finally:
        server.stop()
