"""The floor: a bare pygls 2 server that does nothing, measured beside ours by `bench/lsp_latency.py`.

It answers initialize, lists no code actions and publishes empty diagnostics at once, through
pygls' own stdio loop. Whatever our server costs above these figures is our own work.
Run by the benchmark as `python bench/hello_server.py`.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("hello", "1")


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
    return []


def _publish(uri: str, version: int) -> None:
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[], version=version))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    _publish(params.text_document.uri, params.text_document.version)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    _publish(params.text_document.uri, params.text_document.version)


if __name__ == "__main__":
    server.start_io()
