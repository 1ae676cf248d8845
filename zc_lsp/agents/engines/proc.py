"""One way to run a tool: async subprocess, time limit, and no orphan left on cancel or timeout."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import signal
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from zc_lsp.core.cancel import Cancelled, CancelToken

log = logging.getLogger(__name__)
T = TypeVar("T")
_TOKEN_POLL_S = 0.05  # how soon a token cancelled from another thread stops a running tool
# A tool's heap bound. ruff reads the workspace's config and ignore files unbounded: a cloned repo's
# `pyproject.toml -> /dev/zero` had it allocate ~0.4 GB/s until the machine ran out. ruff with every
# rule over the whole standard library peaks at ~360 MB.
TOOL_DATA_LIMIT = 2 << 30


class ToolError(Exception):
    """A tool could not run or timed out; the message is meant for the user."""


@dataclass(frozen=True)
class ProcResult:
    returncode: int
    stdout: bytes
    stderr: bytes


def kill_child(proc: asyncio.subprocess.Process) -> None:
    """Kill the child's whole process group (it was started in its own session by `start_child`)."""
    if proc.returncode is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        return  # already gone
    except OSError as exc:  # not a group leader after all: kill the child itself
        log.debug("killpg(%s) failed (%s); killing the process", proc.pid, exc)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


async def reap_child(proc: asyncio.subprocess.Process) -> None:
    """Wait for a killed child so it is not left as a zombie; never hang on it. Its pipes are read to
    their end too: a transport whose pipes are still open when the loop closes fails as it is freed."""
    try:
        await asyncio.wait_for(proc.communicate(), timeout=5)
    except TimeoutError:
        log.warning("process %s did not exit 5 s after SIGKILL", proc.pid)


async def run_process(
    args: list[str],
    *,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    timeout_s: float = 60.0,
    env: dict[str, str] | None = None,
    started: asyncio.Event | None = None,
) -> ProcResult:
    """Run `args` to completion off the loop.

    On timeout the process group is killed and ToolError raised; on cancellation it is killed
    and reaped before CancelledError propagates, so callers can trust that no child survives.
    `started` is set once the child runs (or could not be started): see `spawn_first`.
    """
    # On Linux the input is handed over as an anonymous in-memory file, not a pipe: a pipe is fed by the
    # event loop 64 KB at a time, and each refill waited for the GIL while the review's Python engines
    # held it. ruff on a 6,400-line file took 20 ms beside a 10 ms Python thread instead of 11 ms alone;
    # from the file it reads at once. Elsewhere a pipe, as before (never a file on disk).
    source = _input_file(stdin) if stdin is not None else None
    piped = stdin if stdin is not None and source is None else None
    if source is not None:
        child_stdin: Any = source
    else:
        child_stdin = asyncio.subprocess.PIPE if piped is not None else asyncio.subprocess.DEVNULL
    try:
        proc = await start_child(args, stdin=child_stdin, cwd=cwd, env=env)
    finally:
        if source is not None:
            source.close()  # the child holds its own copy of the descriptor
        if started is not None:
            started.set()
    return await finish_child(proc, piped, timeout_s, Path(args[0]).name)


async def start_child(args: list[str], *, stdin: Any, cwd: Path | None, env: dict[str, str] | None) -> Any:
    """Start a tool in its own process group (so `kill_child` ends all of it) with the heap bound set.
    ToolError when it cannot start; cancelled, it is killed and reaped before CancelledError goes on."""
    starting = asyncio.ensure_future(
        asyncio.create_subprocess_exec(
            *args,
            stdin=stdin,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=str(cwd) if cwd else None,
            env=env,
            start_new_session=True,
        )
    )
    try:
        # Shielded: a cancel landing while the child is being started (the fork has happened, the
        # transport is not ready; a busy loop widens that window) must still find it and kill it.
        proc = await asyncio.shield(starting)
    except asyncio.CancelledError:
        outcome = await asyncio.gather(starting, return_exceptions=True)
        if isinstance(outcome[0], asyncio.subprocess.Process):
            kill_child(outcome[0])
            await asyncio.shield(reap_child(outcome[0]))
        raise
    except OSError as exc:
        raise ToolError(f"cannot start {Path(args[0]).name}: {exc}") from exc
    _limit_memory(proc.pid)
    return proc


async def finish_child(proc: Any, piped: bytes | None, timeout_s: float, name: str) -> ProcResult:
    """Feed `piped` (None: its input is already given), wait for the exit and the output. On timeout
    the process group is killed and ToolError raised; on cancel it is killed and reaped first."""
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(piped), timeout=timeout_s)
    except TimeoutError:
        kill_child(proc)
        await reap_child(proc)
        raise ToolError(f"{name} took longer than {timeout_s:g} s and was stopped") from None
    except asyncio.CancelledError:
        kill_child(proc)
        # Shielded so a second cancel cannot leave the killed child unreaped.
        await asyncio.shield(reap_child(proc))
        raise
    assert proc.returncode is not None
    return ProcResult(proc.returncode, stdout, stderr)


def _input_file(data: bytes) -> BinaryIO | None:
    """`data` in an anonymous in-memory file positioned at its start, for a child to read as its
    standard input; None where the system has no memfd_create (the caller then uses a pipe)."""
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is None:
        return None
    try:
        handle: BinaryIO = os.fdopen(memfd_create("zc-tool-input", os.MFD_CLOEXEC), "w+b")
    except OSError as exc:  # out of descriptors or memory: the pipe still works
        log.debug("no in-memory file for a tool's input (%s); using a pipe", exc)
        return None
    try:
        handle.write(data)
        handle.flush()
        handle.seek(0)
    except OSError as exc:  # memory ran out while writing: the pipe still works
        handle.close()
        log.debug("could not write a tool's input to memory (%s); using a pipe", exc)
        return None
    except BaseException:
        handle.close()
        raise
    return handle


def _limit_memory(pid: int) -> None:
    """Bound the child's heap (RLIMIT_DATA) right after it starts: set from outside, so no preexec_fn
    runs in a forked copy of this threaded process; a tool that hits it fails with its own error."""
    prlimit = getattr(resource, "prlimit", None)
    if prlimit is None:
        return
    try:
        prlimit(pid, resource.RLIMIT_DATA, (TOOL_DATA_LIMIT, TOOL_DATA_LIMIT))
    except (OSError, ValueError) as exc:  # already exited, or a hard limit below ours
        log.debug("could not bound the memory of process %s: %s", pid, exc)


async def spawn_first(job: asyncio.Future[Any], started: asyncio.Event) -> None:
    """Wait until the tool `job` runs has been started (or `job` ended), before Python threads start.

    Starting a child from asyncio waits for its watcher thread to come up; with engine threads
    holding the GIL in turns that took ~10 ms in the server against ~1 ms on a quiet interpreter,
    and the tool's own run only began after it.
    """
    waiter: asyncio.Future[Any] = asyncio.ensure_future(started.wait())
    try:
        await asyncio.wait({job, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


async def gather_settled(*aws: Awaitable[T]) -> list[T]:
    """`asyncio.gather`, except that when it is cancelled (or a job fails) it returns only after every job
    has finished its own cleanup. Plain gather finishes as soon as one job is cancelled: a thread job
    stops at once, and the caller would go on while a killed ruff or bandit is still being reaped."""
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)  # each job's kill-and-reap has run
        raise


async def with_cancel_token(aw: Awaitable[T], token: CancelToken | None, progress: str = "") -> T:
    """Await `aw`, stopping it (and any subprocess it runs) once `token` is cancelled.

    Editors cancel by cancelling the asyncio task; the batch queue and background jobs cancel
    through the token from another thread. Both must stop a running ruff or bandit.
    """
    task = asyncio.ensure_future(aw)
    if token is None:
        return await task
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=_TOKEN_POLL_S)
            if done:
                return task.result()
            if token.cancelled:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                raise Cancelled(progress)
    except asyncio.CancelledError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        raise
