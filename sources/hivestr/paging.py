"""Reading Hivestr's page/limit lists to the end, whatever the endpoint says (or omits) about its pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sources.http import InvalidResponseError

from .entities import Row

GetJson = Callable[[str, Mapping[str, Any]], Any]


def response_data(body: Any, path: str) -> Any:
    """The `data` of Hivestr's `{"success": true, "data": ...}` envelope."""
    if not isinstance(body, dict) or "data" not in body:
        shape = f"keys {sorted(body)[:5]}" if isinstance(body, dict) else type(body).__name__
        raise InvalidResponseError(f"GET {path}: expected a JSON object with `data`, got {shape}")
    return body["data"]


def response_rows(body: Any, path: str) -> list[Row]:
    rows = response_data(body, path)
    if not isinstance(rows, list):
        raise InvalidResponseError(f"GET {path}: expected `data` to be a list, got {type(rows).__name__}")
    return rows


def read_pages(get_json: GetJson, path: str, params: Mapping[str, Any], page_size: int) -> Iterator[list[Row]]:
    """The rows of each page from the first to the last: `pagination.total_pages` when given, else a short or empty
    page.

    An endpoint that ignores `page` would send its first page forever; a page repeating the previous one ends it.
    """
    page = 1
    previous_ids: list[Any] | None = None
    while True:
        body = get_json(path, {**params, "page": page, "limit": page_size})
        rows = response_rows(body, path)
        ids = [row.get("id") for row in rows]
        if rows and ids == previous_ids:
            return
        if rows:
            yield rows
        if _is_last_page(body, page, rows, page_size):
            return
        previous_ids = ids
        page += 1


def _is_last_page(body: dict[str, Any], page: int, rows: list[Row], page_size: int) -> bool:
    if not rows:
        return True
    pagination = body.get("pagination")
    if isinstance(pagination, dict):
        total_pages = pagination.get("total_pages")
        if isinstance(total_pages, int):
            return page >= total_pages
        # the server may cap `limit` lower than asked: judge shortness by what it says it used
        page_size = pagination.get("limit") if isinstance(pagination.get("limit"), int) else page_size
    return len(rows) < page_size
