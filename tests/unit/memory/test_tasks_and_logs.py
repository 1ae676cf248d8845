"""Task database (tasks, reports, metrics) and the JSON-lines log with redaction and rotation."""

from __future__ import annotations

import json
import logging

import pytest

from zc_lsp.memory import redact, setup_json_log


def test_task_lifecycle_reports_and_metrics(open_memory):
    tasks = open_memory().tasks
    tid = tasks.start_task("verifier", "run_tests", priority=3, payload={"uri": "file:///t.py"})
    [running] = tasks.list_tasks(state="running")
    assert running["id"] == tid and running["payload"] == {"uri": "file:///t.py"}
    tasks.retry_task(tid)
    tasks.finish_task(tid, "failed", result={"passed": 1}, error="1 failed")
    [done] = tasks.list_tasks(agent="verifier")
    assert (done["state"], done["attempts"], done["result"], done["error"]) == ("failed", 2, {"passed": 1}, "1 failed")
    assert done["finished_at"] >= done["started_at"]
    with pytest.raises(ValueError):
        tasks.finish_task(tid, "exploded")
    rid = tasks.add_report("verifier", "Tests", "# 1 failed", task_id=tid)
    assert tasks.list_reports()[0]["title"] == "Tests" and "markdown" not in tasks.list_reports()[0]
    assert tasks.get_report(rid)["markdown"] == "# 1 failed" and tasks.get_report(999) is None
    for i in range(10):
        tasks.record_metric("cpu_percent", float(i), ts=1000.0 + i)
    assert tasks.metric_series("cpu_percent", limit=3) == [(1007.0, 7.0), (1008.0, 8.0), (1009.0, 9.0)]
    assert tasks.metric_series("cpu_percent", since=1008.5) == [(1009.0, 9.0)]
    assert tasks.prune(max_age_days=1, now=1005.0 + 86400) == 5


def test_a_finished_run_is_recorded_in_one_row(open_memory):
    tasks = open_memory().tasks
    tid = tasks.record_task("best_practices", "review", "cancelled", 1000.0, result={"summary": "x"}, error="Cancelled.")
    [row] = tasks.list_tasks(agent="best_practices")
    assert row["id"] == tid and (row["state"], row["result"], row["error"]) == ("cancelled", {"summary": "x"}, "Cancelled.")
    assert row["created_at"] == row["started_at"] == 1000.0 < row["finished_at"]
    with pytest.raises(ValueError):
        tasks.record_task("best_practices", "review", "running", 1000.0)
    assert len(tasks.list_tasks()) == 1


def test_background_can_keep_its_own_tables(open_memory):
    tasks = open_memory().tasks
    with tasks.write() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY, rule TEXT)")
        conn.execute("INSERT INTO alerts (rule) VALUES ('provider_down')")
    assert tasks.read().execute("SELECT rule FROM alerts").fetchall() == [("provider_down",)]


def test_redact_hides_obvious_secrets():
    text = ("key sk-abcdefghijklmnopqrstuvwx password=hunter2 url https://bob:pa55@host/x "
            "Authorization: Bearer abc.def.ghi123 AKIAABCDEFGHIJKLMNOP ghp_abcdefghijklmnopqrstuvwxyz12")
    out = redact(text)
    for secret in ("sk-abcdefghijkl", "hunter2", "pa55", "abc.def.ghi123", "AKIAABCDEFGHIJKLMNOP", "ghp_abc"):
        assert secret not in out
    assert "https://bob:[REDACTED]@host/x" in out


def test_json_log_lines_are_structured_redacted_and_rotated(open_memory):
    mem = open_memory()
    handler = setup_json_log(mem, logger="zc_lsp.test_memory_log", max_bytes=2000, backup_count=2)
    log = logging.getLogger("zc_lsp.test_memory_log")
    try:
        log.info("calling with api_key=%s", "sk-secretsecretsecret1234", extra={"agent": "ops"})
        try:
            raise RuntimeError("token=abc123456")
        except RuntimeError:
            log.exception("failed")
        first = [json.loads(x) for x in (mem.logs_dir / "zc.jsonl").read_text().splitlines()]
        assert first[0]["msg"] == "calling with api_key=[REDACTED]" and first[0]["agent"] == "ops"
        assert first[1]["level"] == "error" and "RuntimeError" in first[1]["exc"]
        assert "abc123456" not in first[1]["exc"]
        for i in range(100):
            log.info("filler line %d %s", i, "y" * 50)
    finally:
        log.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in mem.logs_dir.iterdir())
    assert files == ["zc.jsonl", "zc.jsonl.1", "zc.jsonl.2"]
    for name in files:
        for line in (mem.logs_dir / name).read_text().splitlines():
            entry = json.loads(line)
            assert {"ts", "level", "logger", "msg"} <= set(entry)
            assert "sk-secret" not in line and "abc123456" not in line
