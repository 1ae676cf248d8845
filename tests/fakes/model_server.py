"""A real loopback HTTP server speaking the Ollama, OpenAI and Anthropic wire protocols.

Used by router unit tests, end-to-end tests and the benchmark. It runs its own asyncio loop in a
thread, so it serves sync and async callers alike, records every request (headers and body) and
when the client closed the connection, and plays scripted replies and faults:

    server.push(Script(text="def f(): ...", chunk_delay_s=0.05))   # next request
    server.push(Script(status=500), Script(status=429))             # two faults, then the default
    server.push(Script(drop_after=2))                               # stream dies after 2 chunks

Use the `model_server` fixture:  `from tests.fakes.model_server import model_server` in a conftest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class Script:
    """One scripted reply. `api`/`model` restrict which request consumes it (None = any)."""

    text: str = "Hello from the fake model."
    status: int = 200
    error: str = ""
    delay_s: float = 0.0  # before the response headers
    stall_s: float = 0.0  # after the headers, before the first chunk (streams)
    chunk_delay_s: float = 0.0
    chunks: list[str] | None = None  # stream pieces; default: the text split after spaces
    drop_after: int | None = None  # close the connection after this many chunks
    tokens_in: int = 7
    tokens_out: int | None = None
    api: str | None = None  # ollama | openai | anthropic
    model: str | None = None
    reply_model: str | None = None  # the model named in the reply (default: the server's serve_as, else the asked one)

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return self.chunks
        words = self.text.split(" ")
        return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


@dataclass
class Recorded:
    api: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    started_at: float
    closed_at: float | None = None  # when the client closed the connection mid-reply
    finished: bool = False

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def model(self) -> str:
        data = self.json
        return data.get("model", "") if isinstance(data, dict) else ""


@dataclass
class FakeModelServer:
    models: list[str] = field(default_factory=lambda: ["fake-small", "fake-large"])
    default: Script = field(default_factory=Script)
    requests: list[Recorded] = field(default_factory=list)
    serve_as: str | None = None  # name every reply with this model, as llama.cpp does with its one model
    strict_models: bool = False  # 404 for a model not in `models`, as Ollama does for one not pulled

    def __post_init__(self) -> None:
        self._queue: list[Script] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-model-server", daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    # ---- control (any thread) --------------------------------------------------------------
    def start(self) -> FakeModelServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def _stop() -> None:
            if self._server is not None:
                self._server.close()
            for w in list(self._writers):
                w.close()
        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def push(self, *scripts: Script) -> None:
        with self._lock:
            self._queue.extend(scripts)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    def all_bytes(self) -> bytes:
        """Every header and body byte received, for "no secret left the machine" checks."""
        out = bytearray()
        for r in list(self.requests):
            out += json.dumps(r.headers).encode() + r.body
        return bytes(out)

    def _take(self, api: str, model: str) -> Script:
        with self._lock:
            for i, s in enumerate(self._queue):
                if (s.api in (None, api)) and (s.model in (None, model)):
                    return self._queue.pop(i)
        return self.default

    # ---- HTTP ------------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                method, path, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                keep = await self._dispatch(method, path.split("?")[0], headers, body, reader, writer)
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()

    def _api(self, path: str, headers: dict[str, str]) -> str:
        if path.startswith("/api/"):
            return "ollama"
        if path.startswith("/v1/messages") or "anthropic-version" in headers:
            return "anthropic"
        return "openai"

    async def _dispatch(self, method: str, path: str, headers: dict[str, str], body: bytes,
                        reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        api = self._api(path, headers)
        rec = Recorded(api, method, path, headers, body, time.monotonic())
        self.requests.append(rec)
        if method == "GET" and path in ("/api/tags", "/v1/models"):
            return await self._send_json(writer, 200, self._models_body(api), rec)
        data = rec.json or {}
        if self.strict_models and data.get("model") not in self.models:
            return await self._send_json(writer, 404, _error_body(api, Script(
                status=404, error=f"model '{data.get('model')}' not found")), rec)
        script = self._take(api, data.get("model", ""))
        served = script.reply_model or self.serve_as
        if served:
            data = {**data, "model": served}
        if script.delay_s:  # a client that hangs up meanwhile is recorded (closed_at), as in streams
            watcher = asyncio.ensure_future(reader.read(1))
            await _sleep_unless(watcher, script.delay_s)
            if watcher.done():
                rec.closed_at = time.monotonic()
                return False
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher  # the reader is free again for the next request on this connection
        if script.status >= 400:
            return await self._send_json(writer, script.status, _error_body(api, script), rec)
        streaming = bool(data.get("stream", api == "ollama" and path != "/api/tags"))
        if not streaming:
            return await self._send_json(writer, 200, _full_body(api, path, data, script), rec)
        return await self._stream(api, path, data, script, reader, writer, rec)

    def _models_body(self, api: str) -> dict[str, Any]:
        if api == "ollama":
            return {"models": [{"name": m, "model": m, "modified_at": "2025-01-01T00:00:00Z", "size": 1,
                                "digest": "0" * 12, "details": {"format": "gguf"}} for m in self.models]}
        if api == "anthropic":
            return {"data": [{"id": m, "type": "model", "display_name": m,
                              "created_at": "2025-01-01T00:00:00Z"} for m in self.models],
                    "has_more": False, "first_id": self.models[0] if self.models else None,
                    "last_id": self.models[-1] if self.models else None}
        return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                                           for m in self.models]}

    async def _send_json(self, writer: asyncio.StreamWriter, status: int, body: Any, rec: Recorded) -> bool:
        raw = json.dumps(body).encode()
        head = (f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(raw)}\r\n"
                "Connection: keep-alive\r\n\r\n")
        writer.write(head.encode() + raw)
        await writer.drain()
        rec.finished = True
        return True

    async def _stream(self, api: str, path: str, data: dict[str, Any], script: Script,
                      reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rec: Recorded) -> bool:
        ctype = "application/x-ndjson" if api == "ollama" else "text/event-stream"
        writer.write((f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nTransfer-Encoding: chunked\r\n"
                      "Connection: keep-alive\r\n\r\n").encode())
        await writer.drain()
        # The client sends nothing more on this connection until the reply ends, so EOF = it hung up.
        watcher = asyncio.ensure_future(reader.read(1))
        events = _stream_events(api, path, data, script)
        try:
            if script.stall_s:
                await _sleep_unless(watcher, script.stall_s)
            for i, (is_text, payload) in enumerate(events):
                if watcher.done():
                    rec.closed_at = rec.closed_at or time.monotonic()
                    return False
                if script.drop_after is not None and i >= script.drop_after:
                    writer.transport.abort()
                    return False
                writer.write(b"%x\r\n%s\r\n" % (len(payload), payload))
                await writer.drain()
                if is_text and script.chunk_delay_s:
                    await _sleep_unless(watcher, script.chunk_delay_s)
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            rec.finished = True
            return True
        except ConnectionError:
            rec.closed_at = rec.closed_at or time.monotonic()
            return False
        finally:
            if watcher.done():
                rec.closed_at = rec.closed_at or time.monotonic()
            watcher.cancel()


async def _sleep_unless(watcher: asyncio.Future[Any], seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(watcher), seconds)


def _error_body(api: str, script: Script) -> dict[str, Any]:
    message = script.error or f"fake error {script.status}"
    if api == "ollama":
        return {"error": message}
    if api == "anthropic":
        kinds = {401: "authentication_error", 404: "not_found_error", 429: "rate_limit_error"}
        return {"type": "error", "error": {"type": kinds.get(script.status, "api_error"), "message": message}}
    return {"error": {"message": message, "type": "fake_error", "code": str(script.status)}}


def _tokens_out(script: Script) -> int:
    return script.tokens_out if script.tokens_out is not None else len(script.pieces())


def _full_body(api: str, path: str, data: dict[str, Any], s: Script) -> dict[str, Any]:
    model = data.get("model", "")
    if api == "ollama":
        body: dict[str, Any] = {"model": model, "created_at": "2025-01-01T00:00:00Z", "done": True,
                                "done_reason": "stop", "prompt_eval_count": s.tokens_in, "eval_count": _tokens_out(s)}
        if path == "/api/generate":
            body["response"] = s.text
        else:
            body["message"] = {"role": "assistant", "content": s.text}
        return body
    if api == "anthropic":
        return {"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": s.text}], "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": s.tokens_in, "output_tokens": _tokens_out(s)}}
    if path.endswith("/completions") and not path.endswith("/chat/completions"):
        return {"id": "cmpl-fake", "object": "text_completion", "created": 0, "model": model,
                "choices": [{"index": 0, "text": s.text, "finish_reason": "stop", "logprobs": None}],
                "usage": {"prompt_tokens": s.tokens_in, "completion_tokens": _tokens_out(s),
                          "total_tokens": s.tokens_in + _tokens_out(s)}}
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": s.text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": s.tokens_in, "completion_tokens": _tokens_out(s),
                      "total_tokens": s.tokens_in + _tokens_out(s)}}


def _stream_events(api: str, path: str, data: dict[str, Any], s: Script) -> list[tuple[bool, bytes]]:
    """(is_text_chunk, wire bytes) in order; delays apply after text chunks only."""
    model = data.get("model", "")
    pieces = s.pieces()
    out: list[tuple[bool, bytes]] = []
    if api == "ollama":
        key = "response" if path == "/api/generate" else "message"
        for p in pieces:
            val: Any = p if key == "response" else {"role": "assistant", "content": p}
            out.append((True, json.dumps({"model": model, "created_at": "2025-01-01T00:00:00Z",
                                          key: val, "done": False}).encode() + b"\n"))
        last: dict[str, Any] = {"model": model, "created_at": "2025-01-01T00:00:00Z", "done": True,
                                "done_reason": "stop", "prompt_eval_count": s.tokens_in, "eval_count": _tokens_out(s),
                                key: "" if key == "response" else {"role": "assistant", "content": ""}}
        out.append((False, json.dumps(last).encode() + b"\n"))
        return out
    if api == "anthropic":
        def ev(name: str, body: dict[str, Any]) -> bytes:
            return f"event: {name}\ndata: {json.dumps(body)}\n\n".encode()
        out.append((False, ev("message_start", {"type": "message_start", "message": {
            "id": "msg_fake", "type": "message", "role": "assistant", "content": [], "model": model,
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": s.tokens_in, "output_tokens": 1}}})))
        out.append((False, ev("content_block_start", {"type": "content_block_start", "index": 0,
                                                      "content_block": {"type": "text", "text": ""}})))
        for p in pieces:
            out.append((True, ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                         "delta": {"type": "text_delta", "text": p}})))
        out.append((False, ev("content_block_stop", {"type": "content_block_stop", "index": 0})))
        out.append((False, ev("message_delta", {"type": "message_delta", "delta": {
            "stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": _tokens_out(s)}})))
        out.append((False, ev("message_stop", {"type": "message_stop"})))
        return out

    legacy = path.endswith("/completions") and not path.endswith("/chat/completions")

    def chunk(delta: dict[str, Any], finish: str | None) -> bytes:
        if legacy:  # /v1/completions (FIM with `suffix`): text pieces, no deltas
            body: dict[str, Any] = {"id": "cmpl-fake", "object": "text_completion", "created": 0, "model": model,
                                    "choices": [{"index": 0, "text": delta.get("content", ""),
                                                 "finish_reason": finish, "logprobs": None}]}
        else:
            body = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return b"data: " + json.dumps(body).encode() + b"\n\n"
    out.append((False, chunk({"role": "assistant", "content": ""}, None)))
    out.extend((True, chunk({"content": p}, None)) for p in pieces)
    out.append((False, chunk({}, "stop")))
    if (data.get("stream_options") or {}).get("include_usage"):
        usage = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": model,
                 "choices": [], "usage": {"prompt_tokens": s.tokens_in, "completion_tokens": _tokens_out(s),
                                          "total_tokens": s.tokens_in + _tokens_out(s)}}
        out.append((False, b"data: " + json.dumps(usage).encode() + b"\n\n"))
    out.append((False, b"data: [DONE]\n\n"))
    return out


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    """A fresh fake model server on 127.0.0.1:<free port> for one test."""
    server = FakeModelServer().start()
    try:
        yield server
    finally:
        server.stop()
