"""The two tables that bound settings: which keys only the user may set, and every numeric range.

Both are declared here, once; config.py applies them while loading each layer, and
tests/unit/config/test_rules_documented.py keeps config/default.yaml's comments in step with them.
Patterns are dotted paths; `*` matches one segment (a provider, a job or a retention kind).
The size limits of a settings value (depth, values) live here too, so that checking the editor's
settings does not import PyYAML (config_yaml.py applies the same limits to files).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 32  # the deepest setting is 5 levels down
MAX_NODES = 50_000  # values, counting each alias as a full copy of what it names

# Settings that grant trust, allow the cloud, weaken redaction or encryption, name endpoints or key
# variables, move data, change bind addresses, read files into prompts, or spend money. A workspace's
# .zombiecoder.yaml is data from whoever wrote the repo: these come only from the user's own config
# file and the editor (VS Code's restricted mode is the model).
USER_ONLY: dict[str, str] = {
    "trust": "grants trust (runs the workspace's code)",
    "privacy": "decides what may leave the machine and how it is redacted",
    "providers.*.enabled": "decides which providers receive code",
    "providers.*.host": "names an endpoint that receives code",
    "providers.*.hosts": "names endpoints that receive code",
    "providers.*.base_url": "names an endpoint that receives code",
    "providers.*.api_key_env": "names an environment variable that is sent as a key",
    "memory.path": "moves the data folder",
    "memory.in_workspace": "moves the data folder",
    "memory.encryption": "weakens encryption at rest",
    "dashboard": "changes a bind address or port",
    "prompts": "reads files into prompts and rewrites the instructions to models",
    "router.budgets": "spends the user's money",
    "router.prices": "spends the user's money",
}


@dataclass(frozen=True)
class Range:
    """Inclusive bounds of one numeric setting."""

    lo: float
    hi: float

    def doc(self) -> str:
        """How default.yaml writes it: `[1..32]`."""
        return f"[{_num(self.lo)}..{_num(self.hi)}]"

    def clamp(self, value: float) -> float:
        return min(max(value, self.lo), self.hi)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


DAY = 86_400
RANGES: dict[str, Range] = {
    "diagnostics.debounce_ms": Range(0, 10_000),
    "diagnostics.max_file_bytes": Range(1_000, 50_000_000),
    "diagnostics.max_review_files": Range(1, 1_000_000),
    "diagnostics.engine_timeout_s": Range(1, 3_600),
    "tests.timeout_s": Range(1, DAY),
    "tests.max_output_bytes": Range(1_000, 100_000_000),
    "memory.busy_timeout_ms": Range(100, 600_000),
    "memory.encrypted_scan_limit": Range(1, 1_000_000),
    "memory.tasks_max_age_days": Range(1, 3_650),
    "memory.retention.*.max_items": Range(1, 10_000_000),
    "memory.retention.*.max_age_days": Range(1, 36_500),
    "providers.*.connect_timeout_s": Range(0.1, 300),
    "providers.*.first_token_timeout_s": Range(1, 3_600),
    "providers.*.total_timeout_s": Range(1, DAY),
    "router.max_tokens": Range(1, 1_000_000),
    "router.retries": Range(0, 10),
    "router.backoff_s": Range(0.05, 60),
    "router.breaker_failures": Range(1, 100),
    "router.breaker_reset_s": Range(1, DAY),
    "router.budgets.*": Range(0, 1_000_000),
    "background.batch_workers": Range(1, 32),
    "background.queue_cap": Range(1, 100_000),
    "background.job_timeout_s": Range(1, DAY),
    "background.job_retries": Range(0, 10),
    "background.retry_backoff_s": Range(0.1, 3_600),
    "background.max_result_bytes": Range(1_000, 1_000_000_000),
    "background.jobs.*.interval_s": Range(1, 7 * DAY),
    "background.jobs.*.idle_s": Range(0, DAY),
    "background.jobs.*.max_mb": Range(1, 10_000),
    "background.jobs.*.keep": Range(1, 100),
    "tuner.interval_s": Range(1, 3_600),
    "tuner.cpu_percent_high": Range(1, 6_400),
    "tuner.rss_mb_high": Range(50, 1_000_000),
    "tuner.loop_lag_ms_high": Range(10, 60_000),
    "tuner.min_workers": Range(1, 32),
    "tuner.max_debounce_ms": Range(0, 60_000),
    "tuner.request_latency_ms_high": Range(10, 600_000),
    "tuner.model_latency_ms_high": Range(10, 600_000),
    "tuner.calm_ratio": Range(0.05, 1.0),
    "tuner.calm_samples": Range(1, 1_000),
    "repair.max_rounds": Range(1, 200),
    "repair.model_max_functions": Range(0, 100),
    "alerts.escalate_after": Range(1, 1_000),
    "alerts.escalate_after_s": Range(1, 7 * DAY),
    "alerts.cpu_percent": Range(1, 6_400),
    "alerts.rss_mb": Range(50, 1_000_000),
    "alerts.loop_lag_ms": Range(10, 60_000),
    "alerts.queue_backlog": Range(1, 100_000),
    "alerts.budget_ratio": Range(0.01, 1.0),
    "status.min_interval_s": Range(0.05, 60),
    "completion.debounce_ms": Range(0, 2_000),
    "completion.max_tokens": Range(1, 1_024),
    "completion.cache_size": Range(0, 10_000),
    "speech.gtts_timeout_s": Range(0.5, 60),
    "speech.max_chars": Range(1, 1_000_000),
    "speech.keep_files": Range(0, 10_000),
    "dashboard.port": Range(1, 65_535),
}


def _matches(pattern: str, path: str, *, prefix: bool) -> bool:
    """Does `pattern` name `path` (or, with prefix, a mapping that contains it)?"""
    want, have = pattern.split("."), path.split(".")
    if len(have) < len(want) or (not prefix and len(have) != len(want)):
        return False
    return all(w in ("*", h) for w, h in zip(want, have, strict=False))


def user_only(path: str) -> str | None:
    """Why `path` may only come from the user (None: a workspace may set it)."""
    for pattern, why in USER_ONLY.items():
        if _matches(pattern, path, prefix=True):
            return why
    return None


def range_for(path: str) -> Range | None:
    for pattern, bounds in RANGES.items():
        if _matches(pattern, path, prefix=False):
            return bounds
    return None


def bound(path: str, value: float, default: float | None, integer: bool) -> tuple[float | None, str | None]:
    """(value to use, problem) for one number. Out of range: the nearest bound; NaN: the default."""
    bounds = range_for(path)
    if math.isnan(value):
        shown = "the default" if default is None else _num(default)
        return default, f"is not a number; allowed {bounds.doc() if bounds else 'a number'}; using {shown}"
    if bounds is None:
        if math.isinf(value):
            return default, f"must be finite; using {'the default' if default is None else _num(default)}"
        return (int(value) if integer else value), None
    if bounds.lo <= value <= bounds.hi:
        if integer and not float(value).is_integer():
            return default, f"must be a whole number in {bounds.doc()}, got {value!r}"
        return (int(value) if integer else float(value)), None
    near = bounds.clamp(value)
    near = int(near) if integer and float(near).is_integer() else float(near)
    return near, f"is {value!r}, outside the allowed range {bounds.doc()}; using {_num(near)}"


def bounded(value: Any, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> str | None:
    """Why an already-parsed value (editor settings) is too deep or too big; None if it is fine."""
    count = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if depth > max_depth:
            return f"nested deeper than {max_depth} levels"
        if count > max_nodes:
            return f"more than {max_nodes:,} values"
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)
    return None
