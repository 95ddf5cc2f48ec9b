"""Hivestr's bearer token: fetched once per client, shared by every thread, renewed before it expires or on a 401.

The token request is yielded from the auth flow instead of being sent on the side, so it travels through the
ApiClient's request hook like any other request: it is paced by the account's limiter and counted in the stats,
because the API counts it against the same hourly budget. A failed token response (401 for a bad key, 429, 5xx)
simply ends the flow and becomes the response of the request being authenticated, so the ApiClient applies its
usual retry and error rules to it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Generator

import httpx

from sources.http import SYSTEM_CLOCK, Clock, InvalidResponseError, register_secret

from . import settings

logger = logging.getLogger(__name__)

DEFAULT_EXPIRES_IN = 3600.0
# A short-lived token (a simulator's, a test's) renews this share of its life early rather than the full margin.
MAX_MARGIN_SHARE = 1 / 6

Flow = Generator[httpx.Request, httpx.Response, None]
TokenFlow = Generator[httpx.Request, httpx.Response, str | None]


class HivestrTokenAuth(httpx.Auth):
    """The key and secret are registered for redaction by the ApiClient; each token is registered on arrival."""

    def __init__(
        self,
        token_url: str,
        api_key: str,
        api_secret: str,
        *,
        renew_margin_seconds: float = settings.TOKEN_RENEW_MARGIN_SECONDS,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._token_url = token_url
        self._credentials = {"api_key": api_key, "api_secret": api_secret}
        self._renew_margin = renew_margin_seconds
        self._clock = clock
        # Held while a token request is in flight, so concurrent threads wait for that token instead of each
        # fetching one. The flow is always closed by httpx (even on errors), which releases it.
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = float("-inf")

    # sync_auth_flow (not auth_flow) is overridden because the flow does its own I/O under a lock.
    def sync_auth_flow(self, request: httpx.Request) -> Flow:
        token = yield from self._token_for(request, rejected=None)
        if token is None:
            return
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        # Expired or revoked early: renew once and resend; a second 401 reaches the ApiClient as an error.
        token = yield from self._token_for(request, rejected=token)
        if token is None:
            return
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def _token_for(self, request: httpx.Request, *, rejected: str | None) -> TokenFlow:
        """A usable token (renewing it when missing, near expiry or `rejected`), or None if the renewal failed."""
        with self._lock:
            if self._token is not None and self._token != rejected and self._clock.monotonic() < self._renew_at:
                return self._token
            response = yield self._token_request(request)
            response.read()
            if not response.is_success or not _parses_as_json(response):
                # Refused, failing or garbled (a body cut short by the network): the token response becomes the
                # answer to the request being authenticated, which the ApiClient retries or reports as usual.
                return None
            self._accept(response)
            return self._token

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        return httpx.Request(
            "POST",
            self._token_url,
            json=self._credentials,
            headers={"Accept": "application/json"},
            extensions={"timeout": request.extensions.get("timeout", {})},
        )

    def _accept(self, response: httpx.Response) -> None:
        body = response.json()
        try:
            token = body["access_token"]
            expires_in = float(body.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (ValueError, KeyError, TypeError):
            raise InvalidResponseError(
                f"POST {self._token_url}: the token response carries no access_token "
                f"(HTTP {response.status_code}). Check sources.hivestr.base_url points at the Hivestr API root."
            ) from None
        if not isinstance(token, str) or not token:
            raise InvalidResponseError(f"POST {self._token_url}: the token response has an empty access_token.")
        register_secret(token)
        margin = min(self._renew_margin, expires_in * MAX_MARGIN_SHARE)
        self._token = token
        self._renew_at = self._clock.monotonic() + expires_in - margin
        logger.debug("Hivestr token obtained; it expires in %.0f s and is renewed %.0f s early", expires_in, margin)


def _parses_as_json(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True
