"""Streaming through each official client, and cancellation closing the HTTP stream promptly."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import fake_settings
from zc_lsp.core.cancel import Cancelled, CancelToken
from zc_lsp.router.base import ModelRequest


@pytest.mark.parametrize("provider", ["ollama", "openai", "anthropic"])
async def test_stream_delivers_each_chunk_as_it_arrives(model_server: FakeModelServer, make_router,
                                                        provider: str) -> None:
    model_server.push(Script(chunks=["def ", "add(a, b):", "\n    return a + b"], chunk_delay_s=0.1))
    router = make_router(fake_settings(model_server, router__chain=[provider, "offline"]))
    seen: list[tuple[float, str]] = []
    start = time.monotonic()
    reply = await router.complete(ModelRequest(role="programming", prompt="add", stream=True, cache=False),
                                  on_token=lambda t: seen.append((time.monotonic() - start, t)))
    assert [t for _, t in seen] == ["def ", "add(a, b):", "\n    return a + b"]
    assert seen[1][0] - seen[0][0] > 0.05  # chunks arrive spread out, not all at the end
    assert reply.text == "def add(a, b):\n    return a + b"
    assert (reply.provider, reply.model, reply.cached) == (provider, "fake-small", False)
    assert reply.first_token_ms is not None and reply.first_token_ms < reply.latency_ms
    assert reply.tokens_in == 7 and reply.tokens_out == 3


@pytest.mark.parametrize("provider", ["ollama", "openai", "anthropic"])
async def test_cancel_token_closes_the_provider_stream_within_200ms(model_server: FakeModelServer, make_router,
                                                                    provider: str) -> None:
    model_server.push(Script(chunks=[f"tok{i} " for i in range(200)], chunk_delay_s=0.05))
    router = make_router(fake_settings(model_server, router__chain=[provider, "offline"]))
    token = CancelToken()
    got: list[str] = []

    def on_token(text: str) -> None:
        got.append(text)
        if len(got) == 3:
            token.cancel()
            got.append(f"@{time.monotonic()}")

    with pytest.raises(Cancelled):
        await router.complete(ModelRequest(role="conversational", prompt="talk", cache=False),
                              on_token=on_token, cancel=token)
    cancelled_at = float(got[3][1:])
    for _ in range(50):
        if model_server.requests[-1].closed_at is not None:
            break
        await asyncio.sleep(0.01)
    rec = model_server.requests[-1]
    assert rec.closed_at is not None and not rec.finished
    assert rec.closed_at - cancelled_at < 0.2
    assert router._breakers[provider].state == "closed"  # a cancel is not a provider failure


async def test_task_cancellation_closes_the_stream(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(chunks=[f"t{i} " for i in range(200)], chunk_delay_s=0.05))
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"]))
    first = asyncio.Event()
    task = asyncio.create_task(router.complete(
        ModelRequest(role="conversational", prompt="talk", cache=False), on_token=lambda _t: first.set()))
    await asyncio.wait_for(first.wait(), 5)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(50):
        if model_server.requests[-1].closed_at is not None:
            break
        await asyncio.sleep(0.01)
    assert model_server.requests[-1].closed_at - cancelled_at < 0.2


async def test_already_cancelled_token_makes_no_request(model_server: FakeModelServer, make_router) -> None:
    token = CancelToken()
    token.cancel()
    router = make_router(fake_settings(model_server))
    with pytest.raises(Cancelled):
        await router.complete(ModelRequest(role="ops", prompt="x"), cancel=token)
    assert model_server.requests == []


async def test_placeholders_split_across_chunks_are_restored(model_server: FakeModelServer, make_router) -> None:
    secret = "ghp_" + "Q7x" * 12
    # The fake model echoes the placeholder split over three chunks.
    model_server.push(Script(chunks=["key is [[ZC_", "SECRET_1", "]] ok"]))
    router = make_router(fake_settings(model_server, router__chain=["ollama", "offline"]))
    seen: list[str] = []
    reply = await router.complete(ModelRequest(role="programming", prompt=f"token = '{secret}'", cache=False),
                                  on_token=seen.append)
    assert reply.text == f"key is {secret} ok"
    assert "".join(seen) == f"key is {secret} ok"
    assert secret.encode() not in model_server.all_bytes()
