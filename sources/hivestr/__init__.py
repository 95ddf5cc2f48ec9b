"""dlt source for Hivestr: every list in full each run, children read for new or changed parents, and for the
share of unchanged ones that bounds how old any parent's children get (refresh.py).

The account's budget is 1,000 requests per hour, token requests included, so what a run costs is its detail calls:
a run after which nothing changed makes one request per list page, one for the reminders, one for the token, and
that share (P parents: P / 7 a day).
When the budget runs out the run stops cleanly (see budget.py): what was read is loaded, and the next run continues.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import dlt
import httpx
from dlt.common.configuration.inject import with_config
from dlt.sources import DltResource

from sources.children import references
from sources.deletions import LoadedRows, Sweep, check_mode
from sources.descriptions import with_descriptions
from sources.history import check_history_tables
from sources.http import SYSTEM_CLOCK, ApiClient, Clock, NotFoundError, PermissionDeniedError
from sources.report import SyncReport
from sources.tables import selected_tables

from . import settings
from .client import build_client
from .descriptions import table_text
from .entities import ALL_TABLES, ENTITIES, Child, Entity
from .paging import response_data, response_rows
from .reader import ParentTableReader, Run
from .refresh import DAY_SECONDS
from .snapshot import NO_LONGER_LISTED_HINT, snapshot_items

__all__ = ["ALL_TABLES", "check_access", "hivestr"]


@dlt.source(name="hivestr", max_table_nesting=0)
def hivestr(
    api_key: str = dlt.secrets.value,
    api_secret: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    requests_per_hour: int = settings.REQUESTS_PER_HOUR,
    max_budget_wait_seconds: float = settings.MAX_BUDGET_WAIT_SECONDS,
    max_attempts: int = settings.MAX_ATTEMPTS,
    max_retry_wait_seconds: float = settings.MAX_RETRY_WAIT_SECONDS,
    read_timeout_seconds: float = settings.READ_TIMEOUT_SECONDS,
    token_renew_margin_seconds: float = settings.TOKEN_RENEW_MARGIN_SECONDS,
    max_details_per_run: int = settings.MAX_DETAILS_PER_RUN,
    children_max_age_days: float = settings.CHILDREN_MAX_AGE_DAYS,
    deletions: str = settings.DELETIONS,
    sweep_deletions: bool = settings.SWEEP_DELETIONS,
    history_tables: Sequence[str] = settings.HISTORY_TABLES,
    tables: Sequence[str] | None = None,
    report: Any = None,
    warehouse: LoadedRows | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> list[DltResource]:
    """All Hivestr tables (or those of `tables`; a child table brings its parent), under one shared budget.

    `report` (a `sources.report.SyncReport`) collects rows, requests, skipped tables and, when the budget ran out,
    `resume_at`. `transport` and `clock` replace the network and time (tests point them at fakes; `base_url` may be
    http on loopback, for a simulator). `sweep_deletions` marks the rows of records a complete listing no longer
    returns, as `deletions` says ("soft": `_deleted_at`; "hard": delete), comparing with what `warehouse` holds
    (default: the pipeline current when the source is created); see sources/deletions.py. Children of unchanged
    parents are read again once `children_max_age_days` old, spread over the runs (refresh.py); 0: never.
    `history_tables` keep every version of their records in `<table>_history` (sources/history.py).
    """
    mode = check_mode(deletions, "sources.hivestr.deletions")
    kept_history = check_history_tables(
        history_tables, [e.table for e in ENTITIES if e.child is not None], "sources.hivestr.history_tables"
    )
    if children_max_age_days < 0:
        raise ValueError(
            f"sources.hivestr.children_max_age_days is {children_max_age_days}: use a number of days, or 0 to never "
            "read unchanged parents' children again"
        )
    report = report if report is not None else SyncReport()
    client = build_client(
        api_key,
        api_secret,
        base_url,
        requests_per_hour=requests_per_hour,
        max_budget_wait_seconds=max_budget_wait_seconds,
        max_attempts=max_attempts,
        max_retry_wait_seconds=max_retry_wait_seconds,
        read_timeout_seconds=read_timeout_seconds,
        token_renew_margin_seconds=token_renew_margin_seconds,
        transport=transport,
        clock=clock,
        stop=report.stop,
    )
    report.attach_client(client)
    run = Run(
        client=client,
        report=report,
        page_size=settings.PAGE_SIZE,
        max_details=max_details_per_run,
        clock=clock,
        children_max_age_seconds=children_max_age_days * DAY_SECONDS,
        sweep=Sweep(mode, warehouse or LoadedRows(dlt.current.pipeline())) if sweep_deletions else None,
        history_tables=kept_history,
    )
    return [_resource(entity, run) for entity in _select(tables)]


def _select(tables: Sequence[str] | None) -> list[Entity]:
    selected = selected_tables(tables, ALL_TABLES, "Hivestr")
    return [entity for entity in ENTITIES if set(entity.tables) & selected]


def _resource(entity: Entity, run: Run) -> DltResource:
    @dlt.resource(name=entity.table, primary_key="id", write_disposition="merge", parallelized=True)
    def read_table() -> Iterator[Any]:
        state = dlt.current.resource_state()
        try:
            if entity.snapshot:
                yield from snapshot_items(entity, run, state)
            else:
                yield from ParentTableReader(entity, run, state).items()
        finally:
            run.report.finish(*entity.tables)

    if not entity.snapshot:
        return read_table  # the reader gives its two tables their own hints
    text = table_text(entity.table, entity.references)
    return read_table.apply_hints(
        columns=with_descriptions({**entity.columns, **NO_LONGER_LISTED_HINT}, text),
        references=references(entity.references),
        additional_table_hints={"description": text.description},
    )


@with_config(sections=("sources", "hivestr"))
def check_access(
    api_key: str = dlt.secrets.value,
    api_secret: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    requests_per_hour: int = settings.REQUESTS_PER_HOUR,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, str]:
    """Get a token, then read one row of every table: "ok", or why the key cannot read it. A bad key raises.

    About ten requests: the token, one per list, and one per child table for the first parent listed.
    """
    client = build_client(
        api_key, api_secret, base_url, requests_per_hour=requests_per_hour, max_attempts=2, transport=transport
    )
    readable: dict[str, str] = {}
    with client:
        for entity in ENTITIES:
            readable.update(_probe(client, entity))
    return readable


def _probe(client: ApiClient, entity: Entity) -> dict[str, str]:
    paging = {} if entity.snapshot else {"page": 1, "limit": 1}
    try:
        rows = response_rows(client.get_json(entity.path, {**entity.params, **paging}), entity.path)
    except (PermissionDeniedError, NotFoundError) as error:
        return {table: f"cannot read (HTTP {error.status_code})" for table in entity.tables}
    status = {entity.table: "ok"}
    if entity.child is not None:
        status[entity.child.table] = _probe_child(client, entity.child, entity.table, rows)
    return status


def _probe_child(client: ApiClient, child: Child, parent_table: str, parents: list[dict[str, Any]]) -> str:
    if not parents:
        return f"not checked ({parent_table} is empty)"
    path = child.path.format(id=parents[0]["id"])
    paging = {"page": 1, "limit": 1} if child.paged else {}
    try:
        response_data(client.get_json(path, {**child.params, **paging}), path)
    except (PermissionDeniedError, NotFoundError) as error:
        return f"cannot read (HTTP {error.status_code})"
    return "ok"
