"""Fallback order, plain error messages, privacy gating, retries, breaker and timeouts."""

from __future__ import annotations

import time

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import dead_url, fake_settings
from zc_lsp.router.base import ModelRequest, NoModelAvailable


def req(prompt: str = "write a function", role: str = "programming", **kw) -> ModelRequest:
    return ModelRequest(role=role, prompt=prompt, cache=kw.pop("cache", False), **kw)


async def test_fallback_to_openai_when_ollama_refuses_connection(model_server: FakeModelServer, make_router) -> None:
    router = make_router(fake_settings(model_server, providers__ollama__host=dead_url()))
    start = time.monotonic()
    reply = await router.complete(req())
    assert time.monotonic() - start < 1.5  # refused = fail fast, no retries
    assert (reply.provider, reply.model) == ("openai", "fake-small")
    assert reply.attempts and reply.attempts[0].startswith("ollama: cannot connect")
    assert "ollama serve" in reply.attempts[0]
    assert [r.api for r in model_server.requests] == ["openai"]
    assert router.last_provenance == "openai/fake-small"


async def test_chain_order_ollama_then_openai_then_anthropic_then_offline(model_server: FakeModelServer,
                                                                          make_router) -> None:
    model_server.push(Script(status=401, api="ollama"), Script(status=404, api="openai"),
                      Script(status=401, api="anthropic"))
    router = make_router(fake_settings(model_server))
    with pytest.raises(NoModelAvailable) as info:
        await router.complete(req())
    attempts = info.value.attempts
    assert [a.split(":")[0] for a in attempts] == ["ollama", "openai", "anthropic"]
    assert "model fake-small not found" in attempts[1]
    assert "bad API key" in attempts[2] and "ANTHROPIC_API_KEY" in attempts[2]
    assert [r.api for r in model_server.requests if r.method == "POST"] == ["ollama", "openai", "anthropic"]


async def test_ollama_404_tells_user_to_pull_the_model(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(status=404, api="ollama", error="model 'fake-small' not found"))
    router = make_router(fake_settings(model_server, router__chain=["ollama", "offline"]))
    with pytest.raises(NoModelAvailable) as info:
        await router.complete(req())
    assert "`ollama pull fake-small`" in info.value.attempts[0]


async def test_per_role_chain_overrides_default(model_server: FakeModelServer, make_router) -> None:
    router = make_router(fake_settings(model_server, router__chains={"conversational": ["anthropic", "offline"]}))
    reply = await router.complete(req(role="conversational"))
    assert reply.provider == "anthropic"
    reply = await router.complete(req(role="programming"))
    assert reply.provider == "ollama"


async def test_cloud_provider_needs_allow_cloud_and_key(make_router) -> None:
    settings = fake_settings(FakeModelServer(), providers__openai__base_url="https://api.openai.example/v1",
                             router__chain=["openai", "offline"])
    router = make_router(settings, env={})
    ok, why = router._providers["openai"].available()
    assert not ok and "privacy.allow_cloud" in why
    settings = fake_settings(FakeModelServer(), providers__openai__base_url="https://api.openai.example/v1",
                             privacy__allow_cloud=True)
    router = make_router(settings, env={})
    ok, why = router._providers["openai"].available()
    assert not ok and "OPENAI_API_KEY" in why
    router = make_router(settings, env={"OPENAI_API_KEY": "sk-test"})
    assert router._providers["openai"].available() == (True, "cloud")
    with pytest.raises(NoModelAvailable) as info:
        await make_router(fake_settings(FakeModelServer(), providers__openai__base_url="https://x.example/v1",
                                        router__chain=["openai", "offline"])).complete(req())
    assert "allow_cloud" in info.value.attempts[0]


async def test_env_vars_are_honoured_unless_config_sets_a_value(model_server: FakeModelServer, make_router) -> None:
    settings = fake_settings(model_server, providers__openai__base_url=None, providers__ollama__host=None,
                             providers__openai__api_key_env="MY_KEY")
    env = {"OPENAI_BASE_URL": model_server.url + "/v1", "OLLAMA_HOST": "127.0.0.1:9", "MY_KEY": "sk-local-key"}
    router = make_router(settings, env=env)
    assert router._providers["openai"].cfg.base_url == model_server.url + "/v1"
    assert router._providers["ollama"].cfg.base_url == "http://127.0.0.1:9"
    reply = await router.complete(req())
    assert reply.provider == "openai"
    assert model_server.requests[-1].headers["authorization"] == "Bearer sk-local-key"
    router = make_router(fake_settings(model_server), env=env)  # config wins over the env var
    assert router._providers["ollama"].cfg.base_url == model_server.url


async def test_local_openai_server_gets_a_dummy_key(model_server: FakeModelServer, make_router) -> None:
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"]), env={})
    await router.complete(req())
    assert model_server.requests[0].headers["authorization"].startswith("Bearer sk-local")


async def test_retries_500_and_429_with_backoff_then_succeeds(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(status=500, api="openai"), Script(status=429, api="openai"))
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"], router__retries=2))
    reply = await router.complete(req())
    assert reply.provider == "openai" and reply.text == "Hello from the fake model."
    assert len(model_server.requests) == 3
    assert any("retrying" in a for a in reply.attempts)


async def test_no_retry_on_401(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(status=401, api="openai"))
    router = make_router(fake_settings(model_server, router__chain=["openai", "anthropic", "offline"]))
    reply = await router.complete(req())
    assert reply.provider == "anthropic"
    assert [r.api for r in model_server.requests] == ["openai", "anthropic"]


async def test_breaker_opens_after_failures_and_half_open_probe_closes_it(model_server: FakeModelServer,
                                                                         make_router) -> None:
    model_server.push(*[Script(status=500, api="ollama") for _ in range(3)])
    router = make_router(fake_settings(model_server, router__retries=0, router__breaker_failures=3,
                                       router__breaker_reset_s=0.3))
    for _ in range(3):
        assert (await router.complete(req())).provider == "openai"
    assert router._breakers["ollama"].state == "open"
    before = len(model_server.requests)
    reply = await router.complete(req())
    assert reply.provider == "openai" and "circuit open" in reply.attempts[0]
    assert [r.api for r in model_server.requests[before:]] == ["openai"]  # ollama not even tried
    time.sleep(0.35)
    assert router._breakers["ollama"].state == "half_open"
    assert (await router.complete(req())).provider == "ollama"
    assert router._breakers["ollama"].state == "closed"
    status = {s["name"]: s for s in router.status()}
    assert status["ollama"]["errors"] == 3 and status["ollama"]["breaker"] == "closed"


async def test_first_token_timeout_moves_on(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(stall_s=2.0, api="ollama"))
    router = make_router(fake_settings(model_server, providers__ollama__first_token_timeout_s=0.3))
    start = time.monotonic()
    reply = await router.complete(req(stream=True))
    assert time.monotonic() - start < 1.5
    assert reply.provider == "openai"
    assert "no first token within 0.3s" in reply.attempts[0]


async def test_total_timeout_on_slow_non_streamed_reply(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(delay_s=2.0, api="anthropic"))
    router = make_router(fake_settings(model_server, router__chain=["anthropic", "offline"],
                                       providers__anthropic__total_timeout_s=0.3))
    start = time.monotonic()
    with pytest.raises(NoModelAvailable) as info:
        await router.complete(req())
    assert time.monotonic() - start < 1.5
    assert "anthropic:" in info.value.attempts[0] and "0.3" in info.value.attempts[0]


async def test_dropped_stream_is_retried_when_nothing_was_shown(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(drop_after=0, api="openai"))
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"]))
    reply = await router.complete(req(stream=True))
    assert reply.text == "Hello from the fake model." and len(model_server.requests) == 2
    assert "connection dropped" in reply.attempts[0]


async def test_dropped_stream_after_tokens_falls_back_to_next_provider(model_server: FakeModelServer,
                                                                       make_router) -> None:
    model_server.push(Script(drop_after=3, api="ollama"))
    router = make_router(fake_settings(model_server))
    tokens: list[str] = []
    reply = await router.complete(req(), on_token=tokens.append)
    assert reply.provider == "openai"
    assert [r.api for r in model_server.requests] == ["ollama", "openai"]
    assert "connection dropped" in reply.attempts[0]


async def test_disabled_and_unknown_providers_are_skipped_with_reasons(model_server: FakeModelServer,
                                                                       make_router) -> None:
    router = make_router(fake_settings(model_server, providers__ollama__enabled=False,
                                       router__chain=["ollama", "bogus", "anthropic", "offline"]))
    reply = await router.complete(req())
    assert reply.provider == "anthropic"
    assert reply.attempts == ["ollama: disabled in config (providers.ollama.enabled: false)",
                              "bogus: not a known provider"]
