"""The data folder is where platformdirs says, though the server does not import platformdirs on Linux."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from zc_lsp.memory.workspace import default_data_root, user_data_path


@pytest.mark.parametrize("xdg", [None, "", "relative/dir", "/tmp/zc-xdg-data"])
def test_user_data_path_is_platformdirs_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, xdg: str | None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    expected = platformdirs.user_data_path("zombiecoder", appauthor=False)
    assert user_data_path() == expected
    assert default_data_root() == expected / "workspaces"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="elsewhere platformdirs itself answers")
def test_linux_answer_needs_no_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # an import would now fail
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/zc-xdg-data")
    assert user_data_path() == Path("/tmp/zc-xdg-data/zombiecoder")
