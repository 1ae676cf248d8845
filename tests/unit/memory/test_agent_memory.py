"""AgentMemory behaviour: remember/recall/recent/forget/count, retention, compaction, isolation."""

from __future__ import annotations

import sqlite3
import time

import pytest

from zc_lsp.memory import AgentMemory, MemoryItem, fts_query


def test_remember_then_recall_ranks_the_best_match_first(open_memory):
    mem = open_memory().agent("programming")
    mem.remember("note", "parse json with json.loads", {"lang": "py"}, "file:///a.py")
    mem.remember("note", "json json json: json everywhere, parse json files with json.load")
    mem.remember("note", "the weather is nice today")
    hits = mem.recall("parse json", k=5)
    assert [h.content for h in hits][:2] != []
    assert all("json" in h.content for h in hits)
    assert len(hits) == 2
    assert hits[0].score is not None and hits[0].score >= hits[1].score
    first = next(h for h in hits if h.uri)
    assert first.metadata == {"lang": "py"} and first.uri == "file:///a.py"
    assert isinstance(first, MemoryItem) and first.created_at <= time.time()


@pytest.mark.parametrize("query", [
    'AND OR NOT', '"unbalanced', "col:value", "NEAR(a b", "*", "a*b^c", "()", "-x +y", "'; DROP TABLE memories; --",
    "ünïcödé 東京", "", "   ", "\x00",
])
def test_recall_never_raises_on_fts_syntax(open_memory, query):
    mem = open_memory().agent("conversational")
    mem.remember("chat", "AND OR NOT near value ünïcödé 東京 drop table memories")
    hits = mem.recall(query)
    assert isinstance(hits, list)
    assert mem.count() == 1  # the injection attempt did nothing


def test_fts_query_quotes_every_term():
    assert fts_query('foo "bar" NEAR(baz)') == '"foo" OR "bar" OR "near" OR "baz"'
    assert fts_query("!!!") == ""


def test_recent_forget_count_and_kind_filter(open_memory):
    mem = open_memory().agent("verifier")
    ids = [mem.remember("chat" if i % 2 else "cache", f"item {i}") for i in range(6)]
    assert mem.count() == 6 and mem.count("chat") == 3
    assert [i.content for i in mem.recent(2)] == ["item 5", "item 4"]
    assert [i.content for i in mem.recent(10, kind="cache")] == ["item 4", "item 2", "item 0"]
    assert mem.forget(ids[0]) is True
    assert mem.forget(ids[0]) is False
    assert mem.count() == 5
    assert mem.recall("item 0") and all(i.id != ids[0] for i in mem.recall("item 0", k=10))


def test_remember_many_is_one_transaction(open_memory):
    mem = open_memory().agent("ops")
    ids = mem.remember_many([("note", f"n{i}", None, None) for i in range(50)])
    assert len(set(ids)) == 50 and mem.count() == 50
    with pytest.raises(TypeError):
        mem.remember_many([("note", "ok", None, None), ("note", object(), None, None)])
    assert mem.count() == 50  # the failing batch left nothing behind


def test_isolation_one_agent_cannot_see_another(open_memory):
    ws = open_memory()
    a, b = ws.agent("programming"), ws.agent("conversational")
    a.remember("secret", "programming-only zebra fact")
    assert b.recall("zebra") == [] and b.count() == 0 and b.recent() == []
    assert a.path != b.path and a.path.parent.name == "programming"
    # the conversational store's file holds no trace of the other agent's rows
    raw = sqlite3.connect(b.path)
    assert raw.execute("SELECT count(*) FROM memories").fetchone()[0] == 0
    raw.close()
    assert ws.agent("programming") is a
    with pytest.raises(ValueError):
        ws.agent("../programming")


def test_retention_per_kind_by_count_and_age(open_memory):
    retention = {"default": {"max_items": 3, "max_age_days": 10},
                 "chat": {"max_items": 100, "max_age_days": 1}}
    mem = open_memory(retention=retention).agent("programming")
    for i in range(5):
        mem.remember("note", f"note {i}")
    mem.remember("chat", "old chat")
    mem.remember("chat", "new chat")
    # age one chat row into the past, as if written two days ago
    with mem.write() as conn:
        conn.execute("UPDATE memories SET created_at = created_at - 2*86400 WHERE content = 'old chat'")
    removed = mem.apply_retention()
    assert removed == 3
    assert [i.content for i in mem.recent(10, kind="note")] == ["note 4", "note 3", "note 2"]
    assert [i.content for i in mem.recent(10, kind="chat")] == ["new chat"]
    assert mem.recall("old chat") == [] or all(i.content != "old chat" for i in mem.recall("old chat"))


def test_compact_and_wipe_remove_content_from_disk(open_memory):
    mem = open_memory().agent("programming")
    for i in range(200):
        mem.remember("note", f"compaction canary-{i} " + "x" * 200)
    for item in mem.recent(150):
        mem.forget(item.id)
    mem.compact()
    assert mem.count() == 50
    assert mem.recall("canary-10")
    assert mem.wipe() == 50
    assert mem.count() == 0 and mem.recall("canary") == []
    files = [mem.path, mem.path.with_name("memory.db-wal")]
    assert not any(b"canary-1" in f.read_bytes() for f in files if f.exists())


def test_export_lists_everything_in_order(open_memory):
    mem = open_memory().agent("programming")
    mem.remember("a", "one", {"k": 1}, "file:///x")
    mem.remember("b", "two")
    rows = mem.export()
    assert [(r["kind"], r["content"], r["metadata"], r["uri"], r["encrypted"]) for r in rows] == [
        ("a", "one", {"k": 1}, "file:///x", False), ("b", "two", {}, None, False)]


def test_migration_from_v1_keeps_rows_and_adds_columns(tmp_path):
    path = tmp_path / "memory.db"
    old = AgentMemory(path, "x", target_version=1)  # what the first release shipped
    assert old.schema_version == 1
    with old.write() as conn:
        conn.execute("INSERT INTO memories (kind, content, metadata, created_at) VALUES "
                     "('note', 'legacy row about sqlite', '{\"v\": 1}', 1.0)")
    assert "uri" not in old.db()["memories"].columns_dict
    old.close()
    new = AgentMemory(path, "x")
    assert new.schema_version == 2
    assert {"uri", "enc"} <= set(new.db()["memories"].columns_dict)
    [item] = new.recall("sqlite")
    assert item.content == "legacy row about sqlite" and item.metadata == {"v": 1} and item.uri is None
    new.remember("note", "fresh row", uri="file:///y")
    assert new.recent(1)[0].uri == "file:///y"
    new.close()
