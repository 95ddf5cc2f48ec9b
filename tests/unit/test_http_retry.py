from datetime import datetime, timezone

import pytest

from sources.http import RetryPolicy, parse_retry_after

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_backoff_ceiling_doubles_up_to_the_cap():
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=10.0)

    assert [policy.backoff_ceiling(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_backoff_is_full_jitter_over_the_ceiling():
    policy = RetryPolicy(backoff_base=2.0, backoff_cap=60.0)

    assert policy.backoff(3, 0.0) == 0
    assert policy.backoff(3, 0.25) == pytest.approx(2.0)
    assert policy.backoff(3, 0.999) == pytest.approx(7.992)


@pytest.mark.parametrize("arguments", [{"max_attempts": 0}, {"max_total_wait": -1}, {"forbidden_retries": -1}])
def test_invalid_policies_are_rejected(arguments):
    with pytest.raises(ValueError):
        RetryPolicy(**arguments)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Mon, 01 Jan 2024 00:00:30 GMT", 30.0),
        ("Sun, 31 Dec 2023 23:59:00 GMT", 0.0),  # already past
        ("Mon, 01 Jan 2024 00:01:00 -0000", 60.0),  # no zone: read as GMT
        ("soon", None),
        ("inf", None),
        (None, None),
    ],
)
def test_retry_after_accepts_seconds_and_http_dates(header, seconds):
    assert parse_retry_after(header, NOW) == seconds
