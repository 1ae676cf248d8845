"""Issue 13.2/13.4: a file an engine cannot parse is said in the editor review, never skipped in silence."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.core.types import DocSnapshot

pytestmark = pytest.mark.timeout(120)
PY312_ONLY = 'import subprocess\n\n\ndef greet(user):\n    return f"hello {user["name"]}"\n'


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The services' memory and user config in the test's folder; no model server is reachable."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")


def _review(root: Path, name: str, text: str, language_id: str = "python", **args: Any) -> AgentResult:
    from zc_lsp.cli.common import make_services

    root = root / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    path = root / name
    path.write_text(text)

    async def run() -> AgentResult:
        services = make_services(root)
        try:
            doc = DocSnapshot(uri=path.as_uri(), path=path, text=text, version=1, language_id=language_id)
            return await services.agents.run("best_practices", AgentRequest("review", doc=doc, args=args))
        finally:
            await services.aclose()

    return asyncio.run(run())


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="bandit parses 3.12 syntax when it runs on 3.12")
def test_bandit_on_newer_syntax_becomes_one_information_finding(tmp_path: Path) -> None:
    result = _review(tmp_path, "greet.py", PY312_ONLY, bandit=True)
    notes = [f for f in result.findings if f.code == "ZC-PARSE"]
    assert [(n.engine, n.severity) for n in notes] == [("bandit", "info")]
    assert "could not parse" in notes[0].message
    assert [f["engine"] for f in result.data["parse_failures"]] == ["bandit"]
    assert "invalid-syntax" not in {f.code for f in result.findings}  # ruff reads the file fine


def test_a_real_syntax_error_is_said_once_by_ruff_not_again_as_a_parse_note(tmp_path: Path) -> None:
    result = _review(tmp_path, "broken.py", "DEBUG = True\ndef broken(:\n    pass\n", bandit=True)
    codes = [f.code for f in result.findings]
    assert "invalid-syntax" in codes and "ZC-PARSE" not in codes
    assert {f["engine"] for f in result.data["parse_failures"]} >= {"settings"}  # still in the data


def test_a_config_document_that_does_not_parse_is_one_note_at_its_line(tmp_path: Path) -> None:
    result = _review(tmp_path, "app.toml", "[server]\ndebug = \n", language_id="toml")
    assert result.ok
    (note,) = result.findings
    assert (note.code, note.severity, note.span.start_line) == ("ZC-PARSE", "info", 1)
    assert result.data["parse_failures"][0]["reason"].startswith("not valid TOML")


def test_a_parse_note_explains_itself(tmp_path: Path) -> None:
    result = _review(tmp_path, "app.toml", "[server]\ndebug = \n", language_id="toml")
    note = result.findings[0]
    root = tmp_path / "project"
    from zc_lsp.cli.common import make_services

    async def explain() -> AgentResult:
        services = make_services(root)
        try:
            request = AgentRequest("explain_finding", args={"code": note.code, "message": note.message})
            return await services.agents.run("best_practices", request)
        finally:
            await services.aclose()

    answer = asyncio.run(explain())
    assert answer.ok and "not valid TOML" in answer.summary and "did not run" in answer.summary
