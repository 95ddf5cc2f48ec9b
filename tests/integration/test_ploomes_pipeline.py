"""The Ploomes pipeline over loopback HTTP against the simulator, into real DuckDB and Postgres."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import pytest
from dlt.normalize.items_normalizers.arrow import ArrowItemsNormalizer

from simulators.core import LatencySettings
from sources.ploomes.entities import ENTITIES, ENTITIES_BY_TABLE
from tests.integration.compare import (
    assert_ploomes_matches,
    assert_same_rows,
    custom_columns,
    expected_custom_values,
)

INCREMENTAL = [e for e in ENTITIES if e.incremental]
LOOKUPS = [e for e in ENTITIES if not e.incremental]


def truth(sim, entity):
    return list(sim.records(entity.path))


def test_full_load_lands_every_table_exactly(run_ploomes, ploomes_sim, warehouse):
    report = run_ploomes()
    assert not report.skipped
    assert_ploomes_matches(warehouse, ploomes_sim)
    for entity in ENTITIES:
        assert report.tables[entity.table].rows == len(truth(ploomes_sim, entity))
    # line items: one row per product of each order, carrying the order's deal, owner and contact
    orders = truth(ploomes_sim, ENTITIES_BY_TABLE["orders"])
    expected = {(p["Id"], o["Id"], o.get("DealId"), o.get("OwnerId")) for o in orders for p in o.get("Products") or []}
    got = warehouse.query(f"select id, order_id, deal_id, owner_id from {warehouse.dataset}.order_products")
    assert {(r["id"], r["order_id"], r["deal_id"], r["owner_id"]) for r in got} == expected
    tables = warehouse.tables()
    assert "other_properties" not in tables and not any(t.startswith("contacts__") for t in tables)


def test_every_row_has_its_own_row_key_and_the_load_that_wrote_it(run_ploomes, ploomes_sim, warehouse, monkeypatch):
    rewritten = []
    rewrite = ArrowItemsNormalizer._write_with_dlt_columns

    def spied(self, extracted_file, table, add_dlt_id):
        rewritten.append(table)
        return rewrite(self, extracted_file, table, add_dlt_id)

    monkeypatch.setattr(ArrowItemsNormalizer, "_write_with_dlt_columns", spied)
    loads_sql = f"select load_id from {warehouse.dataset}._dlt_loads"
    run_ploomes()
    first_loads = {row["load_id"] for row in warehouse.query(loads_sql)}
    if warehouse.destination == "duckdb":
        # the pages' files carry every column in the table's order: dlt's normalize moves them as they are
        assert rewritten == []
    changed = truth(ploomes_sim, ENTITIES_BY_TABLE["contacts"])[3]["Id"]
    ploomes_sim.update("Contacts", changed, {"Name": "Renomeado"})
    run_ploomes(tables=["contacts"])
    second_loads = {row["load_id"] for row in warehouse.query(loads_sql)} - first_loads
    assert second_loads
    tables = sorted(t for t in warehouse.tables() if not t.startswith("_dlt") and t != "sync_runs")
    assert "contacts" in tables and "deals_history" in tables
    for table in tables:
        keys = warehouse.query(
            f"select count(*) as n, count(distinct _dlt_id) as keys, count(_dlt_load_id) as loaded "
            f"from {warehouse.dataset}.{table}"
        )[0]
        assert keys["n"] == keys["keys"] == keys["loaded"], table
        loaded_by = {
            row["load_id"]
            for row in warehouse.query(f"select distinct _dlt_load_id as load_id from {warehouse.dataset}.{table}")
        }
        assert loaded_by <= first_loads | second_loads, table
    by_load = {
        row["id"]: row["_dlt_load_id"]
        for row in warehouse.query(f"select id, _dlt_load_id from {warehouse.dataset}.contacts")
    }
    assert by_load.pop(changed) in second_loads
    assert set(by_load.values()) <= first_loads


def test_custom_fields_land_as_named_columns_with_typed_values(run_ploomes, ploomes_sim, warehouse):
    run_ploomes(tables=["contacts", "custom_fields"])
    columns = custom_columns(warehouse, "contacts")
    fields = {f["Key"]: f for f in ploomes_sim.fields("Contacts") if f.get("Dynamic", True)}
    assert set(columns) == set(fields)
    by_name = {fields[key]["Name"]: cols for key, cols in columns.items()}
    assert by_name["Email"] == "email_2"  # a native column is already called email
    # names that differ only by accents: the first by name keeps the plain name, the other gets a suffix
    assert by_name["Regiao"].split(", ")[0].removesuffix("_id") == "regiao"
    assert by_name["Região"].split(", ")[0].removesuffix("_id") == "regiao_2"
    rows = {row["id"]: row for row in warehouse.rows("contacts")}
    checked_types = set()
    for contact in truth(ploomes_sim, ENTITIES_BY_TABLE["contacts"]):
        row = rows[contact["Id"]]
        by_key: dict[str, list[dict]] = {}
        for item in contact.get("OtherProperties") or []:
            by_key.setdefault(item["FieldKey"], []).append(item)
        for key, field in fields.items():
            base = columns[key].split(", ")[0].removesuffix("_id")
            if key not in by_key:
                assert all(row.get(c) is None for c in columns[key].split(", ")), (key, contact["Id"])
                continue
            for suffix, want in expected_custom_values(field, by_key[key]).items():
                got = row[base + suffix]
                if isinstance(got, datetime):
                    got = got.astimezone(timezone.utc).replace(tzinfo=None) if got.tzinfo else got
                assert got == pytest.approx(want) if isinstance(want, float) else got == want, (key, suffix)
            checked_types.add((field["Type"]["NativeType"], field.get("Multiple", False), field["Type"].get("Name")))
    native_types = {native for native, _, _ in checked_types}
    assert {"String", "BigString", "Integer", "Decimal", "DateTime", "Bool"} <= native_types
    assert any(multiple for _, multiple, _ in checked_types)


@pytest.mark.parametrize("destination", ["duckdb"])  # the requests a run makes do not depend on the destination
def test_no_change_run_makes_one_request_per_incremental_table(run_ploomes, ploomes_sim, warehouse):
    run_ploomes()
    ploomes_sim.request_log.clear()
    report = run_ploomes()
    for entity in INCREMENTAL:
        assert report.tables[entity.table].requests == 1, entity.table
        assert report.tables[entity.table].rows == 0, entity.table
    # lookups are replaced: one request each (the count says when a page is the last), plus /Fields
    lookup_requests = sum(report.tables[e.table].requests for e in LOOKUPS)
    expected_lookup_pages = sum(max(1, -(-len(truth(ploomes_sim, e)) // 300)) for e in LOOKUPS)
    assert lookup_requests == expected_lookup_pages
    assert ploomes_sim.request_log.count() == len(INCREMENTAL) + expected_lookup_pages + 1


def test_incremental_run_fetches_only_changes_and_merges(run_ploomes, ploomes_sim, warehouse):
    run_ploomes()
    contacts = truth(ploomes_sim, ENTITIES_BY_TABLE["contacts"])
    changed = [contacts[0]["Id"], contacts[len(contacts) // 2]["Id"]]
    for contact_id in changed:
        ploomes_sim.update("Contacts", contact_id, {"Name": f"Renomeado {contact_id}"})
    new = ploomes_sim.insert("Contacts", {"Name": "Cliente Novo Ltda", "TypeId": 1})
    report = run_ploomes(tables=["contacts"])
    assert report.tables["contacts"].rows == 3
    rows = {r["id"]: r for r in warehouse.rows("contacts")}
    assert len(rows) == len(contacts) + 1
    assert all(rows[i]["name"] == f"Renomeado {i}" for i in changed)
    assert rows[new["Id"]]["name"] == "Cliente Novo Ltda"


def test_changed_line_items_are_replaced_exactly(run_ploomes, ploomes_sim, warehouse):
    run_ploomes(tables=["orders"])
    orders = [o for o in truth(ploomes_sim, ENTITIES_BY_TABLE["orders"]) if len(o.get("Products") or []) >= 2]
    emptied, trimmed = orders[0], orders[1]
    ploomes_sim.update("Orders", emptied["Id"], {"Products": []})
    ploomes_sim.update("Orders", trimmed["Id"], {"Products": trimmed["Products"][:1]})
    run_ploomes(tables=["orders"])
    by_order = {}
    for row in warehouse.query(f"select id, order_id from {warehouse.dataset}.order_products"):
        by_order.setdefault(row["order_id"], set()).add(row["id"])
    assert emptied["Id"] not in by_order
    assert by_order[trimmed["Id"]] == {trimmed["Products"][0]["Id"]}
    assert warehouse.count("order_products") == sum(
        len(o.get("Products") or []) for o in truth(ploomes_sim, ENTITIES_BY_TABLE["orders"])
    )


def test_changes_made_during_a_sync_converge_on_the_next_run(run_ploomes, ploomes_sim, warehouse):
    ploomes_sim.latency.settings = LatencySettings(per_request=0.02)
    contacts = truth(ploomes_sim, ENTITIES_BY_TABLE["contacts"])
    stop = threading.Event()

    def churn():
        i = 0
        while not stop.is_set() and i < 40:
            target = contacts[(i * 37) % len(contacts)]["Id"]
            ploomes_sim.update("Contacts", target, {"Name": f"Churn {i}"})
            ploomes_sim.insert("Contacts", {"Name": f"Inserido {i}", "TypeId": 2})
            i += 1
            time.sleep(0.01)

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        run_ploomes(tables=["contacts"], source={"page_size": 50, "max_ranges_per_table": 3, "min_pages_per_range": 1})
    finally:
        stop.set()
        worker.join()
    ploomes_sim.latency.settings = LatencySettings()
    run_ploomes(tables=["contacts"], source={"page_size": 50})
    assert_same_rows(
        truth(ploomes_sim, ENTITIES_BY_TABLE["contacts"]),
        warehouse.rows("contacts"),
        "contacts",
        {"OtherProperties", "Tags", "Phones"},
    )


def test_renamed_field_keeps_its_column_and_a_new_field_appears(run_ploomes, ploomes_sim, warehouse):
    run_ploomes(tables=["contacts", "custom_fields"])
    before = custom_columns(warehouse, "contacts")
    key = next(iter(before))
    ploomes_sim.rename_field(key, "Nome Totalmente Novo")
    added = ploomes_sim.add_field("Contacts", "Potencial de Compra", "Decimal")
    contact = truth(ploomes_sim, ENTITIES_BY_TABLE["contacts"])[3]
    ploomes_sim.update(
        "Contacts",
        contact["Id"],
        {"OtherProperties": [*contact.get("OtherProperties", []), {"FieldKey": added["Key"], "DecimalValue": 1234.5}]},
    )
    run_ploomes(tables=["contacts", "custom_fields"])
    after = custom_columns(warehouse, "contacts")
    assert after[key] == before[key]
    assert after[added["Key"]] == "potencial_de_compra"
    row = warehouse.query(f"select potencial_de_compra from {warehouse.dataset}.contacts where id = {contact['Id']}")
    assert row[0]["potencial_de_compra"] == pytest.approx(1234.5)


def test_full_refresh_rebuilds(run_ploomes, ploomes_sim, warehouse):
    run_ploomes(tables=["deals"])
    deal = truth(ploomes_sim, ENTITIES_BY_TABLE["deals"])[0]
    ploomes_sim.delete("Deals", deal["Id"])
    report = run_ploomes(tables=["deals"], full_refresh=True)
    remaining = truth(ploomes_sim, ENTITIES_BY_TABLE["deals"])
    assert report.tables["deals"].rows == len(remaining)
    assert warehouse.count("deals") == len(remaining)
    # the history went with deals, and the run says so
    assert any(line.startswith("deals_history: --full-refresh dropped it") for line in report.warnings)
    assert warehouse.count("deals_history") == len(remaining)


@pytest.mark.parametrize("sim_config", [{"forbidden_endpoints": ("Documents",), "absent_endpoints": ("Teams",)}])
def test_an_unreadable_entity_is_skipped_and_the_run_completes(run_ploomes, ploomes_sim, warehouse):
    report = run_ploomes(tables=["documents", "teams", "deals"])
    assert set(report.skipped) == {"documents", "teams"}
    assert warehouse.count("deals") == len(truth(ploomes_sim, ENTITIES_BY_TABLE["deals"]))
