"""A table mirrored as the API lists it right now (reminders: tasks overdue or due within 24 hours); see
sources/snapshots.py for why it is merged, not replaced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sources.isolation import UnloadableRecord, settle_table_error
from sources.snapshots import snapshot_rows

from .entities import Entity
from .paging import response_rows
from .reader import Run
from .rows import flatten


def snapshot_items(entity: Entity, run: Run, state: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    try:
        records = response_rows(run.get_json_for(entity.table)(entity.path, entity.params), entity.path)
        rows = [flatten(record, entity.nested) for record in records]
        if any(row.get("id") is None for row in rows):
            raise UnloadableRecord(entity.table, None, "id", "a record has no id, so the snapshot cannot be kept")
    except Exception as error:  # noqa: BLE001 - a table's failure stays in the table (sources/isolation.py)
        settle_table_error(entity.table, error, run.report, "Hivestr")
        return
    items = snapshot_rows(rows, state)
    if items:
        yield items
    run.report.add_rows(entity.table, len(rows))
