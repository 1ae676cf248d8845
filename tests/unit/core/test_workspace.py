"""The one workspace walker and the one inside-the-workspace check."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zc_lsp.core.workspace import is_inside, iter_files, python_files, relative_to_root


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _rels(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_walker_prunes_vendored_cache_and_hidden_folders(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "app.py": "", "pkg/mod.py": "", "node_modules/x/y.py": "", ".venv/lib/z.py": "",
        "build/gen.py": "", "pkg/__pycache__/m.py": "", ".hidden/h.py": "", "thing.egg-info/e.py": "",
        "notes.txt": "",
    })
    assert _rels(tmp_path, python_files(tmp_path)) == ["app.py", "pkg/mod.py"]


def test_walker_honours_gitignore_and_zombiecoderignore_at_any_depth(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitignore": "generated/\n", "pkg/.zombiecoderignore": "private_*.py\n",
        "generated/out.py": "", "pkg/private_keys.py": "", "pkg/public.py": "", "main.py": "",
    })
    assert _rels(tmp_path, python_files(tmp_path)) == ["main.py", "pkg/public.py"]


def test_walker_lists_nothing_when_an_ignore_file_is_broken(tmp_path: Path) -> None:
    _tree(tmp_path, {"main.py": ""})
    (tmp_path / ".zombiecoderignore").write_bytes(b"a\x00b")
    assert python_files(tmp_path) == []


def test_walker_with_injected_predicate_and_glob(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "", "src/b.py": "", "src/c.txt": "", "src/skip_me.py": ""})
    found = iter_files(tmp_path, "**/*.py", ignore=lambda p: p.name.startswith("skip"))
    assert _rels(tmp_path, list(found)) == ["a.py", "src/b.py"]
    assert _rels(tmp_path, list(iter_files(tmp_path, "src/*.txt", ignore=lambda p: False))) == ["src/c.txt"]


def test_walker_stops_at_limit_and_skips_big_files(tmp_path: Path) -> None:
    _tree(tmp_path, {f"m{i}.py": "" for i in range(5)} | {"big.py": "x" * 1000})
    assert len(python_files(tmp_path, limit=3)) == 3
    assert "big.py" not in _rels(tmp_path, list(iter_files(tmp_path, "*.py", max_bytes=100)))


def test_walker_leaves_out_symlinks_pointing_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "ws"
    _tree(outside, {"secret.py": "", "lib/inner.py": ""})
    _tree(root, {"ok.py": ""})
    os.symlink(outside / "secret.py", root / "link.py")
    os.symlink(outside / "lib", root / "linkdir")
    assert _rels(root, python_files(root)) == ["ok.py"]


@pytest.mark.parametrize(
    ("rel", "inside"),
    [
        ("a.py", True),
        ("pkg/../a.py", True),
        ("../elsewhere.py", False),
        ("pkg/../../elsewhere.py", False),
        (".", True),
        ("new/dir/not_yet.py", True),
    ],
)
def test_is_inside_collapses_dot_dot(tmp_path: Path, rel: str, inside: bool) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    assert is_inside(root, rel) is inside
    assert is_inside(root, root / rel) is inside


def test_is_inside_resolves_symlinks_both_ways(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "real").mkdir(parents=True)
    os.symlink("/etc", root / "etc_link")
    os.symlink(root, tmp_path / "ws_link")
    assert not is_inside(root, root / "etc_link" / "passwd")
    assert not is_inside(root, root / "etc_link" / "not_yet_created")
    assert is_inside(tmp_path / "ws_link", root / "real")
    assert not is_inside(root, "/etc/passwd")
    assert relative_to_root(root, root / "real" / "x.py") == "real/x.py"
    assert relative_to_root(root, "/etc/passwd") is None


def test_is_inside_refuses_nul_bytes(tmp_path: Path) -> None:
    assert not is_inside(tmp_path, "a\x00b")


def test_a_review_listing_says_when_it_stopped_at_its_limit(tmp_path: Path) -> None:
    from zc_lsp.core.workspace import reviewable_files

    for n in range(5):
        (tmp_path / f"m{n}.py").write_text("x = 1\n")
    full = reviewable_files(tmp_path, lambda name: name.endswith(".py"), limit=5)
    assert len(full) == 5 and not full.truncated  # exactly the limit: nothing left out
    cut = reviewable_files(tmp_path, lambda name: name.endswith(".py"), limit=3)
    assert len(cut) == 3 and cut.truncated


def test_zc_review_names_a_folder_it_did_not_finish(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    for n in range(4):
        (tmp_path / f"m{n}.py").write_text("x = 1\n")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    out = subprocess.run([sys.executable, "-m", "zc_lsp.cli", "review", "--max-files", "2", "."], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert "stopped at 2 files; more are there" in out.stderr and "in 2 file(s)" in out.stderr, out


def test_a_symlink_out_of_the_folder_is_left_out_and_said(tmp_path: Path) -> None:
    from zc_lsp.core.workspace import reviewable_files

    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "own.py").write_text("y = 2\n")
    (ws / "link.py").symlink_to(outside)
    found = reviewable_files(ws, lambda name: name.endswith(".py"))
    assert [p.name for p in found] == ["own.py"]
    assert found.skipped == [f"link.py: a symlink to {outside}, outside the folder; not followed"]
