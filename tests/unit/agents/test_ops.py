"""The Ops agent: status snapshots and doctor checks that really probe tools, folders and sockets."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
from pathlib import Path

import pytest

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.ops.agent import OpsAgent
from zc_lsp.agents.ops.doctor import run_doctor
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.background.status import StatusHub
from zc_lsp.config import load_settings

try:
    from tests.unit.agents.helpers_vco import make_ctx, make_settings, write
except ImportError:  # tests/ is not a package in this layout
    from helpers_vco import make_ctx, make_settings, write


def ctx_for(tmp_path: Path, **kw):
    settings = kw.pop("settings", None) or make_settings(tmp_path, memory={"path": str(tmp_path / "data")})
    return make_ctx(tmp_path, settings, **kw)


def by_name(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"]}


async def test_status_without_services_gives_a_minimal_snapshot(tmp_path: Path) -> None:
    result = await OpsAgent().handle(AgentRequest("status"), ctx_for(tmp_path))
    assert result.ok
    snap = result.data
    assert [a["name"] for a in snap["agents"]] == AgentRegistry.from_entry_points().names()
    assert snap["version"] and snap["uptime_s"] >= 0
    assert snap["process"]["rss_mb"] > 0
    assert snap["workspace"] == str(tmp_path)
    assert "| verifier | idle | 0 | 0 |" in result.summary


async def test_status_with_services_uses_the_hub(tmp_path: Path) -> None:
    hub = StatusHub()
    hub.add_section("agents", lambda: [{"name": "verifier", "tasks_done": 3, "tasks_failed": 1, "state": "busy"}])
    hub.add_section("memory", lambda: {"path": "/data/x", "degraded": None})
    ctx = ctx_for(tmp_path, status=hub.snapshot)
    result = await OpsAgent().handle(AgentRequest("status"), ctx)
    assert result.data["agents"][0]["tasks_done"] == 3
    assert result.data["memory"]["path"] == "/data/x"
    assert "| verifier | busy | 3 | 1 |" in result.summary
    assert "`/data/x`" in result.summary


async def test_doctor_passes_required_checks_on_this_machine(tmp_path: Path) -> None:
    result = await OpsAgent().handle(AgentRequest("doctor"), ctx_for(tmp_path))
    report = result.data
    checks = by_name(report)
    assert set(checks) == {"python", "ruff", "bandit", "pytest", "data dir", "config", "providers", "speech"}
    assert report["ok"] is True, result.summary
    assert checks["ruff"]["detail"].startswith("ruff ")
    assert "pytest" in checks["pytest"]["detail"]
    assert (tmp_path / "data").is_dir() and not list((tmp_path / "data").iterdir())  # probe cleaned up
    assert "| ruff | pass |" in result.summary


async def test_doctor_fails_when_a_tool_is_missing(tmp_path: Path) -> None:
    def which_without_bandit(name: str, path: str | None = None) -> str | None:
        return None if name == "bandit" else shutil.which(name, path=path)

    report = await run_doctor(ctx_for(tmp_path), which=which_without_bandit)
    checks = by_name(report)
    assert report["ok"] is False
    assert checks["bandit"]["ok"] is False and "not found" in checks["bandit"]["detail"]
    assert "pip install bandit" in checks["bandit"]["hint"]
    assert checks["ruff"]["ok"] is True


async def test_doctor_fails_when_path_has_no_tools_and_tool_is_broken(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    ruff = fake_bin / "ruff"
    ruff.write_text("#!/bin/sh\necho 'ruff: broken install' >&2\nexit 3\n")
    ruff.chmod(ruff.stat().st_mode | stat.S_IEXEC)

    def only_fake_bin(name: str, path: str | None = None) -> str | None:
        return shutil.which(name, path=str(fake_bin))

    report = await run_doctor(ctx_for(tmp_path), which=only_fake_bin, env={**os.environ, "PATH": str(fake_bin)})
    checks = by_name(report)
    assert checks["ruff"]["ok"] is False and "broken install" in checks["ruff"]["detail"]
    assert checks["bandit"]["ok"] is False


async def test_doctor_reports_pytest_missing_from_the_workspace_interpreter(tmp_path: Path) -> None:
    python = write(tmp_path, ".venv/bin/python", "#!/bin/sh\necho 'No module named pytest' >&2\nexit 1\n")
    python.chmod(0o755)
    report = await run_doctor(ctx_for(tmp_path))
    check = by_name(report)["pytest"]
    assert check["ok"] is False and "No module named pytest" in check["detail"]
    assert str(python) in check["hint"]


async def test_doctor_lists_config_issues(tmp_path: Path) -> None:
    (tmp_path / ".zombiecoder.yaml").write_text("tests:\n  timeout_s: soon\nbogus: 1\n")
    settings = load_settings(tmp_path, user_file=tmp_path / "none.yaml")
    report = await run_doctor(ctx_for(tmp_path, settings=settings))
    check = by_name(report)["config"]
    assert report["ok"] is False
    assert check["ok"] is False and check["detail"].startswith("2 problem(s)")
    assert ".zombiecoder.yaml:2: `tests.timeout_s`" in check["detail"]
    assert "`bogus`" in check["detail"]


async def test_doctor_reports_an_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = make_settings(tmp_path, memory={"path": str(blocker / "data")})
    check = by_name(await run_doctor(ctx_for(tmp_path, settings=settings)))["data dir"]
    assert check["ok"] is False and "not writable" in check["detail"]
    assert "memory.path" in check["hint"]


async def test_doctor_probes_ollama_port_and_keys(tmp_path: Path) -> None:
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        report = await run_doctor(ctx_for(tmp_path), env={**os.environ, "OLLAMA_HOST": f"http://127.0.0.1:{port}"})
        check = by_name(report)["providers"]
        assert check["ok"] is True and f"reachable at 127.0.0.1:{port}" in check["detail"]
    finally:
        server.close()
        await server.wait_closed()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    report = await run_doctor(ctx_for(tmp_path), env={**env, "OLLAMA_HOST": f"127.0.0.1:{port}"})
    check = by_name(report)["providers"]
    assert check["ok"] is False and "not reachable" in check["detail"]
    assert check["required"] is False and report["ok"] is True  # offline still works
    report = await run_doctor(
        ctx_for(tmp_path), env={**env, "OLLAMA_HOST": f"127.0.0.1:{port}", "OPENAI_API_KEY": "sk-test"}
    )
    check = by_name(report)["providers"]
    assert check["ok"] is True and "OPENAI_API_KEY" in check["detail"]


async def test_doctor_asks_the_router_when_there_is_one(tmp_path: Path) -> None:
    from zc_lsp.router.router import ModelRouter

    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()  # nothing listens there now
    settings = make_settings(
        tmp_path,
        memory={"path": str(tmp_path / "data")},
        providers={"ollama": {"host": f"http://127.0.0.1:{port}", "enabled": True}},
    )
    router = ModelRouter(settings, env={})
    try:
        ctx = ctx_for(tmp_path, settings=settings, router=router)
        check = by_name(await run_doctor(ctx))["providers"]
    finally:
        await router.aclose()
    assert check["ok"] is False
    assert "ollama:" in check["detail"] and "openai:" in check["detail"]


@pytest.mark.parametrize("missing", [True, False])
async def test_doctor_speech_check_follows_espeak(tmp_path: Path, missing: bool) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    if not missing:
        espeak = fake_bin / "espeak-ng"
        espeak.write_text("#!/bin/sh\nexit 0\n")
        espeak.chmod(0o755)

    def which_fake(name: str, path: str | None = None) -> str | None:
        return shutil.which(name, path=str(fake_bin))

    check = by_name(await run_doctor(ctx_for(tmp_path), which=which_fake))["speech"]
    assert ("espeak-ng missing" in check["detail"]) is missing
    assert check["required"] is False
