"""The Best Practices agent's model review: extra findings from a model, cached by content hash.

The reply is untrusted: only a JSON list of {line, severity, code, message} is read, malformed
items are dropped, lines are clamped to the file. An unchanged file is never re-sent: the parsed
findings are kept in the agent's own memory (kind "ai_review", metadata {sha256}).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.engines.documents import remember
from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.modelwork.routing import ask, offline_note
from zc_lsp.core.types import DocSnapshot, Finding, Severity, Span
from zc_lsp.router.base import NoModelAvailable
from zc_lsp.router.parse import extract_json

log = logging.getLogger(__name__)
KIND = "ai_review"
SOURCE = "zombiecoder/ai"
MAX_ITEMS = 50
_SEVERITIES: dict[str, Severity] = {"error": "error", "warning": "warning", "info": "info", "hint": "hint",
                                    "critical": "error", "high": "error", "medium": "warning", "low": "info"}


@dataclass
class ModelReview:
    findings: list[Finding] = field(default_factory=list)
    provider: str | None = None
    model: str | None = None
    cached: bool = False
    note: str = ""  # why there are no model findings (offline), for the summary
    dropped: int = 0

    @property
    def provenance(self) -> str:
        if not self.provider:
            return "offline"
        return f"{self.provider}/{self.model}" + (" (cached)" if self.cached else "")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "finding"


def clean_items(value: Any, line_count: int) -> tuple[list[dict[str, Any]], int]:
    """Well-formed items with lines clamped to 1..line_count; (items, how many were dropped)."""
    if isinstance(value, dict):
        value = value.get("findings") or value.get("issues") or value.get("items") or []
    if not isinstance(value, list):
        return [], 0
    kept: list[dict[str, Any]] = []
    dropped = 0
    for item in value[: MAX_ITEMS * 2]:
        if not isinstance(item, dict):
            dropped += 1
            continue
        message = item.get("message")
        try:
            line = int(item.get("line"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            dropped += 1
            continue
        if not isinstance(message, str) or not message.strip():
            dropped += 1
            continue
        severity = _SEVERITIES.get(str(item.get("severity") or "warning").lower(), "warning")
        kept.append({
            "line": min(max(line, 1), max(line_count, 1)),
            "severity": severity,
            "code": slug(str(item.get("code") or message)),
            "message": " ".join(message.split())[:300],
        })
    return kept[:MAX_ITEMS], dropped


def to_findings(items: list[dict[str, Any]], text: str, provider: str | None, model: str | None) -> list[Finding]:
    lines = split_lines(text)
    out = []
    for item in items:
        row = item["line"] - 1
        content = lines[row] if row < len(lines) else ""
        span = Span(row, len(content) - len(content.lstrip()), row, len(content))
        out.append(Finding(span=span, severity=item["severity"], code=f"AI-{item['code']}", message=item["message"],
                           source=SOURCE, engine="model", data={"provider": provider, "model": model}))
    return out


def _numbered(text: str) -> str:
    return "\n".join(f"{n:>5} | {line}" for n, line in enumerate(split_lines(text), 1))


def _lookup(memory: Any, sha: str) -> dict[str, Any] | None:
    """The stored review of this exact content, from the agent's own memory."""
    candidates = list(memory.recall(sha, k=5)) + list(memory.recent(50, kind=KIND))
    for item in candidates:
        kind = getattr(item, "kind", None) or (item.get("kind") if isinstance(item, dict) else None)
        meta = getattr(item, "metadata", None)
        if meta is None and isinstance(item, dict):
            meta = item.get("metadata")
        if kind == KIND and isinstance(meta, dict) and meta.get("sha256") == sha:
            return meta
    return None


async def model_review(ctx: AgentContext, doc: DocSnapshot, rel: str, seen: dict[str, dict[str, Any]]) -> ModelReview:
    """Model findings for `doc`: from `seen` or memory when the content is unchanged, else from a model."""
    sha = content_hash(doc.text)
    meta = seen.get(sha)
    if meta is None and ctx.memory is not None:
        try:
            meta = await asyncio.to_thread(_lookup, ctx.memory, sha)
        except Exception:
            log.warning("could not read cached model reviews", exc_info=True)
    if meta is not None:
        seen[sha] = meta
        items = meta.get("items") or []
        return ModelReview(to_findings(items, doc.text, meta.get("provider"), meta.get("model")),
                           meta.get("provider"), meta.get("model"), cached=True)
    ctx.progress("asking a model to review", 60)
    try:
        reply = await ask(ctx, "review", role="best_practices", stream=False, language="python", path=rel,
                          code=_numbered(doc.text))
    except NoModelAvailable as exc:
        return ModelReview(note=offline_note(list(exc.attempts)) + " the model review was skipped; "
                           "the findings above come from the offline engines.")
    parsed = extract_json(reply.text)
    items, dropped = clean_items(parsed, len(split_lines(doc.text)))
    if parsed is None:
        return ModelReview(provider=reply.provider, model=reply.model, cached=reply.cached,
                           note=f"{reply.provenance} did not reply with a JSON list of findings; nothing was added.")
    meta = {"sha256": sha, "items": items, "provider": reply.provider, "model": reply.model}
    seen[sha] = meta
    await remember(ctx, KIND, f"model review sha256:{sha} of {rel}: {len(items)} findings", meta, doc.uri)
    note = f"{dropped} malformed item(s) from the model were dropped." if dropped else ""
    return ModelReview(to_findings(items, doc.text, reply.provider, reply.model), reply.provider, reply.model,
                       cached=reply.cached, note=note, dropped=dropped)
