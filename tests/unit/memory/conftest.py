"""Shared fixtures: settings pointing memory at a temp folder, and a workspace root."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.config import Settings, load_defaults
from zc_lsp.memory import WorkspaceMemory

_DEFAULTS = load_defaults()


def make_settings(**memory: Any) -> Settings:
    data = copy.deepcopy(_DEFAULTS)
    data["memory"].update(memory)
    return Settings(data)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def open_memory(tmp_path: Path, workspace: Path) -> Callable[..., WorkspaceMemory]:
    """Open WorkspaceMemory with memory.path in tmp (overrides as keyword args); closes them all."""
    opened: list[WorkspaceMemory] = []

    def _open(env: dict[str, str] | None = None, **memory: Any) -> WorkspaceMemory:
        memory.setdefault("path", str(tmp_path / "data"))
        mem = WorkspaceMemory(workspace, make_settings(**memory), env=env or {})
        opened.append(mem)
        return mem

    yield _open
    for mem in opened:
        mem.close()
