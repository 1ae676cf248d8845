"""Fill in the middle (inline completion) through each provider's official client, on the loopback fake."""

from __future__ import annotations

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import fake_settings
from zc_lsp.router.base import ModelRequest

SECRET = "ghp_R2d9Xk7LmQ4vT8sW1nY6bC3hJ5fG0aKeZpUq"


def fim_request(prefix: str, suffix: str) -> ModelRequest:
    return ModelRequest(
        role="programming",
        prompt=f"chat fallback: {prefix}<CURSOR>{suffix}",
        cache=False,
        max_tokens=16,
        fim=(prefix, suffix),
    )


async def test_ollama_fim_sends_prefix_and_suffix_redacted_and_restores_the_reply(
    model_server: FakeModelServer, make_router
) -> None:
    model_server.push(Script(text="token = '[[ZC_SECRET_1]]'"))
    router = make_router(fake_settings(model_server, router__chain=["ollama", "offline"]))
    reply = await router.complete(fim_request(f"TOKEN = '{SECRET}'\n", "\nprint(token)\n"))
    (post,) = [r for r in model_server.requests if r.method == "POST"]
    assert post.path == "/api/generate"
    assert post.json["prompt"] == "TOKEN = '[[ZC_SECRET_1]]'\n" and post.json["suffix"] == "\nprint(token)\n"
    assert SECRET.encode() not in model_server.all_bytes()
    assert reply.text == f"token = '{SECRET}'"  # restored for the editor only


async def test_openai_without_fim_falls_back_to_chat_and_remembers(model_server: FakeModelServer, make_router) -> None:
    model_server.push(Script(status=404, error="no completions here"), Script(text="x = 1"), Script(text="y = 2"))
    router = make_router(fake_settings(model_server, router__chain=["openai", "offline"], router__retries=0))
    first = await router.complete(fim_request("a = 0\n", "\n"))
    second = await router.complete(fim_request("b = 0\n", "\n"))
    assert (first.text, second.text) == ("x = 1", "y = 2")
    paths = [r.path for r in model_server.requests if r.method == "POST"]
    assert paths == ["/v1/completions", "/v1/chat/completions", "/v1/chat/completions"]


async def test_anthropic_gets_the_chat_prompt(model_server: FakeModelServer, make_router) -> None:
    router = make_router(fake_settings(model_server, router__chain=["anthropic", "offline"]))
    await router.complete(fim_request("a = ", "\n"))
    (post,) = [r for r in model_server.requests if r.method == "POST"]
    assert post.path == "/v1/messages" and "chat fallback: a = <CURSOR>" in post.body.decode()


async def test_the_audit_row_names_the_model_that_answered(
    model_server: FakeModelServer, make_router, tmp_path
) -> None:
    import asyncio

    from zc_lsp.memory import WorkspaceMemory

    memory = WorkspaceMemory(tmp_path / "ws", fake_settings(model_server, memory__path=str(tmp_path / "data")))
    try:
        model_server.push(Script(text="1", reply_model="qwen2.5-coder:1.5b-base"))
        router = make_router(fake_settings(model_server, router__chain=["ollama", "offline"]), memory=memory)
        reply = await router.complete(fim_request("x = ", "\n"))
        assert reply.model == "qwen2.5-coder:1.5b-base"
        for _ in range(200):  # written just after the reply, off the typing path
            rows = [e for e in memory.audit.tail(5) if e["kind"] == "model_call"]
            if rows:
                break
            await asyncio.sleep(0.01)
        fields = rows[-1].get("fields", rows[-1])
        assert fields["model"] == "qwen2.5-coder:1.5b-base" and fields["requested_model"] == "fake-small"
    finally:
        memory.close()
