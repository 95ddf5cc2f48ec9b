"""dlt source for Ploomes CRM: every entity, incremental on LastUpdateDate, custom fields as columns."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from typing import Any

import dlt
import pendulum
from dlt.common.configuration.inject import with_config
from dlt.common.schema.typing import MERGE_DISPOSITION_HINTS
from dlt.sources import DltResource

from sources.arrow_pages import ColumnTypes, to_arrow
from sources.children import CLEARED_MARKER, child_table_hints, references
from sources.deletions import DELETED_AT_HINT, ChildTable, LoadedRows, ParentHints, Sweep, check_mode
from sources.http import NotFoundError, PermissionDeniedError
from sources.report import SyncReport

from . import settings
from .client import build_client
from .columns import ColumnRegistry
from .custom_fields import CustomFieldMapper, FieldCatalog
from .entities import ALL_TABLES, CUSTOM_FIELDS_TABLE, ENTITIES, Entity
from .paging import KeysetReader, PageBudget, Query
from .rows import flatten, native_columns

logger = logging.getLogger(__name__)

__all__ = ["ALL_TABLES", "check_access", "ploomes"]


@dlt.source(name="ploomes", max_table_nesting=0)
def ploomes(
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    rate_limit_per_minute: int = settings.RATE_LIMIT_PER_MINUTE,
    page_size: int = settings.PAGE_SIZE,
    start_date: str = settings.START_DATE,
    lookback_minutes: int = settings.LOOKBACK_MINUTES,
    max_ranges_per_table: int = settings.MAX_RANGES_PER_TABLE,
    min_pages_per_range: int = settings.MIN_PAGES_PER_RANGE,
    max_pages_in_flight: int = settings.MAX_PAGES_IN_FLIGHT,
    max_pages_per_run: int = settings.MAX_PAGES_PER_RUN,
    max_attempts: int = 6,
    max_retry_wait_seconds: float = 300.0,
    deletions: str = settings.DELETIONS,
    sweep_deletions: bool = settings.SWEEP_DELETIONS,
    read_timeout_seconds: float = settings.READ_TIMEOUT_SECONDS,
    since: str | None = None,
    tables: Sequence[str] | None = None,
    report: Any = None,
    warehouse: LoadedRows | None = None,
) -> list[DltResource]:
    """All Ploomes tables (or `tables`), read with one client whose rate limit every table shares.

    `since` re-reads every record updated since that date, whatever the saved cursor says (merged, not
    duplicated). `report` (a `sources.report.SyncReport`) collects rows, requests and skipped tables.
    `sweep_deletions` lists every `Id` of each incremental table (one request per 300 rows) and marks the rows whose
    record is gone, as `deletions` says ("soft": `_deleted_at`; "hard": delete); see sources/deletions.py. It
    compares with what `warehouse` holds (default: the pipeline current when the source is created).
    """
    mode = check_mode(deletions, "sources.ploomes.deletions")
    client = build_client(
        api_key,
        base_url,
        rate_limit_per_minute,
        max_attempts=max_attempts,
        max_retry_wait_seconds=max_retry_wait_seconds,
        read_timeout_seconds=read_timeout_seconds,
    )
    report = report if report is not None else SyncReport()
    report.attach_client(client)
    warehouse = warehouse or LoadedRows(dlt.current.pipeline())
    sync = _Sync(
        client=client,
        report=report,
        page_size=page_size,
        start=pendulum.parse(since or start_date).in_timezone("UTC"),
        ignore_watermark=since is not None,
        lookback=pendulum.duration(minutes=lookback_minutes),
        # A window closed when the run starts: rows updated during the sync are the next run's.
        window_end=pendulum.now("UTC"),
        max_ranges=max_ranges_per_table,
        min_pages_per_range=min_pages_per_range,
        budget=PageBudget(max_pages_in_flight),
        max_pages=max_pages_per_run or None,
        sweep=Sweep(mode, warehouse) if sweep_deletions else None,
        column_types=ColumnTypes.of_schema(warehouse.schema),
    )
    selected = _select(tables)
    catalog = FieldCatalog(lambda: sync.read_all("/Fields", expand=("Type",), table=CUSTOM_FIELDS_TABLE))
    registry = ColumnRegistry(
        catalog, [e.table for e in ENTITIES if e.table in selected and e.fields_entity_id is not None]
    )
    resources = [_entity_resource(e, sync, registry) for e in ENTITIES if e.table in selected]
    if CUSTOM_FIELDS_TABLE in selected:
        resources.append(_custom_fields_resource(sync, registry))
    return resources


def _select(tables: Sequence[str] | None) -> set[str]:
    if not tables:
        return set(ALL_TABLES)
    unknown = sorted(set(tables) - set(ALL_TABLES))
    if unknown:
        raise ValueError(
            f"Unknown Ploomes table(s) {', '.join(unknown)} in --tables / sources.ploomes.tables; "
            f"choose from: {', '.join(ALL_TABLES)}"
        )
    return set(tables)


class _Sync:
    """What every table's reader shares during one run."""

    def __init__(
        self,
        *,
        client,
        report,
        page_size,
        start,
        ignore_watermark,
        lookback,
        window_end,
        max_ranges,
        min_pages_per_range,
        budget,
        max_pages,
        sweep,
        column_types,
    ):
        self.client = client
        self.ignore_watermark = ignore_watermark
        self.report = report
        self.page_size = page_size
        self.start = start
        self.lookback = lookback
        self.window_end = window_end
        self.max_ranges = max_ranges
        self.min_pages_per_range = min_pages_per_range
        self.budget: PageBudget = budget
        self.max_pages = max_pages
        self.sweep: Sweep | None = sweep
        self.column_types: ColumnTypes = column_types

    def in_flight_needed(self) -> int:
        """Requests in flight that keep the shared rate limit busy: its rate times the API's latency so far."""
        latency = self.client.stats.mean_latency_seconds
        if latency is None:
            return self.max_ranges
        return max(1, math.ceil(latency / self.client.limiter.limit.interval_seconds))

    def read_all(
        self, path: str, *, table: str, expand: tuple[str, ...] = (), select: tuple[str, ...] = ()
    ) -> list[dict[str, Any]]:
        """Every row of `path`, one range: `ceil(rows / page_size)` requests (one for an empty table)."""
        query = Query(path, expand=expand, select=select, page_size=self.page_size)
        reader = KeysetReader(self.client.get_json, query, {}, 1)
        try:
            return [row for page in reader.pages() for row in page]
        finally:
            self.report.add_requests(table, reader.requests)


def _odata_time(moment: pendulum.DateTime) -> str:
    return moment.in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss.SSS[Z]")


def _entity_resource(entity: Entity, sync: _Sync, registry: ColumnRegistry) -> DltResource:
    # Every table this resource writes is a table variant with its own hints: a variant copies the resource's
    # hints, so columns or references declared on the resource would leak into the child tables.
    fixed_columns = {snake: {"name": snake, "data_type": "json"} for snake in (n.lower() for n in entity.expand)}
    if entity.incremental:
        fixed_columns.update(DELETED_AT_HINT)
    merge_hints = _merge_hints(deduplicated=sync.sweep is None)
    child_hints = {
        child.table: child_table_hints(
            child.table,
            child.parent_key,
            {child.parent_key: entity.table, **child.references},
            DELETED_AT_HINT,
            merge_hints,
        )
        for child in entity.children
    }

    def parent_hints(mapper: CustomFieldMapper | None, extra: dict[str, Any] | None = None) -> Any:
        columns = {**fixed_columns, **(mapper.column_hints() if mapper else {}), **(extra or {})}
        return dlt.mark.make_hints(
            table_name=entity.table,
            columns=columns,
            references=references(entity.references),
            additional_table_hints=merge_hints if entity.incremental else None,
        )

    @dlt.resource(
        name=entity.table,
        primary_key="id",
        write_disposition="merge" if entity.incremental else "replace",
        parallelized=True,
    )
    def read_table() -> Iterator[Any]:
        state = dlt.current.resource_state()
        query, progress = _plan(entity, sync, state)
        reader = KeysetReader(
            sync.client.get_json,
            query,
            progress,
            sync.max_ranges,
            min_pages_per_range=sync.min_pages_per_range,
            in_flight_needed=sync.in_flight_needed,
            budget=sync.budget,
        )
        mapper, hints = None, None
        batch = _Batch(entity.table, sync, child_hints)
        try:
            for page in reader.pages(sync.max_pages if entity.incremental else None):
                if hints is None:
                    if entity.fields_entity_id is not None:
                        natives = native_columns(page[0], entity)
                        mapper = registry.mapper(entity.table, entity.fields_entity_id, natives)
                        registry.settle(entity.table)
                    hints = parent_hints(mapper)
                held = batch.add(*_flatten_page(entity, page, mapper))
                del page  # flattened, the decoded page is garbage, unless this name kept it while the next is read
                if held >= settings.ROWS_PER_ITEM:
                    yield from batch.items(hints)
            yield from batch.items(hints)
        except (PermissionDeniedError, NotFoundError) as error:
            yield from batch.items(hints)  # the pages read before the refusal are in the progress saved
            logger.warning("Skipping Ploomes table %s: %s", entity.table, error)
            sync.report.skip(entity.table, str(error))
            return
        finally:
            sync.report.add_requests(entity.table, reader.requests)
            if entity.fields_entity_id is not None and mapper is None:
                registry.mapper(entity.table, entity.fields_entity_id, ())
            registry.settle(entity.table)
        if entity.incremental and _finish_window(entity, sync, state, progress):
            children = [ChildTable(c.table, c.parent_key, child_hints[c.table]) for c in entity.children]
            yield from _sweep(entity, sync, lambda extra: parent_hints(mapper, extra), children)

    return read_table


def _merge_hints(*, deduplicated: bool) -> dict[str, bool]:
    """dlt table hints of a merged table: `deduplicated` when a load stages each record once, and each child once.

    Keyset paging over disjoint Id ranges reads each record once, so dlt's deduplication (a ROW_NUMBER() window
    over the whole staging table) is only cost: at 1,000,000 rows, half of a checkpoint's load time and DuckDB's
    largest use of memory. Not with the deletion sweep: a record deleted after it was read is staged twice, as
    read and as marked. Said both ways, since a table's schema keeps the hint of its last load.
    """
    return {MERGE_DISPOSITION_HINTS["deduplicated"]: deduplicated}


def _sweep(entity: Entity, sync: _Sync, parent_hints: ParentHints, children: list[ChildTable]) -> Iterator[Any]:
    """Once per pipeline run, after the table's window is complete: mark rows whose record left Ploomes."""
    if sync.sweep is None or not sync.report.claim_sweep(entity.table):
        return

    def listed() -> list[int]:
        return [row["Id"] for row in sync.read_all(entity.path, table=entity.table, select=("Id",))]

    gone = sync.sweep.vanished(entity.table, listed)
    yield from sync.sweep.items(entity.table, gone, parent_hints, children)
    sync.report.add_deleted(entity.table, len(gone))


def _plan(entity: Entity, sync: _Sync, state: dict[str, Any]) -> tuple[Query, dict[str, Any]]:
    """The query for this run and the dict where its progress is kept (in resource state when incremental)."""
    if not entity.incremental:
        return Query(entity.path, expand=entity.expands, page_size=sync.page_size), {}
    pending = None if sync.ignore_watermark else state.get("pending")
    if pending is None:
        watermark = None if sync.ignore_watermark else state.get("watermark")
        start = pendulum.parse(watermark) - sync.lookback if watermark else sync.start
        pending = state["pending"] = {
            "start": _odata_time(start),
            "end": _odata_time(sync.window_end),
            "progress": {},
        }
    window = f"{entity.cursor} gt {pending['start']} and {entity.cursor} le {pending['end']}"
    return Query(entity.path, filter=window, expand=entity.expands, page_size=sync.page_size), pending["progress"]


def _finish_window(entity: Entity, sync: _Sync, state: dict[str, Any], progress: dict[str, Any]) -> bool:
    """Move the watermark when the window was read to its end (True); else the next checkpoint resumes it."""
    ranges = progress.get("ranges")
    if ranges is not None and all(r.get("done") for r in ranges):
        state["watermark"] = state.pop("pending")["end"]
        return True
    sync.report.mark_resumable(entity.table)
    return False


class _Batch:
    """A table's flattened rows and child rows, handed to dlt as Arrow tables a few thousand rows at a time."""

    def __init__(self, table: str, sync: _Sync, child_hints: dict[str, Any]):
        self._table, self._sync, self._child_hints = table, sync, child_hints
        self._rows: list[dict[str, Any]] = []
        self._children: dict[str, list[dict[str, Any]]] = {child: [] for child in child_hints}

    def add(self, rows: list[dict[str, Any]], children: dict[str, list[dict[str, Any]]]) -> int:
        """Adds a page; returns the rows held."""
        self._rows.extend(rows)
        for table, child_rows in children.items():
            self._children[table].extend(child_rows)
        return len(self._rows)

    def items(self, hints: Any) -> Iterator[Any]:
        """dlt items of what is held (the parent's `hints` are known once a page was read), and empties it."""
        rows, self._rows = self._rows, []
        if not rows:
            return
        types = self._sync.column_types
        yield dlt.mark.with_hints(
            to_arrow(rows, types.table(self._table, hints["columns"])), hints, create_table_variant=True
        )
        self._sync.report.add_rows(self._table, len(rows))
        for table, child_rows in self._children.items():
            hints_of_child, self._children[table] = self._child_hints[table], []
            child_types = types.table(table, hints_of_child["columns"])
            yield dlt.mark.with_hints(to_arrow(child_rows, child_types), hints_of_child, create_table_variant=True)
            self._sync.report.add_rows(table, sum(CLEARED_MARKER not in row for row in child_rows))


def _flatten_page(entity: Entity, page: list[dict[str, Any]], mapper) -> tuple[list, dict[str, list]]:
    rows: list[dict[str, Any]] = []
    children: dict[str, list[dict[str, Any]]] = {child.table: [] for child in entity.children}
    for record in page:
        row, record_children = flatten(entity, record, mapper)
        rows.append(row)
        for table, child_rows in record_children.items():
            children[table].extend(child_rows)
    return rows, children


def _custom_fields_resource(sync: _Sync, registry: ColumnRegistry) -> DltResource:
    tables_by_entity_id = {e.fields_entity_id: e.table for e in ENTITIES if e.fields_entity_id is not None}

    @dlt.resource(name=CUSTOM_FIELDS_TABLE, primary_key="id", write_disposition="replace", parallelized=True)
    def custom_fields() -> Iterator[list[dict[str, Any]]]:
        assigned = registry.assigned_columns()
        rows = []
        for field in registry.catalog.all():
            table = tables_by_entity_id.get(field.entity_id)
            columns = assigned.get(table, {}).get(field.key) if table and field.dynamic else None
            rows.append(
                {
                    "id": field.id,
                    "key": field.key,
                    "name": field.name,
                    "entity_id": field.entity_id,
                    "table_name": table,
                    "native_type": field.native_type,
                    "kind": field.kind,
                    "multiple": field.multiple,
                    "options_table_id": field.options_table_id,
                    "dynamic": field.dynamic,
                    "columns": ", ".join(columns) if columns else None,
                }
            )
        sync.report.add_rows(CUSTOM_FIELDS_TABLE, len(rows))
        yield rows

    return custom_fields


@with_config(sections=("sources", "ploomes"))
def check_access(
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    rate_limit_per_minute: int = settings.RATE_LIMIT_PER_MINUTE,
) -> dict[str, str]:
    """Read one row of every table: "ok", or why the account cannot read it. A bad key raises."""
    client = build_client(api_key, base_url, rate_limit_per_minute, max_attempts=2)
    readable = {}
    for entity in ENTITIES:
        try:
            client.get_json(entity.path, {"$top": 1, "$select": "Id"})
            readable[entity.table] = "ok"
        except (PermissionDeniedError, NotFoundError) as error:
            readable[entity.table] = f"cannot read (HTTP {error.status_code})"
    return readable
