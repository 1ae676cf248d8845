"""What the client can do, resolved once at `initialize` and read as plain booleans afterwards.

Why: the optional chains of `ClientCapabilities` were walked in six places, each with its own
`try/except AttributeError`, and the negotiated position encoding was a private method of the
diagnostics feature. ruff resolves them once (`ResolvedClientCapabilities`); so do we. Before
`initialize` every flag is False and the encoding is LSP's default, UTF-16.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lsprotocol import types


@dataclass(frozen=True)
class ClientCaps:
    position_encoding: str = "utf-16"  # "utf-8" | "utf-16" | "utf-32", as negotiated by pygls
    document_changes: bool = False  # versioned TextDocumentEdit in a WorkspaceEdit
    create_files: bool = False  # resourceOperations contains "create"
    change_annotations: bool = False  # AnnotatedTextEdit with a label ("verified: 3 tests pass")
    code_action_literals: bool = False  # CodeAction objects, not only Commands
    code_action_resolve_edit: bool = False  # codeAction/resolve may fill in `edit`
    code_action_disabled: bool = False  # CodeAction.disabled is shown (literals + disabledSupport, LSP 3.16)
    work_done_progress: bool = False  # server-initiated $/progress
    show_message_request: bool = False  # window/showMessageRequest with action items announced
    show_document: bool = False  # window/showDocument
    configuration_pull: bool = False  # workspace/configuration
    inline_completion: bool = False  # textDocument/inlineCompletion (LSP 3.18)

    @classmethod
    def from_lsp(cls, caps: types.ClientCapabilities | None, position_encoding: Any = None) -> ClientCaps:
        """Walk every optional chain here, once. `position_encoding` is what pygls negotiated."""
        if caps is None:
            return cls(position_encoding=encoding_name(position_encoding))
        text = caps.text_document
        code_action = text.code_action if text else None
        workspace = caps.workspace
        edit = workspace.workspace_edit if workspace else None
        window = caps.window
        resolve = code_action.resolve_support if code_action else None
        return cls(
            position_encoding=encoding_name(position_encoding),
            document_changes=bool(edit and edit.document_changes),
            create_files=bool(edit and types.ResourceOperationKind.Create in (edit.resource_operations or [])),
            change_annotations=bool(edit and edit.change_annotation_support is not None),
            code_action_literals=bool(code_action and code_action.code_action_literal_support is not None),
            code_action_resolve_edit=bool(resolve and "edit" in (resolve.properties or [])),
            code_action_disabled=bool(
                code_action and code_action.code_action_literal_support is not None and code_action.disabled_support
            ),
            work_done_progress=bool(window and window.work_done_progress),
            show_message_request=bool(window and window.show_message is not None),
            show_document=bool(window and window.show_document and window.show_document.support),
            configuration_pull=bool(workspace and workspace.configuration),
            inline_completion=bool(text and text.inline_completion is not None),
        )


def encoding_name(encoding: Any) -> str:
    """A PositionEncodingKind (or its string) as "utf-8" / "utf-16" / "utf-32"; UTF-16 when unknown."""
    return str(getattr(encoding, "value", encoding) or "utf-16")
