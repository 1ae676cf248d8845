"""Issue 13 over stdio: a taint finding reaches the editor with its CWE and the source-to-sink path
as relatedInformation; the placeholder-only SQL beside it gets no pattern-rule alarm."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, SERVER_ENV, init_params, wait_for_diagnostics

pytestmark = pytest.mark.timeout(150)

APP = textwrap.dedent(
    """\
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/users")
    def users():
        name = request.args.get("name", "")
        ids = request.args.getlist("id")
        marks = ", ".join("?" for _ in ids)
        db = sqlite3.connect("app.db")
        safe = db.execute(f"SELECT * FROM users WHERE id IN ({marks})", ids).fetchall()
        unsafe = db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
        return {"safe": safe, "unsafe": unsafe}
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (root / ".zombiecoder.yaml").write_text("diagnostics:\n  debounce_ms: 20\n")
    (root / "app.py").write_text(APP)
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, project: Path):
    lsp_client.init_result = await lsp_client.initialize_session(init_params(project))
    yield
    await lsp_client.shutdown_session()


async def test_taint_finding_reaches_the_editor_with_its_path(client: LanguageClient, project: Path) -> None:
    uri = (project / "app.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=APP)
        )
    )
    diags = await wait_for_diagnostics(client, uri, lambda d: any(x.code == "ZC-TAINT-SQL" for x in d))
    (taint,) = [d for d in diags if d.code == "ZC-TAINT-SQL"]
    assert taint.range.start.line == 14 and taint.source == "zombiecoder/taint"
    assert "CWE-89" in taint.message and (taint.data or {}).get("cwe") == 89
    steps = taint.related_information or []
    assert [s.location.range.start.line for s in steps][0] == 9 and steps[-1].location.range.start.line == 14
    assert all(s.location.uri == uri for s in steps) and steps[-1].message.startswith("sink:")
    # The parameterised query on line 14 (0-based 13) gets no S608 and no second SQL finding.
    assert not [d for d in diags if d.range.start.line == 13 and d.code in ("S608", "B608", "ZC-TAINT-SQL")]
