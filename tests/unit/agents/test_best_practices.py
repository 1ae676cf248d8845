"""BestPracticesAgent against real ruff, bandit and detect-secrets, on the demo project and snippets."""

from __future__ import annotations

import asyncio

import psutil
import pytest

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.best_practices.agent import BestPracticesAgent
from zc_lsp.agents.engines.bandit_engine import drop_ruff_duplicates
from zc_lsp.agents.engines.secrets_engine import scan_secrets
from zc_lsp.core.cancel import Cancelled
from zc_lsp.core.types import Span

DEMO_TOKEN = "ghp_Zq8vT3kLm9Xw2Rb7Yc4Hd1Np6Js0Fa5Ue3Gi"


async def review(ctx, doc, **args):
    return await BestPracticesAgent().handle(AgentRequest("review", doc=doc, args=args), ctx)


def by_code(result):
    return {f.code: f for f in result.findings}


async def test_demo_project_review_finds_every_planted_problem(demo_project, make_ctx, snapshot):
    path = demo_project / "src" / "demo_app" / "tools.py"
    result = await review(make_ctx(demo_project), snapshot(path), bandit=True)
    assert result.ok, result.error
    codes = by_code(result)
    for code in ("F401", "S602", "E722", "S307", "ZC-SECRET-GITHUB"):
        assert code in codes, sorted(codes)
    # ruff's S105 (CWE-259) on the token's line is the same problem as the secret scan's (CWE-798): one finding.
    assert "S105" not in codes and codes["ZC-SECRET-GITHUB"].data.get("cwe") == 798
    unused = codes["F401"]
    assert unused.span == Span(2, 7, 2, 11)  # `json` in "import json", 0-based
    assert unused.engine == "ruff" and unused.source == "zombiecoder"
    assert unused.url == "https://docs.astral.sh/ruff/rules/unused-import"
    assert unused.fix and unused.fix_title == "Remove unused import: `json`"
    assert codes["E722"].span.start_line == 24
    # bandit's B602 is ruff's S602 on the same line: reported once, by ruff.
    assert "B602" not in codes
    # B404 ("import subprocess") is skipped by default (diagnostics.bandit_skip): noise on its own.
    assert "B404" not in codes and result.data["counts"]["bandit"] == 0
    assert result.provider == "offline" and {"ruff", "taint", "bandit", "secrets"} <= set(result.model.split("+"))
    assert {"ruff", "bandit", "secrets", "settings"} <= set(result.data["counts"])  # settings: config_scan
    assert "| ruff |" in result.summary
    assert all(DEMO_TOKEN not in f.message for f in result.findings)


async def test_bandit_only_findings_are_reported_when_not_skipped(demo_project, make_ctx, snapshot, agent_settings):
    path = demo_project / "src" / "demo_app" / "tools.py"
    settings = agent_settings(demo_project, diagnostics={"banditSkip": []})
    result = await review(make_ctx(demo_project, settings=settings), snapshot(path), bandit=True)
    codes = by_code(result)
    assert "bandit" in result.data["counts"]
    # B404 ("import subprocess") is an import blacklist: where the taint engine read the file it
    # judges the subprocess call itself, so the import alone is no longer a finding (issue 13);
    # the shell call with a parameter it cannot prove safe is still reported, once, by ruff.
    assert "B404" not in codes and codes["S602"].span.start_line == 23


async def test_ruff_fix_edits_remove_the_finding_even_after_wide_characters(tmp_path, make_ctx, snapshot, apply_edits):
    text = 'x = "éé"; import os\nprint(x)\n'
    doc = snapshot(tmp_path / "wide.py", text)
    ctx = make_ctx(tmp_path)
    result = await review(ctx, doc, secrets=False)
    unused = by_code(result)["F401"]
    assert unused.span == Span(0, 17, 0, 19)  # characters, not UTF-8 bytes
    assert doc.text[17:19] == "os"
    fixed = apply_edits(text, unused.fix)
    again = await review(ctx, snapshot(tmp_path / "wide.py", fixed), secrets=False)
    assert "F401" not in by_code(again)


async def test_unsaved_text_is_checked_not_the_file_on_disk(tmp_path, make_ctx, snapshot):
    path = tmp_path / "mod.py"
    path.write_text("print('clean')\n")
    result = await review(make_ctx(tmp_path), snapshot(path, "import os\n"), secrets=False)
    assert "F401" in by_code(result)


async def test_syntax_error_still_reported_as_error_findings(tmp_path, make_ctx, snapshot):
    result = await review(make_ctx(tmp_path), snapshot(tmp_path / "bad.py", "def f(:\n    pass\n"))
    assert result.ok
    syntax = [f for f in result.findings if f.code == "invalid-syntax"]
    assert syntax and syntax[0].severity == "error" and syntax[0].span.start_line == 0
    assert result.data["syntax_error"] is True


async def test_workspace_ruff_config_is_respected(tmp_path, make_ctx, snapshot):
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint.per-file-ignores]\n"legacy.py" = ["F401"]\n')
    ctx = make_ctx(tmp_path)
    legacy = await review(ctx, snapshot(tmp_path / "legacy.py", "import os\n"), secrets=False)
    fresh = await review(ctx, snapshot(tmp_path / "fresh.py", "import os\n"), secrets=False)
    assert "F401" not in by_code(legacy)
    assert "F401" in by_code(fresh)


@pytest.mark.parametrize(
    ("name", "text", "language", "reason"),
    [
        ("big.py", "x = 1\n" * 400, "python", "over the"),
        ("blob.py", "x = 1\x00\x01\n", "python", "binary"),
        ("notes.txt", "hello\n", "plaintext", "not a Python file"),
    ],
)
async def test_huge_binary_and_non_python_documents_are_refused(
    tmp_path, make_ctx, agent_settings, snapshot, name, text, language, reason
):
    ctx = make_ctx(tmp_path, agent_settings(tmp_path, diagnostics={"max_file_bytes": 1000}))
    result = await review(ctx, snapshot(tmp_path / name, text, language_id=language))
    assert not result.ok and reason in (result.error or "")
    assert not result.findings


def test_secrets_found_by_type_without_the_secret_in_messages():
    secrets = {
        "AWS": "AKIAQX7RZ2M4NB6TL3VW",
        "GITHUB": "ghp_Zq8vT3kLm9Xw2Rb7Yc4Hd1Np6Js0Fa5Ue3Gi",
        "SLACK": "xoxb-204958673012-Kp3Ld9Xq2Zr7Wt4Ym",
        "OPENAI": "sk-proj-Rk2Lp9Vx3Qm7Zt5Wn8Yb4Hc6J",
        "ANTHROPIC": "sk-ant-api03-Gh5Kd2Rt8Lp3Xq9Vm7Zw4Nb",
        "JWT": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "HIGH-ENTROPY": "q8ZrT1vX9wLm4Kp2Bn7Yc3Hd",
    }
    names = {"HIGH-ENTROPY": "db_token"}
    lines = [f'{names.get(k, "value_" + str(i))} = "{v}"' for i, (k, v) in enumerate(secrets.items())]
    lines += [
        "KEY = '''-----BEGIN RSA PRIVATE KEY-----",
        "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi",
        "-----END RSA PRIVATE KEY-----'''",
    ]
    lines += ['greeting = "hello world, how are you"', 'safe = "AKIAQX7RZ2M4NB6TL3VX"  # pragma: allowlist secret']
    text = "\n".join(lines) + "\n"
    findings = scan_secrets(text, "config.py")
    found = {f.code: f for f in findings}
    for i, (kind, value) in enumerate(secrets.items()):
        finding = found[f"ZC-SECRET-{kind}"]
        assert finding.span.start_line == i
        line = lines[i]
        assert line[finding.span.start_char : finding.span.end_char] == value
        assert finding.severity == "error"
    assert found["ZC-SECRET-PRIVATE-KEY"].span == Span(7, 9, 9, 29)
    assert not any(f.span.start_line in (10, 11) for f in findings)  # prose and allowlisted line
    for f in findings:
        assert not any(v in f.message or v in repr(f.data) for v in secrets.values())


def test_bandit_duplicate_of_ruff_rule_on_same_line_is_dropped():
    from zc_lsp.core.types import Finding

    ruff = [Finding(Span(4, 8, 4, 20), "warning", "S602", "shell", engine="ruff")]
    bandit = [
        Finding(Span(4, 8, 4, 30), "error", "B602", "shell", engine="bandit", data={"lines": [5]}),
        Finding(Span(1, 0, 1, 17), "warning", "B404", "import", engine="bandit", data={"lines": [2]}),
        Finding(Span(9, 0, 9, 9), "warning", "B101", "assert", engine="bandit", data={"lines": [10]}),
    ]
    kept = drop_ruff_duplicates(bandit, ruff, ruff_ignore=("S101",))
    assert [f.code for f in kept] == ["B404"]


async def test_cancelling_a_review_kills_ruff(tmp_path, make_ctx, agent_settings, snapshot):
    text = "".join(f"def f{i}(a, b):\n    x = a + b\n    return eval(x)\n" for i in range(100_000))
    ctx = make_ctx(tmp_path, agent_settings(tmp_path, diagnostics={"max_file_bytes": 50_000_000}))
    me = psutil.Process()
    task = asyncio.create_task(review(ctx, snapshot(tmp_path / "big.py", text), secrets=False))
    child = None
    for _ in range(1000):
        await asyncio.sleep(0.005)
        kids = me.children(recursive=True)
        if kids:
            child = kids[0]
            break
    assert child is not None, "ruff never started"
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    assert me.children(recursive=True) == []


async def test_cancel_token_stops_between_engines(tmp_path, make_ctx, snapshot):
    ctx = make_ctx(tmp_path)
    ctx.cancel.cancel()
    with pytest.raises(Cancelled):
        await review(ctx, snapshot(tmp_path / "a.py", "import os\n"))


async def test_review_records_memory_once_per_distinct_result(tmp_path, make_ctx, snapshot, recording_memory):
    agent = BestPracticesAgent()
    ctx = make_ctx(tmp_path, memory=recording_memory)
    doc = snapshot(tmp_path / "a.py", "import os\n")
    for _ in range(3):
        await agent.handle(AgentRequest("review", doc=doc, args={"secrets": False}), ctx)
    assert len(recording_memory.items) == 1
    item = recording_memory.items[0]
    assert item["kind"] == "review" and "F401" in item["content"] and item["uri"] == doc.uri
    clean = snapshot(tmp_path / "a.py", "print(1)\n")
    await agent.handle(AgentRequest("review", doc=clean, args={"secrets": False}), ctx)
    assert len(recording_memory.items) == 2


async def test_memory_failure_does_not_fail_the_review(tmp_path, make_ctx, snapshot, failing_memory):
    ctx = make_ctx(tmp_path, memory=failing_memory)
    result = await review(ctx, snapshot(tmp_path / "a.py", "import os\n"), secrets=False)
    assert result.ok and "F401" in by_code(result)


async def explain(ctx, code, message=""):
    request = AgentRequest("explain_finding", args={"code": code, "message": message})
    return await BestPracticesAgent().handle(request, ctx)


async def test_explain_ruff_rule_uses_ruffs_own_documentation(tmp_path, make_ctx):
    result = await explain(make_ctx(tmp_path), "F401", "`os` imported but unused")
    assert result.ok
    md = result.data["markdown"]
    assert md.startswith("# `F401`: `os` imported but unused")
    assert "\n## unused-import (F401)" in md  # ruff's own title, nested under ours
    assert "\n### What it does" in md and "\n### Why is this bad?" in md and "unused imports" in md.lower()


async def test_explain_bandit_code_combines_bandit_and_ruff_docs(tmp_path, make_ctx):
    result = await explain(make_ctx(tmp_path), "B602")
    md = result.data["markdown"]
    assert result.ok and "shell injection" in md and "## How to fix" in md and "`S602`" in md
    assert "### What it does" in md  # ruff's headings nested under ours


async def test_explain_secret_gives_rotation_steps(tmp_path, make_ctx):
    result = await explain(make_ctx(tmp_path), "ZC-SECRET-AWS")
    md = result.data["markdown"]
    assert result.ok and "IAM" in md and "Rotate it" in md and "git filter-repo" in md


async def test_explain_unknown_code_says_so(tmp_path, make_ctx):
    result = await explain(make_ctx(tmp_path), "XYZ999")
    assert not result.ok and "XYZ999" in (result.error or "")


async def test_unknown_action_is_refused(tmp_path, make_ctx):
    result = await BestPracticesAgent().handle(AgentRequest("dance"), make_ctx(tmp_path))
    assert not result.ok and "review" in (result.error or "")


async def test_broken_workspace_ruff_config_is_reported_and_secrets_still_run(tmp_path, make_ctx, snapshot):
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 'wide'\n")
    doc = snapshot(tmp_path / "a.py", f'TOKEN = "{DEMO_TOKEN}"\nimport os\n')
    result = await review(make_ctx(tmp_path), doc)
    counts = result.data["counts"]
    assert result.ok and "ruff" not in counts and {k: n for k, n in counts.items() if n} == {"secrets": 1}
    assert "pyproject.toml" in result.data["errors"][0]
    assert "Could not run: ruff check failed" in result.summary


async def test_tool_past_its_time_limit_is_killed_and_reported(tmp_path):
    import sys

    from zc_lsp.agents.engines.proc import ToolError, run_process

    me = psutil.Process()
    with pytest.raises(ToolError, match="longer than 0.3 s"):
        await run_process([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.3)
    assert me.children(recursive=True) == []


async def test_spans_stay_right_after_form_feeds_and_crlf(tmp_path, make_ctx, snapshot, apply_edits):
    # A ^L page break is not a line end for editors or ruff, though str.splitlines() says it is.
    text = f'x = 1\x0c\r\nimport os\r\nTOKEN = "{DEMO_TOKEN}"\r\n'
    result = await review(make_ctx(tmp_path), snapshot(tmp_path / "ff.py", text), bandit=True)
    found = by_code(result)
    assert found["F401"].span == Span(1, 7, 1, 9)
    assert found["ZC-SECRET-GITHUB"].span == Span(2, 9, 2, 9 + len(DEMO_TOKEN))
    assert "import os" not in apply_edits(text, found["F401"].fix)


async def test_cancel_token_from_another_thread_kills_running_ruff(tmp_path, make_ctx, agent_settings, snapshot):
    text = "".join(f"def f{i}(a, b):\n    x = a + b\n    return eval(x)\n" for i in range(100_000))
    ctx = make_ctx(tmp_path, agent_settings(tmp_path, diagnostics={"max_file_bytes": 50_000_000}))
    me = psutil.Process()
    task = asyncio.create_task(review(ctx, snapshot(tmp_path / "big.py", text), secrets=False))
    for _ in range(1000):
        await asyncio.sleep(0.005)
        if me.children(recursive=True):
            break
    assert me.children(recursive=True), "ruff never started"
    await asyncio.to_thread(ctx.cancel.cancel)  # as the batch queue would, from its own thread
    with pytest.raises(Cancelled):
        await asyncio.wait_for(task, timeout=5)
    assert me.children(recursive=True) == []
