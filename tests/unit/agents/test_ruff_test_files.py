"""The test-file exceptions (S105, S106, PLR2004, S101 in tests) hold wherever a test file lives,
and a run on any other file leaves them out of ruff's arguments (each glob costs ruff time)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from zc_lsp.agents.engines.ruff_engine import RuffOptions, may_be_test_file, ruff_check, rule_args

SOURCE = 'password = "hunter2-correct-horse"\n'  # S105: a hard-coded password


def _opts(root: Path) -> RuffOptions:
    return RuffOptions(root=root, select=("S",), base_select=("E", "F"), test_ignore=("S105",), timeout_s=30)


@pytest.mark.parametrize(
    "rel",
    ["tests/test_app.py", "tests/helpers/util.py", "pkg/test_models.py", "pkg/models_test.py", "conftest.py"],
)
def test_test_files_keep_their_exceptions(tmp_path: Path, rel: str) -> None:
    path = tmp_path / rel
    assert may_be_test_file(path)
    assert "--extend-per-file-ignores" in rule_args(_opts(tmp_path), path)
    codes = {f.code for f in asyncio.run(ruff_check(SOURCE, path, _opts(tmp_path)))}
    assert "S105" not in codes


@pytest.mark.parametrize("rel", ["app.py", "pkg/testing.py", "pkg/contest.py", "testsuite/app.py", "pkg/test.py"])
def test_other_files_are_checked_without_the_exceptions(tmp_path: Path, rel: str) -> None:
    path = tmp_path / rel
    assert not may_be_test_file(path)
    assert "--extend-per-file-ignores" not in rule_args(_opts(tmp_path), path)
    codes = {f.code for f in asyncio.run(ruff_check(SOURCE, path, _opts(tmp_path)))}
    assert "S105" in codes


def test_a_run_over_many_files_keeps_the_exceptions(tmp_path: Path) -> None:
    assert "--extend-per-file-ignores" in rule_args(_opts(tmp_path))
