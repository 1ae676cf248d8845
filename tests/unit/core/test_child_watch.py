"""Subprocesses watched through a pidfd (Python 3.11): still reaped, killed on cancel, from any loop."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PROGRAM = textwrap.dedent(
    """
    import asyncio, os, sys, threading
    from zc_lsp.core.child_watch import watch_children_with_pidfd
    from zc_lsp.agents.engines.proc import run_process

    installed = watch_children_with_pidfd()
    print("installed", installed, type(asyncio.get_child_watcher()).__name__ if installed else "-")

    def zombies():
        out = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    stat = open(f"/proc/{pid}/stat").read()
                except OSError:
                    continue
                fields = stat.rsplit(")", 1)[1].split()
                if fields[0] == "Z" and int(fields[1]) == os.getpid():
                    out.append(pid)
        return out

    async def main():
        res = await run_process([sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read()[::-1])"], stdin=b"abc")
        print("reversed", res.stdout.decode(), res.returncode)
        slow = asyncio.ensure_future(run_process([sys.executable, "-c", "import time; time.sleep(30)"]))
        await asyncio.sleep(0.5)
        slow.cancel()
        try:
            await slow
        except asyncio.CancelledError:
            print("cancelled")

    asyncio.run(main())

    def in_a_thread():  # a batch worker runs its own loop in its own thread
        res = asyncio.run(run_process([sys.executable, "-c", "print(6 * 7)"]))
        print("thread", res.stdout.decode().strip())

    t = threading.Thread(target=in_a_thread)
    t.start()
    t.join()
    print("zombies", zombies())
    """
)


def _run() -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.skipif(sys.version_info >= (3, 12) or sys.platform != "linux", reason="acts on Linux, Python 3.11 only")
def test_children_are_watched_by_pidfd_reaped_and_killed_on_cancel() -> None:
    lines = _run()
    assert lines[0] == "installed True LoopPidfdWatcher"
    assert lines[1:] == ["reversed cba 0", "cancelled", "thread 42", "zombies []"]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="checks the versions where asyncio chooses its own watcher")
def test_newer_pythons_keep_their_own_watcher() -> None:
    lines = _run()
    assert lines[0] == "installed False -"
    assert lines[1:] == ["reversed cba 0", "cancelled", "thread 42", "zombies []"]
