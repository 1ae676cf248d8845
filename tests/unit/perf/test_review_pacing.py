"""The wait before a review adapts to the engines and the typing, within the configured bound."""

from __future__ import annotations

from zc_lsp.handlers.review_pacing import ReviewPacing

URI = "file:///ws/mod.py"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance_ms(self, ms: float) -> None:
        self.now += ms / 1000


def test_wait_is_short_after_fast_reviews_and_longer_after_slow_ones() -> None:
    clock = FakeClock()
    pacing = ReviewPacing(clock=clock)
    pacing.record_review(URI, 20)
    fast = pacing.on_change(URI, upper_ms=300)
    assert fast <= 20  # about half a 20 ms review, far below the 300 ms bound
    slow = ReviewPacing(clock=clock)
    for _ in range(5):
        slow.record_review(URI, 800)
    clock.advance_ms(1000)
    assert slow.on_change(URI, upper_ms=300) == 300  # slow engines: the whole bound
    assert slow.on_change("file:///ws/other.py", upper_ms=1000) > fast  # another document starts from the last review


def test_quick_typing_lengthens_the_wait_and_a_pause_resets_it() -> None:
    clock = FakeClock()
    pacing = ReviewPacing(clock=clock)
    pacing.record_review(URI, 10)
    isolated = pacing.on_change(URI, upper_ms=300)
    waits = []
    for _ in range(6):  # a burst: a change every 120 ms
        clock.advance_ms(120)
        waits.append(pacing.on_change(URI, upper_ms=300))
    assert all(w > isolated for w in waits)
    assert 150 <= waits[-1] <= 300  # 1.5x the 120 ms rhythm, within the bound
    clock.advance_ms(2000)  # the user paused
    assert pacing.on_change(URI, upper_ms=300) == isolated


def test_the_configured_debounce_is_an_upper_bound() -> None:
    clock = FakeClock()
    pacing = ReviewPacing(clock=clock)
    pacing.record_review(URI, 5_000)
    assert pacing.on_change(URI, upper_ms=120) == 120
    clock.advance_ms(10)
    assert pacing.on_change(URI, upper_ms=50) == 50


def test_forget_releases_what_was_measured_for_a_closed_document() -> None:
    pacing = ReviewPacing(clock=FakeClock())
    pacing.record_review(URI, 30)
    pacing.on_change(URI, upper_ms=300)
    pacing.forget(URI)
    assert URI not in pacing.tracked()
