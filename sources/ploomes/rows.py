"""One API record -> one warehouse row (snake_case, custom fields as columns) plus its child-table rows."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dlt.common.normalizers.naming.snake_case import NamingConvention

from sources.children import marker_row

from .custom_fields import CustomFieldMapper
from .entities import Child, Entity

_naming = NamingConvention()


@lru_cache(maxsize=4096)
def snake(key: str) -> str:
    return _naming.normalize_identifier(key)


def native_columns(record: dict[str, Any], entity: Entity) -> set[str]:
    navs = set(entity.expands)
    return {snake(key) for key in record if key not in navs}


def flatten(
    entity: Entity, record: dict[str, Any], mapper: CustomFieldMapper | None
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    child_navs = {child.nav for child in entity.children}
    row = {snake(key): value for key, value in record.items() if key != "OtherProperties" and key not in child_navs}
    if mapper is not None:
        row.update(mapper.values(record.get("OtherProperties")))
    children = {child.table: _child_rows(child, record, row) for child in entity.children}
    return row, children


def _child_rows(child: Child, record: dict[str, Any], parent_row: dict[str, Any]) -> list[dict[str, Any]]:
    parent_id = record["Id"]
    inherited = {column: parent_row.get(column) for column in child.inherited}
    items = record.get(child.nav) or []
    if not items:
        return [marker_row(child.parent_key, parent_id)]
    return [
        {**{snake(key): value for key, value in item.items()}, **inherited, child.parent_key: parent_id}
        for item in items
    ]
