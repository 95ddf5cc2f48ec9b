"""Processes that take turns on one DuckDB file: a fleet's accounts spread over worker processes (fleet_processes).

DuckDB lets one process at a time open a file for writing; a second one's `connect` fails at once ("Could not set
lock on file"). While turns are taken (`take_turns_on_duckdb`), a process opens the warehouse only while it holds
the file's turn: an exclusive lock on `<file>.turn` (flock(2)), taken before its first connection to the file opens
and given back once its last one is closed, when DuckDB closes the database. Every opening counts: dlt's (its load
step, the state it reads before a run, `pipeline.sql_client()`, so the deletion sweep's reads and the run records)
through its DuckDB client (`take_turns_with`, pipelines/destinations.py), and dbt's build through `turn_on`.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from dlt.destinations.impl.duckdb.configuration import DuckDbConnectionPool

# How often a process waiting for the turn asks again (flock has no timeout; a blocking wait could not be stopped).
POLL_SECONDS = 0.02
# A turn never given back (a process hung while holding it): the waiting one fails, naming the file.
MAX_WAIT_SECONDS = 600.0

# Set only in the processes of a fleet into DuckDB, so every run of such a process loads into a DuckDB file.
_taking_turns = False


def take_turns_on_duckdb() -> None:
    """From now on, this process opens DuckDB files only in its turn."""
    global _taking_turns
    _taking_turns = True


def taking_turns() -> bool:
    return _taking_turns


class TurnTimeout(RuntimeError):
    pass


class _FileTurn:
    """This process's turn on one file: taken by its first user, given back by its last."""

    def __init__(self, path: str) -> None:
        self._lock_path = f"{path}.turn"
        self._changed = threading.RLock()  # an RLock: a pool closed by the garbage collector may give its turn back
        self._users = 0
        self._fd: int | None = None

    def take(self) -> None:
        with self._changed:
            if self._users == 0:
                self._fd = _locked(self._lock_path)
            self._users += 1

    def give_back(self) -> None:
        with self._changed:
            self._users -= 1
            if self._users == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None


def _locked(lock_path: str) -> int:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise TurnTimeout(
                    f"waited {MAX_WAIT_SECONDS:.0f} s for another process of this fleet to close the DuckDB file "
                    f"({lock_path}); is one of them hung?"
                ) from None
            time.sleep(POLL_SECONDS)


_turns: dict[str, _FileTurn] = {}
_turns_lock = threading.Lock()


def _turn(path: str) -> _FileTurn:
    key = str(Path(path).resolve())
    with _turns_lock:
        return _turns.setdefault(key, _FileTurn(key))


@contextmanager
def turn_on(path: str | Path) -> Iterator[None]:
    """Holds the file's turn (when turns are taken): for what opens the file outside dlt (dbt)."""
    if not _taking_turns:
        yield
        return
    turn = _turn(str(path))
    turn.take()
    try:
        yield
    finally:
        turn.give_back()


@contextmanager
def kept_open_in_turn(path: str | Path) -> Iterator[None]:
    """The file open in this process's turn, for steps that open and close it many times (dlt's load step opens it
    for each of its jobs: some 40 openings, 2.4 s of a 114,000-row account's load, where opening a database this
    process already has open costs nothing)."""
    if not _taking_turns:
        yield
        return
    with turn_on(path):
        held = duckdb.connect(str(path))
        try:
            yield
        finally:
            held.close()


class _TurnTakingPool(DuckDbConnectionPool):
    """dlt's pool of connections to one file, which holds the file's turn while its connection is open."""

    _holds_turn = False

    def borrow_conn(self, *args: Any, **kwargs: Any) -> Any:
        with self._conn_lock:
            if _taking_turns and self._conn is None and self._conn_owner and not self._holds_turn:
                _turn(self.credentials._conn_str()).take()
                self._holds_turn = True
            try:
                return super().borrow_conn(*args, **kwargs)
            except BaseException:
                if self._conn is None:
                    self._give_turn_back()
                raise

    def _close_conn(self) -> None:
        with self._conn_lock:
            super()._close_conn()
            self._give_turn_back()

    def _give_turn_back(self) -> None:
        if self._holds_turn:
            self._holds_turn = False
            _turn(self.credentials._conn_str()).give_back()


def take_turns_with(credentials: Any) -> None:
    """Gives dlt's DuckDB `credentials` (resolved for one of its clients) a pool that takes the file's turn, when
    turns are taken."""
    pool = getattr(credentials, "conn_pool", None)
    if _taking_turns and type(pool) is DuckDbConnectionPool and pool._conn is None and pool._conn_owner:
        credentials.conn_pool = _TurnTakingPool(credentials)
