"""The corpus never reaches a provider, the disk or a log; the user still sees restored secrets."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.fakes.model_server import FakeModelServer, Script, model_server  # noqa: F401  (fixture)
from tests.unit.router.conftest import fake_settings, make_router  # noqa: F401  (fixture)
from tests.unit.security.secrets_corpus import CORPUS
from zc_lsp.core.redact import find_secrets, redact, scrub
from zc_lsp.memory.logs import install_redaction
from zc_lsp.router.base import ModelRequest

PROVIDERS = ("ollama", "openai", "anthropic")


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 70
    assert len({c.kind for c in CORPUS}) >= 70
    assert len({c.filename.rsplit(".", 1)[-1] for c in CORPUS}) >= 15


@pytest.mark.parametrize("case", CORPUS, ids=[c.kind for c in CORPUS])
def test_each_corpus_secret_is_redacted_and_restorable(case) -> None:  # type: ignore[no-untyped-def]
    red = redact(case.text, "system")
    assert case.secret not in red.texts[0]
    assert red.restore(red.texts[0]) == case.text
    assert case.secret not in scrub(case.text)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_no_corpus_secret_reaches_any_provider(model_server: FakeModelServer, make_router, provider: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    others = [p for p in PROVIDERS if p != provider]
    settings = fake_settings(model_server, **{"router__chain": [provider, "offline"], "privacy__allow_cloud": True},
                             **{f"providers__{o}__enabled": False for o in others})
    router = make_router(settings)
    prompt = "\n\n".join(f"--- {c.filename}\n{c.text}" for c in CORPUS)
    history = "user: " + CORPUS[-10].text + "\nassistant: noted"
    await router.complete(ModelRequest(role="conversational", prompt=prompt, system=history, cache=False))
    sent = b"".join(r.body + repr(r.headers).encode() for r in model_server.requests)
    assert sent, "the fake server recorded no request"
    leaked = [c.kind for c in CORPUS if c.secret.encode() in sent or c.secret.encode("unicode_escape") in sent]
    assert leaked == []


async def test_user_sees_restored_secret_when_model_echoes_placeholder(model_server: FakeModelServer, make_router) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    case = next(c for c in CORPUS if c.kind == "py-kwargs")
    red = redact(case.text)
    placeholder = next(iter(red.mapping))
    model_server.push(Script(text=f"Use {placeholder} from the environment instead."))
    router = make_router(fake_settings(model_server, router__chain=["ollama", "offline"]))
    reply = await router.complete(ModelRequest(role="conversational", prompt=case.text, cache=False))
    assert case.secret in reply.text
    assert case.secret.encode() not in b"".join(r.body for r in model_server.requests)


def test_storage_and_logs_hold_no_corpus_secret(tmp_path: Path) -> None:
    from zc_lsp.memory.agent import AgentMemory
    from zc_lsp.memory.audit import AuditLog
    from zc_lsp.memory.tasks import TaskDB

    mem = AgentMemory(tmp_path / "memory.db", "conversational")
    tasks = TaskDB(tmp_path / "tasks.db")
    audit = AuditLog(tmp_path / "audit.db")
    log_file = tmp_path / "debug.log"
    handler = install_redaction(logging.FileHandler(log_file))
    logger = logging.getLogger("zc_lsp.test_redaction_roundtrip")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        for c in CORPUS:
            mem.remember("chat", f"user: {c.text}\nassistant: ok", {"note": c.text})
            tid = tasks.start_task("conversational", "chat", payload={"message": c.text})
            tasks.finish_task(tid, "done", result={"answer": c.text}, error=c.text)
            tasks.add_report("best_practices", f"review {c.filename}", f"# Findings\n```\n{c.text}\n```")
            audit.append("command", detail=c.text)
            logger.debug("prompt was %s", c.text)
            try:
                raise ValueError(c.text)
            except ValueError:
                logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
        for store in (mem, tasks, audit):
            store.close()
    blobs = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    on_disk = [c.kind for c in CORPUS if c.secret.encode() in blobs]
    assert on_disk == []


def test_known_secret_is_masked_without_its_context() -> None:
    secret = "Zq8#" + "xLw2vR9kT"
    assert secret in find_secrets(f"password = '{secret}'")
    # the model's reply put back for the user, then stored: no tell-tale name around it any more
    assert secret not in scrub(f"Try logging in with {secret} again.")
