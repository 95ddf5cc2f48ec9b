"""One run at a time per pipeline: two runs of one pipeline would load the same state and cursors twice over.

The lock is an flock on `<pipelines_dir>/<pipeline>.run.lock`, which the OS releases when the process ends in any
way (SIGKILL, a crash, a reboot): a lock left by a dead run blocks nothing. The holder writes who it is in the file,
so the run turned away can say which run holds it. The file sits beside the pipeline's working directory, not in it,
and is taken before `dlt.pipeline(...)`: dlt empties the working directory of a pipeline that has no state yet.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from dlt.common.pipeline import get_dlt_pipelines_dir


class AlreadyRunning(Exception):
    """Another run of this pipeline holds its lock; the message names it (pid, host, since when)."""


@contextmanager
def one_run_at_a_time(pipelines_dir: str | os.PathLike[str] | None, pipeline_name: str) -> Iterator[None]:
    """Holds the pipeline's run lock while the block runs; raises AlreadyRunning at once if another run holds it.

    `pipelines_dir`: the one given to `dlt.pipeline` (None: dlt's default)."""
    path = lock_path(pipelines_dir, pipeline_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    # "a+": opening must not truncate what the holder wrote before this run knows whether it is the holder
    with path.open("a+", encoding="utf-8") as lock:
        if not _take(lock.fileno()):
            raise AlreadyRunning(_held_by(path, pipeline_name))
        try:
            lock.truncate(0)
            lock.write(json.dumps(_holder()) + "\n")
            lock.flush()
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _take(descriptor: int) -> bool:
    # False, not AlreadyRunning raised here: its context would be the OS's error, which the run's one error line names
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_path(pipelines_dir: str | os.PathLike[str] | None, pipeline_name: str) -> Path:
    return Path(pipelines_dir or get_dlt_pipelines_dir()) / f"{pipeline_name}.run.lock"


def _holder() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _held_by(path: Path, pipeline_name: str) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        who = f"pid {holder['pid']} on {holder['host']}, running since {holder['since']}"
    except (OSError, ValueError, KeyError, TypeError):  # the holder is between taking the lock and writing in it
        who = "a run that has just started"
    return (
        f"pipeline {pipeline_name} is already running ({who}; lock {path}): this run stopped without reading or "
        "loading anything. Nothing to do if runs overlap now and then; if they always do, schedule them further apart"
    )
