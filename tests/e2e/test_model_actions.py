"""Model-powered code actions and commands over stdio, with the server's Ollama provider on the fake model server."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import apply_text_edits, execute
from tests.fakes.model_server import FakeModelServer, Script

from .conftest import SERVER, SERVER_ENV, init_params, open_doc

pytestmark = pytest.mark.timeout(120)

CALC = textwrap.dedent(
    '''\
    def add(a: int, b: int) -> int:
        return a + b


    def divide(a: float, b: float) -> float:
        """Divide a by b."""
        raise NotImplementedError
    '''
)
TESTS = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
GOOD = '```python\ndef divide(a: float, b: float) -> float:\n    """Divide a by b."""\n    return a / b\n```'


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


@pytest.fixture
def workspace(tmp_path: Path, model_server: FakeModelServer) -> Path:
    root = tmp_path / "ws"
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "tests" / "test_calc.py").write_text(TESTS)
    (root / "conftest.py").write_text("import sys, pathlib\nsys.path.insert(0, str(pathlib.Path(__file__).parent))\n")
    (root / ".zombiecoder.yaml").write_text(textwrap.dedent("""\
        diagnostics:
          debounce_ms: 50
        background:
          enabled: false
        providers:
          ollama:
            models: {default: fake-small}
        router:
          chain: [ollama, offline]
          cache: false
          backoff_s: 0.01
        """))
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, workspace: Path, model_server: FakeModelServer):
    # Endpoints are user-only settings: the editor names the fake server, the workspace cannot.
    await lsp_client.initialize_session(init_params(workspace, options={"providers": {"ollama": {"host": model_server.url}}}))
    for _ in range(200):  # services start after the initialize reply; model actions need the router
        try:
            await execute(lsp_client, "zc.status")
            break
        except Exception:  # "not initialized yet": try again shortly
            await asyncio.sleep(0.05)
    yield
    await lsp_client.shutdown_session()


def rng(l1: int, c1: int, l2: int, c2: int) -> types.Range:
    return types.Range(start=types.Position(line=l1, character=c1), end=types.Position(line=l2, character=c2))


async def actions_at(client: LanguageClient, uri: str, where: types.Range,
                     diagnostics: list[types.Diagnostic] | None = None) -> list[types.CodeAction]:
    found = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=where,
        context=types.CodeActionContext(diagnostics=diagnostics or []))), 30)
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


async def test_implement_this_is_listed_and_resolves_into_a_verified_edit(client: LanguageClient, workspace: Path,
                                                                          model_server: FakeModelServer):
    uri = open_doc(client, workspace / "calc.py")
    actions = await actions_at(client, uri, rng(6, 4, 6, 4))
    implement = next((a for a in actions if a.title.startswith("ZombieCoder: Implement this")), None)
    assert implement is not None, [a.title for a in actions]
    assert implement.title.endswith("(ollama/fake-small)") and implement.edit is None
    assert not [r for r in model_server.requests if r.method == "POST"]  # listing never calls a model
    model_server.push(Script(text=GOOD))
    resolved = await asyncio.wait_for(client.code_action_resolve_async(implement), 60)
    change = resolved.edit.document_changes[0]
    annotation = resolved.edit.change_annotations["zc-model-edit"]
    assert annotation.label == "verified: 1 test pass (ollama/fake-small)"
    assert all(isinstance(e, types.AnnotatedTextEdit) for e in change.edits)
    new = apply_text_edits(CALC, change.edits)
    assert "return a / b" in new and "NotImplementedError" not in new and "def add" in new


async def test_fix_with_ai_is_listed_for_each_diagnostic(client: LanguageClient, workspace: Path):
    uri = open_doc(client, workspace / "calc.py")
    diag = types.Diagnostic(range=rng(1, 4, 1, 16), message="Something is off", code="X123", source="other-linter")
    actions = await actions_at(client, uri, rng(1, 4, 1, 16), [diag])
    titles = [a.title for a in actions]
    assert "ZombieCoder: Fix with AI: X123 (ollama/fake-small)" in titles
    assert "ZombieCoder: Refactor selection (ollama/fake-small)" in titles


async def test_a_reply_editing_outside_the_workspace_is_refused(client: LanguageClient, workspace: Path,
                                                                model_server: FakeModelServer):
    uri = open_doc(client, workspace / "calc.py")
    implement = next(a for a in await actions_at(client, uri, rng(6, 0, 6, 0)) if "Implement this" in a.title)
    model_server.push(Script(text="```python\n# File: /etc/zc_evil.py\ndef divide(a, b):\n    return a / b\n```"))
    resolved = await asyncio.wait_for(client.code_action_resolve_async(implement), 60)
    assert resolved.edit is None
    for _ in range(100):
        if any("outside the workspace" in m.message for m in client.messages):
            break
        await asyncio.sleep(0.05)
    assert any("outside the workspace" in m.message for m in client.messages)


async def test_explain_streams_partial_text_as_progress(client: LanguageClient, workspace: Path,
                                                        model_server: FakeModelServer):
    uri = open_doc(client, workspace / "calc.py")
    words = "The divide function is a stub that raises NotImplementedError until someone writes it"
    model_server.push(Script(text=words, chunk_delay_s=0.06))
    reply = await execute(client, "zc.explain", uri, {"start": {"line": 5, "character": 0},
                                                      "end": {"line": 5, "character": 0}}, {"show": False})
    assert reply["markdown"] == words and reply["provenance"] == "ollama/fake-small"
    messages = [r.message for reports in client.progress_reports.values() for r in reports
                if isinstance(r, types.WorkDoneProgressReport) and r.message]
    partial = [m for m in messages if words.startswith(m.strip()) and m.strip() != words]
    assert len(partial) >= 2  # the reply arrived piece by piece


async def test_chat_answer_carries_provider_and_model(client: LanguageClient, workspace: Path,
                                                      model_server: FakeModelServer):
    model_server.push(Script(text="`add` returns the sum of its arguments."))
    reply = await execute(client, "zc.chat", "what does add do?")
    assert reply["ok"] and reply["markdown"] == "`add` returns the sum of its arguments."
    assert (reply["provider"], reply["model"]) == ("ollama", "fake-small")
    assert "return a + b" in model_server.requests[-1].body.decode()
