"""What a sync did, table by table: what the pipeline's progress display and end summary print."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sources.http.stop import RunStop


@dataclass
class TableReport:
    rows: int = 0
    requests: int = 0
    skipped: str | None = None  # why the account could not read this table
    failed: str | None = None  # one line: what failed, where (request, or column and record id), what to do
    interrupted: bool = False  # the run was stopped by a signal before this table was read to its end
    warnings: list[str] = field(default_factory=list)  # what was loaded differently than asked, once each
    resumable: bool = False  # stopped at the page limit; the next run continues it
    out_of_budget: bool = False  # stopped because the API's request budget ran out; a later run continues it
    swept: bool = False  # its deletion sweep ran in this pipeline run (once, whatever the checkpoints)
    deleted: int = 0  # rows the sweep found deleted in the source
    unchanged: int = 0  # records listed again unchanged, so not loaded again (Hivestr compares every listed row)
    expected_rows: int | None = None  # what the API said this read holds (Ploomes' first page count), if it did
    page_size: int | None = None  # rows a request reads, for the pages still to read
    finished: bool = False  # its read ended (complete or not) in the last checkpoint

    @property
    def pages_left(self) -> int | None:
        if self.expected_rows is None or not self.page_size or self.finished:
            return None
        return -(-max(0, self.expected_rows - self.rows) // self.page_size)

    @property
    def status(self) -> str:
        """One word for logs: failed, skipped, stopped (a signal), out_of_budget, resumes (at the next checkpoint or
        run) or done."""
        if self.failed:
            return "failed"
        if self.skipped:
            return "skipped"
        if self.interrupted:
            return "stopped"
        if self.out_of_budget:
            return "out_of_budget"
        return "resumes" if self.resumable else "done"


@dataclass
class SyncReport:
    tables: dict[str, TableReport] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    clients: list[Any] = field(default_factory=list)  # every ApiClient the run used (one per checkpoint)
    resume_at: datetime | None = None  # set when the request budget ran out: when the next run may continue
    stop: RunStop = field(default_factory=RunStop)  # the run's: set by a signal, or a failure every table shares
    run_warnings: list[str] = field(default_factory=list)  # what the run did differently than asked, beyond tables
    # Steps after the load (the analytics build): one line each on what it did, and one per thing that failed
    post_load_notes: list[str] = field(default_factory=list)
    post_load_failures: list[str] = field(default_factory=list)
    # called with (table, its report) when a table's read ends, with its child tables', e.g. to log a line
    table_listeners: list[Callable[[str, TableReport], None]] = field(default_factory=list)
    # how a line names a setting: as is, or as an account's (pipelines/accounts.py)
    name_settings: Callable[[str], str] = field(default=lambda line: line, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _table(self, table: str) -> TableReport:
        return self.tables.setdefault(table, TableReport())

    def add_rows(self, table: str, rows: int) -> None:
        with self._lock:
            self._table(table).rows += rows

    def add_requests(self, table: str, requests: int) -> None:
        with self._lock:
            self._table(table).requests += requests

    def add_unchanged(self, table: str, rows: int) -> None:
        with self._lock:
            self._table(table).unchanged += rows

    def expect_rows(self, table: str, rows: int, page_size: int) -> None:
        """The API said how many rows this read of `table` holds, `rows` so far included."""
        with self._lock:
            report = self._table(table)
            report.expected_rows, report.page_size = rows + report.rows, page_size

    def finish(self, table: str, *children: str) -> None:
        """The read of `table` (and of its child tables, filled by the same reader) ended, however it ended."""
        with self._lock:
            self._table(table)
            finished = [name for name in (table, *children) if name in self.tables]
            for name in finished:
                self.tables[name].finished = True
        for name in finished:
            for listener in self.table_listeners:
                listener(name, self.tables[name])

    def skip(self, table: str, reason: str) -> None:
        with self._lock:
            self._table(table).skipped = reason

    def fail(self, table: str, line: str) -> None:
        """The table could not be loaded (whole or in part); the first failure's line is the one kept."""
        with self._lock:
            report = self._table(table)
            report.failed = report.failed or self.name_settings(line)

    def warn(self, table: str, line: str) -> None:
        line = self.name_settings(line)
        with self._lock:
            warnings = self._table(table).warnings
            if line not in warnings:
                warnings.append(line)

    def warn_run(self, line: str) -> None:
        line = self.name_settings(line)
        with self._lock:
            if line not in self.run_warnings:
                self.run_warnings.append(line)

    def mark_interrupted(self, table: str) -> None:
        with self._lock:
            self._table(table).interrupted = True

    def mark_resumable(self, table: str) -> None:
        with self._lock:
            self._table(table).resumable = True

    def stop_for_budget(self, table: str, resume_at: datetime) -> None:
        """The table stopped early, what it read is kept, and the next run after `resume_at` continues it."""
        with self._lock:
            self._table(table).out_of_budget = True
            self.resume_at = resume_at if self.resume_at is None else max(self.resume_at, resume_at)

    def claim_sweep(self, table: str) -> bool:
        """True the first time a table asks during this run: checkpoints after it must not sweep (and pay) again."""
        with self._lock:
            table_report = self._table(table)
            claimed, table_report.swept = not table_report.swept, True
            return claimed

    def add_deleted(self, table: str, rows: int) -> None:
        with self._lock:
            self._table(table).deleted += rows

    def attach_client(self, client: Any) -> None:
        with self._lock:
            self.clients.append(client)
            for table in self.tables.values():  # a new checkpoint reads them again
                table.finished = False

    def client_totals(self) -> dict[str, float]:
        """Requests, retries and seconds waited, summed over every client of the run (one per checkpoint, one after
        the other: `limiter_wall_wait_seconds` stays wall-clock time)."""
        totals: dict[str, float] = {}
        for client in list(self.clients):
            for key, value in client.stats.snapshot().items():
                if isinstance(value, (int, float)):
                    totals[key] = totals.get(key, 0) + value
        return totals

    @property
    def skipped(self) -> dict[str, str]:
        return {name: t.skipped for name, t in self.tables.items() if t.skipped}

    @property
    def failed(self) -> dict[str, str]:
        return {name: t.failed for name, t in self.tables.items() if t.failed}

    @property
    def warnings(self) -> list[str]:
        return [line for name in sorted(self.tables) for line in self.tables[name].warnings] + self.run_warnings

    @property
    def unfinished(self) -> list[str]:
        return [name for name, t in self.tables.items() if t.resumable]
