"""A failure that belongs to one table stays in that table: the other tables load, and the run reports it.

Only what no table can get past stops the whole run: credentials refused, the host unreachable, a base URL that would
leak the key. Everything else a table's read raises (a 4xx, a 5xx that outlasted the retries, a body that does not
parse, a record that does not fit its table, a bug of ours) fails that table alone: its rows read so far are loaded,
its cursor does not move, the summary prints one line for it, and the run exits 1 so that schedulers alert.
"""

from __future__ import annotations

import logging
from typing import Any

from sources.http import (
    ApiError,
    AuthenticationError,
    InsecureUrlError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitExhausted,
    RunStopped,
)
from sources.http.stop import Interrupted
from sources.report import SyncReport

logger = logging.getLogger(__name__)

RUN_WIDE_ERRORS = (AuthenticationError, NetworkError, InsecureUrlError)


class UnloadableRecord(Exception):
    """A record the API sent that cannot become a row of its table (no usable id, a list that is not one)."""

    def __init__(self, table: str, record_id: Any, column: str, what: str):
        self.table, self.record_id, self.column, self.what = table, record_id, column, what
        super().__init__(f"record id={record_id}, column {column}: {what}")


def settle_table_error(table: str, error: Exception, report: SyncReport, system: str) -> None:
    """Record in `report` what `error` means for `table`, or raise what stops the whole run.

    Call it from the table's `except Exception`, after yielding the rows read before the error.
    """
    if isinstance(error, RunStopped):
        if isinstance(error.reason, Interrupted):
            report.mark_interrupted(table)
            return
        raise error.reason from None
    if isinstance(error, RUN_WIDE_ERRORS):
        raise error
    if isinstance(error, RateLimitExhausted):
        logger.warning("%s table %s stopped: %s", system, table, error)
        report.stop_for_budget(table, error.resume_at)
        return
    if isinstance(error, (PermissionDeniedError, NotFoundError)):
        logger.warning("Skipping %s table %s: %s", system, table, error)
        report.skip(table, str(error))
        return
    logger.debug("%s table %s failed", system, table, exc_info=error)
    report.fail(table, failure_line(table, error, system))


def failure_line(table: str, error: Exception, system: str) -> str:
    """`table: what failed (where). What to do.` on one line."""
    retry = f"The other tables were loaded; the next run retries {table}"
    if isinstance(error, UnloadableRecord):
        return (
            f"{table}: {error} The record was not loaded and {table}'s cursor did not move. {retry}; if it keeps "
            f"failing, {system}'s API sends a shape this connector does not know: please report this line."
        )
    if isinstance(error, ApiError) and error.status_code is not None and 400 <= error.status_code < 500:
        return (
            f"{table}: {_sentence(error.summary)} The API refused a request this connector makes for {table}. "
            f"{retry}; if it keeps failing, please report this line."
        )
    if isinstance(error, ApiError):
        return f"{table}: {_sentence(str(error))} {retry}."
    return (
        f"{table}: {type(error).__name__}: {error} (unexpected; --debug shows the traceback). {retry}; if it keeps "
        "failing, please report this line."
    )


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."
