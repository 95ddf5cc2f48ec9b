"""The memory bounds make_pipeline gives a run's DuckDB connections (bench/README, scenario 5)."""

from __future__ import annotations

from pipelines.common import RunOptions, make_pipeline


def test_duckdb_connections_carry_the_memory_limit_and_drop_insertion_order(tmp_path):
    options = RunOptions(duckdb_path=tmp_path / "w.duckdb", pipelines_dir=str(tmp_path / "p"), progress=False)
    pipeline = make_pipeline("limits", options)
    with pipeline.sql_client() as client:
        limit, ordered = client.execute_sql(
            "select current_setting('memory_limit'), current_setting('preserve_insertion_order')"
        )[0]
    # DuckDB reports 256MB in MiB
    assert limit == "244.1 MiB"
    assert ordered is False
