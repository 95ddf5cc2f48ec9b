"""How the real Hivestr API may answer its GET requests differently from this simulator's default
(simulators/core/shapes.py): each variation acts on a response body, never on the data, so `sim.records()` stays the
truth a warehouse is compared with. Variations of how lists page are the config's (omit_pagination, limit_cap, ...).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from simulators.core.shapes import Shapes, map_scalars, number_as_text, without_nulls

SHAPES: dict[str, str] = {
    "numbers_as_text": 'every number is sent as text ("50000"), money and counts included',
    "nulls_omitted": "properties whose value is null are left out, in records and in nested objects",
    "null_lists": "an empty list is sent as null: `data` of an empty page, a vehicle's media_schedules, ...",
    "extra_properties": "records and nested objects carry properties the docs never show (scalars, lists, objects)",
    "dates_with_offset": "date-times come in Brasília time with an offset (2024-01-05T07:30:00-03:00), not in Z",
}
_UTC_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
_BRASILIA = timezone(timedelta(hours=-3))


def new_shapes(active: tuple[str, ...] = ()) -> Shapes:
    return Shapes(SHAPES, active)


def reshape(shapes: Shapes, body: dict[str, Any]) -> dict[str, Any]:
    """A GET response's body as the variations switched on would send it (`body` is not shared)."""
    if not shapes.active:
        return body
    if "extra_properties" in shapes:
        body["data"] = _with_extras(body["data"])
    if "numbers_as_text" in shapes:
        body = map_scalars(body, number_as_text)
    if "dates_with_offset" in shapes:
        body = map_scalars(body, _with_offset)
    if "nulls_omitted" in shapes:
        body = without_nulls(body)
    if "null_lists" in shapes:
        body = _null_lists(body)
    return body


def _with_offset(value: Any) -> Any:
    if isinstance(value, str) and _UTC_INSTANT.fullmatch(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(_BRASILIA).isoformat()
    return value


def _with_extras(value: Any) -> Any:
    if isinstance(value, list):
        return [_with_extras(item) for item in value]
    if not isinstance(value, dict):
        return value
    shown = {key: _with_extras(item) for key, item in value.items()}
    if "id" in shown:
        shown.update(external_ref=f"ext-{shown['id']}", tags=["vip"], owner_team={"id": 3, "name": "Comercial"})
    return shown


def _null_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: None if item == [] else _null_lists(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_null_lists(item) for item in value]
    return value
