"""What a BI user browsing the warehouse finds: `id` first in every table, no column of the connector's own
bookkeeping among the data, and staging datasets that hold nothing once a load is done."""

from __future__ import annotations

import pytest

from pipelines.sync_runs import TABLE as RUNS_TABLE

# dlt's own columns: BI tools and analysts know the prefix; the analytics layer leaves them out.
DLT_PREFIX = "_dlt_"


def data_columns(warehouse) -> dict[str, list[str]]:
    """Each data table of the dataset (dlt's own tables aside) -> its columns in their order."""
    rows = warehouse.query(
        "select table_name, column_name from information_schema.columns "
        f"where table_schema = '{warehouse.dataset}' and table_name not like '\\_dlt\\_%' escape '\\' "
        "order by table_name, ordinal_position"
    )
    columns: dict[str, list[str]] = {}
    for row in rows:
        columns.setdefault(row["table_name"], []).append(row["column_name"])
    return columns


def staged_rows(warehouse) -> dict[str, int]:
    staging = f"{warehouse.dataset}_staging"
    tables = warehouse.query(f"select table_name from information_schema.tables where table_schema = '{staging}'")
    count = "select count(*) as n from {}.{}"
    return {
        t["table_name"]: warehouse.query(count.format(staging, t["table_name"]))[0]["n"]
        for t in tables
        if not t["table_name"].startswith(DLT_PREFIX)  # dlt keeps its schema version there
    }


def assert_clean(warehouse, expected_tables: int) -> None:
    columns = data_columns(warehouse)
    assert len(columns) >= expected_tables, sorted(columns)
    # every table of the CRM starts with its id; sync_runs, a table of runs, with the run's
    first = {table: cols[0] for table, cols in columns.items()}
    assert {table: column for table, column in first.items() if column != "id"} == {RUNS_TABLE: "run_id"}
    bookkeeping = {
        table: [c for c in cols if c.startswith("_") and not c.startswith(DLT_PREFIX) and c != "_deleted_at"]
        for table, cols in columns.items()
    }
    assert {table: cols for table, cols in bookkeeping.items() if cols} == {}
    staged = staged_rows(warehouse)
    assert staged, "no merge was staged: the test would prove nothing"
    assert {table: n for table, n in staged.items() if n} == {}


def test_ploomes_tables_start_with_id_and_staging_is_emptied(ploomes_sim, run_ploomes, warehouse):
    run_ploomes()
    contacts = list(ploomes_sim.records("Contacts"))
    ploomes_sim.update("Contacts", contacts[0]["Id"], {"Phones": []})  # a parent whose children are all gone
    ploomes_sim.update("Contacts", contacts[1]["Id"], {"Note": "Alterado"})
    run_ploomes()
    with warehouse.reading():
        assert_clean(warehouse, expected_tables=40)
        phones = warehouse.query(
            f"select count(*) as n from {warehouse.dataset}.contact_phones where contact_id = {contacts[0]['Id']}"
        )
    assert phones[0]["n"] == 0


@pytest.mark.parametrize("hivestr_config", [{"scale": 30}])
def test_hivestr_tables_start_with_id_and_staging_is_emptied(hivestr_sim, run_hivestr, warehouse):
    run_hivestr()
    client = next(iter(hivestr_sim.records("clients")))
    hivestr_sim.update("clients", client["id"], {"notes": "Cliente alterado"})
    run_hivestr()
    with warehouse.reading():
        assert_clean(warehouse, expected_tables=8)


def test_a_warehouse_loaded_under_the_former_flag_name_still_empties_children_and_stores_no_marker(
    ploomes_sim, run_ploomes, warehouse, monkeypatch
):
    import sources.children

    with monkeypatch.context() as before:  # the connector as it was: the flag had another name
        before.setattr(sources.children, "CLEARED_MARKER", "_parent_has_no_children")
        before.setattr(sources.children, "FORMER_MARKER_HINT", {})
        run_ploomes()
    with_phones = [c for c in ploomes_sim.records("Contacts") if c.get("Phones")]
    emptied = with_phones[0]["Id"]
    ploomes_sim.update("Contacts", emptied, {"Phones": []})
    run_ploomes()
    with warehouse.reading():
        phones = warehouse.rows("contact_phones")
        columns = set(warehouse.columns("contact_phones"))
    assert {"_parent_has_no_children", "_dlt_parent_cleared"} <= columns
    assert [row for row in phones if row["contact_id"] == emptied] == []
    assert [row for row in phones if row["id"] < 0] == []  # a marker row has the parent's id negated
    expected = sum(len(c.get("Phones") or []) for c in ploomes_sim.records("Contacts"))
    assert len(phones) == expected


@pytest.mark.parametrize("hivestr_config", [{"scale": 30}])
def test_a_hivestr_warehouse_loaded_under_the_former_flag_names_loads_again(
    hivestr_sim, run_hivestr, warehouse, monkeypatch
):
    import sources.children
    import sources.hivestr
    import sources.hivestr.snapshot

    former = "_no_longer_listed"
    with monkeypatch.context() as before:  # the connector as it was: the flags had other names
        before.setattr(sources.children, "CLEARED_MARKER", "_parent_has_no_children")
        before.setattr(sources.children, "FORMER_MARKER_HINT", {})
        before.setattr(sources.hivestr.snapshot, "NO_LONGER_LISTED", former)
        hint = {former: {"name": former, "data_type": "bool", "hard_delete": True}}
        before.setattr(sources.hivestr, "NO_LONGER_LISTED_HINT", hint)
        run_hivestr()
    report = run_hivestr()
    assert not report.failed and not report.skipped
    with warehouse.reading():
        assert {former, "_dlt_no_longer_listed"} <= set(warehouse.columns("pipeline_reminders"))
