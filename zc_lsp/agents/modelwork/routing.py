"""Asking the router from an agent, and labelling who answered.

Every model-backed result must say who produced it, and an offline answer must say why no model
did; these helpers keep that wording identical across the five agents.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentResult
from zc_lsp.agents.prompts import PromptError, render
from zc_lsp.router.base import ModelReply, ModelRequest, NoModelAvailable

log = logging.getLogger(__name__)
NO_ROUTER = "no model router in this context"


async def ask(
    ctx: AgentContext,
    template: str,
    *,
    role: str,
    stream: bool | None = None,
    max_tokens: int | None = None,
    temperature: float = 0.2,
    source: Path | None = None,
    **values: Any,
) -> ModelReply:
    """Render `template` and send it through the router for `role`.

    Raises NoModelAvailable (with the attempts) when no provider answered, or when there is no
    router or the template cannot be rendered: the caller's offline path handles all three alike.
    Streams to `ctx.on_token` when the caller wants tokens (stream None = whenever on_token is set).
    `source`: the file the code in `values` came from; like a `path` value, it must pass the
    sensitive-file gate before anything is rendered.
    """
    if ctx.router is None:
        raise NoModelAvailable([NO_ROUTER])
    named = str(values.get("path") or "").split(", from line")[0].strip()
    for origin in (source, ctx.workspace_root / named if named else None):
        if origin is None:  # sensitive files never become context; the offline engines still run locally
            continue
        from zc_lsp.core.sensitive import refuse_reason

        refused = refuse_reason(origin, ctx.workspace_root)
        if refused:
            raise NoModelAvailable([refused])
    try:
        rendered = render(template, ctx.settings, base_dir=ctx.workspace_root, **values)
    except PromptError as exc:
        log.warning("prompt %s cannot be rendered: %s", template, exc)
        raise NoModelAvailable([f"prompt template {template!r}: {exc}"]) from exc
    want_stream = bool(ctx.on_token) if stream is None else stream
    request = ModelRequest(
        role=role,
        prompt=rendered.prompt,
        system=rendered.system,
        max_tokens=max_tokens or int(ctx.settings.get("router.max_tokens", 2048) or 2048),
        temperature=temperature,
        stream=want_stream,
    )
    on_token = ctx.on_token if want_stream else None
    return await ctx.router.complete(request, on_token=on_token, cancel=ctx.cancel)


def attempts_of(exc: NoModelAvailable) -> list[str]:
    return list(exc.attempts)


NOTE_MAX = 160  # a one-line note before the answer; `zc doctor` and the status panel have the details


def _short_attempt(attempt: str) -> tuple[str, str]:
    """("ollama", "cannot connect to http://127.0.0.1:11434") from one router attempt line."""
    name, _, why = attempt.partition(": ")
    if "not allowed" in why:
        return name, "cloud not allowed"
    return name, why.split(" (", 1)[0].split(": ", 1)[0].strip() or "failed"


def offline_note(attempts: list[str]) -> str:
    """"No model answered (ollama: cannot connect to ...; openai, anthropic: cloud not allowed) — offline answer:".

    Short on purpose: each reason is cut at its hint, providers with the same reason share it.
    """
    if not attempts:
        return "No model provider is configured — offline answer:"
    grouped: dict[str, list[str]] = {}
    for attempt in attempts:
        name, why = _short_attempt(attempt)
        grouped.setdefault(why, []).append(name)
    reasons = "; ".join(f"{', '.join(names)}: {why}" for why, names in grouped.items())
    if len(reasons) > NOTE_MAX:
        reasons = reasons[: NOTE_MAX - 1].rstrip() + "…"
    return f"No model answered ({reasons}) — offline answer:"


def with_reply(result: AgentResult, reply: ModelReply) -> AgentResult:
    """Stamp a result with the reply's provenance (provider, model, cached, attempts)."""
    result.provider = reply.provider
    result.model = reply.model
    result.cached = reply.cached
    result.data.setdefault("attempts", list(reply.attempts))
    result.data.setdefault("provenance", reply.provenance)
    return result
