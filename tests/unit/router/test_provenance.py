"""Answers name the model the server says answered, not the configured one (issue 16 point 3).

Every provider is called through its official SDK against the loopback fake, which replies with a
model name unlike the configured one, as llama.cpp does (it names the one model it serves).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import fake_settings
from zc_lsp.memory import WorkspaceMemory
from zc_lsp.router.base import ModelRequest

PROVIDERS = ["ollama", "openai", "anthropic"]


@pytest.fixture
def memory(tmp_path: Path):
    mem = WorkspaceMemory(tmp_path / "ws", fake_settings(FakeModelServer(), memory__path=str(tmp_path / "data")))
    yield mem
    mem.close()


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("streaming", [False, True])
async def test_reply_names_the_served_model_not_the_configured_one(model_server: FakeModelServer, make_router,
                                                                   memory, provider: str, streaming: bool) -> None:
    served = f"gemma3-270m-{provider}-{'s' if streaming else 'p'}"
    model_server.serve_as = served
    router = make_router(fake_settings(model_server, router__chain=[provider, "offline"]), memory=memory)
    seen: list[str] = []
    reply = await router.complete(ModelRequest(role="programming", prompt="hi", cache=False),
                                  on_token=seen.append if streaming else None)
    assert model_server.requests[-1].model == "fake-small"  # asked for the configured model ...
    assert (reply.provider, reply.model) == (provider, served)  # ... and credited to who answered
    assert reply.provenance == f"{provider}/{served}" == router.last_provenance
    assert bool(seen) is streaming
    row = {s["name"]: s for s in router.status()}[provider]
    assert row["model"] == served and row["configured_model"] == "fake-small"
    audit = [e for e in memory.audit.tail(5) if e["kind"] == "model_call"]
    fields = audit[-1].get("fields", audit[-1])
    assert fields["model"] == served and fields["requested_model"] == "fake-small"


async def test_cached_reply_keeps_the_served_model(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(reply_model="llama.cpp-served"))
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"]))
    first = await router.complete(ModelRequest(role="programming", prompt="cache me"))
    again = await router.complete(ModelRequest(role="programming", prompt="cache me"))
    assert first.model == again.model == "llama.cpp-served"
    assert again.provenance == "openai/llama.cpp-served (cached)"


async def test_same_name_in_reply_is_not_flagged_as_substitution(model_server: FakeModelServer, make_router,
                                                                 memory) -> None:
    router = make_router(fake_settings(model_server, router__chain=["anthropic", "offline"]), memory=memory)
    reply = await router.complete(ModelRequest(role="programming", prompt="x", cache=False))
    assert reply.model == "fake-small"
    fields = [e for e in memory.audit.tail(5) if e["kind"] == "model_call"][-1]
    assert "requested_model" not in fields.get("fields", fields)
