"""Every child process group the server starts, so that leaving kills them all (issue 11).

Why: a test run's pytest, its workers and whatever the tests spawn must not outlive the server
when the editor dies, sends `exit`, closes stdin or garbles a frame. A group is registered when
it starts; the runner records the group's descendants as it polls, so a grandchild that left the
group with setsid is still known. `kill_all()` SIGKILLs every group, every recorded descendant
and every descendant of the server itself, then waits for them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psutil

log = logging.getLogger(__name__)


def _psutil() -> Any:
    """psutil on first use: importing it is ~5 ms the server's start-up does not need."""
    import psutil

    return psutil


def _gone() -> tuple[type[BaseException], ...]:
    ps = _psutil()
    return (ps.NoSuchProcess, ps.ZombieProcess, ProcessLookupError)


class ProcessRegistry:
    """Thread-safe: runs start on the loop, background jobs start from their own threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: dict[int, dict[int, psutil.Process]] = {}

    def track(self, pgid: int) -> None:
        """Record a new process group (its leader's pid, started with start_new_session=True)."""
        with self._lock:
            self._groups.setdefault(pgid, {})
        self.observe(pgid)

    def observe(self, pgid: int) -> None:
        """Remember the group leader's current descendants (call it while the run is polled)."""
        try:
            leader = _psutil().Process(pgid)
            seen = [leader, *leader.children(recursive=True)]
        except _gone():
            return
        with self._lock:
            known = self._groups.get(pgid)
            if known is not None:
                for proc in seen:
                    known.setdefault(proc.pid, proc)

    def untrack(self, pgid: int) -> None:
        with self._lock:
            self._groups.pop(pgid, None)

    def groups(self) -> list[int]:
        with self._lock:
            return list(self._groups)

    def kill_group(self, pgid: int) -> list[psutil.Process]:
        """SIGKILL one group and every descendant seen of it; returns what was signalled."""
        self.observe(pgid)
        with self._lock:
            members = list(self._groups.get(pgid, {}).values())
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        signalled = []
        for proc in members:
            try:
                if proc.is_running():  # compares the start time too, so a reused pid is not hit
                    proc.kill()
                    signalled.append(proc)
            except _gone():
                continue
            except _psutil().AccessDenied as exc:
                log.warning("cannot kill process %s: %s", proc.pid, exc)
        return signalled

    def kill_all(self, wait_s: float = 0.5) -> int:
        """Kill every tracked group and every descendant of this process; returns how many were signalled."""
        ps = _psutil()
        signalled: list[psutil.Process] = []
        for pgid in self.groups():
            signalled += self.kill_group(pgid)
            self.untrack(pgid)
        try:
            mine = ps.Process().children(recursive=True)
        except _gone():
            mine = []
        for proc in mine:
            with contextlib.suppress(*_gone(), ps.AccessDenied):
                proc.kill()
                signalled.append(proc)
        if signalled:
            _, alive = ps.wait_procs(signalled, timeout=wait_s)
            if alive:
                log.error("processes still alive after SIGKILL: %s", [p.pid for p in alive])
        return len({p.pid for p in signalled})


REGISTRY = ProcessRegistry()  # one per server process: it is a fact of the process, like its pid


def kill_all(wait_s: float = 0.5) -> int:
    """Kill every child process group of this server (called on every way out)."""
    return REGISTRY.kill_all(wait_s)
