"""Multi-root over stdio: each workspace folder has its own config, trust, memory and tests, and
folders can come and go (`workspace/didChangeWorkspaceFolders`)."""

from __future__ import annotations

import asyncio
import site
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .conftest import SERVER, SERVER_ENV, execute, open_doc, wait_for_diagnostics

pytestmark = pytest.mark.timeout(180)

SOURCE = "import os\n\n\ndef double(x):\n    return 2 * x\n"
FAILING = "from mod import double\n\n\ndef test_a_fails():\n    assert double(2) == 5\n"
PASSING = "from mod import double\n\n\ndef test_b_one():\n    assert double(2) == 4\n\n\ndef test_b_two():\n    assert double(0) == 0\n"
CONFTEST = "import sys, pathlib\nsys.path.insert(0, str(pathlib.Path(__file__).parent))\n"


def _folder(root: Path, tests: str, config: str) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "mod.py").write_text(SOURCE)
    (root / "tests" / "test_mod.py").write_text(tests)
    (root / "conftest.py").write_text(CONFTEST)
    (root / ".zombiecoder.yaml").write_text(config)
    (root / "extra.py").write_text("import json\n")  # never opened: a workspace review reads it from disk
    return root


def _venv_seeing_pytest(env_dir: Path) -> Path:
    """A folder's own .venv (no pip, so it is quick) that imports pytest through a .pth file."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=60)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout.strip()
    Path(purelib, "zc_tool_site.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python


BASE = "diagnostics:\n  debounce_ms: 50\nbackground:\n  enabled: false\n"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    # A ignores unused imports (F401) and has a failing test; B reports F401 and has two passing tests.
    a = _folder(
        tmp_path / "alpha",
        FAILING,
        BASE.replace("  debounce_ms: 50\n", "  debounce_ms: 50\n  ruff_ignore: [E501, F401]\n"),
    )
    b = _folder(tmp_path / "beta", PASSING, BASE)
    _venv_seeing_pytest(b / ".venv")
    return a, b


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, folders: tuple[Path, Path]):
    a, b = folders
    # The editor's per-folder settings: alpha is not trusted (the global value), beta is.
    lsp_client.set_configuration({"trust": {"trusted": False}}, section="zombiecoder")
    lsp_client.set_configuration({"trust": {"trusted": True}}, section="zombiecoder", scope_uri=b.as_uri())
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=a.as_uri(),
            workspace_folders=[
                types.WorkspaceFolder(uri=a.as_uri(), name="alpha"),
                types.WorkspaceFolder(uri=b.as_uri(), name="beta"),
            ],
            initialization_options={},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _folders_status(client: LanguageClient, count: int, trust_known: bool = True) -> dict[str, dict]:
    for _ in range(400):
        rows = (await execute(client, "zc.status")).get("folders") or []
        if len(rows) == count and (not trust_known or all(r["trusted"] is not None for r in rows)):
            return {Path(r["root"]).name: r for r in rows}
        await asyncio.sleep(0.05)
    raise AssertionError(f"folders never reached {count} with trust known: {rows}")


async def test_each_folder_has_its_own_config_trust_memory_and_tests(
    client: LanguageClient, folders: tuple[Path, Path]
) -> None:
    a, b = folders
    status = await _folders_status(client, 2)
    assert status["alpha"]["trusted"] is False and status["beta"]["trusted"] is True
    assert str(a / ".zombiecoder.yaml") in status["alpha"]["config_sources"]
    assert str(b / ".zombiecoder.yaml") in status["beta"]["config_sources"]
    memory_a, memory_b = Path(status["alpha"]["memory"]), Path(status["beta"]["memory"])
    assert memory_a != memory_b and (memory_a / "tasks.db").is_file() and (memory_b / "tasks.db").is_file()

    # The same source reviewed with each folder's own config: only beta reports the unused import.
    uri_a, uri_b = open_doc(client, a / "mod.py"), open_doc(client, b / "mod.py")
    diags_b = await wait_for_diagnostics(client, uri_b, lambda d: any(x.code == "F401" for x in d))
    assert diags_b[0].range.start.line == 0
    await wait_for_diagnostics(client, uri_a, lambda d: True)  # published (it may be empty)
    await asyncio.sleep(0.3)  # a late F401 for alpha would arrive by now
    assert not [d for d in client.diagnostics[uri_a] if d.code == "F401"]
    # The open findings are in the server's status (zc status, the dashboard), per file.
    findings = (await execute(client, "zc.status"))["findings"]
    beta = next(f for f in findings["files"] if f["path"] == str(b / "mod.py"))
    assert any(item["code"] == "F401" and item["line"] == 1 for item in beta["items"])

    # zc.runTests for a file in beta runs beta's tests with beta's interpreter.
    ran = await execute(client, "zc.runTests", (b / "tests" / "test_mod.py").as_uri())
    assert ran["ok"] and ran["passed"] == 2 and ran["failed"] == 0, ran
    assert ran["interpreter"] == f"{b / '.venv' / 'bin' / 'python'} (the workspace's .venv)"
    # alpha is not trusted: its tests do not run, whatever beta says.
    refused = await execute(client, "zc.runTests", (a / "tests" / "test_mod.py").as_uri())
    assert not refused["ok"] and "not trusted" in refused["error"]
    # Memory is separate on disk: the test run is remembered in beta's folder only.
    assert _test_runs(memory_b) == 1 and _test_runs(memory_a) == 0

    # A workspace review covers every folder, each file with its own folder's config.
    reviewed = await execute(client, "zc.review", None, {"workspace": True})
    assert reviewed["ok"] and reviewed["files"] >= 6, reviewed
    extra_a, extra_b = (a / "extra.py").as_uri(), (b / "extra.py").as_uri()
    await wait_for_diagnostics(client, extra_b, lambda d: any(x.code == "F401" for x in d))
    assert extra_a in client.diagnostics and not [d for d in client.diagnostics[extra_a] if d.code == "F401"]


def _test_runs(memory: Path) -> int:
    """Test runs the verifier remembered in this data folder (its own store, read-only here)."""
    db = memory / "agents" / "verifier" / "memory.db"
    if not db.is_file():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM memories WHERE kind = 'test_run'").fetchone()[0])


async def test_folders_added_and_removed_get_and_lose_their_services(
    client: LanguageClient, folders: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = folders
    servers_b = Path((await _folders_status(client, 2))["beta"]["memory"]) / "servers"
    await _until(lambda: any(servers_b.glob("*.json")), "beta registered for `zc status`")
    c = _folder(tmp_path / "gamma", PASSING, BASE)
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=c.as_uri(), name="gamma")],
                removed=[types.WorkspaceFolder(uri=b.as_uri(), name="beta")],
            )
        )
    )
    status = await _folders_status(client, 2)
    assert sorted(status) == ["alpha", "gamma"]
    await _until(lambda: not any(servers_b.glob("*.json")), "beta's registration removed with the folder")
    assert str(c / ".zombiecoder.yaml") in status["gamma"]["config_sources"]
    assert status["gamma"]["memory"] not in (status["alpha"]["memory"],)
    # gamma's documents are reviewed with gamma's config (F401 reported; alpha ignores it).
    uri_c = open_doc(client, c / "mod.py")
    await wait_for_diagnostics(client, uri_c, lambda d: any(x.code == "F401" for x in d))


async def _until(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def asking(lsp_client: LanguageClient, folders: tuple[Path, Path]):
    """No trust from anywhere: an explicit test run asks, and the user answers "Run this time"."""
    a, b = folders
    lsp_client.asked = []

    @lsp_client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def answer(params: types.ShowMessageRequestParams) -> types.MessageActionItem:
        lsp_client.asked.append(params.message)
        return types.MessageActionItem(title="Run this time")

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=a.as_uri(),
            workspace_folders=[
                types.WorkspaceFolder(uri=a.as_uri(), name="alpha"),
                types.WorkspaceFolder(uri=b.as_uri(), name="beta"),
            ],
            initialization_options={},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_run_this_time_holds_for_its_own_folder_only(asking: LanguageClient, folders: tuple[Path, Path]) -> None:
    a, b = folders
    await _folders_status(asking, 2, trust_known=False)
    first = await execute(asking, "zc.runTests", (a / "tests" / "test_mod.py").as_uri())
    assert first["ok"] and first["failed"] == 1, first  # alpha's tests ran (its one test fails)
    assert len(asking.asked) == 1 and str(a) in asking.asked[0]
    again = await execute(asking, "zc.runTests", (a / "tests" / "test_mod.py").as_uri())
    assert again["ok"] and len(asking.asked) == 1  # "Run this time" holds for alpha
    other = await execute(asking, "zc.runTests", (b / "tests" / "test_mod.py").as_uri())
    assert other["ok"] and other["passed"] == 2
    assert len(asking.asked) == 2 and str(b) in asking.asked[1]  # beta is asked about on its own
