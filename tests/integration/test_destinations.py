"""The warehouse's merge of a child table: exact, and by one DELETE per key (an OR of keys is a quadratic join)."""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest

from pipelines.common import make_pipeline
from tests.integration.conftest import run_options


def test_a_child_table_merge_replaces_a_parents_children_by_one_delete_per_key(warehouse, tmp_path):
    pipeline = make_pipeline("merge_check", run_options(warehouse, tmp_path))
    loads = (
        [{"id": 1, "contact_id": 10}, {"id": 2, "contact_id": 10}, {"id": 3, "contact_id": 20}],
        [{"id": 4, "contact_id": 10}, {"id": 3, "contact_id": 30}],  # contact 10's children now just 4; 3 moved
    )
    for rows in loads:
        phones = dlt.resource(rows, name="contact_phones", write_disposition="merge", primary_key="id")
        pipeline.run(phones.apply_hints(merge_key="contact_id"))

    stored = warehouse.query(f"select id, contact_id from {warehouse.dataset}.contact_phones order by id")
    assert [(row["id"], row["contact_id"]) for row in stored] == [(3, 30), (4, 10)]
    merge_jobs = Path(pipeline.working_dir).glob("load/loaded/*/completed_jobs/contact_phones.*.sql")
    statements = [line.strip() for job in merge_jobs for line in job.read_text().splitlines()]
    deletes = [statement for statement in statements if statement.startswith("DELETE")]
    assert len(deletes) == 4  # two loads, a DELETE for `id` and one for `contact_id` in each
    assert not any(" OR " in statement for statement in deletes)


@pytest.mark.parametrize("destination", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_postgres_tables_get_no_index_on_dlts_random_row_key(warehouse, tmp_path):
    """dlt's default gives `_dlt_id` a UNIQUE index in every table and its staging copy: two index insertions a row,
    for a key nothing queries (.dlt/config.toml `[destination.postgres] create_indexes`)."""
    pipeline = make_pipeline("index_check", run_options(warehouse, tmp_path))
    for rows in ([{"id": 1}, {"id": 2}], [{"id": 2}, {"id": 3}]):
        pipeline.run(dlt.resource(rows, name="contacts", write_disposition="merge", primary_key="id"))

    stored = warehouse.query(f"select id from {warehouse.dataset}.contacts order by id")
    assert [row["id"] for row in stored] == [1, 2, 3]
    indexes = warehouse.query(
        "select tablename, indexdef from pg_indexes "
        f"where schemaname in ('{warehouse.dataset}', '{warehouse.dataset}_staging')"
    )
    assert indexes == []
