"""Repairs in the editor over stdio: Fix all (ZombieCoder), a quick fix for a syntax error, a stale version refused."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import apply_text_edits, open_doc, wait_for_diagnostics

pytestmark = pytest.mark.timeout(180)

FIX_ALL = "source.fixAll.zombiecoder"
BROKEN = textwrap.dedent(
    """\
    import os


    def load(text)
        return json.loads(text)


    def total(values):
        result = 0
        for value in values:
            result += value
        return reslt
    """
)


def _check(root: Path, text: str) -> subprocess.CompletedProcess[str]:
    """The hidden check: the repaired module imports and works (run in a child, never in the test)."""
    (root / "checked.py").write_text(text)
    code = "import checked; assert checked.load('[1]') == [1]; assert checked.total([1, 2]) == 3"
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)


def _has_syntax_error(diags: list[types.Diagnostic]) -> bool:
    return any(d.code == "invalid-syntax" for d in diags)


async def _actions(
    client: LanguageClient, uri: str, rng: types.Range, diags: list[types.Diagnostic], only: list[str] | None = None
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=types.CodeActionContext(diagnostics=diags, only=only),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


async def test_fix_all_repairs_a_broken_module_and_says_how_it_was_verified(client: LanguageClient, workspace: Path):
    path = workspace / "shop.py"
    path.write_text(BROKEN)
    uri = open_doc(client, path)
    diags = await wait_for_diagnostics(client, uri, _has_syntax_error)
    assert any(d.range.start.line == 3 for d in diags if d.code == "invalid-syntax")  # the syntax error is shown
    start = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    actions = await _actions(client, uri, start, [], only=[types.CodeActionKind.SourceFixAll])
    [fix_all] = [a for a in actions if a.kind == FIX_ALL]
    assert fix_all.title.startswith("ZombieCoder: Fix all (ZombieCoder)") and fix_all.edit is None
    resolved = await client.code_action_resolve_async(fix_all)
    assert resolved.edit is not None and resolved.disabled is None, resolved
    change = resolved.edit.document_changes[0]
    assert change.text_document.version == 1
    annotation = next(iter(resolved.edit.change_annotations.values()))
    assert annotation.label.startswith("verified: parses, no new findings"), annotation.label
    assert all(isinstance(e, types.AnnotatedTextEdit) for e in change.edits)
    fixed = apply_text_edits(BROKEN, list(change.edits))
    compile(fixed, "shop.py", "exec")
    run = _check(workspace, fixed)
    assert run.returncode == 0, (fixed, run.stderr)
    assert "import os" not in fixed  # the unused import went too
    assert "result += value\n" in fixed  # lines outside the defects are as they were


async def test_quick_fix_repairs_the_syntax_error_it_hangs_on(client: LanguageClient, workspace: Path):
    path = workspace / "colon.py"
    source = "def double(x)\n    return x * 2\n\n\nKEEP  =  1\n"
    path.write_text(source)
    uri = open_doc(client, path)
    diags = await wait_for_diagnostics(client, uri, _has_syntax_error)
    syntax = next(d for d in diags if d.code == "invalid-syntax")
    actions = await _actions(client, uri, syntax.range, [syntax])
    [repair] = [a for a in actions if a.title.startswith("ZombieCoder: Repair syntax error")]
    assert repair.kind == types.CodeActionKind.QuickFix and list(repair.diagnostics or []) == [syntax]
    resolved = await client.code_action_resolve_async(repair)
    assert resolved.edit is not None, resolved
    fixed = apply_text_edits(source, list(resolved.edit.document_changes[0].edits))
    assert fixed == "def double(x):\n    return x * 2\n\n\nKEEP  =  1\n"  # only the defect changed


async def test_a_fix_offered_for_an_older_version_is_refused(client: LanguageClient, workspace: Path):
    path = workspace / "stale.py"
    source = "def half(x)\n    return x / 2\n"
    path.write_text(source)
    uri = open_doc(client, path)
    await wait_for_diagnostics(client, uri, _has_syntax_error)
    start = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    [fix_all] = [a for a in await _actions(client, uri, start, [], only=[FIX_ALL]) if a.kind == FIX_ALL]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=2, character=0), end=types.Position(line=2, character=0)
                    ),
                    text="# typed since\n",
                )
            ],
        )
    )
    resolved = await client.code_action_resolve_async(fix_all)
    assert resolved.edit is None
    assert resolved.disabled is not None and "changed since this fix was offered" in resolved.disabled.reason


async def test_a_lint_finding_has_a_verified_repair_quick_fix(client: LanguageClient, workspace: Path):
    path = workspace / "calc.py"
    uri = open_doc(client, path)
    diags = await wait_for_diagnostics(client, uri, lambda d: any(x.code == "F401" for x in d))
    f401 = next(d for d in diags if d.code == "F401")
    [repair] = [
        a for a in await _actions(client, uri, f401.range, [f401]) if a.title.startswith("ZombieCoder: Repair F401")
    ]
    resolved = await client.code_action_resolve_async(repair)
    assert resolved.edit is not None, resolved
    label = next(iter(resolved.edit.change_annotations.values())).label
    assert label.startswith("verified: parses, no new findings"), label
    fixed = apply_text_edits(path.read_text(), list(resolved.edit.document_changes[0].edits))
    assert "import os" not in fixed and "import subprocess" in fixed
