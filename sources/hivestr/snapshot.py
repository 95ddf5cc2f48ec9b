"""A table mirrored as the API lists it right now (reminders: tasks overdue or due within 24 hours).

It is merged rather than replaced: dlt truncates a `replace` table whenever its resource yields nothing, so a run that
could not read it (budget spent, permission missing) would wipe yesterday's snapshot. Instead the ids of the last
snapshot are kept in resource state (`ids`), and those no longer listed are deleted with a hard-delete row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sources.isolation import UnloadableRecord, settle_table_error

from .entities import Entity
from .paging import response_rows
from .reader import Run
from .rows import flatten

NO_LONGER_LISTED = "_dlt_no_longer_listed"  # named like dlt's own columns: see sources/children.py
NO_LONGER_LISTED_HINT = {
    # its name until 3 December 2026, no longer the flag in a warehouse loaded before (see sources/children.py)
    "_no_longer_listed": {
        "name": "_no_longer_listed",
        "hard_delete": False,
        "description": "Connector bookkeeping, no longer used: always null (the former name of _dlt_no_longer_listed)",
    },
    NO_LONGER_LISTED: {
        "name": NO_LONGER_LISTED,
        "data_type": "bool",
        "hard_delete": True,
        "description": "Connector bookkeeping: the flag that tells a merge to delete a reminder the API no longer "
        "lists; never set in a stored row (always null)",
    },
}


def snapshot_items(entity: Entity, run: Run, state: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    try:
        records = response_rows(run.get_json_for(entity.table)(entity.path, entity.params), entity.path)
        rows = [flatten(record, entity.nested) for record in records]
        if any(row.get("id") is None for row in rows):
            raise UnloadableRecord(entity.table, None, "id", "a record has no id, so the snapshot cannot be kept")
    except Exception as error:  # noqa: BLE001 - a table's failure stays in the table (sources/isolation.py)
        settle_table_error(entity.table, error, run.report, "Hivestr")
        return
    listed = [row["id"] for row in rows]
    gone = set(state.get("ids", [])) - set(listed)
    items = rows + [{"id": row_id, NO_LONGER_LISTED: True} for row_id in sorted(gone)]
    if items:
        yield items
    run.report.add_rows(entity.table, len(rows))
    state["ids"] = listed
