"""Deletions: rows the warehouse holds whose record the source no longer returns, and what to write for them.

Neither CRM has a deleted-records feed; a deleted record simply stops being listed. A sweep compares the ids the
source lists now with the ids the warehouse holds (the warehouse is the truth of what was loaded; the source only
reads it) and emits rows for the difference, children included:

- soft (default): the row is written again, whole, with `_deleted_at` set to the sweep's time (dlt's merge replaces
  whole rows, so a partial `{id, _deleted_at}` row would null every other column). A record that comes back is
  merged without `_deleted_at`, which clears the mark. Its children are written again with `_deleted_at` too.
- hard: a row flagged for dlt's hard delete removes the parent; the children-cleared marker removes its children.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import dlt
import pendulum
from dlt.destinations.exceptions import DatabaseUndefinedRelation

from sources.children import marker_row

DELETED_AT = "_deleted_at"
DELETED_MARKER = "_deleted_in_source"
MODES = ("soft", "hard")
# Declared on every swept table from its first load, so BI can filter `_deleted_at is null` before any sweep ran.
DELETED_AT_HINT = {
    DELETED_AT: {
        "name": DELETED_AT,
        "data_type": "timestamp",
        "nullable": True,
        "description": "When a deletion sweep found the record deleted in the CRM, UTC; null while it exists there "
        "(filter `_deleted_at is null` for live records)",
    }
}
_DELETED_MARKER_HINT = {
    DELETED_MARKER: {
        "name": DELETED_MARKER,
        "data_type": "bool",
        "hard_delete": True,
        "description": "Connector bookkeeping: the flag that tells a merge to delete a record deleted in the CRM "
        '(deletions = "hard"); never set in a stored row (always null)',
    }
}
_DLT_COLUMNS = ("_dlt_load_id", "_dlt_id")
_CHUNK = 500  # ids per `in (...)` query
# The parent table's dlt hints with these columns added (the hard delete flag must be declared on the table).
ParentHints = Callable[[dict[str, dict[str, Any]]], Any]


def check_mode(mode: str, setting: str) -> str:
    if mode not in MODES:
        raise ValueError(f"{setting} is {mode!r}: use 'soft' (mark rows with _deleted_at) or 'hard' (delete them)")
    return mode


class LoadedRows:
    """What the warehouse holds of a table, read through the dlt pipeline that loads it.

    Create it before the run, in the thread that creates the pipeline: dlt's notion of the current pipeline is per
    thread (the resources read in a thread pool), and the schema it keeps is the one of the loads so far (during the
    run, dlt changes the pipeline's schema as it extracts).
    """

    def __init__(self, pipeline: dlt.Pipeline):
        self._pipeline = pipeline
        self.schema = pipeline.default_schema.clone() if pipeline.default_schema_name else None
        self._lock = threading.Lock()  # table threads share one destination; DuckDB wants one reader at a time

    def ids(self, table: str, *, unmarked_only: bool) -> set[Any]:
        # a table loaded before deletions were tracked has no `_deleted_at` yet, hence nothing marked
        where = f"{DELETED_AT} is null" if unmarked_only and self._has_column(table, DELETED_AT) else None
        return {row["id"] for row in self._select(table, "id", where)}

    def _has_column(self, table: str, column: str) -> bool:
        return self.schema is not None and column in self.schema.tables.get(table, {}).get("columns", {})

    def all_rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of `table`, as dlt would load them again (none if it was never loaded)."""
        return self._select(table, "*", None)

    def rows(self, table: str, column: str, values: Sequence[Any]) -> list[dict[str, Any]]:
        """The whole rows whose `column` is one of `values`, as dlt would load them again."""
        rows: list[dict[str, Any]] = []
        for start in range(0, len(values), _CHUNK):
            rows.extend(self._select(table, "*", None, column, values[start : start + _CHUNK]))
        return rows

    def _select(
        self, table: str, what: str, where: str | None, column: str | None = None, values: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        schema = self.schema
        if schema is None or table not in schema.tables:
            return []  # never loaded: nothing to compare
        json_columns = {name for name, c in schema.tables[table]["columns"].items() if c.get("data_type") == "json"}
        terms = [where] if where else []
        if column is not None:
            terms.append(f"{column} in ({', '.join(['%s'] * len(values))})")
        with self._lock, self._pipeline.sql_client() as client:
            sql = f"select {what} from {client.make_qualified_table_name(table)}"
            if terms:
                sql += " where " + " and ".join(terms)
            try:
                with client.execute_query(sql, *values) as cursor:
                    names = [d[0] for d in cursor.description]
                    records = cursor.fetchall()
            except DatabaseUndefinedRelation:
                return []
        rows = [dict(zip(names, record, strict=True)) for record in records]
        for row in rows:
            for name in _DLT_COLUMNS:
                row.pop(name, None)
            for name in json_columns & row.keys():
                if isinstance(row[name], str):  # DuckDB hands JSON back as text, Postgres as objects
                    row[name] = json.loads(row[name])
        return rows


@dataclass(frozen=True)
class ChildTable:
    table: str
    parent_key: str
    hints: Any  # the child table's dlt hints (sources.children.child_table_hints)


@dataclass(frozen=True)
class Sweep:
    """Turns "these ids are no longer in the source" into rows for dlt, for one parent table and its children."""

    mode: str
    loaded: LoadedRows

    def vanished(self, table: str, listed: Callable[[], Iterable[Any]]) -> list[Any]:
        """Ids the warehouse holds (unmarked ones, in soft mode) that the complete listing `listed()` lacks; the
        listing is not asked for when the warehouse holds nothing to compare (a first load)."""
        held = self.loaded.ids(table, unmarked_only=self.mode == "soft")
        if not held:
            return []
        listed_keys = {str(i) for i in listed()}  # Hivestr's listing keeps ids as text
        return sorted(i for i in held if str(i) not in listed_keys)

    def items(
        self, table: str, gone: Sequence[Any], parent_hints: ParentHints, children: Sequence[ChildTable]
    ) -> Iterator[Any]:
        """dlt items (rows with table hints) that mark or delete the `gone` parents of `table` and their children."""
        if not gone:
            return
        if self.mode == "hard":
            rows = [{"id": i, DELETED_MARKER: True} for i in gone]
            yield dlt.mark.with_hints(rows, parent_hints(_DELETED_MARKER_HINT), create_table_variant=True)
            for child in children:
                markers = [marker_row(child.parent_key, i) for i in gone]
                yield dlt.mark.with_hints(markers, child.hints, create_table_variant=True)
            return
        now = pendulum.now("UTC")
        tables = [(table, "id", parent_hints({}))] + [(c.table, c.parent_key, c.hints) for c in children]
        for name, column, hints in tables:
            rows = self.loaded.rows(name, column, gone)
            if rows:
                marked = [{**row, DELETED_AT: now} for row in rows]
                yield dlt.mark.with_hints(marked, hints, create_table_variant=True)
