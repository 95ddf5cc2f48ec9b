"""Answer one OData query against a table without building more records than the page needs.

The plan: narrow to an Id range by binary search (`$filter`'s bounds on Id); apply the filter's top-level
comparisons on indexed columns (Id, CreateDate, LastUpdateDate) as numpy masks; when those comparisons ARE the
whole filter, the mask is the answer (count included). Otherwise the remaining rows are checked one by one with
the compiled filter, building a record only when a non-indexed field is read, and stopping once the page is full
unless `$count` needs them all. Sorting on indexed columns is a numpy lexsort; on other fields it builds records.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import orjson

from simulators.ploomes.dataset import Dataset
from simulators.ploomes.odata import Expr, ODataError, Query, sort_key
from simulators.ploomes.table import Record, Table
from simulators.ploomes.values import ticks_from_datetime

_NUMPY_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_NO_WITNESS = object()


@dataclass(frozen=True)
class Page:
    rows: list[Record | orjson.Fragment]  # JSON already rendered when the dataset keeps it
    count: int | None  # @odata.count: rows matching the filter, before $skip/$top


def validate(table: Table, query: Query) -> None:
    """Unknown names are a 400 naming the option, as Ploomes answers them."""
    entity = table.entity
    known, navigations = set(entity.fields), set(entity.navigations)

    def check(name: str, option: str) -> None:
        head = name.split("/", 1)[0]
        if name in known or ("/" in name and head in navigations):
            return
        raise ODataError(f"Could not find a property named '{name}' on type '{entity.endpoint}'", option)

    for name in sorted(query.filter.fields()) if query.filter else ():
        check(name, "$filter")
    for name, _ in query.orderby:
        check(name, "$orderby")
    for name in query.expand:
        if name not in navigations:
            allowed = ", ".join(entity.navigations) or "nothing"
            raise ODataError(f"'{name}' cannot be expanded on '{entity.endpoint}' (allowed: {allowed})", "$expand")
    for name in query.select or ():
        if name not in known and name not in query.expand:
            raise ODataError(f"Could not find a property named '{name}' on type '{entity.endpoint}'", "$select")


def run(dataset: Dataset, table: Table, query: Query, max_top: int, *, reuse_json: bool = True) -> Page:
    """The page `query` asks for; `reuse_json=False` builds every row as a dict, even where JSON is kept."""
    validate(table, query)
    with dataset.lock:
        candidates, exact = _candidates(table, query.filter)
        limit = max_top if query.top is None else min(query.top, max_top)
        wanted = query.skip + limit
        if exact:
            ordered = _ordered(dataset, table, candidates, query.orderby)
            matched, count = ordered[query.skip : wanted], len(candidates)
        elif _indexed_order(table, query.orderby):
            ordered = _ordered(dataset, table, candidates, query.orderby)
            hits = _matching(table, query.filter, ordered, None if query.count else wanted)
            matched, count = hits[query.skip : wanted], len(hits)
        else:
            hits = np.array(_matching(table, query.filter, candidates, None), dtype=np.int64)
            ordered = _ordered(dataset, table, hits, query.orderby)
            matched, count = ordered[query.skip : wanted], len(hits)
        render = dataset.rendered if reuse_json else dataset.render
        rows = [render(table, int(row), query.expand, query.select) for row in matched]
    return Page(rows, count if query.count else None)


# --- filtering ----------------------------------------------------------------------------------------------------


def _candidates(table: Table, expr: Expr | None) -> tuple[np.ndarray, bool]:
    """Rows (ascending Id) that may match, and whether they all certainly do."""
    ids = table.ids
    low, high = 0, table.size
    if expr is not None:
        bounds = expr.bounds("Id")
        if _is_number(bounds.low):
            low = int(np.searchsorted(ids, bounds.low, side="left" if bounds.low_inclusive else "right"))
        if _is_number(bounds.high):
            high = int(np.searchsorted(ids, bounds.high, side="right" if bounds.high_inclusive else "left"))
    if high <= low:
        return np.empty(0, dtype=np.int64), True
    mask = table.alive[low:high].copy()
    terms = _conjuncts(expr)
    vectorised = [(f, op, v) for f, op, v in terms if _column_literal(table, f, v) is not None]
    for field, op, value in vectorised:
        column = table.column(field)[low:high]
        literal = _column_literal(table, field, value)
        mask &= _NUMPY_OPS[op](column, literal) if field == "Id" else _compare_ticks(column, op, literal)
    rows = np.flatnonzero(mask) + low
    exact = expr is None or (len(vectorised) == len(terms) and _is_plain_conjunction(expr, terms))
    return rows, exact


def _compare_ticks(ticks: np.ndarray, op: str, micros: int) -> np.ndarray:
    """`ticks // 10 <op> micros` without dividing a million values: odata.py compares date-times at microseconds
    (a 7th fractional digit is below datetime's precision), and both paths must agree."""
    low, high = micros * 10, (micros + 1) * 10  # the ticks falling on that microsecond: [low, high)
    if op == "eq":
        return (ticks >= low) & (ticks < high)
    if op == "ne":
        return (ticks < low) | (ticks >= high)
    if op in ("gt", "ge"):
        return ticks >= (high if op == "gt" else low)
    return ticks < (low if op == "lt" else high)


def _conjuncts(expr: Expr | None) -> tuple[tuple[str, str, Any], ...]:
    # The top-level AND comparisons odata.py compiled (what its bounds() are made of). Read defensively: without
    # them every row is checked one by one, which is slower but still right.
    return tuple(getattr(expr, "_conjuncts", ())) if expr is not None else ()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _column_literal(table: Table, field: str, value: Any) -> int | float | None:
    """The literal in the column's units when the comparison can run on the column, else None."""
    if table.column(field) is None:
        return None
    if field == "Id":
        return value if _is_number(value) else None
    return ticks_from_datetime(value) // 10 if isinstance(value, datetime) else None


def _is_plain_conjunction(expr: Expr, terms: tuple[tuple[str, str, Any], ...]) -> bool:
    """Whether the filter is nothing but the AND of `terms`.

    Evaluate it on a made-up row satisfying every term, counting field reads: a plain conjunction is true there and
    reads exactly one field per term, while any other part (an `or`, a `not`, a function) would either make it false
    or cost extra reads.
    """
    if not terms or not expr.fields() <= {field for field, _, _ in terms}:
        return False
    witness = {}
    for field in {field for field, _, _ in terms}:
        value = _satisfying([(op, v) for f, op, v in terms if f == field])
        if value is _NO_WITNESS:
            return False
        witness[field] = value.isoformat() if isinstance(value, datetime) else value
    reads = 0

    def get(field: str) -> Any:
        nonlocal reads
        reads += 1
        return witness.get(field)

    return expr.evaluate(get) is True and reads == len(terms)


def _satisfying(terms: list[tuple[str, Any]]) -> Any:
    literals = [value for _, value in terms]
    if all(_is_number(v) for v in literals):
        steps: Iterable[Any] = (0, 1, -1, 0.5, -0.5)
    elif all(isinstance(v, datetime) for v in literals):
        steps = (timedelta(0), timedelta(microseconds=1), timedelta(microseconds=-1), timedelta(seconds=1))
    else:
        return _NO_WITNESS
    for literal in literals:
        for step in steps:
            candidate = literal + step
            if all(_NUMPY_OPS[op](candidate, value) for op, value in terms):
                return candidate
    return _NO_WITNESS


class _RowReader:
    """`get(field)` for one row: columns first, the record built at most once."""

    __slots__ = ("table", "row", "_record")

    def __init__(self, table: Table, row: int):
        self.table, self.row, self._record = table, row, None

    def get(self, field: str) -> Any:
        if "/" not in field and (field == "Id" or self.table.column(field) is not None):
            return self.table.value(self.row, field)
        if self._record is None:
            self._record = self.table.record(self.row)
        value: Any = self._record
        for part in field.split("/"):
            value = value.get(part) if isinstance(value, dict) else None
        return value


def _matching(table: Table, expr: Expr | None, rows: Iterable[int], enough: int | None) -> list[int]:
    hits: list[int] = []
    for row in rows:
        if expr is None or expr.evaluate(_RowReader(table, int(row)).get):
            hits.append(int(row))
            if enough is not None and len(hits) >= enough:
                break
    return hits


# --- ordering -----------------------------------------------------------------------------------------------------


def _indexed_order(table: Table, orderby: tuple[tuple[str, bool], ...]) -> bool:
    return all(table.column(field) is not None for field, _ in orderby)


def _ordered(dataset: Dataset, table: Table, rows: Any, orderby: tuple[tuple[str, bool], ...]) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.int64)
    if not orderby or orderby == (("Id", False),):
        return rows  # rows are kept in Id order throughout
    if orderby == (("Id", True),):
        return rows[::-1]
    if _indexed_order(table, orderby):
        keys = [table.ids[rows]]  # the last tie-breaker: Id ascending
        for field, descending in reversed(orderby):
            column = table.column(field)[rows]
            keys.append(-column if descending else column)
        return rows[np.lexsort(keys)]
    readers = [_RowReader(table, int(row)) for row in rows]
    readers.sort(key=lambda reader: sort_key(orderby, reader.get))
    return np.array([reader.row for reader in readers], dtype=np.int64)
