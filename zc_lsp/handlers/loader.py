"""Handler modules loaded after the initialize reply, behind stand-ins declared in `handlers/table.py`.

`install()` registers a stand-in for every declared method and command, with its options, so pygls
advertises exactly what the modules serve. `load()` (started by `initialize`) runs the start-up
steps and imports the modules in a thread, then swaps each stand-in for the module's own handlers
on the loop: from then on pygls calls them directly, with nothing in between.

Until then a stand-in still gives the right answer:
- a request (code actions, completions, commands) awaits the load, then calls the real handler;
- a notification (didOpen, didChange ...) must run in order on the loop, so its first call finishes
  the load at once (waiting for the thread if it is importing) and calls the real handler inline.
A module that fails to load leaves its methods answering an InternalError naming the failure.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcRequestCancelled

from zc_lsp.handlers import table

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)
# Registered by app.py itself: the lifecycle is the one handler module loaded before the reply.
EAGER = {types.INITIALIZE, types.INITIALIZED, types.SHUTDOWN}


class HandlerLoader:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._lock = threading.Lock()  # one importer at a time: the thread, or the loop finishing the load
        self._steps: list[Callable[[], None]] = []
        self._imported = False
        self._registered = False
        self._task: asyncio.Task[None] | None = None
        self._broken: dict[str, str] = {}  # module -> why it could not be loaded or registered
        self.unavailable: dict[str, str] = {}  # method or command -> why its module did not load
        self.undeclared: list[str] = []  # registered by a module but missing from the table (not advertised)

    @property
    def loaded(self) -> bool:
        return self._registered

    # -- before the reply ---------------------------------------------------------------------------
    def install(self) -> None:
        """A stand-in for every declared method and command, with the options the reply advertises."""
        # Straight into pygls' tables: its decorators inspect every function's signature and type-check
        # the options (~1.5 ms here). The stand-ins take no `ls`, and tests/unit/handlers/test_table.py
        # runs each declared option through that check.
        fm = self.session.server.protocol.fm
        for route in table.ROUTES:
            fm.features[route.method] = self._notification(route) if route.ordered else self._request(route)
            if route.options is not None:
                fm.feature_options[route.method] = route.options
        for name in table.commands(self.session.registry):
            fm.commands[name] = self._command(name)

    def before_import(self, step: Callable[[], None]) -> None:
        """Work the handlers need that must not hold the reply (reading the settings): runs first, in the thread."""
        with self._lock:
            if not self._imported:
                self._steps.append(step)
                return
        step()  # the modules were loaded before `initialize` (a stand-in called early): run it now

    # -- after the reply ----------------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        """Begin loading (once); `initialize` calls it, and so does a stand-in called before initialize."""
        if self._task is None:
            self._task = self.session.spawn(self.load(), name="load handlers")
        return self._task

    async def load(self) -> None:
        """Import in a thread (the loop keeps answering), then register on the loop."""
        try:
            if not self._imported:
                await asyncio.to_thread(self.import_modules)
        finally:  # whatever happened (cancelled at exit), waiting requests get an answer
            if self._imported:
                self.register_all()
            else:
                self._give_up("its handler module did not finish loading")

    async def wait(self) -> None:
        """Until the load is over (registered, or given up on): a cancelled request never cancels it."""
        if self._registered:
            return
        task = self.start()
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.cancelled():
                raise  # this request was cancelled, not the load
        if not self._registered:  # the load was cancelled (the server is leaving): answer, never hang
            self._give_up("its handler module did not finish loading")

    def finish_now(self) -> None:
        """On the loop, for a notification that cannot wait: import here (or wait for the thread) and register."""
        if not self._registered:
            self.import_modules()
            self.register_all()

    def import_modules(self) -> None:
        """Any thread, once: the start-up steps, then every handler module (a failure is kept per module)."""
        with self._lock:
            if self._imported:
                return
            for step in self._steps:
                try:
                    step()
                except Exception:
                    log.exception("a start-up step before the handlers failed")
            self._steps.clear()
            for name in [*table.route_modules(), *table.PRELOAD]:
                try:
                    importlib.import_module(name)
                except Exception as exc:  # its methods answer why; the other modules still load
                    log.exception("handler module %s failed to import", name)
                    self._broken[name] = f"{name} could not be loaded: {type(exc).__name__}: {exc}"
            self._imported = True

    def register_all(self) -> None:
        """On the loop, once: each module's `register(session)` replaces its stand-ins."""
        if self._registered:
            return
        self._registered = True
        self._register_modules()

    def _register_modules(self) -> None:
        fm = self.session.server.protocol.fm
        self.unavailable.clear()  # a load given up on before (cancelled) may still finish here
        commands = table.commands(self.session.registry)
        before = set(fm.features) | set(fm.commands)
        for name in table.route_modules():
            methods = [r.method for r in table.ROUTES if r.module == name]
            names = commands if name == table.COMMANDS_MODULE else []
            module = sys.modules.get(name)
            if module is None or name in self._broken:
                for key in [*methods, *names]:
                    self.unavailable[key] = self._broken.get(name, f"{name} was not imported")
                continue
            stand_ins = {m: fm.features.pop(m) for m in methods}
            command_stand_ins = {c: fm.commands.pop(c) for c in names}
            try:
                module.register(self.session)
            except Exception as exc:
                log.exception("handler module %s failed to register", name)
                self._broken[name] = f"{name} could not register: {type(exc).__name__}: {exc}"
            for found, lost in ((fm.features, stand_ins), (fm.commands, command_stand_ins)):
                for key, stand_in in lost.items():
                    if key not in found:  # not registered by the module: the stand-in answers why
                        found[key] = stand_in
                        self.unavailable[key] = self._broken.get(name, f"{name} registers no handler for {key}")
        declared = {r.method for r in table.ROUTES} | set(commands) | EAGER
        self.undeclared = sorted((set(fm.features) | set(fm.commands)) - declared - before)
        if self.undeclared:
            log.error("handlers not in handlers/table.py (so not advertised at initialize): %s", self.undeclared)

    def _give_up(self, reason: str) -> None:
        """Answer every waiting stand-in with an error (the thread may still be importing: register nothing)."""
        for key in [*(r.method for r in table.ROUTES), *table.commands(self.session.registry)]:
            self.unavailable.setdefault(key, reason)

    # -- the stand-ins ------------------------------------------------------------------------------
    def _real(self, key: str, registry: dict[str, Any]) -> Any:
        if key in self.unavailable:
            raise JsonRpcInternalError(f"ZombieCoder cannot serve {key}: {self.unavailable[key]}")
        return registry[key]

    def _request(self, route: table.Route) -> Callable[..., Any]:
        async def stand_in(params: Any) -> Any:
            await self.wait()
            result = self._real(route.method, self.session.server.protocol.fm.features)(params)
            return await result if inspect.isawaitable(result) else result

        return stand_in

    def _notification(self, route: table.Route) -> Callable[..., Any]:
        def stand_in(params: Any) -> None:
            self.finish_now()
            result = self._real(route.method, self.session.server.protocol.fm.features)(params)
            if inspect.iscoroutine(result):  # an async handler: a task, as pygls would have made it
                self.session.spawn(result, name=route.method)

        return stand_in

    def _command(self, name: str) -> Callable[..., Any]:
        async def stand_in(*raw: Any) -> Any:
            try:
                await self.wait()
            except asyncio.CancelledError as exc:  # pygls' executeCommand would never reply to this one
                raise JsonRpcRequestCancelled(f"{name} was cancelled") from exc
            return await self._real(name, self.session.server.protocol.fm.commands)(*raw)

        return stand_in
