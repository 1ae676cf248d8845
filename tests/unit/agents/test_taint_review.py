"""The taint engine inside the Best Practices review: CWE-tagged findings with their data path,
and pattern rules (ruff S, bandit) quiet where the engine proved the line safe or reported it."""

from __future__ import annotations

from pathlib import Path

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.best_practices.agent import BestPracticesAgent
from zc_lsp.handlers.convert import Lines, diagnostic

APP = """\
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/users")
def users():
    name = request.args.get("name", "")
    ids = request.args.getlist("id")
    marks = ", ".join("?" for _ in ids)
    db = sqlite3.connect("app.db")
    safe = db.execute(f"SELECT * FROM users WHERE id IN ({marks})", ids).fetchall()
    unsafe = db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
    return {"safe": safe, "unsafe": unsafe}
"""


async def _review(make_ctx, snapshot, root: Path, text: str, **args):
    doc = snapshot(root / "app.py", text)
    return await BestPracticesAgent().handle(AgentRequest("review", doc=doc, args=args), make_ctx(root))


async def test_placeholder_fstring_is_quiet_and_tainted_fstring_is_one_taint_finding(tmp_path, make_ctx, snapshot):
    result = await _review(make_ctx, snapshot, tmp_path, APP, bandit=True)
    assert result.ok, result.error
    sql_lines = {f.span.start_line: f for f in result.findings if f.data.get("cwe") == 89 or f.code in ("S608", "B608")}
    assert set(sql_lines) == {14}, [(f.code, f.span.start_line) for f in result.findings]
    finding = sql_lines[14]
    assert finding.code == "ZC-TAINT-SQL" and finding.engine == "taint"
    assert "request.args" in finding.message
    assert result.data["counts"]["taint"] >= 1


async def test_taint_path_becomes_related_information(tmp_path, make_ctx, snapshot):
    result = await _review(make_ctx, snapshot, tmp_path, APP)
    finding = next(f for f in result.findings if f.code == "ZC-TAINT-SQL")
    uri = (tmp_path / "app.py").as_uri()
    diag = diagnostic(finding, Lines(APP), 1, uri)
    assert diag.related_information, "the source-to-sink path should reach the editor"
    lines = [r.location.range.start.line for r in diag.related_information]
    assert lines[0] == 9 and lines[-1] == 14  # request.args read on line 10, sink on 15 (1-based)
    assert all(r.location.uri == uri for r in diag.related_information)
    assert "related" not in (diag.data or {})  # sent once, as relatedInformation


async def test_file_the_taint_engine_cannot_parse_is_reported(tmp_path, make_ctx, snapshot):
    result = await _review(make_ctx, snapshot, tmp_path, "def broken(:\n    pass\n")
    notes = [f for f in result.findings if f.engine == "taint" or f.code == "invalid-syntax"]
    assert notes, [(f.code, f.engine) for f in result.findings]  # said, never skipped in silence


async def test_pep701_fstring_is_analysed_even_on_older_python(tmp_path, make_ctx, snapshot):
    text = APP.replace(
        "f\"SELECT * FROM users WHERE name = '{name}'\"", 'f"SELECT * FROM t WHERE a = {request.args["a"]}"'
    )
    result = await _review(make_ctx, snapshot, tmp_path, text)
    assert any(f.code == "ZC-TAINT-SQL" and f.span.start_line == 14 for f in result.findings)


async def test_taint_codes_are_explained(tmp_path, make_ctx):
    result = await BestPracticesAgent().handle(
        AgentRequest("explain_finding", args={"code": "ZC-TAINT-SQL"}), make_ctx(tmp_path)
    )
    assert result.ok and "CWE-89" in result.summary and "How to fix" in result.summary
