"""The audit log is append-only and hash-chained: verify() names edited, deleted, reordered rows."""

from __future__ import annotations

import sqlite3

import pytest

from zc_lsp.memory import AuditLog


def _log(tmp_path, n=5) -> AuditLog:
    log = AuditLog(tmp_path / "audit.db")
    for i in range(n):
        log.append("model_call", provider="ollama", model="m", agent="programming",
                   prompt_sha256=f"{i:064x}", tokens_in=i, tokens_out=2 * i, latency_ms=10.5, outcome="ok")
    return log


def _tamper(path, *sql: str) -> None:
    """What an attacker (or a stray tool) with the file could do: drop the guards, rewrite rows."""
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER IF EXISTS audit_no_update")
    raw.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for statement in sql:
        raw.execute(statement)
    raw.commit()
    raw.close()


def test_clean_log_verifies_and_tail_decodes(tmp_path):
    log = _log(tmp_path)
    log.append("edit_applied", uri="file:///a.py", edits=2)
    assert log.verify() == (True, [])
    tail = log.tail(2)
    assert [r["kind"] for r in tail] == ["model_call", "edit_applied"]
    assert tail[-1]["fields"] == {"uri": "file:///a.py", "edits": 2}
    assert tail[-1]["prev"] == tail[0]["hash"]


def test_rows_cannot_be_updated_or_deleted_in_process(tmp_path):
    log = _log(tmp_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), log.write() as conn:
        conn.execute("UPDATE audit SET kind = 'command' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), log.write() as conn:
        conn.execute("DELETE FROM audit WHERE id = 1")
    assert log.verify() == (True, [])


def test_edited_row_is_named(tmp_path):
    log = _log(tmp_path)
    _tamper(log.path, """UPDATE audit SET fields = '{"provider":"openai"}' WHERE id = 3""")
    ok, problems = log.verify()
    assert not ok
    assert problems == ["row 3 was edited (its contents do not match its hash)"]


def test_deleted_row_is_named(tmp_path):
    log = _log(tmp_path)
    _tamper(log.path, "DELETE FROM audit WHERE id = 2")
    ok, problems = log.verify()
    assert not ok and any("row(s) 2 deleted" in p for p in problems), problems


def test_deleted_tail_is_caught_by_the_head_record(tmp_path):
    log = _log(tmp_path)
    _tamper(log.path, "DELETE FROM audit WHERE id >= 4")
    ok, problems = log.verify()
    assert not ok and problems == ["row(s) 4..5 deleted from the end of the log"]


def test_reordered_rows_are_found(tmp_path):
    log = _log(tmp_path)
    # swap the contents of rows 2 and 3, keeping the ids in place
    _tamper(log.path,
            "UPDATE audit SET id = -2 WHERE id = 2", "UPDATE audit SET id = 2 WHERE id = 3",
            "UPDATE audit SET id = 3 WHERE id = -2")
    ok, problems = log.verify()
    assert not ok
    assert any(p.startswith("row 2") for p in problems) and any(p.startswith("row 3") for p in problems)


def test_edit_with_recomputed_hash_still_breaks_the_chain(tmp_path):
    from zc_lsp.memory.audit import row_hash

    log = _log(tmp_path)
    row = log.tail(5)[1]  # id 2
    forged_fields = '{"provider":"evil"}'
    forged = row_hash(row["id"], row["ts"], row["kind"], forged_fields, row["prev"])
    _tamper(log.path, f"UPDATE audit SET fields = '{forged_fields}', hash = '{forged}' WHERE id = 2")
    ok, problems = log.verify()
    assert not ok and problems == ["row 3: link to row 2 broken (rows reordered or replaced)"]
