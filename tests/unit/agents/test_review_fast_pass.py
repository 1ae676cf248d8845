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
