"""Pages as Arrow tables: the types dlt's own normalizer would give, which dlt does not apply to Arrow data itself."""

from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa

from sources.arrow_pages import ColumnTypes, dlt_columns_adder, to_arrow

UTC = timezone.utc


def test_new_columns_take_their_first_value_type_and_iso_text_makes_a_timestamp():
    types: dict[str, str] = {}
    table = to_arrow(
        [
            {"id": 1, "name": "Ana", "amount": 2, "active": True, "tags": [{"TagId": 1}], "when": None, "empty": None},
            {
                "id": 2,
                "name": None,
                "amount": 2.5,
                "active": False,
                "tags": [],
                "when": "2023-03-07T12:39:44.957-03:00",
            },
        ],
        types,
    )
    assert types == {
        "id": "bigint",
        "name": "text",
        "amount": "bigint",
        "active": "bool",
        "tags": "json",
        "when": "timestamp",
        "amount__v_double": "double",
    }
    assert "empty" not in table.column_names  # null in every row: no column, as dlt makes none
    assert table.column("tags").to_pylist() == ['[{"TagId":1}]', "[]"]
    assert table.column("when").to_pylist() == [None, datetime(2023, 3, 7, 15, 39, 44, 957000, tzinfo=UTC)]
    # 2.5 does not fit the bigint column the first row made: dlt's variant column takes it, the 2 stays
    assert table.column("amount").to_pylist() == [2, None]
    assert table.column("amount__v_double").to_pylist() == [None, 2.5]


def test_a_column_keeps_the_warehouse_type_and_values_are_coerced_as_dlt_coerces_them():
    types = ColumnTypes({"deals": {"amount": "double", "code": "text", "seen": "timestamp"}}).table("deals")
    table = to_arrow([{"amount": 3, "code": 42, "seen": "2024-01-02T03:04:05"}, {"amount": 1.5, "code": "x"}], types)
    assert table.column("amount").type == pa.float64() and table.column("amount").to_pylist() == [3.0, 1.5]
    assert table.column("code").to_pylist() == ["42", "x"]  # anything fits a text column
    # no zone offset: UTC, as dlt reads it
    assert table.column("seen").to_pylist() == [datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), None]
    assert table.column_names == ["amount", "code", "seen"]


def test_seven_fractional_digits_are_kept_to_the_microsecond():
    table = to_arrow([{"at": "2023-03-07T12:39:44.1234567-03:00"}, {"at": "2023-03-07T12:39:44-03:00"}], {})
    assert table.column("at").to_pylist() == [
        datetime(2023, 3, 7, 15, 39, 44, 123456, tzinfo=UTC),
        datetime(2023, 3, 7, 15, 39, 44, tzinfo=UTC),
    ]


def test_declared_hints_type_columns_the_warehouse_does_not_have_yet():
    known = ColumnTypes({"contacts": {"situacao_id": "bigint"}})
    types = known.table(
        "contacts",
        {
            "situacao_id": {"name": "situacao_id", "data_type": "text"},  # the warehouse's type wins
            "quando": {"name": "quando", "data_type": "timestamp"},
            "_deleted_at": {"name": "_deleted_at", "data_type": "timestamp"},
        },
    )
    table = to_arrow([{"situacao_id": 5, "quando": "2024-05-01T10:00:00-03:00"}], types)
    assert table.schema.field("situacao_id").type == pa.int64()
    assert table.column("quando").to_pylist() == [datetime(2024, 5, 1, 13, 0, tzinfo=UTC)]
    assert "_deleted_at" not in table.column_names


def test_types_of_a_dlt_schema():
    class Schema:
        tables = {"contacts": {"columns": {"id": {"name": "id", "data_type": "bigint"}, "partial": {"name": "x"}}}}

    assert ColumnTypes.of_schema(Schema()).table("contacts") == {"id": "bigint"}
    assert ColumnTypes.of_schema(None).table("contacts") == {}


def test_arrow_items_get_a_unique_row_key_and_a_place_for_the_load_id(monkeypatch):
    monkeypatch.delenv("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID", raising=False)
    monkeypatch.setenv("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    add = dlt_columns_adder()
    page = add(pa.table({"id": list(range(5000))}))
    assert page.column_names == ["id", "_dlt_id", "_dlt_load_id"]
    keys = page.column("_dlt_id").to_pylist()
    assert len(set(keys)) == 5000 and all(isinstance(k, str) and len(k) == 16 for k in keys)
    assert not page.schema.field("_dlt_id").nullable
    assert page.column("_dlt_load_id").null_count == 5000  # dlt's extract writes the load's id there
    page.validate(full=True)
    assert add(page) is page  # a key it already has is kept
    rows = [{"id": 1}]
    assert add(rows) is rows  # rows get both columns from dlt's normalizer


def test_no_row_key_when_dlt_is_configured_to_add_it(monkeypatch):
    monkeypatch.setenv("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID", "true")
    monkeypatch.setenv("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "false")
    page = pa.table({"id": [1, 2]})
    assert dlt_columns_adder()(page).column_names == ["id"]  # dlt adds `_dlt_id` once, and no `_dlt_load_id`
