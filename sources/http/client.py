"""ApiClient: JSON over HTTPS with per-credential pacing, retries, actionable errors and no leaked secrets."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import unquote

import httpx
import orjson

from sources.http.clock import SYSTEM_CLOCK, Clock
from sources.http.errors import (
    ApiError,
    AuthenticationError,
    NetworkError,
    error_for_status,
    extract_api_message,
    foreign_url_error,
    invalid_response_error,
    network_error,
    rate_limit_exhausted,
)
from sources.http.ratelimit import RateLimiter
from sources.http.redaction import redact, register_secret
from sources.http.retry import RetryPolicy, parse_retry_after
from sources.http.stats import ClientStats
from sources.http.stop import RunStop
from sources.http.urls import require_secure_base_url

logger = logging.getLogger("sources.http")

# Header values that are never credentials; every other header the caller passes is masked in output.
_PUBLIC_HEADERS = frozenset({"accept", "accept-encoding", "accept-language", "content-type", "user-agent"})

FailureKind = Literal["rate_limited", "forbidden", "server", "invalid_json", "network"]


@dataclass(frozen=True)
class _Success:
    value: Any
    body: bytes | None = None  # the bytes `value` was decoded from, when orjson decoded them as they are


@dataclass(frozen=True)
class _RetryableFailure:
    kind: FailureKind
    reason: str  # one redacted line for the retry log
    response: httpx.Response | None = None
    retry_after: float | None = None  # seconds, when a 429 said how long to wait


class ApiClient:
    """One pooled httpx.Client, safe to share between threads.

    `headers` usually carry the credential (e.g. {"User-Key": key}); `auth` is an httpx.Auth whose flow may
    renew a token and resend on 401 (each resend is paced and counted like any request). `setting_hints`
    maps "credentials", "base_url", "request", "rate_limit", "retry" to the settings named in errors. `stop` is the
    run's: once set, no request starts and no wait goes on (RunStopped); a failure that no request can get past
    sets it.
    """

    def __init__(
        self,
        base_url: str,
        *,
        limiter: RateLimiter,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        secrets: Iterable[str] = (),
        timeout: tuple[float, float] = (10.0, 60.0),
        setting_hints: Mapping[str, str] | None = None,
        max_connections: int = 16,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = SYSTEM_CLOCK,
        random_fraction: Callable[[], float] = random.random,
        stop: RunStop | None = None,
    ) -> None:
        self._hints = dict(setting_hints or {})
        self._base_url = require_secure_base_url(base_url, self._hints)
        headers = dict(headers or {})
        for name, value in headers.items():
            if name.lower() not in _PUBLIC_HEADERS:
                register_secret(value)
        for secret in secrets:
            register_secret(secret)
        self.limiter = limiter
        self.stats = ClientStats()
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._random_fraction = random_fraction
        # Set by a failure that no request of this client can get past (the host unreachable, the credentials
        # refused): every other thread stops retrying and raises it too, so a run fails once and promptly.
        self._fatal: ApiError | None = None
        self.stop = stop or RunStop()
        self._sending = threading.local()  # this thread's request start, for its latency
        connect_timeout, read_timeout = timeout
        pool_limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._http = httpx.Client(
            base_url=self._base_url,
            headers={"Accept": "application/json", **headers},
            auth=auth,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport or httpx.HTTPTransport(limits=pool_limits),
            event_hooks={"request": [self._before_send], "response": [self._after_receive]},
        )

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET `path` (relative to base_url, or an absolute URL on the same origin) and decode its JSON."""
        return self._request_json("GET", path, params=params).value

    def get_json_and_body(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[Any, bytes | None]:
        """As get_json, with the body's bytes when `decode_body` decodes them to the same value (None otherwise): a
        caller that keeps a page a while keeps its bytes, a fraction of the decoded objects' size."""
        success = self._request_json("GET", path, params=params)
        return success.value, success.body

    def post_json(self, path: str, json: Any) -> Any:
        """POST a JSON body. Retried like GET: use it only where repeating is harmless (token endpoints)."""
        return self._request_json("POST", path, json=json).value

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Pacing lives in an httpx event hook rather than around send(): an auth flow's resend after a token
    # renewal goes through the hook too, and the API counts it against the same budget.
    def _before_send(self, request: httpx.Request) -> None:
        waited = self.limiter.acquire(until=self.stop.event)
        self.stop.check()  # the wait may have ended because the run stopped
        self._sending.started = self._clock.monotonic()
        self.stats.record_request(limiter_wait_seconds=waited, granted_at=self._sending.started)

    def _after_receive(self, response: httpx.Response) -> None:
        started = getattr(self._sending, "started", None)
        latency = None if started is None else self._clock.monotonic() - started
        self.stats.record_response(response.status_code, latency)

    def _request_json(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> _Success:
        waited = 0.0
        forbidden_seen = 0
        attempt = 0
        while True:
            if self._fatal is not None:
                raise self._fatal
            self.stop.check()
            attempt += 1
            request = self._http.build_request(method, path, params=params, json=json)
            label = redact(f"{method} {unquote(str(request.url))}")  # readable: `$filter=(Id gt 5)`, not %24
            self._require_same_origin(request.url)
            self._refuse_if_paused_beyond(label, self._retry.max_total_wait - waited)
            try:
                outcome = self._attempt(request, label, attempt)
                if isinstance(outcome, _Success):
                    return outcome
                if outcome.kind == "forbidden":
                    forbidden_seen += 1
                    if forbidden_seen > self._retry.forbidden_retries:
                        raise self._final_error(label, outcome, attempt)
                delay = self._delay_before_retry(label, outcome, attempt, waited)
            except (NetworkError, AuthenticationError) as error:
                self._fatal = self._fatal or error
                self.stop.stop(self._fatal)
                raise
            if self._fatal is not None:
                raise self._fatal
            logger.warning(
                "%s: %s; retrying in %.1f s (attempt %d of %d)",
                label,
                outcome.reason,
                delay,
                attempt + 1,
                self._retry.max_attempts,
            )
            self._clock.sleep(delay, until=self.stop.event)
            waited += delay
            self.stats.record_retry(delay)

    def _attempt(self, request: httpx.Request, label: str, attempt: int) -> _Success | _RetryableFailure:
        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            # Only a redacted description survives: the exception itself references the request headers.
            self.stats.record_network_error()
            return _RetryableFailure("network", f"{type(exc).__name__}: {redact(str(exc)) or 'no details'}")
        status = response.status_code
        if response.is_success:
            if status == 204:
                return _Success(None)
            try:
                return _decoded(response)
            except ValueError:
                reason = f"HTTP {status} with a body that is not valid JSON"
                return _RetryableFailure("invalid_json", reason, response)
        reason = _describe_response(response)
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock.now())
            return _RetryableFailure("rate_limited", reason, response, retry_after)
        if status == 403:
            return _RetryableFailure("forbidden", reason, response)
        if status >= 500:
            return _RetryableFailure("server", reason, response)
        raise error_for_status(label, response, attempts=attempt, hints=self._hints)

    def _delay_before_retry(self, label: str, failure: _RetryableFailure, attempt: int, waited: float) -> float:
        """Seconds to sleep before the next attempt, or the final error once attempts or budget are spent."""
        budget_left = self._retry.max_total_wait - waited
        if failure.retry_after is not None:
            # The limit is per account: every thread on this credential holds back, not just this one.
            self.limiter.pause_for(failure.retry_after)
            if failure.retry_after > budget_left:
                raise rate_limit_exhausted(
                    label,
                    f"the API asks to wait {failure.retry_after:.0f} s, "
                    f"more than the {budget_left:.0f} s this request may still wait",
                    resume_at=self._clock.now() + timedelta(seconds=failure.retry_after),
                    hints=self._hints,
                    api_message=_api_message(failure),
                )
        if attempt >= self._retry.max_attempts or budget_left <= 0:
            raise self._final_error(label, failure, attempt)
        if failure.retry_after is not None:
            return failure.retry_after
        return min(self._retry.backoff(attempt, self._random_fraction()), budget_left)

    def _final_error(self, label: str, failure: _RetryableFailure, attempts: int) -> ApiError:
        if failure.response is None:
            return network_error(label, self._base_url.host, failure.reason, attempts=attempts, hints=self._hints)
        if failure.kind == "invalid_json":
            return invalid_response_error(label, failure.response, attempts=attempts, hints=self._hints)
        if failure.kind == "rate_limited":
            wait = failure.retry_after
            if wait is None:  # the API did not say; suggest the longest backoff the policy would use next
                wait = self._retry.backoff_ceiling(attempts)
            return rate_limit_exhausted(
                label,
                f"still rate limited after {attempts} attempts",
                resume_at=self._clock.now() + timedelta(seconds=wait),
                hints=self._hints,
                api_message=_api_message(failure),
            )
        return error_for_status(label, failure.response, attempts=attempts, hints=self._hints)

    def _refuse_if_paused_beyond(self, label: str, budget_left: float) -> None:
        pause = self.limiter.pause_remaining()
        if pause > budget_left:
            raise rate_limit_exhausted(
                label,
                f"not sent, because the API told a request with the same credentials to wait {pause:.0f} s "
                f"more, longer than the {budget_left:.0f} s this request may wait",
                resume_at=self._clock.now() + timedelta(seconds=pause),
                hints=self._hints,
            )

    def _require_same_origin(self, url: httpx.URL) -> None:
        # Absolute URLs (an OData nextLink) are followed only on base_url's origin: the headers carry the key.
        if (url.scheme, url.netloc) != (self._base_url.scheme, self._base_url.netloc):
            raise foreign_url_error(str(url), str(self._base_url), self._hints)


def decode_body(body: bytes) -> Any:
    """The JSON of a body kept by get_json_and_body."""
    return orjson.loads(body)


def _decoded(response: httpx.Response) -> _Success:
    # orjson decodes a 300-row page several times faster than the json module: decoding was a fifth of a first
    # load's CPU time. Bodies it refuses (not UTF-8, NaN) get the json module's more lenient reading.
    try:
        return _Success(decode_body(response.content), response.content)
    except orjson.JSONDecodeError:
        return _Success(response.json())


def _describe_response(response: httpx.Response) -> str:
    api_message = extract_api_message(response)
    status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    return f'{status} (API said: "{api_message}")' if api_message else status


def _api_message(failure: _RetryableFailure) -> str | None:
    return extract_api_message(failure.response) if failure.response is not None else None
