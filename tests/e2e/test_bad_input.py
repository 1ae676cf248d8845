"""Bad input over raw stdio: every request gets one reply; a broken stream or dead editor ends the server."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import SERVER, SERVER_ENV, make_workspace

pytestmark = pytest.mark.timeout(60)


class RawClient:
    """Speaks LSP framing by hand, so tests can send what a well-behaved client never would."""

    def __init__(self, workspace: Path, process_id: int | None = None, capabilities: dict[str, Any] | None = None,
                 options: dict[str, Any] | None = None) -> None:
        self.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(os.environ.get("ZC_TEST_STDERR", os.devnull), "ab"), env=SERVER_ENV)
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.backlog: list[dict[str, Any]] = []  # read while waiting for something else (a reply may precede another)
        threading.Thread(target=self._read, daemon=True).start()
        self.request(1, "initialize", {"processId": process_id, "rootUri": workspace.as_uri(),
                                       "capabilities": capabilities or {}, "initializationOptions": options or {}})
        reply = self.wait_reply(1)
        assert "result" in reply, reply
        self.init_result: dict[str, Any] = reply["result"]
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                name, _, value = line.decode().partition(":")
                headers[name.lower()] = value.strip()
            self.inbox.put(json.loads(out.read(int(headers["content-length"]))))

    def raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, msg_id: Any, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def _wait(self, wanted: Any, timeout: float, what: str) -> dict[str, Any]:
        """The first message, in arrival order, that `wanted` accepts; the others stay for later waits."""
        for index, message in enumerate(self.backlog):
            if wanted(message):
                return self.backlog.pop(index)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            if wanted(message):
                return message
            self.backlog.append(message)
        raise AssertionError(f"no {what}")

    def wait_reply(self, msg_id: Any, timeout: float = 15) -> dict[str, Any]:
        return self._wait(lambda m: m.get("id") == msg_id and "method" not in m, timeout, f"reply to request {msg_id}")

    def wait_notification(self, method: str, timeout: float = 15) -> dict[str, Any]:
        return self._wait(lambda m: m.get("method") == method, timeout, f"{method} message")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)


@pytest.fixture
def raw(tmp_path: Path):
    client = RawClient(make_workspace(tmp_path / "ws"))
    yield client
    client.close()


def test_wrongly_typed_params_get_invalid_params(raw: RawClient) -> None:
    raw.request(2, "textDocument/codeAction", {"textDocument": 5, "range": "nope"})
    reply = raw.wait_reply(2)
    assert reply["error"]["code"] == -32602
    raw.request(3, "textDocument/hover", None)
    assert "error" in raw.wait_reply(3)
    raw.request(4, "workspace/executeCommand", {"command": "zc.explain", "arguments": [42]})
    assert raw.wait_reply(4)["error"]["code"] == -32602
    raw.request(5, "no/such/method", {})
    assert raw.wait_reply(5)["error"]["code"] == -32601
    # Still serving.
    raw.request(6, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
    assert raw.wait_reply(6)["result"]["version"]


def test_body_that_is_not_json_gets_parse_error_and_the_session_goes_on(raw: RawClient) -> None:
    raw.raw(b"Content-Length: 12\r\n\r\n{not json!!}")
    assert raw.wait_reply(None)["error"]["code"] == -32700
    raw.request(9, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
    assert "result" in raw.wait_reply(9)


def test_garbled_header_ends_the_server(raw: RawClient) -> None:
    raw.raw(b"this is not a header\r\n\r\n")
    assert raw.proc.wait(10) != 0


def test_dead_editor_process_ends_the_server(tmp_path: Path) -> None:
    editor = subprocess.Popen(["sleep", "30"])
    client = RawClient(make_workspace(tmp_path / "ws"), process_id=editor.pid)
    try:
        time.sleep(0.5)
        assert client.proc.poll() is None
        editor.kill()
        editor.wait()
        assert client.proc.wait(10) == 1
    finally:
        client.close()


def test_huge_and_binary_files_are_skipped_with_a_message(raw: RawClient, tmp_path: Path) -> None:
    big = "x = 1\n" * 1_000_000  # 6 MB
    raw.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": (tmp_path / "ws" / "big.py").as_uri(), "languageId": "python", "version": 1, "text": big}}})
    message = raw.wait_notification("window/showMessage")
    assert "larger than" in message["params"]["message"]
    raw.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": (tmp_path / "ws" / "bin.py").as_uri(), "languageId": "python", "version": 1, "text": "a\u0000b"}}})
    message = raw.wait_notification("window/showMessage")
    assert "binary" in message["params"]["message"]
    raw.request(7, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
    assert "result" in raw.wait_reply(7)


def test_all_tests_are_refused_without_a_project_folder() -> None:
    client = RawClient(Path("/"))
    try:
        client.request(8, "workspace/executeCommand", {"command": "zc.runTests", "arguments": []})
        reply = client.wait_reply(8)
        assert reply["error"]["code"] == -32602 and "no project folder" in reply["error"]["message"]
    finally:
        client.close()
