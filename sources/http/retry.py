"""How long to keep trying a request, and how long to wait between tries."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    # Attempts per request, the first one included.
    max_attempts: int = 6
    # Seconds one request may spend waiting between attempts (backoff and Retry-After together); a server
    # asking for more makes the client raise RateLimitExhausted instead of waiting.
    max_total_wait: float = 300.0
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    # Ploomes sometimes answers 403 while it is really throttling, so a few 403s are retried before
    # they are believed.
    forbidden_retries: int = 2

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts counts the first attempt, so it must be at least 1")
        if min(self.max_total_wait, self.backoff_base, self.backoff_cap, self.forbidden_retries) < 0:
            raise ValueError("waits and retry counts cannot be negative")

    def backoff_ceiling(self, retry_number: int) -> float:
        """The longest wait before retry `retry_number` (1 for the first retry): exponential, capped."""
        return min(self.backoff_cap, self.backoff_base * 2 ** (retry_number - 1))

    def backoff(self, retry_number: int, random_fraction: float) -> float:
        """Full jitter: uniform in [0, ceiling), so clients that failed together do not retry together."""
        return random_fraction * self.backoff_ceiling(retry_number)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait for a Retry-After given in seconds or as an HTTP date; None if absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; a date without a zone is read as such
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - now).total_seconds())
