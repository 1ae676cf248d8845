"""A config file open in the editor gets its own findings and their quick fixes, and nothing Python-shaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import make_workspace
from .test_bad_input import RawClient

pytestmark = pytest.mark.timeout(90)
SETTINGS_YAML = "database:\n  host: db.internal\n  password: Zq8#vLr2!mW9pT4x\ndebug: true\n"


def test_a_yaml_document_gets_findings_and_only_their_quick_fixes(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    path = root / "config" / "settings.yaml"
    path.parent.mkdir()
    path.write_text(SETTINGS_YAML)
    client = RawClient(root, capabilities={"textDocument": {"codeAction": {
        "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}}}})
    try:
        client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": path.as_uri(), "languageId": "yaml", "version": 1, "text": SETTINGS_YAML}}})
        published = client.wait_notification("textDocument/publishDiagnostics", timeout=30)
        while published["params"]["uri"] != path.as_uri() or not published["params"]["diagnostics"]:
            published = client.wait_notification("textDocument/publishDiagnostics", timeout=30)
        diags = published["params"]["diagnostics"]
        assert any(d["range"]["start"]["line"] == 2 for d in diags), diags  # the password's line
        client.request(10, "textDocument/codeAction", {"textDocument": {"uri": path.as_uri()},
                                                       "range": diags[0]["range"], "context": {"diagnostics": diags}})
        titles = [a["title"] for a in client.wait_reply(10)["result"]]
        assert any("Suppress" in t or "Explain" in t for t in titles), titles
        for python_only in ("Run tests", "docstring", "test skeleton", "Format document", "Fix all"):
            assert not any(python_only in t for t in titles), (python_only, titles)
        client.request(11, "textDocument/inlineCompletion", {"textDocument": {"uri": path.as_uri()},
                                                            "position": {"line": 3, "character": 0},
                                                            "context": {"triggerKind": 1}})
        assert client.wait_reply(11)["result"]["items"] == []
    finally:
        client.close()
