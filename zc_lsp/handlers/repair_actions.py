"""The repair code actions (issue 14): "Fix all (ZombieCoder)" and a quick fix per repairable diagnostic.

Both are the Programming agent's one repair use case (`fix_all`, or `quick_repair` focused on one
diagnostic), the same `zc fix` and background auto-fix run. Listing stays cheap (no parsing, no
agent): the repair runs in `codeAction/resolve`, its edit goes through the one edit guard
(`offered_edit`: paths, and the document version the repair was computed on), and the edit carries
a change annotation saying how it was verified. A repair that was held back is offered as no edit:
the action comes back disabled with the reason (and later listings of that version show it
disabled where the client renders `disabled`, else leave it out).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.agents.base import AgentRequest
from zc_lsp.core.types import Span
from zc_lsp.handlers.edits import audit, offered_edit

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)

REPAIR_KINDS = ("fix_all", "quick_repair", "model_repair")
SYNTAX = frozenset({"invalid-syntax", "E999", "syntax-error"})
# what `quick_repair` knows: syntax errors, undefined names (imports, typos) and the lint fixes
REPAIRABLE = SYNTAX | {"F821", "F401", "F541", "F632", "F841", "E711", "E712", "E713", "E714"}
ANNOTATION = "zombiecoder.repair"
UNVERIFIED_TAIL = "verified before it is offered"


def _remember(session: Session, key: tuple[Any, ...], outcome: tuple[bool, str]) -> None:
    """Keep outcomes of the live version only: older versions' answers are of no use."""
    cache = session.repair_outcomes
    for old in [k for k in cache if k[0] == key[0] and k[1] != key[1]]:
        del cache[old]
    cache[key] = outcome


def _key(uri: str, version: Any, kind: str, line: int, code: str) -> tuple[Any, ...]:
    return (uri, version, kind, line if kind == "quick_repair" else -1, code)


def _listed(session: Session, title: str, kind: str, key: tuple[Any, ...], **kw: Any) -> types.CodeAction | None:
    """The action with what is known about its version: its label, or disabled with the reason."""
    known = session.repair_outcomes.get(key)
    if known is None:
        return types.CodeAction(title=f"ZombieCoder: {title} ({UNVERIFIED_TAIL})", kind=kind, **kw)
    held, text = known
    if not held:
        return types.CodeAction(title=f"ZombieCoder: {title} ({text})", kind=kind, **kw)
    if not session.caps.code_action_disabled:
        return None  # a held-back repair is never offered as something to apply
    kw.pop("data", None)
    return types.CodeAction(
        title=f"ZombieCoder: {title}", kind=kind, disabled=types.CodeActionDisabled(reason=text), **kw
    )


def quick_fixes(session: Session, doc: TextDocument, diags: list[types.Diagnostic]) -> list[types.CodeAction]:
    """One "Repair" quick fix per diagnostic the repair engine knows, computed in resolve."""
    out = []
    for diag in diags:
        code = str(diag.code) if diag.code is not None else ""
        computed_on = diag.data.get("version") if isinstance(diag.data, dict) else None
        if code not in REPAIRABLE or (computed_on is not None and computed_on != doc.version):
            continue  # a diagnostic of an older text points at the wrong line
        line = diag.range.start.line
        data = {"uri": doc.uri, "version": doc.version, "line": line, "action": "quick_repair", "code": code}
        what = "syntax error" if code in SYNTAX else code
        title = f"Repair {what}: {diag.message.splitlines()[0][:60]}"
        action = _listed(
            session,
            title,
            types.CodeActionKind.QuickFix,
            _key(doc.uri, doc.version, "quick_repair", line, code),
            diagnostics=[diag],
            data=data,
            is_preferred=code in SYNTAX or None,
        )
        if action is not None:
            out.append(action)
    return out


def fix_all(session: Session, doc: TextDocument, kind: str, data: dict[str, Any]) -> types.CodeAction | None:
    key = _key(doc.uri, doc.version, "fix_all", -1, "")
    return _listed(session, "Fix all (ZombieCoder)", kind, key, data={**data, "action": "fix_all"})


def model_repair(
    session: Session, doc: TextDocument, data: dict[str, Any], only: list[str] | None
) -> list[types.CodeAction]:
    """The model entry ("Repair this function with a model") when the cursor is in a function and a model can answer."""
    from zc_lsp.handlers.model_actions import model_choice

    kind = types.CodeActionKind.RefactorRewrite
    if "def_line" not in data or (only and not any(kind == o or kind.startswith(o + ".") for o in only)):
        return []
    choice = model_choice(session, doc.uri)
    if choice is None or choice.label is None:
        return []  # the quiet-menus rule: no model, no model entries (model_actions says why once)
    title = f"Repair this function with a model ({choice.label})"
    key = _key(doc.uri, doc.version, "model_repair", -1, "")
    action = _listed(session, title, kind, key, data={**data, "line": data["def_line"], "action": "model_repair"})
    return [action] if action is not None else []


def _disable(session: Session, action: types.CodeAction, reason: str) -> types.CodeAction:
    action.edit = None
    action.disabled = types.CodeActionDisabled(reason=reason)
    session.show(f"ZombieCoder: {reason}", types.MessageType.Info)
    return action


def annotate(session: Session, edit: types.WorkspaceEdit, label: str, summary: str) -> None:
    """Mark the text edits with a change annotation saying how they were verified (clients that take it)."""
    if not session.caps.change_annotations or not edit.document_changes:
        return
    for change in edit.document_changes:
        if isinstance(change, types.TextDocumentEdit):
            change.edits = [
                types.AnnotatedTextEdit(range=e.range, new_text=e.new_text, annotation_id=ANNOTATION)
                if isinstance(e, types.TextEdit)
                else e
                for e in change.edits
            ]
    edit.change_annotations = {
        ANNOTATION: types.ChangeAnnotation(label=label, needs_confirmation=False, description=summary[:500])
    }


async def resolve(session: Session, action: types.CodeAction, data: dict[str, Any]) -> types.CodeAction:
    """Run the repair on the document as offered; refuse when it changed since it was listed."""
    kind = str(data.get("action"))
    uri = data.get("uri")
    if not isinstance(uri, str):
        return action
    services = await session.wait_ready_for(uri)
    snap = session.documents.snapshot(uri)
    offered = data.get("version")
    if offered is not None and snap.version != offered:
        return _disable(
            session,
            action,
            f"the document changed since this fix was offered (version {offered}, now {snap.version}); ask again",
        )
    line = int(data.get("line", 0))
    code = str(data.get("code") or "")
    args: dict[str, Any] = {"code": code} if kind == "quick_repair" else {}
    agent_action = kind
    if kind == "model_repair":  # the same use case, focused on one function, with a model
        agent_action, args = "quick_repair", {"code": "model", "model": True}
    request = AgentRequest(agent_action, doc=snap, span=Span(line, 0, line, 0), args=args)
    found = session.registry.by_resolver(agent_action)  # the agent that declares the repair
    if found is None:
        return _disable(session, action, "no installed agent repairs code (see zc doctor)")
    agent = found[0]
    result = await services.agents.run(agent, request)
    key = _key(uri, snap.version, kind, line, code)
    if not result.ok:
        return _disable(session, action, result.error or "the repair failed")
    if not result.edits:
        held = result.data.get("verification") if result.data.get("held") else None
        reason = held or result.summary or "nothing to repair"
        _remember(session, key, (True, reason))
        return _disable(session, action, reason)
    label = str(result.data.get("verification") or "verified")
    edit = offered_edit(session, result)  # the one edit guard: paths, and the version it was computed on
    if edit is None:
        return action
    annotate(session, edit, label, result.summary)
    _remember(session, key, (False, label))
    action.edit = edit
    if UNVERIFIED_TAIL in action.title:
        action.title = action.title.replace(UNVERIFIED_TAIL, label)
    await asyncio.to_thread(
        audit,
        services,
        "edit_offered",
        agent=agent,
        action=kind,
        files=[str(e.path) for e in result.edits],
        verification=label,
    )
    return action
