"""The Best Practices review of what is not Python (config files, `.env`, templates), and the step
every review ends with: suppressions honoured, parse failures said, stable ids given.

Kept apart from `agent.py` so the Python engines and this path can change independently. Sensitive
files (`.env`, credentials) are read here, locally: this path never calls a model.
"""

from __future__ import annotations

import asyncio
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentResult
from zc_lsp.agents.engines.config_scan import config_kind, scan_config, scan_python_settings
from zc_lsp.agents.engines.documents import doc_name
from zc_lsp.agents.engines.finding_ids import assign_ids
from zc_lsp.agents.engines.parse_failure import ParseFailure, as_finding, still_unsaid
from zc_lsp.agents.engines.suppress import drop_suppressed
from zc_lsp.core.types import DocSnapshot, Finding
from zc_lsp.core.workspace import relative_to_root


def is_config_document(doc: DocSnapshot | None) -> bool:
    """True for a document the config engine reviews instead of ruff and bandit."""
    if doc is None or doc.language_id == "python" and (doc.path is None or doc.path.suffix in ("", ".py", ".pyi")):
        return False
    name = doc.path.name if doc.path is not None else doc.uri.rsplit("/", 1)[-1]
    return (doc.path is None or doc.path.suffix not in (".py", ".pyi")) and config_kind(
        name, doc.language_id
    ) is not None


def relative_name(doc: DocSnapshot, ctx: AgentContext) -> str:
    if doc.path is None:
        return doc.uri
    return relative_to_root(ctx.workspace_root, doc.path) or doc.path.name


def settings_scan(doc: DocSnapshot, failures: list[ParseFailure]) -> list[Finding]:
    """The settings checks on a Python document, as one more engine of the Python review (blocking)."""
    name = doc.path.name if doc.path is not None else "untitled.py"
    found, bad = scan_python_settings(doc.text, name)
    failures += [ParseFailure(name, "settings", b.reason, b.line) for b in bad]
    return found


def finish(findings: list[Finding], doc: DocSnapshot, ctx: AgentContext, failures: list[ParseFailure]) -> list[Finding]:
    """Drop suppressed ZC-* findings, add one information finding per unsaid parse failure, set ids."""
    kept = drop_suppressed(findings, doc.text)
    kept += [as_finding(f) for f in still_unsaid(failures, kept)]
    assign_ids(kept, doc.text, relative_name(doc, ctx))
    return kept


async def review_config_document(agent: str, doc: DocSnapshot, ctx: AgentContext) -> AgentResult:
    """Secrets and insecure settings in one config file or template (no model, no subprocess)."""
    limit = int(ctx.settings.diagnostics.max_file_bytes)
    if "\x00" in doc.text or len(doc.text.encode("utf-8", "surrogatepass")) > limit:
        reason = f"{doc_name(doc)} is binary or over the {limit / 1e6:.1f} MB limit, and was skipped."
        return AgentResult.failure(agent, "review", reason)
    ctx.cancel.check("before the config scan started")
    name = doc.path.name if doc.path is not None else doc.uri.rsplit("/", 1)[-1]
    found, bad = await asyncio.to_thread(scan_config, doc.text, str(doc.path or name), doc.language_id)
    failures = [ParseFailure(name, "config", b.reason, b.line) for b in bad]
    findings = finish(found, doc, ctx, failures)
    findings.sort(key=lambda f: (f.span.start_line, f.span.start_char, f.code))
    counts = {"config": sum(1 for f in findings if not f.data.get("parse_failure"))}
    lines = [f"**Review of {doc_name(doc)}**: {counts['config']} finding{'s' if counts['config'] != 1 else ''}"]
    lines += [f"\n{f.describe()}" for f in failures]
    data: dict[str, Any] = {
        "counts": counts,
        "errors": [],
        "syntax_error": False,
        "parse_failures": [f.as_row() for f in failures],
    }
    return AgentResult(
        ok=True,
        agent=agent,
        action="review",
        summary="\n".join(lines),
        data=data,
        findings=findings,
        provider="offline",
        model="config",
    )
