"""The frozen FieldKey -> column mapping of every table, kept in dlt source state and shared across table threads."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import dlt

from .custom_fields import CustomFieldMapper, FieldCatalog, assign_columns

STATE_KEY = "custom_field_columns"
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
            return CustomFieldMapper(fields, columns)

    def settle(self, table: str) -> None:
        if table in self._settled:
            self._settled[table].set()

    def assigned_columns(self) -> dict[str, dict[str, str]]:
        """table -> FieldKey -> base column, once every table being read has settled its names."""
        for event in self._settled.values():
            event.wait(SETTLE_TIMEOUT_SECONDS)
        with self._lock:
            stored: dict[str, Any] = dlt.current.source_state().get(STATE_KEY, {})
            return {table: dict(columns) for table, columns in stored.items()}
