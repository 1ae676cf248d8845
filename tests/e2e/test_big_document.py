"""A document far over `diagnostics.max_file_bytes` is synced but never parsed, explained or sent (issue 11).

Every request about it is answered with the reason, the server stays up, and its memory grows by the
document's own copies, not by a split or parse of it per request.
"""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from .conftest import make_workspace
from .test_bad_input import RawClient

pytestmark = pytest.mark.timeout(180)
SIZE = 40_000_000  # well over the 5 MB default, small enough to keep CI quick


def test_every_request_on_a_huge_document_is_answered_with_the_reason(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    client = RawClient(root)
    try:
        proc = psutil.Process(client.proc.pid)
        client.request(2, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
        client.wait_reply(2)
        base = proc.memory_info().rss
        uri = (root / "huge.py").as_uri()
        text = "def f(x):\n    return x + 1  # é\n" * (SIZE // 34)
        client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}}})
        where = {"start": {"line": 700_000, "character": 4}, "end": {"line": 700_001, "character": 0}}
        asked = {
            10: ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": where,
                                             "context": {"diagnostics": []}}),
            11: ("workspace/executeCommand", {"command": "zc.explain", "arguments": [uri, where, {"show": False}]}),
            12: ("workspace/executeCommand", {"command": "zc.chat", "arguments": [{"message": "what is it?",
                                                                                   "uri": uri, "range": where}]}),
            13: ("workspace/executeCommand", {"command": "zc.review", "arguments": [uri]}),
            14: ("workspace/executeCommand", {"command": "zc.speak", "arguments": [uri, where]}),
            15: ("workspace/executeCommand", {"command": "zc.generateTests", "arguments": [uri, 700_000]}),
            16: ("textDocument/inlineCompletion", {"textDocument": {"uri": uri},
                                                   "position": {"line": 700_000, "character": 4},
                                                   "context": {"triggerKind": 1}}),
        }
        for msg_id, (method, params) in asked.items():
            client.request(msg_id, method, params)
        replies = {msg_id: client.wait_reply(msg_id, timeout=60) for msg_id in asked}
        assert replies[10]["result"] == []
        assert replies[16]["result"]["items"] == []
        for msg_id in (11, 12, 13, 14, 15):
            result = replies[msg_id].get("result")
            assert result is not None and result["ok"] is False, (asked[msg_id], replies[msg_id])
            said = str(result.get("error") or result.get("markdown") or "")
            assert "max_file_bytes" in said, (asked[msg_id], said)
        diagnostics = client.wait_notification("textDocument/publishDiagnostics", timeout=30)
        assert diagnostics["params"]["diagnostics"] == []
        for version in (2, 3):  # typing in it: each change costs the change, not a split of the document
            client.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": 600_000, "character": 4},
                                              "end": {"line": 600_000, "character": 4}}, "text": "# é\n"}]}})
        client.request(19, "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": where,
                                                       "context": {"diagnostics": []}})
        assert client.wait_reply(19)["result"] == []
        grown = proc.memory_info().rss - base
        assert grown < 4 * len(text.encode()), f"RSS grew by {grown >> 20} MB for a {len(text) >> 20} MB document"
        client.request(20, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
        assert "result" in client.wait_reply(20)
    finally:
        client.close()
