"""The frozen FieldKey -> column mapping of every table, kept in dlt source state and shared across table threads.

State: `custom_field_columns` (table -> FieldKey -> base column), `custom_field_types` (table -> column -> the data
type it was created with, so a field changing type writes a variant column), `custom_field_kinds` (table -> FieldKey
-> the reference kind its values showed, so its columns stay `_id`/`_val`), `native_columns` (table -> the columns of
the entity's own properties, declared and seen: no custom field is ever given one of them).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import dlt

from sources.http import RunStop
from sources.http.stop import POLL_SECONDS

from .custom_fields import CustomFieldMapper, FieldCatalog, assign_columns, typed_columns

STATE_KEY = "custom_field_columns"
TYPES_KEY = "custom_field_types"
KINDS_KEY = "custom_field_kinds"
NATIVES_KEY = "native_columns"


class ColumnRegistry:
    """Assigns custom-field columns per table, and lets `custom_fields` wait until every table being read settled."""

    def __init__(self, catalog: FieldCatalog, tables: Iterable[str], stop: RunStop):
        self.catalog = catalog
        self._lock = threading.Lock()
        self._settled = {table: threading.Event() for table in tables}
        self._stop = stop

    def mapper(self, table: str, entity_id: int, natives: Iterable[str]) -> CustomFieldMapper:
        """The mapper for `table`, whose own properties' columns are `natives` (and those seen in earlier runs).

        Must run in the table's extract thread: dlt keeps source state per extract context. Raises what reading
        `/Fields` raised.
        """
        fields = self.catalog.for_entity(entity_id)
        with self._lock:
            state = dlt.current.source_state()
            known = set(state.setdefault(NATIVES_KEY, {}).get(table, ())) | set(natives)
            state[NATIVES_KEY][table] = sorted(known)
            frozen = state.setdefault(STATE_KEY, {}).get(table, {})
            columns = assign_columns(fields, frozen, known)
            state[STATE_KEY][table] = columns
            types = state.setdefault(TYPES_KEY, {}).setdefault(table, {})
            learned = dict(state.setdefault(KINDS_KEY, {}).get(table, {}))
            mapper = CustomFieldMapper(fields, columns, types, learned)
            self._remember_types(types, mapper)
            return mapper

    def settle(self, table: str, mapper: CustomFieldMapper | None = None, natives_seen: Iterable[str] = ()) -> None:
        """The table is done: what its records taught (reference kinds and their columns, native properties never
        declared) is kept; `custom_fields` may report its columns. Must run in the table's extract thread."""
        with self._lock:
            state = dlt.current.source_state()
            natives = set(state.setdefault(NATIVES_KEY, {}).get(table, ()))
            if not natives.issuperset(natives_seen):
                state[NATIVES_KEY][table] = sorted(natives.union(natives_seen))
            if mapper is not None and mapper.learned:
                state.setdefault(KINDS_KEY, {})[table] = dict(mapper.learned)
                self._remember_types(state.setdefault(TYPES_KEY, {}).setdefault(table, {}), mapper)
        if table in self._settled:
            self._settled[table].set()

    @staticmethod
    def _remember_types(types: dict[str, str], mapper: CustomFieldMapper) -> None:
        for column, hint in mapper.column_hints().items():
            if hint.get("data_type"):
                types.setdefault(column, hint["data_type"])

    def learned_kinds(self) -> dict[str, dict[str, str]]:
        """table -> FieldKey -> the reference kind the field's values showed (after every table settled)."""
        with self._lock:
            return {table: dict(kinds) for table, kinds in dlt.current.source_state().get(KINDS_KEY, {}).items()}

    def assigned_columns(self) -> dict[str, dict[str, list[str]]]:
        """table -> FieldKey -> the columns its values are written to, once every table being read has settled."""
        for event in self._settled.values():
            while not event.wait(POLL_SECONDS):
                self._stop.check()
        fields = {field.key: field for field in self.catalog.all()}
        with self._lock:
            state = dlt.current.source_state()
            stored: dict[str, Any] = state.get(STATE_KEY, {})
            types: dict[str, Any] = state.get(TYPES_KEY, {})
            kinds: dict[str, Any] = state.get(KINDS_KEY, {})
            return {
                table: {
                    key: list(
                        typed_columns(
                            fields[key].with_kind(kinds.get(table, {}).get(key)), base, types.get(table, {})
                        ).values()
                    )
                    for key, base in columns.items()
                    if key in fields
                }
                for table, columns in stored.items()
            }
