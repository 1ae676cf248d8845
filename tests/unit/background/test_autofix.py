"""Auto-fix: classification of a corpus of broken snippets (real compiler, ruff and runtime
messages), and resolution of the safe classes with the real Programming and Best Practices agents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zc_lsp.agents.base import AgentResult
from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.agents.runner import AgentRunner
from zc_lsp.background.autofix import AutoFixer
from zc_lsp.background.classify import classify, classify_exception
from zc_lsp.background.store import as_dicts, ensure_schema
from zc_lsp.core.types import DocSnapshot, Finding, Span

# (snippet, how the error is produced, expected kind)
CORPUS = [
    ("def f(:\n    pass\n", "compile", "syntax_error"),
    ("if True\n    x = 1\n", "compile", "syntax_error"),
    ("x = (1, 2\n", "compile", "syntax_error"),
    ("def f():\nreturn 1\n", "compile", "syntax_error"),
    ("s = 'abc\n", "compile", "syntax_error"),
    ("print(os.getcwd())\n", "ruff", "missing_import"),
    ("data = json.dumps({})\n", "ruff", "missing_import"),
    ("import os\n", "ruff", "autofixable_lint"),
    ("x = 1   \n", "ruff", "autofixable_lint"),
    ("x = None\nif x == None:\n    pass\n", "ruff", "autofixable_lint"),
    ("name = 'a'\nprint(f'hello')\n", "ruff", "autofixable_lint"),
    ("print(undefined_thing)\n", "ruff", "missing_import"),
    ("import zz_not_installed_pkg\n", "exec", "missing_dependency"),
    ("from zz_missing.sub import thing\n", "exec", "missing_dependency"),
    ("x = 1 + 'a'\n", "exec", "type_error"),
    ("len(5)\n", "exec", "type_error"),
    ("None.upper()\n", "exec", "type_error"),
    ("assert 1 == 2, 'math is broken'\n", "exec", "failing_test"),
    ("print(re.compile('x'))\n", "exec", "missing_import"),
    ("exec('def g(:')\n", "exec", "syntax_error"),
    ('Argument of type "Literal[\'a\']" cannot be assigned to parameter "x" of type "int"', "pyright", "type_error"),
    ('Incompatible types in assignment (expression has type "str", variable has type "int")', "mypy:assignment", "type_error"),
    ('Import "requests" could not be resolved', "pyright:reportMissingImports", "missing_dependency"),
    ("FAILED tests/test_a.py::test_sum - assert 3 == 4", "pytest", "failing_test"),
    ("/ws/.zombiecoder.yaml:3: `diagnostics.debounce` is not a setting", "config", "config_error"),
]


def classify_corpus(tmp_path: Path) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    ruff_files = {}
    for i, (snippet, how, _) in enumerate(CORPUS):
        if how == "ruff":
            path = tmp_path / f"s{i}.py"
            path.write_text(snippet)
            ruff_files[str(path)] = i
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--output-format", "json",
         "--select", "E,F,W,UP,SIM", *ruff_files], capture_output=True, text=True, check=False)
    by_file: dict[int, list[dict]] = {}
    for item in json.loads(proc.stdout):
        by_file.setdefault(ruff_files[item["filename"]], []).append(item)
    for i, (snippet, how, _) in enumerate(CORPUS):
        if how == "compile":
            try:
                compile(snippet, "s.py", "exec")
            except SyntaxError as exc:
                out.append((snippet, classify(f"SyntaxError: {exc.msg}", None, "python")[0]))
        elif how == "ruff":
            item = by_file[i][0]
            out.append((snippet, classify(item["message"], item["code"], "ruff",
                                          fixable=item.get("fix") is not None)[0]))
        elif how == "exec":
            try:
                exec(compile(snippet, "s.py", "exec"), {})  # noqa: S102 - the corpus is ours
            except Exception as exc:  # noqa: BLE001 - every error is the point
                out.append((snippet, classify_exception(exc)[0]))
        else:
            source, _, code = how.partition(":")
            out.append((snippet, classify(snippet, code or None, source)[0]))
    return out


def test_corpus_of_broken_snippets_is_classified(tmp_path: Path) -> None:
    assert len(CORPUS) >= 20
    got = classify_corpus(tmp_path)
    expected = [(snippet, kind) for snippet, _, kind in CORPUS]
    assert got == expected
    assert {kind for _, _, kind in CORPUS} == {"syntax_error", "missing_import", "missing_dependency",
                                               "autofixable_lint", "type_error", "failing_test", "config_error"}


def real_services(services_factory, mode: str, trusted: bool | None):
    services = services_factory({"autofix": {"mode": mode}}, trusted=trusted)
    services.agents = AgentRunner(services, AgentRegistry.from_entry_points())
    ensure_schema(services.memory.tasks)
    return services


BROKEN = '"""A module."""\n\nprint(os.getcwd())   \n'


async def review(services, path: Path) -> tuple[DocSnapshot, list[Finding]]:
    doc = DocSnapshot(path.as_uri(), path, path.read_text())
    from zc_lsp.agents.base import AgentRequest

    result = await services.agents.run("best_practices", AgentRequest("review", doc))
    assert result.ok, result.error
    return doc, result.findings


async def test_apply_mode_fixes_safe_classes_in_a_trusted_workspace(services_factory, workspace: Path) -> None:
    import asyncio

    services = real_services(services_factory, "apply", True)
    path = workspace / "mod.py"
    path.write_text(BROKEN)
    doc, findings = await review(services, path)
    assert {f.code for f in findings} >= {"F821", "W291"}
    fixer = AutoFixer(services, services.memory.tasks)
    suggestions = await asyncio.to_thread(fixer.observe_findings, doc, findings)
    assert sorted(s.detection.kind for s in suggestions if s.applied) == ["autofixable_lint", "missing_import"]
    # each fix was applied to the file it read (the import first, ruff's fix on that snapshot)
    assert path.read_text() == '"""A module."""\nimport os\n\nprint(os.getcwd())\n'
    status = fixer.status()
    assert status["fixed"] == 2 and status["detected"] == 2
    events = [e["event"] for e in fixer.events()]
    assert events.count("detected") == 2 and events.count("fixed") == 2
    fixed = [e["detail"] for e in fixer.events() if e["event"] == "fixed"]
    assert all(d.startswith("repair (programming/fix_all): verified: parses, no new findings") for d in fixed)
    audit = [json.loads(r["fields"]) if isinstance(r.get("fields"), str) else r
             for r in services.memory.audit.tail(20)]
    assert any("autofix" in json.dumps(r) for r in audit)


async def test_suggest_mode_and_untrusted_apply_change_nothing(services_factory, workspace: Path) -> None:
    import asyncio

    for mode, trusted in (("suggest", True), ("apply", None)):
        services = real_services(services_factory, mode, trusted)
        path = workspace / f"{mode}.py"
        path.write_text(BROKEN)
        doc, findings = await review(services, path)
        fixer = AutoFixer(services, services.memory.tasks)
        suggestions = await asyncio.to_thread(fixer.observe_findings, doc, findings)
        assert path.read_text() == BROKEN
        assert any(s.agent == "programming" and s.action == "quick_repair" and "`os`" in s.title for s in suggestions)
        assert any(s.agent == "programming" and s.action == "fix_all" for s in suggestions)
        assert fixer.status()["fixed"] == 0
        if mode == "apply":
            assert "skipped" in [e["event"] for e in fixer.events()]


def test_repeated_diagnostics_are_counted_once_and_unsafe_kinds_only_suggested(services_factory, workspace: Path) -> None:
    services = services_factory({"autofix": {"mode": "apply"}}, trusted=True)
    ensure_schema(services.memory.tasks)
    fixer = AutoFixer(services, services.memory.tasks)
    path = workspace / "t.py"
    path.write_text("x: int = 'a'\n")
    doc = DocSnapshot(path.as_uri(), path, path.read_text())
    finding = Finding(Span.lines(0), "error", "assignment", 'Incompatible types in assignment', engine="mypy")
    for _ in range(3):
        suggestions = fixer.observe_findings(doc, [finding])
    assert fixer.status()["detected"] == 1
    assert suggestions[0].detection.kind == "type_error" and suggestions[0].agent == "programming"
    assert not suggestions[0].applied and services.agents.calls == []
    assert path.read_text() == "x: int = 'a'\n"


def test_test_failures_and_server_exceptions_are_detected(services_factory) -> None:
    services = services_factory()
    ensure_schema(services.memory.tasks)
    fixer = AutoFixer(services, services.memory.tasks)
    result = AgentResult(True, "verifier", "run_tests", data={
        "passed": 1, "failed": 2, "failures": [
            {"test": "test_a", "file": "t.py", "line": 3, "message": "assert 1 == 2"},
            {"test": "test_b", "file": "t.py", "line": 9, "message": "ModuleNotFoundError: No module named 'yaml2'"}]})
    kinds = [s.detection.kind for s in fixer.observe_test_results(result)]
    assert kinds == ["failing_test", "missing_dependency"]
    assert fixer.failing_tests == 2
    suggestion = fixer.observe_exception(ModuleNotFoundError("No module named 'psycopg'", name="psycopg"), "dashboard")
    assert suggestion[0].title == "Install the missing package: pip install psycopg"
    assert fixer.status()["by_kind"] == {"failing_test": 1, "missing_dependency": 2}
    rows = as_dicts(services.memory.tasks.read().execute("SELECT source FROM autofix_events WHERE event='detected'"))
    assert sorted(r["source"] for r in rows) == ["server", "tests", "tests"]


def test_off_mode_does_nothing(services_factory) -> None:
    services = services_factory({"autofix": {"mode": "off"}})
    ensure_schema(services.memory.tasks)
    fixer = AutoFixer(services, services.memory.tasks)
    assert fixer.observe_exception(SyntaxError("bad")) == []
    assert fixer.status()["detected"] == 0


@pytest.mark.parametrize("message,code,kind", [
    ("Undefined name `Path`", "F821", "missing_import"),
    ("No module named 'numpy'", None, "missing_dependency"),
])
def test_classify_details(message: str, code: str | None, kind: str) -> None:
    assert classify(message, code, "ruff")[0] == kind


async def test_apply_mode_repairs_a_syntax_error_with_the_same_engine_as_zc_fix(services_factory, workspace: Path) -> None:
    import asyncio

    from zc_lsp.agents.engines.repair import repair_source

    services = real_services(services_factory, "apply", True)
    path = workspace / "colon.py"
    source = "def double(x)\n    return x * 2\n\n\nVALUE = double(json.loads('2'))\n"
    path.write_text(source)
    doc, findings = await review(services, path)
    assert any(f.code == "invalid-syntax" for f in findings)
    fixer = AutoFixer(services, services.memory.tasks)
    suggestions = await asyncio.to_thread(fixer.observe_findings, doc, findings)
    assert any(s.applied and s.detection.kind == "syntax_error" for s in suggestions)
    engine = repair_source(source, path, workspace_root=workspace)
    assert path.read_text() == engine.text and engine.text.startswith("import json\n")
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - the fixture module
    assert namespace["VALUE"] == 4


def test_without_an_editor_the_edit_guard_still_decides_where_auto_fix_writes(services_factory, workspace: Path,
                                                                              tmp_path: Path) -> None:
    from zc_lsp.background.textedits import write_file_edits
    from zc_lsp.core.types import FileEdit, Span, TextEdit

    services = real_services(services_factory, "apply", True)
    fixer = AutoFixer(services, services.memory.tasks)
    assert fixer.apply_edits is write_file_edits  # no editor: edits are written straight to disk
    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    hook = workspace / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True)
    hook.write_text("#!/bin/sh\n")
    for target in (outside, hook, workspace / ".zombiecoder.yaml"):
        target.touch()
        before = target.read_text()
        edit = FileEdit(target, [TextEdit(Span(0, 0, 0, 0), "import os; os.system('id')\n")])
        assert fixer._try_apply([edit]) is False
        assert target.read_text() == before
    inside = workspace / "fine.py"
    inside.write_text("y = 2\n")
    assert fixer._try_apply([FileEdit(inside, [TextEdit(Span(0, 0, 0, 0), "# ok\n")])]) is True
    assert inside.read_text() == "# ok\ny = 2\n"
