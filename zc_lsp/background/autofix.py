"""Auto-fix: notice errors (diagnostics, test failures, the server's own exceptions), classify
them, and offer or apply a fix.

`autofix.mode`: `off`; `suggest` (default) returns suggestions the LSP side turns into code
actions; `apply` applies what the repair engine fixes (syntax, imports, typos, lint: the Programming
agent's `fix_all`, the same use case as `zc fix` and the editor's Fix all, each fix verified) but
only in a trusted workspace, and still only suggests the rest. Each new detection, suggestion and fix is logged in tasks.db
(`autofix_events`) and the audit log, and counted in the status.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.background.classify import SAFE_KINDS, classify, classify_exception
from zc_lsp.background.store import TaskStore
from zc_lsp.background.textedits import apply_text_edits, write_file_edits
from zc_lsp.core.edit_guard import refuse_path
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import DocSnapshot, FileEdit, Finding, Span, TextEdit

log = logging.getLogger(__name__)

ApplyEdits = Callable[[list[FileEdit]], bool]
# What the repair engine fixes (each fix verified), so what `apply` mode applies through it.
REPAIRED_KINDS = frozenset({*SAFE_KINDS, "syntax_error"})


@dataclass
class Detection:
    kind: str
    message: str
    source: str  # diagnostics | tests | server
    path: Path | None = None
    line: int | None = None
    code: str | None = None
    detail: str | None = None  # the module name for imports and dependencies
    safe: bool = False


@dataclass
class Suggestion:
    """A fix to offer: ready `edits`, or an agent action the LSP side runs on resolve."""

    title: str
    detection: Detection
    edits: list[TextEdit] = field(default_factory=list)
    agent: str | None = None
    action: str | None = None
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        d = self.detection
        return {
            "title": self.title,
            "kind": d.kind,
            "path": str(d.path) if d.path else None,
            "line": d.line,
            "code": d.code,
            "agent": self.agent,
            "action": self.action,
            "edits": len(self.edits),
            "applied": self.applied,
        }


class AutoFixer:
    def __init__(
        self,
        services: Any,
        db: TaskStore,
        *,
        apply_edits: ApplyEdits | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.services = services
        self.db = db
        self.apply_edits = apply_edits or write_file_edits
        self.on_change = on_change
        self.counts: dict[str, Any] = {"detected": 0, "suggested": 0, "fixed": 0, "failed": 0, "by_kind": {}}
        self.failing_tests = 0
        self._seen: dict[str, set[tuple[Any, ...]]] = {}
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        return str(self.services.settings.get("autofix.mode", "suggest"))

    # -- observations (blocking: call from a worker thread or via asyncio.to_thread) ------------
    def observe_findings(self, doc: DocSnapshot, findings: list[Finding]) -> list[Suggestion]:
        """The latest diagnostics of one document; only new errors are logged and counted."""
        detections = []
        for f in findings:
            fixable = bool(f.fix) or bool(f.data.get("fixable"))
            if f.severity != "error" and not fixable:
                continue
            kind, detail = classify(f.message, f.code, f.engine or f.source, fixable=fixable)
            if kind is None:
                continue
            detections.append(
                Detection(
                    kind, f.message, "diagnostics", doc.path, f.span.start_line, f.code, detail, kind in REPAIRED_KINDS
                )
            )
        return self._handle(str(doc.path or doc.uri), detections, doc)

    def observe_test_results(self, result: AgentResult | dict[str, Any]) -> list[Suggestion]:
        data = result.data if isinstance(result, AgentResult) else result
        failures = list(data.get("failures") or [])
        self.failing_tests = len(failures) or int(data.get("failed") or 0)
        detections = []
        for fail in failures:
            message = f"{fail.get('test', '?')}: {fail.get('message', '')}".strip()
            kind, detail = classify(str(fail.get("message", "")), None, "pytest")
            detections.append(
                Detection(
                    kind or "failing_test",
                    message,
                    "tests",
                    Path(fail["file"]) if fail.get("file") else None,
                    fail.get("line"),
                    None,
                    detail,
                    False,
                )
            )
        return self._handle("tests", detections, None)

    def observe_exception(self, exc: BaseException, where: str = "server") -> list[Suggestion]:
        kind, detail = classify_exception(exc)
        detection = Detection(
            kind, f"{where}: {type(exc).__name__}: {exc}", "server", code=type(exc).__name__, detail=detail
        )
        return self._handle(f"server:{where}", [detection], None, replace=False)

    # -- resolution ----------------------------------------------------------------------------
    def _handle(
        self, scope: str, detections: list[Detection], doc: DocSnapshot | None, replace: bool = True
    ) -> list[Suggestion]:
        if self.mode == "off":
            return []
        keys = {(d.kind, d.line, d.message, d.code): d for d in detections}
        with self._lock:
            before = self._seen.get(scope, set())
            self._seen[scope] = set(keys) if replace else before | set(keys)
        new = [d for k, d in keys.items() if k not in before]
        for d in new:
            self._count("detected", d.kind)
            self._event(d, "detected", "")
        suggestions = [self._suggest(d, doc) for d in detections]
        fresh = {id(d) for d in new}
        for s in suggestions:
            if id(s.detection) in fresh:
                self._count("suggested")
                self._event(s.detection, "suggested", s.title)
        if self.mode == "apply" and doc is not None:
            self._apply(suggestions, doc, fresh)
        if new and self.on_change is not None:
            self.on_change()
        return suggestions

    def _suggest(self, d: Detection, doc: DocSnapshot | None) -> Suggestion:
        # the repair engine's fixes, computed when asked for (the editor's quick fix resolves them)
        if d.kind == "missing_import" and d.detail:
            return Suggestion(f"Repair `{d.detail}` (missing import or typo), verified", d, **self._target("quick_repair"))
        if d.kind == "syntax_error":
            return Suggestion(f"Repair the syntax error, verified: {d.message[:60]}", d, **self._target("quick_repair"))
        if d.kind == "autofixable_lint":
            return Suggestion("Fix all (ZombieCoder): verified repair", d, **self._target("fix_all"))
        if d.kind == "missing_dependency":
            name = (d.detail or "the package").split(".")[0]
            return Suggestion(f"Install the missing package: pip install {name}", d)
        if d.kind == "config_error":
            return Suggestion(f"Fix the configuration: {d.message}", d)
        return Suggestion(f"Fix with AI: {d.message[:80]}", d, **self._target("fix_ai"))

    def _target(self, use: str) -> dict[str, str | None]:
        agent, action = self._serving(use)
        return {"agent": agent, "action": action}

    def _serving(self, use: str) -> tuple[str | None, str | None]:
        """(agent, action) serving the use case, from the registry; (None, None) when nothing installed does."""
        try:
            return self.services.registry.serving(use)
        except LookupError:
            return None, None

    def _apply(self, suggestions: list[Suggestion], doc: DocSnapshot, fresh: set[int]) -> None:
        safe = [s for s in suggestions if s.detection.safe and id(s.detection) in fresh]
        if not safe:
            return
        if self.services.trusted is not True:
            for s in safe:
                self._event(s.detection, "skipped", "apply needs a trusted workspace")
            return
        # The one repair use case (the CLI's `zc fix` and the editor's Fix all run it too): every fix
        # in it was verified, and in this trusted workspace the covering tests ran in the sandbox.
        agent, action = self._serving("fix_all")
        if agent is None or action is None:
            self._finish(safe, False, "fix_all", "no installed agent repairs code (see zc doctor)")
            return
        result = _run_sync(self.services.agents.run(agent, AgentRequest(action, doc), user_requested=False))
        edits = [e for fe in result.edits if fe.path == doc.path for e in fe.edits]
        if not result.ok or not edits:
            self._finish(safe, False, f"{agent}/{action}", result.error or result.summary or "no edit produced")
            return
        text = apply_text_edits(doc.text, edits)
        if text == doc.text or doc.path is None:
            return
        if self.apply_edits is write_file_edits and _disk_text(doc.path) != doc.text:
            self._finish(safe, False, "", "the file changed on disk after it was checked")
            return
        lines = doc.text.split("\n")
        whole = TextEdit(Span(0, 0, len(lines) - 1, len(lines[-1])), text)
        ok = self._try_apply([FileEdit(doc.path, [whole], base_version=doc.version)])
        how = f"repair ({result.agent}/{result.action}): {result.data.get('verification') or result.summary}"
        self._finish(safe, ok, how[:500])

    def _try_apply(self, edits: list[FileEdit]) -> bool:
        if self.apply_edits is write_file_edits:  # no editor: the path half of the edit guard is ours to ask
            root = self.services.workspace_root
            for fe in edits:
                if why := refuse_path(root, fe.path):
                    log.warning("auto-fix not written to %s: %s", fe.path, why)
                    return False
        try:
            return bool(self.apply_edits(edits))
        except Exception:
            log.exception("auto-fix edit could not be applied")
            return False

    def _finish(self, suggestions: list[Suggestion], ok: bool, how: str, why: str = "") -> None:
        for s in suggestions:
            s.applied = ok
            self._count("fixed" if ok else "failed")
            self._event(s.detection, "fixed" if ok else "failed", why or how)
            self._audit("edit_applied" if ok else "fix_failed", s, how)

    # -- bookkeeping ---------------------------------------------------------------------------
    def _count(self, what: str, kind: str | None = None) -> None:
        with self._lock:
            self.counts[what] += 1
            if kind:
                self.counts["by_kind"][kind] = self.counts["by_kind"].get(kind, 0) + 1

    def _event(self, d: Detection, event: str, detail: str) -> None:
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO autofix_events (ts, kind, event, source, path, line, message,"
                    " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        time.time(),
                        d.kind,
                        event,
                        d.source,
                        str(d.path) if d.path else None,
                        d.line,
                        d.message[:1000],
                        detail[:1000],
                    ),
                )
        except Exception:
            log.exception("could not record an auto-fix event")
        if event == "detected":
            self._audit("detected", None, d.kind, d)

    def _audit(self, event: str, s: Suggestion | None, how: str, d: Detection | None = None) -> None:
        d = d or (s.detection if s else None)
        audit = getattr(getattr(self.services, "memory", None), "audit", None)
        if audit is None or d is None:
            return
        try:
            audit.append(
                "autofix",
                event=event,
                error_kind=d.kind,
                path=str(d.path) if d.path else None,
                line=d.line,
                code=d.code,
                how=how,
                mode=self.mode,
            )
        except Exception:
            log.exception("could not write the auto-fix audit entry")

    def events(self, limit: int = 50) -> list[dict[str, Any]]:
        from zc_lsp.background.store import as_dicts

        return as_dicts(self.db.read().execute("SELECT * FROM autofix_events ORDER BY id DESC LIMIT ?", (limit,)))

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "mode": self.mode,
                "detected": self.counts["detected"],
                "suggested": self.counts["suggested"],
                "fixed": self.counts["fixed"],
                "failed": self.counts["failed"],
                "by_kind": dict(self.counts["by_kind"]),
                "failing_tests": self.failing_tests,
            }


def _disk_text(path: Path) -> str | None:
    try:
        return read_text_bounded(path)
    except (OSError, UnicodeDecodeError):
        return None


def _run_sync(coro: Any) -> Any:
    """Run an agent call from a worker thread on a private loop (never the LSP loop)."""
    return asyncio.run(coro)
