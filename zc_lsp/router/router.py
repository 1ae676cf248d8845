"""ModelRouter: local first, then cloud, then the caller's offline engine.

Per role it walks the configured chain; per provider it checks availability (privacy rules),
the daily budget and the circuit breaker, redacts the prompt, looks in the cache, then calls the
provider with connect / first-token / total timeouts and retries retryable errors with backoff.
Everything a user needs to know ("who answered, and why not the others") ends up in the reply's
`attempts`, in `status()` and in the audit log (hashes only, never prompt text).
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from zc_lsp.core.redact import Redaction, no_redaction, redact
from zc_lsp.router._common import ProviderConfig, provider_config
from zc_lsp.router.base import ModelReply, ModelRequest, NoModelAvailable, Provider, ProviderError, Usage
from zc_lsp.router.cache import CachedReply, ReplyStore, cache_key, prompt_sha256
from zc_lsp.router.health import CircuitBreaker, ProviderStats, price_of
from zc_lsp.router.models import choose_model, substitution_notice
from zc_lsp.router.router_lifecycle import RouterLifecycle, close_quietly
from zc_lsp.router.router_ops import RouterOps
from zc_lsp.router.sanitize import strip_invisible

if TYPE_CHECKING:
    from zc_lsp.core.cancel import CancelToken

log = logging.getLogger(__name__)

MODEL_PROVIDERS = {
    "ollama": ("zc_lsp.router.ollama", "OllamaProvider"),
    "openai": ("zc_lsp.router.openai", "OpenAIProvider"),
    "anthropic": ("zc_lsp.router.anthropic", "AnthropicProvider"),
}
DEFAULT_CHAIN = ["ollama", "openai", "anthropic", "offline"]
_BIG_PROMPT = 50_000  # characters; redact bigger prompts in a worker thread
_CANCEL_POLL_S = 0.02


class _CallState:
    """What one provider call has done so far (for the retry decision and the stats)."""

    def __init__(self) -> None:
        self.emitted = False
        self.first_token_ms: float | None = None


class ModelRouter(RouterOps, RouterLifecycle):
    """See docs/router.md. One instance per workspace, shared by every agent."""

    def __init__(self, settings: Any, memory: Any = None, env: Mapping[str, str] = os.environ, *,
                 providers: Mapping[str, Provider] | None = None,
                 notify: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.memory = memory
        self._env = env
        self.notify = notify  # (message) -> None, any thread: a model substitution is said once
        self._r: dict[str, Any] = settings.get("router", {}) or {}
        self._fixed_providers = providers is not None  # injected providers are never rebuilt
        self._providers: dict[str, Provider] = dict(providers) if providers is not None else {
            name: self._build(name) for name in MODEL_PROVIDERS
        }
        failures, reset_s = int(self._r.get("breaker_failures", 3)), float(self._r.get("breaker_reset_s", 30))
        self._breakers = {n: CircuitBreaker(failures, reset_s) for n in self._providers}
        self._stats = {n: ProviderStats() for n in self._providers}
        self._probe: dict[str, dict[str, float | None]] = {}
        self._reachable: dict[str, bool] = {}  # from list_models(): cheap health before any call
        self._served: dict[str, tuple[float, list[str]]] = {}  # provider -> (when, models it serves)
        self._substitutes: dict[tuple[str, str], str] = {}  # (provider, configured) -> served stand-in
        self._notices: dict[str, str] = {}  # provider -> the substitution notice, said once
        self._retired: list[Provider] = []  # replaced by on_settings, closed in the background
        self._closing: set[asyncio.Task[None]] = set()
        retention = settings.get("memory.retention.cache", {}) or {}
        self._store = ReplyStore(memory, max_items=int(retention.get("max_items", 10000)),
                                 max_age_days=float(retention.get("max_age_days", 30)))
        self._spend_loaded = False
        self._budget_warned: dict[str, str] = {}
        self.last_provenance: str | None = None

    def _build(self, name: str, cfg: ProviderConfig | None = None) -> Provider:
        module, cls = MODEL_PROVIDERS[name]
        make = getattr(importlib.import_module(module), cls)
        cfg = cfg or provider_config(name, self.settings, self._env)
        if len(cfg.hosts) > 1:
            from zc_lsp.router.hosts import MultiHostProvider

            return MultiHostProvider(cfg, list(cfg.hosts), make, cooldown_s=cfg.host_cooldown_s)
        return make(cfg)

    # ---- configuration -------------------------------------------------------------------
    def chain_for(self, role: str) -> list[str]:
        chains = self._r.get("chains") or {}
        return list(chains.get(role) or self._r.get("chain") or DEFAULT_CHAIN)

    def _models_for(self, name: str, role: str, provider: Provider) -> list[str]:
        cfg = getattr(provider, "cfg", None)
        role_model = cfg.model_for(role) if cfg else ""
        order = [role_model] if role_model else []
        if self._r.get("prefer_fastest", True) and cfg is not None:
            healthy = {m: lat for m, lat in self._probe.get(name, {}).items()
                       if lat is not None and m in cfg.configured_models()}
            if healthy:
                order.insert(0, min(healthy, key=lambda m: healthy[m]))
        # a configured model known not to be served is replaced by its stand-in up front
        order = [self._substitutes.get((name, m), m) for m in order]
        return list(dict.fromkeys(order))

    async def _stand_in(self, name: str, wanted: str) -> str | None:
        """After a 404 for `wanted`: the best model the provider does serve, announced once."""
        if not self._r.get("substitute_missing_models", True):
            return None
        served = await self.served_models(name, refresh=True)
        if not served or wanted in served:
            return None
        chosen = choose_model(wanted, served)
        if chosen is None:
            return None
        self._substitutes[(name, wanted)] = chosen
        notice = substitution_notice(name, wanted, chosen)
        if self._notices.get(name) != notice:
            self._notices[name] = notice
            log.warning("%s", notice)
            if self.notify is not None:
                try:
                    self.notify(notice)
                except Exception as exc:  # the notice is also in status(); a broken callback is logged
                    log.warning("model substitution notice could not be shown: %s", exc)
        return chosen

    def _budget_block(self, name: str) -> str:
        budget = (self._r.get("budgets") or {}).get(name)
        if budget is None:
            return ""
        spent = self._stats[name].spent_today()
        if spent >= float(budget):
            day = date.today().isoformat()
            if self._budget_warned.get(name) != day:  # once a day: the alerts rule reads status()
                self._budget_warned[name] = day
                log.warning("provider %s skipped: daily budget $%.2f reached", name, float(budget))
            return (f"daily budget of ${float(budget):.2f} reached (${spent:.2f} spent today); "
                    f"raise router.budgets.{name} to continue")
        return ""

    # ---- the call ------------------------------------------------------------------------
    async def complete(self, request: ModelRequest, *, on_token: Callable[[str], None] | None = None,
                       cancel: CancelToken | None = None) -> ModelReply:
        """Answer from the first provider that can; NoModelAvailable when only `offline` is left."""
        if cancel is None:
            return await self._complete(request, on_token)
        from zc_lsp.core.cancel import Cancelled  # shared types module; cheap, no agent code

        if cancel.cancelled:
            raise Cancelled("model call not started")
        task = asyncio.ensure_future(self._complete(request, on_token))
        watcher = asyncio.create_task(_watch(cancel, task))
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if cancel.cancelled and (current is None or current.cancelling() == 0):
                raise Cancelled("model call cancelled") from None
            raise
        finally:
            watcher.cancel()

    async def _complete(self, request: ModelRequest, on_token: Callable[[str], None] | None) -> ModelReply:
        await self._load_spend()
        prompt, system = strip_invisible(request.prompt), strip_invisible(request.system)
        redact_local = bool(self.settings.get("privacy.redact_local", True))
        redactions: dict[bool, Redaction] = {}
        attempts: list[str] = []
        for name in self.chain_for(request.role):
            if name == "offline":
                break
            provider = self._providers.get(name)
            if provider is None:
                attempts.append(f"{name}: not a known provider")
                continue
            ok, why = provider.available()
            block = why if not ok else self._budget_block(name)
            if block:
                attempts.append(f"{name}: {block}")
                continue
            allowed, why = self._breakers[name].allow()
            if not allowed:
                attempts.append(f"{name}: {why}")
                continue
            do_redact = provider.is_cloud or redact_local
            if do_redact not in redactions:  # FIM parts share the placeholders of the prompt
                redactions[do_redact] = await _redact(do_redact, prompt, system, *(request.fim or ()))
            red = redactions[do_redact]
            models = self._models_for(name, request.role, provider)
            i = 0
            while i < len(models):
                model = models[i]
                i += 1
                try:
                    reply = await self._call(name, provider, model, request, red, on_token, attempts)
                except ProviderError as exc:
                    attempts.append(f"{name}: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
                    if getattr(exc, "status", None) != 404:
                        break
                    if i == len(models) and (stand_in := await self._stand_in(name, model)) not in (None, *models):
                        models.append(stand_in)  # the configured model is not served: use what is
                    continue
                reply.attempts = list(attempts)
                self.last_provenance = f"{reply.provider}/{reply.model}"
                return reply
        raise NoModelAvailable(attempts)

    async def _call(self, name: str, provider: Provider, model: str, request: ModelRequest,
                    red: Redaction, on_token: Callable[[str], None] | None, attempts: list[str]) -> ModelReply:
        """One provider+model: cache, then the call with retries; feeds breaker, stats and audit."""
        params: dict[str, Any] = {"max_tokens": request.max_tokens, "temperature": request.temperature}
        r_prompt, r_system, *r_fim = red.texts
        if request.fim is not None:
            params["fim"] = r_fim
        key = cache_key(name, model, r_prompt, r_system, params)
        use_cache = request.cache and bool(self._r.get("cache", True))
        if use_cache and (hit := await self._store.get(key)) is not None:
            return await self._cached_reply(name, request, red, hit, on_token)
        req = dataclasses.replace(request, prompt=r_prompt, system=r_system,
                                  fim=(r_fim[0], r_fim[1]) if request.fim is not None else None)
        retries, backoff = int(self._r.get("retries", 2)), float(self._r.get("backoff_s", 0.5))
        breaker, stats = self._breakers[name], self._stats[name]
        start = time.perf_counter()
        for attempt in range(retries + 1):
            state = _CallState()
            try:
                raw, usage = await self._invoke(provider, model, req, red, on_token, state)
            except ProviderError as exc:
                if exc.retryable and attempt < retries and not state.emitted:
                    attempts.append(f"{name}: {exc.message} (retrying)")
                    await asyncio.sleep(backoff * (2 ** attempt))
                    continue
                if getattr(exc, "status", None) not in (400, 404, 413, 422):
                    breaker.failure()  # request-specific errors say nothing about provider health
                else:
                    breaker.release()
                stats.record_error(exc.message)
                await self._audit(name, model, request.role, red, 0, 0, start, f"error: {exc.message}")
                raise
            except asyncio.CancelledError:
                breaker.release()
                raise
            breaker.success()
            latency = (time.perf_counter() - start) * 1000
            served = usage.model or model  # provenance: the name in the server's reply
            cost = price_of(self._r.get("prices") or {}, name, served, usage.tokens_in, usage.tokens_out)
            stats.record_success(served, latency, usage.tokens_in, usage.tokens_out, cost)
            await self._store.add_spend(name, cost)
            if use_cache and raw:
                await self._store.put(key, CachedReply(name, served, raw, usage.tokens_in, usage.tokens_out))
            audit = self._audit(name, served, request.role, red, usage.tokens_in, usage.tokens_out, start, "ok",
                                requested=model)
            if request.fim is not None:  # inline completion: the row (an fsync, ~10 ms) is written after the reply
                task = asyncio.ensure_future(audit)
                self._closing.add(task)  # aclose() waits for it
                task.add_done_callback(self._closing.discard)
            else:
                await audit
            return ModelReply(text=red.restore(raw), provider=name, model=served, tokens_in=usage.tokens_in,
                              tokens_out=usage.tokens_out, latency_ms=latency,
                              first_token_ms=state.first_token_ms)
        raise AssertionError("unreachable: the retry loop returns or raises")

    async def _invoke(self, provider: Provider, model: str, req: ModelRequest, red: Redaction,
                      on_token: Callable[[str], None] | None, state: _CallState) -> tuple[str, Usage]:
        """The provider call under the first-token and total deadlines. Returns the raw (redacted) text."""
        ready = getattr(provider, "ready", None)
        if ready is not None:
            await ready()  # SDK import and client build do not count against the deadlines
        cfg = getattr(provider, "cfg", None)
        first_s = float(getattr(cfg, "first_token_timeout_s", 30.0))
        total_s = float(getattr(cfg, "total_timeout_s", 120.0))
        loop = asyncio.get_running_loop()
        start = loop.time()
        usage = Usage()
        if not (req.stream or on_token is not None):
            try:
                async with asyncio.timeout(total_s):
                    reply = await provider.complete(req, model)
            except TimeoutError:
                raise ProviderError(provider.name, f"no reply within {total_s:g}s",
                                    hint=f"raise providers.{provider.name}.total_timeout_s") from None
            return reply.text, Usage(reply.tokens_in, reply.tokens_out, reply.model)
        parts: list[str] = []
        restorer = red.restorer()
        stream = provider.stream(req, model, usage=usage)  # type: ignore[call-arg]
        try:
            async with asyncio.timeout(min(first_s, total_s)) as deadline:
                async for chunk in stream:
                    if state.first_token_ms is None:
                        state.first_token_ms = (loop.time() - start) * 1000
                        deadline.reschedule(start + total_s)
                    parts.append(chunk)
                    out = restorer.feed(chunk)
                    if out and on_token is not None:
                        state.emitted = True
                        on_token(out)
        except TimeoutError:
            what = (f"no first token within {first_s:g}s" if state.first_token_ms is None
                    else f"reply took longer than {total_s:g}s")
            key = "first_token_timeout_s" if state.first_token_ms is None else "total_timeout_s"
            raise ProviderError(provider.name, what, hint=f"raise providers.{provider.name}.{key}") from None
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
        tail = restorer.flush()
        if tail and on_token is not None:
            on_token(tail)
        raw = "".join(parts)
        if not usage.tokens_out:
            usage.tokens_out = max(1, len(raw) // 4) if raw else 0  # estimate when the server sent none
        return raw, usage

    async def _cached_reply(self, name: str, request: ModelRequest, red: Redaction, hit: CachedReply,
                            on_token: Callable[[str], None] | None) -> ModelReply:
        self._stats[name].cache_hits += 1
        text = red.restore(hit.text)
        if on_token is not None and text:
            on_token(text)
        await self._audit(name, hit.model, request.role, red, 0, 0, time.perf_counter(), "cached")
        return ModelReply(text=text, provider=name, model=hit.model, tokens_in=hit.tokens_in,
                          tokens_out=hit.tokens_out, cached=True)

    async def _audit(self, name: str, model: str, role: str, red: Redaction, tokens_in: int,
                     tokens_out: int, start: float, outcome: str, requested: str = "") -> None:
        audit = getattr(self.memory, "audit", None)
        if audit is None:
            return
        r_prompt, r_system, *r_fim = red.texts  # FIM parts join the prompt's hash (no change without them)
        sha = (prompt_sha256("\x00".join([r_prompt, *r_fim]), r_system)
               if self.settings.get("privacy.audit_prompts", True) else "")
        fields = {"provider": name, "model": model, "role": role, "prompt_sha256": sha,
                  "tokens_in": tokens_in, "tokens_out": tokens_out,
                  "latency_ms": round((time.perf_counter() - start) * 1000, 1), "outcome": outcome,
                  "secrets_redacted": red.count}
        if requested and requested != model:
            fields["requested_model"] = requested  # the server answered with another model than asked
        try:
            await asyncio.to_thread(audit.append, "model_call", **fields)
        except Exception as exc:  # a broken audit log must not break the answer; it is reported
            log.warning("audit log write failed: %s", exc)

    async def _load_spend(self) -> None:
        if self._spend_loaded:
            return
        self._spend_loaded = True
        today = date.today().isoformat()
        for name, usd in (await self._store.spend_today()).items():
            if name in self._stats:
                stats = self._stats[name]
                stats.spend_by_day[today] = max(stats.spend_by_day.get(today, 0.0), usd)

    async def aclose(self) -> None:
        retired, self._retired = self._retired, []
        for provider in retired:
            await close_quietly(provider)
        if self._closing:
            await asyncio.gather(*list(self._closing), return_exceptions=True)
        for name, provider in self._providers.items():
            try:
                await provider.aclose()
            except Exception as exc:  # closing is best effort at shutdown, but never silent
                log.warning("closing provider %s failed: %s", name, exc)


async def _redact(enabled: bool, *texts: str) -> Redaction:
    if not enabled:
        return no_redaction(*texts)
    if sum(len(t) for t in texts) > _BIG_PROMPT:
        return await asyncio.to_thread(redact, *texts)
    return redact(*texts)


async def _watch(cancel: CancelToken, task: asyncio.Future[Any]) -> None:
    """CancelToken is thread-based; poll it and cancel the call task, which closes the HTTP stream."""
    while not task.done():
        if cancel.cancelled:
            task.cancel()
            return
        await asyncio.sleep(_CANCEL_POLL_S)
