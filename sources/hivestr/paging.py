"""Reading Hivestr's page/limit lists to the end, whatever the endpoint says (or omits) about its pages.

A list ends with an empty page, or where the response says it does (`pagination.total_pages`, `pagination.total`,
all that it gives), or once it returned as many rows as the parent row announced (a deal's tasks total). Never at a
short page alone: a server may serve fewer rows a page than the `limit` asked (the docs' maximum, 100) without
saying so. A page holding only rows this listing already returned means the server ignores `page`: reading on would
either loop or end with rows never seen, so the listing fails with an error saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sources.http import InvalidResponseError

from .entities import Entity, Row

GetJson = Callable[[str, Mapping[str, Any]], Any]


def response_data(body: Any, path: str) -> Any:
    """The `data` of Hivestr's `{"success": true, "data": ...}` envelope."""
    if not isinstance(body, dict) or "data" not in body:
        shape = f"keys {sorted(body)[:5]}" if isinstance(body, dict) else type(body).__name__
        raise InvalidResponseError(f"GET {path}: expected a JSON object with `data`, got {shape}")
    return body["data"]


def response_rows(body: Any, path: str) -> list[Row]:
    rows = response_data(body, path)
    if rows is None:  # some APIs send an empty list as null
        return []
    if not isinstance(rows, list):
        raise InvalidResponseError(f"GET {path}: expected `data` to be a list, got {type(rows).__name__}")
    return rows


def response_record(body: Any, path: str) -> Row:
    record = response_data(body, path)
    if not isinstance(record, dict):
        raise InvalidResponseError(f"GET {path}: expected `data` to be an object, got {type(record).__name__}")
    return record


def listing_pages(get_json: GetJson, entity: Entity, page_size: int) -> Iterator[list[Row]]:
    """The pages of the entity's list, then of each of its `listed_apart` values that no row of the list holds."""
    shown: set[tuple[str, Any]] = set()  # (filter, value) of every row listed
    for rows in read_pages(get_json, entity.path, entity.params, page_size):
        shown.update((name, row.get(name)) for row in rows for name in entity.listed_apart)
        yield rows
    for name, values in entity.listed_apart.items():
        for value in values:
            if (name, value) not in shown:
                yield from read_pages(get_json, entity.path, {**entity.params, name: value}, page_size)


def read_pages(
    get_json: GetJson, path: str, params: Mapping[str, Any], page_size: int, announced: int | None = None
) -> Iterator[list[Row]]:
    """Each page's rows that no earlier page of this listing returned, from page 1 to the end of the list.

    `announced`: how many rows the list holds, as another response said (None: unknown).
    """
    read: set[str] = set()
    page = 1
    while True:
        body = get_json(path, {**params, "page": page, "limit": page_size})
        rows = response_rows(body, path)
        if not rows:
            return
        new = [row for row in rows if str(row.get("id")) not in read]
        if not new:
            raise InvalidResponseError(
                f"GET {path}: page {page} repeats rows of earlier pages (the server seems to ignore `page`), so the "
                "rest of the list cannot be read; report it to Hivestr (suporte@hivestr.com), and leave the table "
                "out with --tables meanwhile"
            )
        read.update(str(row.get("id")) for row in new)
        yield new
        if _is_last_page(body, page, len(read), announced):
            return
        page += 1


def _is_last_page(body: dict[str, Any], page: int, read: int, announced: int | None) -> bool:
    pagination = body.get("pagination")
    pagination = pagination if isinstance(pagination, dict) else {}
    ends = []
    if _is_count(total_pages := pagination.get("total_pages")):
        ends.append(page >= total_pages)
    if _is_count(total := pagination.get("total")):
        # a row deleted while the list is paged shifts one onto a page already read: the empty page then ends it
        ends.append(read >= total)
    if announced is not None:
        ends.append(read >= announced)
    return bool(ends) and all(ends)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
