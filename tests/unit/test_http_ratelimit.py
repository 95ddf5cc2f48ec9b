"""RateLimiter pacing is checked by counting reservations against a fake clock, never by timing."""

import threading

import pytest

from sources.http import (
    LimiterRegistry,
    ManualClock,
    RateLimit,
    RateLimiter,
    credential_fingerprint,
    shared_limiter,
)

PLOOMES = RateLimit(requests_per_period=120, period_seconds=60, burst=1)
HIVESTR = RateLimit(requests_per_period=1000, period_seconds=3600, burst=1000)


class FrozenClock(ManualClock):
    """Time stands still: every acquire is computed at t=0, so waits reveal each caller's reserved slot."""

    def sleep(self, seconds: float, until=None) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_interval_includes_the_safety_margin():
    assert PLOOMES.interval_seconds == pytest.approx(0.5 * 1.05)
    assert RateLimit(120, 60, safety_margin=0).interval_seconds == pytest.approx(0.5)


def test_burst_one_spaces_every_start_evenly():
    clock = ManualClock()
    limiter = RateLimiter(PLOOMES, clock=clock)

    waits = [limiter.acquire() for _ in range(10)]

    assert waits[0] == 0
    assert waits[1:] == pytest.approx([0.525] * 9)
    assert clock.sleeps == pytest.approx([0.525] * 9)
    assert limiter.waited_seconds == pytest.approx(9 * 0.525)


def test_a_minute_of_back_to_back_calls_stays_under_the_per_minute_limit():
    clock = ManualClock()
    limiter = RateLimiter(PLOOMES, clock=clock)

    starts = []
    while clock.monotonic() < 60:
        limiter.acquire()
        starts.append(clock.monotonic())

    in_first_minute = [start for start in starts if start < 60]
    # Starts at 0, 0.525, ... < 60: 115 of them, five short of the 120 allowed thanks to the margin.
    assert len(in_first_minute) == 115


def test_a_quiet_spell_does_not_allow_a_burst_when_burst_is_one():
    clock = ManualClock()
    limiter = RateLimiter(PLOOMES, clock=clock)
    limiter.acquire()
    clock.advance(30)

    waits = [limiter.acquire() for _ in range(3)]

    assert waits == pytest.approx([0, 0.525, 0.525])


def test_burst_equal_to_budget_lets_the_whole_budget_start_at_once_then_paces():
    clock = ManualClock()
    limiter = RateLimiter(HIVESTR, clock=clock)

    immediate = [limiter.acquire() for _ in range(1000)]
    next_wait = limiter.acquire()

    assert immediate == [0] * 1000
    assert next_wait == pytest.approx(3.6 * 1.05)


def test_burst_refills_after_the_period():
    clock = ManualClock()
    limiter = RateLimiter(HIVESTR, clock=clock)
    for _ in range(1000):
        limiter.acquire()

    clock.advance(1000 * HIVESTR.interval_seconds)

    assert [limiter.acquire() for _ in range(1000)] == [0] * 1000
    assert limiter.acquire() > 0


def test_pause_holds_back_the_next_start_and_then_expires():
    clock = ManualClock()
    limiter = RateLimiter(PLOOMES, clock=clock)
    limiter.pause_for(5)
    limiter.pause_for(2)  # a shorter pause does not cut the longer one

    assert limiter.pause_remaining() == pytest.approx(5)
    assert limiter.acquire() == pytest.approx(5)
    assert limiter.pause_remaining() == 0
    assert limiter.acquire() == pytest.approx(0.525)


def test_concurrent_callers_each_get_a_distinct_slot():
    clock = FrozenClock()
    limiter = RateLimiter(PLOOMES, clock=clock)
    waits: list[float] = []
    waits_lock = threading.Lock()

    def worker():
        for _ in range(25):
            wait = limiter.acquire()
            with waits_lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == pytest.approx([slot * 0.525 for slot in range(16 * 25)])
    assert limiter.waited_seconds == pytest.approx(sum(waits))


@pytest.mark.parametrize(
    "arguments",
    [
        {"requests_per_period": 0, "period_seconds": 60},
        {"requests_per_period": 10, "period_seconds": 0},
        {"requests_per_period": 10, "period_seconds": 60, "burst": 0},
        {"requests_per_period": 10, "period_seconds": 60, "burst": 11},
        {"requests_per_period": 10, "period_seconds": 60, "safety_margin": 1.0},
    ],
)
def test_invalid_rate_limits_are_rejected(arguments):
    with pytest.raises(ValueError):
        RateLimit(**arguments)


def test_fingerprint_is_a_sha256_that_hides_the_key_and_depends_on_the_scope():
    fingerprint = credential_fingerprint("ploomes", "my-secret-key")

    assert len(fingerprint) == 64
    assert "my-secret-key" not in fingerprint
    assert fingerprint == credential_fingerprint("ploomes", "my-secret-key")
    assert fingerprint != credential_fingerprint("hivestr", "my-secret-key")


def test_registry_gives_one_limiter_per_credential():
    registry = LimiterRegistry()
    first_key = credential_fingerprint("ploomes", "key-one")

    same = registry.get(first_key, PLOOMES)
    again = registry.get(first_key, PLOOMES)
    other = registry.get(credential_fingerprint("ploomes", "key-two"), PLOOMES)

    assert same is again
    assert other is not same


def test_registry_refuses_a_second_pace_for_the_same_credential():
    registry = LimiterRegistry()
    fingerprint = credential_fingerprint("ploomes", "key-one")
    registry.get(fingerprint, PLOOMES)

    with pytest.raises(ValueError, match="already has a limiter"):
        registry.get(fingerprint, RateLimit(60, 60))


def test_registry_refuses_a_raw_credential_as_key():
    with pytest.raises(ValueError, match="credential_fingerprint"):
        LimiterRegistry().get("my-raw-api-key", PLOOMES)


def test_shared_limiter_is_process_wide():
    fingerprint = credential_fingerprint("test_http_ratelimit", "shared-key")

    assert shared_limiter(fingerprint, PLOOMES) is shared_limiter(fingerprint, PLOOMES)
