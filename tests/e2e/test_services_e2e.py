"""Memory, background and trust through the language server, as an editor would use them."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import SERVER, SERVER_ENV, execute, init_params, make_workspace, open_doc, wait_for_diagnostics

pytestmark = pytest.mark.timeout(120)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def untrusted(lsp_client: LanguageClient, tmp_path: Path):
    workspace = make_workspace(tmp_path / "ws")
    lsp_client.workspace_root = workspace
    await lsp_client.initialize_session(init_params(workspace, trusted=False))
    yield
    await lsp_client.shutdown_session()


async def test_untrusted_workspace_refuses_to_run_tests(untrusted: LanguageClient):
    root = untrusted.workspace_root
    result = await execute(untrusted, "zc.runTests", (root / "tests" / "test_calc.py").as_uri())
    assert result["ok"] is False and "not trusted" in result["error"]
    assert any("not trusted" in m.message for m in untrusted.messages)
    # Reviewing (no workspace code runs) still works.
    uri = open_doc(untrusted, root / "calc.py")
    await wait_for_diagnostics(untrusted, uri)


async def test_memory_search_and_wipe_with_confirmation(client: LanguageClient, workspace: Path):
    asked: list[str] = []

    @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def answer(params: types.ShowMessageRequestParams):
        asked.append(params.message)
        return types.MessageActionItem(title="Wipe")

    # A test run leaves a memory item in the verifier's store.
    await execute(client, "zc.runTests", (workspace / "tests" / "test_calc.py").as_uri())
    found = await execute(client, "zc.memory.search", "test_divide_wrong")
    assert found["ok"] and any(item["agent"] == "verifier" for item in found["items"])
    wiped = await execute(client, "zc.memory.wipe", "verifier")
    assert wiped == {"ok": True, "wiped": ["verifier"]} or (wiped["ok"] and wiped["wiped"] == ["verifier"])
    assert asked and "verifier" in asked[0]
    found = await execute(client, "zc.memory.search", "test_divide_wrong", "verifier")
    assert found["items"] == []
    # The audit log recorded the test run and the commands, and its hash chain verifies.
    await asyncio.sleep(0.5)  # command audits are written just after the reply
    cli = [sys.executable, "-m", "zc_lsp.cli", "audit"]
    tail = subprocess.run([*cli, "tail", "--workspace", str(workspace), "-n", "50", "--format", "json"],
                          env=SERVER_ENV, capture_output=True, text=True, timeout=60)
    assert tail.returncode == 0, tail.stderr
    kinds = {row["kind"] for row in json.loads(tail.stdout)}
    assert {"test_run", "command"} <= kinds, kinds
    verify = subprocess.run([*cli, "verify", "--workspace", str(workspace)], env=SERVER_ENV, capture_output=True,
                            text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr


async def test_scheduler_batch_and_alert_commands(client: LanguageClient, workspace: Path):
    async def background_ready():
        while True:
            try:
                return await execute(client, "zc.scheduler.list")
            except Exception:  # background starts just after `initialized`
                await asyncio.sleep(0.2)

    jobs = await asyncio.wait_for(background_ready(), 20)
    assert {j["id"] for j in jobs["jobs"]} >= {"health_check", "provider_probe"}
    ran = await execute(client, "zc.scheduler.run", "health_check")
    assert ran["ok"]
    submitted = await execute(client, "zc.batch.submit", "review_workspace", {}, 1)
    job_id = submitted["job_id"]

    async def job_done():
        while True:
            listing = await execute(client, "zc.batch.list")
            job = next(j for j in listing["jobs"] if j["id"] == job_id)
            if job["state"] in ("done", "failed"):
                return job
            await asyncio.sleep(0.2)

    job = await asyncio.wait_for(job_done(), 60)
    assert job["state"] == "done", job
    status = await execute(client, "zc.status")
    assert status["queue"]["workers"] == 3 and "scheduler" in status
    with pytest.raises(Exception, match="alert id"):
        await execute(client, "zc.ackAlert", "not-a-number")


async def test_a_broken_ruff_config_is_reported_and_other_engines_still_answer(client: LanguageClient, workspace: Path):
    (workspace / "ruff.toml").write_text("line-length = 'very long'\n")
    uri = open_doc(client, workspace / "calc.py", text="API_KEY = 'sk-" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0uv'\n")

    async def told() -> str:
        while True:
            for message in client.messages:
                if "ruff" in message.message.lower():
                    return message.message
            await asyncio.sleep(0.05)

    message = await asyncio.wait_for(told(), 30)
    assert "ruff.toml" in message or "config" in message.lower()
    diags = await wait_for_diagnostics(client, uri, lambda d: any(str(x.code).startswith("ZC-SECRET") for x in d))
    assert all("a1B2c3D4" not in d.message for d in diags)  # the secret itself is never echoed


LITERALS = {"textDocument": {"codeAction": {"codeActionLiteralSupport": {
    "codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}}}}


@pytest.mark.parametrize("capabilities", [LITERALS, {}], ids=["literals-no-resolve", "commands-only"])
def test_clients_without_resolve_get_actions_that_apply_through_a_command(tmp_path: Path, capabilities) -> None:
    """Older clients: no codeAction/resolve (and, without literals, LSP says Command[] only).

    Spoken to over raw JSON: a typed client library guesses Command vs CodeAction for us.
    """
    from .test_bad_input import RawClient

    raw = RawClient(make_workspace(tmp_path / "ws"), capabilities=capabilities)
    try:
        path = tmp_path / "ws" / "calc.py"
        raw.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}}})
        raw.request(10, "textDocument/codeAction", {
            "textDocument": {"uri": path.as_uri()},
            "range": {"start": {"line": 8, "character": 4}, "end": {"line": 8, "character": 4}},
            "context": {"diagnostics": []}})
        listed = raw.wait_reply(10)["result"]
        docstring = next(item for item in listed if "Add docstring to `divide`" in item["title"])
        if capabilities:
            assert "edit" not in docstring and docstring["kind"] == "refactor.rewrite"
            command = docstring["command"]
        else:
            assert all(set(item) == {"title", "command", "arguments"} for item in listed), listed
            command = docstring
        assert command["command"] == "zc.applyCodeAction"
        raw.request(11, "workspace/executeCommand", {"command": command["command"], "arguments": command["arguments"]})
        apply = raw.wait_notification("workspace/applyEdit")  # a request from the server: answer it
        raw.send({"jsonrpc": "2.0", "id": apply["id"], "result": {"applied": True}})
        assert raw.wait_reply(11)["result"] == {"ok": True, "applied": True}
        # These clients announced no documentChanges: the edit comes as the plain `changes` map.
        edits = apply["params"]["edit"]["changes"][path.as_uri()]
        assert '"""' in "".join(e["newText"] for e in edits)
        if not capabilities:
            # A ready quick fix (ruff's own edit) travels as a zc.applyEdit command.
            unused = {"range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 9}},
                      "message": "`os` imported but unused", "code": "F401", "source": "zombiecoder",
                      "data": {"fix": [{"s": [0, 0, 1, 0], "t": ""}], "fix_title": "Remove unused import: `os`"}}
            raw.request(12, "textDocument/codeAction", {"textDocument": {"uri": path.as_uri()}, "range": unused["range"],
                                                        "context": {"diagnostics": [unused]}})
            fix = next(i for i in raw.wait_reply(12)["result"] if "Remove unused import" in i["title"])
            assert fix["command"] == "zc.applyEdit"
            raw.request(13, "workspace/executeCommand", {"command": fix["command"], "arguments": fix["arguments"]})
            apply = raw.wait_notification("workspace/applyEdit")
            raw.send({"jsonrpc": "2.0", "id": apply["id"], "result": {"applied": True}})
            assert raw.wait_reply(13)["result"]["applied"] is True
            assert apply["params"]["edit"]["changes"][path.as_uri()][0]["newText"] == ""
    finally:
        raw.close()


async def test_workspace_review_publishes_diagnostics_for_files_not_open(client: LanguageClient, workspace: Path):
    (workspace / "pkg").mkdir()
    (workspace / "pkg" / "util.py").write_text("import sys\n\n\ndef check(x):\n    return x == None\n")
    result = await execute(client, "zc.review", workspace.as_uri(), {"workspace": True})
    assert result["ok"] and result["files"] >= 3 and result["findings"] >= 3
    assert "ruff" in result["provenance"]
    util = (workspace / "pkg" / "util.py").as_uri()
    diags = await wait_for_diagnostics(client, util, lambda d: any(x.code == "F401" for x in d))
    assert any(x.code == "E711" for x in diags)
    calc = await wait_for_diagnostics(client, (workspace / "calc.py").as_uri(), lambda d: any(x.code == "S602" for x in d))
    assert calc


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def capped(lsp_client: LanguageClient, tmp_path: Path):
    workspace = make_workspace(tmp_path / "ws")
    for n in range(6):
        (workspace / f"extra_{n}.py").write_text(f"value_{n} = {n}\n")
    lsp_client.workspace_root = workspace
    await lsp_client.initialize_session(init_params(workspace, options={"diagnostics": {"max_review_files": 4}}))
    yield
    await lsp_client.shutdown_session()


async def test_a_workspace_review_that_stops_at_its_file_limit_says_so(capped: LanguageClient):
    result = await execute(capped, "zc.review", capped.workspace_root.as_uri(), {"workspace": True})
    assert result["ok"] and result["files"] == 4
    warned = [m.message for m in capped.messages if "stopped at 4 files" in m.message]
    assert warned and "diagnostics.max_review_files" in warned[0]
