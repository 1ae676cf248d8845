"""'Repair this function with a model' over stdio, with the fake loopback model server as the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.fakes.model_server import FakeModelServer, Script

from . import test_model_actions as shared
from .conftest import apply_text_edits, open_doc

# the model-actions e2e fixtures: a fake model server named by the editor, a workspace, the client
model_server, workspace, client = shared.model_server, shared.workspace, shared.client
actions_at, rng = shared.actions_at, shared.rng

pytestmark = pytest.mark.timeout(120)
BUGGY = 'def csv_line(values):\n    return ",".join(values)\n'
REPLY = '```python\ndef csv_line(values):\n    return ",".join(str(v) for v in values)\n```'


async def _model_repair(client: LanguageClient, uri: str) -> types.CodeAction:
    actions = await actions_at(client, uri, rng(1, 4, 1, 4))
    return next(a for a in actions if a.title.startswith("ZombieCoder: Repair this function with a model (ollama/"))


async def test_model_repair_resolves_into_a_verified_edit_inside_the_function(
    client: LanguageClient, workspace: Path, model_server: FakeModelServer
):
    path = workspace / "lines.py"
    path.write_text(BUGGY)
    uri = open_doc(client, path)
    action = await _model_repair(client, uri)
    assert action.edit is None and not [r for r in model_server.requests if r.method == "POST"]
    model_server.push(Script(text=REPLY))
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None, resolved
    label = next(iter(resolved.edit.change_annotations.values())).label
    assert label.startswith("verified: parses, no new findings"), label
    fixed = apply_text_edits(BUGGY, list(resolved.edit.document_changes[0].edits))
    assert fixed == 'def csv_line(values):\n    return ",".join(str(v) for v in values)\n'


async def test_model_repair_reply_outside_the_function_comes_back_disabled(
    client: LanguageClient, workspace: Path, model_server: FakeModelServer
):
    path = workspace / "lines2.py"
    path.write_text(BUGGY)
    uri = open_doc(client, path)
    action = await _model_repair(client, uri)
    model_server.push(
        Script(text="```python\nimport json\n\n\ndef csv_line(values):\n    return json.dumps(values)\n```")
    )
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is None and resolved.disabled is not None
    assert "the reply has code outside `def csv_line`" in resolved.disabled.reason
