"""The frozen FieldKey -> column mapping of every table, kept in dlt source state and shared across table threads.

State: `custom_field_columns` (table -> FieldKey -> base column), `custom_field_types` (table -> column -> the data
type it was created with, so a field changing type writes a variant column), `native_columns` (table -> columns).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import dlt

from .custom_fields import CustomFieldMapper, FieldCatalog, assign_columns, typed_columns

STATE_KEY = "custom_field_columns"
TYPES_KEY = "custom_field_types"
NATIVES_KEY = "native_columns"
# How long the custom_fields table waits for the tables whose column names it reports.
SETTLE_TIMEOUT_SECONDS = 3600


class ColumnRegistry:
    """Assigns custom-field columns per table once its native columns are known, and lets `custom_fields` wait."""

    def __init__(self, catalog: FieldCatalog, tables: Iterable[str]):
        self.catalog = catalog
        self._lock = threading.Lock()
        self._settled = {table: threading.Event() for table in tables}

    def mapper(self, table: str, entity_id: int, natives_seen: Iterable[str]) -> CustomFieldMapper | None:
        """The mapper for `table`, or None while its native columns were never seen (no row read yet, ever).

        Must run in the table's extract thread: dlt keeps source state per extract context.
        """
        with self._lock:
            state = dlt.current.source_state()
            natives = set(state.setdefault(NATIVES_KEY, {}).get(table, ())) | set(natives_seen)
            if not natives:
                return None
            state[NATIVES_KEY][table] = sorted(natives)
            fields = self.catalog.for_entity(entity_id)
            frozen = state.setdefault(STATE_KEY, {}).get(table, {})
            columns = assign_columns(fields, frozen, natives)
            state[STATE_KEY][table] = columns
            types = state.setdefault(TYPES_KEY, {}).setdefault(table, {})
            mapper = CustomFieldMapper(fields, columns, types)
            for column, hint in mapper.column_hints().items():
                types.setdefault(column, hint["data_type"])
            return mapper

    def settle(self, table: str) -> None:
        if table in self._settled:
            self._settled[table].set()

    def assigned_columns(self) -> dict[str, dict[str, list[str]]]:
        """table -> FieldKey -> the columns its values are written to, once every table being read has settled."""
        for event in self._settled.values():
            event.wait(SETTLE_TIMEOUT_SECONDS)
        fields = {field.key: field for field in self.catalog.all()}
        with self._lock:
            state = dlt.current.source_state()
            stored: dict[str, Any] = state.get(STATE_KEY, {})
            types: dict[str, Any] = state.get(TYPES_KEY, {})
            return {
                table: {
                    key: list(typed_columns(fields[key], base, types.get(table, {})).values())
                    for key, base in columns.items()
                    if key in fields
                }
                for table, columns in stored.items()
            }
