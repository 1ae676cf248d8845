"""Turning agents' edits into edits a client can apply: workspace guard, client capabilities, audit.

Used by code actions (resolve), commands (zc.generate, zc.applyEdit) and auto-fix; one place decides
what an edit looks like on the wire and that it never leaves the workspace.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from zc_lsp.core.edit_guard import refuse_path
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import FileEdit, TextEdit
from zc_lsp.handlers.convert import Lines, path_to_uri, uri_to_path, workspace_edit

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from zc_lsp.agents.base import AgentResult
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)


def one_document_edit(session: Session, doc: TextDocument, lines: Lines, edits: list[TextEdit]) -> types.WorkspaceEdit:
    """Edits to one open document, versioned when the client takes documentChanges, else plain."""
    text_edits = [types.TextEdit(range=lines.range(e.span), new_text=e.new_text) for e in edits]
    if not session.caps.document_changes:
        return types.WorkspaceEdit(changes={doc.uri: text_edits})
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=identifier, edits=list(text_edits))]
    )


def offered_edit(session: Session, result: AgentResult) -> types.WorkspaceEdit | None:
    """The result's edits as a WorkspaceEdit, or None with the reason shown (failed, nothing, outside)."""
    if not result.ok:
        session.show(f"ZombieCoder: {result.error}", types.MessageType.Warning)
        return None
    if not result.edits:
        session.show(f"ZombieCoder: {result.summary or 'nothing to change'}", types.MessageType.Info)
        return None
    refused = guard_workspace_edits(session, result.edits)
    if refused:
        session.show(f"ZombieCoder refused an edit: {refused}", types.MessageType.Error)
        return None
    return to_workspace_edit(session, result.edits)


def guard_workspace_edits(session: Session, edits: list[FileEdit]) -> str | None:
    """The one edit guard: every path allowed (core/edit_guard.py) in the folder that holds it (else
    the first), and every edit computed on the text the document has now. The first refusal, or None."""
    for fe in edits:
        services = session.server.folders.for_path(Path(fe.path).absolute()) or session.services
        root = services.workspace_root if services is not None else session.root  # still starting: initialize's
        if root is None:
            return f"{fe.path}: ZombieCoder has no workspace folder yet"
        refused = guard_edits(root, [fe]) or stale_reason(session, fe)
        if refused:
            return refused
    return None


def guard_edits(root: Any, edits: list[Any]) -> str | None:
    """The path rules for edits under one root: "path: reason" for the first refused one, or None."""
    for fe in edits:
        why = refuse_path(root, fe.path)
        if why:
            return f"{fe.path}: {why}"
    return None


def stale_reason(session: Session, fe: FileEdit) -> str | None:
    """Why an edit no longer fits the document, or None.

    An edit computed on version 7 of an open document is refused when the document is at 8: it is
    never stamped with 8 (the client would apply it to lines the user has changed). An edit computed
    from the file on disk (no base version) fits an open document only while it has no unsaved changes.
    """
    uri = path_to_uri(fe.path)
    doc = session.documents.find(uri)
    name = Path(fe.path).name
    if fe.base_version is not None:
        if doc is None:
            return f"{name} was closed after the edit was computed (version {fe.base_version})"
        if doc.version != fe.base_version:
            return (f"{name} changed since the edit was computed (version {fe.base_version}, now {doc.version}); "
                    "ask again")
        return None
    if doc is None or fe.create:
        return None
    try:
        on_disk = read_text_bounded(fe.path, 200_000_000)
    except (OSError, UnicodeDecodeError) as exc:
        return f"{name} is open with changes and its file cannot be read ({type(exc).__name__})"
    if on_disk != doc.source:
        return f"{name} has unsaved changes and the edit was computed from the file on disk; save and ask again"
    return None


def to_workspace_edit(session: Session, edits: list[FileEdit]) -> types.WorkspaceEdit:
    """Edits the client can apply. A client that cannot create files gets them created empty first
    (inside the workspace: guard_edits ran before), then plain edits into them."""
    versions: dict[str, int | None] = {}
    texts: dict[str, str] = {}
    document_changes, can_create = session.caps.document_changes, session.caps.create_files
    for fe in edits:
        uri = path_to_uri(fe.path)
        if fe.create and not (document_changes and can_create):
            fe.path.parent.mkdir(parents=True, exist_ok=True)
            fe.path.touch(exist_ok=True)
            fe.create = False
        if fe.create:
            versions[uri] = None
            continue
        doc = session.documents.get(uri)
        # The guard ran: the live text is the text the edit was computed on (base version or disk).
        versions[uri] = fe.base_version if fe.base_version is not None else doc.version
        texts[uri] = doc.source
    return workspace_edit(edits, versions, session.caps.position_encoding, texts, document_changes)


def audit(services: Any, kind: str, **fields: Any) -> None:
    memory = services.memory
    if memory is None or getattr(memory, "degraded", None):
        return
    try:
        memory.audit.append(kind, **fields)
    except Exception:
        log.exception("audit write failed")


APPLY_TIMEOUT_S = 300.0  # the editor may ask the user to confirm; a client that never answers must not hang us


async def send_edit(session: Session, edit: types.WorkspaceEdit, label: str) -> bool:
    """workspace/applyEdit, waited for at most APPLY_TIMEOUT_S: True when the client applied it.

    Every caller's edit has passed the one guard already; this is only the round trip, bounded so a
    request of ours never waits forever on a client that does not answer server requests.
    """
    params = types.ApplyWorkspaceEditParams(edit=edit, label=label)
    try:
        result = await asyncio.wait_for(session.server.workspace_apply_edit_async(params), APPLY_TIMEOUT_S)
    except TimeoutError:
        log.warning("the editor did not answer workspace/applyEdit (%s) within %.0f s", label, APPLY_TIMEOUT_S)
        return False
    return bool(result and result.applied)


async def apply_ready_edit(session: Session, edit: types.WorkspaceEdit) -> dict[str, Any]:
    """`zc.applyEdit`: a ready WorkspaceEdit (from a Command-only listing or a front end), applied
    only when the one guard passes every part of it: text edits, creates, renames (both ends) and
    deletes, each inside its folder and on the version of the document it names."""
    if not (edit.changes or edit.document_changes):
        raise JsonRpcInvalidParams("zc.applyEdit got an empty WorkspaceEdit: nothing to apply")
    refused = ready_edit_refusal(session, edit)
    if refused:
        log.warning("zc.applyEdit refused: %s", refused)
        return {"ok": False, "applied": False, "error": f"refused: {refused}"}
    return {"ok": True, "applied": await send_edit(session, edit, "ZombieCoder")}


def ready_edit_refusal(session: Session, edit: types.WorkspaceEdit) -> str | None:
    """The first reason a ready WorkspaceEdit may not be applied, or None."""
    targets: list[tuple[str, int | None]] = [(uri, None) for uri in (edit.changes or {})]
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            targets.append((change.text_document.uri, change.text_document.version))
        elif isinstance(change, types.RenameFile):
            targets += [(change.old_uri, None), (change.new_uri, None)]
        elif isinstance(change, (types.CreateFile, types.DeleteFile)):
            targets.append((change.uri, None))
        else:
            return f"unknown document change {type(change).__name__}"
    for uri, version in targets:
        path = uri_to_path(uri)
        if path is None:
            return f"{uri}: not a file in the workspace"
        services = session.services_for(uri)  # multi-root: the folder that holds it
        root = services.workspace_root if services is not None else session.root
        if root is None:
            return f"{uri}: ZombieCoder has no workspace folder yet"
        why = refuse_path(root, path)
        if why:
            return f"{uri}: {why}"
        if version is not None:
            doc = session.documents.find(uri)
            if doc is None or doc.version != version:
                live = "closed" if doc is None else f"at version {doc.version}"
                return f"{path.name} is {live}, the edit was made for version {version}"
    return None
