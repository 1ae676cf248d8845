"""A tool the review starts cannot be made to eat the machine by the workspace it reads.

ruff reads the project's config files without a bound: a cloned repository's `pyproject.toml ->
/dev/zero` (git stores symlinks) made it allocate until the machine ran out of memory. Every tool
run through `run_process` now has a bounded heap and fails with its own error instead.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from zc_lsp.agents.engines.proc import TOOL_DATA_LIMIT, run_process
from zc_lsp.agents.engines.ruff_engine import RuffOptions, ruff_check, rule_args, unusable_ruff_config

pytestmark = [pytest.mark.timeout(60), pytest.mark.skipif(sys.platform != "linux", reason="prlimit is Linux's")]


def test_a_tool_runs_with_a_bounded_heap() -> None:
    probe = "import resource; print(resource.getrlimit(resource.RLIMIT_DATA)[0])"
    res = asyncio.run(run_process([sys.executable, "-c", probe]))
    assert int(res.stdout) == TOOL_DATA_LIMIT


def test_a_tool_that_allocates_without_end_fails_instead_of_growing() -> None:
    res = asyncio.run(run_process([sys.executable, "-c", f"x = bytearray({TOOL_DATA_LIMIT * 2})"]))
    assert res.returncode != 0 and b"MemoryError" in res.stderr


@pytest.mark.parametrize("name", ["pyproject.toml", "ruff.toml", ".ruff.toml"])
def test_a_ruff_config_that_is_not_a_file_is_not_read_and_the_rules_still_run(tmp_path: Path, name: str) -> None:
    (tmp_path / name).symlink_to("/dev/zero")
    (tmp_path / "a.py").write_text("import os\nos.system(input())\n")
    assert unusable_ruff_config(tmp_path) == f"{tmp_path / name} is not a regular file"
    opts = RuffOptions(root=tmp_path, select=("S",), base_select=("E", "F"), timeout_s=30)
    assert "--isolated" in rule_args(opts)
    found = asyncio.run(ruff_check((tmp_path / "a.py").read_text(), tmp_path / "a.py", opts))
    assert "S605" in {f.code for f in found}  # the security rules ran, on our selection alone


def test_a_fifo_config_does_not_block_ruff(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pyproject.toml")  # ruff would wait for a writer forever
    (tmp_path / "a.py").write_text("x = 1\n")
    opts = RuffOptions(root=tmp_path, timeout_s=20)
    assert asyncio.run(ruff_check("x = 1\n", tmp_path / "a.py", opts)) == []


def test_the_review_cache_keys_on_an_unreadable_config_without_reading_it(tmp_path: Path) -> None:
    from zc_lsp.agents.engines.review_cache import ruff_config_state

    (tmp_path / "pyproject.toml").symlink_to("/dev/zero")  # hashing it read until the server was killed
    (tmp_path / "a.py").write_text("x = 1\n")
    state = ruff_config_state([tmp_path / "a.py"], tmp_path / "user-ruff")
    (entry,) = [s for s in state if s.startswith(str(tmp_path / "pyproject.toml"))]
    assert "unreadable" in entry and "not a regular file" in entry
