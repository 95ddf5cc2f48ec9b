"""Request pacing shared by every thread and client that uses the same API credential.

The APIs limit requests per account, not per connection or table, so one RateLimiter exists per
credential: `shared_limiter(credential_fingerprint("ploomes", api_key), ...)` returns the same instance
to every caller with that fingerprint.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass

from sources.http.clock import SYSTEM_CLOCK, Clock

DEFAULT_SAFETY_MARGIN = 0.05
_NEGLIGIBLE_SECONDS = 1e-6
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class RateLimit:
    requests_per_period: int
    period_seconds: float
    # Requests that may start back to back after a quiet spell; 1 spaces every start evenly.
    burst: int = 1
    # Fraction by which each interval is stretched, so that timer jitter and the server's own clock never
    # make a client pacing exactly at the limit look like it exceeded a sliding window.
    safety_margin: float = DEFAULT_SAFETY_MARGIN

    def __post_init__(self) -> None:
        if self.requests_per_period < 1 or self.period_seconds <= 0:
            raise ValueError("a rate limit needs at least one request per positive period")
        if not 1 <= self.burst <= self.requests_per_period:
            raise ValueError("burst must be between 1 and requests_per_period")
        if not 0 <= self.safety_margin < 1:
            raise ValueError("safety_margin is a fraction between 0 and 1")

    @property
    def interval_seconds(self) -> float:
        return self.period_seconds / self.requests_per_period * (1 + self.safety_margin)


class RateLimiter:
    """A GCRA (virtual-scheduling token bucket): thread-safe, fair in call order, sleeps without the lock.

    Each caller reserves the next start slot under the lock and then sleeps until it, so concurrent threads
    queue up instead of racing. `pause_for` holds every caller back after the server asked to wait.
    """

    def __init__(self, limit: RateLimit, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.limit = limit
        self._clock = clock
        self._interval = limit.interval_seconds
        self._tolerance = (limit.burst - 1) * self._interval
        self._lock = threading.Lock()
        self._theoretical_arrival = float("-inf")
        self._paused_until = float("-inf")
        self._waited_seconds = 0.0

    def acquire(self, until: threading.Event | None = None) -> float:
        """Block until a request may start, or `until` is set; returns the seconds this call waited."""
        with self._lock:
            now = self._clock.monotonic()
            earliest = max(now, self._paused_until)
            theoretical_arrival = max(self._theoretical_arrival, earliest)
            start = max(theoretical_arrival - self._tolerance, earliest)
            self._theoretical_arrival = theoretical_arrival + self._interval
            # Summing float intervals leaves rounding residue; a sub-microsecond "wait" is no wait.
            wait = start - now if start - now > _NEGLIGIBLE_SECONDS else 0.0
            self._waited_seconds += wait
        if wait > 0:
            self._clock.sleep(wait, until=until)
        return wait

    def pause_for(self, seconds: float) -> None:
        """Start no request for `seconds` from now (a longer pause already in force is kept)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)

    def pause_remaining(self) -> float:
        with self._lock:
            return max(0.0, self._paused_until - self._clock.monotonic())

    @property
    def waited_seconds(self) -> float:
        """Total seconds callers have spent waiting for a slot, for the run summary."""
        with self._lock:
            return self._waited_seconds


def credential_fingerprint(*parts: str) -> str:
    """A stable sha256 of e.g. ("ploomes", api_key), so limiters are keyed without keeping the key."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class LimiterRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}

    def get(self, fingerprint: str, limit: RateLimit, *, clock: Clock = SYSTEM_CLOCK) -> RateLimiter:
        """The limiter for this credential, created on first use with `limit` and `clock`."""
        if not _FINGERPRINT.fullmatch(fingerprint):
            raise ValueError("pass credential_fingerprint(...), not the credential itself")
        with self._lock:
            limiter = self._limiters.get(fingerprint)
            if limiter is None:
                limiter = self._limiters[fingerprint] = RateLimiter(limit, clock=clock)
            elif limiter.limit != limit:
                # Two paces for one account would let the faster one spend the other's budget.
                raise ValueError(f"this credential already has a limiter with {limiter.limit}, not {limit}")
            return limiter


_DEFAULT_REGISTRY = LimiterRegistry()


def shared_limiter(fingerprint: str, limit: RateLimit, *, clock: Clock = SYSTEM_CLOCK) -> RateLimiter:
    """The process-wide limiter for this credential fingerprint."""
    return _DEFAULT_REGISTRY.get(fingerprint, limit, clock=clock)
