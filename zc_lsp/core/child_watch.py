"""Subprocesses are watched through a pidfd on their own event loop, not by a thread per child (Python 3.11).

Why: Python 3.11's default `ThreadedChildWatcher` starts a thread for every subprocess and waits
until that thread runs. In the server the loop thread then had to win the CPU back from the child it
had just started: 1.6-2.0 ms of every review's ruff start on the loop (0.03 ms with a pidfd), part of
issue 13's editor latency.

3.11's own `PidfdChildWatcher` cannot be used: it is bound to one loop, and the batch queue runs ruff
from worker threads with loops of their own. Python 3.12 rewrote it to add the child's pidfd to
whichever loop starts the child, and chooses it by default where the kernel has pidfd_open (Linux
5.3+). `LoopPidfdWatcher` below is that 3.12 class, backported; on 3.12 and later nothing is changed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any

log = logging.getLogger(__name__)


class LoopPidfdWatcher(asyncio.AbstractChildWatcher):
    """CPython 3.12's `asyncio.PidfdChildWatcher`: the child's pidfd is read by the loop that started it."""

    def __enter__(self) -> LoopPidfdWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def is_active(self) -> bool:
        return True

    def close(self) -> None:
        return None

    def attach_loop(self, loop: Any) -> None:
        return None

    def add_child_handler(self, pid: int, callback: Any, *args: Any) -> None:  # type: ignore[override]  # typeshed: TypeVarTuple
        loop: Any = asyncio.get_running_loop()
        pidfd = os.pidfd_open(pid)
        loop._add_reader(pidfd, self._do_wait, pid, pidfd, callback, args)

    def _do_wait(self, pid: int, pidfd: int, callback: Any, args: tuple[Any, ...]) -> None:
        loop: Any = asyncio.get_running_loop()
        loop._remove_reader(pidfd)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped by someone else: its code is unknown
            returncode = 255
            log.warning("child process pid %d exit status already read: will report returncode 255", pid)
        else:
            returncode = os.waitstatus_to_exitcode(status)
        os.close(pidfd)
        callback(pid, returncode, *args)

    def remove_child_handler(self, pid: int) -> bool:
        return True


def watch_children_with_pidfd() -> bool:
    """Install the pidfd child watcher for this process (Python 3.11 on Linux); True when installed.
    Call it before any event loop starts a subprocess."""
    if sys.version_info >= (3, 12):
        return False  # asyncio already watches children this way where the kernel allows
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return False
    try:
        probe = pidfd_open(os.getpid())
    except OSError as exc:  # an old kernel, or a seccomp filter that refuses the call
        log.debug("pidfd_open is not usable here (%s): subprocesses are watched by threads", exc)
        return False
    os.close(probe)
    asyncio.set_child_watcher(LoopPidfdWatcher())
    return True
