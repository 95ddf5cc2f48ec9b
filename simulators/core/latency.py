"""How long a response takes: a fixed cost per request, a cost per row returned, and seeded jitter."""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class LatencySettings:
    per_request: float = 0.0  # seconds before the handler runs
    per_row: float = 0.0  # seconds per row in the response, spent after the handler (it has to count them first)
    jitter: float = 0.0  # up to this many extra seconds, uniformly drawn
    seed: int = 0


class LatencyModel:
    def __init__(self, settings: LatencySettings | None = None):
        self.settings = settings or LatencySettings()
        self._rng = random.Random(self.settings.seed)
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        s = self.settings
        return s.per_request > 0 or s.per_row > 0 or s.jitter > 0

    def before_handler(self) -> float:
        jitter = 0.0
        if self.settings.jitter > 0:
            with self._lock:
                jitter = self._rng.uniform(0.0, self.settings.jitter)
        return self.settings.per_request + jitter

    def after_handler(self, rows: int) -> float:
        return self.settings.per_row * max(rows, 0)

    @staticmethod
    async def sleep(seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)
