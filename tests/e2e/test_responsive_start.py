"""Start-up work never holds a request, and only the latest version's diagnostics reach the editor."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import CALC, SERVER, SERVER_ENV, init_params, make_workspace, open_doc, wait_for_diagnostics

GATE = Path(tempfile.mkdtemp(prefix="zc-e2e-gate-")) / "open"
GATED_SERVER = [sys.executable, str(Path(__file__).with_name("gated_start_server.py"))]


def record_versions(client: LanguageClient) -> None:
    """Keep (uri, version) of every publishDiagnostics; pytest-lsp's own handler keeps the lists."""
    client.published = []  # type: ignore[attr-defined]
    features = client.protocol.fm.features
    keep_lists = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.published.append((params.uri, params.version))  # type: ignore[attr-defined]
        keep_lists(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=GATED_SERVER, server_env={**SERVER_ENV, "ZC_TEST_START_GATE": str(GATE)})
)
async def gated(lsp_client: LanguageClient, tmp_path: Path):
    GATE.unlink(missing_ok=True)
    record_versions(lsp_client)
    lsp_client.workspace_root = make_workspace(tmp_path / "ws")  # type: ignore[attr-defined]
    await lsp_client.initialize_session(init_params(lsp_client.workspace_root))  # type: ignore[attr-defined]
    yield
    GATE.touch()
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    record_versions(lsp_client)
    lsp_client.workspace_root = make_workspace(tmp_path / "ws")  # type: ignore[attr-defined]
    await lsp_client.initialize_session(init_params(lsp_client.workspace_root))  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_requests_are_answered_while_start_up_work_is_pending(gated: LanguageClient) -> None:
    root: Path = gated.workspace_root  # type: ignore[attr-defined]
    uri = open_doc(gated, root / "calc.py")
    point = types.Position(line=5, character=4)
    actions = await asyncio.wait_for(
        gated.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(start=point, end=point),
                context=types.CodeActionContext(diagnostics=[]),
            )
        ),
        30,
    )
    assert actions  # listed from the document alone, services or not
    assert uri not in gated.diagnostics  # the review is still waiting for the services: start-up is pending
    GATE.touch()
    diags = await wait_for_diagnostics(gated, uri)
    assert any(d.code == "F401" for d in diags)


async def test_only_the_latest_version_is_published_after_quick_changes(client: LanguageClient) -> None:
    root: Path = client.workspace_root  # type: ignore[attr-defined]
    uri = open_doc(client, root / "calc.py")
    await wait_for_diagnostics(client, uri)
    for version in range(2, 8):  # quick typing: each change supersedes the review of the one before
        text = f"import sys{version}\n" + CALC  # an unused import that names its version
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    await wait_for_diagnostics(client, uri, lambda diags: any("sys7" in d.message for d in diags))
    await asyncio.sleep(1.0)  # the deep pass of v7 follows; nothing older may come after
    versions = [v for u, v in client.published if u == uri]  # type: ignore[attr-defined]
    latest = versions[versions.index(7) :]
    assert latest and all(v == 7 for v in latest), versions  # once v7 is out, nothing older follows
    assert not any("sys6" in d.message for d in client.diagnostics[uri])
