"""`python -m bench.sync JOB_JSON`: one pipeline run in a fresh process; prints what it cost as one JSON line.

A job names the connector (`ploomes`, `hivestr`, or the `rest_api` baseline), the destination, a work directory
(the DuckDB file and dlt's pipelines_dir live there, so a second job with the same directory is an incremental
run), the dataset and the source settings. Its own process means its peak resident memory is the run's alone. With
`analytics`, the dbt build of the marts follows the load, timed apart as a scheduled run does it (dbt imported and
the project parsed in the run's process).
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import threading
import time
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path
from typing import Any

import dlt

from bench.clock import ScaledClock, ScaledTime
from pipelines.common import RunOptions


def _options(job: dict[str, Any]) -> RunOptions:
    workdir = Path(job["workdir"])
    return RunOptions(
        destination=job["destination"],
        duckdb_path=workdir / "warehouse.duckdb",
        pipelines_dir=str(workdir / "pipelines"),
        dataset_name=job["dataset"],
        tables=job.get("tables"),
        progress=False,
        analytics=False,  # the sync is measured alone; the dbt build after it, when asked for, apart (_build)
        extra=job["source"],
    )


def _run_fleet(job: dict[str, Any]) -> dict[str, Any]:
    """`ploomes_pipeline.py --all-accounts --log-format json`, its accounts configured as a user does (env); the
    figures of each account come from its JSON event."""
    from pipelines.ploomes_pipeline import run

    for name, settings in job["source"]["accounts"].items():
        for key, value in settings.items():
            os.environ[f"SOURCES__PLOOMES__ACCOUNTS__{name.upper()}__{key.upper()}"] = str(value)
    options = replace(_options(job), dataset_name=None, all_accounts=True, log_format="json", extra={})
    events = io.StringIO()
    with redirect_stdout(events):
        code = run(options)
    lines = [json.loads(line) for line in events.getvalue().splitlines()]
    accounts = {
        event["account"]: {key: event[key] for key in ("status", "seconds", "rows", "requests", "process", "errors")}
        for event in lines
        if event["event"] == "account"
    }
    processes = next(event["processes"] for event in lines if event["event"] == "fleet_start")
    return {"exit_code": code, "accounts": accounts, "processes": processes}


def _run_connector(job: dict[str, Any]) -> dict[str, Any]:
    options = _options(job)
    if job["connector"] == "ploomes":
        from pipelines.ploomes_pipeline import run_pipeline
    elif job["connector"] == "erp":
        from pipelines.erp_pipeline import run_pipeline
    else:
        from pipelines.hivestr_pipeline import run_pipeline
    if job.get("scaled_time"):
        options.extra = {**options.extra, "clock": ScaledClock(ScaledTime(**job["scaled_time"]))}
    report = run_pipeline(options)
    return {
        "tables": {name: {"rows": t.rows, "requests": t.requests} for name, t in sorted(report.tables.items())},
        "client": report.client_totals(),
        "out_of_budget": report.resume_at is not None,
    }


def _build(job: dict[str, Any]) -> dict[str, Any]:
    """The dbt build of the marts of what the job loaded, as build_after_load runs it."""
    from pipelines.analytics import build
    from pipelines.common import make_pipeline

    started = time.perf_counter()
    outcome = build(make_pipeline(job["connector"], _options(job)))
    return {"seconds": time.perf_counter() - started, "counts": outcome.counts, "failures": outcome.failures}


def _run_baseline(job: dict[str, Any]) -> dict[str, Any]:
    from bench.baseline import baseline_source

    options = _options(job)
    # The project's .dlt/config.toml tunes dlt's data writers and loader for our pipelines; the baseline keeps dlt's
    # defaults.
    os.environ.update(
        DATA_WRITER__BUFFER_MAX_ITEMS="5000", DATA_WRITER__DISABLE_COMPRESSION="false", LOAD__WORKERS="20"
    )
    destination = (
        dlt.destinations.duckdb(credentials=str(options.duckdb_path))
        if options.destination == "duckdb"
        else dlt.destinations.postgres()
    )
    pipeline = dlt.pipeline(
        pipeline_name="ploomes_rest_api",
        destination=destination,
        dataset_name=options.dataset_name,
        pipelines_dir=options.pipelines_dir,
    )
    pipeline.run(baseline_source(job["source"]["base_url"], job["source"]["api_key"], options.tables))
    counts = pipeline.last_trace.last_normalize_info.row_counts
    return {"tables": {name: {"rows": n} for name, n in sorted(counts.items()) if not name.startswith("_dlt")}}


class TreeMemory:
    """The peak of the memory of this process and its children together (a fleet's worker processes), sampled every
    `interval` seconds; this process's own exact peak resident memory (ru_maxrss) when it is higher. Every process's
    anonymous memory counts (spawned, the workers share none of it), the pages of files once: the ~90 MB of libraries
    (pyarrow's most) that each worker maps from the same files are in memory once, where adding up resident sizes
    would count them once a process. (Proportional set sizes would also share them with the simulators.)"""

    def __init__(self, interval: float = 0.2):
        self._interval = interval
        self._peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        # Linux reports ru_maxrss in KiB
        return max(self._peak_kb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024

    def _sample(self) -> None:
        while not self._done.wait(self._interval):
            sizes = [_resident_kb(pid) for pid in _tree(os.getpid())]
            anonymous, files = sum(size[0] for size in sizes), max((size[1] for size in sizes), default=0)
            self._peak_kb = max(self._peak_kb, anonymous + files)


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            pids += [p for child in task.read_text().split() for p in _tree(int(child))]
        except OSError:
            continue  # a thread or a child that ended meanwhile
    return pids


def _resident_kb(pid: int) -> tuple[int, int]:
    """A process's resident anonymous (and shared memory) pages, and its pages of files."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, 0
    kb = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.startswith("Rss")}
    return kb.get("RssAnon", 0) + kb.get("RssShmem", 0), kb.get("RssFile", 0)


def run(job: dict[str, Any]) -> dict[str, Any]:
    started_at, started = time.time(), time.perf_counter()
    runs = {"rest_api": _run_baseline, "ploomes_fleet": _run_fleet}
    with TreeMemory() as memory:
        result = runs.get(job["connector"], _run_connector)(job)
    result["seconds"] = time.perf_counter() - started
    result["started_at"] = started_at  # wall clock, to compare with the simulator's log
    result["peak_memory_mb"] = memory.peak_mb
    if job.get("analytics"):  # after the sync's figures: the build is not part of them
        result["analytics"] = _build(job)
    return result


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
