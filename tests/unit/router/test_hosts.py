"""providers.<name>.hosts: health probes, least latency first, fail-over past a refusing host, cool-down."""

from __future__ import annotations

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import dead_url, fake_settings
from zc_lsp.router.base import ModelRequest, NoModelAvailable
from zc_lsp.router.hosts import MultiHostProvider


@pytest.fixture
def second_server():
    server = FakeModelServer(serve_as="second-box").start()
    yield server
    server.stop()


def req(prompt: str = "x") -> ModelRequest:
    return ModelRequest(role="programming", prompt=prompt, cache=False)


def hosts_key(provider: str, urls: list[str]) -> dict[str, object]:
    suffix = "/v1" if provider == "openai" else ""
    return {f"providers__{provider}__hosts": [u + suffix for u in urls], "router__chain": [provider, "offline"]}


@pytest.mark.parametrize("provider", ["ollama", "openai", "anthropic"])
@pytest.mark.parametrize("streaming", [False, True])
async def test_refusing_host_is_skipped_within_the_same_call(second_server: FakeModelServer, make_router,
                                                             provider: str, streaming: bool) -> None:
    down = dead_url()
    router = make_router(fake_settings(second_server, **hosts_key(provider, [down, second_server.url])))
    seen: list[str] = []
    reply = await router.complete(req(), on_token=seen.append if streaming else None)
    assert (reply.provider, reply.model) == (provider, "second-box")
    multi = router._providers[provider]
    assert isinstance(multi, MultiHostProvider)
    status = {h["url"].removesuffix("/v1"): h for h in {s["name"]: s for s in router.status()}[provider]["hosts"]}
    assert not status[down]["up"] and status[down]["cooling_down_s"] > 0 and "cannot connect" in status[down]["last_error"]
    assert status[second_server.url]["up"] and status[second_server.url]["calls"] == 1


async def test_least_latency_host_is_chosen_after_probing(model_server: FakeModelServer,
                                                          second_server: FakeModelServer, make_router) -> None:
    router = make_router(fake_settings(model_server, **hosts_key("ollama", [model_server.url, second_server.url])))
    multi = router._providers["ollama"]
    assert isinstance(multi, MultiHostProvider)
    await multi.probe_hosts()
    multi.hosts[0].latency_ms, multi.hosts[1].latency_ms = 80.0, 5.0  # as if the first box were far away
    reply = await router.complete(req())
    assert reply.model == "second-box"
    assert [r.method for r in model_server.requests] == ["GET"]  # only its probe reached the slower host


async def test_cooled_down_host_is_retried_after_the_cool_down(second_server: FakeModelServer, make_router) -> None:
    now = [1000.0]
    primary = FakeModelServer(serve_as="primary")
    down = dead_url()
    router = make_router(fake_settings(second_server, providers__ollama__host_cooldown_s=30,
                                       **hosts_key("ollama", [down, second_server.url])))
    multi = router._providers["ollama"]
    multi._clock = lambda: now[0]
    assert (await router.complete(req("a"))).model == "second-box"
    assert [h.url for h in multi.order()] == [second_server.url]  # cooling down: not tried
    now[0] += 31
    assert multi.hosts[0] in multi.order()  # back in the rotation after the cool-down
    del primary


async def test_every_host_down_is_one_plain_attempt(make_router) -> None:
    urls = [dead_url(), dead_url()]
    router = make_router(fake_settings(FakeModelServer(), **hosts_key("openai", urls)))
    with pytest.raises(NoModelAvailable) as info:
        await router.complete(req())
    assert info.value.attempts[0].startswith("openai: cannot connect")


async def test_model_list_is_the_union_of_hosts_and_a_server_error_does_not_fail_over(
        model_server: FakeModelServer, second_server: FakeModelServer, make_router) -> None:
    second_server.models = ["other-model"]
    router = make_router(fake_settings(model_server, **hosts_key("openai", [model_server.url, second_server.url])))
    listed = await router.list_models()
    assert listed["openai"] == sorted({*model_server.models, "other-model"})
    model_server.push(Script(status=400, error="bad prompt"))
    second_server.push(Script(status=400, error="bad prompt"))
    multi = router._providers["openai"]
    multi.hosts[0].latency_ms, multi.hosts[1].latency_ms = 1.0, 50.0
    with pytest.raises(NoModelAvailable):
        await router.complete(req())
    assert not [r for r in second_server.requests if r.method == "POST"]  # a 400 is the request's fault
