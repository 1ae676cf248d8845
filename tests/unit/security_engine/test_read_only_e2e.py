"""Issue 10.1 over stdio: the editor's reviews of a `fix = true` project write nothing, findings show."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, SERVER_ENV, execute, init_params, open_doc, wait_for_diagnostics
from tests.unit.security_engine.readonly_project import make_project, snapshot

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "fixme")
    (root / ".zombiecoder.yaml").write_text("diagnostics:\n  debounce_ms: 20\n")
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, project: Path):
    lsp_client.init_result = await lsp_client.initialize_session(init_params(project))
    yield
    await lsp_client.shutdown_session()


async def test_editor_reviews_leave_a_fix_true_project_byte_identical(client: LanguageClient, project: Path):
    before = snapshot(project)
    uri = open_doc(client, project / "app.py")
    diags = await wait_for_diagnostics(client, uri, lambda d: {"F401", "S602"} <= {x.code for x in d})
    assert all(d.source for d in diags)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    one = await execute(client, "zc.review", uri)
    assert one["findings"] > 0
    whole = await execute(client, "zc.review", None, {"workspace": True})
    assert whole["findings"] > 0
    assert snapshot(project) == before
