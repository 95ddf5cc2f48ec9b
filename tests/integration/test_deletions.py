"""Deletion sweeps over loopback into DuckDB and Postgres: deleted records (and their children) are marked or
removed, nothing else changes, a sweep costs one request per 300 ids, and a record that comes back is live again."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from sources.deletions import DELETED_AT, DELETED_MARKER
from sources.ploomes import ploomes
from tests.integration.compare import as_json, assert_same_rows
from tests.integration.conftest import TEST_KEY

# parent table -> (simulator endpoint, child table, the child's parent key, the record's list of children)
FAMILIES = {
    "contacts": ("Contacts", "contact_phones", "contact_id", "Phones"),
    "orders": ("Orders", "order_products", "order_id", "Products"),
}
TABLES = [table for family in FAMILIES.items() for table in (family[0], family[1][1])]
# dlt's load columns, and the hard-delete flag a hard sweep adds (never stored as true: its rows are deleted)
DLT_COLUMNS = ("_dlt_load_id", "_dlt_id", DELETED_MARKER)


def snapshot(warehouse) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of the swept tables by id, without dlt's load columns (JSON parsed: DuckDB returns text)."""
    tables = {}
    for table in TABLES:
        rows = {}
        for row in warehouse.rows(table):
            rows[row["id"]] = {k: as_json(v) if k == "tags" else v for k, v in row.items() if k not in DLT_COLUMNS}
        tables[table] = rows
    return tables


def delete_some(sim) -> dict[str, list[int]]:
    """Delete a contact with phones, a contact without, and an order with products; returns the ids by table."""
    contacts = list(sim.records("Contacts"))
    orders = list(sim.records("Orders"))
    deleted = {
        "contacts": [
            next(c["Id"] for c in contacts if len(c["Phones"]) >= 2),
            next(c["Id"] for c in contacts if not c["Phones"]),
        ],
        "orders": [next(o["Id"] for o in orders if o["Products"])],
    }
    for table, ids in deleted.items():
        for record_id in ids:
            sim.delete(FAMILIES[table][0], record_id)
    return deleted


def sweep_requests(sim, endpoint: str) -> int:
    def is_sweep(query: str) -> bool:
        params = parse_qs(query)
        return params.get("$select") == ["Id"] and params.get("$orderby") == ["Id"]

    return sum(is_sweep(e.query) for e in sim.request_log.entries(path=f"/{endpoint}"))


def assert_only_these_marked(before, after, deleted: dict[str, list[int]]) -> None:
    """The deleted parents and their children carry `_deleted_at`; every value of every row is otherwise as before."""
    for parent, (_, child, parent_key, _) in FAMILIES.items():
        gone = set(deleted[parent])
        child_gone = {i for i, row in before[child].items() if row[parent_key] in gone}
        for table, marked in ((parent, gone), (child, child_gone)):
            assert after[table].keys() == before[table].keys(), table
            assert {i for i, row in after[table].items() if row[DELETED_AT] is not None} == marked, table
            for row_id, row in after[table].items():
                assert {**row, DELETED_AT: None} == before[table][row_id], f"{table} id={row_id}"


def assert_live_rows_match(sim, after) -> None:
    for parent, (endpoint, *_) in FAMILIES.items():
        live = [row for row in after[parent].values() if row[DELETED_AT] is None]
        assert_same_rows(list(sim.records(endpoint)), live, parent, {"OtherProperties", "Tags"})


def test_soft_sweep_marks_deleted_records_and_their_children_and_nothing_else(run_ploomes, ploomes_sim, warehouse):
    tables = list(FAMILIES)
    run_ploomes(tables=tables)
    loaded = snapshot(warehouse)
    assert all(row[DELETED_AT] is None for rows in loaded.values() for row in rows.values())
    deleted = delete_some(ploomes_sim)
    assert len([i for i, p in loaded["contact_phones"].items() if p["contact_id"] == deleted["contacts"][0]]) >= 2

    run_ploomes(tables=tables)  # no sweep: deletions go unnoticed
    assert snapshot(warehouse) == loaded

    ploomes_sim.request_log.clear()
    report = run_ploomes(tables=tables, sweep_deletions=True)
    swept = snapshot(warehouse)
    assert_only_these_marked(loaded, swept, deleted)
    assert_live_rows_match(ploomes_sim, swept)
    for parent, (endpoint, *_) in FAMILIES.items():
        assert report.tables[parent].deleted == len(deleted[parent])
        assert sweep_requests(ploomes_sim, endpoint) == -(-len(list(ploomes_sim.records(endpoint))) // 300)

    report = run_ploomes(tables=tables, sweep_deletions=True)  # nothing new was deleted: nothing changes
    assert snapshot(warehouse) == swept
    assert all(report.tables[parent].deleted == 0 for parent in FAMILIES)

    comeback = deleted["contacts"][0]
    ploomes_sim.restore("Contacts", comeback)
    run_ploomes(tables=tables, sweep_deletions=True)
    restored = snapshot(warehouse)
    assert restored["contacts"][comeback][DELETED_AT] is None
    phones = [p for p in restored["contact_phones"].values() if p["contact_id"] == comeback]
    assert phones and all(p[DELETED_AT] is None for p in phones)
    assert_live_rows_match(ploomes_sim, restored)


def test_hard_sweep_removes_deleted_records_and_their_children(run_ploomes, ploomes_sim, warehouse):
    tables = list(FAMILIES)
    run_ploomes(tables=tables)
    loaded = snapshot(warehouse)
    deleted = delete_some(ploomes_sim)
    report = run_ploomes(tables=tables, sweep_deletions=True, source={"deletions": "hard"})
    swept = snapshot(warehouse)
    assert not warehouse.query(f"select id from {warehouse.dataset}.contacts where {DELETED_MARKER} is not null")
    for parent, (_, child, parent_key, _) in FAMILIES.items():
        gone = set(deleted[parent])
        assert report.tables[parent].deleted == len(gone)
        assert swept[parent] == {i: row for i, row in loaded[parent].items() if i not in gone}
        assert swept[child] == {i: row for i, row in loaded[child].items() if row[parent_key] not in gone}
    assert_live_rows_match(ploomes_sim, swept)


def merge_statements(pipelines_dir, table: str) -> list[str]:
    """The SQL of the merge of `table` in the latest load that merged it."""
    jobs = sorted(
        pipelines_dir.glob(f"ploomes/load/loaded/*/completed_jobs/{table}.*.sql"), key=lambda p: p.parent.parent.name
    )
    return jobs[-1].read_text().splitlines()


def test_a_load_skips_dlts_deduplication_unless_a_sweep_may_stage_a_record_twice(
    run_ploomes, ploomes_sim, warehouse, tmp_path
):
    """Keyset paging stages each record once; a sweep may stage a record deleted after it was read a second time."""
    tables = list(FAMILIES)
    run_ploomes(tables=tables)
    for table in TABLES:
        assert not any("ROW_NUMBER()" in sql for sql in merge_statements(tmp_path / "pipelines", table)), table
    assert_live_rows_match(ploomes_sim, snapshot(warehouse))

    contact = next(c for c in ploomes_sim.records("Contacts") if c["Phones"])
    ploomes_sim.update("Contacts", contact["Id"], {"Name": "read again by the next run"})
    order = next(o for o in ploomes_sim.records("Orders") if o["Products"])
    ploomes_sim.update("Orders", order["Id"], {"Products": order["Products"][:1]})
    run_ploomes(tables=tables, sweep_deletions=True)
    for table in TABLES:
        assert any("ROW_NUMBER()" in sql for sql in merge_statements(tmp_path / "pipelines", table)), table
    after = snapshot(warehouse)
    assert_live_rows_match(ploomes_sim, after)
    assert after["contacts"][contact["Id"]]["name"] == "read again by the next run"
    assert [p["product_id"] for p in after["order_products"].values() if p["order_id"] == order["Id"]] == [
        order["Products"][0]["ProductId"]
    ]


def test_a_bad_deletions_setting_names_the_setting_and_the_choices():
    with pytest.raises(ValueError, match=r"sources.ploomes.deletions is 'archive': use 'soft' .* or 'hard'"):
        ploomes(api_key=TEST_KEY, deletions="archive")
