"""Editor settings reach the router without a restart (issue 11): `workspace/didChangeConfiguration`
changes `router.chain` and `privacy.allow_cloud`, and the next answer comes from where they now say
(a cloud provider is not even tried until allowed, then it is)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.model_server import FakeModelServer

from . import conftest
from .conftest import make_workspace
from .test_bad_input import RawClient

pytestmark = pytest.mark.timeout(120)
CLOUD = "http://192.0.2.77:9/"  # not loopback, so a cloud endpoint (TEST-NET-1: nothing answers there)


@pytest.fixture
def fake() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


def _explain(client: RawClient, msg_id: int, root: Path) -> dict[str, Any]:
    where = {"start": {"line": 4, "character": 0}, "end": {"line": 6, "character": 0}}
    client.request(msg_id, "workspace/executeCommand", {"command": "zc.explain", "arguments": [
        (root / "calc.py").as_uri(), where, {"show": False}]})
    reply = client.wait_reply(msg_id, timeout=60)
    assert "result" in reply, reply
    return reply["result"]


def _push(client: RawClient, settings: dict[str, Any]) -> None:
    client.send({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                 "params": {"settings": {"zombiecoder": settings}}})
    client.request(900 + len(str(settings)) % 97, "workspace/executeCommand", {"command": "zc.status", "arguments": []})


def test_router_chain_and_allow_cloud_change_without_restart(tmp_path: Path, fake: FakeModelServer,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(conftest.SERVER_ENV, "ANTHROPIC_API_KEY", "sk-ant-api03-test-key-for-the-loopback-fake")
    root = make_workspace(tmp_path / "ws")
    models = {"models": {"default": "fake-small"}}
    options = {"trust": {"trusted": False},
               "providers": {"ollama": {"host": fake.url, **models}, "anthropic": {"base_url": CLOUD, "connect_timeout_s": 1, **models}},
               "router": {"chain": ["ollama", "offline"], "cache": False, "backoff_s": 0.01}}
    client = RawClient(root, options=options)
    try:
        first = _explain(client, 10, root)
        assert first["provider"] == "ollama", first
        assert [r.api for r in fake.requests] == ["ollama"]

        _push(client, {**options, "router": {**options["router"], "chain": ["offline"]}})
        second = _explain(client, 11, root)
        assert second["provider"] == "offline", second
        assert len(fake.requests) == 1  # the model was not asked again

        cloud_first = {**options, "router": {**options["router"], "chain": ["anthropic", "offline"]}}
        _push(client, cloud_first)
        third = _explain(client, 12, root)
        assert third["provider"] == "offline", third
        assert "anthropic: cloud not allowed" in third["summary"]  # not even a connection was tried

        _push(client, {**cloud_first, "privacy": {"allow_cloud": True}})
        fourth = _explain(client, 13, root)
        # Now it is allowed, so it is tried: the TEST-NET address does not answer, offline steps in.
        tried = fourth["summary"].split(")")[0]
        assert "anthropic:" in tried and "192.0.2.77" in tried and "not allowed" not in tried, tried
        assert len(fake.requests) == 1
    finally:
        client.close()

