"""Rarely used commands (the chat) load their module on first call, in a worker thread, once (issue 15)."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.handlers.command_support import register_on_first_use

MODULE = """
import threading
imported_in = threading.current_thread().name
registered = []

def register(session, command):
    registered.append(session)

    @command("x.echo")
    async def echo(*raw):
        return {"echo": list(raw)}

    @command("x.count")
    async def count(*raw):
        return {"registered": len(registered)}
"""


def test_module_is_imported_off_the_loop_on_first_call_and_registered_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zc_first_use_probe.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "zc_first_use_probe", raising=False)
    wrapped: dict[str, Any] = {}

    def command(name: str) -> Any:
        def decorate(fn: Any) -> Any:
            wrapped[name] = fn
            return fn

        return decorate

    session = object()
    register_on_first_use(session, command, ("x.echo", "x.count"), "zc_first_use_probe", "register")  # type: ignore[arg-type]
    assert sorted(wrapped) == ["x.count", "x.echo"] and "zc_first_use_probe" not in sys.modules

    async def calls() -> list[Any]:
        return await asyncio.gather(wrapped["x.echo"](1, "a"), wrapped["x.count"](), wrapped["x.echo"]())

    loop_thread = threading.current_thread().name
    assert asyncio.run(calls()) == [{"echo": [1, "a"]}, {"registered": 1}, {"echo": []}]
    probe = sys.modules["zc_first_use_probe"]
    assert probe.registered == [session]
    assert probe.imported_in != loop_thread
