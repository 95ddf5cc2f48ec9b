"""Hivestr deletions over loopback into DuckDB and Postgres: records missing from a complete listing (confirmed by a
404) are marked with their children, or removed in hard mode; the rest converges to the simulator exactly."""

from __future__ import annotations

from typing import Any

from sources.deletions import DELETED_AT, DELETED_MARKER
from sources.hivestr.entities import ENTITIES_BY_TABLE
from tests.integration.compare import HIVESTR_TABLES as TABLES
from tests.integration.compare import assert_hivestr_table_matches as assert_table_matches

PARENTS = {table: entity.child for table, entity in ENTITIES_BY_TABLE.items() if entity.child is not None}
IGNORED = ("_dlt_load_id", "_dlt_id", DELETED_MARKER)


class LiveRows:
    """The warehouse as BI sees it with `where _deleted_at is null`, for assert_table_matches."""

    def __init__(self, warehouse):
        self._warehouse = warehouse

    def rows(self, table: str) -> list[dict[str, Any]]:
        return [row for row in self._warehouse.rows(table) if row[DELETED_AT] is None]

    def tables(self) -> set[str]:
        return self._warehouse.tables()


def snapshot(warehouse) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        table: {row["id"]: {k: v for k, v in row.items() if k not in IGNORED} for row in warehouse.rows(table)}
        for table in TABLES
    }


def delete_some(sim) -> None:
    """A client with notes, proposals and deals (the simulator deletes them with it), another client's deal, and a
    TV or radio item with programme schedules."""
    notes = {n["client_id"] for n in sim.records("notes")}
    dealt = {d["client_id"] for d in sim.records("deals")}
    proposed = {p["client"]["id"] for p in sim.records("proposals")}
    client = next(c["id"] for c in sim.records("clients") if c["id"] in notes & dealt & proposed)
    tasked = {t["deal_id"] for t in sim.records("tasks")}
    deal = next(d["id"] for d in sim.records("deals") if d["client_id"] != client and d["id"] in tasked)
    scheduled = {m["inventory_id"] for m in sim.records("media_schedules")}
    item = next(i["id"] for i in sim.records("inventory") if i["id"] in scheduled)
    sim.delete("clients", client)
    sim.delete("deals", deal)
    sim.delete("inventory", item)


def gone_from_source(before, sim) -> dict[str, set[str]]:
    """Rows loaded before whose record no longer exists, and the children of those."""
    gone = {}
    for parent, child in PARENTS.items():
        gone[parent] = set(before[parent]) - {r["id"] for r in sim.records(TABLES[parent])}
        gone[child.table] = {i for i, row in before[child.table].items() if row[child.parent_key] in gone[parent]}
    return gone


def test_records_missing_from_a_complete_listing_are_marked_with_their_children(run_hivestr, hivestr_sim, warehouse):
    run_hivestr()
    before = snapshot(warehouse)
    delete_some(hivestr_sim)
    gone = gone_from_source(before, hivestr_sim)
    assert all(gone.values()), gone  # every table has a deleted record (or a deleted parent's child)

    hivestr_sim.request_log.clear()
    report = run_hivestr()
    after = snapshot(warehouse)
    for table in TABLES:
        marked = {i for i, row in after[table].items() if row[DELETED_AT] is not None}
        assert marked == gone[table], table
        for row_id in marked:
            assert {**after[table][row_id], DELETED_AT: None} == before[table][row_id], f"{table} id={row_id}"
        assert_table_matches(LiveRows(warehouse), hivestr_sim, table)
    for parent in PARENTS:
        assert report.tables[parent].deleted == len(gone[parent])
    # one confirming request per missing parent
    detail = ENTITIES_BY_TABLE["clients"].detail.format(id=next(iter(gone["clients"])))
    assert hivestr_sim.request_log.count(path=f"/api/v1{detail}") == 1

    report = run_hivestr()  # nothing new deleted: nothing changes
    assert snapshot(warehouse) == after
    assert all(report.tables[parent].deleted == 0 for parent in PARENTS)


def test_without_the_sweep_nothing_is_marked_and_hard_mode_removes_the_rows(run_hivestr, hivestr_sim, warehouse):
    run_hivestr()
    before = snapshot(warehouse)
    delete_some(hivestr_sim)
    gone = gone_from_source(before, hivestr_sim)

    run_hivestr(source={"sweep_deletions": False})
    kept = snapshot(warehouse)
    for parent in PARENTS:
        assert gone[parent] <= set(kept[parent]), parent  # still there, unmarked
        assert all(kept[parent][i][DELETED_AT] is None for i in gone[parent])

    run_hivestr(source={"deletions": "hard"})
    after = snapshot(warehouse)
    for table in TABLES:
        assert not gone[table] & set(after[table]), table
        assert_table_matches(warehouse, hivestr_sim, table)
