"""One SDK client per event loop (httpx pools are loop-bound) and settings taken without a restart."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.fakes.model_server import FakeModelServer
from tests.unit.router.conftest import dead_url, fake_settings
from zc_lsp.router.base import ModelRequest, NoModelAvailable

PROVIDERS = ["ollama", "openai", "anthropic"]


def req(prompt: str) -> ModelRequest:
    return ModelRequest(role="programming", prompt=prompt, cache=False)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_call_from_lsp_loop_then_probe_on_its_own_loop_then_lsp_loop_again(
        model_server: FakeModelServer, make_router, provider: str) -> None:
    router = make_router(fake_settings(model_server, router__chain=[provider, "offline"]))
    assert (await router.complete(req("first"))).provider == provider
    result: dict[str, object] = {}

    def scheduled_probe() -> None:  # what background/jobs.py's provider_probe does, in a job thread
        try:
            result["rows"] = router.run_private(router.probe)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=scheduled_probe)
    thread.start()
    await asyncio.to_thread(thread.join, 30)
    assert "error" not in result, result.get("error")
    rows = [r for r in result["rows"] if r["provider"] == provider]  # type: ignore[union-attr]
    assert rows and all(r["ok"] for r in rows), rows
    again = await router.complete(req("again, on the first loop"))
    assert again.provider == provider and again.text
    assert router._providers[provider].client_count == 1  # the private loop released its client
    posts = [r for r in model_server.requests if r.api == provider and r.method == "POST"]
    assert len(posts) >= 3


async def test_a_plain_asyncio_run_probe_does_not_break_the_lsp_loop_client(model_server: FakeModelServer,
                                                                             make_router) -> None:
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"]))
    await router.complete(req("one"))
    await asyncio.to_thread(lambda: asyncio.run(router.probe()))  # no release: the closed loop is forgotten
    assert (await router.complete(req("two"))).text
    assert router._providers["openai"].client_count == 1


async def test_router_chain_change_takes_effect_without_restart(model_server: FakeModelServer, make_router) -> None:
    settings = fake_settings(model_server, router__chain=["ollama", "offline"])
    router = make_router(settings)
    assert (await router.complete(req("a"))).provider == "ollama"
    router.on_settings(fake_settings(model_server, router__chain=["anthropic", "offline"]), settings)
    assert (await router.complete(req("b"))).provider == "anthropic"


async def test_allow_cloud_change_takes_effect_without_restart(model_server: FakeModelServer,
                                                                        make_router) -> None:
    cloud = {"providers__openai__base_url": "https://api.openai.example/v1", "router__chain": ["openai", "offline"]}
    old = fake_settings(model_server, **cloud)
    router = make_router(old, env={"OPENAI_API_KEY": "sk-test"})
    with pytest.raises(NoModelAvailable) as info:
        await router.complete(req("a"))
    assert "allow_cloud" in info.value.attempts[0]
    new = fake_settings(model_server, privacy__allow_cloud=True, **cloud)
    assert router.on_settings(new, old) == []  # same URL and key: the privacy switch applies in place
    assert router._providers["openai"].available() == (True, "cloud")
    back = fake_settings(model_server, **cloud)
    router.reconfigure(back)  # the name handlers/configuration.py calls
    assert not router._providers["openai"].available()[0]


async def test_changed_provider_url_is_rebuilt_and_old_clients_closed(model_server: FakeModelServer,
                                                                     make_router) -> None:
    old = fake_settings(model_server, providers__ollama__host=dead_url(), router__chain=["ollama", "offline"])
    router = make_router(old)
    with pytest.raises(NoModelAvailable):
        await router.complete(req("a"))
    before = router._providers["ollama"]
    assert before.client_count == 1
    rebuilt = router.on_settings(fake_settings(model_server, router__chain=["ollama", "offline"]), old)
    assert rebuilt == ["ollama"] and router._providers["ollama"] is not before
    assert (await router.complete(req("b"))).provider == "ollama"
    await asyncio.sleep(0.05)
    assert before.client_count == 0  # closed on its loop
    unchanged = router.on_settings(fake_settings(model_server, router__chain=["ollama", "offline"]))
    assert unchanged == []
