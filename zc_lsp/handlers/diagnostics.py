"""Diagnostics: debounced per document, published only while the document version still matches.

The wait after a change adapts (`review_pacing.py`); a newer change cancels the review it
supersedes, engine subprocesses included, and nothing is published for a version that is no
longer the document's.

Several sources feed one document (the review engines, test failures, model review); each keeps
its own list and the union is published, so a test run does not wipe the lint results.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.engines.config_kinds import config_kind
from zc_lsp.core.memtrim import release_freed_memory
from zc_lsp.core.types import DocSnapshot
from zc_lsp.handlers.convert import diagnostic
from zc_lsp.handlers.review_pacing import DEEP_PAUSE_MS, ReviewPacing

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)

# Engines that keep per-document state (incremental scans, a waiting ruff); not imported at start-up,
# so each is looked up and told only if loaded.
ENGINES_WITH_DOCUMENT_STATE = (
    "zc_lsp.agents.engines.taint",
    "zc_lsp.agents.engines.secrets_engine",
    "zc_lsp.agents.engines.warm_process",
)


def skip_reason(doc: DocSnapshot, max_bytes: int) -> str | None:
    """Why a document is not reviewed (huge, binary, not Python), or None."""
    if len(doc.text) > max_bytes or len(doc.text.encode("utf-8", errors="replace")) > max_bytes:
        return (
            f"{doc.uri} is larger than {max_bytes // 1_000_000} MB; ZombieCoder skips it (diagnostics.max_file_bytes)."
        )
    if "\x00" in doc.text:
        return f"{doc.uri} looks binary (it contains NUL bytes); ZombieCoder skips it."
    if "\ufffd" in doc.text[:4096] and doc.text.count("\ufffd") > 3:
        return f"{doc.uri} is not valid UTF-8; ZombieCoder skips it."
    return None


def config_document(snap: DocSnapshot) -> bool:
    """YAML, TOML, JSON, INI, .env and templates are reviewed too (secrets, insecure settings)."""
    return config_kind(snap.uri.rsplit("/", 1)[-1], snap.language_id) is not None


class DiagnosticsFeature:
    """The diagnostics publisher of one session: review tasks per document, sources merged per document."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: dict[str, asyncio.Task[Any]] = {}
        self.sources: dict[str, dict[str, list[types.Diagnostic]]] = {}
        self.skipped: set[str] = set()
        self.reported: set[str] = set()  # engine problems already shown to the user
        # Many documents opened at once (an editor restoring its tabs) must not start dozens of
        # ruff/bandit processes together: reviews queue here, at most one per core.
        self._slots: asyncio.Semaphore | None = None
        self.last_latency_ms: float | None = None
        self.suggestions: dict[str, list[Any]] = {}  # auto-fix suggestions per document, offered as code actions
        self.pacing = ReviewPacing()

    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(max(1, os.cpu_count() or 1))
        return self._slots

    # -- entry points from document notifications -------------------------------------------
    def schedule(self, uri: str, bandit: bool, after_change_ms: int | None = None) -> None:
        """Cancel the pending or running review of this document (its engines are killed) and start a new one.

        `after_change_ms` None: open or save, the review starts now. After a change it is the longest
        wait (the debounce from config or the tuner); the pacing picks the actual wait below it, and
        the deep pass waits for a pause in the typing.
        """
        old = self.pending.pop(uri, None)
        if old is not None and not old.done():
            old.cancel()
        change = after_change_ms is not None
        wait_ms = self.pacing.on_change(uri, after_change_ms) if after_change_ms is not None else 0.0
        self.pending[uri] = self.session.spawn(self._review(uri, wait_ms / 1000, bandit, change), name=f"review {uri}")

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.sources.pop(uri, None)
        self.suggestions.pop(uri, None)
        self.skipped.discard(uri)
        self.pacing.forget(uri)
        for engine in ENGINES_WITH_DOCUMENT_STATE:
            loaded = sys.modules.get(engine)  # not imported at start-up; nothing kept if not loaded
            if loaded is not None:
                loaded.forget_document(uri)  # per-document state of the incremental scans
        self.publish(uri, None)

    # -- sources ----------------------------------------------------------------------------
    def set_source(self, uri: str, source: str, diags: list[types.Diagnostic], version: int | None) -> None:
        """Replace one source's findings; findings for an older version of an open document are dropped."""
        documents = self.session.documents
        if version is not None and documents.is_open(uri) and documents.version(uri) != version:
            log.debug(
                "dropped %s diagnostics for %s v%s: the document is at v%s",
                source,
                uri,
                version,
                documents.version(uri),
            )
            return
        self.sources.setdefault(uri, {})[source] = diags
        self.publish(uri, version)

    def publish(self, uri: str, version: int | None) -> None:
        merged = [d for diags in self.sources.get(uri, {}).values() for d in diags]
        self.session.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=merged, version=version)
        )

    def all_for(self, uri: str) -> list[types.Diagnostic]:
        return [d for diags in self.sources.get(uri, {}).values() for d in diags]

    # -- the review task ----------------------------------------------------------------------
    async def _review(self, uri: str, delay_s: float, bandit: bool, change: bool) -> None:
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        services = await self.session.wait_ready_for(uri)  # the folder's own settings, trust and memory
        documents = self.session.documents
        snap = documents.snapshot(uri)
        if not snap.uri.endswith(".py") and snap.language_id != "python" and not config_document(snap):
            return
        reason = skip_reason(snap, int(services.settings.diagnostics.max_file_bytes))
        if reason:
            if uri not in self.skipped:
                self.skipped.add(uri)
                self.session.show(reason, types.MessageType.Warning)
            self.set_source(uri, "review", [], snap.version)
            return
        self.skipped.discard(uri)
        started = time.perf_counter()
        reviewer = self.session.registry.by_command("zc.review")
        if reviewer is None:
            return  # no review agent installed: zc.doctor says why
        # Fast engines first (ruff, secrets, settings: ~10 ms) so the user sees their findings at once.
        # The taint engine joins that pass when it is quick (a small or unchanged text, or an edit the
        # incremental analysis moves): then everything is published once. Otherwise a deep pass (the
        # full taint analysis, bandit when asked: tens to hundreds of ms of Python) follows; after a
        # change it waits for a pause first, so typing cancels it before it starts instead of leaving
        # a thread that cannot be stopped.
        deep_ran = False
        result = None
        for deep in (False, True):
            if deep and result is not None and not (bandit or result.data.get("taint_deferred")):
                break  # the first pass had every engine
            if deep and change:
                await asyncio.sleep(max(self.debounce_ms(), DEEP_PAUSE_MS) / 1000)
            async with self.slots():
                if documents.version(uri) != snap.version:
                    return  # changed while queued: the newer review will run instead
                taint: bool | str = True if deep else "quick"
                result = await services.agents.run(
                    reviewer[0],
                    AgentRequest(
                        reviewer[1].name, doc=snap, args={"bandit": deep and bandit, "taint": taint, "warm": True}
                    ),
                    user_requested=False,
                    answer_first=True,  # the task row and memory write follow the publish
                )
            if documents.version(uri) != snap.version:
                return  # stale: a newer change has its own review coming
            if not result.ok:
                log.warning("review of %s failed: %s", uri, result.error)
                self.session.log_to_client(f"ZombieCoder review of {uri} failed: {result.error}")
                return
            for problem in result.data.get("errors") or []:
                # An engine that could not run (a broken ruff config, bandit crashing): once per reason.
                if problem not in self.reported:
                    self.reported.add(problem)
                    self.session.show(f"ZombieCoder: {problem}", types.MessageType.Warning)
            lines = self.session.lines(snap.text)
            if len(result.findings) > 2:
                lines.lines  # noqa: B018 - split once now: each position would walk the text from its top (~12 ms)
            diags = [diagnostic(f, lines, snap.version, uri) for f in result.findings]
            self.set_source(uri, "review", diags, snap.version)
            if not deep:
                self.last_latency_ms = round((time.perf_counter() - started) * 1000, 1)
                if change:  # open and save run the cold engines
                    self.pacing.record_review(uri, self.last_latency_ms)
            deep_ran = deep
        if deep_ran:
            # A full analysis parsed the whole module (its AST is tens of MB on a large file); glibc
            # keeps freed pages mapped, which left the server ~20 MB bigger after every such review.
            await asyncio.to_thread(release_freed_memory)
        background = services.background
        tuner = getattr(background, "tuner", None)
        if tuner is not None and self.last_latency_ms is not None:
            tuner.record_request_latency("diagnostics", self.last_latency_ms)
        autofix = getattr(background, "autofix", None)
        if autofix is not None and result is not None and result.ok:
            # Classifies errors, logs them, and in `apply` mode fixes the safe ones (in its thread).
            self.suggestions[uri] = await asyncio.to_thread(autofix.observe_findings, snap, result.findings)

    def debounce_ms(self) -> int:
        """The longest wait after a change: the config value, or the tuner's longer one under load."""
        services = self.session.services
        settings = self.session.settings
        base = int(settings.diagnostics.debounce_ms) if settings else 300
        tuner = getattr(getattr(services, "background", None), "tuner", None)
        tuned = getattr(tuner, "debounce_ms", None)
        return max(base, int(tuned)) if tuned else base
