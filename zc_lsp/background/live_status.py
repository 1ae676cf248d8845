"""Live status of a running server for `zc status` and `zc dashboard` in another process.

Each language server registers itself in its workspace's data folder (`servers/<pid>.json`, mode
0600) with a loopback port and a random token, and answers `status` on that port from a thread of
its own (never the LSP loop). A CLI attaches to the newest registration whose process is alive;
stale files of dead servers are removed as they are found. Loopback TCP plus a token (not a Unix
socket) because data folder paths can exceed the 108-byte socket path limit, and it works on macOS.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 4096
TIMEOUT_S = 2.0


class LiveStatusError(Exception):
    """The running server could not be reached or answered nonsense."""


@dataclass(frozen=True)
class Registration:
    pid: int
    port: int
    token: str
    started: float
    workspace: str
    path: Path


def _servers_dir(data_dir: Path) -> Path:
    return data_dir / "servers"


def _pid_alive(pid: int) -> bool:
    try:
        import psutil

        return psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:  # psutil missing or the process vanished between the two calls
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


class _Handler(socketserver.StreamRequestHandler):
    server: _LiveTCPServer

    def handle(self) -> None:
        self.connection.settimeout(TIMEOUT_S)
        try:
            line = self.rfile.readline(MAX_REQUEST_BYTES)
            request = json.loads(line or b"{}")
        except (OSError, ValueError):
            return
        if not isinstance(request, dict) or not secrets.compare_digest(str(request.get("token", "")),
                                                                       self.server.token):
            self._send({"error": "bad token"})
            return
        if request.get("op") != "status":
            self._send({"error": f"unknown op {request.get('op')!r}"})
            return
        try:
            self._send({"status": self.server.snapshot()})
        except Exception as exc:  # a broken section must not kill the link
            log.exception("live status snapshot failed")
            self._send({"error": f"snapshot failed: {type(exc).__name__}: {exc}"})

    def _send(self, payload: dict[str, Any]) -> None:
        try:
            self.wfile.write(json.dumps(payload, default=str).encode() + b"\n")
        except OSError as exc:
            log.debug("live status client went away: %s", exc)


class _LiveTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, snapshot: Callable[[], dict[str, Any]], token: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.snapshot = snapshot
        self.token = token


class LiveStatusServer:
    """The running server's side: registers, answers `status`, unregisters on stop."""

    def __init__(self, data_dir: Path, workspace_root: Path, snapshot: Callable[[], dict[str, Any]]) -> None:
        self.data_dir = data_dir
        self.workspace_root = workspace_root
        self.snapshot = snapshot
        self._server: _LiveTCPServer | None = None
        self._thread: threading.Thread | None = None
        self.path = _servers_dir(data_dir) / f"{os.getpid()}.json"

    def start(self) -> None:
        token = secrets.token_urlsafe(24)
        self._server = _LiveTCPServer(self.snapshot, token)
        self._thread = threading.Thread(target=self._server.serve_forever, name="zc-live-status", daemon=True)
        self._thread.start()
        port = self._server.server_address[1]
        record = {"pid": os.getpid(), "port": port, "token": token, "started": time.time(),
                  "workspace": str(self.workspace_root)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh)
        os.replace(tmp, self.path)

    def stop(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove %s: %s", self.path, exc)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def registrations(data_dir: Path) -> list[Registration]:
    """Live servers of this workspace, newest first; files of dead servers are removed."""
    found: list[Registration] = []
    folder = _servers_dir(data_dir)
    if not folder.is_dir():
        return found
    for path in folder.glob("*.json"):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            reg = Registration(int(raw["pid"]), int(raw["port"]), str(raw["token"]), float(raw["started"]),
                               str(raw.get("workspace", "")), path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable server registration %s: %s", path, exc)
            continue
        if not _pid_alive(reg.pid):
            path.unlink(missing_ok=True)
            continue
        found.append(reg)
    return sorted(found, key=lambda r: r.started, reverse=True)


def fetch_status(reg: Registration, timeout: float = TIMEOUT_S) -> dict[str, Any]:
    """Ask one running server for its snapshot."""
    try:
        with socket.create_connection(("127.0.0.1", reg.port), timeout=timeout) as sock:
            sock.sendall(json.dumps({"token": reg.token, "op": "status"}).encode() + b"\n")
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if chunk.endswith(b"\n"):
                    break
    except OSError as exc:
        raise LiveStatusError(f"server pid {reg.pid} on port {reg.port} did not answer: {exc}") from exc
    try:
        reply = json.loads(b"".join(chunks))
    except ValueError as exc:
        raise LiveStatusError(f"server pid {reg.pid} sent an unreadable reply") from exc
    if "status" not in reply:
        raise LiveStatusError(f"server pid {reg.pid}: {reply.get('error', 'no status in reply')}")
    status = reply["status"]
    if not isinstance(status, dict):
        raise LiveStatusError(f"server pid {reg.pid}: status is not an object")
    return status


def attach(data_dir: Path) -> tuple[Registration, Callable[[], dict[str, Any]]] | None:
    """The newest running server that answers, and a function that fetches its snapshot."""
    for reg in registrations(data_dir):
        try:
            fetch_status(reg)
        except LiveStatusError as exc:
            log.info("%s", exc)
            continue
        return reg, lambda reg=reg: fetch_status(reg)
    return None


def register_running_server(services: Any) -> LiveStatusServer | None:
    """Called once by the language server after start-up (off the loop): make it attachable."""
    memory = services.memory
    if memory is None or memory.degraded:
        return None
    try:
        live = LiveStatusServer(Path(memory.path), services.workspace_root, services.status.snapshot)
        live.start()
    except OSError as exc:
        services.problems.append(f"live status for `zc status`/`zc dashboard` is off: {exc}")
        return None
    return live
