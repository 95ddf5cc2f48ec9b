"""The memory bounds make_pipeline gives a run's DuckDB connections (bench/README, scenario 5)."""

from __future__ import annotations

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
    options = RunOptions(duckdb_path=tmp_path / "w.duckdb", pipelines_dir=str(tmp_path / "p"), progress=False)
    pipeline = make_pipeline("trims", options)
    pipeline.run([{"id": 1}], table_name="rows")
    steps = [step.step for step in pipeline.last_trace.steps]
    assert {"extract", "normalize", "load"} <= set(steps)
    assert len(trims) == len(steps)
    with pipeline.sql_client() as client:
        assert client.execute_sql("select id from rows") == [(1,)]
