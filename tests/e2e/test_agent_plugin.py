"""An agent installed from outside the repository, through a real `zombiecoder.agents` entry point.

The plug-in is the code block of docs/plugins.md, written as a module next to a `.dist-info` folder
(METADATA + entry_points.txt) on a temporary `sys.path` entry: the registry's scan
(`agents/entry_points.py`, which reads `.dist-info` folders as importlib.metadata does and is tested
against it) finds it exactly as it finds a `pip install`ed distribution, and nothing is patched. A second
distribution points at a module that fails to import; it must be skipped and reported, and the
other agents must keep working.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, SERVER_ENV, execute, init_params, make_workspace, open_doc, wait_for_diagnostics

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
BROKEN_REASON = "frobnicate is not installed"


def example_from_docs() -> str:
    """The first ```python block of docs/plugins.md: the page's example is what this test installs."""
    found = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert found is not None, "docs/plugins.md lost its example agent"
    return found.group(1)


def install_distribution(site: Path, dist: str, module: str, source: str, entry: str) -> None:
    """What `pip install` leaves behind, reduced to what an entry-point scan reads."""
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{dist}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[zombiecoder.agents]\n{entry}\n", encoding="utf-8")


def make_site() -> Path:
    site = Path(tempfile.mkdtemp(prefix="zc-plugin-site-"))
    install_distribution(site, "zc_todo_agent", "zc_todo_agent", example_from_docs(), "todo = zc_todo_agent:SPEC")
    install_distribution(
        site,
        "zc_broken_agent",
        "zc_broken_agent",
        f"raise ImportError({BROKEN_REASON!r})\n",
        "broken = zc_broken_agent:SPEC",
    )
    return site


SITE = make_site()
PLUGIN_ENV = {**SERVER_ENV, "PYTHONPATH": os.pathsep.join(p for p in (str(SITE), SERVER_ENV.get("PYTHONPATH")) if p)}
TODO_SOURCE = "import os\n\n\ndef f():  # TODO: handle errors\n    return os.sep  # FIXME\n"


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plug-ins' site on sys.path of this process (the entry-point scan reads sys.path when it runs)."""
    monkeypatch.syspath_prepend(str(SITE))
    for module in ("zc_todo_agent", "zc_broken_agent"):
        monkeypatch.delitem(sys.modules, module, raising=False)


def test_the_registry_loads_the_plugin_and_reports_the_broken_one(on_path: None) -> None:
    from zc_lsp.agents.registry import AgentRegistry

    registry = AgentRegistry.from_entry_points()
    assert "todo" in registry.names()
    assert registry.by_command("zc.todos") == ("todo", registry.specs["todo"].actions[0])
    assert {"programming", "best_practices", "verifier", "conversational", "ops"} <= set(registry.names())
    assert "broken" not in registry.names()
    assert any("'broken'" in p and BROKEN_REASON in p for p in registry.problems), registry.problems


def test_batch_templates_validate_against_the_plugin(on_path: None) -> None:
    from zc_lsp.agents.registry import AgentRegistry
    from zc_lsp.background.templates import parse_templates

    registry = AgentRegistry.from_entry_points()
    configured = {
        "todos": {"agent": "todo", "action": "todos", "each_file": "**/*.py"},
        "typo": {"agent": "todo", "action": "fixmes"},
        "gone": {"agent": "broken", "action": "anything"},
    }
    templates, issues = parse_templates(configured, lambda key: ("test.yaml", 1), registry)
    assert templates["todos"].agent == "todo" and templates["todos"].action == "todos"
    problems = {issue.key: issue.message for issue in issues}
    assert set(problems) == {"background.templates.typo", "background.templates.gone"}
    assert "todos" in problems["background.templates.typo"]  # names what the agent can do
    assert "todo" in problems["background.templates.gone"]  # names the agents that are installed


def test_zc_doctor_in_a_terminal_names_the_plugin_and_the_skipped_one(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    out = subprocess.run(
        [sys.executable, "-m", "zc_lsp.cli", "doctor", "--format", "json", "--workspace", str(ws)],
        capture_output=True,
        text=True,
        timeout=120,
        env=PLUGIN_ENV,
        cwd=ws,
    )
    report = json.loads(out.stdout)
    agents = next(c for c in report["checks"] if c["name"] == "agents")
    assert "todo" in agents["detail"] and "'broken'" in agents["detail"] and BROKEN_REASON in agents["detail"]
    assert agents["ok"] is False and agents["required"] is False  # a warning: the other agents work


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=PLUGIN_ENV))
async def plugin_client(lsp_client: LanguageClient, workspace: Path):
    lsp_client.init_result = await lsp_client.initialize_session(init_params(workspace))
    yield
    await lsp_client.shutdown_session()


async def test_the_plugin_is_served_like_a_built_in_agent(plugin_client: LanguageClient, workspace: Path) -> None:
    commands = plugin_client.init_result.capabilities.execute_command_provider.commands
    assert "zc.todos" in commands and "zc.review" in commands

    status = await execute(plugin_client, "zc.status")
    plugins = {a["name"]: a for a in status["agent_plugins"]}
    assert plugins["todo"]["commands"] == ["zc.todos"] and "broken" not in plugins
    assert any("'broken'" in p and BROKEN_REASON in p for p in status["problems"])

    doctor = await execute(plugin_client, "zc.doctor")
    agents = next(c for c in doctor["checks"] if c["name"] == "agents")
    assert "todo" in agents["detail"] and "'broken'" in agents["detail"]

    path = workspace / "todo_mod.py"
    path.write_text(TODO_SOURCE)
    uri = open_doc(plugin_client, path)
    reply = await execute(plugin_client, "zc.todos", uri)
    assert reply["ok"] is True and reply["agent"] == "todo" and reply["summary"] == "2 TODO/FIXME comment(s)"
    diags = await wait_for_diagnostics(plugin_client, uri, lambda ds: {d.code for d in ds} >= {"TODO", "FIXME"})
    todo = next(d for d in diags if d.code == "TODO")
    assert todo.message == "handle errors" and todo.range.start == types.Position(line=3, character=10)
