"""Pipelines loading into one DuckDB file at once (a fleet's accounts) take turns: in one process their load steps
never overlap, as DuckDB's shared memory limit cannot hold several merges (pipelines/destinations.py); processes
open the file one after the other (pipelines/duckdb_turns.py)."""

from __future__ import annotations

import fcntl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from dlt.pipeline import trace as dlt_trace

from pipelines import duckdb_turns
from pipelines.common import RunOptions, make_pipeline
from tests.integration.scripts import PROJECT_ROOT


class LoadSpans:
    """A tracking module after ours: each load step's start, after a pause in which another load could start, and
    its end."""

    def __init__(self) -> None:
        self.spans: dict[str, list[float]] = {}

    def on_start_trace(self, *args: Any) -> None:
        pass

    def on_start_trace_step(self, trace: Any, step: str, pipeline: Any) -> None:
        if step == "load":
            time.sleep(0.3)
            self.spans[pipeline.pipeline_name] = [time.monotonic()]

    def on_end_trace_step(self, trace: Any, step: Any, pipeline: Any, *args: Any) -> None:
        if step.step == "load":
            self.spans[pipeline.pipeline_name].append(time.monotonic())

    def on_end_trace(self, *args: Any) -> None:
        pass


@pytest.fixture
def load_spans():
    spans = LoadSpans()
    dlt_trace.TRACKING_MODULES.append(spans)
    yield spans
    dlt_trace.TRACKING_MODULES.remove(spans)


def test_two_pipelines_loading_one_duckdb_file_at_once_take_turns(tmp_path, load_spans):
    options = RunOptions(duckdb_path=tmp_path / "w.duckdb", pipelines_dir=str(tmp_path / "pipelines"))
    names = ["turns_a", "turns_b"]

    def load(name: str) -> None:
        rows = [{"id": n, "name": f"{name} {n}"} for n in range(1_000)]
        make_pipeline(name, options).run(dlt.resource(rows, name="rows", primary_key="id", write_disposition="merge"))

    threads = [threading.Thread(target=load, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    (first_start, first_end), (second_start, second_end) = sorted(load_spans.spans[name] for name in names)
    assert first_end <= second_start, load_spans.spans  # the second load began once the first had ended
    with duckdb.connect(str(options.duckdb_path)) as connection:
        for name in names:
            assert connection.execute(f"select count(*) from {name}.rows").fetchall() == [(1_000,)]


# A process of a fleet spread over processes (pipelines/fleet_processes.py): it takes turns on the file, and loads.
OTHER_PROCESS = """
import sys
import dlt
from pipelines import duckdb_turns
from pipelines import duckdb_turns
from pipelines.common import RunOptions, make_pipeline
from tests.integration.scripts import PROJECT_ROOT

duckdb_turns.take_turns_on_duckdb()
options = RunOptions(duckdb_path=sys.argv[1], pipelines_dir=sys.argv[2])
rows = [{"id": n} for n in range(100)]
resource = dlt.resource(rows, name="rows", primary_key="id", write_disposition="merge")
make_pipeline("other_process", options).run(resource)
"""
# A process that takes the file's turn, says so, and keeps it until it is killed.
HOLDER = """
import sys, time
from pipelines import duckdb_turns

duckdb_turns.take_turns_on_duckdb()
with duckdb_turns.kept_open_in_turn(sys.argv[1]):
    print("holding", flush=True)
    time.sleep(600)
"""


def python(code: str, *args: str, **popen: Any) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, text=True, **popen)


def turn_is_free(path: Path) -> bool:
    with open(f"{path}.turn", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(lock, fcntl.LOCK_UN)
        return True


def test_processes_taking_turns_open_the_file_one_after_the_other(tmp_path, monkeypatch):
    monkeypatch.setattr(duckdb_turns, "_taking_turns", True)
    options = RunOptions(duckdb_path=tmp_path / "w.duckdb", pipelines_dir=str(tmp_path / "pipelines"))
    pipeline = make_pipeline("this_process", options)
    pipeline.run(dlt.resource([{"id": 1}], name="rows", primary_key="id", write_disposition="merge"))
    assert turn_is_free(options.duckdb_path)  # the load closed the file, and gave its turn back

    with duckdb_turns.kept_open_in_turn(options.duckdb_path):
        with pipeline.sql_client() as client:  # opened again in the same turn
            assert client.execute_sql("select count(*) from rows") == [(1,)]
        # a second process would fail at once to open the file held here ("Could not set lock"): it waits instead
        other = python(OTHER_PROCESS, str(options.duckdb_path), options.pipelines_dir, stderr=subprocess.PIPE)
        time.sleep(1.5)
        assert other.poll() is None, other.stderr.read()
    assert other.wait(timeout=60) == 0, other.stderr.read()

    with duckdb.connect(str(options.duckdb_path)) as connection:
        assert connection.execute("select count(*) from this_process.rows").fetchall() == [(1,)]
        assert connection.execute("select count(*) from other_process.rows").fetchall() == [(100,)]


def test_the_turn_of_a_killed_process_passes_to_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(duckdb_turns, "_taking_turns", True)
    path = tmp_path / "w.duckdb"
    holder = python(HOLDER, str(path), stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == "holding\n"
        assert not turn_is_free(path)
    finally:
        holder.kill()
        holder.wait()
    started = time.monotonic()
    with duckdb_turns.kept_open_in_turn(path):
        assert time.monotonic() - started < 5
        assert not turn_is_free(path)
    assert turn_is_free(path)
