"""Reading a Ploomes table without losing or repeating rows: keyset paging on `Id`, in concurrent `Id` ranges.

Why not `$skip` ordered by `LastUpdateDate`: a record updated while the sync pages moves to the end of that order,
shifting every later page by one, so a row is skipped. Here every query is ordered by `Id` and continues after the
last `Id` seen, inside a time window closed when the run started (`LastUpdateDate le <end>`): a record updated during
the sync leaves the window and is read by the next run instead. A table's read is split into `Id` ranges read
concurrently, and its progress (the last `Id` of each range) is a plain dict that the caller keeps in dlt state, so
an interrupted read resumes where it stopped.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

Page = list[dict[str, Any]]
GetJson = Callable[[str, dict[str, Any]], Any]

# Below this many remaining pages a table is read as one range: splitting costs one request (the highest Id).
SPLIT_THRESHOLD_PAGES = 4


@dataclass(frozen=True)
class Query:
    path: str
    filter: str | None = None  # conditions besides the Id range, e.g. the time window
    expand: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    page_size: int = 300

    def params(self, after: int | None, upto: int | None = None, *, count: bool = True) -> dict[str, Any]:
        terms = [f"({self.filter})"] if self.filter else []
        if after is not None:
            terms.append(f"Id gt {after}")
        if upto is not None:
            terms.append(f"Id le {upto}")
        params: dict[str, Any] = {"$orderby": "Id", "$top": self.page_size}
        if terms:
            params["$filter"] = " and ".join(terms)
        if self.expand:
            params["$expand"] = ",".join(self.expand)
        if self.select:
            params["$select"] = ",".join(self.select)
        if count:
            params["$count"] = "true"
        return params


def _is_last_page(body: dict[str, Any], rows: Page) -> bool:
    """A page is the last when it is empty or the server's count says nothing follows it.

    A short page alone proves nothing (some endpoints cap `$top` lower than asked), so without `@odata.count` the
    reader asks once more and stops on the empty page.
    """
    if not rows:
        return True
    remaining = body.get("@odata.count")
    return remaining is not None and remaining <= len(rows)


class KeysetReader:
    """Yields the pages of one query; `progress` (JSON-able) records what has been yielded so far."""

    def __init__(self, get_json: GetJson, query: Query, progress: dict[str, Any], max_ranges: int = 8):
        self._get_json = get_json
        self._query = query
        self.progress = progress
        self._max_ranges = max(1, max_ranges)
        self.requests = 0

    def _fetch(self, after: int | None, upto: int | None) -> tuple[Page, bool, int | None]:
        body = self._get_json(self._query.path, self._query.params(after, upto))
        self.requests += 1
        rows = body.get("value") or []
        return rows, _is_last_page(body, rows), body.get("@odata.count")

    def pages(self, max_pages: int | None = None) -> Iterator[Page]:
        """Yield pages until the table is read or `max_pages` were yielded (then `progress` says where to resume)."""
        if "ranges" not in self.progress:
            rows, last, total = self._fetch(None, None)
            if rows:
                yield rows
            if last:
                self.progress["ranges"] = []
                return
            remaining = None if total is None else total - len(rows)
            self.progress["ranges"] = self._split(rows[-1]["Id"], remaining)
            max_pages = None if max_pages is None else max_pages - 1
        yield from self._read_ranges(max_pages)

    def _split(self, after: int, remaining: int | None) -> list[dict[str, Any]]:
        """Ranges of Ids after the first page; only a table with many pages left is worth splitting."""
        pages_left = -(-(remaining or 0) // self._query.page_size)
        if pages_left < SPLIT_THRESHOLD_PAGES or self._max_ranges == 1:
            return [{"after": after, "upto": None}]
        highest = self._highest_id()
        if highest is None or highest <= after:
            return [{"after": after, "upto": None}]
        count = min(self._max_ranges, pages_left // 2)
        step = (highest - after) // count or 1
        bounds = [after + step * i for i in range(count)] + [highest]
        ranges = [{"after": bounds[i], "upto": bounds[i + 1]} for i in range(count)]
        ranges[-1]["upto"] = None  # rows created after the split still belong to the last range
        return ranges

    def _highest_id(self) -> int | None:
        params = {
            **self._query.params(None, None, count=False),
            "$orderby": "Id desc",
            "$top": 1,
            "$select": "Id",
        }
        params.pop("$expand", None)
        body = self._get_json(self._query.path, params)
        self.requests += 1
        rows = body.get("value") or []
        return rows[0]["Id"] if rows else None

    def _read_ranges(self, max_pages: int | None) -> Iterator[Page]:
        open_ranges = [r for r in self.progress["ranges"] if not r.get("done")]
        if not open_ranges:
            return
        results: queue.Queue[tuple[dict[str, Any], Page, bool] | BaseException] = queue.Queue()
        # A permit per page fetched and not yet taken by the consumer, the request in flight included: each range
        # keeps one request going, yet a table never holds more decoded pages (about 4 MB each) than it has ranges.
        permits = threading.Semaphore(len(open_ranges))
        stop = threading.Event()

        def read(range_: dict[str, Any]) -> None:
            after = range_["after"]
            try:
                while True:
                    permits.acquire()
                    if stop.is_set():
                        return
                    rows, last, _ = self._fetch(after, range_["upto"])
                    results.put((range_, rows, last))
                    if last:
                        return
                    after = rows[-1]["Id"]
            except BaseException as error:  # noqa: BLE001 - handed to the consuming thread, which re-raises it
                results.put(error)

        pool = ThreadPoolExecutor(max_workers=len(open_ranges), thread_name_prefix="ploomes-range")
        try:
            for range_ in open_ranges:
                pool.submit(read, range_)
            running, yielded = len(open_ranges), 0
            while running:
                item = results.get()
                permits.release()
                if isinstance(item, BaseException):
                    raise item
                range_, rows, last = item
                if rows:
                    yield rows
                    yielded += 1
                    range_["after"] = rows[-1]["Id"]
                if last:
                    range_["done"] = True
                    running -= 1
                if max_pages is not None and yielded >= max_pages:
                    return
        finally:
            stop.set()
            for _ in open_ranges:  # wake the readers waiting for a permit, so that they see `stop` and end
                permits.release()
            pool.shutdown(wait=False, cancel_futures=True)
