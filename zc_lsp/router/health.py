"""Per-provider health: a circuit breaker and the accounting shown in `zc.status`."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit


class CircuitBreaker:
    """Stops calling a provider that keeps failing, then lets one probe call through.

    closed -> (N consecutive failures) -> open -> (reset_s elapsed) -> half_open -> one call:
    success closes it, failure opens it again for another reset_s.
    """

    def __init__(self, failures: int = 3, reset_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = max(1, failures)
        self.reset_s = reset_s
        self._clock = clock
        self.consecutive = 0
        self.opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self._clock() - self.opened_at >= self.reset_s:
            return "half_open"
        return "open"

    def allow(self) -> tuple[bool, str]:
        """May a call go through now? Half-open lets exactly one probe in at a time."""
        state = self.state
        if state == "closed":
            return True, ""
        if state == "half_open" and not self._probing:
            self._probing = True
            return True, "half-open probe"
        assert self.opened_at is not None
        wait = max(0.0, self.reset_s - (self._clock() - self.opened_at))
        return False, (f"circuit open after {self.consecutive} consecutive failures; "
                       f"next try in {wait:.0f}s")

    def success(self) -> None:
        self.consecutive = 0
        self.opened_at = None
        self._probing = False

    def failure(self) -> None:
        self.consecutive += 1
        if self._probing or self.consecutive >= self.failures:
            self.opened_at = self._clock()
        self._probing = False

    def release(self) -> None:
        """A probe that ended without a verdict (cancelled) frees the slot for the next one."""
        self._probing = False


@dataclass
class ProviderStats:
    """Counters for one provider; latencies are kept for the last 200 calls."""

    calls: int = 0
    errors: int = 0
    cache_hits: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    last_error: str = ""
    last_model: str = ""
    last_ok: bool | None = None  # outcome of the latest call; None before any
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=200))
    series: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=60))
    spend_by_day: dict[str, float] = field(default_factory=dict)

    def record_success(self, model: str, latency_ms: float, tokens_in: int, tokens_out: int,
                       cost: float) -> None:
        self.calls += 1
        self.last_ok = True
        self.tokens_in += tokens_in
        self.tokens_out += tokens_out
        self.cost_usd += cost
        self.last_model = model
        self.latencies_ms.append(latency_ms)
        self.series.append((time.time(), round(latency_ms, 1)))
        today = date.today().isoformat()
        self.spend_by_day[today] = self.spend_by_day.get(today, 0.0) + cost

    def record_error(self, message: str) -> None:
        self.calls += 1
        self.errors += 1
        self.last_ok = False
        self.last_error = message

    def spent_today(self) -> float:
        return self.spend_by_day.get(date.today().isoformat(), 0.0)

    @property
    def latency_p50_ms(self) -> float | None:
        if not self.latencies_ms:
            return None
        import statistics  # with fractions and decimal (~0.5 MB): loaded once a model has answered, not at idle

        return round(statistics.median(self.latencies_ms), 1)


def price_of(prices: dict[str, dict[str, float]], provider: str, model: str, tokens_in: int,
             tokens_out: int) -> float:
    """USD for one call from `router.prices` ("provider/model" or "provider": {in, out} per 1M)."""
    price = prices.get(f"{provider}/{model}") or prices.get(provider) or {}
    return (tokens_in * float(price.get("in", 0)) + tokens_out * float(price.get("out", 0))) / 1_000_000


async def tcp_reachable(base_url: str, timeout_s: float) -> bool:
    """Whether anything accepts a TCP connection at the URL's host and port (no HTTP, no SDK)."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        return False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, port), timeout_s)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True
