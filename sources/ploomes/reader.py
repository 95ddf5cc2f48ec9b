"""One run of one Ploomes table: plan its query, read its pages, turn them into rows, settle what went wrong.

Records (incremental): keyset pages of the time window `(watermark - lookback, run start]` in concurrent Id ranges;
the progress lives in resource state (`pending`) and the watermark moves only once the window was read whole.
Lookups: the whole list, replacing the table's rows; when it cannot be read, the rows the warehouse holds are written
again (`Sync.kept_rows`): dlt empties a `replace` table whose read yields nothing.

What the API does unexpectedly stays in the table: an `$expand` it refuses is dropped for the run (warned, the rest
loaded); a record that cannot become a row is left out, and its table is reported failed with its window kept to be
read again; any other failure fails the table alone, with what it read before loaded (sources/isolation.py).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import dlt
import pendulum
import pyarrow as pa

from sources.arrow_pages import ColumnTypes, concat, to_arrow
from sources.children import CLEARED_MARKER
from sources.deletions import ChildTable, LoadedRows, ParentHints, Sweep
from sources.history import History, version_hash
from sources.http import ApiClient, BadRequestError, RunStop
from sources.isolation import UnloadableRecord, settle_table_error
from sources.report import SyncReport

from .columns import ColumnRegistry
from .custom_fields import CustomFieldMapper
from .entities import Entity
from .lists import read_whole
from .literals import UTC, LiteralStyle, literal
from .paging import KeysetReader, PageBudget, Query, page_rows, row_id
from .rows import NativeColumns, flatten, snake

logger = logging.getLogger(__name__)
SYSTEM = "Ploomes"
# Hints of the table a resource writes, given the columns the run adds (custom fields, the sweep's flag).
Hints = Callable[[dict[str, dict[str, Any]]], Any]


@dataclass
class Sync:
    """What every table's reader shares during one run."""

    client: ApiClient
    report: SyncReport
    page_size: int
    start: pendulum.DateTime
    ignore_watermark: bool
    lookback: pendulum.Duration
    window_end: pendulum.DateTime  # closed when the run started: rows updated during the sync are the next run's
    max_ranges: int
    min_pages_per_range: int
    budget: PageBudget
    max_pages: int | None
    rows_per_item: int  # rows of a table held before they are handed to dlt as one Arrow table
    sweep: Sweep | None
    column_types: ColumnTypes
    warehouse: LoadedRows
    literals: LiteralStyle

    @property
    def stop(self) -> RunStop:
        return self.report.stop

    def in_flight_needed(self) -> int:
        """Requests in flight that keep the shared rate limit busy: its rate times the API's latency so far."""
        latency = self.client.stats.mean_latency_seconds
        if latency is None:
            return self.max_ranges
        return max(1, math.ceil(latency / self.client.limiter.limit.interval_seconds))

    def kept_rows(self, table: str) -> Iterator[Any]:
        """The rows the warehouse holds of a `replace` table whose read failed, to write them again: dlt empties a
        `replace` table whose resource yields nothing, and a lookup that cannot be read must keep what it had."""
        rows = self.warehouse.all_rows(table)
        if rows:
            yield rows

    def read_whole(self, table: str, path: str, *, expand: tuple[str, ...] = (), select: tuple[str, ...] = ()):
        """Every row of a list (`ceil(rows / page_size)` requests), counted under `table`; a fallback is warned."""
        whole = read_whole(
            self.client.get_json, Query(path, expand=expand, select=select, page_size=self.page_size), self.stop
        )
        self.report.add_requests(table, whole.requests)
        if whole.fallback:
            self.report.warn(
                table,
                f"{table}: {path} refused or ignored an OData option ({whole.fallback}); read without it, "
                f"{len(whole.rows):,} rows after removing repeated Ids",
            )
        return whole.rows


def odata_time(moment: pendulum.DateTime) -> str:
    return moment.in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss.SSS[Z]")


def native_hints(entity: Entity) -> dict[str, dict[str, Any]]:
    """Column hints of the entity's declared properties: every one has its column and type from the first load."""
    hints: dict[str, dict[str, Any]] = {}
    for name, data_type in entity.natives.items():
        column = snake(name)
        hints[column] = {"name": column, "data_type": data_type}
        if column != "id":
            hints[column]["nullable"] = True
    return hints


def lookup_items(entity: Entity, sync: Sync, hints: Hints) -> Iterator[Any]:
    """The whole list as it is now (an empty list empties the table); the rows the warehouse holds, when it could not
    be read."""
    try:
        records = sync.read_whole(entity.table, entity.path)
        columns = NativeColumns(entity, ())
        rows = [flatten(entity, record, None, columns, ())[0] for record in records]
    except Exception as error:  # noqa: BLE001 - a table's failure stays in the table (sources/isolation.py)
        settle_table_error(entity.table, error, sync.report, SYSTEM)
        yield from (
            dlt.mark.with_hints(kept, hints({}), create_table_variant=True) for kept in sync.kept_rows(entity.table)
        )
        return
    if rows:
        types = sync.column_types.table(entity.table, hints({})["columns"])
        yield dlt.mark.with_hints(to_arrow(rows, types), hints({}), create_table_variant=True)
    sync.report.add_rows(entity.table, len(rows))


class RecordsRead:
    """One run of an incremental table: its window's pages, its children, its custom fields, its sweep."""

    def __init__(
        self,
        entity: Entity,
        sync: Sync,
        registry: ColumnRegistry,
        hints: Hints,
        child_hints: dict[str, Any],
        history: History | None,
        state: dict[str, Any],
    ):
        self._entity, self._sync, self._registry, self._state = entity, sync, registry, state
        self._hints, self._child_hints, self._history = hints, child_hints, history
        self._report = sync.report
        self._mapper: CustomFieldMapper | None = None
        self._fields_error: Exception | None = None
        self._unloadable: list[UnloadableRecord] = []
        self._expand: tuple[str, ...] = ()  # what the run asks to expand (less what the API refused)
        self._expanded: tuple[str, ...] = ()  # what the pages being read expanded
        self._refused: tuple[str, ...] = ()  # what the API refused to expand in this run
        self._style: str | None = None  # how the window's date-times are written
        self._hinted: tuple[Any, Any] | None = None  # (custom-field columns, the hints made with them)
        self._pages_read = 0
        self._requests = 0

    def items(self) -> Iterator[Any]:
        entity, sync = self._entity, self._sync
        self._expand = self._expands()
        columns = NativeColumns(entity, self._mapper.owned_columns() if self._mapper else ())
        batch = _Batch(entity.table, sync, self._child_hints, self._parent_hints, self._history)
        finished = False
        try:
            self._style = self._literal_style()
            while True:
                query, progress, resumed = self._plan()
                for page in self._pages(query, progress):
                    if self._style is None:
                        self._style = self._settle_literals(page)
                    held = batch.add(*self._flatten_page(page, columns))
                    del page  # flattened, the decoded page is garbage, unless this name kept it while the next is read
                    if held >= sync.rows_per_item:
                        yield from batch.items()
                yield from batch.items()
                if self._unloadable or self._fields_error is not None or not _complete(progress):
                    break
                self._finish_window()
                finished = True
                # A window left by an earlier run is done: this run's own window follows, so that the table is
                # as fresh as the others when the run ends.
                if not resumed:
                    break
        except Exception as error:  # noqa: BLE001 - a table's failure stays in the table (sources/isolation.py)
            yield from batch.items()  # the pages read before the failure are in the progress saved
            settle_table_error(entity.table, error, self._report, SYSTEM)
            return
        finally:
            self._report.add_requests(entity.table, self._requests)
            self._registry.settle(entity.table, self._mapper, columns.used())
            self._warn_about(columns)
        if self._unloadable or self._fields_error is not None:
            self._fail_keeping_window()
        elif not finished:
            self._report.mark_resumable(entity.table)
        else:
            children = [ChildTable(c.table, c.parent_key, self._child_hints[c.table]) for c in entity.children]
            yield from self._sweep(children)

    # --- the query ------------------------------------------------------------------------------------------------
    def _expands(self) -> tuple[str, ...]:
        """What the run asks to expand: OtherProperties only where `/Fields` lists custom fields of the entity."""
        entity = self._entity
        expand = tuple(entity.expand) + tuple(child.nav for child in entity.children)
        return ("OtherProperties", *expand) if self._has_custom_fields() else expand

    def _plan(self) -> tuple[Query, dict[str, Any], bool]:
        """The window to read (the one an earlier run left unfinished, or this run's), where its progress is kept,
        and whether it was left by an earlier run."""
        entity, sync, state = self._entity, self._sync, self._state
        pending = None if sync.ignore_watermark else state.get("pending")
        resumed = pending is not None and pending["end"] != odata_time(sync.window_end)
        if pending is None:
            watermark = None if sync.ignore_watermark else state.get("watermark")
            start = pendulum.parse(watermark) - sync.lookback if watermark else sync.start
            incomplete = None if sync.ignore_watermark else state.get("incomplete_since")
            if incomplete is not None:  # records read without an $expand are read again, now that it may work
                start = min(start, pendulum.parse(incomplete))
            pending = state["pending"] = {
                "start": odata_time(start),
                "end": odata_time(sync.window_end),
                "progress": {},
            }
        if self._refused:
            pending["incomplete"] = True
        start, end = (literal(pendulum.parse(pending[bound]), self._style or UTC) for bound in ("start", "end"))
        window = f"{entity.cursor} gt {start} and {entity.cursor} le {end}"
        query = Query(entity.path, filter=window, expand=self._expand, page_size=sync.page_size)
        return query, pending["progress"], resumed

    def _literal_style(self) -> str | None:
        """How to write the window's date-times (sources/ploomes/literals.py); None while nobody could tell yet.

        A table with a watermark relies on its window now: when no earlier run decided, it decides first, with one
        record it asks for."""
        sync, entity = self._sync, self._entity
        style = sync.literals.known()
        if style is None and self._state.get("watermark") is not None:
            self._requests += 1
            probe = sync.client.get_json(entity.path, {"$select": f"Id,{entity.cursor}", "$top": 1})
            style = self._settle_literals(page_rows(probe, entity.path))
        return style

    def _settle_literals(self, rows: list[dict[str, Any]]) -> str | None:
        entity = self._entity
        style, requests = self._sync.literals.settle(self._sync.client.get_json, entity.path, entity.cursor, rows)
        self._requests += requests
        return style

    def _has_custom_fields(self) -> bool:
        """Whether to ask for OtherProperties: only where `/Fields` lists custom fields of the entity."""
        entity = self._entity
        if entity.fields_entity_id is None:
            return False
        try:
            self._mapper = self._registry.mapper(entity.table, entity.fields_entity_id, native_hints(entity))
        except Exception as error:  # noqa: BLE001 - the table's own columns still load; see _fail_keeping_window
            self._fields_error = error
            return False
        return bool(self._registry.catalog.for_entity(entity.fields_entity_id))

    def _pages(self, query: Query, progress: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """The window's pages; an `$expand` the API refuses (400) before any page was read is dropped."""
        try:
            yield from self._counted_pages(query, progress)
        except BadRequestError as error:
            refused = self._refused_expands(query) if query.expand and not self._pages_read else ()
            if not refused:
                raise
            self._warn_refused(refused, error)
            yield from self._counted_pages(
                replace(query, expand=tuple(e for e in query.expand if e not in refused)), progress
            )

    def _counted_pages(self, query: Query, progress: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        self._expanded = query.expand
        sync = self._sync
        reader = KeysetReader(
            sync.client.get_json,
            query,
            progress,
            sync.max_ranges,
            min_pages_per_range=sync.min_pages_per_range,
            in_flight_needed=sync.in_flight_needed,
            budget=sync.budget,
            run_stop=sync.stop,
            get_json_and_body=sync.client.get_json_and_body,
        )
        try:
            for page in reader.pages(sync.max_pages):
                self._pages_read += 1
                if reader.total is not None and self._pages_read == 1:
                    self._report.expect_rows(self._entity.table, reader.total, sync.page_size)
                yield page
                # taken, the decoded page is its consumer's: this frame waits for the next one without it
                del page
        finally:
            self._requests += reader.requests

    def _refused_expands(self, query: Query) -> tuple[str, ...]:
        """The navigations the endpoint refuses, one probe each (a one-row request expanding only that one); none
        when it refuses a request that expands nothing too: its 400 is about something else."""
        self._requests += 1
        try:
            self._sync.client.get_json(query.path, {"$top": 1, "$select": "Id"})
        except BadRequestError:
            return ()
        refused = []
        for navigation in query.expand:
            self._requests += 1
            try:
                self._sync.client.get_json(query.path, {"$top": 1, "$select": "Id", "$expand": navigation})
            except BadRequestError:
                refused.append(navigation)
        return tuple(refused)

    def _warn_refused(self, refused: tuple[str, ...], error: BadRequestError) -> None:
        entity = self._entity
        lost = []
        for navigation in refused:
            if navigation == "OtherProperties":
                fields = self._registry.catalog.for_entity(entity.fields_entity_id)
                lost.append(f"its custom fields ({', '.join(sorted(f.name for f in fields))})")
                self._mapper = None
            else:
                child = next((c.table for c in entity.children if c.nav == navigation), None)
                lost.append(f"table {child}" if child else f"column {navigation.lower()}")
        self._refused = refused
        self._state["pending"]["incomplete"] = True
        said = f' (API said: "{error.api_message}")' if error.api_message else ""
        self._report.warn(
            entity.table,
            f"{entity.table}: the API refused $expand={','.join(refused)} on {entity.path}{said}; loaded without "
            f"{' and '.join(lost)}",
        )

    # --- rows -------------------------------------------------------------------------------------------------------
    def _flatten_page(self, page: list[dict[str, Any]], columns: NativeColumns) -> tuple[list, dict[str, list]]:
        entity = self._entity
        rows: list[dict[str, Any]] = []
        children: dict[str, list[dict[str, Any]]] = {child.table: [] for child in entity.children}
        for record in page:
            try:
                row, record_children = flatten(entity, record, self._mapper, columns, self._expanded)
            except UnloadableRecord as problem:
                self._unloadable.append(problem)
                continue
            rows.append(row)
            for table, child_rows in record_children.items():
                children[table].extend(child_rows)
        return rows, children

    def _parent_hints(self, extra: dict[str, dict[str, Any]] | None = None) -> Any:
        """The table's hints with its custom-field columns: made again only when those change (a kind learned from
        values), since dlt validates every column of the hints given with an item."""
        custom = self._mapper.column_hints() if self._mapper else {}
        if extra:
            return self._hints({**custom, **extra})
        if self._hinted is None or self._hinted[0] != custom.keys():
            self._hinted = (custom.keys(), self._hints(custom))
        return self._hinted[1]

    def _warn_about(self, columns: NativeColumns) -> None:
        table = self._entity.table
        for key, column in columns.renamed.items():
            self._report.warn(
                table, f"{table}: the API sent a property {key}, whose column is a custom field's: loaded as {column}"
            )
        unknown = self._mapper.unknown if self._mapper else {}
        if unknown:
            keys = ", ".join(sorted(unknown)[:3]) + (" ..." if len(unknown) > 3 else "")
            self._report.warn(
                table,
                f"{table}: {sum(unknown.values()):,} custom-field values of {len(unknown)} field(s) that /Fields does "
                f"not list were not loaded (FieldKey {keys}); they load once /Fields lists them",
            )

    # --- the window -----------------------------------------------------------------------------------------------
    def _fail_keeping_window(self) -> None:
        """The rows that could be built are loaded; the window stays pending and is read whole again next run."""
        table = self._entity.table
        self._state["pending"]["progress"] = {}
        if self._fields_error is not None:
            what = f"its custom fields could not be read (GET /Fields failed: {self._fields_error})"
            self._report.fail(
                table,
                f"{table}: {what}; its own columns were loaded and the next run reads these records again with "
                "their custom fields.",
            )
            return
        first, more = self._unloadable[0], len(self._unloadable) - 1
        problem = f"{first.what} (and {more:,} more records)" if more else first.what
        settle_table_error(table, UnloadableRecord(table, first.record_id, first.column, problem), self._report, SYSTEM)

    def _finish_window(self) -> None:
        """The window was read to its end: the watermark moves to its end."""
        state = self._state
        window = state.pop("pending")
        state["watermark"] = window["end"]
        # a window read without an $expand leaves its records incomplete until a window from there is read whole
        if window.get("incomplete"):
            state["incomplete_since"] = min(state.get("incomplete_since", window["start"]), window["start"])
        elif window["start"] <= state.get("incomplete_since", window["start"]):
            state.pop("incomplete_since", None)

    def _sweep(self, children: list[ChildTable]) -> Iterator[Any]:
        """Once per pipeline run, after the table's window is complete: mark rows whose record left Ploomes."""
        entity, sync = self._entity, self._sync
        if sync.sweep is None or not sync.report.claim_sweep(entity.table):
            return

        def listed() -> list[int]:
            return [row_id(row, entity.path) for row in sync.read_whole(entity.table, entity.path, select=("Id",))]

        try:
            gone = sync.sweep.vanished(entity.table, listed)
        except Exception as error:  # noqa: BLE001 - the rows stay as they are: nothing is marked without a listing
            self._report.warn(entity.table, f"{entity.table}: deletions not swept: {error}")
            return
        parent_hints: ParentHints = self._parent_hints
        yield from sync.sweep.items(entity.table, gone, parent_hints, children)
        if self._history is not None:
            yield from self._history.closing(gone)
        sync.report.add_deleted(entity.table, len(gone))


def _complete(progress: dict[str, Any]) -> bool:
    ranges = progress.get("ranges")
    return ranges is not None and all(r.get("done") for r in ranges)


class _Batch:
    """A table's rows and child rows, made Arrow a page at a time and handed to dlt a few thousand rows at a time:
    dlt's work per item is paid per `rows_per_item` rows, while the rows waiting for it take Arrow's room, not the
    room of Python dicts (one 114,000-row account alone: peak 352 -> 312 MB, at the same speed)."""

    def __init__(
        self,
        table: str,
        sync: Sync,
        child_hints: dict[str, Any],
        parent_hints: Callable[[], Any],
        history: History | None,
    ):
        self._table, self._sync, self._child_hints, self._parent_hints = table, sync, child_hints, parent_hints
        self._history = history
        self._pages: list[pa.Table] = []
        self._hashes: list[str] = []  # the rows' version hashes, for the history table
        self._children: dict[str, list[pa.Table]] = {child: [] for child in child_hints}
        self._child_rows: dict[str, int] = dict.fromkeys(child_hints, 0)

    def add(self, rows: list[dict[str, Any]], children: dict[str, list[dict[str, Any]]]) -> int:
        """Adds a page; returns the rows held."""
        types = self._sync.column_types
        if rows:
            self._pages.append(to_arrow(rows, types.table(self._table, self._parent_hints()["columns"])))
            if self._history is not None:
                self._hashes += map(version_hash, rows)
        for table, child_rows in children.items():
            if child_rows:
                child_types = types.table(table, self._child_hints[table]["columns"])
                self._children[table].append(to_arrow(child_rows, child_types))
                self._child_rows[table] += sum(CLEARED_MARKER not in row for row in child_rows)
        return sum(page.num_rows for page in self._pages)

    def items(self) -> Iterator[Any]:
        """dlt items of what is held, and empties it."""
        pages, hashes = self._pages, self._hashes
        self._pages, self._hashes = [], []
        if not pages:
            return
        hints = self._parent_hints()
        records = concat(pages)
        yield dlt.mark.with_hints(records, hints, create_table_variant=True)
        if self._history is not None:
            yield self._history.of_arrow(records, hashes, hints["columns"])
        self._sync.report.add_rows(self._table, records.num_rows)
        for table, child_pages in self._children.items():
            if child_pages:
                self._children[table] = []
                yield dlt.mark.with_hints(concat(child_pages), self._child_hints[table], create_table_variant=True)
                self._sync.report.add_rows(table, self._child_rows[table])
                self._child_rows[table] = 0
