"""--all-accounts over worker processes: the accounts' rows are processed on every core, not one.

A fleet's accounts mostly wait on their rate limits, but the Python work on their rows (decoding pages, flattening,
dlt's extract and normalize) holds one interpreter lock per process: ten accounts of 114,000 rows each, at the real
rate, took 1.38 times as long as one alone in one process on two cores (bench scenario 8). Here the accounts are
dealt to `[fleet] processes` processes (default: one per core, at most one per account); this one loads the first
share in threads as before, each worker process another share, and this process prints every account's line as it
ends. A DuckDB file takes one writing process at a time: into DuckDB the processes take turns on it
(pipelines/duckdb_turns.py).

A worker is the script itself, spawned (`multiprocessing`): it reads the same settings and checks them again, loads
its share, and sends each account's outcome back. SIGINT and SIGTERM reach this process, which stops its own share
and sends SIGTERM to the workers (which ignore the terminal's SIGINT, so that one Ctrl-C is one stop); a worker
that dies leaves its unfinished accounts failed in the summary, and dies with this process if it is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import math
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dlt

from pipelines.common import RunOptions, UsageError
from pipelines.duckdb_turns import take_turns_on_duckdb
from pipelines.fleet import AccountOutcome, AccountRun, RunAccount, load_accounts
from pipelines.stopping import EXIT_FAILED, stop_on_signals
from sources.http import install_log_redaction
from sources.http.stop import POLL_SECONDS
from sources.report import SyncReport

_PR_SET_PDEATHSIG = 1  # prctl(2)


@dataclass
class _Worker:
    """What a worker process was given: its accounts, how many at once, where their outcomes go."""

    accounts: set[str]
    limit: int
    outcomes: Any  # a multiprocessing queue


_worker: _Worker | None = None


def is_worker() -> bool:
    return _worker is not None


def worker_processes(accounts: int) -> int:
    """`[fleet] processes` (default: this machine's cores), at most one per account."""
    configured = dlt.config.get("fleet.processes", int)
    if configured is not None and configured < 1:
        raise UsageError(f"fleet.processes is {configured}: set it to 1 or more (or leave it out: one per core)")
    return max(1, min(configured or len(os.sched_getaffinity(0)), accounts))


def load_in_processes(
    runs: list[AccountRun],
    options: RunOptions,
    run_account: RunAccount,
    limit: int,
    processes: int,
    finished: Callable[[AccountOutcome], None],
) -> list[AccountOutcome]:
    """The accounts dealt to `processes` processes, this one included, at most `limit` loading at once in all."""
    if options.destination == "duckdb":
        take_turns_on_duckdb()
    shares = [runs[n::processes] for n in range(processes)]
    per_process = max(1, math.ceil(limit / processes))
    context = multiprocessing.get_context("spawn")  # this process runs threads already: no fork
    sent = context.Queue()
    workers = {
        context.Process(
            target=_work,
            args=(run_account.__module__, [run.account.name for run in share], per_process, options, sent),
            name=f"fleet-worker-{n}",
            daemon=True,
        ): share
        for n, share in enumerate(shares[1:], start=1)
    }
    for worker in workers:
        worker.start()
    relay = SyncReport()  # stopped only by a signal, which the workers then get too
    done = threading.Event()
    collected: list[AccountOutcome] = []
    collector = threading.Thread(
        target=_collect, args=(workers, sent, finished, collected, relay, done), name="fleet-collector", daemon=True
    )
    collector.start()
    try:
        # signals are this process's to handle until every worker is done, its own share long finished or not
        with stop_on_signals(relay, *(run.report for run in shares[0])):
            own = load_accounts(shares[0], options, run_account, per_process, finished)
            while collector.is_alive():
                collector.join(POLL_SECONDS)
    finally:
        done.set()
        for worker in workers:
            worker.join(timeout=10)
    return own + collected


def _collect(
    workers: dict[Any, list[AccountRun]],
    sent: Any,
    finished: Callable[[AccountOutcome], None],
    collected: list[AccountOutcome],
    relay: SyncReport,
    done: threading.Event,
) -> None:
    """Each worker's outcomes as they come; the accounts of a worker that ended without sending theirs, failed."""
    pending = {run.account.name: run for share in workers.values() for run in share}
    forwarded = False
    while pending and not done.is_set():
        if relay.stop.is_set() and not forwarded:
            forwarded = True
            for worker in workers:
                with contextlib.suppress(OSError):
                    worker.terminate()  # SIGTERM: the worker stops its share as a run stops, loading what it read
        try:
            outcome = sent.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if any(worker.is_alive() for worker in workers):
                continue
            with contextlib.suppress(queue.Empty):  # what a worker sent just before it ended
                while True:
                    outcome = sent.get(timeout=POLL_SECONDS)
                    if pending.pop(outcome.account, None) is not None:
                        collected.append(outcome)
                        finished(outcome)
            break
        if pending.pop(outcome.account, None) is not None:
            collected.append(outcome)
            finished(outcome)
    ended = {run.account.name: worker.exitcode for worker, share in workers.items() for run in share}
    for name, run in pending.items():
        collected.append(_lost(run, ended[name]))
        finished(collected[-1])


def _lost(run: AccountRun, exit_code: int | None) -> AccountOutcome:
    how = f"killed by signal {-exit_code}" if exit_code is not None and exit_code < 0 else f"exit code {exit_code}"
    return AccountOutcome(
        account=run.account.name,
        pipeline=run.account.pipeline_name,
        status="failed",
        code=EXIT_FAILED,
        seconds=0.0,
        rows=0,
        requests=0,
        errors=(f"its worker process ended ({how}) before the account was loaded; the next run loads it",),
        warnings=(),
    )


def _work(module: str, accounts: list[str], limit: int, options: RunOptions, outcomes: Any) -> None:
    """A worker process: the script's `run` with --all-accounts, which loads this worker's share (`load_share`)."""
    global _worker
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C reaches the parent, which says so
    logging.basicConfig(level=logging.DEBUG if options.debug else logging.WARNING, format="%(levelname)s %(message)s")
    install_log_redaction()
    if options.destination == "duckdb":
        take_turns_on_duckdb()
    _worker = _Worker(set(accounts), limit, outcomes)
    importlib.import_module(module).run(options)


def load_share(runs: list[AccountRun], options: RunOptions, run_account: RunAccount, limit: int) -> None:
    """In a worker: its accounts, each outcome sent to the parent as it ends."""
    assert _worker is not None
    share = [run for run in runs if run.account.name in _worker.accounts]
    # the parent's SIGTERM only (a terminal's SIGINT is ignored), and quietly: the parent said it
    with stop_on_signals(*(run.report for run in share), signals=(signal.SIGTERM,), announce=False):
        load_accounts(share, options, run_account, min(limit, _worker.limit), _worker.outcomes.put)


def _die_with_parent() -> None:
    """A worker whose parent was killed (a second Ctrl-C exits at once) must not go on loading alone."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
