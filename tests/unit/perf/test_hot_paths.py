"""`ZcProtocol.prepare_hot_paths` (run in the warm-up thread after `initialized`) builds cattrs'
functions for the messages of every keystroke and cursor move, and does nothing else: no handler
runs, nothing is written to the client, no state of the session changes."""

from __future__ import annotations

import json
from typing import Any

from lsprotocol import types

from zc_lsp.app import create_server


class Capture:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def close(self) -> None:
        return None


def test_preparing_dispatches_and_sends_nothing() -> None:
    server = create_server()
    protocol = server.protocol
    capture = Capture()
    protocol.set_writer(capture)
    called: list[Any] = []
    features = protocol.fm.features
    for method in (types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_DID_OPEN, types.TEXT_DOCUMENT_CODE_ACTION):
        if method in features:  # the installed handlers, wrapped: a call would be recorded
            handler = features[method]
            features[method] = lambda *a, _h=handler, **k: called.append(a)
    protocol.prepare_hot_paths()
    assert capture.sent == [] and called == []
    assert protocol.initialize_seen is False  # it read no `initialize` either


def test_real_messages_still_read_and_written_the_same_after() -> None:
    server = create_server()
    protocol = server.protocol
    protocol.prepare_hot_paths()
    change = {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": "file:///w/a.py", "version": 9},
            "contentChanges": [{"range": {"start": {"line": 2, "character": 4}, "end": {"line": 2, "character": 5}}, "text": "é"}],
        },
    }
    message = protocol.structure_message(json.loads(json.dumps(change)))
    assert isinstance(message.params, types.DidChangeTextDocumentParams)
    assert message.params.text_document.version == 9
    assert message.params.content_changes[0].text == "é"
    assert message.params.content_changes[0].range.start == types.Position(line=2, character=4)
    diagnostic = types.Diagnostic(
        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=3)),
        message="unused import",
        code="F401",
        source="zombiecoder/ruff",
        data={"id": "abc"},
    )
    params = types.PublishDiagnosticsParams(uri="file:///w/a.py", diagnostics=[diagnostic], version=9)
    out = protocol._converter.unstructure(types.PublishDiagnosticsNotification(params=params))
    assert out["params"]["diagnostics"][0] == {
        "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 3}},
        "message": "unused import",
        "code": "F401",
        "source": "zombiecoder/ruff",
        "data": {"id": "abc"},
    }
    assert out["params"]["version"] == 9
