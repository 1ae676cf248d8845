"""Model-powered code actions: Implement this, Refactor / Optimise selection, Fix with AI.

Listing is cheap and never calls a model: a regex on the cursor line and the next, the selection,
the diagnostics the client sent, and the router's status for the title ("(ollama/qwen2.5-coder:7b)").
They are listed only when a model is reachable; when none is, one disabled entry says why (for
clients that show `CodeAction.disabled`), else nothing. The model call, the validation
and the Verifier run happen in `codeAction/resolve`, with `$/progress` showing the streamed reply;
the edit carries a change annotation "verified: N tests pass (provider/model)".
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.handlers.edits import audit, offered_edit
from zc_lsp.handlers.progress import Progress

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)
ANNOTATION_ID = "zc-model-edit"


def model_agent(session: Session) -> str | None:
    """The agent whose model edits are listed here (it declares the `implement` resolver)."""
    found = session.registry.by_resolver("implement")
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


@dataclass(frozen=True)
class ModelChoice:
    """Who would answer a model action: a reachable model (listed), or why none can (one disabled entry)."""

    label: str | None = None  # "ollama/qwen2.5-coder:7b": the actions are listed with this in their titles
    reason: str | None = None  # no model can answer: shown as the disabled entry's reason


RECHECK_S = 10.0  # while no model is reachable, listings re-check reachability at most this often
_last_recheck: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()  # router -> monotonic time


def _recheck_soon(session: Session, services: Any) -> None:
    """A TCP reachability check in the background (no SDK, no tokens), at most every RECHECK_S per router."""
    router = services.router
    now = time.monotonic()
    if now - _last_recheck.get(router, -RECHECK_S) < RECHECK_S:
        return
    _last_recheck[router] = now

    async def recheck() -> None:
        await router.check_reachable()
        services.status.changed()

    job = recheck()
    try:
        session.spawn(job, name="provider reachability re-check")
    except RuntimeError:  # no running loop (a listing computed outside the server): nothing to schedule
        job.close()
        log.debug("no loop to re-check provider reachability on")


CHOICE_TTL_S = 0.5
_choices: dict[tuple[int, str], tuple[Any, float, ModelChoice | None]] = {}  # (folder, role) -> (services, at, choice)


def model_resolver_kinds(session: Session) -> set[str]:
    """The code-action kinds a model action of an installed agent resolves ("implement", "fix_ai" ...)."""
    return {a.resolves for _, a in session.registry.actions() if a.model and a.resolves}


def model_choice(session: Session, uri: str | None = None, role: str | None = None) -> ModelChoice | None:
    """The model the router would try first for the document's folder; None: no model work here at all.

    Reads `router.status()` and the config only: no network, cheap enough for every listing. A
    provider whose health is not known yet (no probe or call so far) counts as reachable; one
    known down (refused connection, breaker open) does not.
    """
    services = session.services_for(uri)
    router = services.router if services is not None else None
    role = role or model_agent(session)
    if services is None or router is None or role is None:
        return None
    # Listings run on every cursor move and the router's status is a dict per provider: reuse the
    # answer briefly (a provider's health changes on calls and probes, seconds apart).
    key = (id(services), role)
    now = time.monotonic()
    hit = _choices.get(key)
    if hit is not None and hit[0] is services and now - hit[1] < CHOICE_TTL_S:
        return hit[2]
    choice = _choose(session, services, router, role)
    if len(_choices) >= 64:  # folders come and go: never grows without bound
        _choices.clear()
    _choices[key] = (services, now, choice)
    return choice


def _choose(session: Session, services: Any, router: Any, role: str) -> ModelChoice | None:
    try:
        status = router.status()
        chain = router.chain_for(role)
    except Exception:  # a broken router must not break the other code actions
        log.exception("router status unavailable for code action titles")
        return None
    enabled = {s["name"]: s for s in status if s.get("enabled")}
    if not enabled:
        return None  # every model provider is off: the user chose offline, so nothing is listed
    down: list[str] = []
    for name in chain:
        entry = enabled.get(name)
        if entry is None:
            continue
        if entry.get("breaker") == "open" or entry.get("healthy") is False:
            why = str(entry.get("last_error") or "").split(" (", 1)[0]
            down.append(f"{name}: {why or ('circuit open' if entry.get('breaker') == 'open' else 'not reachable')}")
            continue
        models = services.settings.get(f"providers.{name}.models") or {}
        model = (models.get(role) or models.get("default")) if isinstance(models, dict) else None
        return ModelChoice(label=f"{name}/{model or entry.get('model') or '?'}")
    if down:
        _recheck_soon(session, services)  # a model started after the editor shows up within RECHECK_S
        return ModelChoice(reason=f"No model is reachable ({'; '.join(down)}). Start one, or see `zc doctor`.")
    return ModelChoice(reason="No enabled model provider is in the router chain for this action (router.chain).")


def first_model(session: Session, role: str | None = None, uri: str | None = None) -> str | None:
    """The title suffix: "ollama/qwen2.5-coder:7b", or None when no model can answer."""
    choice = model_choice(session, uri, role)
    return choice.label if choice is not None else None


def stub_at(lines: list[str], line: int) -> bool:
    """A stub on the cursor line or the next one (the body under a `def` line)."""
    from zc_lsp.agents.modelwork.source import is_stub_line  # deferred: start-up time is the editor's

    return any(0 <= n < len(lines) and is_stub_line(lines[n].rstrip("\r\n")) for n in (line, line + 1))


def list_model_actions(session: Session, actions: list[types.CodeAction], params: types.CodeActionParams,
                       data: dict[str, Any], only: list[str] | None) -> None:
    choice = model_choice(session, params.text_document.uri)
    if choice is None:
        return
    found: list[types.CodeAction] = []
    suffix = f" ({choice.label})"
    rng = params.range
    base = {**data, "range": _range_json(rng)}
    rewrite = types.CodeActionKind.RefactorRewrite
    if _wanted(only, rewrite):
        doc = session.documents.get(params.text_document.uri)
        if stub_at(session.documents.lines(doc), rng.start.line):
            found.append(types.CodeAction(title=f"ZombieCoder: Implement this{suffix}", kind=rewrite,
                                          data={**base, "action": "implement"}))
        if rng.start != rng.end:
            for key, title in (("refactor", "Refactor selection"), ("optimise", "Optimise selection")):
                found.append(types.CodeAction(title=f"ZombieCoder: {title}{suffix}", kind=rewrite,
                                              data={**base, "action": key}))
    if _wanted(only, types.CodeActionKind.QuickFix):
        for diag in params.context.diagnostics:
            code = str(diag.code) if diag.code is not None else ""
            name = code or (diag.message.splitlines() or [""])[0][:40]
            found.append(types.CodeAction(
                title=f"ZombieCoder: Fix with AI: {name}{suffix}", kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                data={**data, "action": "fix_ai", "range": _range_json(diag.range), "code": code,
                      "message": diag.message, "source": diag.source or ""},
            ))
    if choice.label is not None:
        actions.extend(found)
    elif found and session.caps.code_action_disabled:
        # No model can answer: one greyed entry that says why, not one dead entry per finding.
        actions.append(types.CodeAction(title="ZombieCoder: AI actions (no model reachable)", kind=found[0].kind,
                                        disabled=types.CodeActionDisabled(reason=choice.reason or "no model")))


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


async def resolve_model_action(session: Session, kind: str, action: types.CodeAction,
                               data: dict[str, Any]) -> types.CodeAction:
    uri = data.get("uri")
    services = session.services_for(uri if isinstance(uri, str) else None)
    rng = _range_from(data.get("range"))
    if services is None or not isinstance(uri, str) or rng is None:
        return action
    snap = session.documents.snapshot(uri)
    if data.get("version") is not None and snap.version != data.get("version"):
        session.show("ZombieCoder: the document changed since this action was offered; ask for it again.",
                types.MessageType.Info)
        return action
    span = session.lines(snap.text).span(rng)
    found = session.registry.by_resolver(kind)
    if found is None:
        return action  # the agent that offered it is gone (a plug-in removed since)
    agent, declared = found
    agent_action = declared.name
    args: dict[str, Any] = {k: data[k] for k in ("code", "message", "source") if k in data}
    async with Progress(session, declared.progress or declared.name) as progress:
        result: AgentResult = await services.agents.run(
            agent, AgentRequest(agent_action, doc=snap, span=span, args=args),
            progress=progress.report, cancel=progress.cancel, on_token=progress.stream,
        )
    edit = offered_edit(session, result)
    if edit is None:
        return action
    label = f"{result.data.get('verification') or 'not verified'} ({result.provenance or 'offline'})"
    action.edit = annotate(edit, label, result.summary)
    await asyncio.to_thread(audit, services, "edit_offered", agent=agent, action=agent_action, provider=result.provider, model=result.model,
          verified=bool(result.data.get("verified")), files=[str(e.path) for e in result.edits])
    return action
