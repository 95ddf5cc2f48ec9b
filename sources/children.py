"""Child tables that stay exact when a parent reloads: its children are replaced as a set, even by an empty set.

A child table merges on the parent's key (`merge_key`): every reload of a parent carries all its children, so
dlt's merge deletes what the parent had before and inserts what it has now. A parent whose list became empty has no
child row to carry its key, so it sends one marker row flagged for hard delete: the merge deletes the old children by
the parent key and stores nothing for the marker. The flag's column must exist in the table for the merge to read it:
it is named like dlt's own bookkeeping columns (`_dlt_...`), which BI users already pass over, and comes last.
"""

from __future__ import annotations

import hashlib
from typing import Any

import dlt
import orjson

CLEARED_MARKER = "_dlt_parent_cleared"
# The flag's name until 3 December 2026. A warehouse loaded before keeps that column, hinted as the hard-delete flag
# in its stored schema, and dlt allows one flag a table: the old column is told it is one no longer. Without a type
# the hint creates no column where there is none.
FORMER_MARKER_HINT = {
    "_parent_has_no_children": {
        "name": "_parent_has_no_children",
        "hard_delete": False,
        "description": "Connector bookkeeping, no longer used: always null (the former name of _dlt_parent_cleared)",
    }
}
CLEARED_MARKER_DESCRIPTION = (
    "Connector bookkeeping: the flag that tells a merge to delete a parent's children when its list became empty; "
    "never set in a stored row (always null)"
)
_POSITIVE_INT64 = (1 << 63) - 1


def marker_row(parent_key: str, parent_id: Any, primary_key: str = "id") -> dict[str, Any]:
    # The marker needs a primary key of its own, of the key column's type; it is never stored.
    marker_id = -parent_id if isinstance(parent_id, int) else f"cleared:{parent_id}"
    return {primary_key: marker_id, parent_key: parent_id, CLEARED_MARKER: True}


def stable_child_id(parent_id: Any, position: int, item: dict[str, Any]) -> int:
    """A positive 63-bit key for a child item the API sends without `id`: the same while the item and its place in
    its parent's list stay the same (a parent's children are replaced as a set whenever the parent changes)."""
    content = orjson.dumps(item, option=orjson.OPT_SORT_KEYS, default=str)
    digest = hashlib.blake2b(b"%s:%d:" % (str(parent_id).encode(), position) + content, digest_size=8).digest()
    return int.from_bytes(digest, "big") & _POSITIVE_INT64 or 1


def references(columns_to_tables: dict[str, str], key: str | None = "id") -> list[dict[str, Any]]:
    """dlt table references (column -> table's `key`; None: the column of the same name, as the ERP's `id_cliente`),
    so `dlt pipeline <name> schema` draws the relationships.

    dlt keeps one reference per pair of tables, so the first column naming a table stands for the others
    (a deal's `contact_id` for its `person_id`).
    """
    first_by_table: dict[str, str] = {}
    for column, table in columns_to_tables.items():
        first_by_table.setdefault(table, column)
    return [
        {"columns": [column], "referenced_table": table, "referenced_columns": [key or column]}
        for table, column in first_by_table.items()
    ]


def child_table_hints(
    table: str,
    parent_key: str,
    refs: dict[str, str],
    columns: dict[str, dict[str, Any]] | None = None,
    table_hints: dict[str, Any] | None = None,
    primary_key: str = "id",
    referenced_key: str | None = "id",
) -> Any:
    """dlt hints of a child table, merged on `parent_key` (its rows' `primary_key` identifies each; `refs` name the
    tables whose `referenced_key` its columns hold, see `references`)."""
    return dlt.mark.make_hints(
        table_name=table,
        write_disposition="merge",
        primary_key=primary_key,
        merge_key=parent_key,
        columns={
            **(columns or {}),  # declared `id` first: dlt keeps the order it first met columns in
            **FORMER_MARKER_HINT,
            CLEARED_MARKER: {
                "name": CLEARED_MARKER,
                "data_type": "bool",
                "hard_delete": True,
                "description": CLEARED_MARKER_DESCRIPTION,
            },
        },
        references=references(refs, referenced_key),
        additional_table_hints=table_hints,
    )
