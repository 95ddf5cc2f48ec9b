"""Exceptions raised by the HTTP layer, and the one-line messages that tell a user what to change.

Messages name the setting to fix through `setting_hints`, given by each source:
  credentials  401 and 403              e.g. "sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY)"
  base_url     404, network, http URL   e.g. "sources.ploomes.base_url"
  request      400 and other 4xx        the settings that shape queries (filters, columns)
  rate_limit   429 beyond the budget    e.g. "sources.ploomes.max_retry_wait_seconds"
  retry        5xx, unreadable bodies   e.g. "sources.ploomes.max_attempts"
A missing hint falls back to a generic phrase (_FALLBACK_HINTS). Every message and API text is redacted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from sources.http.redaction import redact

API_MESSAGE_LIMIT = 300
BODY_PREVIEW_LIMIT = 80
# What a message says when the source gave no hint for that kind of failure.
_FALLBACK_HINTS = {
    "credentials": "the source's credentials",
    "base_url": "the source's base_url setting",
    "request": "the request's parameters (filters, selected fields)",
    "rate_limit": "the retry policy (RetryPolicy.max_total_wait)",
    "retry": "the retry policy (RetryPolicy.max_attempts)",
}


class ApiError(Exception):
    """An API call failed; `api_message` is the API's own explanation when it gave one, `summary` the message without
    its advice (for a caller that gives advice of its own)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        api_message: str | None = None,
        summary: str | None = None,
    ):
        super().__init__(_one_line(redact(message)))
        self.status_code = status_code
        self.api_message = redact(api_message) if api_message else None
        self.summary = _one_line(redact(summary)) if summary else str(self)


class BadRequestError(ApiError):
    """HTTP 400: the API rejected the request's parameters."""


class AuthenticationError(ApiError):
    """HTTP 401: the credentials were not accepted (after any renewal the auth flow attempted)."""


class PermissionDeniedError(ApiError):
    """HTTP 403 that persisted through the retries allowed for throttling disguised as 403."""


class NotFoundError(ApiError):
    """HTTP 404."""


class ServerError(ApiError):
    """HTTP 5xx that persisted through every retry."""


class InvalidResponseError(ApiError):
    """A success status whose body kept arriving as something other than valid JSON (usually truncated)."""


class NetworkError(ApiError):
    """Timeouts, refused or dropped connections that persisted through every retry."""


class InsecureUrlError(ApiError):
    """A base_url that would send credentials over plain http to a non-loopback host."""


class RateLimitExhausted(ApiError):
    """The API asks to wait longer than the retry policy allows; run again at `resume_at` (aware)."""

    def __init__(self, message: str, *, resume_at: datetime, api_message: str | None = None):
        super().__init__(message, status_code=429, api_message=api_message)
        self.resume_at = resume_at


_STATUS_ERRORS: dict[int, tuple[type[ApiError], str, str]] = {
    400: (BadRequestError, "the API rejected the request as invalid", "Check {request}"),
    401: (AuthenticationError, "the credentials were not accepted", "Check {credentials}"),
    403: (
        PermissionDeniedError,
        "access was forbidden: the credentials lack permission, or the API kept throttling",
        "Check the permissions of the user behind {credentials}",
    ),
    404: (
        NotFoundError,
        "the path does not exist at this base URL",
        "Check {base_url}",
    ),
}


def setting_name(hints: Mapping[str, str], key: str) -> str:
    return hints.get(key) or _FALLBACK_HINTS[key]


def extract_api_message(response: httpx.Response) -> str | None:
    """The API's own error text: OData error.message, message, an error string, detail, else the raw body."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    message = _message_from_json(body) if isinstance(body, dict) else None
    if message is None:
        message = response.text
    message = _one_line(redact(message))
    if not message:
        return None
    return message if len(message) <= API_MESSAGE_LIMIT else message[: API_MESSAGE_LIMIT - 1] + "…"


def error_for_status(label: str, response: httpx.Response, *, attempts: int, hints: Mapping[str, str]) -> ApiError:
    """The exception for a final non-success response; `label` is e.g. "GET https://host/path?query"."""
    status = response.status_code
    api_message = extract_api_message(response)
    if status in _STATUS_ERRORS:
        error_class, what, fix = _STATUS_ERRORS[status]
    elif status >= 500:
        error_class, what = ServerError, "the API kept failing"
        fix = "Run again later, or allow more retries in {retry}"
    else:
        error_class, what, fix = ApiError, "the API refused the request", "Check {request}"
    details = [f"HTTP {status} {response.reason_phrase}".rstrip(), _attempts_note(attempts)]
    message = _compose(label, what, details, api_message, fix, hints)
    summary = _compose(label, what, details, api_message, "", hints)
    return error_class(message, status_code=status, api_message=api_message, summary=summary)


def network_error(label: str, host: str, description: str, *, attempts: int, hints: Mapping[str, str]) -> NetworkError:
    details = [description, _attempts_note(attempts)]
    message = _compose(label, f"host {host} is unreachable", details, None, "Check the network and {base_url}", hints)
    return NetworkError(message)


def invalid_response_error(
    label: str, response: httpx.Response, *, attempts: int, hints: Mapping[str, str]
) -> InvalidResponseError:
    preview = _one_line(redact(response.text[:BODY_PREVIEW_LIMIT]))
    details = [f"HTTP {response.status_code}", _attempts_note(attempts), f"body starts: {preview!r}"]
    what = "the response body is not valid JSON, probably truncated"
    message = _compose(label, what, details, None, "Run again later, or allow more retries in {retry}", hints)
    return InvalidResponseError(message, status_code=response.status_code)


def rate_limit_exhausted(
    label: str,
    what: str,
    *,
    resume_at: datetime,
    hints: Mapping[str, str],
    api_message: str | None = None,
) -> RateLimitExhausted:
    """`what` says why waiting stopped, e.g. "the API asks to wait 2400 s, more than the 300 s left"."""
    resume_text = resume_at.isoformat(timespec="seconds")
    fix = f"Run again after {resume_text}, or allow longer waits in {{rate_limit}}"
    message = _compose(label, what, ["HTTP 429"], api_message, fix, hints)
    return RateLimitExhausted(message, resume_at=resume_at, api_message=api_message)


def insecure_url_error(base_url: str, hints: Mapping[str, str]) -> InsecureUrlError:
    message = (
        f"base_url {base_url!r} is not HTTPS, so credentials would cross the network in clear text. "
        f"Use an https:// URL in {setting_name(hints, 'base_url')} "
        "(plain http is allowed only for loopback hosts)."
    )
    return InsecureUrlError(message)


def foreign_url_error(url: str, base_url: str, hints: Mapping[str, str]) -> InsecureUrlError:
    message = (
        f"refusing to send credentials to {url}: it is not on the configured base URL {base_url}. "
        f"If the API moved, update {setting_name(hints, 'base_url')}."
    )
    return InsecureUrlError(message)


def _message_from_json(body: dict[str, Any]) -> str | None:
    error = body.get("error")
    candidates = (
        error.get("message") if isinstance(error, dict) else None,  # OData: {"error": {"code", "message"}}
        body.get("message"),
        error,
        body.get("detail"),
    )
    return next((c for c in candidates if isinstance(c, str) and c.strip()), None)


def _attempts_note(attempts: int) -> str:
    return f"after {attempts} attempts" if attempts > 1 else ""


def _compose(
    label: str,
    what: str,
    details: list[str],
    api_message: str | None,
    fix: str,
    hints: Mapping[str, str],
) -> str:
    if api_message:
        details = [*details, f'API said: "{api_message}"']
    detail_text = ", ".join(d for d in details if d)
    settings = {key: setting_name(hints, key) for key in _FALLBACK_HINTS}
    advice = f" {fix.format(**settings)}." if fix else ""
    return f"{label}: {what} ({detail_text}).{advice}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
