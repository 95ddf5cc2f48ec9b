"""One endpoint's rows: compact numpy columns for what queries filter and sort on, records built on demand.

A million contacts are never materialised: a row's record is generated from (seed, entity, row) when it is read.
Only Id, CreateDate and LastUpdateDate live in memory (int64 arrays; dates as 100 ns ticks), plus a liveness mask.
A changed or inserted row is stored whole in `overrides`; inserted rows get Ids above every existing one, so the
Id column stays sorted and keyset paging is a binary search.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from simulators.ploomes.entities import Entity
from simulators.ploomes.values import format_ticks

Record = dict[str, Any]
MEMO_MAX_ROWS = 5_000


class RowSource(Protocol):
    """Builds a generated row's internal record: every scalar field plus the raw value of every navigation."""

    def build(self, row: int) -> Record: ...


class Table:
    def __init__(
        self,
        entity: Entity,
        source: RowSource,
        ids: np.ndarray,
        created: np.ndarray | None = None,
        updated: np.ndarray | None = None,
    ):
        self.entity = entity
        self.source = source
        self.size = self.base_size = len(ids)
        self._ids = np.asarray(ids, dtype=np.int64)
        self._dates = {"CreateDate": created, "LastUpdateDate": updated} if created is not None else {}
        self._alive = np.ones(len(ids), dtype=bool)
        self.overrides: dict[int, Record] = {}
        self.deleted = 0
        # Small tables (users, products) are read again and again to name OtherProperties values: keep their rows.
        self._memo: dict[int, Record] | None = {} if len(ids) <= MEMO_MAX_ROWS else None

    # --- columns (views over the live part of the arrays) -------------------------------------------------------
    @property
    def ids(self) -> np.ndarray:
        return self._ids[: self.size]

    @property
    def alive(self) -> np.ndarray:
        return self._alive[: self.size]

    def column(self, name: str) -> np.ndarray | None:
        """The int64 column behind an indexed field (Id, or a date in ticks), else None."""
        if name == "Id":
            return self.ids
        column = self._dates.get(name)
        return None if column is None else column[: self.size]

    @property
    def indexed(self) -> frozenset[str]:
        return frozenset(("Id", *self._dates))

    def __len__(self) -> int:
        return self.size - self.deleted

    # --- rows ---------------------------------------------------------------------------------------------------
    def row_of(self, record_id: int) -> int:
        row = int(np.searchsorted(self.ids, record_id))
        if row >= self.size or self._ids[row] != record_id or not self._alive[row]:
            raise KeyError(f"{self.entity.endpoint} has no record with Id {record_id}")
        return row

    def record(self, row: int) -> Record:
        """The internal record (navigations raw); callers must not mutate it."""
        override = self.overrides.get(row)
        if override is not None:
            return override
        if self._memo is None:
            return self.source.build(row)
        record = self._memo.get(row)
        if record is None:
            record = self._memo[row] = self.source.build(row)
        return record

    def value(self, row: int, field: str) -> Any:
        """One field's JSON value, without building the record when the field is a column."""
        if field == "Id":
            return int(self._ids[row])
        if field in self._dates and row not in self.overrides:
            return format_ticks(int(self._dates[field][row]))
        return self.record(row).get(field)

    # --- changes (the dataset holds the lock) -------------------------------------------------------------------
    def replace(self, row: int, record: Record, dates: dict[str, int] | None = None) -> None:
        self.overrides[row] = record
        for name, ticks in (dates or {}).items():
            self._dates[name][row] = ticks

    def append(self, record_id: int, record: Record, dates: dict[str, int] | None = None) -> int:
        if self.size and record_id <= self._ids[self.size - 1]:
            raise ValueError(f"new Id {record_id} must be above every existing Id")
        if self.size == len(self._ids):
            self._grow()
        row = self.size
        self._ids[row] = record_id
        self._alive[row] = True
        self.size += 1
        self.replace(row, record, dates)
        return row

    def delete(self, row: int) -> None:
        self._alive[row] = False
        self.overrides.pop(row, None)
        self.deleted += 1

    def revive(self, record_id: int) -> int:
        """Make a deleted record live again (its content as generated: the changes made before deletion are gone)."""
        row = int(np.searchsorted(self.ids, record_id))
        if row >= self.size or self._ids[row] != record_id or self._alive[row]:
            raise KeyError(f"{self.entity.endpoint} has no deleted record with Id {record_id}")
        self._alive[row] = True
        self.deleted -= 1
        return row

    def _grow(self) -> None:
        capacity = max(16, len(self._ids) * 2)
        self._ids = _resized(self._ids, capacity)
        self._alive = _resized(self._alive, capacity)
        for name, column in self._dates.items():
            self._dates[name] = _resized(column, capacity)


def _resized(array: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.zeros(capacity, dtype=array.dtype)
    grown[: len(array)] = array
    return grown
