"""The one edit guard over real stdio: `zc.applyEdit` and quick fixes refuse what a hostile edit asks for.

A front end (or a model reply relayed by one) can hand the server any WorkspaceEdit; nothing of it
may reach the client's workspace/applyEdit unless every part passes: text edits, creates, renames
(both ends) and deletes, inside the folder, on the version the edit was made for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import make_workspace
from .test_bad_input import RawClient

pytestmark = pytest.mark.timeout(90)

CAPS = {"workspace": {"workspaceEdit": {"documentChanges": True,
                                        "resourceOperations": ["create", "rename", "delete"]}},
        "textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}}}}


@pytest.fixture
def raw(tmp_path: Path):
    root = make_workspace(tmp_path / "ws")
    (root / ".git").mkdir()
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".bashrc").write_text("# the user's own\n")
    client = RawClient(root, capabilities=CAPS)
    client.root = root  # type: ignore[attr-defined]
    path = root / "calc.py"
    client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}}})
    yield client
    client.close()


def _apply(raw: RawClient, msg_id: int, edit: dict[str, Any]) -> dict[str, Any]:
    raw.request(msg_id, "workspace/executeCommand", {"command": "zc.applyEdit", "arguments": [edit]})
    return raw.wait_reply(msg_id)


def _text_edit(uri: str, version: int | None, text: str = "# injected\n") -> dict[str, Any]:
    return {"textDocument": {"uri": uri, "version": version},
            "edits": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                       "newText": text}]}


def hostile_edits(root: Path) -> list[tuple[str, dict[str, Any]]]:
    home = root.parent / "home"
    calc = (root / "calc.py").as_uri()
    return [
        ("text edit outside", {"documentChanges": [_text_edit((home / ".bashrc").as_uri(), None)]}),
        ("changes map outside", {"changes": {(home / ".bashrc").as_uri(): _text_edit("", None)["edits"]}}),
        ("traversal", {"documentChanges": [_text_edit((root / "pkg" / ".." / ".." / "home" / ".bashrc").as_uri(), None)]}),
        ("git hook", {"documentChanges": [{"kind": "create", "uri": (root / ".git" / "hooks" / "pre-commit").as_uri()}]}),
        ("vscode tasks", {"documentChanges": [{"kind": "create", "uri": (root / ".vscode" / "tasks.json").as_uri()}]}),
        ("own config", {"documentChanges": [{"kind": "create", "uri": (root / ".zombiecoder.yaml").as_uri()}]}),
        ("rename out", {"documentChanges": [{"kind": "rename", "oldUri": calc, "newUri": (home / "calc.py").as_uri()}]}),
        ("rename in from outside", {"documentChanges": [{"kind": "rename", "oldUri": (home / ".bashrc").as_uri(),
                                                          "newUri": (root / "bashrc.py").as_uri()}]}),
        ("delete outside", {"documentChanges": [{"kind": "delete", "uri": (home / ".bashrc").as_uri()}]}),
        ("delete .git", {"documentChanges": [{"kind": "delete", "uri": (root / ".git").as_uri(),
                                              "options": {"recursive": True}}]}),
        ("env file", {"documentChanges": [{"kind": "create", "uri": (root / ".env").as_uri()}]}),
        ("stale version", {"documentChanges": [_text_edit(calc, 0)]}),
        ("closed document version", {"documentChanges": [_text_edit((root / "tests" / "test_calc.py").as_uri(), 4)]}),
    ]


def test_hostile_ready_edits_never_reach_the_client(raw: RawClient) -> None:
    root: Path = raw.root  # type: ignore[attr-defined]
    for n, (what, edit) in enumerate(hostile_edits(root), start=20):
        reply = _apply(raw, n, edit)
        assert "result" in reply, (what, reply)
        assert reply["result"]["applied"] is False and reply["result"]["error"].startswith("refused"), (what, reply)
    assert not [m for m in raw.backlog if m.get("method") == "workspace/applyEdit"]
    assert not raw.inbox.qsize() or all(m.get("method") != "workspace/applyEdit" for m in list(raw.inbox.queue))


def test_a_good_edit_on_the_live_version_is_applied(raw: RawClient) -> None:
    root: Path = raw.root  # type: ignore[attr-defined]
    calc = (root / "calc.py").as_uri()
    raw.request(40, "workspace/executeCommand", {"command": "zc.applyEdit", "arguments": [
        {"documentChanges": [_text_edit(calc, 1, "# reviewed\n"),
                             {"kind": "create", "uri": (root / "tests" / "test_more.py").as_uri()}]}]})
    apply = raw.wait_notification("workspace/applyEdit")
    raw.send({"jsonrpc": "2.0", "id": apply["id"], "result": {"applied": True}})
    assert raw.wait_reply(40)["result"] == {"ok": True, "applied": True}
    assert apply["params"]["edit"]["documentChanges"][0]["textDocument"]["version"] == 1


def test_a_quick_fix_from_an_older_version_is_not_offered(raw: RawClient) -> None:
    root: Path = raw.root  # type: ignore[attr-defined]
    path = root / "calc.py"
    raw.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": path.as_uri(), "version": 2},
        "contentChanges": [{"text": "\n\n" + path.read_text()}]}})  # lines moved down by two
    unused = {"range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 9}},
              "message": "`os` imported but unused", "code": "F401", "source": "zombiecoder",
              "data": {"fix": [{"s": [0, 0, 1, 0], "t": ""}], "fix_title": "Remove unused import: `os`"}}
    for msg_id, version in ((50, 1), (51, 2)):
        diag = {**unused, "data": {**unused["data"], "version": version}}
        raw.request(msg_id, "textDocument/codeAction", {"textDocument": {"uri": path.as_uri()},
                                                        "range": unused["range"], "context": {"diagnostics": [diag]}})
        titles = [a["title"] for a in raw.wait_reply(msg_id)["result"]]
        offered = any("Remove unused import" in t for t in titles)
        assert offered is (version == 2), (version, titles)
