"""Hivestr's 429: the account's hourly request budget is spent, and it comes back only when the hour resets.

The API documents no header saying when that is, so a 429 is read as "wait up to an hour" unless the response
says otherwise (Retry-After, or a RateLimit-Reset / X-RateLimit-Reset header). The transport decides once, for every
table: if the reset is within `max_wait_seconds` the ApiClient sleeps it out (the response gets a Retry-After);
beyond that the request fails with RateLimitExhausted(resume_at), which the source turns into a clean stop. Either
way the shared limiter is paused, so the other threads stop spending requests that would only be refused; and
`PauseGuard` makes sure that a request already on its way (one waiting for a token, say) fails rather than sleeps out
an hour-long pause in the limiter.

The window's start is not known either, so a run cannot tell when its own requests have spent it: `SentInWindow`
counts them, and once they reach the plan's budget the next request goes out alone, as a probe, while the others wait
for its answer. A 429 then costs one refused request per reset, not one per thread in flight.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from sources.http import Clock, RateLimit, RateLimiter, extract_api_message, parse_retry_after
from sources.http.errors import rate_limit_exhausted
from sources.http.stop import POLL_SECONDS

HOUR_SECONDS = 3600.0
_RESET_HEADERS = ("RateLimit-Reset", "X-RateLimit-Reset")
# A reset header above this is a Unix time, below it a number of seconds.
_EPOCH_THRESHOLD = 1_000_000_000


class SentInWindow:
    """Requests this run sent since the budget last reset, as far as it can tell; past the budget, one at a time."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._sent = 0
        self._probe_out = False
        self._changed = threading.Condition()
        self._probing = threading.local()  # whether this thread's request is the probe

    def before_send(self, until: threading.Event | None = None) -> bool:
        """Count a request about to go out, once it may (False, counting nothing, when `until` was set first)."""
        with self._changed:
            while self._sent >= self._budget and self._probe_out:
                if until is not None and until.is_set():
                    return False
                self._changed.wait(POLL_SECONDS)  # a run's stop does not notify this condition
            self._sent += 1
            probe = self._sent > self._budget
            self._probe_out = self._probe_out or probe
        self._probing.active = probe
        return True

    def answered(self, *, refused: bool) -> None:
        with self._changed:
            if refused:
                self._sent = 0  # the 429's pause ends at the reset: a new window starts then
            elif getattr(self._probing, "active", False):
                self._sent = 1  # the window had already reset, at a time unknown: count from here
            self._settle_probe()

    def not_sent(self) -> None:
        with self._changed:
            self._sent -= 1
            self._settle_probe()

    def _settle_probe(self) -> None:
        if getattr(self._probing, "active", False):
            self._probing.active = False
            self._probe_out = False
            self._changed.notify_all()


@dataclass(frozen=True)
class HourlyBudget:
    """What the transport and the guard share: the account's limiter, this run's count, how long a run may wait."""

    limiter: RateLimiter
    window: SentInWindow
    max_wait_seconds: float
    clock: Clock
    hints: dict[str, str]


class HourlyBudgetTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, budget: HourlyBudget) -> None:
        self._inner = inner
        self._budget = budget

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        refused = False
        try:
            response = self._inner.handle_request(request)
            refused = response.status_code == 429
            if refused:
                self._pause_until_reset(request, response)
            return response
        finally:
            self._budget.window.answered(refused=refused)

    def _pause_until_reset(self, request: httpx.Request, response: httpx.Response) -> None:
        now = self._budget.clock.now()
        wait = seconds_until_reset(response.headers, now)
        self._budget.limiter.pause_for(wait)
        if wait > self._budget.max_wait_seconds:
            response.read()
            response.close()
            raise rate_limit_exhausted(
                f"{request.method} {request.url}",
                f"the hourly request budget is spent and resets in about {wait / 60:.0f} min, "
                f"longer than the {self._budget.max_wait_seconds:.0f} s a run may wait",
                resume_at=now + timedelta(seconds=wait),
                hints=self._budget.hints,
                api_message=extract_api_message(response),
            )
        response.headers["Retry-After"] = str(math.ceil(wait))

    def close(self) -> None:
        self._inner.close()


class PauseGuard:
    """The account's shared limiter as the ApiClient sees it, except that `acquire` refuses to wait out a pause
    longer than the run may wait: the ApiClient checks the pause before sending, but a request past that check (an
    auth flow's token request, a thread that was already queued) would otherwise sleep until the reset.
    """

    def __init__(self, budget: HourlyBudget) -> None:
        self._budget = budget

    @property
    def limit(self) -> RateLimit:
        return self._budget.limiter.limit

    @property
    def waited_seconds(self) -> float:
        return self._budget.limiter.waited_seconds

    def acquire(self, until: threading.Event | None = None) -> float:
        if not self._budget.window.before_send(until):  # may wait for a probe's answer, which may set a pause
            return 0.0  # the run stopped meanwhile: the ApiClient sends nothing
        pause = self._budget.limiter.pause_remaining()
        if pause > self._budget.max_wait_seconds:
            self._budget.window.not_sent()
            raise rate_limit_exhausted(
                "a Hivestr request",
                f"not sent: the hourly request budget is spent and resets in about {pause / 60:.0f} min",
                resume_at=self._budget.clock.now() + timedelta(seconds=pause),
                hints=self._budget.hints,
            )
        return self._budget.limiter.acquire(until)

    def pause_for(self, seconds: float) -> None:
        self._budget.limiter.pause_for(seconds)

    def pause_remaining(self) -> float:
        return self._budget.limiter.pause_remaining()


def seconds_until_reset(headers: httpx.Headers, now: datetime) -> float:
    """Seconds until the budget resets, as the response tells it; a full hour when it does not."""
    retry_after = parse_retry_after(headers.get("Retry-After"), now)
    if retry_after is not None:
        return retry_after
    for name in _RESET_HEADERS:
        try:
            value = float(headers.get(name, ""))
        except ValueError:
            continue
        if not math.isfinite(value):
            continue
        return max(0.0, value - now.timestamp() if value > _EPOCH_THRESHOLD else value)
    return HOUR_SECONDS
