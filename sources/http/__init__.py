"""The HTTP layer shared by the CRM sources; it knows nothing of any particular API.

Everything system-specific (credentials, rate, retry budget, setting names for messages) is passed in.
"""

from sources.http.client import ApiClient, decode_body
from sources.http.clock import SYSTEM_CLOCK, Clock, ManualClock, SystemClock
from sources.http.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    InsecureUrlError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitExhausted,
    ServerError,
    extract_api_message,
)
from sources.http.ratelimit import (
    LimiterRegistry,
    RateLimit,
    RateLimiter,
    credential_fingerprint,
    shared_limiter,
)
from sources.http.redaction import RedactingFilter, install_log_redaction, redact, register_secret
from sources.http.retry import RetryPolicy, parse_retry_after
from sources.http.stats import ClientStats
from sources.http.stop import Interrupted, RunStop, RunStopped

__all__ = [
    "SYSTEM_CLOCK",
    "ApiClient",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ClientStats",
    "Clock",
    "InsecureUrlError",
    "Interrupted",
    "InvalidResponseError",
    "LimiterRegistry",
    "ManualClock",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitExhausted",
    "RateLimiter",
    "RedactingFilter",
    "RetryPolicy",
    "RunStop",
    "RunStopped",
    "ServerError",
    "SystemClock",
    "credential_fingerprint",
    "extract_api_message",
    "install_log_redaction",
    "parse_retry_after",
    "redact",
    "register_secret",
    "shared_limiter",
]
