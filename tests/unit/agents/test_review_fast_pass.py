"""The editor's fast pass leaves the taint engine out; the deep pass and every other caller get it."""

from __future__ import annotations

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.best_practices.agent import BestPracticesAgent

FLASK = """import subprocess
from flask import request


def run():
    cmd = request.args.get("cmd")
    subprocess.call(cmd, shell=True)
"""


async def test_fast_pass_runs_no_taint_engine_and_the_default_does(tmp_path, make_ctx, snapshot):
    path = tmp_path / "app.py"
    path.write_text(FLASK)
    ctx = make_ctx(tmp_path)
    agent = BestPracticesAgent()
    fast = await agent.handle(AgentRequest("review", doc=snapshot(path), args={"taint": False}), ctx)
    full = await agent.handle(AgentRequest("review", doc=snapshot(path)), ctx)
    assert fast.ok and full.ok
    assert "taint" not in fast.data["counts"] and "ruff" in fast.data["counts"]
    assert "taint" in full.data["counts"]


def _large_module() -> str:
    """A module over the quick-taint size with no source of untrusted data: many small functions."""
    funcs = [f"def helper_{n}(value):\n    total = value + {n}\n    return total * 2\n" for n in range(1200)]
    return (
        "import hashlib\n\n\n"
        + "\n\n".join(funcs)
        + "\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"
    )


async def test_quick_first_pass_defers_a_full_taint_analysis_and_runs_an_incremental_one(
    tmp_path, make_ctx, snapshot
) -> None:
    path = tmp_path / "big.py"
    text = _large_module()
    path.write_text(text)
    ctx = make_ctx(tmp_path)
    agent = BestPracticesAgent()
    first = await agent.handle(AgentRequest("review", doc=snapshot(path, text), args={"taint": "quick"}), ctx)
    assert first.ok and first.data["taint_deferred"] and "taint" not in first.data["counts"]
    deep = await agent.handle(AgentRequest("review", doc=snapshot(path, text), args={"taint": True}), ctx)
    assert not deep.data["taint_deferred"] and "taint" in deep.data["counts"]
    weak_hash = [f for f in deep.findings if f.code.startswith("ZC-SEC-WEAK-HASH")]
    assert weak_hash  # a rule finding the moved result must keep
    edited = text.replace("total = value + 7\n", "total = value + 77\n")  # typing inside helper_7
    after = await agent.handle(AgentRequest("review", doc=snapshot(path, edited), args={"taint": "quick"}), ctx)
    assert not after.data["taint_deferred"] and "taint" in after.data["counts"]
    assert [(f.code, f.span) for f in after.findings if f.code.startswith("ZC-SEC-WEAK-HASH")] == [
        (f.code, f.span) for f in weak_hash
    ]
