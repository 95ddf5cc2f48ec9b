"""Per-client counters for the run summary."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class ClientStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests_sent = 0
        self._retries = 0
        self._network_errors = 0
        self._limiter_wait_seconds = 0.0
        self._limiter_wall_wait_seconds = 0.0
        self._limiter_waiting_until = float("-inf")
        self._retry_wait_seconds = 0.0
        self._responses_by_status: Counter[int] = Counter()
        self._responses_timed = 0
        self._response_seconds = 0.0

    def record_request(self, limiter_wait_seconds: float, granted_at: float | None = None) -> None:
        """`granted_at`: when the limiter let the request go (monotonic seconds), so that waits of concurrent
        requests count once on the wall clock."""
        with self._lock:
            self._requests_sent += 1
            self._limiter_wait_seconds += limiter_wait_seconds
            if granted_at is not None and limiter_wait_seconds > 0:
                # The limiter grants slots in the order it was asked for them: a wait adds what lies past the last
                started = granted_at - limiter_wait_seconds
                self._limiter_wall_wait_seconds += max(0.0, granted_at - max(started, self._limiter_waiting_until))
                self._limiter_waiting_until = max(self._limiter_waiting_until, granted_at)

    def record_response(self, status_code: int, latency_seconds: float | None = None) -> None:
        with self._lock:
            self._responses_by_status[status_code] += 1
            if latency_seconds is not None:
                self._responses_timed += 1
                self._response_seconds += latency_seconds

    @property
    def mean_latency_seconds(self) -> float | None:
        """Mean time from a request's start (after the rate limiter let it go) to its response's headers."""
        with self._lock:
            return self._response_seconds / self._responses_timed if self._responses_timed else None

    def record_network_error(self) -> None:
        with self._lock:
            self._network_errors += 1

    def record_retry(self, wait_seconds: float) -> None:
        with self._lock:
            self._retries += 1
            self._retry_wait_seconds += wait_seconds

    def snapshot(self) -> dict[str, Any]:
        """A consistent copy: requests_sent counts every attempt, including ones an auth flow resent."""
        with self._lock:
            return {
                "requests_sent": self._requests_sent,
                "retries": self._retries,
                "network_errors": self._network_errors,
                "limiter_wait_seconds": self._limiter_wait_seconds,  # summed over concurrent requests
                "limiter_wall_wait_seconds": self._limiter_wall_wait_seconds,  # time some request was waiting
                "retry_wait_seconds": self._retry_wait_seconds,
                "responses_by_status": dict(self._responses_by_status),
            }
