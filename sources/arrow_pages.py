"""Pages of rows as Arrow tables, with the column types the warehouse already has.

dlt writes an Arrow table to parquet as it is and skips its per-row normalization, which was most of a first load's
local work (bench/README.md). dlt does not coerce Arrow data to a table's existing column types, though (a 2.5 lands
as 2 in a bigint column), so this module does for a page what dlt's normalizer does for rows: a column keeps the type
it was created with; a value of another type is coerced as dlt coerces it (`coerce_value`), and one that cannot be
goes to dlt's variant column `<column>__v_<type>`. A new column takes the type of its first value, and a text value
that is an ISO timestamp makes a timestamp column, as dlt's default `iso_timestamp` detection does.

Every row also gets dlt's row key `_dlt_id` here (`dlt_columns_adder`), while the tables are read, rather than in dlt's
normalize step: a file that has it, and every column of its table in the schema's order, is moved into the load
package as it is instead of being read and written again (a 114,000-row account's normalize: 0.7 -> 0.2 s,
bench/README.md).
"""

from __future__ import annotations

import base64
import itertools
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson
import pyarrow as pa
from dlt.common.configuration import resolve_configuration
from dlt.common.data_types.type_helpers import coerce_value, py_type_to_sc_type
from dlt.common.schema.detections import is_iso_timestamp
from dlt.common.schema.typing import C_DLT_ID, C_DLT_LOAD_ID
from dlt.common.schema.utils import dlt_id_column, dlt_load_id_column
from dlt.normalize.configuration import ItemsNormalizerConfiguration

ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "json": pa.string(),  # JSON text: a json column loads it as JSON on DuckDB and Postgres alike
}
_NONE = type(None)
# The Python types of values that go to a column of each type as they are; any other value is coerced one by one.
_FITS: dict[str, set[type]] = {
    "text": {str, _NONE},
    "bigint": {int, _NONE},
    "double": {float, int, _NONE},
    "bool": {bool, _NONE},
    "timestamp": {str, _NONE},  # ISO text, parsed a whole column at once
    "json": {list, dict, _NONE},
}
_TIMESTAMP_NS = pa.timestamp("ns", tz="UTC")
# dlt's own hints of its columns (NOT NULL; `_dlt_id` unique, the row key), declared so that a table has the same
# ones however its rows came: as Arrow (dlt_columns_adder) or as rows (dlt's normalizer adds both).
DLT_COLUMN_HINTS = {C_DLT_ID: dlt_id_column(), C_DLT_LOAD_ID: dlt_load_id_column()}
# 12 random bytes a key: 16 base64 characters without padding, so a page's keys are one encoding of one buffer.
_ROW_KEY_BYTES, _ROW_KEY_CHARS = 12, 16
_CONVERSION_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError)


class ColumnTypes:
    """table -> column -> dlt data type: the warehouse's (the pipeline's schema when the run began), then the
    columns this run adds. Each table's dict is written by one thread only: the resource that yields its rows."""

    def __init__(self, known: Mapping[str, Mapping[str, str]] | None = None):
        self._tables = {table: dict(columns) for table, columns in (known or {}).items()}
        self._lock = threading.Lock()

    @classmethod
    def of_schema(cls, schema: Any) -> ColumnTypes:
        """The types of a dlt schema's tables (None: a pipeline that never ran)."""
        if schema is None:
            return cls()
        return cls(
            {
                name: {column: c["data_type"] for column, c in table["columns"].items() if c.get("data_type")}
                for name, table in schema.tables.items()
            }
        )

    def table(self, name: str, declared: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, str]:
        """The column types of `name`, with the `declared` column hints' types for columns it does not have yet."""
        with self._lock:
            types = self._tables.setdefault(name, {})
        for column, hint in (declared or {}).items():
            if hint.get("data_type"):
                types.setdefault(column, hint["data_type"])
        return types


def to_arrow(rows: Sequence[Mapping[str, Any]], types: dict[str, str]) -> pa.Table:
    """One Arrow table of `rows` (columns in first-seen order; a column null in every row is left out), typed by
    `types`, which gains the page's new columns and variant columns."""
    names: list[str] = []
    arrays: list[pa.Array] = []
    for name in dict.fromkeys(itertools.chain.from_iterable(rows)):
        values = [row.get(name) for row in rows]
        if values.count(None) == len(values):
            continue  # dlt fills a column the item lacks with nulls; declared ones are created from their hints
        data_type = types.get(name)
        if data_type is None:
            data_type = types[name] = _new_column_type(next(v for v in values if v is not None))
        for column, array in _columns(name, values, data_type, types):
            names.append(column)
            arrays.append(array)
    return pa.Table.from_arrays(arrays, names=names)


def dlt_columns_adder() -> Callable[[Any], Any]:
    """A map for a resource's items: an Arrow table gains the columns dlt's normalize would otherwise add to it,
    as dlt is configured (`[normalize.parquet_normalizer]`): a random `_dlt_id` for each row, made here unless dlt
    is to add it; and an empty `_dlt_load_id` when dlt adds it, which dlt fills where the table has it (appended,
    it would follow the columns the table gained after it, and the file would need rewriting). Other items pass."""
    settings = resolve_configuration(ItemsNormalizerConfiguration(), sections=("normalize", "parquet_normalizer"))
    make_row_keys, hold_load_id = not settings.add_dlt_id, settings.add_dlt_load_id

    def add(item: Any) -> Any:
        if not isinstance(item, pa.Table):
            return item
        if make_row_keys and C_DLT_ID not in item.column_names:
            item = item.append_column(pa.field(C_DLT_ID, pa.string(), nullable=False), _row_keys(item.num_rows))
        if hold_load_id and C_DLT_LOAD_ID not in item.column_names:
            item = item.append_column(C_DLT_LOAD_ID, pa.nulls(item.num_rows, pa.string()))
        return item

    return add


def _row_keys(count: int) -> pa.Array:
    text = base64.b64encode(os.urandom(count * _ROW_KEY_BYTES))
    offsets = pa.array(range(0, count * _ROW_KEY_CHARS + 1, _ROW_KEY_CHARS), type=pa.int32())
    return pa.Array.from_buffers(pa.string(), count, [None, offsets.buffers()[1], pa.py_buffer(text)])


def concat(pages: Sequence[pa.Table]) -> pa.Table:
    """One table of pages made by `to_arrow` with the same `types`: a column one page lacks is null in its rows."""
    return pages[0] if len(pages) == 1 else pa.concat_tables(pages, promote_options="default")


def _new_column_type(value: Any) -> str:
    data_type = py_type_to_sc_type(type(value))
    if data_type == "text" and is_iso_timestamp(str, value):
        return "timestamp"
    return data_type


def _columns(name: str, values: list[Any], data_type: str, types: dict[str, str]) -> list[tuple[str, pa.Array]]:
    # pyarrow itself would take 2.5 into an int64 column as 2: only values of the column's own Python types go
    # straight to Arrow
    if {type(v) for v in values} <= _FITS.get(data_type, set()):
        try:
            return [(name, _array(values, data_type))]
        except _CONVERSION_ERRORS:
            pass
    # The slow path, value by value, only for a page holding a value the column's type does not take as it is.
    kept: list[Any] = [None] * len(values)
    variants: dict[str, list[Any]] = {}
    for index, value in enumerate(values):
        if value is None:
            continue
        value_type = py_type_to_sc_type(type(value))
        try:
            kept[index] = value if value_type == data_type else coerce_value(data_type, value_type, value)
        except (ValueError, TypeError):
            variants.setdefault(value_type, [None] * len(values))[index] = value
    columns = [(name, _array(kept, data_type))]
    for value_type, variant_values in variants.items():
        variant = f"{name}__v_{value_type}"
        types.setdefault(variant, value_type)
        columns.append((variant, _array(variant_values, types[variant])))
    return columns


def _array(values: list[Any], data_type: str) -> pa.Array:
    arrow_type = ARROW_TYPES.get(data_type)
    if arrow_type is None:
        raise ValueError(f"no Arrow type for dlt data type {data_type}")
    if data_type == "json":
        return pa.array([None if v is None else orjson.dumps(v).decode() for v in values], type=arrow_type)
    if data_type == "timestamp" and isinstance(next((v for v in values if v is not None), None), str):
        # Ploomes writes up to 7 fractional digits (.NET ticks): parsed at nanoseconds, kept to microseconds
        parsed = pa.array(values, type=pa.string()).cast(_TIMESTAMP_NS)
        return parsed.cast(arrow_type, safe=False)
    return pa.array(values, type=arrow_type)
