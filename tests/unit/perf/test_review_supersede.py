"""A newer change cancels the review it supersedes; only the document's current version is published."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from lsprotocol import types

from zc_lsp.agents.base import AgentResult
from zc_lsp.core.types import DocSnapshot, Finding, Span
from zc_lsp.handlers import diagnostics as diagnostics_module
from zc_lsp.handlers.convert import Lines
from zc_lsp.handlers.diagnostics import DiagnosticsFeature

URI = "file:///ws/mod.py"


class FakeDocuments:
    def __init__(self) -> None:
        self.text, self.ver = "x = 1\n", 1

    def is_open(self, uri: str) -> bool:
        return True

    def version(self, uri: str) -> int:
        return self.ver

    def snapshot(self, uri: str) -> DocSnapshot:
        return DocSnapshot(uri=uri, path=Path("/ws/mod.py"), text=self.text, version=self.ver)

    def change(self, text: str) -> None:
        self.text, self.ver = text, self.ver + 1


class SlowReviewer:
    """Stands in for the review agent: each run waits until released, and records how it ended."""

    def __init__(self, quick_taint: bool = False) -> None:
        self.quick_taint = quick_taint  # the first pass could run the taint engine (an incremental edit)
        self.started: list[int] = []
        self.cancelled: list[int] = []
        self.deep: list[int] = []  # versions whose deep pass (taint) started
        self.release = asyncio.Event()

    async def run(self, agent: str, request: Any, **kw: Any) -> AgentResult:
        version = request.doc.version
        deep = request.args.get("taint") is True  # the first pass asks for it only if "quick"
        if deep:
            self.deep.append(version)
        else:
            self.started.append(version)
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled.append(version)  # where the real engines kill their subprocesses
            raise
        finding = Finding(Span(0, 0, 0, 1), "warning", f"V{version}", f"found in v{version}", engine="ruff")
        data = {"taint_deferred": not deep and not self.quick_taint}
        return AgentResult(ok=True, agent=agent, action="review", findings=[finding], data=data)


def make_feature(
    debounce_ms: int = 300, quick_taint: bool = False
) -> tuple[DiagnosticsFeature, FakeDocuments, SlowReviewer, list[types.PublishDiagnosticsParams]]:
    published: list[types.PublishDiagnosticsParams] = []
    documents, reviewer = FakeDocuments(), SlowReviewer(quick_taint)
    settings = SimpleNamespace(diagnostics=SimpleNamespace(max_file_bytes=10_000_000, debounce_ms=debounce_ms))
    services = SimpleNamespace(settings=settings, agents=reviewer, background=None)
    tasks: set[asyncio.Task[Any]] = set()

    def spawn(coro: Any, name: str | None = None) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        tasks.add(task)
        return task

    async def wait_ready_for(uri: str | None, timeout: float = 60.0) -> Any:
        return services

    session = SimpleNamespace(
        documents=documents,
        spawn=spawn,
        wait_ready_for=wait_ready_for,
        registry=SimpleNamespace(by_command=lambda cmd: ("best_practices", SimpleNamespace(name="review"))),
        lines=lambda text: Lines(text, "utf-16"),
        show=lambda *a: None,
        log_to_client=lambda *a: None,
        server=SimpleNamespace(text_document_publish_diagnostics=published.append),
        services=services,
        settings=settings,
    )
    return DiagnosticsFeature(session), documents, reviewer, published  # type: ignore[arg-type]


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


async def test_a_newer_change_cancels_the_running_review_and_only_the_latest_version_is_published() -> None:
    feature, documents, reviewer, published = make_feature()
    feature.schedule(URI, bandit=False)
    await settle()
    assert reviewer.started == [1]
    documents.change("x = 2\n")
    feature.schedule(URI, bandit=False, after_change_ms=1)  # a change while v1's engines run
    await settle()
    assert reviewer.cancelled == [1]
    assert reviewer.started == [1, 2]
    reviewer.release.set()
    await settle()
    assert published and {p.version for p in published} == {2}
    assert [d.code for d in published[-1].diagnostics] == ["V2"]


async def test_a_review_that_finishes_after_a_change_is_not_published() -> None:
    feature, documents, reviewer, published = make_feature()
    feature.schedule(URI, bandit=False)
    await settle()
    documents.change("x = 3\n")  # the change arrives, its own review not scheduled yet
    reviewer.release.set()
    await settle()
    assert published == []  # v1's findings would sit on v2's lines


def test_findings_for_an_older_version_are_dropped_at_publish_time() -> None:
    feature, documents, _reviewer, published = make_feature()
    documents.change("y = 1\n")  # now v2
    feature.set_source(URI, "tests", [], 1)
    assert published == [] and URI not in feature.sources
    feature.set_source(URI, "tests", [], 2)
    assert [p.version for p in published] == [2]


async def test_closing_a_document_releases_its_caches_and_cancels_its_review() -> None:
    feature, documents, reviewer, published = make_feature()
    feature.schedule(URI, bandit=False)
    await settle()
    feature.set_source(URI, "tests", [], 1)
    feature.suggestions[URI] = ["a suggestion"]
    feature.pacing.record_review(URI, 25)
    feature.forget(URI)
    await settle()
    assert reviewer.cancelled == [1]
    assert URI not in feature.sources and URI not in feature.suggestions and URI not in feature.pending
    assert URI not in feature.pacing.tracked()
    assert published[-1].diagnostics == [] and published[-1].version is None  # cleared in the editor


async def test_the_review_waits_less_than_the_debounce_once_reviews_are_known_to_be_fast() -> None:
    feature, documents, reviewer, _published = make_feature()
    reviewer.release.set()
    feature.schedule(URI, bandit=False)
    await settle()
    assert feature.last_latency_ms is not None
    documents.change("x = 4\n")
    feature.schedule(URI, bandit=False, after_change_ms=5_000)  # a 5 s bound: a fixed debounce would still be waiting
    await settle()
    assert reviewer.started == [1, 2]


async def test_the_deep_pass_waits_for_a_pause_and_a_change_cancels_it_before_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feature, documents, reviewer, published = make_feature(debounce_ms=150)
    monkeypatch.setattr(diagnostics_module, "DEEP_PAUSE_MS", 150)
    reviewer.release.set()
    feature.schedule(URI, bandit=False)  # open: fast pass, then the deep pass at once
    await settle()
    assert reviewer.started == [1] and reviewer.deep == [1]
    documents.change("x = 5\n")
    feature.schedule(URI, bandit=False, after_change_ms=1)
    await asyncio.sleep(0.05)  # the fast pass has published; the deep pass waits for a 150 ms pause (test value)
    assert reviewer.started == [1, 2] and reviewer.deep == [1]
    assert published[-1].version == 2
    documents.change("x = 6\n")
    feature.schedule(URI, bandit=False, after_change_ms=1)  # typing on: v2's deep pass never starts
    await asyncio.sleep(0.4)
    assert reviewer.deep == [1, 3]
    assert published[-1].version == 3


async def test_when_the_first_pass_ran_the_taint_engine_everything_is_published_once_without_a_deep_pass() -> None:
    feature, documents, reviewer, published = make_feature(quick_taint=True)
    reviewer.release.set()
    feature.schedule(URI, bandit=False)
    await settle()
    documents.change("x = 7\n")
    feature.schedule(URI, bandit=False, after_change_ms=1)
    await asyncio.sleep(0.3)
    assert reviewer.started == [1, 2] and reviewer.deep == []
    assert [p.version for p in published] == [1, 2]  # one publish per version: all findings at once


async def test_changes_handled_in_one_loop_turn_land_in_one_review_without_a_timed_wait() -> None:
    """A cheap review no longer waits a floor: it starts on the loop's next turn. Changes the
    transport handles in the same turn (frames the client sent together) still coalesce."""
    feature, documents, reviewer, published = make_feature()
    reviewer.release.set()
    feature.schedule(URI, bandit=False)
    await settle()
    assert feature.pacing.on_change("file:///ws/probe.py", 300) == 0.0  # known-fast reviews: no wait
    for text in ("x = 10\n", "x = 11\n", "x = 12\n"):  # three frames read in one go
        documents.change(text)
        feature.schedule(URI, bandit=False, after_change_ms=300)
    await settle()
    assert reviewer.started == [1, 4]  # versions 2 and 3 were superseded before their review began
    assert {p.version for p in published} == {1, 4} and published[-1].version == 4
