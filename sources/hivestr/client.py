"""The one HTTP client of a Hivestr run: bearer-token auth, and the account's hourly budget shared by every table."""

from __future__ import annotations

import httpx

from sources.http import (
    SYSTEM_CLOCK,
    ApiClient,
    Clock,
    RateLimit,
    RetryPolicy,
    RunStop,
    credential_fingerprint,
    shared_limiter,
)

from . import settings
from .auth import HivestrTokenAuth
from .budget import HourlyBudget, HourlyBudgetTransport, PauseGuard, SentInWindow


def build_client(
    api_key: str,
    api_secret: str,
    base_url: str,
    *,
    requests_per_hour: int = settings.REQUESTS_PER_HOUR,
    max_budget_wait_seconds: float = settings.MAX_BUDGET_WAIT_SECONDS,
    max_attempts: int = settings.MAX_ATTEMPTS,
    max_retry_wait_seconds: float = settings.MAX_RETRY_WAIT_SECONDS,
    read_timeout_seconds: float = settings.READ_TIMEOUT_SECONDS,
    token_renew_margin_seconds: float = settings.TOKEN_RENEW_MARGIN_SECONDS,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = SYSTEM_CLOCK,
    stop: RunStop | None = None,
) -> ApiClient:
    """`transport` replaces the network (httpx.MockTransport in tests); `clock` replaces time (ManualClock)."""
    for name, value in (("api_key", api_key), ("api_secret", api_secret)):
        if not value or not value.strip():
            raise ValueError(f"The Hivestr {name} is empty: set {settings.SETTING_HINTS['credentials']}")
    # The server counts a fixed hourly window, so the whole budget may go out at once; pacing only matters after.
    limit = RateLimit(requests_per_period=requests_per_hour, period_seconds=3600.0, burst=requests_per_hour)
    budget = HourlyBudget(
        # the key's budget at this API (a key at another host, a simulator, is not paced with it)
        shared_limiter(
            credential_fingerprint("hivestr", base_url.rstrip("/"), api_key, str(requests_per_hour)), limit, clock=clock
        ),
        SentInWindow(requests_per_hour),
        max_budget_wait_seconds,
        clock,
        settings.SETTING_HINTS,
    )
    base_url = base_url.rstrip("/")
    return ApiClient(
        base_url,
        limiter=PauseGuard(budget),  # type: ignore[arg-type]  # the part of RateLimiter's interface the client uses
        # The wait for the hourly reset is decided by the transport; this budget is for errors worth retrying.
        retry=RetryPolicy(
            max_attempts=max_attempts,
            max_total_wait=max(max_retry_wait_seconds, max_budget_wait_seconds),
            forbidden_retries=0,  # Hivestr's 403 means a missing permission on the key, not throttling
        ),
        auth=HivestrTokenAuth(
            f"{base_url}/auth/token",
            api_key,
            api_secret,
            renew_margin_seconds=token_renew_margin_seconds,
            clock=clock,
        ),
        secrets=(api_key, api_secret),
        setting_hints=settings.SETTING_HINTS,
        timeout=(10.0, read_timeout_seconds),
        transport=HourlyBudgetTransport(
            transport or httpx.HTTPTransport(limits=httpx.Limits(max_connections=16, max_keepalive_connections=16)),
            budget,
        ),
        clock=clock,
        stop=stop,
    )
