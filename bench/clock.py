"""Scaled time, shared by a simulator and the connector it serves, so an hourly budget can be benchmarked in seconds.

Both sides read the same formula (scaled = scaled_start + (real - real_start) * factor) and the connector's sleeps
are divided by the factor, so a Retry-After of 1,800 s, a token's hour and the budget's window all shrink alike.
`scaled_start` is a whole hour, so the simulator's first clock-hour window is a full one.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from sources.http.clock import SYSTEM_CLOCK


@dataclass(frozen=True)
class ScaledTime:
    factor: float
    real_start: float
    scaled_start: float

    @classmethod
    def starting_now(cls, factor: float) -> ScaledTime:
        now = time.time()
        return cls(factor, now, now // 3600 * 3600)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def epoch(self) -> float:
        """Scaled seconds since the Unix epoch (the simulators' clock)."""
        return self.scaled_start + (time.time() - self.real_start) * self.factor


class ScaledClock:
    """sources.http.Clock on scaled time."""

    def __init__(self, scaled: ScaledTime):
        self._scaled = scaled

    def monotonic(self) -> float:
        return time.monotonic() * self._scaled.factor

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._scaled.epoch(), timezone.utc)

    def sleep(self, seconds: float, until: threading.Event | None = None) -> None:
        if seconds > 0:
            SYSTEM_CLOCK.sleep(seconds / self._scaled.factor, until)
