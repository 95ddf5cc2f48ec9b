"""One API record -> one warehouse row (snake_case, custom fields as columns) plus its child-table rows.

Shapes our simulator never sends load instead of failing: a null or a single object where a list of children was
expected, child items without an `Id` (the seed guide's phones have none: they get a key from their parent's id, their
position and their content, stable while the item is), child items that are not objects, an `Id` sent as text. A
record without a usable `Id` cannot be merged: `UnloadableRecord` names it, and its table reports it.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import Any

from dlt.common.normalizers.naming.snake_case import NamingConvention

from sources.children import marker_row, stable_child_id
from sources.isolation import UnloadableRecord

from .custom_fields import CustomFieldMapper
from .entities import Child, Entity

_naming = NamingConvention()
# The suffix of a native property's column when a custom field already owns the plain name (see NativeColumns).
NATIVE_SUFFIX = "_native"


@lru_cache(maxsize=4096)
def snake(key: str) -> str:
    return _naming.normalize_identifier(key)


class NativeColumns:
    """Where each property of a table's records goes: its snake_case column, unless that column belongs to a custom
    field (a property that is neither declared nor seen before, named like a custom field's column): then
    `<column>_native`, so that neither overwrites the other. `renamed` lists those properties for a warning."""

    def __init__(self, entity: Entity, custom_columns: Collection[str]):
        self._declared = {snake(name) for name in entity.natives}
        self._custom = set(custom_columns)
        # property -> column; "" for the navigations that are not the row's own (custom fields, child lists)
        self.of: dict[str, str] = dict.fromkeys(("OtherProperties", *(child.nav for child in entity.children)), "")
        self.renamed: dict[str, str] = {}

    def used(self) -> set[str]:
        """The columns the properties seen so far were written to."""
        return {column for column in self.of.values() if column}

    def column(self, key: str) -> str:
        """The column of a property not seen before (then in `of`)."""
        column = snake(key)
        if column in self._custom and column not in self._declared:
            self.renamed[key] = column = column + NATIVE_SUFFIX
        self.of[key] = column
        return column


def record_id(table: str, record: Any) -> int:
    if not isinstance(record, dict):
        raise UnloadableRecord(table, None, "id", f"expected a JSON object, got {type(record).__name__}")
    value = record.get("Id")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UnloadableRecord(table, value, "id", "the record has no integer Id, so it cannot be merged") from None


def flatten(
    entity: Entity,
    record: dict[str, Any],
    mapper: CustomFieldMapper | None,
    columns: NativeColumns,
    expanded: Collection[str],
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The row and, for each child table whose navigation was `expanded`, the parent's complete set of children."""
    parent_id = record_id(entity.table, record)
    of = columns.of
    row = {}
    for key, value in record.items():
        column = of.get(key)
        if column is None:
            column = columns.column(key)
        if column:
            row[column] = value
    row["id"] = parent_id
    if mapper is not None:
        row.update(mapper.values(record.get("OtherProperties")))
    children = {
        child.table: _child_rows(entity.table, child, record, parent_id, row)
        for child in entity.children
        if child.nav in expanded
    }
    return row, children


def _child_rows(
    table: str, child: Child, record: dict[str, Any], parent_id: int, parent_row: dict[str, Any]
) -> list[dict[str, Any]]:
    items = record.get(child.nav)
    if isinstance(items, dict):
        items = [items]
    elif items is None:
        items = []
    elif not isinstance(items, list):
        raise UnloadableRecord(
            table, parent_id, snake(child.nav), f"expected a list of {child.table} items, got {type(items).__name__}"
        )
    if not items:
        return [marker_row(child.parent_key, parent_id)]
    inherited = {column: parent_row.get(column) for column in child.inherited}
    rows = []
    for position, item in enumerate(items):
        fields = item if isinstance(item, dict) else {"Value": item}
        row = {snake(key): value for key, value in fields.items()}
        if row.get("id") is None:
            row["id"] = stable_child_id(parent_id, position, fields)
        rows.append({**row, **inherited, child.parent_key: parent_id})
    return rows
