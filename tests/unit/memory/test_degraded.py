"""Bad input never raises from the constructor, never destroys a file, and says what is wrong."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from zc_lsp.memory import MemoryUnavailable, WorkspaceMemory
from zc_lsp.memory.workspace import default_data_root, workspace_id

from .conftest import make_settings


def test_corrupt_agent_file_is_left_untouched(open_memory, tmp_path):
    bad = tmp_path / "data" / "agents" / "programming" / "memory.db"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"this is not a database at all" * 100)
    mem = open_memory()
    agent = mem.agent("programming")
    assert mem.degraded and "not a SQLite database" in mem.degraded and "untouched" in mem.degraded
    with pytest.raises(MemoryUnavailable, match="not a SQLite database"):
        agent.remember("note", "x")
    with pytest.raises(MemoryUnavailable):
        agent.recall("x")
    assert bad.read_bytes() == b"this is not a database at all" * 100
    assert mem.agent("verifier").remember("note", "others still work") > 0


def test_damaged_sqlite_pages_are_reported_not_repaired(open_memory, tmp_path):
    mem = open_memory()
    for i in range(300):
        mem.agent("ops").remember("note", f"row {i} " + "q" * 500)
    mem.close()
    path = tmp_path / "data" / "agents" / "ops" / "memory.db"
    data = bytearray(path.read_bytes())
    data[4096 * 3: 4096 * 3 + 2000] = b"\xff" * 2000  # smash a b-tree page
    path.write_bytes(bytes(data))
    mem2 = open_memory()
    agent = mem2.agent("ops")
    assert agent.degraded and str(path) in agent.degraded
    assert path.read_bytes() == bytes(data)


def test_foreign_sqlite_file_is_refused(open_memory, tmp_path):
    path = tmp_path / "data" / "tasks.db"
    path.parent.mkdir(parents=True)
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    raw.execute("INSERT INTO invoices (total) VALUES (12.5)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    mem = open_memory()
    assert mem.degraded and "another program" in mem.degraded and "invoices" in mem.degraded
    with pytest.raises(MemoryUnavailable, match="another program"):
        mem.tasks.start_task("ops", "x")
    assert path.read_bytes() == before
    assert mem.audit.append("command", cmd="ok") == 1  # the audit log is a separate file


def test_newer_schema_is_refused(open_memory, tmp_path):
    mem = open_memory()
    mem.agent("ops").remember("note", "x")
    mem.close()
    raw = sqlite3.connect(tmp_path / "data" / "agents" / "ops" / "memory.db")
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    agent = open_memory().agent("ops")
    assert agent.degraded and "newer" in agent.degraded


def test_locked_database_times_out_with_a_clear_reason(open_memory, tmp_path):
    path = tmp_path / "data" / "audit.db"
    path.parent.mkdir(parents=True)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holding the file (rollback-journal mode)
    try:
        mem = open_memory(busy_timeout_ms=200)
        assert mem.degraded and "locked" in mem.degraded
        with pytest.raises(MemoryUnavailable, match="locked"):
            mem.audit.tail()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_lock_held_during_a_write_raises_memory_unavailable(open_memory):
    mem = open_memory(busy_timeout_ms=200)
    agent = mem.agent("ops")
    agent.remember("note", "before")
    holder = sqlite3.connect(agent.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(MemoryUnavailable, match="locked"):
            agent.remember("note", "during")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert agent.remember("note", "after") > 0 and agent.count() == 2


def test_full_disk_fails_clearly_and_keeps_what_was_stored(open_memory):
    agent = open_memory().agent("ops")
    agent.remember("note", "kept")
    pages = agent.conn().execute("PRAGMA page_count").fetchone()[0]
    agent.conn().execute(f"PRAGMA max_page_count = {pages + 2}")  # this connection's "disk" is full
    with pytest.raises(MemoryUnavailable, match="disk is full"):
        for _ in range(200):
            agent.remember("note", "z" * 4000)
    assert agent.degraded is None and agent.recent(1)  # still readable; nothing destroyed
    assert agent.recall("kept")[0].content == "kept"


def test_data_dir_that_cannot_be_created(workspace, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    mem = WorkspaceMemory(workspace, make_settings(path=str(blocker / "data")), env={})
    assert mem.degraded and "memory is off" in mem.degraded
    with pytest.raises(MemoryUnavailable):
        mem.agent("ops").remember("note", "x")
    with pytest.raises(MemoryUnavailable):
        mem.audit.verify()
    assert blocker.read_text() == "not a folder"


def _make_read_only(folder: Path) -> None:
    """chmod for normal users; root ignores modes, so use the immutable attribute there."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a read-only folder")
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root and chattr +i failed: {done.stderr.strip()}")


def _make_writable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
    os.chmod(folder, 0o755)


def test_read_only_data_dir_degrades(workspace, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _make_read_only(data)
    try:
        mem = WorkspaceMemory(workspace, make_settings(path=str(data)), env={})
        assert mem.degraded and "memory is off" in mem.degraded
        assert "not permitted" in mem.degraded or "denied" in mem.degraded
        with pytest.raises(MemoryUnavailable, match="memory is off"):
            mem.agent("ops").remember("note", "x")
        assert mem.status()["degraded"] == mem.degraded
        mem.close()
    finally:
        _make_writable(data)
    assert list(data.iterdir()) == []


def test_default_location_honours_xdg_data_home(monkeypatch, tmp_path, workspace):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_root() == tmp_path / "xdg" / "zombiecoder" / "workspaces"
    mem = WorkspaceMemory(workspace, make_settings(), env={})
    try:
        assert mem.path == tmp_path / "xdg" / "zombiecoder" / "workspaces" / workspace_id(workspace)
        assert len(mem.path.name) == 16 and mem.degraded is None
        assert (mem.path / "tasks.db").exists() and (mem.path / "audit.db").exists()
        assert mem.logs_dir.is_dir()
    finally:
        mem.close()


def test_in_workspace_folder_is_git_ignored(workspace):
    (workspace / ".git").mkdir()
    (workspace / ".gitignore").write_text("*.pyc")
    for _ in range(2):  # idempotent
        mem = WorkspaceMemory(workspace, make_settings(in_workspace=True), env={})
        assert mem.path == workspace.resolve() / ".zombiecoder" and mem.degraded is None
        mem.close()
    assert (workspace / ".gitignore").read_text().splitlines() == [
        "*.pyc", "# ZombieCoder memory (per-workspace data)", ".zombiecoder/"]


def test_in_workspace_without_git_leaves_no_gitignore(workspace):
    mem = WorkspaceMemory(workspace, make_settings(in_workspace=True), env={})
    mem.close()
    assert not (workspace / ".gitignore").exists()


def test_in_workspace_never_writes_through_the_workspace_s_symlinks(workspace, tmp_path):
    """A clone controls both names: `.gitignore -> ~/.bashrc` and `.zombiecoder -> ~/.ssh`."""
    outside = tmp_path / "home"
    outside.mkdir()
    bashrc = outside / ".bashrc"
    bashrc.write_text("export PATH\n")
    (workspace / ".git").mkdir()
    (workspace / ".gitignore").symlink_to(bashrc)
    mem = WorkspaceMemory(workspace, make_settings(in_workspace=True), env={})
    mem.close()
    assert bashrc.read_text() == "export PATH\n"  # the warning is logged; nothing appended out there

    (workspace / ".gitignore").unlink()
    shutil.rmtree(workspace / ".zombiecoder")
    ssh = outside / ".ssh"
    ssh.mkdir()
    (workspace / ".zombiecoder").symlink_to(ssh)
    mem = WorkspaceMemory(workspace, make_settings(in_workspace=True), env={})
    assert mem.degraded is not None and "symlink" in mem.degraded
    mem.close()
    assert list(ssh.iterdir()) == []
