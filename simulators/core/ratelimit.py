"""Per-key request budgets, answered with 429 by the middleware.

Two shapes exist in the wild: a sliding window (Ploomes: N requests in any 60 s) and a fixed window that resets at
a known instant (Hivestr: N requests per clock hour). Both take an injectable clock so tests can move time instead
of sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int | None
    remaining: int | None
    retry_after: float | None = None  # seconds until a request would be allowed (only when refused)

    def retry_after_header(self) -> str | None:
        # Retry-After takes whole seconds; rounding up never tells a client to come back too early.
        return None if self.retry_after is None else str(max(1, math.ceil(self.retry_after)))


ALLOW_ALL = RateDecision(allowed=True, limit=None, remaining=None)


class RateLimiter(Protocol):
    def check(self, key: str) -> RateDecision: ...

    def reset(self) -> None: ...


class Unlimited:
    """The enterprise plan: every request is allowed."""

    def check(self, key: str) -> RateDecision:
        return ALLOW_ALL

    def reset(self) -> None:
        pass


class SlidingWindowLimiter:
    """At most `limit` requests per key within any `window` seconds; a refused request does not consume budget."""

    def __init__(self, limit: int, window: float = 60.0, clock: Clock = time.monotonic):
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str) -> RateDecision:
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return RateDecision(False, self.limit, 0, retry_after=hits[0] + self.window - now)
            hits.append(now)
            return RateDecision(True, self.limit, self.limit - len(hits))

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class FixedWindowLimiter:
    """At most `limit` requests per key in each window aligned on the clock (e.g. each clock hour).

    Retry-After is the time left until the window resets, which is what "wait for the hourly reset" means.
    """

    def __init__(self, limit: int, window: float = 3600.0, clock: Clock = time.time):
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._used: dict[str, tuple[int, int]] = {}  # key -> (window number, requests used in it)

    def check(self, key: str) -> RateDecision:
        now = self._clock()
        current = math.floor(now / self.window)
        with self._lock:
            number, used = self._used.get(key, (current, 0))
            if number != current:
                used = 0
            if used >= self.limit:
                return RateDecision(False, self.limit, 0, retry_after=(current + 1) * self.window - now)
            self._used[key] = (current, used + 1)
            return RateDecision(True, self.limit, self.limit - used - 1)

    def reset(self) -> None:
        with self._lock:
            self._used.clear()
