"""How long a review waits after a change: adaptive, never longer than `diagnostics.debounce_ms`.

Why: a fixed 300 ms debounce made every edit wait 300 ms for engines that take 20-40 ms, so the
diagnostics trailed the typing by a third of a second. The wait now follows two things measured
per document:

- the engines: about half of what the recent reviews of this document took (a moving average),
  so a slow one is not restarted on every keystroke; a review under `CHEAP_REVIEW_MS` (the
  incremental one of a large module takes ~15 ms) does not wait at all, since restarting it costs
  little and every ms of waiting is latency the user sees. It still starts only on the loop's next
  turn, after the transport has handled every frame it had already read: changes the client sent
  together (a format-on-type, a multi-cursor edit) are applied first and land in one review;
- the typing: while changes arrive quicker than the upper bound apart, the user is in a burst and
  the review waits 1.5x their recent gap between changes, so it rarely starts mid-word (and when
  it does, the next change cancels it).

The result lies between `floor_ms` and the upper bound the caller gives (the config value, or the
tuner's longer one under load). Pure bookkeeping on the loop: a few dict operations per change.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

ENGINE_SHARE = 0.5  # wait this share of a typical review before starting the next one
TYPING_FACTOR = 1.5  # a pause this many times the user's recent gap between changes ends a burst
SMOOTHING = 0.3  # weight of the newest sample in the moving averages
UNKNOWN_REVIEW_MS = 40.0  # before the first review of any document: about ruff on a large module
CHEAP_REVIEW_MS = 50.0  # reviews this quick start after the floor alone (unless the user is typing a burst)
# The deep pass (taint engine, bandit) starts only after a pause this long: its parse holds the GIL
# ~50 ms on a large module and cannot be interrupted, so a user who types, thinks half a second and
# types again must not start (and cancel) one each time.
DEEP_PAUSE_MS = 1000


@dataclass
class ReviewPacing:
    """Per-document review durations and typing rhythm; `clock` is injectable for tests (seconds)."""

    floor_ms: float = 0.0  # a wait every review pays; 0: see "does not wait at all" above
    clock: Callable[[], float] = time.monotonic
    _review_ms: dict[str, float] = field(default_factory=dict)
    _last_change: dict[str, float] = field(default_factory=dict)
    _gap_ms: dict[str, float] = field(default_factory=dict)
    _any_review_ms: float | None = None

    def on_change(self, uri: str, upper_ms: float) -> float:
        """Record a change of `uri` now and return how long its review should wait (ms)."""
        now = self.clock()
        previous = self._last_change.get(uri)
        self._last_change[uri] = now
        typing_ms = 0.0
        if previous is not None and (gap := (now - previous) * 1000) < upper_ms:
            smoothed = self._gap_ms.get(uri)
            smoothed = gap if smoothed is None else smoothed + SMOOTHING * (gap - smoothed)
            self._gap_ms[uri] = smoothed
            typing_ms = TYPING_FACTOR * smoothed
        else:
            self._gap_ms.pop(uri, None)  # a pause: the next burst measures its own rhythm
        return self.delay_ms(uri, upper_ms, typing_ms)

    def delay_ms(self, uri: str, upper_ms: float, typing_ms: float = 0.0) -> float:
        review = self._review_ms.get(uri, self._any_review_ms or UNKNOWN_REVIEW_MS)
        engines_ms = ENGINE_SHARE * review if review > CHEAP_REVIEW_MS else 0.0
        wanted = max(self.floor_ms, engines_ms, typing_ms)
        return max(0.0, min(float(upper_ms), wanted))

    def record_review(self, uri: str, duration_ms: float) -> None:
        """A review of `uri` after a change finished in `duration_ms` (engines and conversion, not the
        wait). Reviews on open and save are not recorded: they run cold engines and the full analysis."""
        smoothed = self._review_ms.get(uri)
        self._review_ms[uri] = duration_ms if smoothed is None else smoothed + SMOOTHING * (duration_ms - smoothed)
        self._any_review_ms = self._review_ms[uri]

    def forget(self, uri: str) -> None:
        """The document closed: drop what was measured for it."""
        self._review_ms.pop(uri, None)
        self._last_change.pop(uri, None)
        self._gap_ms.pop(uri, None)

    def tracked(self) -> set[str]:
        return set(self._review_ms) | set(self._last_change) | set(self._gap_ms)
