"""Every version of a record, kept in a companion table `<table>_history` beside its current table.

The current table stays one row per record (merged on `id`). The history table receives the same rows, each with a
hash of its business columns (`_dlt_version_hash`), and dlt's `scd2` merge keeps one row per version, valid over
`[_dlt_valid_from, _dlt_valid_to)` (load times, UTC; `_dlt_valid_to` is null while the version is current):

- a record read with another hash than its current version's closes that version and opens a new one; read with the
  same hash (unchanged, or read again by a lookback or `--since`), nothing happens. dlt's own `_dlt_id` cannot tell
  this: an Arrow row's is random per load.
- only records present in a load are compared: incremental loads carry the changed records only, and scd2 would
  otherwise close every record the load lacks (dlt's `merge_key`, here as `destination_scope`, see below).
- a record the deletion sweep finds gone gets a closing row (its id, the hash `closed`): the `source_filter` keeps
  it out of the versions, the `destination_scope` still lets it close the current one.

The hash leaves out null values, so a column added later (a new custom field) changes no record's hash until the
record holds a value in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import dlt
import orjson
import pyarrow as pa

from sources.children import references
from sources.deletions import DELETED_AT
from sources.descriptions import TableText, with_descriptions

HISTORY_SUFFIX = "_history"
VERSION_HASH = "_dlt_version_hash"  # named like dlt's own columns: bookkeeping, not data (see sources/children.py)
_CLOSED = "closed"  # the hash of a closing row, which no version has


def history_table(table: str) -> str:
    return table + HISTORY_SUFFIX


def check_history_tables(names: Sequence[str], allowed: Collection[str], setting: str) -> frozenset[str]:
    """The tables named by the `setting`; a name outside `allowed` raises."""
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise ValueError(
            f"{setting} names {', '.join(unknown)}, which is not a table whose versions can be kept; "
            f"choose from: {', '.join(allowed)}"
        )
    return frozenset(names)


def version_hash(row: Mapping[str, Any]) -> str:
    """A hash of the row's business values: the same for the same content, whatever the load or column order."""
    content = {name: value for name, value in row.items() if value is not None and not name.startswith("_dlt_")}
    return hashlib.blake2b(orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str), digest_size=16).hexdigest()


class History:
    """The history table of one table, and the dlt items that write it."""

    def __init__(
        self, table: str, columns: Mapping[str, Mapping[str, Any]], refs: Mapping[str, str], text: TableText
    ) -> None:
        """`columns`: the current table's declared column hints (`id` first); `refs`: its references; `text`: what
        it and its columns hold."""
        self._table, self._refs, self._text = table, refs, text
        described = with_descriptions(columns, text)
        self._columns = {
            **described,
            "id": {
                **described["id"],
                "description": f"The record's id, shared by its versions (references {table}.id)",
            },
            VERSION_HASH: {"name": VERSION_HASH, "data_type": "text", "nullable": False},
        }
        self._hints = self._make_hints({})
        self._hinted: tuple[Collection[str], Any] | None = None

    def of_rows(self, rows: Sequence[Mapping[str, Any]]) -> Any:
        """The item that records these rows (dicts) as versions."""
        return self._item([{**row, VERSION_HASH: version_hash(row)} for row in rows], self._hints)

    def of_arrow(self, table: pa.Table, hashes: Sequence[str], columns: Mapping[str, Mapping[str, Any]]) -> Any:
        """The item that records these rows as versions: `table`, their Arrow table, with their rows' `version_hash`es;
        `columns`: the current table's column hints now, with the custom fields' columns the run found."""
        custom = {name: hint for name, hint in columns.items() if name not in self._columns and name != DELETED_AT}
        if self._hinted is None or self._hinted[0] != custom.keys():
            self._hinted = (custom.keys(), self._make_hints(custom))
        return self._item(table.append_column(VERSION_HASH, pa.array(hashes, type=pa.string())), self._hinted[1])

    def closing(self, ids: Sequence[Any]) -> Iterator[Any]:
        """The item that closes the current version of each record in `ids` (deleted at the source)."""
        if ids:
            yield self._item([{"id": record_id, VERSION_HASH: _CLOSED} for record_id in ids], self._hints)

    def _make_hints(self, custom: Mapping[str, Mapping[str, Any]]) -> Any:
        return dlt.mark.make_hints(
            table_name=history_table(self._table),
            write_disposition={
                "disposition": "merge",
                "strategy": "scd2",
                "row_version_column_name": VERSION_HASH,
                "source_filter": f"{VERSION_HASH} <> '{_CLOSED}'",
                # merge_key="id", widened to the closing rows that the source filter leaves out
                "destination_scope": "id IN (SELECT id FROM {staging_table})",
            },
            primary_key=[],  # the resource's `id` is the current table's key: here a record has many rows
            columns={**self._columns, **custom},
            references=references({"id": self._table, **self._refs}),  # each version refers to its current row
            additional_table_hints={
                "description": f"Every version of {self._table}, one row each, current from _dlt_valid_from until "
                f"_dlt_valid_to (empty while current). {self._text.description}"
            },
        )

    @staticmethod
    def _item(data: Any, hints: Any) -> Any:
        return dlt.mark.with_hints(data, hints, create_table_variant=True)
