"""Reading a small list whole (lookups, `/Fields`), even from an endpoint that refuses or ignores OData options.

The seed guide shows `$filter` on a few endpoints only; a lookup endpoint may answer `400` to `$filter`, `$orderby`
or `$count`, or ignore them and send the same page again. Keyset paging is tried first; when the endpoint refuses
it or a page cannot be built on (`PagingRefused`), the list is read again without those options: `$top`/`$skip`
pages deduplicated by `Id`, until a page brings no Id not seen before (an endpoint ignoring `$skip` too sends its
first page again, which ends it, or fails the list when that page is exactly as long as asked for: rows past it
cannot be read), or with no option at all if even those are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sources.http import BadRequestError, RunStop

from .paging import GetJson, KeysetReader, PagingRefused, Query, page_rows, row_id


@dataclass
class WholeList:
    rows: list[dict[str, Any]]
    requests: int
    fallback: str | None = None  # why the plain reading was needed: what the endpoint refused or ignored


def read_whole(get_json: GetJson, query: Query, run_stop: RunStop | None = None) -> WholeList:
    requests = 0

    def counted(path: str, params: dict[str, Any]) -> Any:
        nonlocal requests
        requests += 1
        return get_json(path, params)

    reader = KeysetReader(counted, query, {}, 1, run_stop=run_stop)
    try:
        rows = [row for page in reader.pages() for row in page]
        return WholeList(rows, requests)
    except (BadRequestError, PagingRefused) as error:
        rows = _without_options(counted, query)
        return WholeList(rows, requests, str(error))


def _without_options(get_json: Callable[[str, dict[str, Any]], Any], query: Query) -> list[dict[str, Any]]:
    path = query.path
    expand = {"$expand": ",".join(query.expand)} if query.expand else {}
    by_id: dict[int, dict[str, Any]] = {}
    received = 0
    while True:
        params = {**expand, "$top": query.page_size, **({"$skip": received} if received else {})}
        try:
            rows = page_rows(get_json(path, params), path)
        except BadRequestError:
            if by_id:
                raise
            rows = page_rows(get_json(path, expand), path)  # the endpoint takes no paging option at all
            return list({row_id(row, path): row for row in rows}.values())
        before, received = len(by_id), received + len(rows)
        for row in rows:
            by_id.setdefault(row_id(row, path), row)
        if len(by_id) == before:
            # the same full page again: more rows may lie past what it lets us read (a page longer than asked for is
            # an endpoint ignoring $top too, which sends all it has)
            if len(rows) == query.page_size:
                raise PagingRefused(
                    f"GET {path}: the endpoint ignores $skip as well as $filter or $orderby, so it cannot be read "
                    f"past the first {len(by_id)} rows"
                )
            return list(by_id.values())
