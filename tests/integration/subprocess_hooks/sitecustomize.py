"""Imported by every Python started with this folder on PYTHONPATH, to put a pipeline script in a known situation:

- HOLD_LOAD_MARKER: dlt's load step stops for good once its first job has finished, after writing the marker file. A
  test then knows, without guessing from timings, that the process is in the middle of loading (some tables written,
  others not) and kills it there.
- INJECT_FAILURE=normalize|load: that step raises (load: once its first job has finished, some tables written).
- THREADS_AT_EXIT: at exit, after the interpreter has joined every non-daemon thread, the threads still alive and
  where each one waits are written to that file (a thread left waiting on the page budget, the rate limiter or a
  queue would be listed there; a non-daemon one would keep the process from ever getting there).
"""

import atexit
import os
import sys
import threading
import traceback
from pathlib import Path

_MARKER = os.environ.get("HOLD_LOAD_MARKER")
_FAILURE = os.environ.get("INJECT_FAILURE")
_THREADS = os.environ.get("THREADS_AT_EXIT")

if _MARKER or _FAILURE == "load":
    from dlt.load.load import Load

    _complete_jobs = Load.complete_jobs

    def _complete_jobs_then_act(self, load_id, running_jobs, schema):
        remaining, finalized, pending_exception = _complete_jobs(self, load_id, running_jobs, schema)
        if finalized and _FAILURE == "load":
            raise RuntimeError("injected failure in the load step")
        if finalized and _MARKER:
            Path(_MARKER).write_text(f"{load_id}: {len(finalized)} job(s) finished, {len(remaining)} running\n")
            threading.Event().wait()  # until the test kills the process
        return remaining, finalized, pending_exception

    Load.complete_jobs = _complete_jobs_then_act

if _FAILURE == "normalize":
    from dlt.normalize.normalize import Normalize

    def _fail(self, *args, **kwargs):
        raise RuntimeError("injected failure in the normalize step")

    Normalize.spool_schema_files = _fail

if _THREADS:

    def _dump_threads() -> None:
        frames = sys._current_frames()
        lines = []
        for thread in threading.enumerate():
            if thread is threading.main_thread():
                continue
            stack = "".join(traceback.format_stack(frames.get(thread.ident))) if thread.ident in frames else ""
            lines.append(f"--- {thread.name} (daemon={thread.daemon})\n{stack}")
        Path(_THREADS).write_text("\n".join(lines))

    atexit.register(_dump_threads)
