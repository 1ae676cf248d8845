"""`zc doctor` lists what each provider serves, or why it could not be asked (issue 16 point 3)."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.model_server import FakeModelServer
from tests.unit.router.conftest import dead_url, fake_settings
from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.ops.doctor import check_providers


async def test_doctor_names_the_models_each_provider_serves(
    model_server: FakeModelServer, make_router, tmp_path: Path
) -> None:
    model_server.models = ["gemma3-270m", "qwen2.5-coder:1.5b"]
    settings = fake_settings(
        model_server, router__chain=["ollama", "openai", "offline"], providers__openai__base_url=dead_url() + "/v1"
    )
    router = make_router(settings)
    check = await check_providers(AgentContext(workspace_root=tmp_path, settings=settings, router=router), {})
    assert check.ok
    assert "ollama: 2 model(s): gemma3-270m, qwen2.5-coder:1.5b" in check.detail
    assert "openai: " in check.detail and "cannot connect" in check.detail
