"""Keep credentials out of logs and error messages.

Secrets are registered once (by the HTTP client, from the headers and credentials it is given) and then
replaced by `***` wherever text leaves the process: exception messages of this package and, after
`install_log_redaction()`, every log record that reaches the root handlers or the dlt/httpx loggers.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"
# Shorter values would mask ordinary words all over the logs; real keys and tokens are far longer.
MIN_SECRET_LENGTH = 6

# Credentials recognisable without being registered: an Authorization value and anything JWT-shaped.
_AUTHORIZATION_VALUE = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")

_lock = threading.Lock()
_secrets: set[str] = set()
_secrets_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Mask `value` (and its URL-encoded form) in everything `redact` sees from now on."""
    global _secrets_pattern
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        before = len(_secrets)
        _secrets.update({value, quote(value, safe="")})
        if len(_secrets) == before:
            return
        # Longest first, so a secret containing another one is masked whole.
        alternatives = sorted(_secrets, key=len, reverse=True)
        _secrets_pattern = re.compile("|".join(re.escape(secret) for secret in alternatives))


def redact(text: str) -> str:
    pattern = _secrets_pattern  # read once: another thread may swap in a new pattern meanwhile
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _AUTHORIZATION_VALUE.sub(lambda match: f"{match.group(1)} {MASK}", text)
    return _JWT.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, traceback and stack with secrets masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not turn into an exception in the caller
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            # Format the traceback now, while it can still be redacted; handlers reuse exc_text.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_log_redaction(logger_names: Iterable[str] = ("dlt", "httpx", "httpcore")) -> None:
    """Attach one RedactingFilter to the root logger's handlers and to the named loggers and their handlers.

    Call it after logging is configured: handlers added later are not covered. Safe to call repeatedly.
    """
    loggers = [logging.getLogger(name) for name in logger_names]
    targets: list[logging.Filterer] = [*logging.getLogger().handlers, *loggers]
    for logger in loggers:
        targets.extend(logger.handlers)
    redacting_filter = RedactingFilter()
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(redacting_filter)
