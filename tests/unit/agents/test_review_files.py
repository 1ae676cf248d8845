"""Reviewing many files in one batch gives what reviewing them one by one gives, and skips plainly."""

from __future__ import annotations

import shutil
from pathlib import Path

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.best_practices.agent import BestPracticesAgent


def _key(f) -> tuple:
    return (f.code, f.span, f.engine)


async def test_batch_review_matches_the_per_document_review(demo_project: Path, tmp_path: Path, make_ctx, snapshot) -> None:
    project = tmp_path / "demo"
    shutil.copytree(demo_project, project)  # the shipped example is read-only for tests
    agent = BestPracticesAgent()
    ctx = make_ctx(project)
    files = sorted(project.rglob("*.py"))
    (project / "big.py").write_bytes(b"x = 1\n" * 1_000_000)  # 6 MB: over the limit
    (project / "blob.py").write_bytes(b"\x00\x01binary")
    paths = [str(p) for p in files] + [str(project / "big.py"), str(project / "blob.py")]
    batch = await agent.handle(AgentRequest("review_files", args={"paths": paths, "bandit": True}), ctx)
    assert batch.ok and batch.data["files"] == len(files)
    assert batch.data["counts"].keys() >= {"ruff", "taint", "bandit", "secrets"}
    assert {Path(s.split(":")[0]).name for s in batch.data["skipped"]} == {"big.py", "blob.py"}
    for path in files:
        single = await agent.handle(AgentRequest("review", doc=snapshot(path), args={"bandit": True}), ctx)
        in_batch = sorted(_key(f) for f in batch.findings if f.data["path"] == str(path.resolve()))
        assert in_batch == sorted(_key(f) for f in single.findings), path
    assert any(f.code == "ZC-SECRET-GITHUB" for f in batch.findings)


async def test_batch_review_with_nothing_reviewable_says_why(tmp_path: Path, make_ctx) -> None:
    result = await BestPracticesAgent().handle(
        AgentRequest("review_files", args={"paths": [str(tmp_path / "missing.py")]}), make_ctx(tmp_path))
    assert not result.ok and "cannot be read" in (result.error or "")
