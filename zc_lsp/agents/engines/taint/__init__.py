"""The taint engine: untrusted data followed from sources to sinks within one Python module.

In-process and offline (the standard `ast`), fast enough for every keystroke. `scan_taint`
returns findings (each with its CWE and the source-to-sink path as related locations), the
per-line verdicts the precision filter uses to quiet pattern rules, and the reason when the file
could not be analysed (reported, never skipped in silence).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from zc_lsp.agents.engines.parse_failure import ParseFailure as EngineParseFailure
from zc_lsp.agents.engines.taint.engine import ModuleAnalysis, Stopped
from zc_lsp.agents.engines.taint.incremental import DocState, DocStates, advance, outline
from zc_lsp.agents.engines.taint.model import KINDS, RawFinding
from zc_lsp.agents.engines.taint.parse import ParseFailure, parse_source
from zc_lsp.core.types import Finding, Span

log = logging.getLogger(__name__)
_CACHE_SIZE = 256  # reports by (content hash, name); a few hundred KB for a workspace of this size
_CACHE: OrderedDict[tuple[bytes, str], TaintReport] = OrderedDict()
_CACHE_LOCK = threading.Lock()  # reviews run the engine in worker threads

__all__ = [
    "ENGINE_VERSION",
    "TaintReport",
    "forget_document",
    "scan_taint",
    "scan_taint_incremental",
    "taint_is_quick",
    "taint_review",
    "to_finding",
]

ENGINE = "taint"
ENGINE_VERSION = "10"  # bump when findings change for the same input: review caches key on it
_STATES = DocStates()  # per edited document: what the next edit is compared against (incremental.py)


@dataclass
class TaintReport:
    """What the engine concluded about one file."""

    findings: list[Finding] = field(default_factory=list)
    verdicts: dict[tuple[int, str], str] = field(default_factory=dict)  # (0-based line, kind) -> vuln | safe
    problem: str | None = None  # why the file was not analysed
    problem_line: int | None = None


def scan_taint(text: str, filename: str = "<file>", stop: Callable[[], bool] | None = None) -> TaintReport:
    """Analyse one module's text. Blocking and CPU-bound: run it through asyncio.to_thread.

    `stop()` is polled between functions: a cancelled review must not keep a thread busy (and the
    GIL held) after its task is gone; a stopped scan returns an empty report saying so.
    """
    return _full_scan(text, filename, stop)[0]


def _full_scan(text: str, filename: str, stop: Callable[[], bool] | None) -> tuple[TaintReport, DocState | None]:
    """The report, and the state an incremental analysis of the next edit starts from (lean modules
    that the plain parser reads; None otherwise)."""
    try:
        tree = parse_source(text, filename)
    except ParseFailure as exc:
        return TaintReport(problem=str(exc), problem_line=exc.line), None
    except (ValueError, RecursionError) as exc:  # NUL bytes, absurd nesting
        return TaintReport(problem=str(exc)), None
    analysis = ModuleAnalysis(tree, stop=stop, text=text)
    try:
        analysis.run()
    except Stopped:
        return TaintReport(problem="stopped: the review was cancelled"), None
    except RecursionError:
        return TaintReport(problem="nesting too deep for the analysis"), None
    except Exception as exc:  # a bug here must cost this file's taint findings, not the whole review
        log.exception("taint engine failed on %s", filename)
        return TaintReport(problem=f"internal error ({type(exc).__name__}: {exc}); please report it"), None
    raw = sorted(analysis.findings.values(), key=lambda r: (r.line, r.col, r.kind))
    report = TaintReport(findings=[to_finding(r) for r in raw], verdicts=dict(analysis.verdicts))
    state = None
    if analysis.lean and not getattr(tree, "requoted", False):
        state = DocState(text, analysis.lines, outline(tree), raw, dict(analysis.verdicts), analysis.aliases)
    return report, state


def scan_taint_incremental(
    text: str, doc_key: str, filename: str = "<file>", stop: Callable[[], bool] | None = None
) -> TaintReport:
    """`scan_taint` for a document being edited: the last result moved when the edit cannot change it
    (incremental.py says when), else a full analysis. The result is the same either way."""
    state = _STATES.get(doc_key)
    moved = advance(state, text) if state is not None and state.text != text else None
    if moved is not None:
        _STATES.put(doc_key, moved)
        raw = sorted(moved.raw, key=lambda r: (r.line, r.col, r.kind))
        return TaintReport(findings=[to_finding(r) for r in raw], verdicts=dict(moved.verdicts))
    if state is not None and state.text == text:
        raw = sorted(state.raw, key=lambda r: (r.line, r.col, r.kind))
        return TaintReport(findings=[to_finding(r) for r in raw], verdicts=dict(state.verdicts))
    report, fresh = _full_scan(text, filename, stop)
    if fresh is not None:
        _STATES.put(doc_key, fresh)
    # Otherwise the old state stays: its text's result is still known, and a text that does not parse
    # (typing passes through many) is usually one edit away from it.
    return report


def forget_document(doc_key: str) -> None:
    """The document closed: its incremental state goes."""
    _STATES.drop(doc_key)


def taint_review(
    text: str,
    name: str,
    failures: list[EngineParseFailure],
    stop: Callable[[], bool] | None = None,
    doc_key: str | None = None,
) -> TaintReport:
    """`scan_taint` for the reviews: a file it cannot read goes into `failures` (shown to the user).

    The same text is analysed once: open, save and a workspace review of an unchanged file reuse the
    result (the findings handed out are copies; callers add ids and paths to them). With `doc_key`
    (the editor's document) an edit is analysed incrementally when that is exact.
    """
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), name)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is not None:
        report = copy.deepcopy(cached)
    else:
        report = scan_taint(text, name, stop) if doc_key is None else scan_taint_incremental(text, doc_key, name, stop)
        if report.problem is None or report.problem_line is not None:  # not stopped, not an internal error
            with _CACHE_LOCK:
                _CACHE[key] = copy.deepcopy(report)
                while len(_CACHE) > _CACHE_SIZE:
                    _CACHE.popitem(last=False)
    if report.problem is not None and not (stop is not None and stop()):
        failures.append(EngineParseFailure(name, ENGINE, report.problem, report.problem_line))
    return report


def taint_is_quick(text: str, name: str, doc_key: str) -> bool:
    """Whether `taint_review` of this text would take a few ms: a cached text, or an edit the
    incremental analysis moves instead of analysing (the editor then skips its second pass)."""
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), name)
    with _CACHE_LOCK:
        if key in _CACHE:
            return True
    state = _STATES.get(doc_key)
    if state is None:
        return False
    if state.text == text:
        return True
    moved = advance(state, text)
    if moved is not None:
        _STATES.put(doc_key, moved)
    return moved is not None


def to_finding(raw: RawFinding) -> Finding:
    code, cwe, severity, _what = KINDS[raw.kind]
    steps = [s for i, s in enumerate(raw.path) if i + 1 == len(raw.path) or raw.path[i + 1].line != s.line]
    related = [
        {"line": s.line, "col": s.col, "end_line": s.end_line, "end_col": s.end_col, "note": s.note} for s in steps
    ]
    return Finding(
        span=Span(raw.line, raw.col, raw.end_line, raw.end_col),
        severity="error" if severity == "error" else "warning",
        code=code,
        message=raw.message,
        engine=ENGINE,
        data={"cwe": raw.cwe or cwe, "related": related, "kind": raw.kind},
    )
