"""Real services for a temp workspace, isolated from the developer's data, config and models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CALC = 'def add(a, b):\n    """Add two numbers."""\n    return a + b\n'


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'ws'\n")
    (root / "calc.py").write_text(CALC)
    return root


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")  # nothing listens: offline answers
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


@pytest.fixture
async def services(workspace: Path, isolated_env: None) -> AsyncIterator[Any]:
    from zc_lsp.config import load_settings
    from zc_lsp.services import build_services

    built = build_services(workspace, load_settings(workspace))
    try:
        yield built
    finally:
        await built.aclose()
