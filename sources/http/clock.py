"""Time as a dependency, so rate limiting and backoff can be tested without sleeping."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards; used for spacing and wait budgets."""

    def now(self) -> datetime:
        """The wall-clock time (aware, UTC); used for HTTP-date Retry-After and resume times."""

    def sleep(self, seconds: float, until: threading.Event | None = None) -> None:
        """Wait `seconds`, or less once `until` is set."""


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def sleep(self, seconds: float, until: threading.Event | None = None) -> None:
        if until is None:
            time.sleep(seconds)
        else:
            until.wait(seconds)


SYSTEM_CLOCK = SystemClock()


class ManualClock:
    """A clock whose `sleep` returns at once and moves time forward: for tests and simulations.

    Every sleep is recorded in `sleeps`, so a test can assert exactly how long the code would have waited.
    """

    def __init__(self, start: datetime = datetime(2024, 1, 1, tzinfo=timezone.utc)) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware start datetime")
        self._start = start
        self._elapsed = 0.0
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed)

    def sleep(self, seconds: float, until: threading.Event | None = None) -> None:
        if until is not None and until.is_set():
            return
        with self._lock:
            self.sleeps.append(seconds)
            self._elapsed += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        """Let time pass without recording a sleep (as if the program were busy elsewhere)."""
        with self._lock:
            self._elapsed += seconds
