"""One entity's rows: numpy columns for what queries filter, order and join on; the rest built on demand.

A generated row's record comes from its builder (a pure function of the seed and the row); a changed or inserted
row keeps its whole non-column part in `overrides`. Rows are never renumbered: a deleted row is only marked dead,
and inserted rows are appended. Generated rows are numbered in creation order and inserted rows are created "now",
so row order is list order (created_at, then row): stable while a client pages.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from simulators.hivestr.errors import NotFound
from simulators.hivestr.ids import IdCodec
from simulators.hivestr.schema import Spec
from simulators.hivestr.times import format_instant

Record = dict[str, Any]
NO_ROW = -1  # a ref column's null
NO_INSTANT = np.iinfo(np.int64).min  # an instant column's null
_DTYPES = {"category": np.int16, "instant": np.int64, "ref": np.int64}
_BUILD_CACHE = 8192  # generated records kept per table: pages join the same clients and vehicles over and over


class Vocabulary:
    """A category column's values, interned: code i stands for values[i]."""

    def __init__(self, values: Iterable[Any]):
        self.values: list[Any] = list(values)
        self._codes = {value: code for code, value in enumerate(self.values)}

    def find(self, value: Any) -> int | None:
        return self._codes.get(value)

    def intern(self, value: Any) -> int:
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self.values)
            self.values.append(value)
        return code


class Table:
    def __init__(
        self,
        spec: Spec,
        codec: IdCodec,
        size: int,
        columns: dict[str, np.ndarray],
        build: Callable[[int], Record],
    ):
        missing = set(spec.columns) - set(columns)
        if missing:
            raise ValueError(f"{spec.name}: no generated column for {sorted(missing)}")
        self.spec = spec
        self.name = spec.name
        self._codec = codec
        self.size = self.generated = size
        self._arrays = {name: np.asarray(columns[name], dtype=_DTYPES[col.kind]) for name, col in spec.columns.items()}
        self._alive = np.ones(size, dtype=bool)
        self.vocabularies = {
            name: Vocabulary(col.values) for name, col in spec.columns.items() if col.kind == "category"
        }
        self.overrides: dict[int, Record] = {}
        # API drift: fields the API started sending (name -> value, or value(record)) or stopped sending
        self.added_fields: dict[str, Any] = {}
        self.removed_fields: set[str] = set()
        self._search_texts: dict[int, str] = {}
        self._build = lru_cache(maxsize=_BUILD_CACHE)(build)
        self._child_order = np.zeros(0, dtype=np.int64)
        self._child_offsets = np.zeros(1, dtype=np.int64)
        self._inserted_children: dict[int, list[int]] = {}
        if spec.parent is not None:
            self._index_children(self._arrays[spec.parent][:size])

    def __len__(self) -> int:
        return int(self.alive.sum())

    # --- columns (views over the used part of the arrays) --------------------------------------------------------
    @property
    def alive(self) -> np.ndarray:
        return self._alive[: self.size]

    def column(self, name: str) -> np.ndarray:
        return self._arrays[name][: self.size]

    def raw(self, row: int, name: str) -> int:
        return int(self._arrays[name][row])

    def code(self, name: str, value: Any) -> int | None:
        """The code of a category value, None when no row can hold it."""
        return self.vocabularies[name].find(value)

    # --- rows -----------------------------------------------------------------------------------------------------
    def id_of(self, row: int) -> str:
        return self._codec.encode(self.name, row)

    def row_of(self, record_id: Any) -> int:
        """The live row with this id; KeyError (the API's 404) otherwise."""
        row = self._codec.decode(self.name, record_id)
        if row is None or row >= self.size or not self._alive[row]:
            raise NotFound(f"{self.name} has no record with id {record_id!r}")
        return row

    def is_alive(self, row: int) -> bool:
        return 0 <= row < self.size and bool(self._alive[row])

    def rows(self) -> np.ndarray:
        return np.flatnonzero(self.alive)

    def base(self, row: int) -> Record:
        """The non-column fields of a row (callers must not mutate the result)."""
        override = self.overrides.get(row)
        return override if override is not None else self._build(row)

    def generated_base(self, row: int) -> Record:
        """What the builder made of a generated row, ignoring later changes (prices frozen in past proposals)."""
        return self._build(row)

    def search_text(self, row: int, fields: tuple[str, ...]) -> str:
        """The row's `fields`, case-folded, one per line; kept until the row changes (a search reads every row)."""
        text = self._search_texts.get(row)
        if text is None:
            base = self.base(row)
            text = self._search_texts[row] = "\n".join(str(base.get(name) or "") for name in fields).casefold()
        return text

    def value(self, row: int, name: str) -> Any:
        """One field as the API shows it: a ref as the target's id, an instant as text."""
        column = self.spec.columns.get(name)
        if column is None:
            return self.id_of(row) if name == "id" else self.base(row).get(name)
        raw = int(self._arrays[name][row])
        if column.kind == "category":
            return self.vocabularies[name].values[raw]
        if column.kind == "instant":
            return None if raw == NO_INSTANT else format_instant(raw)
        return None if raw == NO_ROW else self._codec.encode(column.target or "", raw)

    def record(self, row: int) -> Record:
        """A fresh copy: callers may change it without touching the stored or cached record."""
        base = self.base(row)
        columns = self.spec.columns
        record = {
            name: self.value(row, name) if name in columns or name == "id" else _copied(base.get(name))
            for name in self.spec.fields
            if name not in self.removed_fields
        }
        for name, value in self.added_fields.items():
            record[name] = value(record) if callable(value) else value
        return record

    # --- children -------------------------------------------------------------------------------------------------
    def _index_children(self, parents: np.ndarray) -> None:
        self._child_order = np.argsort(parents, kind="stable")
        count = int(parents.max()) + 1 if len(parents) else 0
        self._child_offsets = np.searchsorted(parents[self._child_order], np.arange(count + 1))

    def children(self, parent_row: int) -> np.ndarray:
        """Live rows owned by `parent_row`, in row order."""
        offsets = self._child_offsets
        generated = parent_row + 1 < len(offsets)  # parents after the last generated child's have none
        rows = self._child_order[offsets[parent_row] : offsets[parent_row + 1]] if generated else self._child_order[:0]
        inserted = self._inserted_children.get(parent_row)
        if inserted:
            rows = np.concatenate([rows, np.asarray(inserted, dtype=np.int64)])
        return rows[self._alive[rows]]

    def sibling_rank(self, row: int) -> int:
        """A generated child's place among its owner's generated children (0 for the first)."""
        parent = int(self._arrays[self.spec.parent or ""][row])
        group = self._child_order[self._child_offsets[parent] : self._child_offsets[parent + 1]]
        return int(np.searchsorted(group, row))

    # --- changes (the dataset holds the lock and has validated the values) ----------------------------------------
    def set_raw(self, row: int, values: dict[str, int]) -> None:
        for name, raw in values.items():
            self._arrays[name][row] = raw

    def set_base(self, row: int, base: Record) -> None:
        self.overrides[row] = base
        self._search_texts.pop(row, None)

    def append(self, raw: dict[str, int], base: Record) -> int:
        if self.size == len(self._alive):
            self._grow()
        row = self.size
        self.size += 1
        self._alive[row] = True
        for name, value in raw.items():
            self._arrays[name][row] = value
        self.overrides[row] = base
        if self.spec.parent is not None:
            self._inserted_children.setdefault(raw[self.spec.parent], []).append(row)
        return row

    def kill(self, row: int) -> None:
        self._alive[row] = False
        self.overrides.pop(row, None)
        self._search_texts.pop(row, None)

    def _grow(self) -> None:
        capacity = max(16, len(self._alive) * 2)
        self._alive = _resized(self._alive, capacity)
        self._arrays = {name: _resized(array, capacity) for name, array in self._arrays.items()}


def _copied(value: Any) -> Any:
    """Lists and objects inside a record (run_days, face_details) are copied; scalars are immutable."""
    return copy.deepcopy(value) if isinstance(value, (list, dict)) else value


def _resized(array: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.zeros(capacity, dtype=array.dtype)
    grown[: len(array)] = array
    return grown
