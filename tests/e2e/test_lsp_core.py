"""The core server over stdio: diagnostics, code actions, commands, progress, cancellation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psutil
import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import apply_text_edits, execute, open_doc, wait_for_diagnostics

pytestmark = pytest.mark.timeout(120)


def pytest_children(server: psutil.Process) -> list[psutil.Process]:
    """The server's pytest processes (`python -m pytest ...`); not a tool whose arguments merely name a
    file under pytest's tmp_path (the ruff left waiting for the next change does)."""
    found = []
    for child in server.children(recursive=True):
        try:
            argv = child.cmdline()
            runs_pytest = "pytest" in argv or any(Path(arg).name in ("pytest", "py.test") for arg in argv[:3])
            if child.status() != psutil.STATUS_ZOMBIE and runs_pytest:
                found.append(child)
        except psutil.Error:
            continue  # exited while we looked
    return found


async def test_initialize_advertises_actions_and_commands(client: LanguageClient):
    caps = client.init_result.capabilities
    assert caps.code_action_provider.resolve_provider is True
    commands = set(caps.execute_command_provider.commands)
    assert {"zc.review", "zc.runTests", "zc.explain", "zc.status", "zc.doctor"} <= commands


async def test_diagnostics_on_open_and_after_change(client: LanguageClient, workspace: Path):
    uri = open_doc(client, workspace / "calc.py")
    diags = await wait_for_diagnostics(client, uri, lambda d: any(x.code == "F401" for x in d))
    codes = {d.code for d in diags}
    assert "F401" in codes  # unused import os
    assert any(str(c).startswith("S60") or str(c).startswith("B60") for c in codes)  # shell=True
    f401 = next(d for d in diags if d.code == "F401")
    assert f401.range.start.line == 0 and f401.source == "zombiecoder/ruff"  # the engine is named
    assert f401.code_description and f401.code_description.href.startswith("https://")

    # Remove the import: the F401 finding must go away after the debounced review.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)),
                    text="",
                )
            ],
        )
    )
    diags = await wait_for_diagnostics(client, uri, lambda d: d and not any(x.code == "F401" for x in d))
    assert any(str(d.code).startswith(("S60", "B60")) for d in diags)


async def test_quick_fix_edit_removes_the_finding(client: LanguageClient, workspace: Path):
    path = workspace / "calc.py"
    uri = open_doc(client, path)
    diags = await wait_for_diagnostics(client, uri, lambda d: any(x.code == "F401" for x in d))
    f401 = next(d for d in diags if d.code == "F401")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=f401.range,
            context=types.CodeActionContext(diagnostics=[f401]),
        )
    )
    fixes = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix and a.edit]
    assert fixes, [a.title for a in actions]
    edit = fixes[0].edit.document_changes[0]
    new_text = apply_text_edits(path.read_text(), list(edit.edits))
    assert "import os" not in new_text and "import subprocess" in new_text
    titles = [a.title for a in actions]
    assert any("Explain F401" in t for t in titles)


async def test_fix_all_and_docstring_resolve(client: LanguageClient, workspace: Path):
    path = workspace / "calc.py"
    uri = open_doc(client, path)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=8, character=4), end=types.Position(line=8, character=4)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    by_title = {a.title: a for a in actions}
    doc_action = next(a for t, a in by_title.items() if "Add docstring to `divide`" in t)
    assert doc_action.edit is None  # listing is cheap: the edit comes in resolve
    resolved = await client.code_action_resolve_async(doc_action)
    assert resolved.edit is not None
    new_text = apply_text_edits(path.read_text(), list(resolved.edit.document_changes[0].edits))
    assert '"""' in new_text and "ZeroDivisionError" in new_text
    compile(new_text, "calc.py", "exec")

    skeleton = next(a for t, a in by_title.items() if "Generate test skeleton for `divide`" in t)
    resolved = await client.code_action_resolve_async(skeleton)
    assert resolved.edit is not None
    change = resolved.edit.document_changes[-1]
    assert change.text_document.uri.endswith("tests/test_calc.py")
    added = "".join(e.new_text for e in change.edits)
    assert "def test_divide" in added and "pytest.raises(ZeroDivisionError)" in added

    fix_all = next(a for t, a in by_title.items() if "Fix all" in t)
    resolved = await client.code_action_resolve_async(fix_all)
    assert resolved.edit is not None
    fixed = apply_text_edits(path.read_text(), list(resolved.edit.document_changes[0].edits))
    assert "import os" not in fixed


async def test_run_tests_command_maps_failures_and_reports_progress(client: LanguageClient, workspace: Path):
    test_uri = (workspace / "tests" / "test_calc.py").as_uri()
    result = await execute(client, "zc.runTests", test_uri)
    assert result["ok"] is True
    assert result["passed"] == 2 and result["failed"] == 1
    failure = result["failures"][0]
    assert failure["test"].endswith("test_divide_wrong") and failure["line"] == 11
    diags = await wait_for_diagnostics(client, test_uri, lambda d: any(x.code == "test-failure" for x in d))
    assert any(d.range.start.line == 10 for d in diags)  # 0-based
    assert client.progress_reports, "no $/progress during the test run"
    kinds = [type(v).__name__ for reports in client.progress_reports.values() for v in reports]
    assert "WorkDoneProgressBegin" in kinds and "WorkDoneProgressEnd" in kinds


async def test_explain_status_and_doctor(client: LanguageClient, workspace: Path):
    uri = open_doc(client, workspace / "calc.py")
    explained = await execute(
        client, "zc.explain", uri, {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 0}}
    )
    assert explained["ok"] and "divide" in explained["markdown"] and "ZeroDivisionError" in explained["markdown"]
    assert explained["provider"] == "offline"

    status = await execute(client, "zc.status")
    names = {a["name"] for a in status["agents"]}
    assert names == {"programming", "best_practices", "verifier", "conversational", "ops"}
    assert status["version"] and status["uptime_s"] >= 0 and status["process"]["rss_mb"] > 0
    assert status["memory"]["path"]

    doctor = await execute(client, "zc.doctor")
    checks = {c["name"]: c for c in doctor["checks"]}
    assert any("ruff" in name.lower() for name in checks)
    assert all({"ok", "detail", "hint"} <= set(c) for c in checks.values())


async def test_long_test_run_is_cancelled_and_loop_stays_responsive(client: LanguageClient, workspace: Path):
    (workspace / "tests" / "test_calc.py").write_text(
        "import time\n\n\ndef test_sleeps():\n    time.sleep(30)\n"
    )
    uri = open_doc(client, workspace / "calc.py")
    request = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command="zc.runTests", arguments=[(workspace / "tests" / "test_calc.py").as_uri()]),
            msg_id="long-run",
        )
    )
    server = psutil.Process(client._server.pid)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while not pytest_children(server):
        assert loop.time() < deadline, "pytest never started"
        await asyncio.sleep(0.1)
    started = loop.time()
    await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert loop.time() - started < 0.5  # answered while the test run goes on
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="long-run"))
    with pytest.raises(Exception, match="(?i)cancel"):
        await asyncio.wait_for(request, 10)
    deadline = loop.time() + 10
    while pytest_children(server):
        assert loop.time() < deadline, "pytest still running after cancellation"
        await asyncio.sleep(0.1)
    # The server is still alive and answers; the verifier leaves "busy" once its clean-up is done (the
    # cancelled reply goes out at once, the agent's own clean-up follows it).
    deadline = loop.time() + 10
    while True:
        status = await execute(client, "zc.status")
        verifier = next(a for a in status["agents"] if a["name"] == "verifier")
        if verifier["state"] != "busy":
            break
        assert loop.time() < deadline, f"the verifier is still busy after cancellation: {verifier}"
        await asyncio.sleep(0.1)


def plain(value):
    """pygls hands unknown notifications' params over as namedtuples: back to dicts and lists."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


async def test_status_notifications_are_pushed_on_change(client: LanguageClient, workspace: Path):
    waiter = asyncio.ensure_future(client.wait_for_notification("zc/status"))
    uri = open_doc(client, workspace / "calc.py")
    snapshot = plain(await asyncio.wait_for(waiter, 20))
    assert {a["name"] for a in snapshot["agents"]} >= {"best_practices", "verifier"}
    assert "providers" in snapshot and "process" in snapshot
    await wait_for_diagnostics(client, uri)
    # Later changes (background started, the review done) are pushed too, throttled to <= 1 per second.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    stamps = []
    while True:
        later = plain(await asyncio.wait_for(client.wait_for_notification("zc/status"), 20))
        stamps.append(loop.time())
        done = {a["name"]: a["tasks_done"] for a in later["agents"]}
        if done["best_practices"] >= 1 and "queue" in later and "alerts" in later:
            break
        assert loop.time() < deadline


async def test_many_documents_opened_at_once_all_get_diagnostics(client: LanguageClient, workspace: Path):
    uris = []
    for n in range(12):
        path = workspace / f"mod{n}.py"
        path.write_text(f"import os\n\n\ndef f{n}(x):\n    return x == None\n")
        uris.append(open_doc(client, path))
    for uri in uris:
        diags = await wait_for_diagnostics(client, uri, lambda d: any(x.code == "F401" for x in d), timeout=60)
        assert any(x.code == "E711" for x in diags)  # `== None`


async def test_cancel_button_on_the_progress_stops_a_test_run(client: LanguageClient, workspace: Path):
    (workspace / "tests" / "test_calc.py").write_text("import time\n\n\ndef test_sleeps():\n    time.sleep(30)\n")
    before = set(client.progress_reports)
    request = asyncio.ensure_future(execute(client, "zc.runTests", (workspace / "tests" / "test_calc.py").as_uri()))
    server = psutil.Process(client._server.pid)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while not pytest_children(server) or not set(client.progress_reports) - before:
        assert loop.time() < deadline, "the test run or its progress never started"
        await asyncio.sleep(0.1)
    token = next(iter(set(client.progress_reports) - before))
    begin = client.progress_reports[token][0]
    assert isinstance(begin, types.WorkDoneProgressBegin) and begin.cancellable
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    with pytest.raises(Exception, match="(?i)cancel"):
        await asyncio.wait_for(request, 10)
    deadline = loop.time() + 10
    while pytest_children(server):
        assert loop.time() < deadline, "pytest still running after the progress was cancelled"
        await asyncio.sleep(0.1)
