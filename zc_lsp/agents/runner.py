"""AgentRunner: the one way anything (LSP handlers, CLI, batch queue, another agent) calls an agent.

It depends on a small `AgentHost` port (Services implements it), never on the container. It hands
each agent only its own memory store, records the task, counts outcomes for the status panel, and
turns a crash inside one agent into a plain failure result so the others keep working. Agents call
each other with `ctx.call(agent, request)`, which comes back here: one code path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentHost, AgentRequest, AgentResult
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.core.cancel import Cancelled, CancelToken, ProgressFn
from zc_lsp.core.types import DocSnapshot

log = logging.getLogger(__name__)


@dataclass
class AgentStats:
    name: str
    tasks_done: int = 0
    tasks_failed: int = 0
    running: int = 0
    last_error: str | None = None
    last_duration_ms: float | None = None

    @property
    def state(self) -> str:
        if self.running:
            return "busy"
        return "error" if self.last_error else "idle"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tasks_done": self.tasks_done,
            "tasks_failed": self.tasks_failed,
            "state": self.state,
            "last_error": self.last_error,
            "last_duration_ms": self.last_duration_ms,
        }


class AgentRunner:
    def __init__(self, host: AgentHost, registry: AgentRegistry) -> None:
        self.host = host
        self.registry = registry
        self.stats = {name: AgentStats(name) for name in registry.names()}
        self.last_provenance: str | None = None  # who answered last: shown in the status bar
        self._stores: dict[str, Any] = {}  # each agent's store, once opened (opening may take a while)
        self._records: set[asyncio.Task[None]] = set()  # task rows and memory writes still running after an answer
        self._last_kept: asyncio.Task[None] | None = None

    def status(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in self.stats.values()]

    async def run(
        self,
        agent: str,
        request: AgentRequest,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        user_requested: bool = True,
        on_token: Callable[[str], None] | None = None,
        answer_first: bool = False,
    ) -> AgentResult:
        """Run one action of one agent. `answer_first`: an automatic run on a loop that outlives it
        (the LSP loop: the editor's review after a change) answers before its task row and memory
        writes are done; `settle` waits for them. Runs on a worker's private loop never pass it: that
        loop closes when the call returns, and what was left on it would be lost."""
        spec = self.registry.specs.get(agent)
        if spec is None:
            known = ", ".join(self.registry.names()) or "none"
            return AgentResult.failure(agent, request.action, f"There is no agent called {agent!r} (agents: {known}).")
        declared = spec.action(request.action)
        if declared is None:
            can = ", ".join(a.name for a in spec.actions)
            return AgentResult.failure(
                agent, request.action, f"The {agent} agent cannot do {request.action!r} here; it can do: {can}."
            )
        oversized = too_big(request.doc, self.host.settings)
        if oversized:  # never parsed, explained, summarised or sent: it could take minutes and gigabytes
            return AgentResult.failure(agent, request.action, oversized)
        impl = self.registry.agent(agent)
        if impl is None:
            return AgentResult.failure(agent, request.action, f"The {agent} agent could not start (see zc doctor).")
        host = self.host
        stats = self.stats.setdefault(agent, AgentStats(agent))
        stats.running += 1
        host.status_changed()
        record = declared.record_tasks
        # An `answer_first` run (the editor's review after each change) does not wait for SQLite: its
        # row is written once, after the answer, with its start and end (two writes, one of them
        # beside the run, competed with the review's engines for the GIL). Other runs keep both
        # writes inline, so a long task shows as running.
        cached = self._stores.get(agent)
        answer_first = answer_first and not user_requested
        deferred = record and answer_first and cached is not None and not getattr(cached, "degraded", None)
        wall_start = time.time()
        try:
            if deferred:
                store, task_id = cached, None
            elif record:
                store, task_id = await asyncio.to_thread(self._record_start, agent, request.action)
            else:
                store, task_id = None, None
        except asyncio.CancelledError:
            stats.running -= 1
            raise

        async def finish_record(state: str, result: AgentResult) -> None:
            if deferred:
                self._keep(asyncio.to_thread(host.record_run, agent, request.action, wall_start, state, result))
            else:
                await asyncio.to_thread(host.record_finish, task_id, state, result)

        token = cancel or CancelToken()

        async def call(other: str, sub: AgentRequest) -> AgentResult:
            return await self.run(other, sub, cancel=token, user_requested=user_requested)

        ctx = AgentContext(
            workspace_root=host.workspace_root,
            settings=host.settings,
            memory=store,
            router=host.router,
            trusted=host.trusted,
            user_requested=user_requested,
            cancel=token,
            call=call,
            status=host.status_snapshot,
            data_dir=host.data_dir,
            on_token=on_token,
            after_answer=self._keep if answer_first else None,
        )
        if progress is not None:
            ctx.progress = progress
        started = time.perf_counter()
        state = "done"
        try:
            result = await impl.handle(request, ctx)
            if not result.ok:
                state = "failed"
        except (asyncio.CancelledError, Cancelled) as exc:
            if cancel is None:
                # Our own token: threads the agent started (the taint engine) poll it, and cannot be
                # stopped any other way; a superseded review must not keep burning the GIL.
                token.cancel()
            how_far = exc.progress if isinstance(exc, Cancelled) else ""
            result = AgentResult.failure(agent, request.action, f"Cancelled{': ' + how_far if how_far else ''}.")
            state = "cancelled"
            stats.running -= 1
            if record:
                await asyncio.shield(finish_record(state, result))
            host.status_changed()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return result
        except Exception as exc:
            log.exception("agent %s crashed on %s", agent, request.action)
            result = AgentResult.failure(
                agent, request.action, f"The {agent} agent failed on {request.action}: {type(exc).__name__}: {exc}"
            )
            state = "failed"
        stats.running -= 1
        stats.last_duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if result.provenance:
            self.last_provenance = result.provenance
        if state == "done":
            stats.tasks_done += 1
            stats.last_error = None
        else:
            stats.tasks_failed += 1
            stats.last_error = result.error
        if record:
            await finish_record(state, result)
        host.status_changed()
        return result

    def _record_start(self, agent: str, action: str) -> tuple[Any, int | None]:
        """Open the agent's store (first use may take a while) and record the task: off the loop."""
        store = self.host.memory_for(agent)  # None when unusable: asked again next time
        if store is not None:
            self._stores[agent] = store
        return store, self.host.record_start(agent, action)

    def _keep(self, work: Awaitable[Any]) -> None:
        """Run bookkeeping after an answer (task rows, an automatic run's memory write), one after
        another in the order they were handed over."""
        previous = self._last_kept

        async def in_order() -> None:
            if previous is not None and not previous.done():
                await asyncio.wait({previous})
            await work

        task: asyncio.Task[None] = asyncio.ensure_future(in_order())
        self._last_kept = task
        self._records.add(task)
        task.add_done_callback(self._record_done)

    def _record_done(self, task: asyncio.Task[None]) -> None:
        self._records.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("bookkeeping after an answer failed", exc_info=task.exception())

    async def settle(self) -> None:
        """Wait until every deferred task row and memory write is done (before the stores close, and in tests)."""
        while self._records:
            await asyncio.wait(set(self._records))


def too_big(doc: DocSnapshot | None, settings: Any) -> str | None:
    """Why a document is too large for any agent (`diagnostics.max_file_bytes`), or None."""
    if doc is None:
        return None
    limit = int(settings.get("diagnostics.max_file_bytes", 5_000_000))
    size = len(doc.text)
    if size <= limit and size * 4 > limit:  # a character takes up to 4 bytes: count only when it matters
        size = len(doc.text.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return None
    name = doc.path.name if doc.path is not None else doc.uri
    return (f"{name} is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB limit (diagnostics.max_file_bytes): "
            "ZombieCoder does not parse, explain, summarise or send it.")
