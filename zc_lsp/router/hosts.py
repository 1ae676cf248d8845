"""Several hosts behind one provider name: an Ollama fleet, a few vLLM/llama.cpp boxes, LiteLLM gateways.

`providers.<name>.hosts: [url, ...]` builds one SDK provider per host. Each call goes to the host
with the lowest measured latency that is not cooling down; a host that refuses the connection
(or times out connecting) is skipped for `host_cooldown_s` and the next one is tried within the
same call, so fail-over costs the user one refused connect, not an error. Health probes
(`probe_hosts`, run by the router's scheduled `probe`) time a model-list request per host; the
list request is cheap (no model loaded, no tokens).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from zc_lsp.router._common import ProviderConfig, SdkProvider, normalise_url
from zc_lsp.router.base import ModelReply, ModelRequest, ProviderError, Usage

DEFAULT_COOLDOWN_S = 30.0


def _is_host_down(exc: ProviderError) -> bool:
    """A refused or timed-out connect says the host is down; a 404 or 429 says nothing about it."""
    return exc.message.startswith(("cannot connect", "connect timeout", "connection problem"))


@dataclass
class HostState:
    url: str
    provider: SdkProvider
    latency_ms: float | None = None  # last probe or call; None = not measured yet
    down_until: float = 0.0
    failures: int = 0
    last_error: str = ""
    calls: int = field(default=0)

    def usable(self, now: float) -> bool:
        return now >= self.down_until

    def as_status(self, now: float) -> dict[str, Any]:
        return {"url": self.url, "latency_ms": self.latency_ms, "up": self.usable(now) and not self.failures,
                "cooling_down_s": round(max(0.0, self.down_until - now), 1), "calls": self.calls,
                "last_error": self.last_error}


class MultiHostProvider:
    """The Provider protocol over several hosts of the same kind (see the module docstring)."""

    def __init__(self, cfg: ProviderConfig, hosts: list[str], make: Callable[[ProviderConfig], SdkProvider],
                 cooldown_s: float = DEFAULT_COOLDOWN_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.cfg = cfg
        self.name = cfg.name
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._probed = False
        self.hosts = [HostState(url, make(dataclasses.replace(cfg, base_url=normalise_url(url))))
                      for url in dict.fromkeys(hosts)]

    @property
    def is_cloud(self) -> bool:
        return any(h.provider.is_cloud for h in self.hosts)

    def available(self) -> tuple[bool, str]:
        """Usable if any host's own rules allow it (a cloud host still needs allow_cloud and a key)."""
        reasons = []
        for host in self.hosts:
            ok, why = host.provider.available()
            if ok:
                return True, why
            reasons.append(why)
        return False, reasons[0] if reasons else "no hosts configured"

    def order(self) -> list[HostState]:
        """Hosts to try, best first: allowed, not cooling down, lowest latency (unmeasured after measured)."""
        now = self._clock()
        allowed = [h for h in self.hosts if h.provider.available()[0]]
        live = [h for h in allowed if h.usable(now)]
        live.sort(key=lambda h: (h.latency_ms is None, h.latency_ms or 0.0))
        if live:
            return live
        # every host is cooling down: try the one that comes back first rather than fail outright
        return sorted(allowed, key=lambda h: h.down_until)[:1]

    def _down(self, host: HostState, exc: ProviderError) -> None:
        host.failures += 1
        host.last_error = exc.message
        host.down_until = self._clock() + self.cooldown_s

    def _up(self, host: HostState, latency_ms: float | None = None) -> None:
        """A host answered. Only probes pass a latency: a call's time depends on its reply's length."""
        host.failures = 0
        host.down_until = 0.0
        host.last_error = ""
        if latency_ms is None:
            host.calls += 1
            return
        # smoothed, so one slow probe does not send all traffic elsewhere
        host.latency_ms = latency_ms if host.latency_ms is None else 0.7 * host.latency_ms + 0.3 * latency_ms

    async def ready(self) -> None:
        """Before the first call, measure every host once (in parallel, a model-list request each)."""
        if not self._probed:
            self._probed = True
            await self.probe_hosts()
        hosts = self.order()
        if hosts:
            await hosts[0].provider.ready()

    async def complete(self, request: ModelRequest, model: str) -> ModelReply:
        last: ProviderError | None = None
        for host in self.order():
            try:
                await host.provider.ready()
                reply = await host.provider.complete(request, model)
            except ProviderError as exc:
                if not _is_host_down(exc):
                    raise
                self._down(host, exc)
                last = exc
                continue
            self._up(host)
            return reply
        raise last or ProviderError(self.name, "no host is configured")

    async def stream(self, request: ModelRequest, model: str, *, usage: Usage | None = None) -> AsyncIterator[str]:
        """Fail over only before the first chunk: after that the reply is the user's already."""
        last: ProviderError | None = None
        for host in self.order():
            await host.provider.ready()
            chunks = host.provider.stream(request, model, usage=usage)  # type: ignore[call-arg]
            got_first = False
            try:
                async for chunk in chunks:
                    if not got_first:
                        got_first = True
                        self._up(host)
                    yield chunk
                if not got_first:
                    self._up(host)
                return
            except ProviderError as exc:
                if got_first or not _is_host_down(exc):
                    raise
                self._down(host, exc)
                last = exc
            finally:
                await chunks.aclose()  # type: ignore[attr-defined]
        raise last or ProviderError(self.name, "no host is configured")

    async def list_models(self) -> list[str]:
        """The union of what every reachable host serves; fails only if every host fails."""
        found = await self.probe_hosts()
        if not any(isinstance(v, list) for v in found.values()):
            errors = [v for v in found.values() if isinstance(v, str)]
            raise ProviderError(self.name, errors[0] if errors else "no host answered")
        return sorted({m for v in found.values() if isinstance(v, list) for m in v})

    async def probe_hosts(self) -> dict[str, list[str] | str]:
        """Time a model-list request per host (in parallel); refusals start the host's cool-down."""

        async def one(host: HostState) -> list[str] | str:
            ok, why = host.provider.available()
            if not ok:
                return why
            start = time.perf_counter()
            try:
                async with asyncio.timeout(max(1.0, self.cfg.connect_timeout_s * 2)):
                    models = await host.provider.list_models()
            except TimeoutError:
                exc = ProviderError(self.name, f"connect timeout to {host.url}")
                self._down(host, exc)
                return exc.message
            except ProviderError as exc:
                self._down(host, exc)
                return exc.message
            self._up(host, (time.perf_counter() - start) * 1000)
            return models

        self._probed = True
        results = await asyncio.gather(*(one(h) for h in self.hosts))
        return {h.url: r for h, r in zip(self.hosts, results, strict=True)}

    def host_status(self) -> list[dict[str, Any]]:
        now = self._clock()
        return [h.as_status(now) for h in self.hosts]

    @property
    def client_count(self) -> int:
        return sum(h.provider.client_count for h in self.hosts)

    async def release_loop(self) -> None:
        for host in self.hosts:
            await host.provider.release_loop()

    async def aclose(self) -> None:
        for host in self.hosts:
            await host.provider.aclose()
