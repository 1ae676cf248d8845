"""Model-powered code actions: Implement this, Refactor / Optimise selection, Fix with AI.

Listing is cheap and never calls a model: a regex on the cursor line and the next, the selection,
the diagnostics the client sent, and the router's status for the title ("(ollama/qwen2.5-coder:7b)").
They are listed only when at least one model provider is enabled. The model call, the validation
and the Verifier run happen in `codeAction/resolve`, with `$/progress` showing the streamed reply;
the edit carries a change annotation "verified: N tests pass (provider/model)".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.handlers.code_actions import cached_lines
from zc_lsp.handlers.convert import Lines, snapshot
from zc_lsp.handlers.edits import audit, offered_edit
from zc_lsp.handlers.progress import Progress

log = logging.getLogger(__name__)
ANNOTATION_ID = "zc-model-edit"


def model_agent(ls: Any) -> str | None:
    """The agent whose model edits are listed here (it declares the `implement` resolver)."""
    found = ls.registry.by_resolver("implement")
    return found[0] if found is not None else None


def _wanted(only: list[str] | None, kind: str) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _range_json(rng: types.Range) -> dict[str, Any]:
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}


def _range_from(data: Any) -> types.Range | None:
    try:
        return types.Range(
            start=types.Position(line=int(data["start"]["line"]), character=int(data["start"]["character"])),
            end=types.Position(line=int(data["end"]["line"]), character=int(data["end"]["character"])),
        )
    except (KeyError, TypeError, ValueError):
        return None


def first_model(ls: Any, role: str | None = None) -> str | None:
    """"ollama/qwen2.5-coder:7b" the router would try first; "offline: ..." when none fits; None = do not list.

    Reads `router.status()` and the config only: no network, cheap enough for every listing.
    """
    services = getattr(ls, "services", None)
    router = getattr(services, "router", None) if services is not None else None
    role = role or model_agent(ls)
    if services is None or router is None or role is None:
        return None
    try:
        status = router.status()
        chain = router.chain_for(role)
    except Exception:  # a broken router must not break the other code actions
        log.exception("router status unavailable for code action titles")
        return None
    enabled = {s["name"]: s for s in status if s.get("enabled")}
    if not enabled:
        return None
    tripped = False
    for name in chain:
        entry = enabled.get(name)
        if entry is None:
            continue
        if entry.get("breaker") == "open" or entry.get("healthy") is False:
            tripped = True  # known down (breaker open, refused connection): name the next one, or say so
            continue
        models = services.settings.get(f"providers.{name}.models") or {}
        model = (models.get(role) or models.get("default")) if isinstance(models, dict) else None
        return f"{name}/{model or entry.get('model') or '?'}"
    return "offline: models unreachable" if tripped else "offline: no model configured"


def stub_at(lines: list[str], line: int) -> bool:
    """A stub on the cursor line or the next one (the body under a `def` line)."""
    from zc_lsp.agents.modelwork.source import is_stub_line  # deferred: start-up time is the editor's

    return any(0 <= n < len(lines) and is_stub_line(lines[n].rstrip("\r\n")) for n in (line, line + 1))


def list_model_actions(ls: Any, actions: list[types.CodeAction], params: types.CodeActionParams,
                       data: dict[str, Any], only: list[str] | None) -> None:
    label = first_model(ls)
    if label is None:
        return
    suffix = f" ({label})"
    rng = params.range
    base = {**data, "range": _range_json(rng)}
    rewrite = types.CodeActionKind.RefactorRewrite
    if _wanted(only, rewrite):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        if stub_at(cached_lines(ls, doc), rng.start.line):
            actions.append(types.CodeAction(title=f"ZombieCoder: Implement this{suffix}", kind=rewrite,
                                            data={**base, "action": "implement"}))
        if rng.start != rng.end:
            for key, title in (("refactor", "Refactor selection"), ("optimise", "Optimise selection")):
                actions.append(types.CodeAction(title=f"ZombieCoder: {title}{suffix}", kind=rewrite,
                                                data={**base, "action": key}))
    if _wanted(only, types.CodeActionKind.QuickFix):
        for diag in params.context.diagnostics:
            code = str(diag.code) if diag.code is not None else ""
            name = code or (diag.message.splitlines() or [""])[0][:40]
            actions.append(types.CodeAction(
                title=f"ZombieCoder: Fix with AI: {name}{suffix}", kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                data={**data, "action": "fix_ai", "range": _range_json(diag.range), "code": code,
                      "message": diag.message, "source": diag.source or ""},
            ))


def annotate(edit: types.WorkspaceEdit, label: str, description: str) -> types.WorkspaceEdit:
    """Attach one change annotation ("verified: 3 tests pass (ollama/...)") to every text edit."""
    edit.change_annotations = {
        ANNOTATION_ID: types.ChangeAnnotation(label=label, needs_confirmation=False, description=description[:500])
    }
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            change.edits = [
                types.AnnotatedTextEdit(range=e.range, new_text=e.new_text, annotation_id=ANNOTATION_ID)
                if isinstance(e, types.TextEdit) else e
                for e in change.edits
            ]
    return edit


async def resolve_model_action(ls: Any, kind: str, action: types.CodeAction, data: dict[str, Any]) -> types.CodeAction:
    services = ls.services
    uri = data.get("uri")
    rng = _range_from(data.get("range"))
    if services is None or not isinstance(uri, str) or rng is None:
        return action
    doc = ls.workspace.get_text_document(uri)
    if data.get("version") is not None and doc.version != data.get("version"):
        ls.show("ZombieCoder: the document changed since this action was offered; ask for it again.",
                types.MessageType.Info)
        return action
    snap = snapshot(doc)
    span = Lines(snap.text, ls.features["diagnostics"]._encoding()).span(rng)
    agent, declared = ls.registry.by_resolver(kind)
    agent_action = declared.name
    args: dict[str, Any] = {k: data[k] for k in ("code", "message", "source") if k in data}
    async with Progress(ls.session, declared.progress or declared.name) as progress:
        result: AgentResult = await services.agents.run(
            agent, AgentRequest(agent_action, doc=snap, span=span, args=args),
            progress=progress.report, cancel=progress.cancel, on_token=progress.stream,
        )
    edit = offered_edit(ls, result)
    if edit is None:
        return action
    label = f"{result.data.get('verification') or 'not verified'} ({result.provenance or 'offline'})"
    action.edit = annotate(edit, label, result.summary)
    await asyncio.to_thread(audit, services, "edit_offered", agent=agent, action=agent_action, provider=result.provider, model=result.model,
          verified=bool(result.data.get("verified")), files=[str(e.path) for e in result.edits])
    return action


def register(ls: Any) -> None:
    ls.features["model_actions"] = lambda actions, params, data, only: list_model_actions(
        ls, actions, params, data, only
    )

    def resolver(kind: str) -> Any:
        async def resolve(action: types.CodeAction, data: dict[str, Any]) -> types.CodeAction:
            return await resolve_model_action(ls, kind, action, data)

        return resolve

    kinds = [a.resolves for _, a in ls.registry.actions() if a.model and a.resolves]
    ls.features["model_resolvers"] = {kind: resolver(kind) for kind in kinds}
