"""What the three SDK-backed providers share: resolved config, local/cloud rule, error wording.

Nothing here imports an SDK: `import zc_lsp.router` must stay cheap (the SDKs cost up to 0.7 s).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from zc_lsp.router.base import ProviderError

log = logging.getLogger(__name__)

DEFAULT_URLS = {
    "ollama": "http://127.0.0.1:11434",
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}
URL_ENV = {"ollama": "OLLAMA_HOST", "openai": "OPENAI_BASE_URL", "anthropic": "ANTHROPIC_BASE_URL"}
KEY_ENV = {"ollama": "OLLAMA_API_KEY", "openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
# Local OpenAI/Anthropic-compatible servers (llama.cpp, vLLM, LM Studio) need no key, but the SDKs insist.
DUMMY_KEY = "sk-local-no-key-needed"


def normalise_url(url: str) -> str:
    """Ollama accepts bare `host:port`; give every URL a scheme so it can be parsed."""
    url = url.strip()
    return url if "://" in url else f"http://{url}"


@functools.lru_cache(maxsize=256)  # code-action listings ask per provider on every cursor move
def is_loopback(url: str) -> bool:
    """True for localhost / 127.0.0.0/8 / ::1 (and 0.0.0.0, which connects locally)."""
    host = urlsplit(normalise_url(url)).hostname or ""
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return addr.is_loopback or addr.is_unspecified


@dataclass
class ProviderConfig:
    """One provider's settings after env vars and defaults are applied."""

    name: str
    base_url: str
    api_key_env: str
    api_key: str | None
    models: dict[str, str] = field(default_factory=dict)
    enabled: bool = True
    allow_cloud: bool = False
    connect_timeout_s: float = 5.0
    first_token_timeout_s: float = 30.0
    total_timeout_s: float = 120.0
    hosts: tuple[str, ...] = ()  # providers.<name>.hosts: several servers of this kind (router/hosts.py)
    host_cooldown_s: float = 30.0

    @property
    def is_cloud(self) -> bool:
        return not is_loopback(self.base_url)

    def model_for(self, role: str) -> str:
        return self.models.get(role) or self.models.get("default") or ""

    def configured_models(self) -> list[str]:
        return list(dict.fromkeys(m for m in self.models.values() if m))

    def available(self) -> tuple[bool, str]:
        if not self.enabled:
            return False, f"disabled in config (providers.{self.name}.enabled: false)"
        if not self.models:
            return False, f"no model configured (providers.{self.name}.models)"
        if self.is_cloud:
            if not self.allow_cloud:
                return False, (f"cloud provider at {self.base_url} not allowed: "
                               "set privacy.allow_cloud: true to use it")
            if not self.api_key:
                return False, f"no API key: set the {self.api_key_env} environment variable"
            return True, "cloud"
        return True, "local"

    def key_or_dummy(self) -> str:
        return self.api_key or DUMMY_KEY


def provider_config(name: str, settings: Any, env: Mapping[str, str]) -> ProviderConfig:
    """Config wins over the SDK's own env vars, which win over the defaults."""
    section: dict[str, Any] = settings.get(f"providers.{name}", {}) or {}
    url_key = "host" if name == "ollama" else "base_url"
    base_url = section.get(url_key) or env.get(URL_ENV[name]) or DEFAULT_URLS[name]
    key_env = section.get("api_key_env") or KEY_ENV[name]
    models = {str(k): str(v) for k, v in (section.get("models") or {}).items() if v}
    raw_hosts = section.get("hosts") or []
    hosts = tuple(dict.fromkeys(normalise_url(str(h)) for h in raw_hosts if isinstance(h, str) and h.strip())) \
        if isinstance(raw_hosts, list) else ()
    return ProviderConfig(
        name=name,
        base_url=hosts[0] if hosts else normalise_url(str(base_url)),
        api_key_env=key_env,
        api_key=env.get(key_env) or None,
        models=models,
        enabled=bool(section.get("enabled", True)),
        allow_cloud=bool(settings.get("privacy.allow_cloud", False)),
        connect_timeout_s=float(section.get("connect_timeout_s", 5)),
        first_token_timeout_s=float(section.get("first_token_timeout_s", 30)),
        total_timeout_s=float(section.get("total_timeout_s", 120)),
        hosts=hosts,
        host_cooldown_s=float(section.get("host_cooldown_s", 30)),
    )


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen and len(seen) < 10:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


_RESET_NAMES = ("ReadError", "RemoteProtocolError", "WriteError", "ConnectionResetError",
                "BrokenPipeError", "IncompleteRead", "ProtocolError")
_TIMEOUT_NAMES = ("ReadTimeout", "WriteTimeout", "PoolTimeout", "APITimeoutError", "TimeoutException")


def status_error(cfg: ProviderConfig, status: int, detail: str, model: str) -> ProviderError:
    """Phrase an HTTP error status for the user; `.status` lets the router tell 404s from outages."""
    err = _status_error(cfg, status, detail, model)
    err.status = status  # type: ignore[attr-defined]
    return err


def _status_error(cfg: ProviderConfig, status: int, detail: str, model: str) -> ProviderError:
    name = cfg.name
    detail = (detail or "").strip()[:300]
    if status in (401, 403):
        if name == "ollama":
            return ProviderError(name, f"unauthorized ({status})", hint=f"set {cfg.api_key_env} for this Ollama host")
        return ProviderError(name, f"bad API key ({status})",
                             hint=f"set {cfg.api_key_env} to a valid key for {cfg.base_url}")
    if status == 404:
        if name == "ollama":
            return ProviderError(name, f"model {model} not found", hint=f"run `ollama pull {model}`")
        return ProviderError(name, f"model {model} not found at {cfg.base_url}",
                             hint=f"check providers.{name}.models or the server's model list (`zc doctor`)")
    if status == 429:
        return ProviderError(name, "rate limited (429)", retryable=True, hint="wait, or lower usage")
    if status == 529 or status >= 500:
        return ProviderError(name, f"server error {status}: {detail}", retryable=True,
                             hint=f"the server at {cfg.base_url} is failing; the chain moves on")
    return ProviderError(name, f"request rejected ({status}): {detail}",
                         hint="check the model name and request size")


def classify(cfg: ProviderConfig, exc: BaseException, model: str) -> ProviderError:
    """Turn any SDK/httpx/socket exception into a ProviderError with a plain message and hint."""
    if isinstance(exc, ProviderError):
        return exc
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and status >= 400:
        detail = getattr(exc, "error", None) or getattr(exc, "message", None) or str(exc)
        return status_error(cfg, status, str(detail), model)
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "ConnectError" in names or (
        type(exc) is ConnectionError  # ollama wraps httpx.ConnectError in a bare ConnectionError
    ):
        hint = "start it with `ollama serve`" if cfg.name == "ollama" else "is the server running?"
        return ProviderError(cfg.name, f"cannot connect to {cfg.base_url}", hint=hint)
    if names & {"ConnectTimeout"}:
        return ProviderError(cfg.name, f"connect timeout to {cfg.base_url} after {cfg.connect_timeout_s:g}s",
                             hint=f"raise providers.{cfg.name}.connect_timeout_s or check the network")
    if names & set(_TIMEOUT_NAMES):
        return ProviderError(cfg.name, f"read timeout after {cfg.first_token_timeout_s:g}s",
                             hint=f"raise providers.{cfg.name}.first_token_timeout_s")
    if names & set(_RESET_NAMES) or any(isinstance(e, ConnectionResetError) for e in chain):
        return ProviderError(cfg.name, "connection dropped mid-reply", retryable=True,
                             hint="the server closed the connection; retried with backoff")
    if "APIConnectionError" in names:
        return ProviderError(cfg.name, f"connection problem with {cfg.base_url}: {exc}", retryable=True)
    return ProviderError(cfg.name, f"unexpected error: {type(exc).__name__}: {exc}",
                         hint="see the server log for details")


class SdkProvider:
    """Shared lifecycle of the SDK-backed providers: one lazily built client per event loop.

    httpx (under every SDK) binds its connection pool to the loop that opened it; the LSP loop and
    the background's private loops (`asyncio.run` in a job thread) must never share one
    (encode/httpx#2058, #2473). Each loop gets its own client, reused while that loop lives.
    """

    name = "base"

    def __init__(self, cfg: ProviderConfig) -> None:
        self.cfg = cfg
        # id(loop) -> (loop, client); a dict, not a WeakKeyDictionary: the pool keeps the loop alive anyway
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, Any]] = {}
        self._lock = threading.Lock()
        self._no_fim: set[str] = set()  # models whose FIM endpoint refused: they get the chat fallback

    @property
    def is_cloud(self) -> bool:
        return self.cfg.is_cloud

    def available(self) -> tuple[bool, str]:
        return self.cfg.available()

    def client(self) -> Any:
        """This loop's client, built on first use (the SDK is imported here)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._prune_closed()
            entry = self._clients.get(id(loop))
            if entry is not None and entry[0] is loop:
                return entry[1]
        client = self._make_client()
        return self._adopt(loop, client)

    def _adopt(self, loop: asyncio.AbstractEventLoop, client: Any) -> Any:
        with self._lock:
            entry = self._clients.get(id(loop))
            if entry is not None and entry[0] is loop:
                return entry[1]  # another task built one meanwhile; keep the first
            self._clients[id(loop)] = (loop, client)
            return client

    def _prune_closed(self) -> None:
        """Forget clients of loops that are closed: nothing can await their close any more."""
        for key, (loop, _client) in list(self._clients.items()):
            if loop.is_closed():
                del self._clients[key]

    @property
    def client_count(self) -> int:
        """How many live loops hold a client (for tests and `zc.status`)."""
        with self._lock:
            self._prune_closed()
            return len(self._clients)

    async def ready(self) -> None:
        """Build the client (importing the SDK, up to ~1 s) in a thread, outside the call's deadlines."""
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._clients.get(id(loop))
            if entry is not None and entry[0] is loop:
                return
        self._adopt(loop, await asyncio.to_thread(self._make_client))

    def _make_client(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must build its SDK client")

    def _timeout_kwargs(self) -> dict[str, float]:
        """Connect timeout from config; read = first-token timeout (also the gap allowed between chunks)."""
        cfg = self.cfg
        return {"connect": cfg.connect_timeout_s, "read": cfg.first_token_timeout_s,
                "write": cfg.connect_timeout_s, "pool": cfg.connect_timeout_s}

    async def release_loop(self) -> None:
        """Close the current loop's client (a private loop calls this before it ends)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._clients.pop(id(loop), None)
        if entry is not None and entry[0] is loop:
            await _close_client(entry[1])

    async def aclose(self) -> None:
        """Close every client, each on its own loop; clients of closed loops are only forgotten."""
        with self._lock:
            entries, self._clients = list(self._clients.values()), {}
        here = asyncio.get_running_loop()
        for loop, client in entries:
            if loop is here:
                await _close_client(client)
            elif not loop.is_closed() and loop.is_running():
                future = asyncio.run_coroutine_threadsafe(_close_client(client), loop)
                try:
                    await asyncio.wait_for(asyncio.wrap_future(future), 2.0)
                except Exception as exc:  # that loop is busy or dying; its sockets go with it
                    log.warning("closing a %s client on another loop failed: %r", self.name, exc)


async def _close_client(client: Any) -> None:
    close = getattr(client, "close", None) or getattr(client, "aclose", None)
    if close is not None:
        await close()
    elif (inner := getattr(client, "_client", None)) is not None:  # ollama.AsyncClient wraps httpx
        await inner.aclose()


# A FIM endpoint answering one of these says "not for this model/server": the chat fallback follows.
FIM_REFUSED = frozenset({400, 404, 405, 422, 501})


def fim_refused(exc: ProviderError) -> bool:
    return getattr(exc, "status", None) in FIM_REFUSED


def messages(system: str, prompt: str) -> list[dict[str, str]]:
    out = [{"role": "system", "content": system}] if system else []
    out.append({"role": "user", "content": prompt})
    return out
