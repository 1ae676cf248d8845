"""The chat's logic without a terminal: input hygiene, slash commands, cancellation, offline answers."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.cli.chat_tui import MAX_INPUT_BYTES, ChatSession, sanitize


def test_sanitize_strips_control_and_binary_characters() -> None:
    text, note = sanitize("he\x00ll\x07o\x1b[31m w\ufffdorld\x7f\n")
    assert text == "hello[31m world" and note is None


def test_huge_paste_is_cut_with_a_note() -> None:
    text, note = sanitize("é" * MAX_INPUT_BYTES)  # 200 kB of UTF-8
    assert len(text.encode()) <= MAX_INPUT_BYTES
    assert note is not None and "200 kB" in note and "first 100 kB" in note


@pytest.fixture
def chat(services: Any, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ChatSession, io.StringIO]:
    monkeypatch.chdir(workspace)
    out = io.StringIO()
    return ChatSession(services, out), out


async def test_empty_input_is_ignored_and_quit_leaves(chat: tuple[ChatSession, io.StringIO]) -> None:
    session, out = chat
    assert await session.handle("") is True
    assert await session.handle("   \x00\x01 ") is True
    assert out.getvalue() == ""
    assert await session.handle("/quit") is False


async def test_a_question_gets_an_offline_answer_that_says_so(chat: tuple[ChatSession, io.StringIO], services: Any) -> None:
    session, out = chat
    await session.handle("what does add do?")
    text = out.getvalue()
    assert "`add`" in text
    assert "answered offline (offline/ast-summary)" in text and "/explain" in text
    remembered = services.memory.agent("conversational").recent(5, "chat")
    assert remembered and "what does add do?" in remembered[0].content


async def test_slash_commands(chat: tuple[ChatSession, io.StringIO]) -> None:
    session, out = chat
    await session.handle("/status")
    assert "agent conversational" in out.getvalue()
    await session.handle("/explain calc.py:1")
    assert "def add(a, b)" in out.getvalue()
    await session.handle("/explain calc.py")
    assert "usage: /explain FILE:LINE" in out.getvalue()
    await session.handle("/review missing.py")
    assert "no such file" in out.getvalue()
    await session.handle("/memory")
    await session.handle("/nope")
    assert "unknown command /nope" in out.getvalue()
    await session.handle("/help")
    assert "/review FILE" in out.getvalue()


async def test_cancelling_a_reply_returns_to_the_prompt(chat: tuple[ChatSession, io.StringIO]) -> None:
    session, out = chat
    started = asyncio.Event()

    async def slow_reply() -> None:
        started.set()
        await asyncio.sleep(30)

    task = asyncio.create_task(session.run_cancellable(slow_reply()))
    await asyncio.wait_for(started.wait(), 5)
    session.cancel_reply()
    await asyncio.wait_for(task, 5)
    assert "[reply cancelled]" in out.getvalue()
    assert session.cancel_token is not None and session.cancel_token.cancelled
    assert await session.handle("/status") is True  # still usable
