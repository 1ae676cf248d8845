"""Document notifications: run in order on the loop, update state, schedule reviews. Nothing slow here."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from lsprotocol import types

from zc_lsp.config import Settings

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session


def register(session: Session) -> None:
    server = session.server
    diagnostics = session.diagnostics

    def settings(uri: str) -> Settings | None:
        """The settings of the workspace folder holding the document (multi-root)."""
        services = session.services_for(uri)
        return services.settings if services else server.early_settings

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        cfg = settings(params.text_document.uri)
        if cfg is None or not cfg.diagnostics.on_open:
            return
        diagnostics.schedule(params.text_document.uri, bool(cfg.diagnostics.bandit_on_save))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        session.changed_files[params.text_document.uri] = time.time()  # for the idle review sweep
        session.activity.last_edit = time.monotonic()
        cfg = settings(params.text_document.uri)
        if cfg is None or not cfg.diagnostics.on_change:
            return
        diagnostics.schedule(params.text_document.uri, False, after_change_ms=diagnostics.debounce_ms())

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)  # save options: handlers/table.py
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        cfg = settings(params.text_document.uri)
        if cfg is None or not cfg.diagnostics.on_save:
            return
        diagnostics.schedule(params.text_document.uri, bool(cfg.diagnostics.bandit_on_save))
        folder = session.services_for(params.text_document.uri)
        if cfg.tests.run_on_save and folder is not None and folder.trusted is True:
            from zc_lsp.handlers.command_support import run_tests_in_background

            run_tests_in_background(session, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        diagnostics.forget(params.text_document.uri)
        session.documents.forget(params.text_document.uri)
