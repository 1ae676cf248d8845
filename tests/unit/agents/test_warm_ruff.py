"""The editor's ruff left waiting for the next change (agents/engines/warm_process.py): it gives the
same findings as a fresh run, is used only while its command and the config it read still hold,
and never outlives its idle time, its document, a cancel or a dead pipe."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import psutil
import pytest

from zc_lsp.agents.engines import warm_process
from zc_lsp.agents.engines.proc import ToolError
from zc_lsp.agents.engines.ruff_engine import RuffOptions, ruff_check
from zc_lsp.agents.engines.warm_process import POOL, Launch, WarmPool, fingerprint

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipes are sized on Linux only")

SOURCE = "import os\nimport subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"


def _opts(root: Path) -> RuffOptions:
    return RuffOptions(root=root, select=("S",), base_select=("E", "F"), timeout_s=30)


@pytest.fixture(autouse=True)
def _empty_pool():
    yield
    assert POOL.waiting_pids() == [], "each test ends its waiting processes inside its loop"


async def _waiting(pool: WarmPool, timeout_s: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if pool.waiting_pids():
            return pool.waiting_pids()
        await asyncio.sleep(0.02)
    raise AssertionError("no process was left waiting")


def _gone(pid: int) -> bool:
    """Ended and reaped: a zombie still counts as there."""
    return not psutil.pid_exists(pid)


async def _until_gone(pid: int, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        await asyncio.sleep(0.02)
    return False


def _codes(findings) -> list[tuple[str, int]]:
    return sorted((f.code, f.span.start_line) for f in findings)


def test_the_waiting_ruff_gives_what_a_fresh_run_gives(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    edited = "import json\n" + SOURCE  # the next version: one more unused import above

    async def main() -> None:
        first = await ruff_check(SOURCE, path, _opts(tmp_path), warm_for="file:///app.py")
        assert {"F401", "S602"} <= {f.code for f in first}
        pid = (await _waiting(POOL))[0]
        used = POOL.used
        warm = await ruff_check(edited, path, _opts(tmp_path), warm_for="file:///app.py")
        assert POOL.used == used + 1
        assert await _until_gone(pid)  # used once, then reaped
        fresh = await ruff_check(edited, path, _opts(tmp_path))
        assert _codes(warm) == _codes(fresh)
        assert ("F401", 0) in _codes(warm)  # the new line's finding: the new text was linted
        await POOL.aclose()

    asyncio.run(main())


def test_a_changed_config_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    config = tmp_path / "ruff.toml"
    config.write_text('[lint]\nselect = ["F", "S"]\n')

    async def main() -> None:
        first = await ruff_check(SOURCE, path, _opts(tmp_path), warm_for="doc")
        assert "F401" in {f.code for f in first}
        await _waiting(POOL)
        config.write_text('[lint]\nselect = ["F", "S"]\nignore = ["F401"]\n')  # same arguments, new config
        used = POOL.used
        second = await ruff_check(SOURCE, path, _opts(tmp_path), warm_for="doc")
        assert POOL.used == used  # the waiting one had read the old config
        assert "F401" not in {f.code for f in second}
        assert "S602" in {f.code for f in second}
        await POOL.aclose()

    asyncio.run(main())


def test_other_arguments_start_fresh(tmp_path: Path) -> None:
    async def main() -> None:
        await ruff_check(SOURCE, tmp_path / "a.py", _opts(tmp_path), warm_for="a")
        await _waiting(POOL)
        used = POOL.used
        found = await ruff_check(SOURCE, tmp_path / "b.py", _opts(tmp_path), warm_for="b")
        assert POOL.used == used and {"F401", "S602"} <= {f.code for f in found}
        await POOL.aclose()

    asyncio.run(main())


def test_fingerprint_sees_a_config_appear_change_and_go(tmp_path: Path) -> None:
    before = fingerprint([tmp_path])
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\n")
    made = fingerprint([tmp_path])
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    changed = fingerprint([tmp_path])
    (tmp_path / "pyproject.toml").unlink()
    assert len({before, made, changed}) == 3 and fingerprint([tmp_path]) == before


WAITER = [sys.executable, "-c", "import sys, time; data = sys.stdin.buffer.read(); print(len(data)); time.sleep(30)"]
ECHO = [sys.executable, "-c", "import sys; sys.stdout.write(str(len(sys.stdin.buffer.read())))"]


def _start(pool: WarmPool, args: list[str], tmp_path: Path, owner: str = "doc", size: int = 65536) -> tuple:
    launch = Launch(tuple(args), tmp_path, dict(os.environ), (tmp_path,), size, owner)
    pool.start_later(launch)
    return launch.key, fingerprint([tmp_path])


def test_idle_expiry_ends_and_reaps_it(tmp_path: Path) -> None:
    async def main() -> None:
        pool = WarmPool(idle_s=0.2)
        _start(pool, ECHO, tmp_path)
        pid = (await _waiting(pool))[0]
        assert await _until_gone(pid, 3.0)
        assert pool.waiting_pids() == []

    asyncio.run(main())


def test_closing_the_document_ends_it(tmp_path: Path) -> None:
    async def main() -> None:
        key, _ = _start(POOL, ECHO, tmp_path, owner="file:///closed.py")
        pid = (await _waiting(POOL))[0]
        warm_process.forget_document("file:///other.py")
        assert POOL.waiting_pids() == [pid]
        warm_process.forget_document("file:///closed.py")
        assert POOL.waiting_pids() == [] and await _until_gone(pid)

    asyncio.run(main())


def test_a_cancelled_run_kills_and_reaps_it(tmp_path: Path) -> None:
    async def main() -> None:
        pool = WarmPool()
        key, stamp = _start(pool, WAITER, tmp_path)
        pid = (await _waiting(pool))[0]
        entry = pool.take(key, stamp, 10)
        assert entry is not None
        run = asyncio.ensure_future(pool.run(entry, b"x" * 10, 60))
        await asyncio.sleep(0.3)  # it has read its input and sleeps
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        assert _gone(pid)

    asyncio.run(main())


def test_a_timeout_is_a_tool_error(tmp_path: Path) -> None:
    async def main() -> None:
        pool = WarmPool()
        key, stamp = _start(pool, WAITER, tmp_path)
        pid = (await _waiting(pool))[0]
        entry = pool.take(key, stamp, 10)
        with pytest.raises(ToolError, match="took longer"):
            await pool.run(entry, b"x" * 10, 0.3)
        assert _gone(pid)

    asyncio.run(main())


def test_what_it_cannot_serve_is_refused_and_ended(tmp_path: Path) -> None:
    async def main() -> None:
        pool = WarmPool()
        key, stamp = _start(pool, ECHO, tmp_path, size=65536)
        pid = (await _waiting(pool))[0]
        assert pool.take(key, stamp, 8 << 20) is None  # 8 MB: more than its pipe holds
        assert await _until_gone(pid)

        key, stamp = _start(pool, ECHO, tmp_path)
        pid = (await _waiting(pool))[0]
        os.kill(pid, 9)  # died while waiting
        await asyncio.sleep(0.2)
        assert pool.take(key, stamp, 10) is None
        assert await _until_gone(pid)

        key, stamp = _start(pool, ECHO, tmp_path)
        await _waiting(pool)
        assert pool.take(key, (("elsewhere", 1, 2, 3),), 10) is None  # the config it read changed

        key, stamp = _start(pool, ECHO, tmp_path, size=200_000)
        await _waiting(pool)
        entry = pool.take(key, stamp, 200_000)
        assert entry is not None
        result = await pool.run(entry, b"y" * 200_000, 30)  # more than a default pipe, in one write
        assert result.returncode == 0 and result.stdout == b"200000"
        await pool.aclose()

    asyncio.run(main())


def test_one_waits_at_a_time(tmp_path: Path) -> None:
    async def main() -> None:
        pool = WarmPool(max_waiting=1)
        _start(pool, ECHO, tmp_path, owner="a")
        first = (await _waiting(pool))[0]
        _start(pool, [*ECHO, "b"], tmp_path, owner="b")
        deadline = time.monotonic() + 5
        while pool.waiting_pids() in ([], [first]) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert len(pool.waiting_pids()) == 1 and pool.waiting_pids() != [first]
        assert await _until_gone(first)
        await pool.aclose()

    asyncio.run(main())


def test_a_process_of_another_loop_is_not_used(tmp_path: Path) -> None:
    pool = WarmPool()
    owner = asyncio.new_event_loop()  # a batch job's private loop, say

    async def make() -> tuple:
        made = _start(pool, ECHO, tmp_path)
        await _waiting(pool)
        return made

    async def use(key: tuple, stamp: tuple) -> None:
        assert pool.take(key, stamp, 10) is None

    try:
        key, stamp = owner.run_until_complete(make())
        pid = pool.waiting_pids()[0]
        asyncio.run(use(key, stamp))  # refused, and ended
        assert pool.waiting_pids() == []
        owner.run_until_complete(_until_gone(pid))  # its own loop reaps it
    finally:
        owner.close()
