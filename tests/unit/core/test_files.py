"""Hostile files in a workspace: a FIFO, a symlink to /dev/zero, a folder or an oversized file is
refused with a reason, never read forever or waited on (git stores symlinks, so a clone can hold them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zc_lsp.core.files import UnreadableFile, read_bounded, read_text_bounded
from zc_lsp.core.ignore import IgnoreRules

pytestmark = pytest.mark.timeout(60)


def test_a_regular_file_within_the_bound_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("x = 'é'\n", encoding="utf-8")
    assert read_text_bounded(path) == "x = 'é'\n"
    assert read_bounded(path, max_bytes=len(path.read_bytes())) == path.read_bytes()


def test_over_the_bound_is_refused_with_the_size(tmp_path: Path) -> None:
    path = tmp_path / "big.py"
    path.write_bytes(b"x" * 101)
    with pytest.raises(UnreadableFile, match="larger than 100 bytes"):
        read_bounded(path, max_bytes=100)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: os.mkfifo(p), "FIFO"),
        (lambda p: p.symlink_to("/dev/zero"), "device"),
        (lambda p: p.symlink_to("/dev/urandom"), "device"),
        (lambda p: p.mkdir(), "folder"),
    ],
)
def test_anything_but_a_regular_file_is_refused_at_once(tmp_path: Path, make, kind: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "pyproject.toml"
    make(path)
    with pytest.raises(UnreadableFile, match=kind):
        read_bounded(path)


def test_missing_files_still_raise_their_own_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "nope")


def test_an_ignore_file_pointing_at_dev_zero_is_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").symlink_to("/dev/zero")
    rules = IgnoreRules.load(tmp_path)
    assert rules.error is not None and ".gitignore is not a regular file" in rules.error


def test_zc_review_reports_a_fifo_and_an_oversized_file_and_goes_on(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "ok.py").write_text("import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n")
    os.mkfifo(ws / "pipe.py")  # nothing ever writes to it: reading it would block forever
    (ws / ".gitignore").symlink_to("/dev/zero")  # reading it would never end
    (ws / ".zombiecoder.yaml").write_text("diagnostics:\n  max_file_bytes: 1000\n")
    (ws / "big.py").write_text("x = 1\n" * 400)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    out = subprocess.run(
        [sys.executable, "-m", "zc_lsp.cli", "review", "."], cwd=ws, env=env, capture_output=True, text=True,
        timeout=50,
    )
    assert "pipe.py is not a regular file (a FIFO)" in out.stderr, out.stderr
    assert ".gitignore is not a regular file" in out.stderr, out.stderr
    assert "big.py" in out.stderr and "larger than" in out.stderr, out.stderr
    assert "ok.py:4" in out.stdout, out.stdout  # the readable file is still reviewed
