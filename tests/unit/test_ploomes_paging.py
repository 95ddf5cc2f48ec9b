"""Keyset paging against a tiny fake of the Ploomes query surface (Id ranges, $count, $top, $orderby)."""

import bisect
import gc
import re
import threading
import time
import weakref

import orjson
import pytest

from sources.ploomes import paging
from sources.ploomes.paging import KeysetReader, PageBudget, Query


class FakeTable:
    def __init__(self, ids, cap=300):
        self.ids = sorted(ids)
        self.cap = cap
        self.calls = []
        self.lock = threading.Lock()

    def get_json(self, path, params):
        with self.lock:
            self.calls.append(dict(params))
        flt = params.get("$filter", "")
        low = max([int(v) for v in re.findall(r"Id gt (\d+)", flt)] or [-1])
        high = min([int(v) for v in re.findall(r"Id le (\d+)", flt)] or [10**12])
        matching = self.ids[bisect.bisect_right(self.ids, low) : bisect.bisect_right(self.ids, high)]
        if params.get("$orderby") == "Id desc":
            matching.reverse()
        page = matching[: min(int(params["$top"]), self.cap)]
        body = {"value": [{"Id": i} for i in page]}
        if params.get("$count") == "true":
            body["@odata.count"] = len(matching)
        return body


def read_all(reader, **kwargs):
    return [row["Id"] for page in reader.pages(**kwargs) for row in page]


def test_small_table_is_one_request_when_count_says_it_is_complete():
    table = FakeTable(range(1, 51))
    reader = KeysetReader(table.get_json, Query("/X", page_size=300), {})
    assert read_all(reader) == list(range(1, 51))
    assert reader.requests == 1


def test_empty_table_is_one_request():
    table = FakeTable([])
    reader = KeysetReader(table.get_json, Query("/X"), {})
    assert read_all(reader) == [] and reader.requests == 1


def assert_each_row_once(got, ids):
    assert sorted(got) == ids and len(got) == len(set(got))


def test_large_table_is_split_into_concurrent_ranges_without_loss_or_duplicates():
    ids = list(range(10, 30_000, 3))
    table = FakeTable(ids)
    progress = {}
    reader = KeysetReader(table.get_json, Query("/X", page_size=300), progress, max_ranges=4)
    assert_each_row_once(read_all(reader), ids)
    assert len(progress["ranges"]) == 4 and all(r["done"] for r in progress["ranges"])
    # one page per 300 rows, at most one partial page per extra range, and one request for the highest Id
    assert reader.requests <= -(-len(ids) // 300) + 3 + 1
    probes = [c for c in table.calls if c["$orderby"] != "Id"]
    assert [(p["$orderby"], p["$top"], p["$select"]) for p in probes] == [("Id desc", 1, "Id")]


@pytest.mark.parametrize(
    "ids",
    [
        [*range(1, 301), *range(10_000, 1_000_000, 97)],  # sparser after the first page
        [*range(1, 30_000, 100), *range(30_000, 40_000)],  # denser at the end: the ranges hold unequal rows
    ],
    ids=["sparse-tail", "dense-tail"],
)
def test_ranges_of_equal_id_spans_never_lose_or_repeat_a_row_whatever_the_id_density(ids):
    table = FakeTable(ids)
    progress = {}
    reader = KeysetReader(table.get_json, Query("/X"), progress, max_ranges=5)
    assert_each_row_once(read_all(reader), ids)
    assert len(progress["ranges"]) == 5 and progress["ranges"][-1]["upto"] is None
    assert reader.requests <= -(-len(ids) // 300) + 4 + 1


@pytest.mark.parametrize(
    ("rows", "min_pages_per_range", "in_flight", "ranges"),
    [
        (3_200, 20, None, 1),  # 11 pages: not worth a single extra range
        (60_000, 20, None, 8),  # 200 pages: max_ranges
        (60_000, 20, lambda: 4, 5),  # rate x latency needs 4 in flight, plus one for jitter
        (12_300, 20, lambda: 4, 2),  # 41 pages: 20 a range at least
    ],
)
def test_a_table_is_split_only_into_ranges_that_pay_for_themselves(rows, min_pages_per_range, in_flight, ranges):
    ids = list(range(1, rows + 1))
    table = FakeTable(ids)
    progress = {}
    reader = KeysetReader(
        table.get_json, Query("/X"), progress, 8, min_pages_per_range=min_pages_per_range, in_flight_needed=in_flight
    )
    assert_each_row_once(read_all(reader), ids)
    assert len(progress["ranges"]) == ranges
    assert reader.requests <= -(-rows // 300) + ranges - 1 + (ranges > 1)


def test_server_capping_top_lower_than_asked_does_not_end_the_read_early():
    table = FakeTable(range(1, 1001), cap=100)
    reader = KeysetReader(table.get_json, Query("/X", page_size=300), {}, max_ranges=1)
    assert read_all(reader) == list(range(1, 1001))


def test_without_count_the_reader_stops_on_an_empty_page():
    table = FakeTable(range(1, 601))
    plain = lambda path, params: {"value": table.get_json(path, params)["value"]}  # noqa: E731
    reader = KeysetReader(plain, Query("/X", page_size=300), {}, max_ranges=1)
    assert read_all(reader) == list(range(1, 601))
    assert reader.requests == 3


@pytest.mark.parametrize("max_ranges", [1, 4])
def test_a_read_stopped_at_the_page_limit_resumes_where_it_stopped(max_ranges):
    ids = list(range(1, 9001))  # 30 pages: four ranges of 7
    table = FakeTable(ids)
    progress = {}
    first = read_all(KeysetReader(table.get_json, Query("/X"), progress, max_ranges), max_pages=5)
    assert len(first) == 5 * 300
    assert not all(r.get("done") for r in progress["ranges"])
    rest = []
    while not all(r.get("done") for r in progress["ranges"]):
        rest += read_all(KeysetReader(table.get_json, Query("/X"), progress, max_ranges), max_pages=7)
    assert sorted(first + rest) == ids and len(first + rest) == len(ids)


def test_query_parameters_keep_the_window_and_expand():
    params = Query("/Deals", filter="LastUpdateDate le 2024-01-01T00:00:00Z", expand=("OtherProperties",)).params(5, 9)
    assert params["$filter"] == "(LastUpdateDate le 2024-01-01T00:00:00Z) and Id gt 5 and Id le 9"
    assert params["$orderby"] == "Id" and params["$expand"] == "OtherProperties" and params["$count"] == "true"


class SlowTable(FakeTable):
    """A FakeTable whose requests take a while, counting the requests in flight over every table that shares
    `in_flight` (a dict with "now" and "most")."""

    def __init__(self, ids, in_flight):
        super().__init__(ids)
        self.in_flight = in_flight

    def get_json(self, path, params):
        with self.in_flight["lock"]:
            self.in_flight["now"] += 1
            self.in_flight["most"] = max(self.in_flight["most"], self.in_flight["now"])
        try:
            threading.Event().wait(0.002)
            return super().get_json(path, params)
        finally:
            with self.in_flight["lock"]:
                self.in_flight["now"] -= 1


def test_tables_sharing_a_page_budget_keep_to_it_and_still_read_every_row():
    in_flight = {"now": 0, "most": 0, "lock": threading.Lock()}
    budget = PageBudget(3)
    ids = list(range(1, 12_001))
    tables = [SlowTable(ids, in_flight) for _ in range(2)]
    readers = [KeysetReader(t.get_json, Query("/X"), {}, max_ranges=4, budget=budget) for t in tables]
    got = [[], []]
    threads = [threading.Thread(target=lambda i=i: got[i].extend(read_all(readers[i]))) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert_each_row_once(got[0], ids)
    assert_each_row_once(got[1], ids)
    # 8 ranges in all, yet no more pages at once than the budget, plus the one a table holding none may take
    assert in_flight["most"] <= 3 + 1


def test_a_table_whose_pages_are_not_taken_never_stops_another_table_sharing_the_budget():
    budget = PageBudget(2)
    stalled = KeysetReader(FakeTable(range(1, 30_001)).get_json, Query("/X"), {}, max_ranges=4, budget=budget)
    pages = stalled.pages()
    next(pages), next(pages)  # its readers now fill the budget, and nobody takes their pages
    other = FakeTable(range(1, 9_001))
    got = []
    thread = threading.Thread(
        target=lambda: got.extend(read_all(KeysetReader(other.get_json, Query("/X"), {}, 4, budget=budget)))
    )
    thread.start()
    thread.join(timeout=10)
    pages.close()
    assert_each_row_once(got, list(range(1, 9_001)))


class Rows(list):
    """A page's decoded rows that a test can hold a weak reference to (a plain list takes none)."""


class WatchedTable(FakeTable):
    """Answers with bodies as an HTTP client reads them (their bytes, and what they decode to), and keeps a weak
    reference to every decoded page it handed out."""

    def __init__(self, ids, cap=300):
        super().__init__(ids, cap)
        self.decoded = []

    def get_json(self, path, params):
        body = super().get_json(path, params)
        body["value"] = Rows(body["value"])
        with self.lock:
            self.decoded.append(weakref.ref(body["value"]))
        return body

    def get_json_and_body(self, path, params):
        body = self.get_json(path, params)
        return body, orjson.dumps(body)

    def alive(self):
        gc.collect()
        return sum(ref() is not None for ref in self.decoded)


def test_the_first_page_is_not_kept_alive_while_the_rest_of_the_table_is_read():
    table = WatchedTable(range(1, 1_001))
    reader = KeysetReader(
        table.get_json, Query("/X", page_size=100), {}, max_ranges=1, get_json_and_body=table.get_json_and_body
    )
    pages = reader.pages()
    assert [row["Id"] for row in next(pages)] == list(range(1, 101))
    assert [row["Id"] for row in next(pages)] == list(range(101, 201))
    assert table.alive() == 0  # the first page went when its consumer let it go; the others wait as bytes


def test_pages_read_ahead_wait_for_their_consumer_as_bytes_and_are_decoded_when_taken():
    ids = list(range(1, 3_001))
    table = WatchedTable(ids)
    reader = KeysetReader(
        table.get_json,
        Query("/X", page_size=100),
        {},
        max_ranges=4,
        budget=PageBudget(8),
        get_json_and_body=table.get_json_and_body,
    )
    pages = reader.pages()
    got = [row["Id"] for row in next(pages)] + [row["Id"] for row in next(pages)]
    deadline = time.monotonic() + 5
    # the first page, the highest Id, the page taken, then a page read ahead by each of the four ranges
    while len(table.calls) < 1 + 1 + 1 + 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert len(table.calls) == 7
    assert table.alive() == 0  # the pages read ahead are not held decoded
    for page in pages:
        got += [row["Id"] for row in page]
    assert_each_row_once(got, ids)


class SlowWatchedTable(WatchedTable):
    """Pages that take a while to arrive, as a rate-limited API's do."""

    def get_json_and_body(self, path, params):
        time.sleep(0.02)
        return super().get_json_and_body(path, params)


def test_a_page_arriving_while_its_consumer_waits_is_handed_over_as_read_not_decoded_again(monkeypatch):
    decoded_again = []
    monkeypatch.setattr(paging, "decode_body", lambda body: decoded_again.append(body) or orjson.loads(body))
    ids = list(range(1, 2_001))
    table = SlowWatchedTable(ids)
    reader = KeysetReader(
        table.get_json, Query("/X", page_size=100), {}, max_ranges=1, get_json_and_body=table.get_json_and_body
    )
    got = [row["Id"] for page in reader.pages() for row in page]  # a consumer always waiting for the next page
    assert_each_row_once(got, ids)
    assert len(table.calls) == 20  # the count says when the last page came
    assert decoded_again == []
