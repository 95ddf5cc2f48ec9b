"""What the fleet's parent makes of its worker processes' outcomes (pipelines/fleet_processes.py), workers faked."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from pipelines.accounts import Account
from pipelines.fleet import AccountRun
from pipelines.fleet_processes import _collect
from pipelines.stopping import EXIT_FAILED
from sources.report import SyncReport


@dataclass(eq=False)
class EndedWorker:
    exitcode: int

    def is_alive(self) -> bool:
        return False

    def terminate(self) -> None:
        raise AssertionError("an ended worker is not signalled")


def run_of(name: str) -> AccountRun:
    return AccountRun(Account("ploomes", name, {}), SyncReport(), started=True)


def test_a_workers_accounts_it_never_reported_fail_with_how_it_ended_and_the_reported_ones_keep_theirs():
    sent: queue.Queue = queue.Queue()
    reported = run_of("acme").outcome()
    sent.put(reported)  # sent just before the worker was killed
    killed, crashed = EndedWorker(-9), EndedWorker(1)
    workers = {killed: [run_of("acme"), run_of("beta")], crashed: [run_of("gamma")]}
    heard, collected = [], []

    _collect(workers, sent, heard.append, collected, SyncReport(), threading.Event())

    assert heard == collected
    outcomes = {outcome.account: outcome for outcome in collected}
    assert outcomes["acme"] == reported
    assert outcomes["beta"].status == "failed" and outcomes["beta"].code == EXIT_FAILED
    assert "killed by signal 9" in outcomes["beta"].errors[0]
    assert "exit code 1" in outcomes["gamma"].errors[0] and outcomes["gamma"].code == EXIT_FAILED
