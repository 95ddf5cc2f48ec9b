"""Query parameters of the list endpoints: filters (with their hiding defaults), paging, the pagination object.

The defaults hide rows unless a client asks for `all` (the docs list `all` among each filter's values; API-NOTES:
a client that does not pass it misses rows):
- inventory: media_type defaults to the out-of-home media, DOOH and OOH (the endpoint "lists the out-of-home
  inventory"; TV and radio came later, with their schedules); is_active defaults to true.
- clients: status hides `inactive` (leads must stay visible: the documented flow searches for a client before
  creating one, and a client created through the API starts as a lead).
- notes: note_type defaults to `note`, the type a note gets when created without one.
- proposals: status hides `rejected` (archived like inactive clients and inventory).
Deals have no status filter, so nothing is hidden there (unless `hide_lost_deals`: see deal_rows). Lists are in
creation order (created_at, then row), unless `lists_recently_changed_first`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np

from simulators.hivestr.dataset import Dataset
from simulators.hivestr.errors import ApiError, NotFound
from simulators.hivestr.schema import CLIENT_STATUSES, LOST, MEDIA_TYPES, NOTE_TYPES, PROPOSAL_STATUSES, STAGES
from simulators.hivestr.table import Table
from simulators.hivestr.times import DAY, date_seconds, parse_date

Params = Mapping[str, str]
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
ALL = "all"
DEFAULT_MEDIA_TYPES = ("DOOH", "OOH")
HIDDEN_CLIENT_STATUSES = ("inactive",)
DEFAULT_NOTE_TYPE = "note"
HIDDEN_PROPOSAL_STATUSES = ("rejected",)
SEARCHED_CLIENT_FIELDS = ("name", "email", "company_name", "cnpj", "cpf")


def paging(params: Params, max_limit: int = MAX_LIMIT) -> tuple[int, int]:
    """(page, limit); limit above the maximum is capped silently, as the real API does."""
    page, limit = _positive(params, "page", 1), _positive(params, "limit", DEFAULT_LIMIT)
    return page, min(limit, max_limit)


def _positive(params: Params, name: str, default: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, f"Parâmetro {name} inválido: {text!r}") from None
    if value < 1:
        raise ApiError(400, f"Parâmetro {name} deve ser maior que zero")
    return value


def page_of(rows: np.ndarray, params: Params, max_limit: int = MAX_LIMIT) -> tuple[list[int], dict[str, Any]]:
    """The rows of the requested page, and the pagination object."""
    page, limit = paging(params, max_limit)
    start = (page - 1) * limit
    pagination = {"page": page, "limit": limit, "total": len(rows), "total_pages": math.ceil(len(rows) / limit)}
    return rows[start : start + limit].tolist(), pagination


def recently_changed_first(table: Table, rows: np.ndarray) -> np.ndarray:
    """`rows` newest first by updated_at (created_at where there is none), the later-made row first on a tie."""
    stamps = table.column("updated_at" if table.spec.dated else "created_at")[rows]
    return rows[np.lexsort((-rows, -stamps))]


def _choice(params: Params, name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    value = params.get(name) or default
    if value is None or value == ALL:
        return value
    if value not in allowed:
        raise ApiError(400, f"Parâmetro {name} inválido: {value!r} (use {', '.join(allowed)} ou {ALL})")
    return value


def _in(table: Table, column: str, values: tuple[Any, ...]) -> np.ndarray:
    codes = [code for code in (table.code(column, value) for value in values) if code is not None]
    return np.isin(table.column(column), codes)


def inventory_rows(ds: Dataset, params: Params) -> np.ndarray:
    table = ds.tables["inventory"]
    mask = table.alive.copy()
    media = params.get("media_type")
    if media is None or media == "":
        mask &= _in(table, "media_type", DEFAULT_MEDIA_TYPES)
    elif media != ALL:
        mask &= _in(table, "media_type", (_choice(params, "media_type", MEDIA_TYPES),))
    active = params.get("is_active") or "true"
    if active not in ("true", "false", ALL):
        raise ApiError(400, f"Parâmetro is_active inválido: {active!r} (use true, false ou all)")
    if active != ALL:
        mask &= _in(table, "is_active", (active == "true",))
    for name in ("city", "state"):
        wanted = params.get(name)
        if wanted:  # case-insensitive, as an ILIKE without wildcards
            values = tuple(
                v for v in table.vocabularies[name].values if isinstance(v, str) and v.casefold() == wanted.casefold()
            )
            mask &= _in(table, name, values)
    return np.flatnonzero(mask)


def client_rows(ds: Dataset, params: Params) -> np.ndarray:
    table = ds.tables["clients"]
    status = _choice(params, "status", CLIENT_STATUSES)
    if status is None:
        mask = table.alive & ~_in(table, "status", HIDDEN_CLIENT_STATUSES)
    else:
        mask = table.alive & (_in(table, "status", (status,)) if status != ALL else True)
    rows = np.flatnonzero(mask)
    search = (params.get("search") or "").strip().casefold()
    if search:
        matches = [row for row in rows.tolist() if search in table.search_text(row, SEARCHED_CLIENT_FIELDS)]
        rows = np.array(matches, dtype=np.int64)
    return rows


def note_rows(ds: Dataset, client_row: int, params: Params) -> np.ndarray:
    table = ds.tables["notes"]
    rows = table.children(client_row)
    note_type = _choice(params, "note_type", NOTE_TYPES, default=DEFAULT_NOTE_TYPE)
    if note_type == ALL:
        return rows
    return rows[table.column("note_type")[rows] == table.code("note_type", note_type)]


def _owned(ds: Dataset, entity: str, params: Params) -> np.ndarray:
    """Live rows of a client-owned entity, of one client when `client_id` is given (an unknown one has none)."""
    table = ds.tables[entity]
    client_id = params.get("client_id")
    if not client_id:
        return table.rows()
    try:
        return table.children(ds.tables["clients"].row_of(client_id))
    except NotFound:
        return np.zeros(0, dtype=np.int64)


def proposal_rows(ds: Dataset, params: Params) -> np.ndarray:
    table = ds.tables["proposals"]
    rows = _owned(ds, "proposals", params)
    status = _choice(params, "status", PROPOSAL_STATUSES)
    statuses = table.column("status")[rows]
    if status is None:
        rows = rows[~np.isin(statuses, [table.code("status", s) for s in HIDDEN_PROPOSAL_STATUSES])]
    elif status != ALL:
        rows = rows[statuses == table.code("status", status)]
    created = table.column("created_at")[rows]
    keep = np.ones(len(rows), dtype=bool)
    if params.get("start_date"):
        keep &= created >= date_seconds(_date(params, "start_date"))
    if params.get("end_date"):
        keep &= created < date_seconds(_date(params, "end_date")) + DAY  # the whole end day
    return rows[keep]


def _date(params: Params, name: str) -> date:
    try:
        return parse_date(params[name])
    except ValueError:
        raise ApiError(400, f"Parâmetro {name} inválido: use YYYY-MM-DD") from None


def deal_rows(ds: Dataset, params: Params, hide_lost: bool = False) -> np.ndarray:
    """`hide_lost`: without a `pipeline_stage`, cards in Perdido are left out, as a board of open deals would."""
    table = ds.tables["deals"]
    rows = _owned(ds, "deals", params)
    stage = params.get("pipeline_stage")
    stages = table.column("pipeline_stage")[rows]
    if stage:
        if stage not in STAGES:
            raise ApiError(400, f"pipeline_stage inválido: {stage!r} (use {', '.join(STAGES)})")
        rows = rows[stages == table.code("pipeline_stage", stage)]
    elif hide_lost:
        rows = rows[stages != table.code("pipeline_stage", LOST)]
    return rows
