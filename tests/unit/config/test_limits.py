"""Config that cannot stall or kill: alias bombs, deep nesting, huge files (issue 11)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from tests.unit.config.conftest import write
from zc_lsp.config import load_settings


def _bomb(levels: int = 9, width: int = 9, key: str = "tests") -> str:
    text = f"{key}:\n  pytest_args: &l0 [" + ", ".join(['"lol"'] * width) + "]\n"
    for i in range(1, levels):
        text += f"  x{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]\n"
    return text


def _load_bounded(ws: Path) -> object:
    """load_settings in a thread, so a regression fails the test instead of hanging CI."""
    out: dict[str, object] = {}
    worker = threading.Thread(target=lambda: out.setdefault("s", load_settings(ws)), daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "loading the config did not finish"
    return out["s"]


@pytest.mark.parametrize("shape", ["list", "mapping", "merge_keys"])
def test_alias_bomb_is_refused_naming_the_file(tmp_path: Path, shape: str) -> None:
    ws = tmp_path / "ws"
    if shape == "list":
        text = _bomb()
    elif shape == "mapping":
        text = "a0: &a0 {k: v, j: w, i: u}\n" + "".join(
            f"a{i}: &a{i} {{p: *a{i - 1}, q: *a{i - 1}, r: *a{i - 1}, s: *a{i - 1}}}\n" for i in range(1, 12))
    else:
        text = "b0: &b0 {x: [1, 2, 3, 4, 5, 6, 7, 8]}\n" + "".join(
            f"b{i}: &b{i} [*b{i - 1}, *b{i - 1}, *b{i - 1}, *b{i - 1}, *b{i - 1}, *b{i - 1}]\n" for i in range(1, 10))
    assert len(text) < 1500
    cfg = write(ws / ".zombiecoder.yaml", text)
    settings = _load_bounded(ws)
    issues = [str(i) for i in settings.issues]  # type: ignore[attr-defined]
    assert len(issues) == 1 and str(cfg) in issues[0] and "refused" in issues[0], issues
    assert settings.tests.pytest_args == []  # type: ignore[attr-defined]


def test_alias_bomb_error_gives_a_line(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write(ws / ".zombiecoder.yaml", _bomb())
    (issue,) = load_settings(ws).issues
    assert issue.line is not None and 2 <= issue.line <= 10


def test_small_honest_aliases_still_work(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write(ws / ".zombiecoder.yaml",
          "diagnostics:\n  ruff_ignore: &ign [E501, E731]\n  ruff_test_ignore: *ign\n")
    settings = load_settings(ws)
    assert settings.valid, settings.issues
    assert settings.diagnostics.ruff_test_ignore == ["E501", "E731"]


def test_self_referencing_alias_is_an_error_not_a_cycle(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    cfg = write(ws / ".zombiecoder.yaml", "tests:\n  pytest_args: &me [a, *me]\n")
    (issue,) = load_settings(ws).issues
    assert str(cfg) in str(issue) and issue.line == 2


@pytest.mark.parametrize("style", ["flow_list", "flow_map", "block_map", "block_list"])
def test_deep_nesting_is_an_error_not_recursion(tmp_path: Path, style: str) -> None:
    ws = tmp_path / "ws"
    depth = 5000 if style.startswith("flow") else 900  # block nesting costs depth² bytes of indentation
    if style == "flow_list":
        text = "tests:\n  pytest_args: " + "[" * depth + "]" * depth + "\n"
    elif style == "flow_map":
        text = "prompts: " + "{a: " * depth + "1" + "}" * depth + "\n"
    elif style == "block_map":
        text = "".join(" " * i + f"k{i}:\n" for i in range(depth)) + " " * depth + "k: 1\n"
    else:
        text = "".join(" " * i + "-\n" for i in range(depth)) + " " * depth + "- 1\n"
    cfg = write(ws / ".zombiecoder.yaml", text)
    settings = _load_bounded(ws)
    issues = settings.issues  # type: ignore[attr-defined]
    assert len(issues) == 1, issues
    assert str(cfg) in str(issues[0]) and "deeper" in issues[0].message


def test_huge_file_is_refused_without_parsing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    cfg = write(ws / ".zombiecoder.yaml", "log_level: debug\n" + "# padding\n" * 300_000)
    (issue,) = load_settings(ws).issues
    assert str(cfg) in str(issue) and "larger than" in issue.message
    assert load_settings(ws).log_level == "info"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_fifo_or_device_instead_of_a_file_does_not_block(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    os.mkfifo(ws / ".zombiecoder.yaml")
    (issue,) = _load_bounded(ws).issues  # type: ignore[attr-defined]
    assert "regular file" in issue.message
    (ws / ".zombiecoder.yaml").unlink()
    (ws / ".zombiecoder.yaml").symlink_to("/dev/zero")
    (issue,) = _load_bounded(ws).issues  # type: ignore[attr-defined]
    assert "regular file" in issue.message


def test_editor_settings_nested_too_deep_are_refused(tmp_path: Path) -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(3000):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    settings = load_settings(tmp_path, {"prompts": deep, "diagnostics": {"debounceMs": 10}})
    assert any("editor settings" in str(i) and "deeper" in str(i) for i in settings.issues)
    assert settings.diagnostics.debounce_ms == 300  # the whole editor layer is refused, defaults stand


def test_limits_refuse_fast_for_the_bench(tmp_path: Path) -> None:
    """Not a timing assert: records the figure for bench/ (the refusal itself is asserted above)."""
    ws = tmp_path / "ws"
    write(ws / ".zombiecoder.yaml", _bomb())
    start = time.perf_counter()
    load_settings(ws)
    print(f"alias bomb refused in {(time.perf_counter() - start) * 1000:.1f} ms")
