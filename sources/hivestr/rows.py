"""One API record -> one warehouse row: nested objects become plain columns; and how a changed record is recognised."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sources.children import marker_row, stable_child_id

from .entities import Child, Nested, Row

_HASH_PREFIX = "sha256:"
_HASH_HEX_DIGITS = 16  # 64 bits: only ever compared with the same id's previous hash


def flatten(record: Row, nested: Nested, drop: tuple[str, ...] = ()) -> Row:
    """The record without the `nested` objects, whose mapped fields become columns (a top-level value wins)."""
    row = {key: value for key, value in record.items() if key not in nested and key not in drop}
    for name, columns in nested.items():
        inner = record.get(name)
        if not isinstance(inner, dict):
            continue
        for key, column in columns.items():
            if row.get(column) is None:
                row[column] = inner.get(key)
    return row


def child_rows(child: Child, parent_id: Any, items: list[Any]) -> list[Row]:
    """The parent's complete set of children; an empty set is one marker row that clears the old ones. An item
    without an `id` gets a key of its own (stable while it stays the same); one that is not an object is `value`."""
    if not items:
        return [marker_row(child.parent_key, parent_id)]
    rows = []
    for position, item in enumerate(items):
        fields = item if isinstance(item, dict) else {"value": item}
        row = flatten(fields, child.nested)
        if row.get("id") is None:
            row["id"] = str(stable_child_id(parent_id, position, fields))
        rows.append({**row, child.parent_key: parent_id})
    return rows


def fingerprint(record: Row, change_marker: str | None) -> str:
    """What the state remembers of a record: its change marker's value, else a hash of its whole content."""
    marker = record.get(change_marker) if change_marker else None
    if marker is not None:
        return str(marker)
    content = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return _HASH_PREFIX + hashlib.sha256(content.encode()).hexdigest()[:_HASH_HEX_DIGITS]
