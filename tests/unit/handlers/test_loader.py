"""Handler modules load after the reply; a message that arrives first still gets the real handler's answer."""

from __future__ import annotations

import asyncio
import sys
import types as pytypes
from types import SimpleNamespace
from typing import Any

import pytest
from pygls.exceptions import JsonRpcInternalError
from pygls.feature_manager import FeatureManager

from zc_lsp.handlers import table
from zc_lsp.handlers.loader import HandlerLoader

FAKE = "zc_test_fake_handlers"
MISSING = "zc_test_no_such_handlers"


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, register: Any) -> None:
    module = pytypes.ModuleType(name)
    module.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, module)


def make_loader(
    monkeypatch: pytest.MonkeyPatch, routes: tuple[table.Route, ...], commands: tuple[str, ...] = ()
) -> Any:
    monkeypatch.setattr(table, "ROUTES", routes)
    monkeypatch.setattr(table, "COMMANDS", commands)
    monkeypatch.setattr(table, "COMMANDS_MODULE", FAKE)
    monkeypatch.setattr(table, "PRELOAD", ())
    fm = FeatureManager()
    server = SimpleNamespace(protocol=SimpleNamespace(fm=fm), feature=fm.feature, command=fm.command)
    tasks: list[asyncio.Task[Any]] = []

    def spawn(coro: Any, name: str | None = None) -> asyncio.Task[Any]:
        tasks.append(asyncio.ensure_future(coro))
        return tasks[-1]

    session = SimpleNamespace(server=server, registry=SimpleNamespace(actions=lambda: []), spawn=spawn)
    loader = HandlerLoader(session)  # type: ignore[arg-type]
    session.handlers = loader
    loader.install()
    return loader, fm, session


async def test_a_request_that_arrives_before_the_load_awaits_it_and_gets_the_real_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def register(session: Any) -> None:
        @session.server.feature("test/ask")
        async def ask(params: Any) -> str:
            return f"real answer to {params}"

    fake_module(monkeypatch, FAKE, register)
    loader, fm, _ = make_loader(monkeypatch, (table.Route("test/ask", FAKE),))
    stand_in = fm.features["test/ask"]
    pending = asyncio.ensure_future(stand_in("q1"))
    await asyncio.sleep(0)
    assert not loader.loaded and not pending.done()  # nothing loaded yet: it waits, it does not fail
    assert await asyncio.wait_for(pending, 10) == "real answer to q1"
    assert loader.loaded and fm.features["test/ask"].__name__ == "ask"  # pygls now calls it directly


async def test_notifications_before_the_load_run_at_once_and_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def register(session: Any) -> None:
        @session.server.feature("test/opened")
        def opened(params: Any) -> None:
            seen.append(f"open {params}")

        @session.server.feature("test/changed")
        async def changed(params: Any) -> None:  # an async notification handler becomes a task, as in pygls
            seen.append(f"change {params}")

    fake_module(monkeypatch, FAKE, register)
    loader, fm, _ = make_loader(
        monkeypatch, (table.Route("test/opened", FAKE, ordered=True), table.Route("test/changed", FAKE, ordered=True))
    )
    opened, changed = fm.features["test/opened"], fm.features["test/changed"]
    opened(1)
    assert seen == ["open 1"] and loader.loaded  # loaded there and then, on the loop
    changed(2)
    await asyncio.sleep(0)
    fm.features["test/opened"](3)
    assert seen == ["open 1", "change 2", "open 3"]


async def test_the_steps_before_the_import_run_first(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []

    def register(session: Any) -> None:
        order.append("register")

    fake_module(monkeypatch, FAKE, register)
    loader, _, _ = make_loader(monkeypatch, (table.Route("test/x", FAKE),))
    loader.before_import(lambda: order.append("settings"))
    await loader.start()
    assert order[0] == "settings" and "register" in order
    loader.before_import(lambda: order.append("late"))  # after the load: runs at once
    assert order[-1] == "late"


async def test_commands_wait_for_the_load_and_get_their_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    def register(session: Any) -> None:
        @session.server.command("zc.test")
        async def run(*raw: Any) -> dict[str, Any]:
            return {"ok": True, "args": list(raw)}

    fake_module(monkeypatch, FAKE, register)
    _, fm, _ = make_loader(monkeypatch, (), commands=("zc.test",))
    assert await asyncio.wait_for(fm.commands["zc.test"]("a", 2), 10) == {"ok": True, "args": ["a", 2]}


async def test_a_module_that_cannot_be_imported_answers_an_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_module(monkeypatch, FAKE, lambda session: None)
    loader, fm, _ = make_loader(
        monkeypatch, (table.Route("test/ask", MISSING), table.Route("test/note", MISSING, ordered=True))
    )
    with pytest.raises(JsonRpcInternalError, match=MISSING):
        await asyncio.wait_for(fm.features["test/ask"]({}), 10)
    with pytest.raises(JsonRpcInternalError, match=MISSING):
        fm.features["test/note"]({})
    assert set(loader.unavailable) == {"test/ask", "test/note"}


async def test_a_declared_method_the_module_does_not_register_answers_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_module(monkeypatch, FAKE, lambda session: None)
    loader, fm, _ = make_loader(monkeypatch, (table.Route("test/ask", FAKE),))
    with pytest.raises(JsonRpcInternalError, match="registers no handler"):
        await asyncio.wait_for(fm.features["test/ask"]({}), 10)
    with pytest.raises(JsonRpcInternalError):  # every later call too, never a stand-in calling itself
        await asyncio.wait_for(fm.features["test/ask"]({}), 10)


def test_a_handler_missing_from_the_table_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def register(session: Any) -> None:
        session.server.feature("test/ask")(lambda params: 1)
        session.server.feature("test/unadvertised")(lambda params: 2)

    fake_module(monkeypatch, FAKE, register)
    loader, _, _ = make_loader(monkeypatch, (table.Route("test/ask", FAKE),))
    loader.finish_now()
    assert loader.undeclared == ["test/unadvertised"]


async def test_a_load_cancelled_at_exit_answers_the_waiting_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    def register(session: Any) -> None:
        session.server.feature("test/ask")(lambda params: "real")

    fake_module(monkeypatch, FAKE, register)
    loader, fm, _ = make_loader(monkeypatch, (table.Route("test/ask", FAKE),))
    pending = asyncio.ensure_future(fm.features["test/ask"]({}))
    await asyncio.sleep(0)
    loader.start().cancel()  # the server is leaving while the thread imports
    with pytest.raises(JsonRpcInternalError, match="did not finish loading"):
        await asyncio.wait_for(pending, 10)
    with pytest.raises(JsonRpcInternalError, match="did not finish loading"):  # a later one: an error, not a hang
        await asyncio.wait_for(fm.features["test/ask"]({}), 10)
