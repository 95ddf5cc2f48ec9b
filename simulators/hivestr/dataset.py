"""The simulated account: every entity's table, the clock, and the generic changes tests and the API apply.

One lock guards it all, so changes are safe while a sync is reading; reads hold it only while they render.
A change to a record moves its updated_at (where it has one), and a change to a child (note, schedule, proposal
item, task) moves its owner's too, unless `parent_updated_at_ignores_children` (the real API may not): that is how a
client of the API notices that the children need reading again.
updated_at only ever grows, by at least a second, so two changes within one second are still two changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from simulators.hivestr.builders import BUILDERS, row_random
from simulators.hivestr.errors import Invalid, NotFound
from simulators.hivestr.ids import IdCodec
from simulators.hivestr.schema import BOOLEANS, SPECS, Column, Spec
from simulators.hivestr.skeleton import generate
from simulators.hivestr.table import NO_INSTANT, NO_ROW, Record, Table
from simulators.hivestr.times import parse_instant

READ_ONLY = frozenset(("id", "created_at", "updated_at"))
OWNER_USER_ROW = 0  # the user who created the API key: the author of notes, deals and tasks made through the API


class Dataset:
    def __init__(
        self,
        scale: int,
        seed: int,
        end: int,
        clock: Callable[[], float],
        parent_updated_at_ignores_children: bool = False,
    ):
        self.scale = scale
        self.seed = seed
        self.end = end
        self.clock = clock
        self.parent_updated_at_ignores_children = parent_updated_at_ignores_children
        self.lock = threading.RLock()
        self.codec = IdCodec(seed)
        skeleton = generate(seed, scale, end)
        self.tables: dict[str, Table] = {}
        for name, spec in SPECS.items():
            build = partial(self._build, BUILDERS[name], name)
            self.tables[name] = Table(spec, self.codec, skeleton.sizes[name], skeleton.columns[name], build)
        # who points at whom: deleting a record deletes its children and clears nullable references to it
        self._referrers = [
            (spec, name, column) for spec in SPECS.values() for name, column in spec.columns.items() if column.target
        ]

    def _build(self, builder: Callable[..., Record], entity: str, row: int) -> Record:
        return builder(self, row, row_random(self, entity, row))

    def now(self) -> int:
        return int(self.clock())

    def table(self, entity: str) -> Table:
        table = self.tables.get(entity)
        if table is None:
            raise NotFound(f"unknown entity {entity!r}; choose from {', '.join(SPECS)}")
        return table

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {name: len(table) for name, table in self.tables.items()}

    # --- changes ----------------------------------------------------------------------------------------------
    def insert(self, entity: str, fields: Record, *, bump_parent: bool = True) -> int:
        """Add a record from API-shaped `fields` (references as ids); returns its row. ValueError on bad input.
        `bump_parent=False` when the owner is being created or rewritten in the same operation."""
        with self.lock:
            table = self.table(entity)
            spec = table.spec
            _check_fields(spec, fields)
            missing = [name for name in spec.required if fields.get(name) is None]
            if missing:
                raise Invalid(f"{entity}: missing required field(s) {', '.join(missing)}")
            values = {**spec.defaults, **fields}
            if "user_id" in spec.columns and values.get("user_id") is None:
                values["user_id"] = self.tables["users"].id_of(OWNER_USER_ROW)
            raw = {name: self._encode(table, name, values.get(name)) for name in spec.columns}
            if spec.dated or "created_at" in spec.columns:
                created = self._creation_stamp(table)
                raw["created_at"] = created
                if spec.dated:
                    raw["updated_at"] = created
            base = {name: values.get(name) for name in spec.fields if name not in spec.columns and name != "id"}
            row = table.append(raw, base)
            if bump_parent:
                self._touch_parent(table, row)
            return row

    def update(self, entity: str, row: int, changes: Record) -> None:
        with self.lock:
            table = self.table(entity)
            _check_fields(table.spec, changes)
            columns = table.spec.columns
            raw = {name: self._encode(table, name, value) for name, value in changes.items() if name in columns}
            parent = table.spec.parent
            if parent in raw and raw[parent] != table.raw(row, parent):
                raise Invalid(f"{entity}.{parent} cannot change: delete the record and insert it elsewhere")
            plain = {name: value for name, value in changes.items() if name not in columns}
            table.set_raw(row, raw)
            if plain:
                table.set_base(row, {**table.base(row), **plain})
            self.touch(table, row)
            self._touch_parent(table, row)

    def delete(self, entity: str, row: int, *, bump_parent: bool = True) -> None:
        with self.lock:
            table = self.table(entity)
            self._delete_with_children(table, row)
            if bump_parent:
                self._touch_parent(table, row)

    def touch(self, table: Table, row: int) -> None:
        """Record a change: updated_at moves to now, and at least one second past its previous value."""
        if table.spec.dated and table.is_alive(row):
            table.set_raw(row, {"updated_at": max(self.now(), table.raw(row, "updated_at") + 1)})

    def _touch_parent(self, table: Table, row: int) -> None:
        spec = table.spec
        if spec.bumps_parent and spec.parent is not None and not self.parent_updated_at_ignores_children:
            parent = self.tables[spec.columns[spec.parent].target or ""]
            self.touch(parent, table.raw(row, spec.parent))

    def _delete_with_children(self, table: Table, row: int) -> None:
        for spec, name, column in self._referrers:
            if column.target != table.name:
                continue
            referrer = self.tables[spec.name]
            pointing = np.flatnonzero(referrer.alive & (referrer.column(name) == row))
            for other in pointing.tolist():
                if name == spec.parent:
                    self._delete_with_children(referrer, other)
                elif column.set_null_on_delete:
                    referrer.set_raw(other, {name: NO_ROW})
                    self.touch(referrer, other)
        table.kill(row)

    def _creation_stamp(self, table: Table) -> int:
        """Now, but never before the newest row: rows stay numbered in creation order (list order)."""
        created = table.column("created_at")
        return max(self.now(), int(created[-1])) if len(created) else self.now()

    # --- API values -> column values ------------------------------------------------------------------------------
    def _encode(self, table: Table, name: str, value: Any) -> int:
        column = table.spec.columns[name]
        if column.kind == "instant":
            try:
                return NO_INSTANT if value is None else parse_instant(value)
            except ValueError:
                raise Invalid(f"{table.name}.{name} must be an ISO 8601 date-time, got {value!r}") from None
        if column.kind == "ref":
            return self._reference(table.spec, name, column, value)
        if column.values == BOOLEANS and not isinstance(value, bool):
            raise Invalid(f"{table.name}.{name} must be true or false, got {value!r}")
        code = table.vocabularies[name].intern(value) if column.open else table.code(name, value)
        if code is None:
            allowed = ", ".join(str(v) for v in column.values)
            raise Invalid(f"{table.name}.{name} must be one of {allowed}; got {value!r}")
        return code

    def _reference(self, spec: Spec, name: str, column: Column, value: Any) -> int:
        if value is None:
            if name == spec.parent:
                raise Invalid(f"{spec.name}.{name} is required")
            return NO_ROW
        try:
            return self.tables[column.target or ""].row_of(value)
        except NotFound:
            raise Invalid(f"{spec.name}.{name}: no {column.target} record with id {value!r}") from None


def _check_fields(spec: Spec, fields: Record) -> None:
    read_only = sorted(READ_ONLY & set(fields))
    if read_only:
        raise Invalid(f"{spec.name}: {', '.join(read_only)} cannot be set")
    unknown = sorted(set(fields) - set(spec.fields))
    if unknown:
        raise Invalid(f"{spec.name}: unknown field(s) {', '.join(unknown)}; fields are {', '.join(spec.fields)}")
