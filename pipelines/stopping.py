"""How a run ends: on SIGTERM or Ctrl-C it stops asking the API, loads what it read and exits; its exit code says how.

Exit codes: 0 done; 1 some table failed, or the run failed as a whole (one line each says what to do); 2 bad options;
3 another run of the pipeline is going; 75 the API's request budget ran out (run again after the time printed);
128 + the signal's number when a signal stopped it (130 for Ctrl-C, 143 for SIGTERM). A second signal exits at once:
whatever was not loaded yet is read again by the next run.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sources.http import Interrupted
from sources.report import SyncReport

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2  # a bad command-line option, as argparse exits
# Another run of the same pipeline is going (pipelines/run_lock.py): this one did nothing.
EXIT_ALREADY_RUNNING = 3
# The API's request budget ran out (EX_TEMPFAIL): what was read is loaded, and a run after the time the summary
# gives continues where this one stopped.
EXIT_BUDGET_EXHAUSTED = 75
SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(*reports: SyncReport, signals: tuple[int, ...] = SIGNALS, announce: bool = True) -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM (`signals`) stop the runs gracefully (each report's `stop`: several
    when the accounts of a fleet load at once); a second one exits now. `announce`: say so on stderr (a fleet's
    worker process leaves that to the process that told it to stop).

    Only the main thread can install signal handlers; elsewhere (a scheduler's worker thread) the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    received: list[int] = []

    def receive(signum: int, _frame: object) -> None:
        if received:
            os.write(2, b"error: stopped at once; the next run reads again what was not loaded\n")
            os._exit(128 + signum)
        received.append(signum)
        name = signal.Signals(signum).name
        if announce:
            said = f"{name}: stopping: no new requests; loading what was read (send {name} again to quit at once)\n"
            os.write(2, said.encode())
        for report in reports:
            report.stop.stop(Interrupted(signum))

    previous = {signum: signal.signal(signum, receive) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def exit_code(report: SyncReport) -> int:
    interrupted = report.stop.interrupted
    if interrupted is not None:
        return interrupted.exit_code
    if report.failed or report.post_load_failures:
        return EXIT_FAILED
    if report.resume_at is not None:
        return EXIT_BUDGET_EXHAUSTED
    return EXIT_OK
