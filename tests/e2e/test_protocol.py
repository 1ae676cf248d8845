"""JSON-RPC over raw stdio: every request gets exactly one reply, and the session survives bad input."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import make_workspace
from .test_bad_input import RawClient

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def raw(tmp_path: Path):
    client = RawClient(make_workspace(tmp_path / "ws"))
    yield client
    client.close()


def body(raw: RawClient, data: bytes) -> None:
    raw.raw(b"Content-Length: %d\r\n\r\n" % len(data) + data)


def replies(raw: RawClient, seconds: float = 1.0) -> list[Any]:
    """Every reply (or batch array) that arrives within `seconds`; server notifications left out."""
    out: list[Any] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = raw.inbox.get(timeout=0.1)
        except Exception:
            continue
        if isinstance(message, list) or "method" not in message:
            out.append(message)
    return out


def alive(raw: RawClient, msg_id: int = 999) -> None:
    raw.request(msg_id, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
    assert "result" in raw.wait_reply(msg_id)


def test_parse_error_then_a_normal_request_is_still_answered(raw: RawClient) -> None:
    body(raw, b'{"jsonrpc": "2.0", "id": 5, "method": ')
    assert raw.wait_reply(None)["error"]["code"] == -32700
    body(raw, b"\xff\xfe not utf-8")
    assert raw.wait_reply(None)["error"]["code"] == -32700
    alive(raw)


@pytest.mark.parametrize(
    ("data", "reply_id"),
    [
        (b"42", None),
        (b'"a string"', None),
        (b"null", None),
        (b'{"jsonrpc": "2.0", "id": 7}', 7),
        (b'{"jsonrpc": "1.0", "id": 8, "method": "shutdown"}', 8),
        (b'{"id": 9, "method": "shutdown"}', 9),
        (b'{"jsonrpc": "2.0", "id": 1.5, "method": "shutdown"}', None),
        (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}', None),
        (b'{"jsonrpc": "2.0", "id": null, "method": "shutdown"}', None),
        (b'{"jsonrpc": "2.0", "id": 10, "method": 17}', 10),
        (b'{"jsonrpc": "2.0", "id": 11, "method": "textDocument/hover", "params": 3}', 11),
    ],
)
def test_invalid_request_shapes_get_minus_32600(raw: RawClient, data: bytes, reply_id: Any) -> None:
    body(raw, data)
    got = replies(raw)
    assert [m["error"]["code"] for m in got] == [-32600], got
    assert got[0]["id"] == reply_id
    alive(raw)


def test_batch_gets_one_invalid_request_per_element_in_one_array(raw: RawClient) -> None:
    body(raw, b'[{"jsonrpc": "2.0", "id": 21, "method": "shutdown"}, 5, {"jsonrpc": "2.0", "method": "x"}]')
    (batch,) = replies(raw)
    assert isinstance(batch, list) and [m["id"] for m in batch] == [21, None, None]
    assert {m["error"]["code"] for m in batch} == {-32600}
    body(raw, b"[]")
    assert raw.wait_reply(None)["error"]["code"] == -32600
    alive(raw)  # the shutdown inside the batch was not run


def test_requests_after_shutdown_get_invalid_request(raw: RawClient) -> None:
    raw.request(30, "shutdown", None)
    assert raw.wait_reply(30)["result"] is None
    raw.request(31, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
    raw.request("after", "textDocument/hover", {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}})
    assert raw.wait_reply(31)["error"]["code"] == -32600
    assert raw.wait_reply("after")["error"]["code"] == -32600
    raw.send({"jsonrpc": "2.0", "method": "exit"})
    assert raw.proc.wait(10) == 0


def test_nested_jsonrpc_key_in_command_arguments_is_data(raw: RawClient) -> None:
    nested = {"jsonrpc": "2.0", "id": 40, "method": "shutdown", "params": {"jsonrpc": "2.0"}}
    raw.request(41, "workspace/executeCommand", {"command": "zc.status", "arguments": [nested]})
    got = replies(raw, 3)
    assert [m["id"] for m in got] == [41], got
    alive(raw)  # the nested "shutdown" was never run


def test_initialization_options_nested_3000_deep_are_refused_quickly(tmp_path: Path) -> None:
    client = RawClient.__new__(RawClient)  # the helper sends its own initialize; this one sends a deep one
    import queue
    import subprocess
    import threading

    from .conftest import SERVER, SERVER_ENV

    client.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=SERVER_ENV)
    client.inbox = queue.Queue()
    client.backlog = []
    threading.Thread(target=client._read, daemon=True).start()
    try:
        ws = make_workspace(tmp_path / "ws")
        deep = '{"a": ' * 3000 + "1" + "}" * 3000
        params = f'{{"processId": null, "rootUri": "{ws.as_uri()}", "capabilities": {{}}, "initializationOptions": {deep}}}'
        data = f'{{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {params}}}'.encode()
        body(client, data)
        reply = client.wait_reply(1, timeout=15)
        assert "result" in reply or reply["error"]["code"] == -32602
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        alive(client)
        deep_params = '[' * 3000 + ']' * 3000
        body(client, b'{"jsonrpc": "2.0", "id": 2, "method": "workspace/executeCommand", "params": '
             b'{"command": "zc.status", "arguments": ' + deep_params.encode() + b"}}")
        assert client.wait_reply(2)["error"]["code"] == -32602
    finally:
        client.close()


@pytest.mark.parametrize(
    "params",
    [
        {"command": "zc.explain", "arguments": [42, "not a range"]},
        {"command": "zc.explain", "arguments": ["file:///nope.py", {"start": "x"}]},
        {"command": "zc.noSuchCommand", "arguments": []},
        {"command": 5, "arguments": []},
        {"command": "zc.status", "arguments": "not a list"},
    ],
)
def test_commands_with_wrong_arguments_get_invalid_params(raw: RawClient, params: dict[str, Any]) -> None:
    raw.request(50, "workspace/executeCommand", params)
    reply = raw.wait_reply(50)
    assert reply["error"]["code"] == -32602, reply
    assert reply["error"]["message"]
    alive(raw)


def test_before_initialize_requests_get_minus_32002_and_notifications_are_dropped(tmp_path: Path) -> None:
    """LSP: a request before `initialize` is answered ServerNotInitialized (-32002); a notification is
    dropped; `initialize` afterwards works as usual."""
    import json
    import subprocess

    from .conftest import SERVER, SERVER_ENV

    proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=SERVER_ENV)
    assert proc.stdin is not None and proc.stdout is not None

    def send(message: dict[str, Any]) -> None:
        data = json.dumps(message).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]

    def read() -> dict[str, Any]:
        length = 0
        while (line := proc.stdout.readline()) not in (b"\r\n", b""):  # type: ignore[union-attr]
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(proc.stdout.read(length))  # type: ignore[union-attr]

    try:
        uri = (tmp_path / "a.py").as_uri()
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
              "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}}})
        send({"jsonrpc": "2.0", "id": 1, "method": "workspace/executeCommand",
              "params": {"command": "zc.status", "arguments": []}})
        send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        send({"jsonrpc": "2.0", "id": 3, "method": "initialize",
              "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}})
        got = [read() for _ in range(3)]
        assert [m.get("id") for m in got] == [1, 2, 3], got  # nothing from the dropped didOpen
        assert got[0]["error"]["code"] == got[1]["error"]["code"] == -32002
        assert "capabilities" in got[2]["result"]
        send({"jsonrpc": "2.0", "id": 4, "method": "shutdown"})
        while (reply := read()).get("id") != 4:
            assert reply.get("method"), reply  # only server notifications in between
        send({"jsonrpc": "2.0", "method": "exit"})
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
