"""Cache (memory and tasks.db), provenance, accounting, budgets, audit, probes and doctor listing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import dead_url, fake_settings
from zc_lsp.memory import WorkspaceMemory
from zc_lsp.router.base import ModelRequest, NoModelAvailable


@pytest.fixture
def memory(tmp_path: Path):
    settings = fake_settings(FakeModelServer(), memory__path=str(tmp_path / "data"))
    mem = WorkspaceMemory(tmp_path / "ws", settings)
    assert mem.degraded is None
    yield mem
    mem.close()


def req(prompt: str = "explain x", role: str = "conversational", **kw) -> ModelRequest:
    return ModelRequest(role=role, prompt=prompt, **kw)


async def test_second_identical_request_is_served_from_cache_with_provenance(model_server: FakeModelServer,
                                                                            make_router) -> None:
    router = make_router(fake_settings(model_server))
    first = await router.complete(req())
    second = await router.complete(req())
    assert not first.cached and second.cached
    assert second.text == first.text and second.provenance == "ollama/fake-small (cached)"
    assert len(model_server.requests) == 1
    await router.complete(req(temperature=0.9))  # different params: a new call
    await router.complete(req(cache=False))
    assert len(model_server.requests) == 3
    assert {s["name"]: s for s in router.status()}["ollama"]["cache_hits"] == 1


async def test_cache_persists_in_tasks_db_without_secrets(model_server: FakeModelServer, make_router, memory,
                                                          tmp_path: Path) -> None:
    secret = "sk-ant-" + "Zq9" * 10
    model_server.push(Script(text="use [[ZC_SECRET_1]] carefully"))
    settings = fake_settings(model_server)
    reply = await make_router(settings, memory=memory).complete(req(f"API_KEY = '{secret}'"))
    assert reply.text == f"use {secret} carefully"
    again = await make_router(settings, memory=memory).complete(req(f"API_KEY = '{secret}'"))  # new router
    assert again.cached and again.text == reply.text and len(model_server.requests) == 1
    rows = memory.tasks.read().execute("SELECT provider, model, text FROM model_cache").fetchall()
    assert [tuple(r) for r in rows] == [("ollama", "fake-small", "use [[ZC_SECRET_1]] carefully")]
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    audit = memory.audit.tail(5)
    calls = [a for a in audit if a["kind"] == "model_call"]
    assert [c["fields"]["outcome"] if "fields" in c else c["outcome"] for c in calls] == ["ok", "cached"]


async def test_audit_records_hash_and_counts_never_prompt_text(model_server: FakeModelServer, make_router,
                                                               memory) -> None:
    router = make_router(fake_settings(model_server), memory=memory)
    await router.complete(req("a very particular prompt text"))
    entries = [e for e in memory.audit.tail(5) if e["kind"] == "model_call"]
    assert len(entries) == 1
    flat = repr(entries[0])
    assert "a very particular prompt" not in flat
    for key in ("provider", "model", "role", "prompt_sha256", "tokens_in", "tokens_out", "latency_ms", "outcome"):
        assert key in flat
    assert memory.audit.verify()[0]


async def test_tokens_latency_and_cost_are_accounted(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(tokens_in=1000, tokens_out=500))
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"],
                                       router__prices={"openai/fake-small": {"in": 1.0, "out": 2.0}}))
    reply = await router.complete(req(cache=False))
    assert (reply.tokens_in, reply.tokens_out) == (1000, 500)
    s = {s["name"]: s for s in router.status()}["openai"]
    assert (s["calls"], s["errors"], s["tokens_in"], s["tokens_out"]) == (1, 0, 1000, 500)
    assert s["cost_usd"] == pytest.approx(0.002)
    assert s["latency_p50_ms"] is not None and s["model"] == "fake-small"


async def test_daily_budget_skips_provider_once_spent(model_server: FakeModelServer, make_router, memory) -> None:
    settings = fake_settings(model_server, router__chain=["openai", "anthropic", "offline"],
                             router__prices={"openai": {"in": 1000.0, "out": 1000.0}},
                             router__budgets={"openai": 0.01})
    router = make_router(settings, memory=memory)
    assert (await router.complete(req(cache=False))).provider == "openai"  # spends 7+5 tokens * $1000/M
    reply = await router.complete(req(cache=False))
    assert reply.provider == "anthropic" and "daily budget of $0.01 reached" in reply.attempts[0]
    status = {s["name"]: s for s in router.status()}["openai"]
    assert not status["enabled"] and "budget" in status["reason"]
    # A restarted server remembers today's spend.
    assert (await make_router(settings, memory=memory).complete(req(cache=False))).provider == "anthropic"


async def test_probe_measures_latency_and_prefer_fastest_picks_quickest_model(model_server: FakeModelServer,
                                                                             make_router) -> None:
    model_server.push(Script(delay_s=0.3, model="fake-small", api="openai"))
    settings = fake_settings(model_server, router__chain=["openai", "offline"],
                             providers__openai__models={"default": "fake-small", "ops": "fake-large"},
                             providers__ollama__host=dead_url())
    router = make_router(settings)
    results = await router.probe()
    by = {(r["provider"], r["model"]): r for r in results}
    assert by[("openai", "fake-large")]["ok"] and by[("openai", "fake-small")]["latency_ms"] > 250
    assert not by[("ollama", "fake-small")]["ok"] and "cannot connect" in by[("ollama", "fake-small")]["error"]
    reply = await router.complete(req(role="programming", cache=False))
    assert reply.model == "fake-large"  # faster than the role's own fake-small


async def test_404_model_falls_back_to_role_model_of_same_provider(model_server: FakeModelServer,
                                                                    make_router) -> None:
    settings = fake_settings(model_server, router__chain=["openai", "offline"],
                             providers__openai__models={"default": "fake-small", "ops": "fake-large"})
    router = make_router(settings)
    await router.probe()
    model_server.push(Script(status=404, model="fake-large"), Script(status=404, model="fake-small"))
    router._probe["openai"] = {"fake-large": 1.0, "fake-small": 50.0}
    with pytest.raises(NoModelAvailable) as info:
        await router.complete(req(cache=False))
    assert [a for a in info.value.attempts if "not found" in a] == [
        a for a in info.value.attempts if a.startswith("openai: model")]
    calls = [r.model for r in model_server.requests if r.method == "POST"]
    assert calls[-2:] == ["fake-large", "fake-small"]  # (then a model-list GET looks for a stand-in)
    assert router._breakers["openai"].state == "closed"  # unknown model is not an outage


async def test_list_models_for_doctor(model_server: FakeModelServer, make_router) -> None:
    router = make_router(fake_settings(model_server, providers__anthropic__base_url=dead_url()))
    found = await router.list_models()
    assert found["ollama"] == ["fake-large", "fake-small"] and found["openai"] == ["fake-large", "fake-small"]
    assert isinstance(found["anthropic"], str) and "cannot connect" in found["anthropic"]


async def test_degraded_memory_keeps_router_working(model_server: FakeModelServer, make_router) -> None:
    class Broken:
        degraded = None

        class tasks:  # noqa: N801 - a stand-in object
            @staticmethod
            def write():
                raise sqlite3.OperationalError("disk I/O error")

            @staticmethod
            def read():
                raise sqlite3.OperationalError("disk I/O error")

        audit = None

    router = make_router(fake_settings(model_server), memory=Broken())
    assert (await router.complete(req())).provider == "ollama"
    assert (await router.complete(req())).cached  # the in-memory LRU still works
