"""Issue 13.3/13.4 over stdio: config files get diagnostics, sources name engines, a parse failure is one
information diagnostic, and "Suppress CODE on this line" round-trips (edit -> review honours it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, SERVER_ENV, apply_text_edits, init_params, wait_for_diagnostics

pytestmark = pytest.mark.timeout(150)

SETTINGS = textwrap.dedent(
    """\
    import subprocess

    DEBUG = True
    ALLOWED_HOSTS = ["*"]


    def run(cmd):
        return subprocess.call(cmd, shell=True)
    """
)
CONFIG = "database:\n  user: shop\n  password: Sup3r-S3cret!\napp:\n  debug: true\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (root / ".zombiecoder.yaml").write_text("diagnostics:\n  debounce_ms: 20\n")
    (root / "settings.py").write_text(SETTINGS)
    (root / "config.yaml").write_text(CONFIG)
    (root / "broken.yaml").write_text("app:\n  debug: [true\n")
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, project: Path):
    lsp_client.init_result = await lsp_client.initialize_session(init_params(project))
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, language_id: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=path.read_text())))
    return uri


async def _suppress(client: LanguageClient, uri: str, diag: types.Diagnostic, text: str, version: int) -> str:
    """Ask for the code actions of one diagnostic, take "Suppress", check its edit, apply it, send it."""
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
        context=types.CodeActionContext(diagnostics=[diag])))
    titles = [a.title for a in actions or []]
    action = next(a for a in actions or [] if a.title == f"ZombieCoder: Suppress {diag.code} on this line")
    assert action.kind == types.CodeActionKind.QuickFix and action.edit is not None, titles
    (change,) = action.edit.document_changes
    assert change.text_document.version == version - 1  # stamped with the version it was computed on
    new_text = apply_text_edits(text, list(change.edits))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)]))
    return new_text


async def test_suppress_quick_fixes_round_trip_for_zc_and_ruff_codes(client: LanguageClient, project: Path) -> None:
    uri = _open(client, project / "settings.py", "python")
    diags = await wait_for_diagnostics(client, uri, lambda d: {"ZC-CONF-DEBUG", "ZC-CONF-HOSTS", "S602"} <= {x.code for x in d})
    by_code = {d.code: d for d in diags}
    assert by_code["ZC-CONF-DEBUG"].source == "zombiecoder/settings"
    assert by_code["S602"].source == "zombiecoder/ruff"
    assert len(by_code["ZC-CONF-DEBUG"].data["id"]) == 32  # the stable id travels in the diagnostic's data

    text = await _suppress(client, uri, by_code["ZC-CONF-DEBUG"], SETTINGS, 2)
    assert "DEBUG = True  # zc: ignore[ZC-CONF-DEBUG]" in text
    diags = await wait_for_diagnostics(client, uri, lambda d: "ZC-CONF-DEBUG" not in {x.code for x in d}
                                       and "ZC-CONF-HOSTS" in {x.code for x in d})
    text = await _suppress(client, uri, next(d for d in diags if d.code == "S602"), text, 3)
    assert "subprocess.call(cmd, shell=True)  # noqa: S602" in text
    diags = await wait_for_diagnostics(client, uri, lambda d: "S602" not in {x.code for x in d}
                                       and "ZC-CONF-HOSTS" in {x.code for x in d})
    assert (project / "settings.py").read_text() == SETTINGS  # the review wrote nothing; the client edits


async def test_yaml_gets_diagnostics_and_a_broken_one_an_information_note(client: LanguageClient, project: Path) -> None:
    uri = _open(client, project / "config.yaml", "yaml")
    diags = await wait_for_diagnostics(client, uri, lambda d: {"ZC-CONF-SECRET", "ZC-CONF-DEBUG"} <= {x.code for x in d})
    secret = next(d for d in diags if d.code == "ZC-CONF-SECRET")
    assert secret.source == "zombiecoder/config" and secret.range.start.line == 2
    assert "Sup3r-S3cret!" not in secret.message
    # The same finding has the same id in the editor and in `zc review --format json`.
    env = {**os.environ, "XDG_DATA_HOME": str(project.parent / "d"), "XDG_CONFIG_HOME": str(project.parent / "c"),
           "OLLAMA_HOST": "http://127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-m", "zc_lsp.cli", "review", str(project / "config.yaml"), "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=120, cwd=project)
    rows = json.loads(out.stdout)["findings"]
    assert secret.data["id"] in {r["id"] for r in rows if r["code"] == "ZC-CONF-SECRET"}

    broken = _open(client, project / "broken.yaml", "yaml")
    (note,) = await wait_for_diagnostics(client, broken)
    assert note.code == "ZC-PARSE" and note.severity == types.DiagnosticSeverity.Information
    assert "not valid YAML" in note.message and note.range.start.line == 2
