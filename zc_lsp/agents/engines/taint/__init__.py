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
from zc_lsp.agents.engines.taint.model import KINDS, RawFinding
from zc_lsp.agents.engines.taint.parse import ParseFailure, parse_source
from zc_lsp.core.types import Finding, Span

log = logging.getLogger(__name__)
_CACHE_SIZE = 256  # reports by (content hash, name); a few hundred KB for a workspace of this size
_CACHE: OrderedDict[tuple[bytes, str], TaintReport] = OrderedDict()
_CACHE_LOCK = threading.Lock()  # reviews run the engine in worker threads

__all__ = ["ENGINE_VERSION", "TaintReport", "scan_taint", "taint_review", "to_finding"]

ENGINE = "taint"
ENGINE_VERSION = "2"  # bump when findings change for the same input: review caches key on it


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
    try:
        tree = parse_source(text, filename)
    except ParseFailure as exc:
        return TaintReport(problem=str(exc), problem_line=exc.line)
    except (ValueError, RecursionError) as exc:  # NUL bytes, absurd nesting
        return TaintReport(problem=str(exc))
    analysis = ModuleAnalysis(tree, stop=stop, text=text)
    try:
        analysis.run()
    except Stopped:
        return TaintReport(problem="stopped: the review was cancelled")
    except RecursionError:
        return TaintReport(problem="nesting too deep for the analysis")
    except Exception as exc:  # a bug here must cost this file's taint findings, not the whole review
        log.exception("taint engine failed on %s", filename)
        return TaintReport(problem=f"internal error ({type(exc).__name__}: {exc}); please report it")
    findings = [to_finding(raw) for raw in sorted(analysis.findings.values(), key=lambda r: (r.line, r.col, r.kind))]
    return TaintReport(findings=findings, verdicts=dict(analysis.verdicts))


def taint_review(
    text: str, name: str, failures: list[EngineParseFailure], stop: Callable[[], bool] | None = None
) -> TaintReport:
    """`scan_taint` for the reviews: a file it cannot read goes into `failures` (shown to the user).

    The same text is analysed once: open, save and a workspace review of an unchanged file reuse the
    result (the findings handed out are copies; callers add ids and paths to them).
    """
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), name)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is not None:
        report = copy.deepcopy(cached)
    else:
        report = scan_taint(text, name, stop)
        if report.problem is None or report.problem_line is not None:  # not stopped, not an internal error
            with _CACHE_LOCK:
                _CACHE[key] = copy.deepcopy(report)
                while len(_CACHE) > _CACHE_SIZE:
                    _CACHE.popitem(last=False)
    if report.problem is not None and not (stop is not None and stop()):
        failures.append(EngineParseFailure(name, ENGINE, report.problem, report.problem_line))
    return report


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
