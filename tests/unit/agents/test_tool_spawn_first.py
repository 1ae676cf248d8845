"""The review starts ruff's process before the Python engines' thread: `started` always gets set."""

from __future__ import annotations

import asyncio
import sys

import pytest

from zc_lsp.agents.engines.proc import ToolError, run_process, spawn_first


async def test_started_is_set_once_the_child_runs_and_the_result_still_comes_back() -> None:
    started = asyncio.Event()
    job = asyncio.ensure_future(run_process([sys.executable, "-c", "print('hi')"], started=started))
    await spawn_first(job, started)
    assert started.is_set()
    result = await job
    assert result.returncode == 0 and result.stdout.strip() == b"hi"


async def test_a_tool_that_cannot_start_still_releases_the_waiter() -> None:
    started = asyncio.Event()
    job = asyncio.ensure_future(run_process(["/nonexistent/zc-tool"], started=started))
    await spawn_first(job, started)
    assert started.is_set()
    with pytest.raises(ToolError):
        await job


async def test_cancelled_while_starting_the_waiter_is_released_too() -> None:
    started = asyncio.Event()
    job = asyncio.ensure_future(run_process([sys.executable, "-c", "import time; time.sleep(30)"], started=started))
    await asyncio.sleep(0)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert started.is_set()
