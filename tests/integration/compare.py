"""Compare warehouse rows with the simulator's records, value by value; one "every table" helper per system."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Collection, Mapping
from typing import Any

import pendulum

from pipelines.sync_runs import TABLE as SYNC_RUNS
from sources.ploomes.entities import ENTITIES
from sources.ploomes.rows import snake


def _normal(value: Any) -> Any:
    """One comparable form for an API value and its warehouse counterpart (instants in UTC, floats rounded)."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return pendulum.parse(value).in_timezone("UTC").replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "is_integer") and not isinstance(value, (int, bool)):  # Decimal
        return round(float(value), 6)
    return value


def assert_same_rows(
    records: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    table: str,
    skip: set[str],
    ignore_ids: set[Any] = frozenset(),
) -> None:
    """Every scalar API property of every record equals the row's snake_case column; rows whose id is in
    `ignore_ids` are left out (records deleted in the API that no deletion sweep has removed yet)."""
    by_id = {row["id"]: row for row in rows if row["id"] not in ignore_ids}
    assert sorted(by_id) == sorted(r["Id"] for r in records), f"{table}: ids differ"
    for record in records:
        row = by_id[record["Id"]]
        for key, value in record.items():
            if key in skip or isinstance(value, (list, dict)):
                continue
            column = snake(key)
            if column not in row:
                # dlt materialises a column once it has held a value; until then every row reads null
                assert value is None, f"{table}.{column} missing"
                continue
            got, want = _normal(row[column]), _normal(value)
            if isinstance(want, float) and isinstance(got, (int, float)):
                assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6), f"{table}.{column} id={record['Id']}"
            else:
                assert got == want, f"{table}.{column} id={record['Id']}: {got!r} != {want!r}"


def assert_same_content(records: list[dict[str, Any]], rows: list[dict[str, Any]], table: str) -> None:
    """The same rows, each matched by every scalar API property but `Id`: as a multiset of value tuples."""
    names = sorted({key for record in records for key, value in record.items() if key != "Id"} - {"OtherProperties"})

    def values(source: dict[str, Any], column_of) -> tuple:
        return tuple(repr(_normal(source.get(column_of(name)))) for name in names)

    want = sorted(values(record, lambda name: name) for record in records)
    got = sorted(values(row, snake) for row in rows)
    assert got == want, f"{table}: rows differ in content ({len(got)} rows, expected {len(want)})"


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# --- Ploomes: every table -----------------------------------------------------------------------------------------
REFERENCE_PROPERTIES = (
    ("ObjectValueId", "ObjectValueName"),
    ("UserValueId", "UserValueName"),
    ("ContactValueId", "ContactValueName"),
    ("ProductValueId", "ProductValueName"),
)


def custom_columns(warehouse, table: str) -> dict[str, str]:
    """FieldKey -> the column(s) the custom_fields table says the field became ("situacao_id, situacao_val")."""
    sql = f"select key, columns from {warehouse.dataset}.custom_fields where table_name = '{table}'"
    rows = warehouse.query(sql + " and columns is not null")
    return {row["key"]: row["columns"] for row in rows}


def expected_custom_values(field: dict, items: list[dict]) -> dict[str, object]:
    """Column suffix -> value the warehouse must hold for one field, derived from the API items independently of
    the source ("" for a plain column, "_id"/"_val" for references and options)."""
    for id_property, name_property in REFERENCE_PROPERTIES:
        if items[0].get(id_property) is not None:
            ids = [item[id_property] for item in items]
            names = [item[name_property] for item in items]
            if field.get("Multiple"):
                return {"_id": ",".join(map(str, ids)), "_val": ",".join(names)}
            return {"_id": ids[0], "_val": names[0]}
    native = field["Type"]["NativeType"]
    value = items[0][f"{native}Value"]
    return {"": pendulum.parse(value).in_timezone("UTC").naive() if native == "DateTime" else value}


def assert_custom_values(warehouse, sim, table: str, entity_id: int, records: list[dict], rows_by_id: dict) -> None:
    """Every custom field of every record sits in its column(s), value by value; unset fields read null."""
    columns = custom_columns(warehouse, table)
    fields = {f["Key"]: f for f in sim.fields(entity_id) if f.get("Dynamic", True) and f["Key"] in columns}
    for record in records:
        row = rows_by_id[record["Id"]]
        by_key: dict[str, list[dict]] = {}
        for item in record.get("OtherProperties") or []:
            by_key.setdefault(item["FieldKey"], []).append(item)
        for key, field in fields.items():
            names = columns[key].split(", ")
            if key not in by_key:
                assert all(row.get(c) is None for c in names), f"{table}.{names} id={record['Id']} should be null"
                continue
            base = names[0].removesuffix("_id")
            for suffix, want in expected_custom_values(field, by_key[key]).items():
                got, want = _normal(row[base + suffix]), _normal(want)
                close = isinstance(want, float) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)
                assert close or got == want, f"{table}.{base + suffix} id={record['Id']}: {got!r} != {want!r}"


def _child_records(child, parents: list[dict]) -> list[dict]:
    """A child table's rows as the API implies them: each item, its parent's id and inherited parent columns."""
    records = []
    for parent in parents:
        parent_row = {snake(key): value for key, value in parent.items()}
        inherited = {column: parent_row.get(column) for column in child.inherited}
        for item in parent.get(child.nav) or []:
            records.append({**item, **inherited, child.parent_key: parent["Id"]})
    return records


def assert_ploomes_matches(
    warehouse,
    sim,
    deleted: Mapping[str, set[int]] | None = None,
    *,
    skip: frozenset[str] = frozenset(),
    natives_only: frozenset[str] = frozenset(),
    children_by_content: bool = False,
    only: Collection[str] | None = None,
) -> None:
    """Every Ploomes table (or those in `only`, for a run that read only them) equals the simulator's data, row by
    row and value by value: entity tables (native and custom-field columns), their child tables and custom_fields.
    `deleted` (table -> ids) names rows of records deleted in the API, which stay until a deletion sweep removes
    them; they are left out. Tables in `skip` are not compared, those in `natives_only` without their custom fields;
    `children_by_content` matches child rows by their parent and values, not by `id` (for items the API sends
    without one)."""
    with warehouse.reading():
        _assert_ploomes_matches(warehouse, sim, deleted or {}, skip, natives_only, children_by_content, only)


def _assert_ploomes_matches(warehouse, sim, deleted, skip, natives_only, children_by_content, only) -> None:
    tables = warehouse.tables()
    for entity in ENTITIES:
        if entity.table in skip or (only is not None and entity.table not in only):
            continue
        records = list(sim.records(entity.path))
        if not records:
            assert entity.table not in tables or warehouse.count(entity.table) == 0, entity.table
            continue
        assert entity.table in tables, f"{entity.table} missing"
        rows = warehouse.rows(entity.table)
        assert_same_rows(records, rows, entity.table, set(entity.expands), deleted.get(entity.table, set()))
        if entity.fields_entity_id is not None and entity.table not in natives_only:
            rows_by_id = {row["id"]: row for row in rows}
            assert_custom_values(warehouse, sim, entity.table, entity.fields_entity_id, records, rows_by_id)
        for child in entity.children:
            children = _child_records(child, records)
            child_rows = warehouse.rows(child.table) if child.table in tables else []
            gone = deleted.get(entity.table, set())
            child_rows = [row for row in child_rows if row[child.parent_key] not in gone]
            if children_by_content:
                assert_same_content(children, child_rows, child.table)
            else:
                assert_same_rows(children, child_rows, child.table, set())
    if only is not None and "custom_fields" not in only:
        return
    fields = list(sim.fields())
    field_rows = warehouse.rows("custom_fields")
    assert sorted(row["id"] for row in field_rows) == sorted(f["Id"] for f in fields), "custom_fields: ids differ"
    names = {row["id"]: (row["key"], row["name"], row["entity_id"]) for row in field_rows}
    assert names == {f["Id"]: (f["Key"], f["Name"], f["EntityId"]) for f in fields}, "custom_fields: values differ"


# --- Hivestr: every table -----------------------------------------------------------------------------------------
# warehouse table -> the simulator's entity
HIVESTR_TABLES = {
    "inventory": "inventory",
    "inventory_media_schedules": "media_schedules",
    "clients": "clients",
    "client_notes": "notes",
    "proposals": "proposals",
    "proposal_items": "proposal_items",
    "pipeline_deals": "deals",
    "pipeline_deal_tasks": "tasks",
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _hivestr_normal(value: Any) -> Any:
    if isinstance(value, str) and _DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def assert_hivestr_rows(truth: list[dict], rows: list[dict], table: str, ignore_ids: set[Any] = frozenset()) -> None:
    """Every scalar field of every record equals its column; nested objects are checked through their columns."""
    by_id = {row["id"]: row for row in rows if row["id"] not in ignore_ids}
    assert sorted(by_id) == sorted(r["id"] for r in truth), f"{table}: ids differ"
    for record in truth:
        row = by_id[record["id"]]
        for key, value in record.items():
            if isinstance(value, (list, dict)) or key not in row:
                # nested objects become named columns (client -> client_id); a never-filled column may be absent
                assert isinstance(value, (list, dict)) or value is None or key in row, f"{table}.{key} missing"
                continue
            got, want = _hivestr_normal(row[key]), _hivestr_normal(value)
            assert got == want, f"{table}.{key} id={record['id']}: {got!r} != {want!r}"


def assert_hivestr_table_matches(warehouse, sim, table: str, ignore_ids: set[Any] = frozenset()) -> None:
    truth = list(sim.records(HIVESTR_TABLES[table]))
    rows = warehouse.rows(table) if truth or table in warehouse.tables() else []
    assert_hivestr_rows(truth, rows, table, ignore_ids)


def hivestr_reminders(sim) -> list[dict]:
    """What GET /pipeline/reminders lists right now (every user's)."""
    from simulators.hivestr import views

    ds = sim.dataset
    with ds.lock:
        now = ds.now()
        return [views.reminder(ds, row, now) for row in views.reminder_rows(ds, now).tolist()]


def assert_hivestr_matches(warehouse, sim, deleted: Mapping[str, set[str]] | None = None) -> None:
    """Every Hivestr table equals the simulator's data, row by row and value by value, reminders included.
    `deleted` (table -> ids): rows of deleted records a deletion sweep has not removed yet; they are left out."""
    deleted = deleted or {}
    with warehouse.reading():
        for table in HIVESTR_TABLES:
            assert_hivestr_table_matches(warehouse, sim, table, deleted.get(table, set()))
        assert_hivestr_rows(hivestr_reminders(sim), warehouse.rows("pipeline_reminders"), "pipeline_reminders")


# differ between loads of the same rows: load ids, and a history's version intervals, which are load times
DLT_ROW_COLUMNS = frozenset({"_dlt_load_id", "_dlt_id", "_dlt_valid_from", "_dlt_valid_to"})


def table_contents(warehouse) -> dict[str, list[dict[str, Any]]]:
    """Every table the pipeline produced (not dlt's own `_dlt_*`, nor `sync_runs`, the record of the runs
    themselves), its rows without dlt's per-load columns, by id."""
    tables = sorted(t for t in warehouse.tables() if not t.startswith("_dlt_") and t != SYNC_RUNS)
    contents = {}
    for table, rows in zip(
        tables, warehouse.query_all([f"select * from {warehouse.dataset}.{t}" for t in tables]), strict=True
    ):
        trimmed = [{column: value for column, value in row.items() if column not in DLT_ROW_COLUMNS} for row in rows]
        contents[table] = sorted(trimmed, key=lambda row: (str(row.get("id")), repr(sorted(row.items()))))
    return contents


def assert_same_tables(expected: dict[str, list[dict[str, Any]]], got: dict[str, list[dict[str, Any]]]) -> None:
    """The same tables holding the same rows; the message names the first table, row and column that differ."""
    assert sorted(got) == sorted(expected), f"tables differ: {sorted(set(got) ^ set(expected))}"
    for table, rows in expected.items():
        if got[table] == rows:
            continue
        assert len(got[table]) == len(rows), f"{table}: {len(got[table])} rows, expected {len(rows)}"
        for want, have in zip(rows, got[table], strict=True):
            differing = sorted(c for c in set(want) | set(have) if want.get(c, "<absent>") != have.get(c, "<absent>"))
            assert not differing, f"{table} id={want.get('id')}: {[(c, want.get(c), have.get(c)) for c in differing]}"
