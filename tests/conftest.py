"""Shared fixtures: where Postgres is, and whether its absence is a skip or a failure."""

import os
import socket

import pytest

# The dbt build after each load is off in every test and every script a test starts (they inherit the environment);
# tests/integration/test_analytics.py turns it on for its runs.
os.environ["ANALYTICS__ENABLED"] = "false"

# dlt insists on a password; with trust auth the server ignores it
POSTGRES_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres:trust@127.0.0.1:5432/test")


def _postgres_reachable(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """A DSN for a live PostgreSQL; in CI a missing server fails the test instead of skipping it."""
    if not _postgres_reachable():
        message = "PostgreSQL is not reachable on 127.0.0.1:5432 (set TEST_POSTGRES_DSN to use another server)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the Postgres tests", pytrace=False)
        pytest.skip(message)
    return POSTGRES_DSN
