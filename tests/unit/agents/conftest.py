"""Shared fixtures for agent tests: settings isolated from the user's config, contexts, edits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.agents.base import AgentContext
from zc_lsp.agents.engines.lines import split_keepends
from zc_lsp.config import Settings, load_settings
from zc_lsp.core.types import DocSnapshot, TextEdit

try:
    from tests.unit.agents.helpers_vco import attach_call
except ImportError:  # run from inside tests/unit/agents
    from helpers_vco import attach_call  # type: ignore[no-redef]

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_PROJECT = REPO_ROOT / "examples" / "demo_project"


def _offset(text: str, line: int, char: int) -> int:
    lines = split_keepends(text)
    if line >= len(lines):
        return len(text)
    return sum(len(x) for x in lines[:line]) + min(char, len(lines[line]))


def apply_text_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply edits the way an LSP client does: all spans refer to the original text."""
    spans = sorted(
        (
            (
                _offset(text, e.span.start_line, e.span.start_char),
                _offset(text, e.span.end_line, e.span.end_char),
                i,
                e.new_text,
            )
            for i, e in enumerate(edits)
        ),
        reverse=True,
    )
    out = text
    for start, end, _, new in spans:
        out = out[:start] + new + out[end:]
    return out


@pytest.fixture
def apply_edits() -> Callable[[str, list[TextEdit]], str]:
    """`apply_edits(text, edits) -> new text`, for asserting that a fix really fixes."""
    return apply_text_edits


@pytest.fixture
def demo_project() -> Path:
    """The example project shipped in examples/ (read it, never write to it)."""
    return DEMO_PROJECT


class RecordingMemory:
    """A plain in-memory stand-in for an agent's store (AgentMemoryLike), to see what was recorded."""

    def __init__(self, fail: bool = False) -> None:
        self.items: list[dict[str, Any]] = []
        self.fail = fail

    def remember(self, kind: str, content: str, metadata: dict[str, Any] | None = None, uri: str | None = None) -> int:
        if self.fail:
            raise OSError("disk full")
        self.items.append({"kind": kind, "content": content, "metadata": metadata or {}, "uri": uri})
        return len(self.items)

    def recall(self, query: str, k: int = 5) -> list[Any]:
        return [i for i in self.items if query in i["content"]][:k]

    def recent(self, n: int = 10, kind: str | None = None) -> list[Any]:
        return [i for i in self.items if kind in (None, i["kind"])][-n:]


@pytest.fixture
def recording_memory() -> RecordingMemory:
    return RecordingMemory()


@pytest.fixture
def failing_memory() -> RecordingMemory:
    """A store whose every write fails, as a full disk would."""
    return RecordingMemory(fail=True)


@pytest.fixture
def agent_settings(tmp_path: Path) -> Callable[..., Settings]:
    """`agent_settings(root=None, **editor)`: settings without the developer's own config file."""

    def make(root: Path | None = None, **editor: Any) -> Settings:
        return load_settings(root, editor=editor or None, user_file=tmp_path / "no-user-config.yaml")

    return make


@pytest.fixture
def make_ctx(agent_settings: Callable[..., Settings]) -> Callable[..., AgentContext]:
    """`make_ctx(root, settings=None, **fields)`: an AgentContext that records progress in `.progress_log`."""

    def make(root: Path, settings: Settings | None = None, **fields: Any) -> AgentContext:
        log: list[tuple[str, int | None]] = []
        ctx = AgentContext(
            workspace_root=root,
            settings=settings or agent_settings(root),
            progress=lambda message, pct=None: log.append((message, pct)),
            **fields,
        )
        ctx.progress_log = log  # type: ignore[attr-defined]
        return attach_call(ctx) if "call" not in fields else ctx

    return make


@pytest.fixture
def snapshot() -> Callable[..., DocSnapshot]:
    """`snapshot(path, text=None, **kw)`: a DocSnapshot of a file (read from disk when text is None)."""

    def make(path: Path, text: str | None = None, **kw: Any) -> DocSnapshot:
        body = path.read_text(encoding="utf-8") if text is None else text
        return DocSnapshot(uri=path.as_uri(), path=path, text=body, version=1, **kw)

    return make
