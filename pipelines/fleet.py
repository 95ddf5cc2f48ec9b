"""--account and --all-accounts: the accounts of one system (pipelines/accounts.py), one pipeline and dataset each.

--all-accounts loads them in one process, concurrently: each account has its own API rate limit, so a fleet takes
about as long as its slowest account. `[fleet] max_concurrent_accounts` bounds how many load at once (memory grows
with each). An account that fails, or is already being loaded by another run, never stops the others; the fleet's
summary has a line per account, and its exit code is the most serious of theirs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import Any

import dlt
from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException

from pipelines.accounts import Account, AccountError, account_names, load_account
from pipelines.common import RunOptions, UsageError, one_line, root_cause
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
# Pages each table of an account reads before the account commits what it read (a run alone: CHECKPOINT_PAGES).
# Accounts of the same size finish reading together, and each then normalized and loaded its whole load at once,
# one after the other in this process: ten accounts of 114,000 rows took twice as long as one, the second half
# spent after the last request, and held ten loads' memory at once. Small checkpoints load while others read.
DEFAULT_FLEET_CHECKPOINT_PAGES = 25
# Which account's exit code the fleet's is, most serious first (a signal's, 128 + n, comes before all).
SEVERITY = (EXIT_FAILED, EXIT_ALREADY_RUNNING, EXIT_BUDGET_EXHAUSTED, EXIT_OK)

# Loads one account: the script's `run_pipeline(options, report)`.
RunAccount = Callable[[RunOptions, SyncReport], Any]


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
    names = account_names(system)
    if not names:
        raise UsageError(
            f"--all-accounts: no account is configured; add [sources.{system}.accounts.<name>] sections (README)"
        )
    runs = [AccountRun(checked_account(system, name, source, credentials), SyncReport()) for name in names]
    limit = max_concurrent_accounts()
    started = time.monotonic()
    _announce(options, system, runs, limit)
    # a line per account, not per table of each
    quiet = replace(options, progress=False, checkpoint_pages=min(options.checkpoint_pages, _fleet_checkpoint_pages()))
    with stop_on_signals(*(run.report for run in runs)), ThreadPoolExecutor(limit, "account") as pool:
        futures = {pool.submit(_load, run, with_account(quiet, run.account), run_account): run for run in runs}
        for future in as_completed(futures):
            _print_finished(futures[future], options)
    _print_summary(runs, time.monotonic() - started, options)
    return fleet_exit_code(runs)


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


def _fleet_checkpoint_pages() -> int:
    pages = dlt.config.get("fleet.checkpoint_pages", int) or DEFAULT_FLEET_CHECKPOINT_PAGES
    if pages < 1:
        raise UsageError(f"fleet.checkpoint_pages is {pages}: set it to 1 or more")
    return pages


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


def fleet_exit_code(runs: list[AccountRun]) -> int:
    codes = {run.code for run in runs}
    signalled = [code for code in codes if code > 128]
    if signalled:
        return signalled[0]
    return next((code for code in SEVERITY if code in codes), EXIT_OK)


def _announce(options: RunOptions, system: str, runs: list[AccountRun], limit: int) -> None:
    names = [run.account.name for run in runs]
    if options.log_format == "json":
        emit_json("fleet_start", system=system, accounts=names, max_concurrent=limit)
    else:
        print(f"{system}: loading {len(names)} accounts ({', '.join(names)}), up to {limit} at once", flush=True)


def _rows(run: AccountRun) -> int:
    return sum(table.rows for table in run.report.tables.values())


def _requests(run: AccountRun) -> int:
    return int(run.report.client_totals().get("requests_sent", 0))


def _problems(run: AccountRun) -> list[str]:
    """The account's failures, one line each: its own, then its tables' and its post-load steps'."""
    lines = [run.error] if run.error else []
    return lines + [redact(line) for line in [*run.report.failed.values(), *run.report.post_load_failures]]


def _print_finished(run: AccountRun, options: RunOptions) -> None:
    if options.log_format == "json":
        emit_json(
            "account",
            account=run.account.name,
            pipeline=run.account.pipeline_name,
            status=run.status,
            exit_code=run.code,
            seconds=round(run.seconds, 1),
            rows=_rows(run),
            requests=_requests(run),
            errors=_problems(run),
            warnings=[*run.report.warnings],
        )
        return
    if not run.started:
        return
    print(
        f"{run.account.name}: {run.status} in {run.seconds:.1f} s, {_rows(run):,} rows, {_requests(run)} requests",
        flush=True,
    )
    for line in _problems(run):
        print(f"error: {run.account.name}: {line}", file=sys.stderr, flush=True)


def _print_summary(runs: list[AccountRun], elapsed: float, options: RunOptions) -> None:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.status] = counts.get(run.status, 0) + 1
    slowest = max(runs, key=lambda run: run.seconds)
    if options.log_format == "json":
        emit_json(
            "fleet_summary",
            seconds=round(elapsed, 1),
            accounts=len(runs),
            statuses=counts,
            rows=sum(_rows(run) for run in runs),
            requests=sum(_requests(run) for run in runs),
            slowest={"account": slowest.account.name, "seconds": round(slowest.seconds, 1)},
        )
        return
    lines = [f"{'account':<24} {'status':<16} {'rows':>10} {'requests':>9} {'seconds':>8}"]
    for run in sorted(runs, key=lambda run: run.account.name):
        lines.append(
            f"{run.account.name:<24} {run.status:<16} {_rows(run):>10,} {_requests(run):>9} {run.seconds:>8.1f}"
        )
        lines.extend(f"  warning: {line}" for line in run.report.warnings)
    tally = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    lines.append(
        f"{len(runs)} accounts ({tally}): {sum(_rows(run) for run in runs):,} rows in {elapsed:.1f} s; "
        f"the slowest, {slowest.account.name}, took {slowest.seconds:.1f} s"
    )
    print("\n".join(lines), flush=True)
