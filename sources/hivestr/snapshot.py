"""A table mirrored as the API lists it right now (reminders: tasks overdue or due within 24 hours); see
sources/snapshots.py for why it is merged, not replaced."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from sources.http import NotFoundError, PermissionDeniedError, RateLimitExhausted
from sources.snapshots import snapshot_rows

from .entities import Entity
from .paging import response_rows
from .reader import Run
from .rows import flatten

logger = logging.getLogger(__name__)


def snapshot_items(entity: Entity, run: Run, state: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    try:
        records = response_rows(run.get_json_for(entity.table)(entity.path, entity.params), entity.path)
    except RateLimitExhausted as exhausted:
        run.report.stop_for_budget(entity.table, exhausted.resume_at)
        logger.warning("Hivestr table %s not refreshed: %s", entity.table, exhausted)
        return
    except (PermissionDeniedError, NotFoundError) as error:
        logger.warning("Skipping Hivestr table %s: %s", entity.table, error)
        run.report.skip(entity.table, str(error))
        return
    rows = [flatten(record, entity.nested) for record in records]
    items = snapshot_rows(rows, state)
    if items:
        yield items
    run.report.add_rows(entity.table, len(rows))
