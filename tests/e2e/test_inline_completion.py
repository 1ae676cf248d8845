"""textDocument/inlineCompletion over stdio, with the server's providers on the fake model server."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, SERVER_ENV, execute, init_params, open_doc
from tests.fakes.model_server import FakeModelServer, Script

pytestmark = pytest.mark.timeout(120)

SECRET = "sk-proj-Zq8RkT3vLm9PxW2nYc4HbJ7sDf6Ga1Ke"
CALC = textwrap.dedent(
    f'''\
    import math

    API_KEY = "{SECRET}"


    def add(a: int, b: int) -> int:
        """Add two numbers."""


    def area(r: float) -> float:
        return math.pi * r * r
    '''
)
CURSOR = types.Position(line=7, character=4)  # the blank line in add's body, after the docstring


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


def write_workspace(root: Path, provider: str) -> Path:
    root.mkdir(parents=True)
    (root / "calc.py").write_text(CALC.replace('"""Add two numbers."""\n', '"""Add two numbers."""\n    \n'))
    (root / "shapes.py").write_text("def perimeter(r: float) -> float:\n    return 2 * 3.14159 * r\n")
    (root / ".zombiecoder.yaml").write_text(
        textwrap.dedent(f"""\
        background:
          enabled: false
        completion:
          debounce_ms: 0
        providers:
          {provider}:
            models: {{default: fake-small}}
        router:
          chain: [{provider}, offline]
          retries: 0
          backoff_s: 0.05
        """)
    )
    return root


def endpoint(provider: str, url: str) -> dict:
    if provider == "ollama":
        return {"providers": {"ollama": {"host": url}}}
    return {"providers": {"openai": {"baseUrl": f"{url}/v1"}}}


async def start(provider: str, workspace: Path, url: str) -> LanguageClient:
    config = ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV)
    client = await config.start()
    result = await client.initialize_session(init_params(workspace, options=endpoint(provider, url)))
    assert result.capabilities.inline_completion_provider is not None
    for _ in range(200):
        try:
            await execute(client, "zc.status")
            break
        except Exception:  # services not built yet
            await asyncio.sleep(0.05)
    return client


@pytest.fixture(params=["ollama", "openai"])
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, tmp_path: Path, model_server: FakeModelServer):
    workspace = write_workspace(tmp_path / "ws", "ollama")
    lsp_client.workspace_root = workspace  # type: ignore[attr-defined]
    await lsp_client.initialize_session(init_params(workspace, options=endpoint("ollama", model_server.url)))
    for _ in range(200):
        try:
            await execute(lsp_client, "zc.status")
            break
        except Exception:
            await asyncio.sleep(0.05)
    yield
    await lsp_client.shutdown_session()


def params(uri: str, position: types.Position = CURSOR) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=position,
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
    )


async def complete(client: LanguageClient, uri: str, position: types.Position = CURSOR) -> list[str]:
    found = await asyncio.wait_for(client.text_document_inline_completion_async(params(uri, position)), 60)
    items = found.items if isinstance(found, types.InlineCompletionList) else (found or [])
    return [str(i.insert_text) for i in items]


def posts(server: FakeModelServer) -> list:
    return [r for r in server.requests if r.method == "POST"]


async def test_fim_request_carries_prefix_and_suffix_and_the_reply_parses_in_place(
    provider: str, tmp_path: Path, model_server: FakeModelServer
) -> None:
    workspace = write_workspace(tmp_path / "ws", provider)
    client = await start(provider, workspace, model_server.url)
    try:
        uri = open_doc(client, workspace / "calc.py")
        model_server.push(Script(text="return a + b"))
        assert await complete(client, uri) == ["return a + b"]
        (request,) = posts(model_server)
        body = request.json
        if provider == "ollama":
            assert request.path == "/api/generate"
        else:
            assert request.path == "/v1/completions"
        assert body["prompt"].endswith('"""Add two numbers."""\n    ')
        assert body["suffix"].startswith("\n\n\ndef area(r: float)")
        # the secret above the cursor reached the model as a placeholder, never as itself
        assert SECRET.encode() not in model_server.all_bytes()
        assert "[[ZC_SECRET_1]]" in body["prompt"]
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_a_suggestion_that_breaks_the_syntax_is_trimmed_or_dropped(
    client: LanguageClient, model_server: FakeModelServer
) -> None:
    uri = open_doc(client, client.workspace_root / "calc.py")  # type: ignore[attr-defined]
    model_server.push(Script(text="return a + b\n    if (:"))
    assert await complete(client, uri) == ["return a + b"]
    shapes = open_doc(client, client.workspace_root / "shapes.py")  # type: ignore[attr-defined]
    model_server.push(Script(text="return (a +"))
    assert await complete(client, shapes, types.Position(line=2, character=0)) == []  # nothing clean: dropped


async def test_without_fim_support_the_chat_fallback_answers(
    client: LanguageClient, model_server: FakeModelServer
) -> None:
    uri = open_doc(client, client.workspace_root / "calc.py")  # type: ignore[attr-defined]
    model_server.push(
        Script(status=400, error="fake-small does not support insert"), Script(text="```python\nreturn a + b\n```")
    )
    assert await complete(client, uri) == ["return a + b"]
    assert [r.path for r in posts(model_server)] == ["/api/generate", "/api/chat"]
    chat = posts(model_server)[1].json["messages"][-1]["content"]
    assert "Code after the cursor" in chat and SECRET not in chat


async def test_the_next_request_for_the_document_cancels_the_pending_one(
    client: LanguageClient, model_server: FakeModelServer
) -> None:
    uri = open_doc(client, client.workspace_root / "calc.py")  # type: ignore[attr-defined]
    model_server.push(Script(text="return a - b", delay_s=20), Script(text="return a + b"))
    first = asyncio.ensure_future(client.text_document_inline_completion_async(params(uri)))
    for _ in range(400):
        if posts(model_server):
            break
        await asyncio.sleep(0.02)
    second = await complete(client, uri)
    old = await asyncio.wait_for(first, 10)
    assert old is not None and list(old.items if isinstance(old, types.InlineCompletionList) else old) == []
    assert second and second[0].strip() == "return a + b"
    for _ in range(200):
        if posts(model_server)[0].closed_at is not None:
            break
        await asyncio.sleep(0.02)
    assert posts(model_server)[0].closed_at is not None  # the model call was aborted, not left running


async def test_cancel_request_aborts_the_model_call(client: LanguageClient, model_server: FakeModelServer) -> None:
    uri = open_doc(client, client.workspace_root / "calc.py")  # type: ignore[attr-defined]
    model_server.push(Script(text="return a - b", delay_s=20))
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(types.TEXT_DOCUMENT_INLINE_COMPLETION, params(uri), msg_id="ghost-1")
    )
    for _ in range(400):
        if posts(model_server):
            break
        await asyncio.sleep(0.02)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="ghost-1"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(pending, 10)
    for _ in range(200):
        if posts(model_server)[0].closed_at is not None:
            break
        await asyncio.sleep(0.02)
    assert posts(model_server)[0].closed_at is not None


async def test_empty_list_when_no_model_is_reachable(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "ws", "ollama")
    client = await start("ollama", workspace, "http://127.0.0.1:9")  # nothing listens there
    try:
        uri = open_doc(client, workspace / "calc.py")
        assert await complete(client, uri) == []
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_a_sensitive_file_is_never_sent(client: LanguageClient, model_server: FakeModelServer) -> None:
    root = client.workspace_root  # type: ignore[attr-defined]
    (root / ".zombiecoderignore").write_text("calc.py\n")
    uri = open_doc(client, root / "calc.py")
    assert await complete(client, uri) == []
    assert not posts(model_server)


async def test_completion_disabled_in_settings_answers_empty_without_asking(
    tmp_path: Path, model_server: FakeModelServer
) -> None:
    workspace = write_workspace(tmp_path / "ws", "ollama")
    config = workspace / ".zombiecoder.yaml"
    config.write_text(config.read_text().replace("completion:\n", "completion:\n  enabled: false\n"))
    client = await start("ollama", workspace, model_server.url)
    try:
        uri = open_doc(client, workspace / "calc.py")
        assert await complete(client, uri) == []
        assert not posts(model_server)
        await client.shutdown_session()
    finally:
        await client.stop()
