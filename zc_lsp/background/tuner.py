"""Performance tuner: when the server is under pressure, back off; when calm returns, undo.

Pressure is process CPU, RSS, event-loop lag or request latency over the `tuner.*` thresholds.
Each pressured sample takes one step (fewer batch workers, a longer diagnostics debounce, the
review sweep paused); model latency over its threshold sets a hint to prefer the fastest healthy
model. Undoing needs `calm_samples` samples in a row below `calm_ratio` of every threshold, so
the tuner does not flap. Every action is logged, stored in tasks.db and shown in the status.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import psutil

from zc_lsp.background.store import TaskStore

log = logging.getLogger(__name__)


class Tuner:
    def __init__(self, settings: Any, db: TaskStore, *, queue: Any = None, scheduler: Any = None,
                 router: Any = None, on_change: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.db = db
        self.queue = queue
        self.scheduler = scheduler
        self.router = router
        self.on_change = on_change
        cfg = settings.get("tuner", {}) or {}
        self.cfg = cfg
        self.base_debounce_ms = int(settings.get("diagnostics.debounce_ms", 300))
        self.debounce_ms = self.base_debounce_ms  # the LSP side reads this before each debounce
        self.base_workers = int(settings.get("background.batch_workers", 3))
        self.prefer_model: str | None = None  # "provider/model" hint for roles, or None
        self.sweep_paused = False
        self.actions: deque[dict[str, Any]] = deque(maxlen=20)
        self.last_sample: dict[str, Any] = {}
        self._calm = 0
        self._lag: deque[float] = deque(maxlen=50)
        self._latency: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._process = psutil.Process()
        self._process.cpu_percent(None)  # prime: the first reading is always 0.0
        psutil.cpu_percent(None)

    # -- fed by the LSP side (any thread) -----------------------------------------------------
    def record_loop_lag(self, ms: float) -> None:
        with self._lock:
            self._lag.append(float(ms))

    def record_request_latency(self, method: str, ms: float) -> None:
        with self._lock:
            self._latency.setdefault(method, deque(maxlen=50)).append(float(ms))

    # -- sampling ------------------------------------------------------------------------------
    def measure(self) -> dict[str, Any]:
        """A real sample: psutil for CPU/memory, plus what the LSP side recorded since last time."""
        with self._process.oneshot():
            cpu = self._process.cpu_percent(None)
            rss = self._process.memory_info().rss / 1_048_576
        with self._lock:
            lag = max(self._lag) if self._lag else 0.0
            self._lag.clear()
            p95 = {m: _p95(v) for m, v in self._latency.items() if v}
            self._latency.clear()  # each sample judges only the requests since the last one
        model_ms = {}
        if self.router is not None:
            try:
                for p in self.router.status():
                    if p.get("latency_p50_ms") is not None and p.get("enabled", True):
                        model_ms[f"{p['name']}/{p.get('model') or ''}"] = float(p["latency_p50_ms"])
            except Exception:
                log.exception("router status unavailable to the tuner")
        return {
            "ts": time.time(), "cpu_percent": round(cpu, 1), "rss_mb": round(rss, 1),
            "system_cpu_percent": psutil.cpu_percent(None),
            "system_memory_percent": psutil.virtual_memory().percent,
            "loop_lag_ms": lag, "request_p95_ms": p95, "model_latency_ms": model_ms,
        }

    def sample(self, sample: dict[str, Any] | None = None) -> list[str]:
        """Evaluate one sample (a synthetic one in tests) and act; returns the actions taken."""
        sample = sample if sample is not None else self.measure()
        self.last_sample = sample
        reasons = self._pressure(sample)
        taken: list[str] = []
        if reasons:
            self._calm = 0
            taken += self._back_off("; ".join(reasons))
        elif self._is_calm(sample):
            self._calm += 1
            if self._calm >= int(self.cfg.get("calm_samples", 3)):
                taken += self._recover()
        else:
            self._calm = 0
        taken += self._model_hint(sample)
        return taken

    def _pressure(self, s: dict[str, Any]) -> list[str]:
        c, out = self.cfg, []
        if s.get("cpu_percent", 0) >= c.get("cpu_percent_high", 85):
            out.append(f"process CPU {s['cpu_percent']}%")
        if s.get("rss_mb", 0) >= c.get("rss_mb_high", 1500):
            out.append(f"memory {s['rss_mb']} MB")
        if s.get("loop_lag_ms", 0) >= c.get("loop_lag_ms_high", 200):
            out.append(f"loop lag {s['loop_lag_ms']} ms")
        slow = {m: v for m, v in (s.get("request_p95_ms") or {}).items()
                if v >= c.get("request_latency_ms_high", 2000)}
        if slow:
            out.append("slow requests " + ", ".join(f"{m} {v:.0f} ms" for m, v in slow.items()))
        return out

    def _is_calm(self, s: dict[str, Any]) -> bool:
        c, r = self.cfg, float(self.cfg.get("calm_ratio", 0.7))
        return (s.get("cpu_percent", 0) < r * c.get("cpu_percent_high", 85)
                and s.get("rss_mb", 0) < r * c.get("rss_mb_high", 1500)
                and s.get("loop_lag_ms", 0) < r * c.get("loop_lag_ms_high", 200)
                and all(v < r * c.get("request_latency_ms_high", 2000)
                        for v in (s.get("request_p95_ms") or {}).values()))

    def _back_off(self, reason: str) -> list[str]:
        taken = []
        if self.queue is not None and self.queue.workers > int(self.cfg.get("min_workers", 1)):
            n = self.queue.set_workers(self.queue.workers - 1)
            taken.append(self._log("fewer_workers", f"batch workers -> {n}", reason))
        max_debounce = int(self.cfg.get("max_debounce_ms", 2000))
        if self.debounce_ms < max_debounce:
            self.debounce_ms = min(max_debounce, self.debounce_ms * 2)
            taken.append(self._log("longer_debounce", f"debounce -> {self.debounce_ms} ms", reason))
        sweep = self.scheduler is not None and "review_sweep" in self.scheduler.jobs
        if (not self.sweep_paused and sweep
                and self.scheduler.pause("review_sweep", True, by="tuner").get("ok")):
            self.sweep_paused = True
            taken.append(self._log("pause_sweep", "review sweep paused", reason))
        return taken

    def _recover(self) -> list[str]:
        """Undo one step per calm sample: the inverse order of backing off."""
        reason = "pressure is gone"
        if self.sweep_paused and self.scheduler is not None:
            self.scheduler.pause("review_sweep", False, by="tuner")
            self.sweep_paused = False
            return [self._log("resume_sweep", "review sweep resumed", reason)]
        if self.debounce_ms > self.base_debounce_ms:
            self.debounce_ms = max(self.base_debounce_ms, self.debounce_ms // 2)
            return [self._log("shorter_debounce", f"debounce -> {self.debounce_ms} ms", reason)]
        if self.queue is not None and self.queue.workers < self.base_workers:
            n = self.queue.set_workers(self.queue.workers + 1)
            return [self._log("more_workers", f"batch workers -> {n}", reason)]
        return []

    def _model_hint(self, s: dict[str, Any]) -> list[str]:
        models = s.get("model_latency_ms") or {}
        high = float(self.cfg.get("model_latency_ms_high", 10000))
        slow = any(v >= high for v in models.values())
        if slow and len(models) > 1:
            fastest = min(models, key=lambda m: models[m])
            if models[fastest] < high and fastest != self.prefer_model:
                self.prefer_model = fastest
                return [self._log("prefer_model", f"prefer {fastest}",
                                  f"model latency over {high:.0f} ms")]
        elif not slow and self.prefer_model is not None:
            previous, self.prefer_model = self.prefer_model, None
            return [self._log("clear_model_hint", f"no longer prefer {previous}",
                              "model latency is back to normal")]
        return []

    def _log(self, action: str, detail: str, reason: str) -> str:
        ts = time.time()
        log.info("tuner: %s (%s)", detail, reason)
        self.actions.append({"ts": ts, "action": action, "detail": detail, "reason": reason})
        try:
            with self.db.write() as conn:
                conn.execute("INSERT INTO tuner_actions (ts, action, detail, reason) VALUES (?, ?, ?, ?)",
                             (ts, action, detail, reason))
        except Exception:
            log.exception("could not record a tuner action")
        if self.on_change is not None:
            self.on_change()
        return action

    def status(self) -> dict[str, Any]:
        return {
            "actions": list(self.actions)[-10:],
            "active": {
                "workers": getattr(self.queue, "workers", None),
                "debounce_ms": self.debounce_ms,
                "sweep_paused": self.sweep_paused,
                "prefer_model": self.prefer_model,
            },
        }


def _p95(values: deque[float]) -> float:
    """`statistics.quantiles(data, n=20)[-1]` (its exclusive method) without importing statistics,
    which brings fractions and decimal (~0.5 MB) into a server that is otherwise idle."""
    data = sorted(values)
    if len(data) < 2:
        return data[0]
    n, m = 20, len(data) + 1
    j = min(max(19 * m // n, 1), len(data) - 1)
    delta = 19 * m - j * n
    return (data[j - 1] * (n - delta) + data[j] * delta) / n
