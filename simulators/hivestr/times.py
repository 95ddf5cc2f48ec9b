"""Hivestr's date-times (`2024-01-05T10:30:00Z`, whole seconds, UTC) and dates (`2024-01-15`), kept as epoch seconds."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

DAY = 86_400
HOUR = 3_600
# Brazil's official time (Brasília, no daylight saving since 2019) decides what "today" is for a due date.
BRASILIA_OFFSET = -3 * HOUR


def format_instant(seconds: int | None) -> str | None:
    return None if seconds is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def format_date(seconds: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def parse_instant(text: str) -> int:
    """ISO 8601 with `Z` or an offset (a bare date means its UTC midnight) -> epoch seconds; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"expected an ISO 8601 date-time, got {text!r}")
    value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


def parse_date(text: str) -> date:
    """`YYYY-MM-DD` only (the API's date format); ValueError otherwise."""
    if not isinstance(text, str) or len(text) != 10:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}")
    return date.fromisoformat(text)


def date_seconds(day: date) -> int:
    """The UTC midnight starting `day`."""
    return (day - date(1970, 1, 1)).days * DAY


def utc_midnight(seconds: float) -> int:
    return int(seconds) // DAY * DAY


def brasilia_day(seconds: int) -> int:
    """A day number that changes at midnight in Brasília."""
    return (seconds + BRASILIA_OFFSET) // DAY


def to_datetime(seconds: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=seconds)
