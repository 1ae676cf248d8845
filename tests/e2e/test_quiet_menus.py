"""Model actions are listed only when a model is reachable; otherwise one disabled entry says why
(clients that show `CodeAction.disabled`) or nothing (clients that do not)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.fakes.model_server import FakeModelServer

from .conftest import SERVER, SERVER_ENV, execute, make_workspace, open_doc

pytestmark = pytest.mark.timeout(120)
NO_MODEL = {"background": {"enabled": False}}


def _params(root: Path, client: str, options: dict) -> types.InitializeParams:
    return types.InitializeParams(
        capabilities=client_capabilities(client),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options={"trust": {"trusted": True}, **options},
    )


async def _ollama_known(client: LanguageClient, healthy: bool) -> None:
    """Wait until the server's reachability check has an answer for ollama."""
    for _ in range(300):
        status = await execute(client, "zc.status")
        row = next((p for p in status.get("providers", []) if p["name"] == "ollama"), None)
        if row is not None and row.get("healthy") is healthy:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"ollama never became healthy={healthy}: {row}")


async def _ai_entries(client: LanguageClient, uri: str) -> list[types.CodeAction | types.Command]:
    """Everything ZombieCoder lists about models for a finding on a selection in `divide`."""
    diag = types.Diagnostic(
        range=types.Range(start=types.Position(line=9, character=4), end=types.Position(line=9, character=20)),
        message="Something is off",
        code="X123",
        source="other-linter",
    )
    found = await asyncio.wait_for(
        client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diag.range,
                context=types.CodeActionContext(diagnostics=[diag]),
            )
        ),
        30,
    )
    words = ("AI", "Refactor selection", "Optimise selection", "Implement this", "model")
    return [a for a in found or [] if any(w in a.title for w in words)]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def vscode(lsp_client: LanguageClient, tmp_path: Path):
    root = make_workspace(tmp_path / "ws")
    lsp_client.root = root
    await lsp_client.initialize_session(_params(root, "visual-studio-code", NO_MODEL))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def neovim(lsp_client: LanguageClient, tmp_path: Path):
    root = make_workspace(tmp_path / "ws")
    lsp_client.root = root
    await lsp_client.initialize_session(_params(root, "neovim", NO_MODEL))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def with_model(lsp_client: LanguageClient, tmp_path: Path, model_server: FakeModelServer):
    root = make_workspace(tmp_path / "ws")
    lsp_client.root = root
    options = {**NO_MODEL, "providers": {"ollama": {"host": model_server.url, "models": {"default": "fake-small"}}}}
    await lsp_client.initialize_session(_params(root, "visual-studio-code", options))
    yield
    await lsp_client.shutdown_session()


async def test_no_model_gives_one_disabled_entry_with_its_reason(vscode: LanguageClient) -> None:
    uri = open_doc(vscode, vscode.root / "calc.py")
    await _ollama_known(vscode, healthy=False)
    entries = await _ai_entries(vscode, uri)
    assert len(entries) == 1, [e.title for e in entries]
    entry = entries[0]
    assert isinstance(entry, types.CodeAction) and entry.title == "ZombieCoder: AI actions (no model reachable)"
    assert entry.disabled is not None and entry.disabled.reason.startswith("No model is reachable (ollama: ")
    assert "127.0.0.1:9" in entry.disabled.reason or "not reachable" in entry.disabled.reason
    assert entry.edit is None and entry.command is None and entry.data is None


async def test_no_model_and_no_disabled_support_lists_nothing(neovim: LanguageClient) -> None:
    uri = open_doc(neovim, neovim.root / "calc.py")
    await _ollama_known(neovim, healthy=False)
    assert await _ai_entries(neovim, uri) == []


async def test_a_reachable_model_lists_the_model_actions(with_model: LanguageClient) -> None:
    uri = open_doc(with_model, with_model.root / "calc.py")
    await _ollama_known(with_model, healthy=True)
    entries = await _ai_entries(with_model, uri)
    titles = {e.title for e in entries}
    assert {
        "ZombieCoder: Fix with AI: X123 (ollama/fake-small)",
        "ZombieCoder: Optimise selection (ollama/fake-small)",
        "ZombieCoder: Refactor selection (ollama/fake-small)",
    } <= titles
    assert all("(ollama/fake-small)" in e.title and e.disabled is None for e in entries), titles


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def late_model(lsp_client: LanguageClient, tmp_path: Path, free_port: int):
    root = make_workspace(tmp_path / "ws")
    lsp_client.root = root
    options = {
        **NO_MODEL,
        "providers": {"ollama": {"host": f"http://127.0.0.1:{free_port}", "models": {"default": "late-model"}}},
    }
    await lsp_client.initialize_session(_params(root, "visual-studio-code", options))
    yield
    await lsp_client.shutdown_session()


async def test_a_model_started_after_the_editor_appears_in_the_menu(late_model: LanguageClient, free_port: int) -> None:
    uri = open_doc(late_model, late_model.root / "calc.py")
    await _ollama_known(late_model, healthy=False)
    assert [e.disabled is not None for e in await _ai_entries(late_model, uri)] == [True]
    with socket.socket() as listener:  # the model server comes up (reachability is a TCP connect)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", free_port))
        listener.listen(8)
        for _ in range(300):
            titles = [e.title for e in await _ai_entries(late_model, uri)]
            if "ZombieCoder: Fix with AI: X123 (ollama/late-model)" in titles:
                break
            await asyncio.sleep(0.1)
        assert "ZombieCoder: Fix with AI: X123 (ollama/late-model)" in titles
