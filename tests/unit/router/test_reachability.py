"""Start-up health without the SDKs: a TCP connect per enabled provider, superseded by real calls."""

from __future__ import annotations

import sys

from tests.unit.router.conftest import dead_url, fake_settings


async def test_reachable_and_unreachable_providers_are_told_apart(model_server, make_router) -> None:
    settings = fake_settings(model_server, providers__ollama__host=dead_url())
    router = make_router(settings, env={"OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"})
    before = {p["name"]: p["healthy"] for p in router.status()}
    assert before["ollama"] is None and before["openai"] is None  # no evidence yet: unknown, not "healthy"
    found = await router.check_reachable()
    assert found == {"ollama": False, "openai": True, "anthropic": True}
    after = {p["name"]: p["healthy"] for p in router.status()}
    assert after == {"ollama": False, "openai": True, "anthropic": True}


def test_checking_reachability_does_not_import_the_sdks() -> None:
    import subprocess

    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from zc_lsp.config import load_settings\n"
        "from zc_lsp.router.router import ModelRouter\n"
        "r = ModelRouter(load_settings(Path('/nonexistent')), env={'OLLAMA_HOST': 'http://127.0.0.1:9'})\n"
        "asyncio.run(r.check_reachable())\n"
        "print(sorted(m for m in ('ollama', 'openai', 'anthropic', 'httpx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
