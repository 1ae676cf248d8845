"""Chat history for model prompts: after /clear (a new conversation id) old turns are left out."""

from __future__ import annotations

from pathlib import Path

from zc_lsp.agents.conversational.chat import history_text
from zc_lsp.config import load_settings
from zc_lsp.memory import WorkspaceMemory


def test_history_is_scoped_to_the_conversation(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    memory = WorkspaceMemory(tmp_path, load_settings(tmp_path))
    store = memory.agent("conversational")
    store.remember("chat", "Q: what is alpha?\n\nA: the first letter", {"conversation": "one"})
    store.remember("chat", "Q: and beta?\n\nA: the second letter", {"conversation": "two"})
    assert "alpha" in history_text(store, "letters") and "beta" in history_text(store, "letters")
    scoped = history_text(store, "letters", 6, "two")
    assert "beta" in scoped and "alpha" not in scoped
    assert history_text(store, "alpha", 6, "three") == ""
    memory.close()
