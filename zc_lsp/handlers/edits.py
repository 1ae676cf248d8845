"""Turning agents' edits into edits a client can apply: workspace guard, client capabilities, audit.

Used by code actions (resolve), commands (zc.generate, zc.applyEdit) and auto-fix; one place decides
what an edit looks like on the wire and that it never leaves the workspace.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from zc_lsp.core.types import TextEdit
from zc_lsp.handlers.convert import Lines, path_to_uri, uri_to_path, workspace_edit

log = logging.getLogger(__name__)


def one_document_edit(ls: Any, doc: Any, lines: Lines, edits: list[TextEdit]) -> types.WorkspaceEdit:
    """Edits to one open document, versioned when the client takes documentChanges, else plain."""
    text_edits = [types.TextEdit(range=lines.range(e.span), new_text=e.new_text) for e in edits]
    if not client_edit_support(ls)[0]:
        return types.WorkspaceEdit(changes={doc.uri: text_edits})
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=identifier, edits=list(text_edits))]
    )


def offered_edit(ls: Any, result: Any) -> types.WorkspaceEdit | None:
    """The result's edits as a WorkspaceEdit, or None with the reason shown (failed, nothing, outside)."""
    if not result.ok:
        ls.show(f"ZombieCoder: {result.error}", types.MessageType.Warning)
        return None
    if not result.edits:
        ls.show(f"ZombieCoder: {result.summary or 'nothing to change'}", types.MessageType.Info)
        return None
    outside = guard_workspace_edits(ls, result.edits)
    if outside:
        ls.show(f"ZombieCoder refused an edit outside the workspace: {outside}", types.MessageType.Error)
        return None
    return to_workspace_edit(ls, result.edits)


def guard_workspace_edits(ls: Any, edits: list[Any]) -> str | None:
    """Multi-root: each edit must stay inside a workspace folder (the one holding it, else the first)."""
    for fe in edits:
        services = ls.folders.for_path(Path(fe.path).absolute()) or ls.services
        outside = guard_edits(services.workspace_root, [fe])
        if outside:
            return outside
    return None


def guard_edits(root: Any, edits: list[Any]) -> str | None:
    """Rule 7: edits never leave the workspace. Returns the first offending path, if any."""
    base = root.resolve()
    for fe in edits:
        target = fe.path.resolve()
        if target != base and base not in target.parents:
            return str(fe.path)
    return None


def client_edit_support(ls: Any) -> tuple[bool, bool]:
    """(documentChanges, create files) as the client announced them."""
    try:
        caps = ls.client_capabilities.workspace.workspace_edit
    except AttributeError:
        return False, False
    if caps is None:
        return False, False
    create = types.ResourceOperationKind.Create in (caps.resource_operations or [])
    return bool(caps.document_changes), create


def to_workspace_edit(ls: Any, edits: list[Any]) -> types.WorkspaceEdit:
    """Edits the client can apply. A client that cannot create files gets them created empty first
    (inside the workspace: guard_edits ran before), then plain edits into them."""
    versions: dict[str, int | None] = {}
    texts: dict[str, str] = {}
    document_changes, can_create = client_edit_support(ls)
    for fe in edits:
        uri = path_to_uri(fe.path)
        if fe.create and not (document_changes and can_create):
            fe.path.parent.mkdir(parents=True, exist_ok=True)
            fe.path.touch(exist_ok=True)
            fe.create = False
        if fe.create:
            versions[uri] = None
            continue
        doc = ls.workspace.get_text_document(uri)
        versions[uri] = doc.version
        texts[uri] = doc.source
    return workspace_edit(edits, versions, ls.features["diagnostics"]._encoding(), texts, document_changes)


def audit(services: Any, kind: str, **fields: Any) -> None:
    memory = services.memory
    if memory is None or getattr(memory, "degraded", None):
        return
    try:
        memory.audit.append(kind, **fields)
    except Exception:
        log.exception("audit write failed")


async def apply_ready_edit(ls: Any, edit: types.WorkspaceEdit) -> dict[str, Any]:
    """`zc.applyEdit`: a ready edit from a Command-only listing, applied if it stays in the workspace."""
    uris = [c.text_document.uri for c in edit.document_changes or [] if isinstance(c, types.TextDocumentEdit)]
    uris += list((edit.changes or {}).keys())
    for uri in uris:
        path = uri_to_path(uri)
        root = ls.services_for(uri).workspace_root.resolve()  # multi-root: the folder that holds it
        if path is None or (path.resolve() != root and root not in path.resolve().parents):
            return {"ok": False, "applied": False, "error": f"refused an edit outside the workspace: {uri}"}
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="ZombieCoder"))
    return {"ok": True, "applied": bool(result and result.applied)}
