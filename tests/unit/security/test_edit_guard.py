"""The path half of the one edit guard: what a (possibly injected) edit may touch."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from zc_lsp.core.edit_guard import refuse_path
from zc_lsp.core.types import FileEdit, Span, TextEdit
from zc_lsp.handlers.edits import guard_edits, stale_reason
from zc_lsp.handlers.session import DocumentStore


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / ".gitignore").write_text("build/\n*.log\n")
    (root / "outside").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "victim.py").write_text("precious = True\n")
    return root


@pytest.mark.parametrize(
    "rel",
    ["pkg/mod.py", "pkg/new_module.py", "tests/test_new.py", "README.md", "pkg/sub/deeper/new.py", "gitlike.py",
     "docs/vscode-notes.md"],
)
def test_ordinary_workspace_files_may_be_edited(ws: Path, rel: str) -> None:
    assert refuse_path(ws, ws / rel) is None


@pytest.mark.parametrize(
    ("rel", "why"),
    [
        (".git/hooks/pre-commit", "tool folder"),
        (".git/config", "tool folder"),
        (".GIT/config", "tool folder"),
        ("pkg/.git/HEAD", "tool folder"),
        (".vscode/tasks.json", "tool folder"),
        (".vscode/settings.json", "tool folder"),
        (".idea/workspace.xml", "tool folder"),
        (".devcontainer/devcontainer.json", "tool folder"),
        (".zombiecoder.yaml", "own workspace config"),
        ("pkg/.zombiecoder.yaml", "own workspace config"),
        (".zombiecoderignore", "own workspace config"),
        (".env", "sensitive"),
        ("config/.env.production", "sensitive"),
        ("secrets/prod.json", "sensitive"),
        ("deploy/id_rsa", "sensitive"),
        ("certs/server.pem", "sensitive"),
        ("build/generated.py", "excluded by .gitignore"),
        ("logs/today.log", "excluded by .gitignore"),
        ("../elsewhere/victim.py", "outside the workspace"),
        ("pkg/../../elsewhere/victim.py", "outside the workspace"),
    ],
)
def test_protected_and_outside_paths_are_refused(ws: Path, rel: str, why: str) -> None:
    reason = refuse_path(ws, Path(os.path.join(ws, rel)))
    assert reason is not None and why in reason, reason


def test_symlinks_are_judged_by_where_they_lead(ws: Path, tmp_path: Path) -> None:
    (ws / "link_out").symlink_to(tmp_path / "elsewhere")
    (ws / "file_link.py").symlink_to(tmp_path / "elsewhere" / "victim.py")
    (ws / "hooks").symlink_to(ws / ".git" / "hooks")
    assert "outside" in (refuse_path(ws, ws / "link_out" / "victim.py") or "")
    assert "outside" in (refuse_path(ws, ws / "file_link.py") or "")
    assert "tool folder" in (refuse_path(ws, ws / "hooks" / "post-checkout") or "")


def test_relative_and_nul_paths_are_refused(ws: Path) -> None:
    assert refuse_path(ws, Path("pkg/mod.py")) is not None
    assert refuse_path(ws, str(ws / "pkg" / "mod\x00.py")) is not None


def test_a_broken_ignore_file_refuses_every_edit(ws: Path) -> None:
    (ws / ".zombiecoderignore").mkdir()  # a folder where the ignore file should be: unreadable as rules
    reason = refuse_path(ws, ws / "pkg" / "mod.py")
    assert reason is not None and "ignore files cannot be read" in reason


def test_guard_names_the_first_refused_file(ws: Path) -> None:
    edits = [FileEdit(ws / "pkg" / "mod.py", []), FileEdit(ws / ".vscode" / "tasks.json", [], create=True)]
    refused = guard_edits(ws, edits)
    assert refused is not None and refused.startswith(str(ws / ".vscode" / "tasks.json"))


class _Docs:
    """The two things stale_reason reads of pygls' workspace."""

    def __init__(self, docs: dict[str, SimpleNamespace]) -> None:
        self.text_documents = docs


def _ls(docs: dict[str, SimpleNamespace]) -> SimpleNamespace:
    """A session whose document store reads those documents (the real store over a fake pygls workspace)."""
    return SimpleNamespace(documents=DocumentStore(SimpleNamespace(workspace=_Docs(docs))))


def test_an_edit_for_an_older_version_is_refused_not_restamped(ws: Path) -> None:
    path = ws / "pkg" / "mod.py"
    live = {path.as_uri(): SimpleNamespace(version=8, source="x = 2\n")}
    edit = FileEdit(path, [TextEdit(Span(0, 0, 0, 5), "x = 3")], base_version=7)
    reason = stale_reason(_ls(live), edit)
    assert reason is not None and "version 7, now 8" in reason
    assert stale_reason(_ls(live), FileEdit(path, edit.edits, base_version=8)) is None
    assert "closed" in (stale_reason(_ls({}), edit) or "")


def test_an_edit_from_disk_does_not_overwrite_unsaved_changes(ws: Path) -> None:
    path = ws / "pkg" / "mod.py"
    unsaved = {path.as_uri(): SimpleNamespace(version=3, source="x = 1\ny = 2\n")}
    saved = {path.as_uri(): SimpleNamespace(version=3, source="x = 1\n")}
    edit = FileEdit(path, [TextEdit(Span(0, 0, 0, 5), "x = 3")])
    assert "unsaved changes" in (stale_reason(_ls(unsaved), edit) or "")
    assert stale_reason(_ls(saved), edit) is None
    assert stale_reason(_ls({}), edit) is None  # not open: the file on disk is the truth
