"""`zc memory ...` and `zc audit ...` as a user runs them: real folders, real files, exit codes."""

from __future__ import annotations

import argparse
import json
import sqlite3

import pytest

from zc_lsp.cli.memory import register
from zc_lsp.config import load_settings
from zc_lsp.memory import WorkspaceMemory


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("ZC_MEMORY_KEY", raising=False)
    root = tmp_path / "project"
    root.mkdir()
    user_cfg = tmp_path / "config" / "zombiecoder" / "config.yaml"  # memory.path is user-only
    user_cfg.parent.mkdir(parents=True)
    user_cfg.write_text(f"memory:\n  path: {tmp_path / 'data'}\n")
    mem = WorkspaceMemory(root, load_settings(root))
    mem.agent("programming").remember("note", "use pathlib for paths")
    mem.agent("conversational").remember("chat", "the user prefers pathlib and short answers")
    mem.audit.append("command", cmd="pytest -q")
    mem.audit.append("config_change", key="memory.path")
    mem.close()
    return root


def zc(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="zc")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.run(args)


def test_list_shows_agents_and_items(ws, capsys):
    assert zc("memory", "list", "--workspace", str(ws), "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["agents"] == {"conversational": 1, "programming": 1} and out["degraded"] is None
    assert zc("memory", "list", "--workspace", str(ws), "--agent", "programming") == 0
    assert "use pathlib for paths" in capsys.readouterr().out


def test_search_across_agents_and_in_one(ws, capsys):
    assert zc("memory", "search", "pathlib", "--workspace", str(ws)) == 0
    out = capsys.readouterr().out
    assert "programming" in out and "conversational" in out
    assert zc("memory", "search", "pathlib", "--agent", "programming", "--workspace", str(ws)) == 0
    assert "conversational" not in capsys.readouterr().out


def test_export_to_file(ws, tmp_path):
    target = tmp_path / "out.json"
    assert zc("memory", "export", "--workspace", str(ws), "-o", str(target)) == 0
    data = json.loads(target.read_text())
    assert data["agents"]["programming"][0]["content"] == "use pathlib for paths"


def test_wipe_asks_and_respects_no(ws, monkeypatch, capsys):
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert zc("memory", "wipe", "--agent", "programming", "--workspace", str(ws)) == 1
    assert "nothing wiped" in capsys.readouterr().out
    assert zc("memory", "wipe", "--agent", "programming", "--workspace", str(ws), "--yes") == 0
    capsys.readouterr()
    assert zc("memory", "list", "--workspace", str(ws), "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["agents"] == {"conversational": 1, "programming": 0}


def test_audit_verify_and_tail(ws, tmp_path, capsys):
    assert zc("audit", "tail", "--workspace", str(ws)) == 0
    out = capsys.readouterr().out
    assert "pytest -q" in out and "head:" in out
    assert zc("audit", "verify", "--workspace", str(ws)) == 0
    raw = sqlite3.connect(tmp_path / "data" / "audit.db")
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("""UPDATE audit SET fields = '{"cmd":"rm -rf /"}' WHERE id = 1""")
    raw.commit()
    raw.close()
    capsys.readouterr()
    assert zc("audit", "verify", "--workspace", str(ws)) == 1
    assert "row 1 was edited" in capsys.readouterr().out


def test_unavailable_memory_exits_2(ws, tmp_path, capsys):
    (tmp_path / "data" / "tasks.db").unlink()
    (tmp_path / "data" / "tasks.db").write_bytes(b"garbage" * 50)
    assert zc("memory", "list", "--workspace", str(ws)) == 0  # agents still listed, degraded said
    assert "degraded" in capsys.readouterr().out
    (tmp_path / "data" / "audit.db").unlink()
    (tmp_path / "data" / "audit.db").write_bytes(b"garbage" * 50)
    assert zc("audit", "verify", "--workspace", str(ws)) == 2
    assert "not a SQLite database" in capsys.readouterr().err
