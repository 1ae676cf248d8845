"""On Linux a tool's input is handed over as an in-memory file (run_process): read whole, at once,
whatever the loop is doing; elsewhere through a pipe.

A pipe was fed by the event loop 64 KB at a time, each refill waiting for the GIL while the review's
Python engines held it; the editor's ruff run took twice as long beside them (bench/review_bench.py).
"""

from __future__ import annotations

import hashlib
import os
import sys

import pytest

from zc_lsp.agents.engines.proc import run_process

ECHO_DIGEST = "import hashlib, sys; data = sys.stdin.buffer.read(); print(len(data), hashlib.sha256(data).hexdigest())"


async def test_large_input_reaches_the_tool_whole() -> None:
    data = bytes(range(256)) * 40_000  # 10 MB, every byte value, far past a pipe's buffer
    res = await run_process([sys.executable, "-c", ECHO_DIGEST], stdin=data, timeout_s=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == [str(len(data)).encode(), hashlib.sha256(data).hexdigest().encode()]


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="memfd_create is Linux's; other systems use a pipe")
async def test_input_is_a_file_not_a_pipe_and_empty_input_is_empty() -> None:
    probe = "import os, stat, sys; print(stat.S_ISFIFO(os.fstat(0).st_mode), len(sys.stdin.buffer.read()))"
    res = await run_process([sys.executable, "-c", probe], stdin=b"x = 1\n")
    assert res.stdout.split() == [b"False", b"6"]
    empty = await run_process([sys.executable, "-c", probe], stdin=b"")
    assert empty.stdout.split() == [b"False", b"0"]


async def test_a_tool_that_never_reads_its_input_still_finishes() -> None:
    # The input is written before the tool starts, so a tool that exits without reading it is no error.
    res = await run_process([sys.executable, "-c", "print('done')"], stdin=b"y" * 10_000_000, timeout_s=30)
    assert res.returncode == 0 and res.stdout.strip() == b"done"


async def test_no_input_means_an_empty_stdin() -> None:
    res = await run_process([sys.executable, "-c", "import sys; print(len(sys.stdin.buffer.read()))"])
    assert res.stdout.strip() == b"0"


async def test_without_memfd_the_input_goes_through_a_pipe_whole(monkeypatch) -> None:
    """Systems without memfd_create (macOS, BSD) keep the pipe: the text never lands in a file on disk."""
    monkeypatch.delattr(os, "memfd_create", raising=False)
    data = b"z" * 3_000_000
    probe = "import os, stat, sys; print(stat.S_ISFIFO(os.fstat(0).st_mode), len(sys.stdin.buffer.read()))"
    res = await run_process([sys.executable, "-c", probe], stdin=data, timeout_s=60)
    assert res.stdout.split() == [b"True", str(len(data)).encode()]


async def test_when_no_in_memory_file_can_be_made_the_pipe_carries_the_input(monkeypatch) -> None:
    def refuse(*_args: object) -> int:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "memfd_create", refuse, raising=False)
    res = await run_process([sys.executable, "-c", ECHO_DIGEST], stdin=b"abc", timeout_s=30)
    assert res.stdout.split() == [b"3", hashlib.sha256(b"abc").hexdigest().encode()]
