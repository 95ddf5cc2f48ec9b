"""The memory bounds make_pipeline gives a run's DuckDB connections (bench/README, scenario 5)."""

from __future__ import annotations

import threading
import time

import dlt

from pipelines import memory
from pipelines.common import RunOptions, make_pipeline


def test_duckdb_connections_carry_the_memory_limit_and_drop_insertion_order(tmp_path):
    options = RunOptions(duckdb_path=tmp_path / "w.duckdb", pipelines_dir=str(tmp_path / "p"), progress=False)
    pipeline = make_pipeline("limits", options)
    with pipeline.sql_client() as client:
        limit, ordered = client.execute_sql(
            "select current_setting('memory_limit'), current_setting('preserve_insertion_order')"
        )[0]
    # DuckDB reports 128MB in MiB
    assert limit == "122.0 MiB"
    assert ordered is False


def test_each_step_of_a_run_starts_by_returning_freed_memory(tmp_path, monkeypatch):
    trims = []
    monkeypatch.setattr(memory, "return_freed_memory", lambda: trims.append(1))
    monkeypatch.setattr(memory, "TRIM_INTERVAL_SECONDS", 60)  # only the steps' own
    options = RunOptions(duckdb_path=tmp_path / "w.duckdb", pipelines_dir=str(tmp_path / "p"), progress=False)
    pipeline = make_pipeline("trims", options)
    pipeline.run([{"id": 1}], table_name="rows")
    steps = [step.step for step in pipeline.last_trace.steps]
    assert {"extract", "normalize", "load"} <= set(steps)
    assert len(trims) == len(steps)
    with pipeline.sql_client() as client:
        assert client.execute_sql("select id from rows") == [(1,)]


def test_freed_memory_is_returned_every_interval_while_a_run_runs_and_no_longer_after(tmp_path, monkeypatch):
    trims = []
    monkeypatch.setattr(memory, "return_freed_memory", lambda: trims.append(threading.current_thread().name))
    monkeypatch.setattr(memory, "TRIM_INTERVAL_SECONDS", 0.05)

    @dlt.resource(name="rows")
    def slow_rows():
        time.sleep(0.5)
        yield {"id": 1}

    options = RunOptions(duckdb_path=tmp_path / "w.duckdb", pipelines_dir=str(tmp_path / "p"), progress=False)
    make_pipeline("periodic", options).run(slow_rows())
    periodic = trims.count("return-freed-memory")
    assert periodic >= 3
    deadline = time.monotonic() + 5
    while any(t.name == "return-freed-memory" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name == "return-freed-memory" for t in threading.enumerate())
    time.sleep(0.2)
    assert trims.count("return-freed-memory") == periodic
