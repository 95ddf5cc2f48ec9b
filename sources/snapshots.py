"""Tables mirrored as the API lists them now (lookups, Hivestr's reminders): merged, never replaced.

dlt truncates a `replace` table whenever its resource yields nothing, so a run that could not read the list (a 403,
a 5xx past the retries, a refused request) would wipe what the warehouse held. Merged instead, a run that read nothing
changes nothing. The ids of the last complete listing are kept in resource state (`ids`); those a new listing lacks
are deleted with a row flagged for dlt's hard delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

NO_LONGER_LISTED = "_no_longer_listed"
NO_LONGER_LISTED_HINT = {NO_LONGER_LISTED: {"name": NO_LONGER_LISTED, "data_type": "bool", "hard_delete": True}}


def snapshot_rows(
    rows: list[dict[str, Any]], state: dict[str, Any], loaded_ids: Callable[[], Iterable[Any]] = list
) -> list[dict[str, Any]]:
    """`rows` (the complete listing) plus a hard-delete row for each id the last listing had and this one lacks.

    `loaded_ids()` gives the ids the warehouse holds, asked for only when the state has no earlier listing (a table
    that was loaded before this state was kept).
    """
    listed = [row["id"] for row in rows]
    before = state["ids"] if "ids" in state else list(loaded_ids())
    gone = set(before) - set(listed)
    state["ids"] = listed
    return rows + [{"id": row_id, NO_LONGER_LISTED: True} for row_id in sorted(gone)]
