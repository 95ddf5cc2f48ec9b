"""simulators.core.ratelimit: sliding and fixed windows, driven by a fake clock."""

from __future__ import annotations

import pytest

from simulators.core.ratelimit import FixedWindowLimiter, SlidingWindowLimiter, Unlimited


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_sliding_window_refuses_over_the_limit_and_frees_slots_as_they_age():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, window=60, clock=clock)
    decisions = []
    for offset in (0, 10, 20, 30):
        clock.now = 1000 + offset
        decisions.append(limiter.check("k"))
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[3].retry_after == pytest.approx(30.0)  # the first hit (t=1000) leaves the window at t=1060
    assert decisions[3].retry_after_header() == "30"
    clock.now = 1060.0
    assert limiter.check("k").allowed  # exactly one slot came back
    assert not limiter.check("k").allowed


def test_sliding_window_counts_each_key_separately_and_refusals_cost_nothing():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, window=1, clock=clock)
    assert limiter.check("a").allowed
    assert limiter.check("b").allowed
    for _ in range(5):
        assert not limiter.check("a").allowed
    clock.now += 1.0
    assert limiter.check("a").allowed


def test_retry_after_header_rounds_up_and_is_at_least_one_second():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, window=0.2, clock=clock)
    limiter.check("k")
    clock.now += 0.05
    refused = limiter.check("k")
    assert refused.retry_after == pytest.approx(0.15)
    assert refused.retry_after_header() == "1"


def test_fixed_window_resets_on_the_window_boundary_and_retry_after_is_time_to_reset():
    clock = FakeClock(3600 * 10 + 3000)  # 50 minutes into an hour
    limiter = FixedWindowLimiter(2, window=3600, clock=clock)
    assert limiter.check("k").allowed
    assert limiter.check("k").allowed
    refused = limiter.check("k")
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(600.0)
    assert refused.retry_after_header() == "600"
    clock.now = 3600 * 11  # the top of the next hour
    allowed = limiter.check("k")
    assert allowed.allowed and allowed.remaining == 1


def test_reset_forgets_history_and_unlimited_allows_everything():
    clock = FakeClock()
    limiter = FixedWindowLimiter(1, window=60, clock=clock)
    limiter.check("k")
    assert not limiter.check("k").allowed
    limiter.reset()
    assert limiter.check("k").allowed
    assert all(Unlimited().check("k").allowed for _ in range(1000))
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0)
