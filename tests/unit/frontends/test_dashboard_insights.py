"""The dashboard's own sections, from a real data folder: findings, the last test run, usage per provider."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from zc_lsp.dashboard.insights import insights, last_test_run, open_findings, provider_usage
from zc_lsp.router.cache import ReplyStore


def _call(memory: Any, provider: str, latency: float, outcome: str = "ok", tokens: tuple[int, int] = (10, 5)) -> None:
    memory.audit.append(
        "model_call",
        provider=provider,
        model="m",
        role="r",
        prompt_sha256="",
        tokens_in=tokens[0],
        tokens_out=tokens[1],
        latency_ms=latency,
        outcome=outcome,
        secrets_redacted=0,
    )


async def test_usage_counts_calls_errors_cache_hits_latency_and_spend(services: Any) -> None:
    memory = services.memory
    for latency in (100.0, 200.0, 300.0):
        _call(memory, "ollama", latency)
    _call(memory, "ollama", 0.0, "cached")
    _call(memory, "ollama", 5.0, "error: refused")
    _call(memory, "openai", 800.0, tokens=(1000, 100))
    await ReplyStore(memory).add_spend("openai", 0.02)
    rows = {
        r["name"]: r
        for r in provider_usage(
            memory, [{"name": "anthropic", "enabled": False, "healthy": None}, {"name": "offline", "enabled": True}]
        )
    }
    ollama = rows["ollama"]
    assert (ollama["calls"], ollama["errors"], ollama["cached"]) == (5, 1, 1)
    assert ollama["latency_p50_ms"] == 200.0 and ollama["latency_p95_ms"] == 300.0  # answered calls only
    assert ollama["cost_total_usd"] == 0.0
    assert rows["openai"]["cost_today_usd"] == 0.02 and rows["openai"]["tokens_in"] == 1000
    assert rows["anthropic"]["calls"] == 0 and rows["anthropic"]["enabled"] is False  # configured, no calls
    assert "offline" not in rows


async def test_calls_older_than_a_day_are_not_counted(services: Any) -> None:
    _call(services.memory, "ollama", 100.0)
    assert provider_usage(services.memory, [], now=time.time() + 2 * 86_400) == []


async def test_stored_findings_keep_the_newest_review_per_file(services: Any, workspace: Path) -> None:
    store = services.memory.agent("best_practices")
    calc, other = (workspace / "calc.py").as_uri(), (workspace / "pkg" / "b.py").as_uri()
    store.remember("review", "old", {"counts": {"F401": 3}, "codes": ["F401"]}, calc)
    store.remember("review", "new", {"counts": {"S307": 1}, "codes": ["S307"]}, calc)
    store.remember("review", "clean now", {"counts": {}, "codes": []}, other)
    found = open_findings({}, services.memory)
    assert found["source"] == "stored" and found["total"] == 1
    assert [(f["path"], f["count"], f["codes"]) for f in found["files"]] == [("calc.py", 1, ["S307"])]


async def test_live_findings_win_over_stored_ones(services: Any, workspace: Path) -> None:
    services.memory.agent("best_practices").remember(
        "review", "x", {"counts": {"F401": 1}}, (workspace / "a.py").as_uri()
    )
    live = {"findings": {"total": 2, "files": [{"path": str(workspace / "calc.py"), "count": 2, "items": []}]}}
    found = open_findings(live, services.memory)
    assert found["source"] == "live" and found["files"][0]["path"] == "calc.py" and found["total"] == 2


async def test_last_test_run_has_counts_failures_and_state(services: Any) -> None:
    assert last_test_run(services.memory) is None
    verifier = services.memory.agent("verifier")
    verifier.remember("test_run", "Test run: 1 passed", {"passed": 1, "failed": 0, "errors": 0, "skipped": 0})
    await asyncio.sleep(0.01)
    verifier.remember(
        "test_run",
        "Test run (tests): 2 passed, 1 failed\n\nmore",
        {
            "passed": 2,
            "failed": 1,
            "errors": 0,
            "skipped": 0,
            "scope": "tests",
            "failures": [{"test": "t::x", "file": "t.py", "line": 3, "message": "boom"}, "junk"],
        },
    )
    run = last_test_run(services.memory)
    assert run is not None
    assert (run["state"], run["passed"], run["failed"], run["scope"]) == ("failed", 2, 1, "tests")
    assert run["failures"] == [{"test": "t::x", "file": "t.py", "line": 3, "message": "boom"}]
    assert run["summary"] == "Test run (tests): 2 passed, 1 failed"


async def test_a_broken_section_says_why_and_the_others_still_show(services: Any) -> None:
    class NoAudit:
        def __getattr__(self, name: str) -> Any:
            if name == "audit":
                raise RuntimeError("audit.db is damaged")
            return getattr(services.memory, name)

    out = insights({}, NoAudit())
    assert out["provider_usage"] == {"error": "RuntimeError: audit.db is damaged"}
    assert out["findings"]["source"] == "stored" and out["last_test_run"] is None
