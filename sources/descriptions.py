"""What each table and column holds, in words, where BI tools look for it.

Each system says what its tables and columns hold in `sources/<system>/descriptions.py`; the sources give those texts
to dlt as `description` hints, so `dlt pipeline <name> schema` shows them, and pipelines/comments.py writes them to
the warehouse as table and column comments after each load. This module holds what both systems share: the shape of
a table's texts, how they become hints, and the texts of dlt's own tables and columns, which dlt creates without
asking the sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The suffix dlt gives a column that holds the values of another type than its column's: `<column>__v_<type>`.
VARIANT_SEPARATOR = "__v_"


@dataclass(frozen=True)
class TableText:
    """A table's description and its columns' (column name -> what it holds, its unit, what it references)."""

    description: str
    columns: Mapping[str, str] = field(default_factory=dict)


# dlt's own bookkeeping, the same in every dataset dlt loads.
DLT_COLUMNS = {
    "_dlt_load_id": "dlt bookkeeping: the load that last wrote this row (_dlt_loads.load_id); BI can leave it out",
    "_dlt_id": "dlt bookkeeping: a random key unique to each row; BI can leave it out",
    # a history table's (dlt's scd2, sources/history.py)
    "_dlt_valid_from": "When this version became current: the load that first read it, UTC",
    "_dlt_valid_to": "When this version stopped being current: the load that read a newer one, or the deletion sweep "
    "that found the record gone, UTC; empty while it is current",
    # ours, named like dlt's (dlt's scd2 keeps no description on its version column)
    "_dlt_version_hash": "dlt bookkeeping: a hash of this version's values; a record read with another hash opens "
    "a new version",
}
DLT_TABLES = {
    "_dlt_loads": TableText(
        "dlt bookkeeping: one row per load into this dataset; a row's _dlt_load_id names the load that wrote it",
        {
            "load_id": "The load's id, a Unix timestamp as text (what the rows' _dlt_load_id hold)",
            "schema_name": "The dlt schema the load used (the pipeline's name)",
            "status": "0 once the load was committed",
            "inserted_at": "When the load was committed, UTC",
            "schema_version_hash": "The version of the schema the load used (_dlt_version.version_hash)",
        },
    ),
    "_dlt_version": TableText(
        "dlt bookkeeping: every version of the dataset's schema (tables, columns, their types and descriptions)",
        {
            "version": "The schema's version number, raised by each change",
            "engine_version": "The version of dlt's schema format",
            "inserted_at": "When this version was stored, UTC",
            "schema_name": "The dlt schema's name (the pipeline's name)",
            "version_hash": "A hash of this version's content",
            "schema": "The whole schema as JSON",
        },
    ),
    "_dlt_pipeline_state": TableText(
        "dlt bookkeeping: the pipeline's state after each load (cursors, custom-field columns, progress of "
        "unfinished tables), which a run on another machine restores",
        {
            "version": "The state's version number, raised by each change",
            "engine_version": "The version of dlt's state format",
            "pipeline_name": "The pipeline the state belongs to",
            "state": "The state, compressed and encoded as text",
            "created_at": "When this state was stored, UTC",
            "version_hash": "A hash of the state's content",
            **DLT_COLUMNS,
        },
    ),
}


def with_descriptions(columns: Mapping[str, dict[str, Any]], text: TableText) -> dict[str, dict[str, Any]]:
    """Column hints with each column's description from `text`; a described column without a hint gets one that
    only describes it (dlt gives it the type of its first value, and creates no column before one)."""
    hints = {
        name: {**hint, "description": text.columns[name]} if name in text.columns else dict(hint)
        for name, hint in columns.items()
    }
    for name, description in text.columns.items():
        hints.setdefault(name, {"name": name, "description": description})
    return hints


def annotated(description: str, source: str | None = None, referenced: str | None = None) -> str:
    """`description`, ending with where the value comes from in the API and which table's `id` it references, in
    its closing parenthesis if it has one."""
    notes = [source] if source else []
    if referenced:
        notes.append(f"references {referenced}.id")
    if not notes:
        return description
    if description.endswith(")"):
        return f"{description[:-1]}; {'; '.join(notes)})"
    return f"{description} ({'; '.join(notes)})"


def described_tables(schema: Any) -> dict[str, TableText]:
    """Every table of a dlt schema with what it and its columns hold: the schema's descriptions, dlt's own texts for
    its tables and columns, and for a variant column its column's, with the type it holds."""
    described = {}
    for name, table in schema.tables.items():
        own = DLT_TABLES.get(name)
        columns = {}
        for column_name, column in table.get("columns", {}).items():
            description = (own.columns.get(column_name) if own else None) or DLT_COLUMNS.get(column_name)
            description = description or column.get("description") or _variant(column_name, table["columns"])
            if description:
                columns[column_name] = description
        description = own.description if own else table.get("description")
        described[name] = TableText(description or "", columns)
    return described


def _variant(column: str, columns: Mapping[str, Mapping[str, Any]]) -> str | None:
    base, separator, data_type = column.rpartition(VARIANT_SEPARATOR)
    described = columns.get(base, {}).get("description") if separator else None
    if not described:
        return None
    return f"{described}. Values of type {data_type} that {base} could not hold (it keeps its first type)"
