"""The typed session: client capabilities resolved once, documents and their snapshots."""

from __future__ import annotations

from lsprotocol import types

from zc_lsp.handlers.capabilities import ClientCaps


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
