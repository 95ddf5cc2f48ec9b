"""Pipelines of one process loading into one DuckDB file at once (a fleet's accounts) take turns: their load steps
never overlap, as DuckDB's shared memory limit cannot hold several merges (pipelines/destinations.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

import dlt
import duckdb
import pytest
from dlt.pipeline import trace as dlt_trace

from pipelines.common import RunOptions, make_pipeline


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
