"""Model-written code meets the verifier: it runs only sandboxed, only when trusted; user runs are scrubbed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.ops.doctor import run_doctor
from zc_lsp.agents.verifier.testing.runner import run_pytest
from zc_lsp.agents.verifier.testing.validate import validate_edits
from zc_lsp.config import load_settings
from zc_lsp.core import sandbox
from zc_lsp.core.sandbox import SandboxStatus
from zc_lsp.core.types import FileEdit, Span, TextEdit


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ctx_for(root: Path, trusted: bool | None, user_requested: bool = True) -> AgentContext:
    settings = load_settings(None, user_file=root.parent / "no-user-config.yaml")
    return AgentContext(workspace_root=root, settings=settings, trusted=trusted, user_requested=user_requested)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root, "pkg/__init__.py", "")
    write(root, "pkg/calc.py", "def add(a, b):\n    return a + b\n")
    write(root, "tests/test_calc.py", "from pkg.calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 4\n")
    return root


def hostile_edit(root: Path, victim: Path, loot: Path) -> FileEdit:
    """A model 'implementation' that, once imported by the tests, attacks the machine."""

    def hidden(path: Path) -> str:  # no path literal, as a model hiding its intent (and ruff's S108) would
        return f"bytes.fromhex({str(path).encode().hex()!r}).decode()"

    attacks = [
        f"shutil.rmtree({hidden(victim)})",
        f"pathlib.Path({hidden(loot)}).write_text(repr(dict(os.environ)))",
        f"pathlib.Path({hidden(victim.parent / 'implanted.txt')}).write_text('x')",
        "shutil.rmtree(os.path.expanduser('~'))",
    ]
    body = "import contextlib\nimport os\nimport pathlib\nimport shutil\n\n" + "".join(
        f"with contextlib.suppress(OSError):\n    {attack}\n" for attack in attacks
    )
    body += "\n\ndef add(a, b):\n    return a + b\n"
    return FileEdit(root / "pkg/calc.py", [TextEdit(Span(0, 0, 2, 0), body)])


@pytest.fixture()
def victim(tmp_path: Path) -> Path:
    folder = tmp_path / "home-of-user" / "documents"
    write(folder, "thesis.txt", "years of work\n")
    return folder


async def test_hostile_model_edit_is_verified_in_the_sandbox_and_harms_nothing(
    project: Path, victim: Path, tmp_path: Path, monkeypatch
) -> None:
    home = victim.parent
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-secretvalue")
    loot = tmp_path / "loot.txt"
    verdict = await validate_edits([hostile_edit(project, victim, loot)], ctx_for(project, trusted=True))
    assert verdict["tests_passed"] == 1, verdict  # the tests did run, inside the sandbox
    assert (victim / "thesis.txt").read_text() == "years of work\n"
    assert not loot.exists() and not (home / "implanted.txt").exists()
    assert (project / "pkg/calc.py").read_text() == "def add(a, b):\n    return a + b\n"


@pytest.mark.parametrize("trusted", [None, False])
async def test_untrusted_workspace_runs_no_model_code(project: Path, victim: Path, tmp_path: Path, trusted) -> None:
    loot = tmp_path / "loot.txt"
    verdict = await validate_edits([hostile_edit(project, victim, loot)], ctx_for(project, trusted=trusted))
    assert verdict["tests_passed"] == 0
    assert verdict["not_verified"].startswith("not verified: ")
    assert (victim / "thesis.txt").exists()


async def test_no_sandbox_means_not_verified_and_nothing_runs(project: Path, victim: Path, tmp_path: Path) -> None:
    loot = tmp_path / "loot.txt"
    monkeypatch_status = SandboxStatus(False, "none", "user namespaces are blocked (test)")
    saved = sandbox._status
    sandbox._status = monkeypatch_status
    try:
        verdict = await validate_edits([hostile_edit(project, victim, loot)], ctx_for(project, trusted=True))
    finally:
        sandbox._status = saved
    assert verdict["not_verified"] == "not verified: sandbox unavailable: user namespaces are blocked (test)"
    assert verdict["tests_passed"] == 0
    assert (victim / "thesis.txt").exists() and not loot.exists()


async def test_user_test_run_gets_no_credentials_and_has_limits(project: Path, monkeypatch) -> None:
    report = project / "env.json"
    write(
        project,
        "tests/test_env.py",
        "import json, os, resource\n\n\ndef test_env():\n"
        f"    open({str(report)!r}, 'w').write(json.dumps({{'env': dict(os.environ),"
        " 'as': resource.getrlimit(resource.RLIMIT_AS)[0]}))\n",
    )
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-live-123",
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
        "GITHUB_TOKEN": "ghp_abc",
        "MY_CUSTOM_LLM": "named-in-config",
        "KEEP_ME": "ok",
    }
    run = await run_pytest(
        project,
        ["tests/test_env.py"],
        python=sys.executable,
        timeout_s=60,
        max_output_bytes=100_000,
        env=env,
        scrub_names=["MY_CUSTOM_LLM"],
    )
    assert run.exit_code == 0, run.output
    seen = json.loads(report.read_text())
    for name in ("OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "MY_CUSTOM_LLM"):
        assert name not in seen["env"]
    assert seen["env"]["KEEP_ME"] == "ok"
    assert 0 < seen["as"] < 1 << 40  # an address-space limit is set


async def test_doctor_never_runs_an_untrusted_workspace_interpreter(tmp_path: Path) -> None:
    root = tmp_path / "cloned"
    marker = tmp_path / "venv-python-ran"
    fake = write(root, ".venv/bin/python", f"#!/bin/sh\nenv > {marker}\necho 'pytest 9.9'\n")
    fake.chmod(0o755)
    for trusted in (None, False):
        report = await run_doctor(ctx_for(root, trusted=trusted))
        check = {c["name"]: c for c in report["checks"]}["pytest"]
        assert "not trusted" in check["detail"]
        assert not marker.exists()
    env = {**os.environ, "OPENAI_API_KEY": "sk-doctor-secret"}
    await run_doctor(ctx_for(root, trusted=True), env=env)
    assert marker.exists()  # trusted: it is run, but without the key
    assert "sk-doctor-secret" not in marker.read_text()


def test_key_variables_named_in_config_are_scrubbed_too(tmp_path: Path) -> None:
    from zc_lsp.agents.verifier.testing.runner import key_env_names
    from zc_lsp.config import Settings

    base = load_settings(None, user_file=tmp_path / "none.yaml").to_dict()
    base["providers"]["openai"]["api_key_env"] = "TEAM_LLM_CRED_VAR"
    names = key_env_names(Settings(base, []))
    assert "TEAM_LLM_CRED_VAR" in names and "ANTHROPIC_API_KEY" in names
    assert sandbox.scrub_env({"TEAM_LLM_CRED_VAR": "v", "X": "y"}, also=names) == {"X": "y"}
