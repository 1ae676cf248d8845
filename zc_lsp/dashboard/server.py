"""The local web dashboard's HTTP side: stdlib ThreadingHTTPServer, one random token, loopback only.

Security decisions, in one place:
- binds to loopback unless `dashboard.allow_remote` says otherwise (then a warning);
- every request needs the token: `?token=` once (answered with an HttpOnly SameSite=Strict cookie
  and a redirect that drops it from the address bar), then the cookie, or an `X-ZC-Token` header;
  compared with `hmac.compare_digest`;
- POSTs need the header, not only the cookie, so another site cannot forge one (no CORS is granted);
- the Host header must name this server, which defeats DNS rebinding;
- files come only from `static/`, by exact name; a strict Content-Security-Policy allows nothing remote.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from zc_lsp.dashboard.data import BadRequest, DashboardData, NotFound, Unavailable

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).with_name("static")
COOKIE = "zc_dashboard"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
SSE_HEARTBEAT_S = 2.0
_ALERT = re.compile(r"^/api/alerts/([^/]+)/(ack|resolve)$")


class DashboardError(Exception):
    """The dashboard cannot start as asked (e.g. a non-loopback host that is not allowed)."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, allow_remote: bool) -> str | None:
    """None when `host` is fine; a warning when remote is allowed; raises when it is not."""
    if is_loopback(host):
        return None
    if not allow_remote:
        raise DashboardError(
            f"Refusing to serve the dashboard on {host!r}: it is not a loopback address, so other machines could "
            "reach it. Use 127.0.0.1, or set `dashboard.allow_remote: true` if you really mean it.")
    return (f"warning: the dashboard listens on {host}, reachable from other machines; anyone with the token "
            "can see this workspace's status. Traffic is not encrypted.")


class DashboardServer:
    """Owns the HTTP server thread; usable from the CLI and from inside the language server."""

    def __init__(self, services: Any, host: str = "127.0.0.1", port: int = 8765, *,
                 allow_remote: bool = False, token: str | None = None,
                 live: Callable[[], dict[str, Any]] | None = None) -> None:
        self.warning = check_bind(host, allow_remote)
        self.host = host
        self.token = token or secrets.token_urlsafe(24)
        self.data = DashboardData(services, live=live)
        self.stopping = threading.Event()
        server_cls = _V6Server if ":" in host else ThreadingHTTPServer
        try:
            self.httpd = server_cls((host, port), _handler_for(self))
        except OSError as exc:
            self.data.close()
            raise DashboardError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self._thread: threading.Thread | None = None
        self._serving = False

    @property
    def url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/?token={self.token}"

    def allowed_hosts(self) -> set[str]:
        names = {self.host, "127.0.0.1", "localhost", "[::1]"} if is_loopback(self.host) else {self.host}
        if not is_loopback(self.host):
            names |= {socket.gethostname(), "127.0.0.1", "localhost"}
        return {f"{n}:{self.port}".lower() for n in names} | {f"[{self.host}]:{self.port}"}

    def start(self) -> None:
        self._serving = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="zc-dashboard", daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        self._serving = True
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.stopping.set()
        self.data.close()
        if self._serving:  # shutdown() waits for serve_forever, which must have been started
            self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2.0)


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _handler_for(app: DashboardServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_DashboardHandler):
        dashboard = app

    return Handler


class _DashboardHandler(BaseHTTPRequestHandler):
    dashboard: DashboardServer
    server_version = "ZombieCoderDashboard"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # a garbled request line still gets a status line back

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's parse errors (bad request line, huge headers) as our JSON, with our headers."""
        self.close_connection = True
        try:
            self._send(code, json.dumps({"ok": False, "error": message or "bad request"}).encode(),
                       "application/json", {"Connection": "close"})
        except OSError as exc:
            log.debug("could not send error %s: %s", code, exc)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.debug("dashboard %s - %s", self.address_string(), format % args)

    # -- responses ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, default=str).encode(), "application/json")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"ok": False, "error": message})

    # -- gatekeeping -------------------------------------------------------------------------
    def _token_from_request(self, query: dict[str, list[str]]) -> tuple[str | None, str]:
        header = self.headers.get("X-ZC-Token")
        if header:
            return header, "header"
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[7:], "header"
        if "token" in query:
            return query["token"][0], "query"
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return None, "cookie"
        return (cookie[COOKIE].value if COOKIE in cookie else None), "cookie"

    def _authorized(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.dashboard.token.encode())

    def _route(self, method: str) -> None:
        try:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query, keep_blank_values=True, max_num_fields=20, strict_parsing=False)
        except ValueError as exc:
            self._error(400, f"malformed request: {exc}")
            return
        host = (self.headers.get("Host") or "").lower()
        if host not in self.dashboard.allowed_hosts():
            self._error(400, "unexpected Host header")
            return
        given, how = self._token_from_request(query)
        if not self._authorized(given):
            self._error(401, "missing or wrong token: open the URL that `zc dashboard` printed")
            return
        if method == "POST" and how != "header":
            self._error(401, "changes need the X-ZC-Token header")
            return
        path = parts.path
        if "\x00" in unquote(path) or "\\" in unquote(path):
            self._error(400, "malformed path")
            return
        if method == "GET" and how == "query" and path == "/":
            cookie = f"{COOKIE}={self.dashboard.token}; HttpOnly; SameSite=Strict; Path=/"
            self._send(303, b"", "text/plain", {"Location": "/", "Set-Cookie": cookie})
            return
        try:
            self._dispatch(method, path, query)
        except BadRequest as exc:
            self._error(400, str(exc))
        except NotFound as exc:
            self._error(404, str(exc))
        except Unavailable as exc:
            self._error(503, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            log.debug("dashboard client went away")
        except Exception as exc:
            log.exception("dashboard request %s %s failed", method, path)
            self._error(500, f"{type(exc).__name__}: {exc}")

    def _dispatch(self, method: str, path: str, query: dict[str, list[str]]) -> None:
        data = self.dashboard.data
        first = {k: v[0] for k, v in query.items()}
        if method == "POST":
            match = _ALERT.match(path)
            if match is None:
                raise NotFound(f"no such action: {path}")
            self._json(200, data.alert_action(match.group(1), match.group(2)))
            return
        if path == "/":
            self._static("index.html")
        elif path.startswith("/static/"):
            self._static(unquote(path[len("/static/"):]))
        elif path == "/api/status":
            self._json(200, data.snapshot())
        elif path == "/api/metrics":
            self._json(200, data.metric(first.get("name"), first.get("since")))
        elif path == "/api/reports":
            self._json(200, {"reports": data.reports()})
        elif path.startswith("/api/reports/"):
            self._json(200, data.report(path.rsplit("/", 1)[1]))
        elif path == "/api/events":
            self._events()
        else:
            raise NotFound(f"nothing at {path}")

    def _static(self, name: str) -> None:
        """Only a plain file name directly inside static/: no folders, no dot segments."""
        if not name or "/" in name or name.startswith(".") or ".." in name:
            raise BadRequest("static files are addressed by their plain name")
        # Not resolved: status-render.js is a committed symlink to the side panel's renderer (one
        # source of truth); the plain-name check above already keeps requests inside static/.
        target = STATIC_DIR / name
        if target.parent != STATIC_DIR or not target.is_file() or target.suffix not in TYPES:
            raise NotFound(f"no static file {name!r}")
        body = target.read_bytes()
        if name == "index.html":
            body = body.replace(b"{{TOKEN}}", self.dashboard.token.encode())
        self._send(200, body, TYPES[target.suffix])

    def _events(self) -> None:
        """Server-sent events: the snapshot on every change, and at least every 2 s (CPU moves anyway)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        data = self.dashboard.data
        while not self.dashboard.stopping.is_set():
            started, seen = time.monotonic(), data.version
            payload = json.dumps(data.snapshot(), default=str)
            self.wfile.write(f"event: status\ndata: {payload}\n\n".encode())
            self.wfile.flush()
            data.wait_change(seen, SSE_HEARTBEAT_S)
            time.sleep(max(0.0, 0.5 - (time.monotonic() - started)))  # at most two pushes a second

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._route("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._route("GET")

    def do_POST(self) -> None:  # noqa: N802
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > 10_000:
            self._error(400, "bad Content-Length (bodies are not used; send none)")
            return
        self.rfile.read(int(length))
        self._route("POST")
