"""--account and --all-accounts: the accounts of one system (pipelines/accounts.py), one pipeline and dataset each.

--all-accounts loads them concurrently: each account has its own API rate limit, so a fleet takes about as long as
its slowest account. Their rows are processed in threads, which share one core, so the accounts are spread over
worker processes, one per core (pipelines/fleet_processes.py; into DuckDB they take turns on the file). `[fleet]
max_concurrent_accounts` bounds how many load at once (memory grows with each). An account that fails, or is already
being loaded by another run, never stops the others; the fleet's summary has a line per account, and its exit code
is the most serious of theirs.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import Any

import dlt
from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException

from pipelines.accounts import Account, AccountError, account_names, load_account
from pipelines.common import CHECKPOINT_PAGES, RunOptions, UsageError, one_line, root_cause
from pipelines.progress import emit_json
from pipelines.run_lock import AlreadyRunning
from pipelines.stopping import (
    EXIT_ALREADY_RUNNING,
    EXIT_BUDGET_EXHAUSTED,
    EXIT_FAILED,
    EXIT_OK,
    exit_code,
    stop_on_signals,
)
from sources.http import redact
from sources.report import SyncReport

DEFAULT_MAX_CONCURRENT_ACCOUNTS = 10
# Pages each table of an account reads before the account commits what it read, when the accounts share one process
# (`[fleet] processes = 1`, or one core; a run alone, or a fleet spread over processes: CHECKPOINT_PAGES). Accounts
# of the same size finish reading together, and each then normalized and loaded its whole load at once, one after the
# other in this process: ten accounts of 114,000 rows took twice as long as one, the second half spent after the last
# request. Small checkpoints load while others read. Spread over two processes, the small checkpoints' own work cost
# more than that saved (ten accounts: 168 s at 25 pages, 157-158 s at 150 or 500; bench/README.md).
DEFAULT_FLEET_CHECKPOINT_PAGES = 25
# Which account's exit code the fleet's is, most serious first (a signal's, 128 + n, comes before all).
SEVERITY = (EXIT_FAILED, EXIT_ALREADY_RUNNING, EXIT_BUDGET_EXHAUSTED, EXIT_OK)

# Loads one account: the script's `run_pipeline(options, report)`.
RunAccount = Callable[[RunOptions, SyncReport], Any]


@dataclass(frozen=True)
class AccountOutcome:
    """What the fleet's lines say of one account; plain data, sent by a worker process to the one that prints."""

    account: str
    pipeline: str
    status: str
    code: int
    seconds: float
    rows: int
    requests: int
    errors: tuple[str, ...]  # the account's own failure, then its tables' and its post-load steps'
    warnings: tuple[str, ...]
    process: int = 0  # the id of the process that loaded it (a fleet may spread over several)

    @property
    def started(self) -> bool:
        return self.status != "not started"


@dataclass
class AccountRun:
    account: Account
    report: SyncReport
    code: int = EXIT_OK
    error: str | None = None  # why the whole account failed (its tables' failures are in the report)
    seconds: float = 0.0
    started: bool = False

    @property
    def status(self) -> str:
        if not self.started:
            return "not started"
        if self.code == EXIT_ALREADY_RUNNING:
            return "already running"
        if self.error is not None or self.code == EXIT_FAILED:
            return "failed"
        if self.code == EXIT_BUDGET_EXHAUSTED:
            return "out of budget"
        return "stopped" if self.code > 128 else "done"

    def outcome(self) -> AccountOutcome:
        report = self.report
        problems = [self.error] if self.error else []
        problems += [redact(line) for line in [*report.failed.values(), *report.post_load_failures]]
        return AccountOutcome(
            account=self.account.name,
            pipeline=self.account.pipeline_name,
            status=self.status,
            code=self.code,
            seconds=self.seconds,
            rows=sum(table.rows for table in report.tables.values()),
            requests=int(report.client_totals().get("requests_sent", 0)),
            errors=tuple(problems),
            warnings=tuple(report.warnings),
            process=os.getpid(),
        )


def for_account(options: RunOptions, system: str, source: Any, credentials: tuple[str, ...]) -> RunOptions:
    """`options` with the account's settings (--account), or as they are."""
    if options.account is None:
        return options
    return with_account(options, checked_account(system, options.account, source, credentials))


def with_account(options: RunOptions, account: Account) -> RunOptions:
    return replace(
        options,
        account=account.name,
        all_accounts=False,
        system=account.system,
        extra={**options.extra, **account.settings},
    )


def run_fleet(
    options: RunOptions, system: str, source: Any, credentials: tuple[str, ...], run_account: RunAccount
) -> int:
    """Every configured account of `system`, at most `[fleet] max_concurrent_accounts` at once; the summary says
    what each did. Settings are checked for every account before any loads: a typo stops the fleet, not one run."""
    from pipelines import fleet_processes  # it imports this module

    names = account_names(system)
    if not names:
        raise UsageError(
            f"--all-accounts: no account is configured; add [sources.{system}.accounts.<name>] sections (README)"
        )
    runs = [AccountRun(checked_account(system, name, source, credentials), SyncReport()) for name in names]
    limit = max_concurrent_accounts()
    worker = fleet_processes.is_worker()
    processes = 0 if worker else fleet_processes.worker_processes(len(runs))
    pages = min(options.checkpoint_pages, _fleet_checkpoint_pages(spread=worker or processes > 1))
    quiet = replace(options, progress=False, checkpoint_pages=pages)  # a line per account, not per table of each
    if worker:
        fleet_processes.load_share(runs, quiet, run_account, limit)
        return EXIT_OK
    started = time.monotonic()
    _announce(options, system, runs, limit, processes)
    printing = threading.Lock()

    def print_finished(outcome: AccountOutcome) -> None:
        with printing:
            _print_finished(outcome, options)

    if processes > 1:
        outcomes = fleet_processes.load_in_processes(runs, quiet, run_account, limit, processes, print_finished)
    else:
        with stop_on_signals(*(run.report for run in runs)):
            outcomes = load_accounts(runs, quiet, run_account, limit, print_finished)
    _print_summary(outcomes, time.monotonic() - started, options)
    return fleet_exit_code(outcomes)


def load_accounts(
    runs: list[AccountRun],
    options: RunOptions,
    run_account: RunAccount,
    limit: int,
    finished: Callable[[AccountOutcome], None],
) -> list[AccountOutcome]:
    """The accounts in threads, `limit` at once; `finished` hears of each as it ends. The caller decides what stops
    them (`stop_on_signals` on their reports)."""
    outcomes = []
    with ThreadPoolExecutor(limit, "account") as pool:
        futures = {pool.submit(_load, run, with_account(options, run.account), run_account): run for run in runs}
        for future in as_completed(futures):
            outcomes.append(futures[future].outcome())
            finished(outcomes[-1])
    return outcomes


def checked_account(system: str, name: str, source: Any, credentials: tuple[str, ...]) -> Account:
    """`name`'s settings; a misconfigured account is a UsageError naming the setting to fix."""
    try:
        return load_account(system, name, source, credentials)
    except (AccountError, ConfigValueCannotBeCoercedException) as error:
        raise UsageError(one_line(error)) from None


def max_concurrent_accounts() -> int:
    """`[fleet] max_concurrent_accounts`: how many accounts load at once."""
    limit = dlt.config.get("fleet.max_concurrent_accounts", int) or DEFAULT_MAX_CONCURRENT_ACCOUNTS
    if limit < 1:
        raise UsageError(f"fleet.max_concurrent_accounts is {limit}: set it to 1 or more")
    return limit


def _fleet_checkpoint_pages(spread: bool) -> int:
    """`[fleet] checkpoint_pages`; by default small in one process, a run's own when spread over processes."""
    pages = dlt.config.get("fleet.checkpoint_pages", int)
    if pages is not None and pages < 1:
        raise UsageError(f"fleet.checkpoint_pages is {pages}: set it to 1 or more")
    return pages or (CHECKPOINT_PAGES if spread else DEFAULT_FLEET_CHECKPOINT_PAGES)


def _load(run: AccountRun, options: RunOptions, run_account: RunAccount) -> None:
    if run.report.stop.is_set():  # a signal came before its turn: it is left for the next run
        return
    run.started = True
    started = time.monotonic()
    try:
        run_account(options, run.report)
        run.code = exit_code(run.report)
    except Exception as error:  # noqa: BLE001 - one account's failure is its own, the others go on
        run.error = options.named_for_account(redact(one_line(error, options.destination)))
        run.code = EXIT_ALREADY_RUNNING if isinstance(root_cause(error), AlreadyRunning) else EXIT_FAILED
    finally:
        run.seconds = time.monotonic() - started


def fleet_exit_code(outcomes: list[AccountOutcome]) -> int:
    codes = {outcome.code for outcome in outcomes}
    signalled = [code for code in codes if code > 128]
    if signalled:
        return signalled[0]
    return next((code for code in SEVERITY if code in codes), EXIT_OK)


def _announce(options: RunOptions, system: str, runs: list[AccountRun], limit: int, processes: int) -> None:
    names = [run.account.name for run in runs]
    if options.log_format == "json":
        emit_json("fleet_start", system=system, accounts=names, max_concurrent=limit, processes=processes)
        return
    spread = f" in {processes} processes" if processes > 1 else ""
    print(f"{system}: loading {len(names)} accounts ({', '.join(names)}), up to {limit} at once{spread}", flush=True)


def _print_finished(outcome: AccountOutcome, options: RunOptions) -> None:
    if options.log_format == "json":
        emit_json(
            "account",
            account=outcome.account,
            pipeline=outcome.pipeline,
            status=outcome.status,
            exit_code=outcome.code,
            seconds=round(outcome.seconds, 1),
            rows=outcome.rows,
            requests=outcome.requests,
            errors=list(outcome.errors),
            warnings=list(outcome.warnings),
            process=outcome.process,
        )
        return
    if not outcome.started:
        return
    print(
        f"{outcome.account}: {outcome.status} in {outcome.seconds:.1f} s, {outcome.rows:,} rows, "
        f"{outcome.requests} requests",
        flush=True,
    )
    for line in outcome.errors:
        print(f"error: {outcome.account}: {line}", file=sys.stderr, flush=True)


def _print_summary(outcomes: list[AccountOutcome], elapsed: float, options: RunOptions) -> None:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    slowest = max(outcomes, key=lambda outcome: outcome.seconds)
    rows = sum(outcome.rows for outcome in outcomes)
    if options.log_format == "json":
        emit_json(
            "fleet_summary",
            seconds=round(elapsed, 1),
            accounts=len(outcomes),
            statuses=counts,
            rows=rows,
            requests=sum(outcome.requests for outcome in outcomes),
            slowest={"account": slowest.account, "seconds": round(slowest.seconds, 1)},
        )
        return
    lines = [f"{'account':<24} {'status':<16} {'rows':>10} {'requests':>9} {'seconds':>8}"]
    for outcome in sorted(outcomes, key=lambda outcome: outcome.account):
        lines.append(
            f"{outcome.account:<24} {outcome.status:<16} {outcome.rows:>10,} {outcome.requests:>9} "
            f"{outcome.seconds:>8.1f}"
        )
        lines.extend(f"  warning: {line}" for line in outcome.warnings)
    tally = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    lines.append(
        f"{len(outcomes)} accounts ({tally}): {rows:,} rows in {elapsed:.1f} s; "
        f"the slowest, {slowest.account}, took {slowest.seconds:.1f} s"
    )
    print("\n".join(lines), flush=True)
