"""Best Practices over many saved files (a folder, a workspace): one ruff and one bandit run for all.

The per-document review is for the editor's buffers; this is for `zc review PATH...` and the
workspace review, where starting two tools per file would dominate the time.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.engines.batch_review import is_config_path, review_files
from zc_lsp.agents.engines.documents import refusal, ruff_options
from zc_lsp.agents.engines.proc import with_cancel_token
from zc_lsp.agents.engines.review_cache import open_cache
from zc_lsp.core.files import UnreadableFile, read_bounded
from zc_lsp.core.types import DocSnapshot


def _read(paths: list[str], ctx: AgentContext) -> tuple[dict[Path, str], list[str]]:
    """The files to review, and one plain reason per file that is skipped."""
    files: dict[Path, str] = {}
    skipped: list[str] = []
    limit = int(ctx.settings.diagnostics.max_file_bytes)
    for raw in paths:
        path = Path(raw)
        try:
            data = read_bounded(path, limit)  # a FIFO would block and /dev/zero never end: refused
        except UnreadableFile as exc:
            skipped.append(f"{path}: {exc}; skipped")
            continue
        except OSError as exc:
            skipped.append(f"{path}: cannot be read ({exc.strerror or exc})")
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            skipped.append(f"{path}: not UTF-8; skipped")
            continue
        # Config files and templates go to the config engine; refusal() is about Python files.
        reason = (
            binary_reason(text)
            if is_config_path(path)
            else refusal(DocSnapshot(uri=path.as_uri(), path=path, text=text), ctx)
        )
        if reason:
            skipped.append(f"{path}: {reason}")
            continue
        files[path] = text
    return files, skipped


def binary_reason(text: str) -> str | None:
    return "looks binary (it contains NUL bytes); skipped" if "\x00" in text else None


async def review_many(agent: str, request: AgentRequest, ctx: AgentContext) -> AgentResult:
    paths = request.args.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return AgentResult.failure(agent, request.action, "review_files needs `paths`: a list of file paths.")
    files, skipped = await asyncio.to_thread(_read, paths, ctx)
    if not files:
        return AgentResult.failure(
            agent,
            request.action,
            "Nothing to review: " + ("; ".join(skipped) or "no files"),
            data={"skipped": skipped, "files": 0},
        )
    ctx.progress(f"reviewing {len(files)} files", 5)
    cache = None
    if request.args.get("cache", True) and ctx.data_dir is not None:
        cache = await asyncio.to_thread(open_cache, ctx.data_dir)
    reviews, errors = await with_cancel_token(
        review_files(
            files,
            ruff_options(ctx),
            bandit=bool(request.args.get("bandit", ctx.settings.get("diagnostics.bandit_in_review", False))),
            secrets=bool(request.args.get("secrets", ctx.settings.diagnostics.secrets)),
            bandit_skip=tuple(ctx.settings.get("diagnostics.bandit_skip") or ()),
            progress=ctx.progress,
            cache=cache,
            settings_state=json.dumps(ctx.settings.get("diagnostics") or {}, sort_keys=True, default=str),
        ),
        ctx.cancel,
        f"review of {len(files)} files",
    )
    findings = [f for review in reviews.values() for f in review.findings]
    counts: dict[str, int] = {}
    for review in reviews.values():
        for name, n in review.counts.items():
            counts[name] = counts.get(name, 0) + n
    engines = "+".join(counts) or "none"
    summary = (
        f"Reviewed {len(files)} file(s) with {engines}: {len(findings)} finding(s)"
        + (f"; {len(skipped)} skipped" if skipped else "")
        + "."
        + "".join(f"\n- {e}" for e in errors)
    )
    data: dict[str, Any] = {
        "files": len(files),
        "skipped": skipped,
        "counts": counts,
        "errors": errors,
        "per_file": {str(p): len(r.findings) for p, r in reviews.items()},
        "parse_failures": [f.as_row() for r in reviews.values() for f in r.failures],
    }
    return AgentResult(
        ok=bool(counts),
        agent=agent,
        action=request.action,
        summary=summary,
        data=data,
        findings=findings,
        provider="offline",
        model=engines,
        error="; ".join(errors) if not counts else None,
    )
