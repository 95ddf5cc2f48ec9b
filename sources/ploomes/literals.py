"""How the server reads the date-time literals of an incremental `$filter`, checked once per account.

The window sends instants (`LastUpdateDate gt 2024-05-01T12:00:00.000Z`) and Ploomes stores `-03:00` values. If the
server read the `Z` literal as local time, every window would start three hours after the one before ended, and the
lookback (minutes) would not cover the gap: updates would be skipped without a word. So one record whose
`LastUpdateDate` is known is asked for as updated after the instant just before it and after the instant just after
it, with `Z` literals, then with `-03:00` ones; the style the server reads as meant is kept in the source's state
(`filter_literals`), and every window is written in it. Two requests, once (a few more if the record changes
meanwhile): during the first load, on the first page a table reads; before the first incremental window when a
warehouse loaded before this check has none. If neither style is read as meant, every incremental table stops with a
line that says so.
"""

from __future__ import annotations

import threading
from typing import Any

import dlt
import pendulum

from sources.http import InvalidResponseError

from .paging import GetJson, page_rows, row_id

UTC = "utc"
OFFSET = "offset"
STATE_KEY = "filter_literals"
_BRASILIA = pendulum.FixedTimezone(-3 * 3600)
_FORMAT = "YYYY-MM-DDTHH:mm:ss.SSSZ"  # pendulum's Z is the offset: +00:00 or -03:00
_MARGIN = pendulum.duration(seconds=1)
_CHECKS = 3  # a record updated during its check is checked again with its new value, this many times at most


class LiteralsMisread(InvalidResponseError):
    """The server compares neither `Z` nor `-03:00` date-time literals with its values as the instants they are."""


def literal(moment: pendulum.DateTime, style: str) -> str:
    if style == OFFSET:
        return moment.in_timezone(_BRASILIA).format(_FORMAT)
    return moment.in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss.SSS[Z]")


def known_record(rows: list[dict[str, Any]], cursor: str) -> dict[str, Any] | None:
    """A record whose cursor value parses, to check the literals with."""
    for row in rows:
        try:
            pendulum.parse(str(row.get(cursor)))
        except (ValueError, pendulum.parsing.exceptions.ParserError):
            continue
        return row
    return None


def decide(get_json: GetJson, path: str, cursor: str, record: dict[str, Any]) -> tuple[str | None, int]:
    """The literal style this endpoint reads as meant, and the requests the check made; LiteralsMisread if none.

    The record may change or go while it is checked (a sync runs while users work): when neither style answered as
    meant, its `cursor` is read again, and a record updated meanwhile is checked again with its new value; one
    deleted, or still changing after a few checks, leaves the style undecided (None), for the next page or table.
    """
    record_id = row_id(record, path)
    requests = 0

    def ask(condition: str) -> list[dict[str, Any]]:
        nonlocal requests
        requests += 1
        params = {"$filter": f"Id eq {record_id}{condition}", "$select": f"Id,{cursor}", "$top": 1}
        return page_rows(get_json(path, params), path)

    def returns_it(after: pendulum.DateTime, style: str) -> bool:
        return bool(ask(f" and {cursor} gt {literal(after, style)}"))

    stamp = pendulum.parse(str(record[cursor]))
    for _ in range(_CHECKS):
        for style in (UTC, OFFSET):
            if returns_it(stamp - _MARGIN, style) and not returns_it(stamp + _MARGIN, style):
                return style, requests
        now = known_record(ask(""), cursor)
        if now is None:
            break  # gone, or its cursor no longer readable: another record decides
        current = pendulum.parse(str(now[cursor]))
        if current == stamp:
            raise LiteralsMisread(
                f"GET {path}: asked for record Id={record_id} as updated after a second before and after a second "
                f"after its {cursor} ({stamp.isoformat()}), with Z and with -03:00 literals, the API never answered as "
                f"those instants mean, so incremental windows could skip updates; run with --full-refresh until this "
                f"is resolved"
            )
        stamp = current
    return None, requests  # the record kept changing: undecided, for the next page or table


class LiteralStyle:
    """The account's literal style, decided by the first table that can, shared by every table of the run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def known(self) -> str | None:
        """The style decided, if it was. Must run in a table's extract thread (dlt keeps state per context)."""
        with self._lock:
            return dlt.current.source_state().get(STATE_KEY)

    def settle(self, get_json: GetJson, path: str, cursor: str, rows: list[dict[str, Any]]) -> tuple[str | None, int]:
        """The style, deciding it with a record of `rows` if nobody did yet; and the requests that took."""
        with self._lock:
            state = dlt.current.source_state()
            if STATE_KEY in state:
                return state[STATE_KEY], 0
            record = known_record(rows, cursor)
            if record is None:
                return None, 0
            style, requests = decide(get_json, path, cursor, record)
            if style is not None:
                state[STATE_KEY] = style
            return style, requests
