"""What a run prints while it goes, by who reads it.

- A terminal (stderr is a TTY): one live display, redrawn in place: the run's rows, requests and use of the API's
  rate limit, dlt's step and its counters, and a row per table (rows, pages left where the API said how many, state).
- Anything else (cron, CI, an orchestrator): a line when the run starts and one per table whose read ended, on
  stdout with the summary: stderr keeps to what went wrong (`error:` lines), one line per problem.
- `--log-format json`: the same events as one JSON object a line, for log collectors.

The summary, warnings and errors at the end are the outcome's (pipelines/outcome.py), in every case.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import dlt
from dlt.common.runtime.collector_base import Collector
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from sources.report import SyncReport, TableReport

# How far back the live display looks to show the current request rate against the API's limit.
RATE_WINDOW_SECONDS = 60.0
# Tables finish on the readers' threads: a line is written whole, or two would interleave.
_writing = threading.Lock()


def emit_json(event: str, **fields: Any) -> None:
    """One JSON object on one line of stdout: `event`, the time (UTC) and `fields`."""
    _write_line(sys.stdout, json.dumps({"event": event, "time": _now(), **fields}, default=str))


def _write_line(stream: Any, line: str) -> None:
    with _writing:
        stream.write(line + "\n")
        stream.flush()


@contextmanager
def showing_progress(pipeline: dlt.Pipeline, report: SyncReport, log_format: str) -> Iterator[None]:
    """While the block runs, shows the run's progress as the module says, for `log_format` "text" or "json"."""
    start = {
        "pipeline": pipeline.pipeline_name,
        "dataset": pipeline.dataset_name,
        "destination": pipeline.destination.destination_name if pipeline.destination else None,
    }
    if log_format == "json":
        emit_json("start", **start)
        with _listening(report, _json_table_line):
            yield
    elif sys.stderr.isatty():
        with LiveDisplay(pipeline, report):
            yield
    else:
        _write_line(
            sys.stdout,
            f"{_now()} start: pipeline {start['pipeline']}, dataset {start['dataset']}, into {start['destination']}",
        )
        with _listening(report, _text_table_line):
            yield


@contextmanager
def _listening(report: SyncReport, listener: Any) -> Iterator[None]:
    report.table_listeners.append(listener)
    try:
        yield
    finally:
        report.table_listeners.remove(listener)


def _text_table_line(name: str, table: TableReport) -> None:
    _write_line(sys.stdout, f"{_now()} {name}: {table.status}, {_table_counts(table)}")


def _json_table_line(name: str, table: TableReport) -> None:
    emit_json("table", table=name, status=table.status, **table_fields(table))


def table_fields(table: TableReport) -> dict[str, Any]:
    """What a log line says of a table: rows loaded, and what the report knows besides."""
    fields: dict[str, Any] = {"rows": table.rows, "requests": table.requests}
    if table.unchanged:
        fields["unchanged"] = table.unchanged
    if table.deleted:
        fields["deleted"] = table.deleted
    return fields


def _table_counts(table: TableReport) -> str:
    counts = [f"{table.rows:,} rows", f"{table.requests:,} request{'' if table.requests == 1 else 's'}"]
    if table.unchanged:
        counts.append(f"{table.unchanged:,} listed unchanged")
    return ", ".join(counts)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class StepCollector(Collector):
    """dlt's progress counters (extract's resources and rows, normalize's files and items, load's jobs), kept for
    the live display instead of printed: dlt's own collectors would write their block every second."""

    def __init__(self) -> None:
        self.step = ""
        self.counters: dict[str, tuple[int, int | None]] = {}

    def update(
        self,
        name: str,
        inc: int = 1,
        total: int | None = None,
        inc_total: int | None = None,
        message: str | None = None,
        label: str | None = None,
    ) -> None:
        key = f"{name} ({label})" if label else name
        count, known_total = self.counters.get(key, (0, total))
        if inc_total:
            known_total = (known_total or 0) + inc_total
        self.counters[key] = (count + inc, known_total)

    def _start(self, step: str) -> None:
        self.step, self.counters = step, {}

    def _stop(self) -> None:
        self.step, self.counters = "", {}

    def describe(self) -> str:
        # the row counts of extract are per table, shown in the table below: only dlt's totals go here
        totals = [f"{key} {count}/{total}" for key, (count, total) in self.counters.items() if total]
        return f"dlt {self.step}: {', '.join(totals)}" if self.step else ""


class LiveDisplay:
    """The terminal's display: rich redraws it in place a few times a second, from the report and dlt's counters."""

    def __init__(self, pipeline: dlt.Pipeline, report: SyncReport) -> None:
        self._pipeline, self._report = pipeline, report
        self._collector = StepCollector()
        self._started = time.monotonic()
        self._requests_seen: deque[tuple[float, float]] = deque()
        self._live = Live(self, console=Console(stderr=True), refresh_per_second=4, transient=True)

    def __enter__(self) -> LiveDisplay:
        self._replaced_collector, self._pipeline.collector = self._pipeline.collector, self._collector
        self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.stop()
        self._pipeline.collector = self._replaced_collector

    def __rich__(self) -> Group:
        totals = self._report.client_totals()
        tables = self._report.tables
        elapsed = time.monotonic() - self._started
        rows = sum(t.rows for t in tables.values())
        headline = Text(
            f"{self._pipeline.pipeline_name}: {elapsed:.0f} s, {rows:,} rows, "
            f"{totals.get('requests_sent', 0):,.0f} requests ({totals.get('retries', 0):,.0f} retries), "
            f"{self._rate_use(totals)}",
            style="bold",
        )
        grid = Table(box=None, pad_edge=False)
        for column, justify in (("table", "left"), ("rows", "right"), ("pages left", "right"), ("", "left")):
            grid.add_column(column, justify=justify)
        for name in sorted(tables):
            table = tables[name]
            left = table.pages_left
            state = table.status if table.finished else "reading"
            grid.add_row(name, f"{table.rows:,}", "" if left is None else f"{left:,}", state)
        return Group(headline, Text(self._collector.describe()), grid)

    def _rate_use(self, totals: dict[str, float]) -> str:
        """Requests in the last minute against the API's limit, and the time some request waited for a slot."""
        requests = totals.get("requests_sent", 0)
        now = time.monotonic()
        self._requests_seen.append((now, requests))
        while self._requests_seen[0][0] < now - RATE_WINDOW_SECONDS:
            self._requests_seen.popleft()
        since, then = self._requests_seen[0]
        per_minute = (requests - then) / max(now - since, 1.0) * 60
        waited = totals.get("limiter_wall_wait_seconds", 0)
        limit = self._per_minute_limit()
        allowed = f" of {limit:,.0f} allowed" if limit else ""
        return f"{per_minute:,.0f} requests/min{allowed}, {waited:.0f} s held back by the rate limit"

    def _per_minute_limit(self) -> float | None:
        clients = self._report.clients
        limit = getattr(getattr(clients[-1], "limiter", None), "limit", None) if clients else None
        return limit.requests_per_period / limit.period_seconds * 60 if limit else None
