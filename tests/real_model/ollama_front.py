"""A minimal Ollama-API front (/api/tags, /api/chat) on a llama.cpp server's OpenAI API.

xllamacpp serves OpenAI's and Anthropic's wire protocols but not Ollama's; this front lets the
real-model smoke test go through `ollama.AsyncClient` too. It translates, nothing more.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STAMP = "2026-01-01T00:00:00Z"


def make_front(upstream: str, model: str) -> ThreadingHTTPServer:
    class Front(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output clean
            return

        def _json(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path != "/api/tags":
                return self._json(404, {"error": "not found"})
            self._json(200, {"models": [{"name": model, "model": model, "modified_at": STAMP, "size": 1,
                                         "digest": "0" * 12, "details": {"format": "gguf"}}]})

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if self.path != "/api/chat":
                return self._json(404, {"error": "not found"})
            if body.get("model") != model:  # as Ollama answers for a model that is not pulled
                return self._json(404, {"error": f"model '{body.get('model')}' not found, try pulling it first"})
            stream = body.get("stream", True)
            options = body.get("options") or {}
            payload = {"model": body.get("model"), "messages": body.get("messages", []), "stream": stream,
                       "max_tokens": options.get("num_predict", 64), "temperature": options.get("temperature", 0.2)}
            req = urllib.request.Request(f"{upstream}/v1/chat/completions", data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 - loopback test server
                if not stream:
                    data = json.load(resp)
                    usage = data.get("usage") or {}
                    return self._json(200, {
                        "model": body.get("model"), "created_at": STAMP, "done": True, "done_reason": "stop",
                        "message": {"role": "assistant", "content": data["choices"][0]["message"]["content"]},
                        "prompt_eval_count": usage.get("prompt_tokens", 0), "eval_count": usage.get("completion_tokens", 0)})
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for line in resp:
                    text = line.decode().strip()
                    if not text.startswith("data:") or text == "data: [DONE]":
                        continue
                    chunk = json.loads(text[5:])
                    delta = (chunk.get("choices") or [{}])[0].get("delta", {}).get("content") or ""
                    if delta:
                        self._chunk({"model": body.get("model"), "created_at": STAMP, "done": False,
                                     "message": {"role": "assistant", "content": delta}})
                self._chunk({"model": body.get("model"), "created_at": STAMP, "done": True, "done_reason": "stop",
                             "message": {"role": "assistant", "content": ""}, "prompt_eval_count": 0, "eval_count": 0})
                self.wfile.write(b"0\r\n\r\n")

        def _chunk(self, obj: dict[str, Any]) -> None:
            raw = json.dumps(obj).encode() + b"\n"
            self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
            self.wfile.flush()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Front)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
