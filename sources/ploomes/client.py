"""The one HTTP client of a Ploomes run: User-Key auth, and the account's rate limit shared by every table."""

from __future__ import annotations

import httpx

from sources.http import ApiClient, RateLimit, RetryPolicy, RunStop, credential_fingerprint, shared_limiter

from . import settings


def build_client(
    api_key: str,
    base_url: str,
    rate_limit_per_minute: int,
    *,
    max_attempts: int = 6,
    max_retry_wait_seconds: float = 300.0,
    read_timeout_seconds: float = settings.READ_TIMEOUT_SECONDS,
    transport: httpx.BaseTransport | None = None,
    stop: RunStop | None = None,
) -> ApiClient:
    if not api_key or not api_key.strip():
        raise ValueError(
            f"The Ploomes API key is empty: set {settings.SETTING_HINTS['credentials']} "
            "(Ploomes > Administração > Usuários de integração)"
        )
    limiter = shared_limiter(
        # A limit is the key's at one API: the same key at another host (a simulator, a regional API) is not paced
        # with it, and accounts loading at once (--all-accounts) share a limiter only if they share a key.
        credential_fingerprint("ploomes", base_url, api_key, str(rate_limit_per_minute)),
        # Evenly spaced starts, 2% under the limit: enough slack for network jitter against Ploomes' sliding
        # minute, while the default 5% would leave budget unused.
        RateLimit(requests_per_period=rate_limit_per_minute, period_seconds=60.0, burst=1, safety_margin=0.02),
    )
    hints = {
        **settings.SETTING_HINTS,
        "rate_limit": "sources.ploomes.max_retry_wait_seconds",
        "retry": "sources.ploomes.max_attempts",
    }
    return ApiClient(
        base_url,
        limiter=limiter,
        retry=RetryPolicy(max_attempts=max_attempts, max_total_wait=max_retry_wait_seconds),
        headers={"User-Key": api_key},
        setting_hints=hints,
        max_connections=32,
        timeout=(10.0, read_timeout_seconds),
        transport=transport,
        stop=stop,
    )
