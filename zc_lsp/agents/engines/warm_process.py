"""A tool process started ahead of its next run, waiting for its input: the editor's ruff.

Why: a ruff run is a fresh process. On a 6,400-line module ~4 of its ~10 ms after a pause in the
typing are the process starting (loader, arguments, the project's config) before it reads a byte
(bench/review_bench.py; docs/performance.md, "Fifth pass"). A process started after one review and
left blocked on its standard input has paid that when the next change comes, and reads the new text
at once.

What keeps it honest:
- One waiting process per command (a document's ruff arguments, folder and environment), at most
  `MAX_WAITING` in all; each is used once. It is dropped, and the run starts fresh as before, when
  the command differs, when a config file ruff reads (`ruff.toml`, `.ruff.toml`, `pyproject.toml`
  in the file's folder and every folder above, the user's own) changed since it started
  (`fingerprint`), when it has exited, when the text does not fit its pipe, or when it belongs to
  another event loop. A config file the fingerprint does not see (one named by `extend`) that
  changes is read from the next run on: one review at most uses the old one.
- Nobody waits for it: it is started `START_DELAY_S` after a run (the review's answer has been sent
  by then), and killed after `IDLE_S` without use, when its document closes and at exit
  (`core/procs.kill_all` kills every descendant). It runs in its own process group with the same
  heap bound as any tool (`proc.start_child`). If the server dies, its input pipe closes and it
  reads an empty file and exits.
- Its input is a pipe sized to the text, written in one go: no event-loop refills (the reason the
  fresh runs read from an in-memory file, see proc.run_process).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from zc_lsp.agents.engines.proc import ProcResult, finish_child, kill_child, reap_child, start_child

try:
    import fcntl
except ImportError:  # Windows: no pipe sizing, so no waiting processes (every run starts fresh)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MAX_WAITING = 1  # the document being edited; a waiting ruff holds ~11-15 MB of memory
IDLE_S = 15.0  # a pause in the editing this long and the waiting process is ended (its memory back)
START_DELAY_S = 0.05  # after a run: its review has answered by then, and a burst of typing has moved on
CONFIG_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")

Key = tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]


def fingerprint(folders: Sequence[Path]) -> tuple[tuple[str, int, int, int], ...]:
    """(path, inode, size, mtime) of every config file present in `folders`: what ruff read at start."""
    out = []
    for folder in folders:
        for name in CONFIG_NAMES:
            path = folder / name
            try:
                info = path.stat()
            except OSError:  # absent (the usual case), or unreadable: ruff could not read it either
                continue
            out.append((str(path), info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(out)


@dataclass(frozen=True)
class Launch:
    """How to start one waiting process, and for whom."""

    args: tuple[str, ...]
    cwd: Path
    env: dict[str, str]
    config_folders: tuple[Path, ...]  # where the config files it reads at start may be (`fingerprint`)
    pipe_size: int  # the input it must take in one write
    owner: str  # the document it serves (its uri)

    @property
    def key(self) -> Key:
        """What must be equal for a waiting process to serve a run: the command, folder and environment."""
        return (self.args, str(self.cwd), tuple(sorted(self.env.items())))


@dataclass
class _Waiting:
    proc: asyncio.subprocess.Process
    name: str  # the tool's, for messages
    stdin_fd: int  # our end of its input pipe
    capacity: int  # bytes the pipe holds
    stamp: tuple[tuple[str, int, int, int], ...]
    loop: asyncio.AbstractEventLoop
    owner: str  # the document it serves (its uri): closed, it goes
    expiry: asyncio.TimerHandle | None = None


class WarmPool:
    """Waiting processes by command; see the module docstring. Used from one event loop at a time."""

    def __init__(self, max_waiting: int = MAX_WAITING, idle_s: float = IDLE_S) -> None:
        self.max_waiting = max_waiting
        self.idle_s = idle_s
        self._waiting: OrderedDict[Key, _Waiting] = OrderedDict()
        self._starting: set[Key] = set()
        self._pending: set[asyncio.TimerHandle | asyncio.Task[None]] = set()  # starts not yet done
        self.closed = False  # the server is leaving: nothing starts any more
        self.used = 0  # runs served by a waiting process (the tests read it)

    def take(self, key: Key, stamp: tuple[tuple[str, int, int, int], ...], size: int) -> _Waiting | None:
        """The waiting process for `key` if it may serve input of `size` bytes now; None otherwise."""
        entry = self._waiting.pop(key, None)
        if entry is None:
            return None
        if entry.expiry is not None:
            entry.expiry.cancel()
        reason = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if entry.loop is not loop:
            reason = "another event loop"
        elif entry.proc.returncode is not None:
            reason = f"it exited ({entry.proc.returncode})"
        elif entry.stamp != stamp:
            reason = "a config file changed"
        elif size > entry.capacity:
            reason = "the text does not fit its pipe"
        if reason is not None:
            log.debug("waiting process %s not used: %s", entry.proc.pid, reason)
            self._discard(entry)
            return None
        self.used += 1
        return entry

    async def run(self, entry: _Waiting, data: bytes, timeout_s: float) -> ProcResult:
        """Hand `data` to a process from `take` and wait for it like any tool run (kill and reap on cancel)."""
        try:
            view = memoryview(data)
            while view:  # fits the pipe (take checked): one write, it never blocks
                view = view[os.write(entry.stdin_fd, view) :]
        except OSError as exc:  # it died between take and now: the caller starts a fresh run
            self._discard(entry)
            raise BrokenPipeError(f"waiting process {entry.proc.pid} took no input: {exc}") from exc
        finally:
            with contextlib.suppress(OSError):
                os.close(entry.stdin_fd)
        return await finish_child(entry.proc, None, timeout_s, entry.name)

    def start_later(self, launch: Launch) -> None:
        """Start the next waiting process for `launch` after START_DELAY_S, unless one waits or is starting."""
        key = launch.key
        if self.closed or key in self._waiting or key in self._starting or self.max_waiting <= 0:
            return
        if not _can_size_pipes():
            return
        self._starting.add(key)
        loop = asyncio.get_running_loop()

        def begin() -> None:
            task = loop.create_task(self._start(launch))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            task.add_done_callback(_log_failure)

        handle = loop.call_later(START_DELAY_S, begin)
        self._pending.add(handle)
        loop.call_later(START_DELAY_S, self._pending.discard, handle)

    async def _start(self, launch: Launch) -> None:
        key = launch.key
        try:
            stamp = fingerprint(launch.config_folders)  # before the start: a change after it is seen at take
            read_fd, write_fd = os.pipe()
            try:
                capacity = _grow_pipe(write_fd, launch.pipe_size)
                if capacity < launch.pipe_size:
                    log.debug("no pipe holds %s bytes here: the next run starts fresh", launch.pipe_size)
                    os.close(write_fd)
                    return
                proc = await start_child(list(launch.args), stdin=read_fd, cwd=launch.cwd, env=launch.env)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.close(write_fd)
                raise
            finally:
                os.close(read_fd)  # the child holds its own copy
            os.set_blocking(write_fd, False)
            loop = asyncio.get_running_loop()
            entry = _Waiting(proc, Path(launch.args[0]).name, write_fd, capacity, stamp, loop, launch.owner)
            old = self._waiting.pop(key, None)
            if old is not None:
                self._discard(old)
            self._waiting[key] = entry
            entry.expiry = entry.loop.call_later(self.idle_s, self._expire, key, entry)
            while len(self._waiting) > self.max_waiting:
                _, oldest = self._waiting.popitem(last=False)
                self._discard(oldest)
        finally:
            self._starting.discard(key)

    def _expire(self, key: Key, entry: _Waiting) -> None:
        if self._waiting.get(key) is entry:
            del self._waiting[key]
            self._discard(entry)

    def drop(self, owner: str) -> None:
        """End the waiting processes of one document (it closed)."""
        for key in [k for k, entry in self._waiting.items() if entry.owner == owner]:
            self._discard(self._waiting.pop(key))

    async def aclose(self, for_good: bool = False) -> None:
        """End every waiting process and start under way, and wait until they are reaped; `for_good`
        (the server leaving): nothing starts afterwards. Before `core.procs.kill_all` on the way out:
        a start still in flight when the loop closes had hung asyncio's last clean-up."""
        self.closed = self.closed or for_good
        for pending in list(self._pending):  # a start not begun is dropped; one under way is killed
            pending.cancel()
        await asyncio.gather(*(p for p in self._pending if isinstance(p, asyncio.Task)), return_exceptions=True)
        self._pending.clear()
        self._starting.clear()
        reaping = []
        while self._waiting:
            _, entry = self._waiting.popitem()
            reaping.append(self._discard(entry))
        await asyncio.gather(*(task for task in reaping if task is not None))

    def waiting_pids(self) -> list[int]:
        return [entry.proc.pid for entry in self._waiting.values()]

    def _discard(self, entry: _Waiting) -> asyncio.Task[None] | None:
        """Kill it; the task that reaps it, when its loop is the running one."""
        if entry.expiry is not None:
            entry.expiry.cancel()
        with contextlib.suppress(OSError):
            os.close(entry.stdin_fd)  # it reads EOF...
        kill_child(entry.proc)  # ...but is not left to lint an empty file
        try:
            running = asyncio.get_running_loop() is entry.loop
        except RuntimeError:
            running = False
        if not running:  # another loop's: the killed child is reaped when that loop runs again
            return None
        task = entry.loop.create_task(reap_child(entry.proc))
        task.add_done_callback(_log_failure)
        return task


def _can_size_pipes() -> bool:
    return fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ")  # Linux


def _grow_pipe(fd: int, size: int) -> int:
    """Make the pipe hold `size` bytes if the system lets it; returns what it holds."""
    try:
        return int(fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size))
    except OSError:  # above /proc/sys/fs/pipe-max-size (1 MiB by default)
        return int(fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ))


def _log_failure(task: asyncio.Task[object]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.warning("a waiting tool process could not be started or reaped: %s", exc)


POOL = WarmPool()  # the editor's: one per server process, like the children it holds


def forget_document(doc_key: str) -> None:
    """The document closed: its waiting process goes (handlers/diagnostics calls this on close)."""
    POOL.drop(doc_key)
