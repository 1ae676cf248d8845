"""End-to-end fixtures: a real `python -m zc_lsp` over stdio, driven by pytest-lsp."""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

# Isolate the server's data and user config from the developer's machine.
_HOME = Path(tempfile.mkdtemp(prefix="zc-e2e-home-"))
SERVER_ENV = {
    **os.environ,
    "XDG_DATA_HOME": str(_HOME / "data"),
    "XDG_CONFIG_HOME": str(_HOME / "config"),
    "OLLAMA_HOST": "http://127.0.0.1:9",  # nothing listens there: offline engines answer
    "OPENAI_API_KEY": "",
    "ANTHROPIC_API_KEY": "",
}
SERVER = [sys.executable, "-m", "zc_lsp"]

CALC = textwrap.dedent(
    '''\
    import os
    import subprocess


    def add(a, b):
        return a + b


    def divide(a: float, b: float) -> float:
        if b == 0:
            raise ZeroDivisionError("b must not be zero")
        return a / b


    def run(cmd):
        return subprocess.call(cmd, shell=True)
    '''
)
TESTS = textwrap.dedent(
    '''\
    import time

    from calc import add, divide


    def test_add():
        assert add(2, 2) == 4


    def test_divide_wrong():
        assert divide(1, 2) == 0.25


    def test_slow():
        time.sleep(float(__import__("os").environ.get("ZC_SLOW", "0")))
    '''
)


def make_workspace(root: Path) -> Path:
    (root / "tests").mkdir(parents=True, exist_ok=True)
    (root / "calc.py").write_text(CALC)
    (root / "tests" / "test_calc.py").write_text(TESTS)
    (root / "conftest.py").write_text("import sys, pathlib\nsys.path.insert(0, str(pathlib.Path(__file__).parent))\n")
    (root / ".zombiecoder.yaml").write_text("diagnostics:\n  debounce_ms: 50\nbackground:\n  enabled: true\n")
    return root


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


def init_params(root: Path, trusted: bool | None = True, options: dict | None = None) -> types.InitializeParams:
    """`options`: more initializationOptions, e.g. user-only settings (providers' hosts) a workspace may not set."""
    options = {**({"trust": {"trusted": trusted}} if trusted is not None else {}), **(options or {})}
    return types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options=options,
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, workspace: Path):
    lsp_client.init_result = await lsp_client.initialize_session(init_params(workspace))
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text if text is not None else path.read_text())
        )
    )
    return uri


async def wait_for_diagnostics(client: LanguageClient, uri: str, predicate=lambda diags: bool(diags), timeout: float = 20.0):
    import asyncio

    async def wait() -> list[types.Diagnostic]:
        while True:
            diags = list(client.diagnostics.get(uri, []))
            if predicate(diags):
                return diags
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(wait(), timeout)


async def execute(client: LanguageClient, command: str, *args: object):
    """workspace/executeCommand with a time limit: a hung command fails the test instead of CI."""
    import asyncio

    return await asyncio.wait_for(
        client.workspace_execute_command_async(types.ExecuteCommandParams(command=command, arguments=list(args))), 60
    )


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 columns equal characters for the ASCII test files) to text."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(pos: types.Position) -> int:
        return offsets[min(pos.line, len(lines))] + pos.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text
