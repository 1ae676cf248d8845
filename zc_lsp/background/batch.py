"""BatchQueue: a persisted priority queue of agent jobs worked by N threads.

Jobs live in tasks.db (`jobs` table, `job_ledger.py`: every state change one write transaction), so
what was queued survives a restart and no job ever runs twice at once, even with retries. Lower
`priority` runs first (0 is most urgent, 5 the default). This module is the workers: their threads,
what a job runs (an action, a template or `agent.action`), cancellation, time limits and outcomes.
Each worker thread keeps its own asyncio loop for agent calls: the LSP loop is never touched.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from zc_lsp.agents.base import AgentResult
from zc_lsp.background.job_ledger import JobLedger
from zc_lsp.background.store import TaskStore
from zc_lsp.background.templates import JobTemplate, TemplateRunner
from zc_lsp.core.cancel import Cancelled, CancelToken

log = logging.getLogger(__name__)


class QueueFull(Exception):
    """The queue holds `queue_cap` jobs already; the job was refused (and an alert raised)."""


@dataclass
class JobContext:
    """What a job's code gets: its id, a progress callback and its cancel token."""

    job_id: int
    args: dict[str, Any]
    cancel: CancelToken
    progress: Callable[[str, int | None], None]
    user_requested: bool = True


Action = Callable[[JobContext], Any]  # may return a value or an awaitable


@dataclass
class _Running:
    cancel: CancelToken
    loop: asyncio.AbstractEventLoop
    task: asyncio.Task[Any] | None = None
    progress: tuple[str, int | None] = ("", None)
    stopping: bool = False  # interrupted by stop(): goes back to the queue, not cancelled
    user_cancelled: bool = False


@dataclass
class QueueOptions:
    workers: int = 3
    queue_cap: int = 1000
    job_timeout_s: float = 600.0
    retries: int = 1
    retry_backoff_s: float = 2.0
    max_result_bytes: int = 1_000_000
    on_full: Callable[[int], None] | None = None  # told the queue depth when a job is refused
    on_change: Callable[[], None] | None = None
    listeners: list[Callable[[str, Path | None, Any], None]] = field(default_factory=list)


def _noop(ctx: JobContext) -> dict[str, Any]:
    """A job that does nothing: for benchmarks and health checks of the queue itself."""
    return {"ok": True}


class BatchQueue:
    _live_owners: ClassVar[set[str]] = set()  # this process's running queues

    def __init__(self, db: TaskStore, templates: TemplateRunner, options: QueueOptions) -> None:
        self.db = db
        self.templates = templates
        self.options = options
        self.owner = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.ledger = JobLedger(db, self.owner, queue_cap=options.queue_cap, max_attempts=options.retries + 1,
                                retry_backoff_s=options.retry_backoff_s)
        self._actions: dict[str, Action] = {"noop": _noop}
        self._target = max(1, options.workers)
        self._threads: dict[int, threading.Thread] = {}
        self._running: dict[int, _Running] = {}
        self._cv = threading.Condition()
        self._spawn_lock = threading.Lock()
        self._stop = threading.Event()
        self._started = False
        self._generation = 0

    # -- public API ---------------------------------------------------------------------------
    def register_action(self, name: str, fn: Action) -> None:
        """Add a job kind run by plain code (sync or async) rather than an agent."""
        self._actions[name] = fn

    def known(self, name: str) -> bool:
        if name in self._actions or self.templates.get(name) is not None:
            return True
        agent, _, action = name.partition(".")
        return bool(action) and self.templates.knows(agent, action)

    def submit(
        self, name: str, args: dict[str, Any] | None = None, priority: int = 5,
        *, user_requested: bool = True,
    ) -> int:
        """Queue a template, a registered action or `agent.action`; returns the job id."""
        if not self.known(name):
            choices = sorted(set(self._actions) | set(self.templates.names()))
            raise ValueError(
                f"unknown job {name!r}: use a template ({', '.join(choices)}) or 'agent.action'"
            )
        job_id = self.ledger.add(name, args or {}, priority, user_requested)
        if job_id is None:
            depth = self.ledger.depth
            log.warning("batch queue full (%d jobs): refused %s", depth, name)
            if self.options.on_full is not None:
                self.options.on_full(depth)
            raise QueueFull(f"the batch queue is full ({depth} jobs queued); try again later")
        self._wake()
        if self._started and not self._stop.is_set():
            self._spawn()  # the first job starts the workers; later, only a worker that died
        self._changed()
        return job_id

    def list(self, limit: int = 100, state: str | None = None) -> list[dict[str, Any]]:
        rows = self.ledger.rows(limit, state)
        for row in rows:
            running = self._running.get(row["id"])
            if running is not None:
                row["progress"] = running.progress[0]
                row["percentage"] = running.progress[1]
        return rows

    def get(self, job_id: int) -> dict[str, Any] | None:
        return self.ledger.get(job_id)

    def cancel(self, job_id: int) -> bool:
        """Cancel a queued job at once, or a running one at its next await or token check."""
        if self.ledger.cancel_queued(job_id):
            self._changed()
            return True
        running = self._running.get(job_id)
        if running is None:
            return False
        running.user_cancelled = True
        self._interrupt(running)
        return True

    def set_workers(self, n: int) -> int:
        """Change the worker count (the tuner's lever); extra workers leave after their job."""
        with self._cv:
            self._target = max(1, int(n))
            self._cv.notify_all()
        if self._started and not self._stop.is_set():
            self._spawn()
        self._changed()
        return self._target

    @property
    def workers(self) -> int:
        return self._target

    def stats(self) -> dict[str, Any]:
        return {"depth": self.ledger.depth, "running": len(self._running), "workers": self._target}

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Accept and run jobs from now on. The workers start with the first job (or now, when a
        previous server left jobs queued): an idle editor never queues one, and three sleeping
        threads with an event loop and a tasks.db connection each cost ~1 MB of idle RSS."""
        self._stop.clear()
        self._started = True
        BatchQueue._live_owners.add(self.owner)
        self.ledger.recover(BatchQueue._live_owners)
        if self.ledger.depth:
            self._spawn()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        for running in list(self._running.values()):
            running.stopping = True
            self._interrupt(running)
        with self._cv:
            self._cv.notify_all()
        deadline = time.monotonic() + timeout
        for thread in list(self._threads.values()):
            thread.join(max(0.0, deadline - time.monotonic()))
        BatchQueue._live_owners.discard(self.owner)
        alive = [t.name for t in self._threads.values() if t.is_alive()]
        if alive:
            log.warning("batch workers still busy after stop: %s", ", ".join(alive))

    def _spawn(self) -> None:
        with self._spawn_lock:  # submit (any thread) and set_workers may both spawn: one thread per index
            for index in range(self._target):
                thread = self._threads.get(index)
                if thread is not None and thread.is_alive():
                    continue
                thread = threading.Thread(target=self._work, args=(index,),
                                          name=f"zc-batch-{index}", daemon=True)
                self._threads[index] = thread
                thread.start()

    # -- workers ------------------------------------------------------------------------------
    def _work(self, index: int) -> None:
        loop = asyncio.new_event_loop()
        try:
            job: dict[str, Any] | None = None
            while not self._stop.is_set() and index < self._target:
                generation = self._generation
                job = job or self.ledger.claim()
                if job is None:
                    self._idle(index, generation)
                    continue
                # finishing a job and claiming the next share one transaction (one fsync)
                job = self._execute(job, loop, claim_next=True, index=index)
        except Exception:
            log.exception("batch worker %d crashed; the others keep going", index)
        finally:
            loop.close()

    def _idle(self, index: int, generation: int) -> None:
        with self._cv:
            # a submit between our empty claim and this wait bumped the generation: look again
            if self._stop.is_set() or index >= self._target or generation != self._generation:
                return
            timeout = None
            if self.ledger.next_wake is not None:
                timeout = max(0.01, self.ledger.next_wake - time.time())
            self._cv.wait(timeout)

    def _execute(self, job: dict[str, Any], loop: asyncio.AbstractEventLoop, *,
                 claim_next: bool = False, index: int = 0) -> dict[str, Any] | None:
        job_id = int(job["id"])
        running = _Running(cancel=CancelToken(), loop=loop)
        self._running[job_id] = running
        self._changed()
        args = json.loads(job["args"] or "{}")

        def progress(message: str, percentage: int | None = None) -> None:
            running.progress = (str(message)[:200], percentage)

        ctx = JobContext(job_id, args, running.cancel, progress, bool(job["user_requested"]))
        started = time.monotonic()
        try:
            result = self._run(job["name"], ctx, running, loop)
            if time.monotonic() - started > self.options.job_timeout_s:
                raise TimeoutError
            state, payload, error = self._outcome(result)
        except TimeoutError:
            running.cancel.cancel()
            state, payload, error = "failed", None, f"timed out after {self.options.job_timeout_s:g} s"
        except (asyncio.CancelledError, Cancelled) as exc:
            if running.stopping and not running.user_cancelled:
                state, payload, error = "interrupted", None, None
            else:
                state, payload = "cancelled", None
                error = f"cancelled: {running.progress[0]}" if running.progress[0] else str(exc) or "cancelled"
        except Exception as exc:
            log.warning("batch job %s (%s) failed", job_id, job["name"], exc_info=True)
            retry = job["attempts"] < job["max_attempts"] and not self._stop.is_set()
            state = "retry" if retry else "failed"
            payload, error = None, f"{type(exc).__name__}: {exc}"
        finally:
            self._running.pop(job_id, None)
        claim = claim_next and not self._stop.is_set() and index < self._target
        return self._finish(job, state, payload, error, running.progress[0], claim)

    def _run(self, name: str, ctx: JobContext, running: _Running,
             loop: asyncio.AbstractEventLoop) -> Any:
        ctx.cancel.check("not started")
        if self._stop.is_set():
            running.stopping = True
            raise Cancelled("server stopping")
        coro = self._job_coro(name, ctx)
        task = loop.create_task(coro)
        running.task = task
        if ctx.cancel.cancelled:  # cancel() raced with task creation
            task.cancel()
        return loop.run_until_complete(asyncio.wait_for(task, self.options.job_timeout_s))

    async def _job_coro(self, name: str, ctx: JobContext) -> Any:
        action = self._actions.get(name)
        if action is not None:
            value = action(ctx)
            if inspect.isawaitable(value):
                value = await value
            return value
        template = self.templates.get(name)
        if template is None:
            agent, _, action_name = name.partition(".")
            template = JobTemplate(name=name, agent=agent, action=action_name)
        return await self.templates.run(template, ctx, self._notify_listeners)

    def _notify_listeners(self, name: str, path: Path | None, result: Any) -> None:
        for listener in list(self.options.listeners):
            try:
                listener(name, path, result)
            except Exception:
                log.exception("batch result listener failed")

    def _outcome(self, result: Any) -> tuple[str, str | None, str | None]:
        if isinstance(result, AgentResult):
            value: Any = {
                "ok": result.ok, "summary": result.summary[:4000], "provenance": result.provenance,
                "findings": len(result.findings), "edits": len(result.edits),
            }
            if not result.ok:
                return "failed", json.dumps(value), result.error or "the agent failed"
        else:
            value = result
        payload = json.dumps(value, default=str)
        if len(payload) > self.options.max_result_bytes:
            return "failed", None, (
                f"output flood: {len(payload)} bytes of result, more than the"
                f" {self.options.max_result_bytes} allowed; it was dropped")
        return "done", payload, None

    def _finish(self, job: dict[str, Any], state: str, payload: str | None,
                error: str | None, progress: str, claim: bool = False) -> dict[str, Any] | None:
        following = self.ledger.finish(job, state, payload, error, progress, claim)
        if state in ("failed", "retry"):
            log.warning("batch job %s (%s) %s: %s", job["id"], job["name"], state, error)
        if state == "retry":
            self._wake()
        self._changed()
        return following

    def _wake(self) -> None:
        with self._cv:
            self._generation += 1
            self._cv.notify()

    def _interrupt(self, running: _Running) -> None:
        running.cancel.cancel()
        task = running.task
        if task is not None and not running.loop.is_closed():
            try:
                running.loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:
                log.debug("job loop already closed", exc_info=True)

    def _changed(self) -> None:
        if self.options.on_change is not None:
            self.options.on_change()
