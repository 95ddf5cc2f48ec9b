"""The one HTTP client of an ERP run (token in a header, one request budget for every table), and its paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from sources.http import ApiClient, RateLimit, RetryPolicy, RunStop, credential_fingerprint, shared_limiter

from . import settings


def build_client(
    token: str,
    base_url: str,
    *,
    token_header: str = settings.TOKEN_HEADER,
    token_scheme: str = settings.TOKEN_SCHEME,
    requests_per_minute: int = settings.REQUESTS_PER_MINUTE,
    max_attempts: int = settings.MAX_ATTEMPTS,
    max_retry_wait_seconds: float = settings.MAX_RETRY_WAIT_SECONDS,
    read_timeout_seconds: float = settings.READ_TIMEOUT_SECONDS,
    transport: httpx.BaseTransport | None = None,
    stop: RunStop | None = None,
) -> ApiClient:
    """`transport` replaces the network (httpx.MockTransport in tests)."""
    if not token or not token.strip():
        raise ValueError(f"The ERP token is empty: set {settings.SETTING_HINTS['credentials']}")
    if not token_header or not token_header.strip():
        raise ValueError('sources.erp.token_header is empty: name the header that carries the token ("Authorization")')
    if requests_per_minute < 1:
        raise ValueError(f"sources.erp.requests_per_minute is {requests_per_minute}: use a positive number")
    value = f"{token_scheme.strip()} {token.strip()}" if token_scheme and token_scheme.strip() else token.strip()
    limiter = shared_limiter(
        credential_fingerprint("erp", base_url.rstrip("/"), token, str(requests_per_minute)),  # a token's, at one ERP
        RateLimit(requests_per_period=requests_per_minute, period_seconds=60.0, burst=min(10, requests_per_minute)),
    )
    return ApiClient(
        base_url.rstrip("/"),
        limiter=limiter,
        retry=RetryPolicy(max_attempts=max_attempts, max_total_wait=max_retry_wait_seconds),
        headers={token_header.strip(): value},
        secrets=(token.strip(),),
        setting_hints=settings.SETTING_HINTS,
        timeout=(10.0, read_timeout_seconds),
        transport=transport,
        stop=stop,
    )


def checked_paths(paths: Mapping[str, Any] | None) -> dict[str, str]:
    """Every request's path: the defaults, overridden by `paths` ([sources.erp.paths]). A path that would send a
    request nowhere sensible raises ValueError naming its setting."""
    given = dict(paths or {})
    unknown = sorted(set(given) - set(settings.DEFAULT_PATHS))
    if unknown:
        raise ValueError(
            f"[sources.erp.paths] has no setting {', '.join(unknown)}; "
            f"the paths are: {', '.join(settings.DEFAULT_PATHS)}"
        )
    checked = {**settings.DEFAULT_PATHS, **{k: v for k, v in given.items() if v is not None}}
    for name, path in checked.items():
        setting = f"sources.erp.paths.{name} (env SOURCES__ERP__PATHS__{name.upper()})"
        if not isinstance(path, str) or not path.strip() or "://" in path or "?" in path:
            raise ValueError(
                f"{setting} is {path!r}: use a path relative to base_url, like {settings.DEFAULT_PATHS[name]!r}"
            )
        needed = settings.PATH_PLACEHOLDERS.get(name)
        placeholders = {part.split("}")[0] for part in path.split("{")[1:]}
        expected = {needed.strip("{}")} if needed else set()
        if placeholders != expected:
            what = f"must hold {needed} exactly once" if needed else "takes no {placeholder}"
            raise ValueError(f"{setting} is {path!r}: it {what}, like {settings.DEFAULT_PATHS[name]!r}")
        if needed and path.count(needed) != 1:
            raise ValueError(f"{setting} is {path!r}: it must hold {needed} exactly once")
    return checked


def filled(path: str, **values: str) -> str:
    """`path` with its placeholder filled, the value quoted so that an id can never reach another path."""
    return path.format(**{name: quote(str(value), safe="") for name, value in values.items()})
