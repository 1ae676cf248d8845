"""The router's lifecycle: settings as a subscription, private event loops, closing clients.

A mixin of ModelRouter (router.py). httpx clients belong to the loop that opened them, so a
replaced provider is closed on the loop it ran on, and a private loop releases its own clients.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from zc_lsp.router._common import ProviderConfig, provider_config
from zc_lsp.router.base import Provider
from zc_lsp.router.health import CircuitBreaker, ProviderStats

log = logging.getLogger(__name__)


class RouterLifecycle:
    """Needs from ModelRouter: settings, _env, _r, _providers, _breakers, _stats, caches, _build."""

    settings: Any
    _env: Any
    _r: dict[str, Any]
    _fixed_providers: bool
    _providers: dict[str, Provider]
    _breakers: dict[str, CircuitBreaker]
    _stats: dict[str, ProviderStats]
    _probe: dict[str, dict[str, float | None]]
    _served: dict[str, tuple[float, list[str]]]
    _notices: dict[str, str]
    _substitutes: dict[tuple[str, str], str]
    _retired: list[Provider]
    _closing: set[asyncio.Task[None]]

    def _build(self, name: str, cfg: ProviderConfig | None = None) -> Provider:
        raise NotImplementedError

    def on_settings(self, new: Any, old: Any = None) -> list[str]:
        """Take new settings without a restart; returns the providers rebuilt.

        `router.*` and `privacy.*` are read from `self.settings`/`self._r` at call time, so swapping
        them is enough; a provider whose resolved config changed (URL, hosts, models, timeouts, key,
        allow_cloud) is rebuilt, keeping its stats, and its old clients are closed off the call path.
        """
        self.settings = new
        self._r = new.get("router", {}) or {}
        failures, reset_s = int(self._r.get("breaker_failures", 3)), float(self._r.get("breaker_reset_s", 30))
        for breaker in self._breakers.values():
            breaker.failures, breaker.reset_s = max(1, failures), reset_s
        if self._fixed_providers:
            return []
        rebuilt: list[str] = []
        for name in list(self._providers):
            cfg = provider_config(name, new, self._env)
            current = self._providers.get(name)
            old_cfg = getattr(current, "cfg", None)
            if current is not None and old_cfg == cfg:
                continue
            if current is not None and old_cfg is not None and dataclasses.replace(
                    old_cfg, allow_cloud=cfg.allow_cloud) == cfg:
                _set_allow_cloud(current, cfg.allow_cloud)  # a privacy switch needs no new client
                continue
            self._providers[name] = self._build(name, cfg)
            self._breakers.setdefault(name, CircuitBreaker(failures, reset_s))
            self._stats.setdefault(name, ProviderStats())
            self._probe.pop(name, None)
            self._served.pop(name, None)
            self._notices.pop(name, None)
            for key in [k for k in self._substitutes if k[0] == name]:
                del self._substitutes[key]
            if current is not None:
                self._retire(current)
            rebuilt.append(name)
        if rebuilt:
            log.info("router settings changed: rebuilt %s", ", ".join(rebuilt))
        return rebuilt

    def reconfigure(self, settings: Any) -> list[str]:
        """The name handlers/configuration.py calls; same as on_settings."""
        return self.on_settings(settings, self.settings)

    def _retire(self, provider: Provider) -> None:
        """Close a replaced provider's clients: now when on a loop, else at aclose()."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._retired.append(provider)
            return
        task = loop.create_task(close_quietly(provider))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def release_loop(self) -> None:
        """A private event loop (a background job's `asyncio.run`) closes its own clients before it ends."""
        for provider in list(self._providers.values()):
            release = getattr(provider, "release_loop", None)
            if release is not None:
                await release()

    def run_private(self, make_coro: Callable[[], Any]) -> Any:
        """Run `make_coro()` on a fresh loop in this thread and close that loop's clients afterwards."""

        async def scoped() -> Any:
            try:
                return await make_coro()
            finally:
                await self.release_loop()

        return asyncio.run(scoped())


async def close_quietly(provider: Provider) -> None:
    try:
        await provider.aclose()
    except Exception as exc:  # an old client that will not close is logged, the new one is in use
        log.warning("closing replaced provider %s failed: %s", getattr(provider, "name", "?"), exc)


def _set_allow_cloud(provider: Provider, allow: bool) -> None:
    """Flip privacy.allow_cloud on a provider and, for several hosts, on each host's own config."""
    provider.cfg.allow_cloud = allow  # type: ignore[attr-defined]
    for host in getattr(provider, "hosts", []):
        host.provider.cfg.allow_cloud = allow
