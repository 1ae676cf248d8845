"""The taint engine: untrusted data followed from sources to sinks within one Python module.

In-process and offline (the standard `ast`), fast enough for every keystroke. `scan_taint`
returns findings (each with its CWE and the source-to-sink path as related locations), the
per-line verdicts the precision filter uses to quiet pattern rules, and the reason when the file
could not be analysed (reported, never skipped in silence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zc_lsp.agents.engines.taint.engine import ModuleAnalysis
from zc_lsp.agents.engines.taint.model import KINDS, RawFinding
from zc_lsp.agents.engines.taint.parse import ParseFailure, parse_source
from zc_lsp.core.types import Finding, Span

__all__ = ["TaintReport", "scan_taint", "to_finding"]

ENGINE = "taint"


@dataclass
class TaintReport:
    """What the engine concluded about one file."""

    findings: list[Finding] = field(default_factory=list)
    verdicts: dict[tuple[int, str], str] = field(default_factory=dict)  # (0-based line, kind) -> vuln | safe
    problem: str | None = None  # why the file was not analysed


def scan_taint(text: str, filename: str = "<file>") -> TaintReport:
    """Analyse one module's text. Blocking and CPU-bound: run it through asyncio.to_thread."""
    try:
        tree = parse_source(text, filename)
    except ParseFailure as exc:
        return TaintReport(problem=f"taint engine could not parse {filename}: {exc}")
    except (ValueError, RecursionError) as exc:  # NUL bytes, absurd nesting
        return TaintReport(problem=f"taint engine could not parse {filename}: {exc}")
    analysis = ModuleAnalysis(tree)
    try:
        analysis.run()
    except RecursionError:
        return TaintReport(problem=f"taint engine gave up on {filename}: nesting too deep")
    findings = [to_finding(raw) for raw in sorted(analysis.findings.values(), key=lambda r: (r.line, r.col, r.kind))]
    return TaintReport(findings=findings, verdicts=dict(analysis.verdicts))


def to_finding(raw: RawFinding) -> Finding:
    code, cwe, severity, _what = KINDS[raw.kind]
    steps = [s for i, s in enumerate(raw.path) if i + 1 == len(raw.path) or raw.path[i + 1].line != s.line]
    related = [
        {"line": s.line, "character": s.col, "end_line": s.end_line, "end_character": s.end_col, "message": s.note}
        for s in steps
    ]
    return Finding(
        span=Span(raw.line, raw.col, raw.end_line, raw.end_col),
        severity="error" if severity == "error" else "warning",
        code=code,
        message=raw.message,
        engine=ENGINE,
        data={"cwe": raw.cwe or cwe, "related": related, "kind": raw.kind},
    )
