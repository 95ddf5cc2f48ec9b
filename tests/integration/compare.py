"""Compare warehouse rows with the simulator's records, value by value."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pendulum

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


def assert_same_rows(records: list[dict[str, Any]], rows: list[dict[str, Any]], table: str, skip: set[str]) -> None:
    """Every scalar API property of every record equals the row's snake_case column."""
    by_id = {row["id"]: row for row in rows}
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


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


DLT_ROW_COLUMNS = frozenset({"_dlt_load_id", "_dlt_id"})  # differ between loads of the same rows


def table_contents(warehouse) -> dict[str, list[dict[str, Any]]]:
    """Every table the pipeline produced (not dlt's own `_dlt_*`), its rows without dlt's per-load columns, by id."""
    tables = sorted(t for t in warehouse.tables() if not t.startswith("_dlt_"))
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
