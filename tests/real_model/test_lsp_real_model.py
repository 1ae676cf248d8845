"""The whole path with a real model: editor -> zc-lsp -> router -> openai client -> llama.cpp server.

A 270M base model: we assert plumbing and provenance (who answered), never answer quality.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.e2e.conftest import SERVER_ENV, init_params, make_workspace, open_doc

pytestmark = [pytest.mark.real_model, pytest.mark.timeout(180)]


async def test_explain_is_answered_by_the_real_model_with_provenance(llama_url: str, tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    (workspace / ".zombiecoder.yaml").write_text(
        "router:\n  chain: [openai, offline]\n  max_tokens: 24\n  retries: 0\n"
        "providers:\n  openai:\n    models: {default: gemma3-270m}\n"
        "    first_token_timeout_s: 60\n    total_timeout_s: 120\n"
        "background:\n  enabled: false\n"
    )
    config = ClientServerConfig(server_command=[sys.executable, "-m", "zc_lsp"], server_env=SERVER_ENV)
    lsp = await config.start()
    try:
        # The endpoint is a user-only setting: it comes from the editor, never the workspace file.
        await lsp.initialize_session(init_params(workspace, options={"providers": {"openai": {"baseUrl": f"{llama_url}/v1"}}}))
        uri = open_doc(lsp, workspace / "calc.py")
        result = await asyncio.wait_for(
            lsp.workspace_execute_command_async(types.ExecuteCommandParams(
                command="zc.explain",
                arguments=[uri, {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 0}}, {"show": False}],
            )),
            150,
        )
        assert result["ok"] is True
        assert (result["provider"], result["model"]) == ("openai", "gemma3-270m"), result
        assert result["markdown"].strip()
        # The streamed reply reached the editor as progress messages.
        messages = [v.message for reports in lsp.progress_reports.values() for v in reports
                    if isinstance(v, types.WorkDoneProgressReport) and v.message]
        flat = " ".join(result["markdown"].split())
        assert any(m.strip() and " ".join(m.split()) in flat for m in messages), (messages, flat)
        status = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(command="zc.status", arguments=[]))
        assert status["last_provenance"].startswith("openai/gemma3-270m")
        await lsp.shutdown_session()
    finally:
        await lsp.stop()


async def test_inline_completion_from_the_real_model_parses_in_place(llama_url: str, tmp_path: Path) -> None:
    """textDocument/inlineCompletion through the openai provider (FIM via /v1/completions with `suffix`)."""
    workspace = make_workspace(tmp_path / "ws")
    (workspace / ".zombiecoder.yaml").write_text(
        "router:\n  chain: [openai, offline]\n  retries: 0\n"
        "providers:\n  openai:\n    models: {default: gemma3-270m}\n"
        "    first_token_timeout_s: 60\n    total_timeout_s: 120\n"
        "completion:\n  debounce_ms: 0\n  max_tokens: 24\n"
        "background:\n  enabled: false\n"
    )
    prefix = 'def add(a: int, b: int) -> int:\n    """Return the sum of a and b."""\n    return'
    suffix = "\n\n\ndef sub(a: int, b: int) -> int:\n    return a - b\n"
    (workspace / "mathops.py").write_text(prefix + suffix)
    config = ClientServerConfig(server_command=[sys.executable, "-m", "zc_lsp"], server_env=SERVER_ENV)
    lsp = await config.start()
    try:
        result = await lsp.initialize_session(
            init_params(workspace, options={"providers": {"openai": {"baseUrl": f"{llama_url}/v1"}}}))
        assert result.capabilities.inline_completion_provider is not None
        uri = open_doc(lsp, workspace / "mathops.py")
        position = types.Position(line=2, character=len("    return"))
        found = await asyncio.wait_for(lsp.text_document_inline_completion_async(types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position,
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked))), 150)
        items = found.items if isinstance(found, types.InlineCompletionList) else (found or [])
        assert items, "the real model's suggestion was dropped: nothing of it parses in place"
        suggestion = str(items[0].insert_text)
        assert suggestion.strip()
        compile(prefix + suggestion + suffix, "mathops.py", "exec")  # parses in place (never run)
        status = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(command="zc.status", arguments=[]))
        assert status["last_provenance"].startswith("openai/gemma3-270m")  # the model the server named
        await lsp.shutdown_session()
    finally:
        await lsp.stop()


async def test_chat_streams_from_the_real_model_and_names_it(llama_url: str, tmp_path: Path) -> None:
    """zc.chat with a stream id: zc/chatDelta chunks in order make the reply, credited to gemma3-270m."""
    workspace = make_workspace(tmp_path / "ws")
    (workspace / ".zombiecoder.yaml").write_text(
        "router:\n  chain: [openai, offline]\n  max_tokens: 24\n  retries: 0\n"
        "providers:\n  openai:\n    models: {default: gemma3-270m}\n"
        "    first_token_timeout_s: 60\n    total_timeout_s: 120\n"
        "background:\n  enabled: false\n"
    )
    config = ClientServerConfig(server_command=[sys.executable, "-m", "zc_lsp"], server_env=SERVER_ENV)
    lsp = await config.start()
    deltas: list[str] = []
    lsp.feature("zc/chatDelta")(lambda params: deltas.append(params.text))
    try:
        await lsp.initialize_session(init_params(workspace, options={"providers": {"openai": {"baseUrl": f"{llama_url}/v1"}}}))
        reply = await asyncio.wait_for(lsp.workspace_execute_command_async(types.ExecuteCommandParams(
            command="zc.chat", arguments=[{"message": "Say hello.", "stream": "real-1"}])), 150)
        assert reply["ok"] and not reply["cancelled"]
        assert (reply["provider"], reply["model"]) == ("openai", "gemma3-270m"), reply
        assert deltas and "".join(deltas).strip() == reply["markdown"]
        await lsp.shutdown_session()
    finally:
        await lsp.stop()
