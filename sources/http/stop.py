"""A run's stop: once set, no thread of the run starts a request or keeps waiting for one.

A run has many threads (range readers, dlt's extract workers, retries sleeping out a backoff). Every wait among them
(the rate limiter, a retry's backoff, the page budget, a queue of pages) ends when the stop is set, so a run asked to
stop (SIGTERM, Ctrl-C) or failing for every table at once (refused credentials, host unreachable) ends in seconds
instead of leaving threads that the interpreter waits for at exit.
"""

from __future__ import annotations

import signal
import threading

# How often a thread blocked on a lock-free wait (a queue, a condition) looks at the stop.
POLL_SECONDS = 0.2


class RunStopped(Exception):
    """Raised in a thread of a run that was stopped; `reason` is why."""

    def __init__(self, reason: BaseException):
        super().__init__(str(reason))
        self.reason = reason


class Interrupted(Exception):
    """The run was asked to stop by a signal: what was read is loaded, and the next run continues."""

    def __init__(self, signum: int):
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


class RunStop:
    """Set once, with the first reason given: an `Interrupted`, or the error that no table can get past."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self.reason: BaseException | None = None

    def stop(self, reason: BaseException) -> None:
        with self._lock:
            if self.reason is None:
                self.reason = reason
        self._event.set()

    @property
    def event(self) -> threading.Event:
        """Set with the stop: for waits that take an event (`Clock.sleep(until=...)`)."""
        return self._event

    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise RunStopped if the run was stopped."""
        if self._event.is_set():
            raise RunStopped(self.reason or RuntimeError("the run was stopped"))

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the run was stopped meanwhile."""
        return self._event.wait(seconds)

    @property
    def interrupted(self) -> Interrupted | None:
        """The signal that stopped the run, if one did."""
        return self.reason if isinstance(self.reason, Interrupted) else None
