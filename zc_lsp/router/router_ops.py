"""The router's operations side: probes, model lists, reachability and status (for `zc doctor`, `zc.status`).

A mixin of ModelRouter (router.py), kept apart so the call path stays readable. It also keeps
what each provider serves (`_served`), which the call path uses to pick a stand-in model.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from zc_lsp.router.base import ModelRequest, Provider, ProviderError
from zc_lsp.router.health import CircuitBreaker, ProviderStats, tcp_reachable

SERVED_TTL_S = 300.0  # how long a provider's model list is trusted before it is asked again


class RouterOps:
    """Needs from ModelRouter: _providers, _stats, _breakers, _r, _budget_block, _probe, _reachable, _served."""

    _providers: dict[str, Provider]
    _stats: dict[str, ProviderStats]
    _breakers: dict[str, CircuitBreaker]
    _r: dict[str, Any]
    _probe: dict[str, dict[str, float | None]]
    _reachable: dict[str, bool]
    _served: dict[str, tuple[float, list[str]]]
    _notices: dict[str, str]

    def _budget_block(self, name: str) -> str:
        raise NotImplementedError

    async def served_models(self, name: str, *, refresh: bool = False) -> list[str] | None:
        """What provider `name` serves (cached for SERVED_TTL_S); None when it cannot be asked."""
        cached = self._served.get(name)
        if cached is not None and not refresh and time.monotonic() - cached[0] < SERVED_TTL_S:
            return cached[1]
        provider = self._providers.get(name)
        if provider is None or not provider.available()[0]:
            return None
        try:
            models = await provider.list_models()
        except ProviderError:
            return None
        self._served[name] = (time.monotonic(), list(models))
        return models

    async def probe(self) -> list[dict[str, Any]]:
        """Time a one-token request per configured model; the fastest healthy one is preferred.

        Hosts of a several-host provider are probed first (a model-list request each), which also
        refreshes what the provider serves.
        """
        results: list[dict[str, Any]] = []
        ping = ModelRequest(role="ops", prompt="ping", max_tokens=1, temperature=0.0, cache=False)
        for name, provider in self._providers.items():
            ok, why = provider.available()
            cfg = getattr(provider, "cfg", None)
            models = cfg.configured_models() if cfg else []
            if not ok:
                results.extend({"provider": name, "model": m, "ok": False, "latency_ms": None,
                                "error": why} for m in models)
                continue
            probe_hosts = getattr(provider, "probe_hosts", None)
            if probe_hosts is not None:
                await probe_hosts()
            timeout = min(15.0, float(getattr(cfg, "total_timeout_s", 15.0)))
            seen = self._probe.setdefault(name, {})
            for model in models:
                start = time.perf_counter()
                try:
                    async with asyncio.timeout(timeout):
                        reply = await provider.complete(ping, model)
                except (ProviderError, TimeoutError) as exc:
                    msg = exc.message if isinstance(exc, ProviderError) else f"no reply within {timeout:g}s"
                    seen[model] = None
                    results.append({"provider": name, "model": model, "ok": False, "latency_ms": None,
                                    "error": msg})
                    continue
                latency = round((time.perf_counter() - start) * 1000, 1)
                seen[model] = latency
                results.append({"provider": name, "model": model, "served_by": reply.model, "ok": True,
                                "latency_ms": latency, "error": ""})
        return results

    async def list_models(self) -> dict[str, list[str] | str]:
        """What each provider reports, or why it could not be asked (for `zc doctor`)."""

        async def one(name: str, provider: Provider) -> list[str] | str:
            ok, why = provider.available()
            if not ok:
                return why
            try:
                return await provider.list_models()
            except ProviderError as exc:
                return f"{exc.message}" + (f" ({exc.hint})" if exc.hint else "")

        names = list(self._providers)
        found = await asyncio.gather(*(one(n, self._providers[n]) for n in names))
        now = time.monotonic()
        for name, models in zip(names, found, strict=True):
            # Reaching the model list is cheap evidence of health (no model is loaded, no tokens spent).
            self._reachable[name] = isinstance(models, list)
            if isinstance(models, list):
                self._served[name] = (now, list(models))
        return dict(zip(names, found, strict=True))

    async def check_reachable(self) -> dict[str, bool]:
        """Can each enabled provider's server be reached at all? A TCP connect, no SDK, no tokens.

        Cheap enough for start-up (it keeps the SDKs unloaded until a model is really used); the
        answer is evidence of reachability only, and a real call or probe supersedes it.
        """

        async def one(provider: Provider) -> bool:
            cfg = getattr(provider, "cfg", None)
            urls = list(getattr(cfg, "hosts", ()) or ()) or [getattr(cfg, "base_url", "") or ""]
            timeout = float(getattr(cfg, "connect_timeout_s", 2.0))
            found = await asyncio.gather(*(tcp_reachable(u, timeout) for u in urls))
            return any(found)

        names = [n for n, p in self._providers.items() if p.available()[0]]
        found = await asyncio.gather(*(one(self._providers[n]) for n in names))
        for name, ok in zip(names, found, strict=True):
            self._reachable[name] = ok
        return dict(zip(names, found, strict=True))

    def status(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        budgets = self._r.get("budgets") or {}
        for name, provider in self._providers.items():
            ok, why = provider.available()
            block = self._budget_block(name) if ok else ""
            stats, breaker = self._stats[name], self._breakers[name]
            cfg = getattr(provider, "cfg", None)
            row: dict[str, Any] = {
                "name": name, "enabled": ok and not block, "reason": block or ("" if ok else why),
                "healthy": self._healthy(name, ok and not block and breaker.state != "open"),
                "breaker": breaker.state, "latency_p50_ms": stats.latency_p50_ms,
                "latency_series": [list(p) for p in stats.series], "calls": stats.calls,
                "errors": stats.errors, "cache_hits": stats.cache_hits, "tokens_in": stats.tokens_in,
                "tokens_out": stats.tokens_out, "cost_usd": round(stats.cost_usd, 6),
                "spent_today_usd": round(stats.spent_today(), 6), "budget_usd": budgets.get(name),
                # the model the server last said answered; the configured one until a call is made
                "model": stats.last_model or (cfg.model_for("default") if cfg else ""),
                "configured_model": cfg.model_for("default") if cfg else "",
                "notice": self._notices.get(name, ""),
                "is_cloud": provider.is_cloud, "last_error": stats.last_error,
                "probe": dict(self._probe.get(name, {})),
            }
            host_status = getattr(provider, "host_status", None)
            if host_status is not None:
                row["hosts"] = host_status()
            out.append(row)
        return out

    def _healthy(self, name: str, usable: bool) -> bool | None:
        """Known only from evidence: the latest probe, else the latest call; None before either."""
        if not usable:
            return False
        probe = self._probe.get(name)
        if probe:
            return any(latency is not None for latency in probe.values())
        last = self._stats[name].last_ok
        return last if last is not None else self._reachable.get(name)
