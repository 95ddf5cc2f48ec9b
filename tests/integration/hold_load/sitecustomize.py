"""Imported by every Python started with this folder on PYTHONPATH: with HOLD_LOAD_MARKER set, dlt's load step stops
for good once its first job has finished, after writing the marker file. A test then knows, without guessing from
timings, that the process is in the middle of loading (some tables written, others not) and kills it there.
"""

import os
import threading
from pathlib import Path

_MARKER = os.environ.get("HOLD_LOAD_MARKER")

if _MARKER:
    from dlt.load.load import Load

    _complete_jobs = Load.complete_jobs

    def _complete_jobs_then_hold(self, load_id, running_jobs, schema):
        remaining, finalized, pending_exception = _complete_jobs(self, load_id, running_jobs, schema)
        if finalized:
            Path(_MARKER).write_text(f"{load_id}: {len(finalized)} job(s) finished, {len(remaining)} running\n")
            threading.Event().wait()  # until the test kills the process
        return remaining, finalized, pending_exception

    Load.complete_jobs = _complete_jobs_then_hold
