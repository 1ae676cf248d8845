"""The chat contract (docs/contracts.md, "Chat") over stdio, with the server's Ollama provider on the fake model server."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, SERVER_ENV, execute, init_params, open_doc
from tests.fakes.model_server import FakeModelServer, Script

pytestmark = pytest.mark.timeout(120)

SECRET = "sk-proj-Q7mT2vXk9LpR4sWz8NcB3hYd6JfG1aKe"
CALC = textwrap.dedent(
    """\
    import os


    def add(a: int, b: int) -> int:
        return a + b
    """
)
BROKEN = "def half(x)\n    return x / 2\n"


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "calc.py").write_text(CALC)
    (root / "broken.py").write_text(BROKEN)
    (root / "helpers.py").write_text("def twice(x):\n    return 2 * x\n")
    (root / ".env").write_text(f"OPENAI_API_KEY={SECRET}\n")
    (root / ".zombiecoder.yaml").write_text(
        textwrap.dedent("""\
        background:
          enabled: false
        providers:
          ollama:
            models: {default: fake-small}
        router:
          chain: [ollama, offline]
          cache: false
          retries: 0
          backoff_s: 0.05
        """)
    )
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, workspace: Path, model_server: FakeModelServer):
    lsp_client.deltas = []  # type: ignore[attr-defined]
    lsp_client.applied = []  # type: ignore[attr-defined]

    @lsp_client.feature("zc/chatDelta")
    def on_delta(params: Any) -> None:
        lsp_client.deltas.append(plain(params))  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        lsp_client.applied.append(params.edit)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    await lsp_client.initialize_session(
        init_params(workspace, options={"providers": {"ollama": {"host": model_server.url}}})
    )
    for _ in range(200):
        try:
            await execute(lsp_client, "zc.status")
            break
        except Exception:  # services not built yet
            await asyncio.sleep(0.05)
    yield
    await lsp_client.shutdown_session()


def plain(value: Any) -> Any:
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def rng(l1: int, c1: int, l2: int, c2: int) -> dict:
    return {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}


def posts(server: FakeModelServer) -> list:
    return [r for r in server.requests if r.method == "POST"]


async def until(predicate: Any, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def test_the_answer_streams_in_order_and_names_who_answered(
    client: LanguageClient, workspace: Path, model_server: FakeModelServer
) -> None:
    uri = open_doc(client, workspace / "calc.py")
    words = "add returns the sum of a and b, nothing more."
    model_server.push(Script(text=words, chunk_delay_s=0.01, reply_model="fake-small-q4"))
    reply = await execute(
        client, "zc.chat", {"message": "what does add do?", "uri": uri, "range": rng(3, 0, 5, 0), "stream": "s-1"}
    )
    assert reply["markdown"] == words and reply["cancelled"] is False
    assert (reply["provider"], reply["model"]) == ("ollama", "fake-small-q4")  # the model the server named
    assert reply["conversation"] and reply["notes"] == []
    deltas = client.deltas  # type: ignore[attr-defined]
    assert len(deltas) >= 5 and {d["stream"] for d in deltas} == {"s-1"}
    assert "".join(d["text"] for d in deltas) == words  # every chunk, in order
    assert "return a + b" in posts(model_server)[-1].body.decode()


async def test_the_old_positional_form_still_answers(client: LanguageClient, model_server: FakeModelServer) -> None:
    model_server.push(Script(text="It adds."))
    reply = await execute(client, "zc.chat", "what does add do?")
    assert reply["ok"] and reply["markdown"] == "It adds." and reply["provider"] == "ollama"


async def test_stop_cancels_the_model_call_and_replies_with_the_partial_answer(
    client: LanguageClient, model_server: FakeModelServer
) -> None:
    model_server.push(Script(text=" ".join(f"word{i}" for i in range(60)), chunk_delay_s=0.1))
    pending = asyncio.ensure_future(execute(client, "zc.chat", {"message": "tell me a story", "stream": "s-2"}))
    await until(lambda: len(client.deltas) >= 3)  # type: ignore[attr-defined]
    stopped = await execute(client, "zc.chat.stop", {"stream": "s-2"})
    assert stopped == {"ok": True, "stopped": True}
    reply = await asyncio.wait_for(pending, 20)
    assert reply["cancelled"] is True
    shown = "".join(d["text"] for d in client.deltas)  # type: ignore[attr-defined]
    assert reply["markdown"] == shown and shown.startswith("word0 ") and "word59" not in shown
    await until(lambda: posts(model_server)[-1].closed_at is not None)  # the HTTP stream was closed


async def test_cancel_request_gives_the_partial_reply(client: LanguageClient, model_server: FakeModelServer) -> None:
    model_server.push(Script(text=" ".join(f"w{i}" for i in range(60)), chunk_delay_s=0.1))
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command="zc.chat", arguments=[{"message": "long story", "stream": "s-3"}]),
            msg_id="chat-1",
        )
    )
    await until(lambda: len(client.deltas) >= 2)  # type: ignore[attr-defined]
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="chat-1"))
    reply = await asyncio.wait_for(pending, 20)
    assert reply["cancelled"] is True and reply["markdown"].startswith("w0 ")
    await until(lambda: posts(model_server)[-1].closed_at is not None)


async def test_slash_commands_run_the_agents(
    client: LanguageClient, workspace: Path, model_server: FakeModelServer
) -> None:
    calc = open_doc(client, workspace / "calc.py")
    review = await execute(client, "zc.chat", {"message": "/review", "uri": calc})
    assert "F401" in review["markdown"] and "calc.py:1:" in review["markdown"]
    broken = open_doc(client, workspace / "broken.py")
    fix = await execute(client, "zc.chat", {"message": "/fix", "uri": broken})
    assert "```diff" in fix["markdown"] and "+def half(x):" in fix["markdown"]
    assert (workspace / "broken.py").read_text() == BROKEN  # /fix never writes
    help_ = await execute(client, "zc.chat", {"message": "/help"})
    assert "/explain" in help_["markdown"] and "/tests" in help_["markdown"]
    model_server.push(Script(text="It adds two numbers.", chunk_delay_s=0.01))
    explain = await execute(
        client, "zc.chat", {"message": "/explain", "uri": calc, "range": rng(3, 0, 4, 0), "stream": "s-4"}
    )
    assert explain["markdown"] == "It adds two numbers." and explain["provider"] == "ollama"
    model_server.push(
        Script(text="```python\nfrom calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n```")
    )
    tests = await execute(client, "zc.chat", {"message": "/tests", "uri": calc})
    assert "def test_add" in tests["markdown"] or "not" in tests["markdown"].lower()
    before = explain["conversation"]
    cleared = await execute(client, "zc.chat", {"message": "/clear"})
    assert cleared["conversation"] != before


async def test_history_holds_only_the_redacted_form(
    client: LanguageClient, workspace: Path, model_server: FakeModelServer
) -> None:
    model_server.push(Script(text="Noted; do not share keys."))
    first = await execute(client, "zc.chat", {"message": f"my key is {SECRET}, is that safe?"})
    assert first["ok"]
    history = await execute(client, "zc.chat.history", {"conversation": first["conversation"]})
    assert history["conversation"] == first["conversation"]
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert SECRET not in str(history) and "my key is" in history["messages"][0]["markdown"]
    assert history["messages"][1]["model"] == "fake-small"
    model_server.push(Script(text="Still fine."))
    await execute(client, "zc.chat", {"message": "and now?", "conversation": first["conversation"]})
    assert SECRET.encode() not in model_server.all_bytes()  # neither the first request nor the history in the next
    data = Path(SERVER_ENV["XDG_DATA_HOME"])  # memory, tasks, audit and logs of the server: never the secret
    for stored in data.rglob("*"):
        if stored.is_file():
            assert SECRET.encode() not in stored.read_bytes(), stored
    cleared = await execute(client, "zc.chat.clear", {})
    assert cleared["ok"] and cleared["conversation"] != first["conversation"]
    empty = await execute(client, "zc.chat.history", {"conversation": cleared["conversation"]})
    assert empty["messages"] == []


async def test_at_file_context_and_the_sensitive_file_gate(
    client: LanguageClient, workspace: Path, model_server: FakeModelServer
) -> None:
    model_server.push(Script(text="twice doubles."))
    reply = await execute(
        client,
        "zc.chat",
        {
            "message": "what does twice do?",
            "files": [(workspace / "helpers.py").as_uri(), (workspace / ".env").as_uri()],
        },
    )
    assert reply["ok"] and any(".env" in n for n in reply["notes"])
    body = posts(model_server)[-1].body.decode()
    assert "return 2 * x" in body and SECRET not in body and "OPENAI_API_KEY" not in body


async def test_apply_block_preview_apply_stale_and_outside(client: LanguageClient, workspace: Path) -> None:
    uri = open_doc(client, workspace / "calc.py")
    block = {"uri": uri, "version": 1, "code": "    return b + a\n", "range": rng(4, 0, 5, 0)}
    preview = await execute(client, "zc.chat.applyBlock", {**block, "preview": True})
    assert "-    return a + b" in preview["diff"] and "+    return b + a" in preview["diff"]
    assert preview["edit"]["documentChanges"][0]["textDocument"] == {"uri": uri, "version": 1}
    assert not client.applied  # type: ignore[attr-defined]
    applied = await execute(client, "zc.chat.applyBlock", {**block, "preview": False})
    assert applied["applied"] is True and len(client.applied) == 1  # type: ignore[attr-defined]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=CALC + "\n# edited\n")],
        )
    )
    stale = await execute(client, "zc.chat.applyBlock", {**block, "preview": False})
    assert stale["applied"] is False and "changed since" in stale["reason"]
    with pytest.raises(Exception, match="changed since"):
        await execute(client, "zc.chat.applyBlock", {**block, "preview": True})
    outside = workspace.parent / "outside.py"
    outside.write_text("x = 1\n")
    out_uri = open_doc(client, outside)
    refused = await execute(
        client,
        "zc.chat.applyBlock",
        {"uri": out_uri, "version": 1, "code": "y = 2\n", "range": rng(0, 0, 0, 0), "preview": False},
    )
    assert refused["applied"] is False and refused["reason"]
    assert len(client.applied) == 1  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="version"):
        await execute(client, "zc.chat.applyBlock", {"uri": uri, "code": "x"})


@pytest.mark.parametrize(
    ("command", "argument", "reason"),
    [
        ("zc.chat", {"message": 5}, "message must be text"),
        ("zc.chat", {"message": "hi", "files": "calc.py"}, "files must be a list"),
        ("zc.chat", {"message": "hi", "stream": 3}, "stream must be text"),
        ("zc.chat", {"message": "hi", "uri": "file:///nowhere/x.py"}, "no such file"),
        ("zc.chat.stop", {}, "missing argument: stream"),
        ("zc.chat.history", "oops", "one object argument"),
        ("zc.chat.applyBlock", {"uri": "file:///x.py", "version": "1", "code": "x"}, "version must be"),
        ("zc.chat.applyBlock", {"uri": "file:///x.py", "version": 1, "code": 3}, "code must be text"),
    ],
)
async def test_bad_arguments_are_invalid_params_with_the_reason(
    client: LanguageClient, command: str, argument: Any, reason: str
) -> None:
    with pytest.raises(Exception, match=reason) as caught:
        await execute(client, command, argument)
    assert "-32602" in repr(caught.value) or "InvalidParams" in type(caught.value).__name__
