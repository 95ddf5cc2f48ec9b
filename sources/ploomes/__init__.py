"""dlt source for Ploomes CRM: every entity, incremental on LastUpdateDate, custom fields as columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import dlt
import pendulum
from dlt.common.configuration.inject import with_config
from dlt.common.schema.typing import MERGE_DISPOSITION_HINTS
from dlt.sources import DltResource

from sources.arrow_pages import DLT_COLUMN_HINTS, ColumnTypes, dlt_columns_adder
from sources.children import child_table_hints, references
from sources.deletions import DELETED_AT_HINT, LoadedRows, Sweep, check_mode
from sources.descriptions import with_descriptions
from sources.history import History, check_history_tables
from sources.http import NotFoundError, PermissionDeniedError
from sources.isolation import settle_table_error
from sources.report import SyncReport
from sources.tables import selected_tables

from . import settings
from .client import build_client
from .columns import ColumnRegistry
from .custom_fields import FieldCatalog
from .descriptions import table_text
from .entities import ALL_TABLES, CUSTOM_FIELDS_TABLE, ENTITIES, Entity
from .literals import LiteralStyle
from .paging import PageBudget
from .reader import RecordsRead, Sync, lookup_items, native_hints

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
    rows_per_item: int = settings.ROWS_PER_ITEM,
    max_pages_per_run: int = settings.MAX_PAGES_PER_RUN,
    max_attempts: int = 6,
    max_retry_wait_seconds: float = 300.0,
    deletions: str = settings.DELETIONS,
    sweep_deletions: bool = settings.SWEEP_DELETIONS,
    history_tables: Sequence[str] = settings.HISTORY_TABLES,
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
    `history_tables` keep every version of their records in `<table>_history` (sources/history.py).
    """
    mode = check_mode(deletions, "sources.ploomes.deletions")
    kept_history = check_history_tables(
        history_tables, [e.table for e in ENTITIES if e.incremental], "sources.ploomes.history_tables"
    )
    report = report if report is not None else SyncReport()
    client = build_client(
        api_key,
        base_url,
        rate_limit_per_minute,
        max_attempts=max_attempts,
        max_retry_wait_seconds=max_retry_wait_seconds,
        read_timeout_seconds=read_timeout_seconds,
        stop=report.stop,
    )
    report.attach_client(client)
    warehouse = warehouse or LoadedRows(dlt.current.pipeline())
    sync = Sync(
        client=client,
        report=report,
        page_size=page_size,
        start=pendulum.parse(since or start_date).in_timezone("UTC"),
        ignore_watermark=since is not None,
        lookback=pendulum.duration(minutes=lookback_minutes),
        window_end=pendulum.now("UTC"),
        max_ranges=max_ranges_per_table,
        min_pages_per_range=min_pages_per_range,
        budget=PageBudget(max_pages_in_flight),
        max_pages=max_pages_per_run or None,
        rows_per_item=max(1, rows_per_item),
        sweep=Sweep(mode, warehouse) if sweep_deletions else None,
        column_types=ColumnTypes.of_schema(warehouse.schema),
        warehouse=warehouse,
        literals=LiteralStyle(),
    )
    selected = selected_tables(tables, ALL_TABLES, "Ploomes")
    catalog = FieldCatalog(lambda: sync.read_whole(CUSTOM_FIELDS_TABLE, "/Fields", expand=("Type",)))
    registry = ColumnRegistry(
        catalog, [e.table for e in ENTITIES if e.table in selected and e.fields_entity_id is not None], report.stop
    )
    resources = [_entity_resource(e, sync, registry, e.table in kept_history) for e in ENTITIES if e.table in selected]
    if CUSTOM_FIELDS_TABLE in selected:
        resources.append(_custom_fields_resource(sync, registry))
    return resources


def _entity_resource(entity: Entity, sync: Sync, registry: ColumnRegistry, keeps_history: bool) -> DltResource:
    # Every table this resource writes is a table variant with its own hints: a variant copies the resource's
    # hints, so columns or references declared on the resource would leak into the child tables.
    text = table_text(entity.table, entity.natives, entity.references)
    columns = native_hints(entity)
    inherited = {
        column: columns[column] for child in entity.children for column in child.inherited if column in columns
    }
    columns.update({snake: {"name": snake, "data_type": "json"} for snake in (n.lower() for n in entity.expand)})
    columns.update(DLT_COLUMN_HINTS)
    history = History(entity.table, columns, entity.references, text) if keeps_history else None
    if entity.incremental:
        columns.update(DELETED_AT_HINT)
    columns = with_descriptions(columns, text)
    merge_hints = _merge_hints(deduplicated=sync.sweep is None) if entity.incremental else {}
    child_hints = {}
    for child in entity.children:
        child_references = {child.parent_key: entity.table, **child.references}
        child_text = table_text(child.table, child.natives, child_references)
        child_hints[child.table] = child_table_hints(
            child.table,
            child.parent_key,
            child_references,
            with_descriptions({**native_hints(child), **inherited, **DLT_COLUMN_HINTS, **DELETED_AT_HINT}, child_text),
            {**merge_hints, "description": child_text.description},
        )
    table_hints = {**merge_hints, "description": text.description}

    def hints(extra: dict[str, dict[str, Any]]) -> Any:
        return dlt.mark.make_hints(
            table_name=entity.table,
            columns={**columns, **extra},
            references=references(entity.references),
            additional_table_hints=table_hints,
        )

    @dlt.resource(
        name=entity.table,
        primary_key="id",
        write_disposition="merge" if entity.incremental else "replace",
        parallelized=True,
    )
    def read_table() -> Iterator[Any]:
        try:
            if entity.incremental:
                state = dlt.current.resource_state()
                yield from RecordsRead(entity, sync, registry, hints, child_hints, history, state).items()
            else:
                yield from lookup_items(entity, sync, hints)
        finally:
            sync.report.finish(entity.table, *(child.table for child in entity.children))

    return read_table.add_map(dlt_columns_adder())


def _merge_hints(*, deduplicated: bool) -> dict[str, bool]:
    """dlt table hints of a merged table: `deduplicated` when a load stages each record once, and each child once.

    Keyset paging over disjoint Id ranges reads each record once, so dlt's deduplication (a ROW_NUMBER() window
    over the whole staging table) is only cost: at 1,000,000 rows, half of a checkpoint's load time and DuckDB's
    largest use of memory. Not with the deletion sweep: a record deleted after it was read is staged twice, as
    read and as marked. Said both ways, since a table's schema keeps the hint of its last load.
    """
    return {MERGE_DISPOSITION_HINTS["deduplicated"]: deduplicated}


def _custom_fields_resource(sync: Sync, registry: ColumnRegistry) -> DltResource:
    tables_by_entity_id = {e.fields_entity_id: e.table for e in ENTITIES if e.fields_entity_id is not None}

    @dlt.resource(
        name=CUSTOM_FIELDS_TABLE,
        primary_key="id",
        write_disposition="replace",
        parallelized=True,
    )
    def custom_fields() -> Iterator[list[dict[str, Any]]]:
        try:
            assigned = registry.assigned_columns()
            learned = registry.learned_kinds()
            fields = registry.catalog.all()
        except Exception as error:  # noqa: BLE001 - a table's failure stays in the table (sources/isolation.py)
            settle_table_error(CUSTOM_FIELDS_TABLE, error, sync.report, "Ploomes")
            yield from sync.kept_rows(CUSTOM_FIELDS_TABLE)
            sync.report.finish(CUSTOM_FIELDS_TABLE)
            return
        rows = []
        for field in fields:
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
                    "kind": learned.get(table, {}).get(field.key, field.kind),
                    "multiple": field.multiple,
                    "options_table_id": field.options_table_id,
                    "dynamic": field.dynamic,
                    "columns": ", ".join(columns) if columns else None,
                }
            )
        sync.report.add_rows(CUSTOM_FIELDS_TABLE, len(rows))
        yield rows
        sync.report.finish(CUSTOM_FIELDS_TABLE)

    text = table_text(CUSTOM_FIELDS_TABLE, {}, {})
    return custom_fields.apply_hints(
        columns=with_descriptions({}, text), additional_table_hints={"description": text.description}
    )


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
