"""ProgrammingAgent: ruff fix-all and format as edits, and pytest skeletons that really collect."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.best_practices.agent import BestPracticesAgent
from zc_lsp.agents.programming.agent import ProgrammingAgent
from zc_lsp.core.types import Span

MESSY = "import os\nimport sys\n\n\ndef f( a ):\n    return sys.argv[a]\n"


async def run(ctx, action, doc, span=None):
    return await ProgrammingAgent().handle(AgentRequest(action, doc=doc, span=span), ctx)


def test_only_working_actions_are_listed():
    assert ProgrammingAgent().actions() == [
        "fix_all", "format", "test_skeleton", "repair", "quick_repair", "inline_complete",
        "implement", "refactor", "optimise", "fix", "generate",
    ]


async def test_fix_all_edits_remove_the_fixable_findings(
    demo_project, tmp_path, make_ctx, snapshot, apply_edits, recording_memory
):
    path = demo_project / "src" / "demo_app" / "tools.py"
    ctx = make_ctx(demo_project, memory=recording_memory)
    result = await run(ctx, "fix_all", snapshot(path))
    assert result.ok and result.data["fixed"] == 1
    assert "Fixed 1 finding" in result.summary
    [file_edit] = result.edits
    assert file_edit.path == path and not file_edit.create
    fixed = apply_edits(path.read_text(), file_edit.edits)
    assert "import json" not in fixed and "import subprocess" in fixed
    review = await BestPracticesAgent().handle(
        AgentRequest("review", doc=snapshot(path, fixed), args={"secrets": False}), ctx
    )
    codes = {f.code for f in review.findings}
    assert "F401" not in codes and "S602" in codes  # only the safe fix was applied
    assert [i["kind"] for i in recording_memory.items] == ["edit", "review"]
    assert recording_memory.items[0]["metadata"]["action"] == "fix_all"


async def test_fix_all_with_nothing_fixable_offers_no_edit(tmp_path, make_ctx, snapshot):
    result = await run(make_ctx(tmp_path), "fix_all", snapshot(tmp_path / "a.py", "print(1)\n"))
    assert result.ok and not result.edits and "Nothing to fix" in result.summary


async def test_format_matches_ruff_format_output(tmp_path, make_ctx, snapshot, apply_edits):
    doc = snapshot(tmp_path / "messy.py", MESSY)
    result = await run(make_ctx(tmp_path), "format", doc)
    assert result.ok and result.data["changed"] is True
    formatted = apply_edits(MESSY, result.edits[0].edits)
    expected = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", "messy.py", "-"],
        input=MESSY,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert formatted == expected
    # Small edits, not a whole-document replacement: the imports are untouched.
    assert all(e.span.start_line >= 2 for e in result.edits[0].edits)
    again = await run(make_ctx(tmp_path), "format", snapshot(tmp_path / "messy.py", formatted))
    assert again.ok and not again.edits and "already formatted" in again.summary


async def test_format_reports_syntax_error(tmp_path, make_ctx, snapshot):
    result = await run(make_ctx(tmp_path), "format", snapshot(tmp_path / "bad.py", "def f(:\n"))
    assert not result.ok and "ruff format failed" in (result.error or "")


def _collect(root):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},  # plugins only slow collection down
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_skeleton_extends_existing_test_file_of_src_layout_project(
    demo_project, tmp_path, make_ctx, snapshot, apply_edits
):
    root = tmp_path / "demo"
    shutil.copytree(demo_project, root, ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "src" / "demo_app" / "tools.py"
    line = path.read_text().splitlines().index('    num, den = text.split("/")')
    result = await run(make_ctx(root), "test_skeleton", snapshot(path), Span(line, 4, line, 4))
    assert result.ok, result.error
    [file_edit] = result.edits
    test_file = root / "tests" / "test_tools.py"
    assert file_edit.path == test_file and not file_edit.create
    new_text = apply_edits(test_file.read_text(), file_edit.edits)
    ast.parse(new_text)
    assert "import pytest\n" in new_text
    assert "def test_parse_ratio():" in new_text
    assert 'text = ""' in new_text and "result = parse_ratio(text)" in new_text
    assert "assert result == expected" in new_text and "# TODO: expected value" in new_text
    assert "with pytest.raises(ZeroDivisionError):" in new_text
    assert new_text.count("from demo_app.tools import") == 1  # parse_ratio was already imported
    test_file.write_text(new_text)
    collected = _collect(root)
    assert "4 tests collected" in collected.stdout, collected.stdout + collected.stderr

    again = await run(make_ctx(root), "test_skeleton", snapshot(path), Span(line, 4, line, 4))
    assert not again.ok and "already has test_parse_ratio" in (again.error or "")


async def test_skeleton_creates_test_file_for_method_and_async_function(tmp_path, make_ctx, snapshot, apply_edits):
    pkg = tmp_path / "src" / "shop"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    source = """from pathlib import Path


class OutOfStock(Exception):
    pass


class Cart:
    def __init__(self, owner: str, limit: int = 10):
        self.owner = owner

    def add(self, item: str, qty: int = 1, *, where: Path) -> int:
        if qty <= 0:
            raise ValueError("qty must be positive")
        if qty > 99:
            raise OutOfStock(item)
        return qty


async def fetch(url: str, retries: int | None) -> bytes:
    raise NotImplementedError
"""
    path = pkg / "cart.py"
    path.write_text(source)
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    ctx = make_ctx(tmp_path)
    add_line = source.splitlines().index("        if qty <= 0:")
    result = await run(ctx, "test_skeleton", snapshot(path), Span(add_line, 0, add_line, 0))
    assert result.ok, result.error
    [file_edit] = result.edits
    assert file_edit.create and file_edit.path == tmp_path / "tests" / "test_cart.py"
    text = apply_edits("", file_edit.edits)
    assert "from shop.cart import Cart, OutOfStock" in text
    assert "def test_cart_add(tmp_path):" in text
    assert 'instance = Cart(owner="")' in text and "where = tmp_path" in text
    assert "result = instance.add(item, qty, where=where)" in text
    assert "with pytest.raises(ValueError):" in text and "with pytest.raises(OutOfStock):" in text
    file_edit.path.parent.mkdir()
    file_edit.path.write_text(text)

    fetch_line = source.splitlines().index("async def fetch(url: str, retries: int | None) -> bytes:")
    result = await run(ctx, "test_skeleton", snapshot(path), Span(fetch_line, 0, fetch_line, 0))
    assert result.ok, result.error
    text = apply_edits(text, result.edits[0].edits)
    assert "import asyncio" in text
    assert "from shop.cart import Cart, OutOfStock, fetch\n" in text  # merged, not a second import
    assert "result = asyncio.run(fetch(url, retries))" in text and "retries = None" in text
    assert "with pytest.raises(NotImplementedError):" in text
    file_edit.path.write_text(text)
    collected = _collect(tmp_path)
    assert "5 tests collected" in collected.stdout, collected.stdout + collected.stderr


async def test_skeleton_outside_a_function_is_refused(tmp_path, make_ctx, snapshot):
    result = await run(make_ctx(tmp_path), "test_skeleton", snapshot(tmp_path / "m.py", "X = 1\n"), Span(0, 0, 0, 0))
    assert not result.ok and "not inside a function" in (result.error or "")


async def test_unsaved_untitled_document_is_refused(tmp_path, make_ctx):
    from zc_lsp.core.types import DocSnapshot

    doc = DocSnapshot(uri="untitled:Untitled-1", path=None, text="import os\n")
    result = await run(make_ctx(tmp_path), "fix_all", doc)
    assert not result.ok and "save it first" in (result.error or "")


async def test_skeleton_for_nested_function_explains_why_not(tmp_path, make_ctx, snapshot):
    source = "def outer():\n    def inner(x):\n        return x\n    return inner\n"
    result = await run(make_ctx(tmp_path), "test_skeleton", snapshot(tmp_path / "m.py", source), Span(2, 0, 2, 0))
    assert not result.ok and "`inner` is defined inside a function" in (result.error or "")
