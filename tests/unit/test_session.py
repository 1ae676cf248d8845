"""The typed session: client capabilities resolved once, documents and their snapshots."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from zc_lsp.handlers.capabilities import ClientCaps
from zc_lsp.handlers.session import DocumentStore


def full_caps() -> types.ClientCapabilities:
    return types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[types.ResourceOperationKind.Create],
                change_annotation_support=types.ChangeAnnotationsSupportOptions(groups_on_label=True),
            ),
        ),
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=["quickfix"])
                ),
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
                disabled_support=True,
            ),
            inline_completion=types.InlineCompletionClientCapabilities(),
        ),
        window=types.WindowClientCapabilities(
            work_done_progress=True,
            show_message=types.ShowMessageRequestClientCapabilities(),
            show_document=types.ShowDocumentClientCapabilities(support=True),
        ),
    )


def test_every_capability_is_resolved_from_the_initialize_params() -> None:
    caps = ClientCaps.from_lsp(full_caps(), types.PositionEncodingKind.Utf8)
    assert caps == ClientCaps(
        position_encoding="utf-8",
        document_changes=True,
        create_files=True,
        change_annotations=True,
        code_action_literals=True,
        code_action_resolve_edit=True,
        code_action_disabled=True,
        work_done_progress=True,
        show_message_request=True,
        show_document=True,
        configuration_pull=True,
        inline_completion=True,
    )


def test_a_bare_client_gets_every_flag_off_and_utf16() -> None:
    assert ClientCaps.from_lsp(types.ClientCapabilities(), None) == ClientCaps()
    assert ClientCaps.from_lsp(None, "utf-32") == ClientCaps(position_encoding="utf-32")


def test_resolve_without_edit_is_not_edit_resolve() -> None:
    caps = full_caps()
    assert caps.text_document and caps.text_document.code_action
    caps.text_document.code_action.resolve_support = types.ClientCodeActionResolveOptions(properties=["command"])
    assert ClientCaps.from_lsp(caps).code_action_resolve_edit is False


def test_disabled_actions_need_literals_too() -> None:
    caps = full_caps()
    assert caps.text_document and caps.text_document.code_action
    caps.text_document.code_action.code_action_literal_support = None  # such a client gets Commands only
    assert ClientCaps.from_lsp(caps).code_action_disabled is False


class _Workspace:
    """The part of pygls' workspace the document store reads: open documents by URI."""

    def __init__(self, docs: dict[str, object]) -> None:
        self.text_documents = docs

    def get_text_document(self, uri: str) -> object:
        return self.text_documents[uri]


def _store(docs: dict[str, object]) -> DocumentStore:
    return DocumentStore(SimpleNamespace(workspace=_Workspace(docs)))  # type: ignore[arg-type]


def test_a_snapshot_is_the_open_buffer_and_a_closed_file_is_read_from_disk(tmp_path: Path) -> None:
    opened, closed = tmp_path / "a.py", tmp_path / "b.py"
    opened.write_text("on disk\n")
    closed.write_text("saved\n")
    buffer = SimpleNamespace(uri=opened.as_uri(), source="unsaved\n", version=4, language_id="python")
    store = _store({opened.as_uri(): buffer})
    snap = store.read(opened.as_uri())
    assert (snap.text, snap.version) == ("unsaved\n", 4)
    from_disk = store.read(closed.as_uri())
    assert (from_disk.text, from_disk.version, from_disk.path) == ("saved\n", None, closed)
    assert store.text((tmp_path / "gone.py").as_uri()) == ""
    with pytest.raises(JsonRpcInvalidParams):
        store.read((tmp_path / "gone.py").as_uri())


def test_lines_are_split_once_per_version() -> None:
    doc = SimpleNamespace(uri="file:///m.py", source="a\r\nb\n", version=1)
    store = _store({doc.uri: doc})
    first = store.lines(doc)  # type: ignore[arg-type]
    assert first == ["a", "b", ""] and store.lines(doc) is first  # type: ignore[arg-type]
    doc.source, doc.version = "c\n", 2
    second = store.lines(doc)  # type: ignore[arg-type]
    assert second == ["c", ""]
    store.forget(doc.uri)  # didClose: the cached split goes with the document
    again = store.lines(doc)  # type: ignore[arg-type]
    assert again == second and again is not second
