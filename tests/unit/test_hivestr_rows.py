"""The small pure pieces of the Hivestr source: paging rules, change fingerprints, flattening, reset headers."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from sources.hivestr.budget import seconds_until_reset
from sources.hivestr.entities import ENTITIES_BY_TABLE
from sources.hivestr.paging import read_pages
from sources.hivestr.rows import fingerprint, flatten
from sources.http import InvalidResponseError

NOW = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)


def pages_of(responses: list[dict], announced: int | None = None) -> tuple[list[list[str]], list[dict]]:
    """Run read_pages over canned bodies (the last one repeated); returns what it yielded and the params it sent."""
    sent: list[dict] = []

    def get_json(path, params):
        sent.append(dict(params))
        return responses[min(len(sent), len(responses)) - 1]

    pages = read_pages(get_json, "/x", {"status": "all"}, 3, announced)
    return [[row["id"] for row in rows] for rows in pages], sent


def rows(*ids: str) -> list[dict]:
    return [{"id": i} for i in ids]


EMPTY = {"data": []}


def test_paging_follows_total_pages_even_past_a_short_page():
    bodies = [
        {"data": rows("a", "b"), "pagination": {"total_pages": 2}},
        {"data": rows("c"), "pagination": {"total_pages": 2}},
    ]
    got, sent = pages_of(bodies)
    assert got == [["a", "b"], ["c"]]
    assert sent == [{"status": "all", "page": 1, "limit": 3}, {"status": "all", "page": 2, "limit": 3}]


def test_a_short_page_alone_never_ends_a_list_the_empty_page_does():
    # a server serving 2 rows a page for a limit of 3, with or without saying so
    got, sent = pages_of([{"data": rows("a", "b")}, {"data": rows("c")}, EMPTY])
    assert got == [["a", "b"], ["c"]] and [params["page"] for params in sent] == [1, 2, 3]
    capped = [{"data": rows("a", "b"), "pagination": {"limit": 2}}, {"data": rows("c")}, EMPTY]
    assert pages_of(capped)[0] == [["a", "b"], ["c"]] and len(pages_of(capped)[1]) == 3


def test_the_total_ends_a_list_once_reached_and_every_end_the_response_gives_must_agree():
    assert len(pages_of([{"data": rows("a", "b"), "pagination": {"total": 2}}])[1]) == 1
    # a row deleted meanwhile: total_pages says page 2 is the last, yet fewer rows than the total came
    shifted = [
        {"data": rows("a", "b", "c"), "pagination": {"total_pages": 2, "total": 5}},
        {"data": rows("e"), "pagination": {"total_pages": 2, "total": 5}},
        EMPTY,
    ]
    got, sent = pages_of(shifted)
    assert got == [["a", "b", "c"], ["e"]] and [params["page"] for params in sent] == [1, 2, 3]


def test_rows_an_earlier_page_returned_are_not_returned_again():
    shifted = [{"data": rows("a", "b", "c")}, {"data": rows("c", "d")}, EMPTY]  # "c" moved onto page 2
    assert pages_of(shifted)[0] == [["a", "b", "c"], ["d"]]


def test_an_endpoint_that_ignores_page_fails_the_listing_on_the_first_repeated_page():
    with pytest.raises(InvalidResponseError, match=r"GET /x: page 2 repeats rows of earlier pages .* ignore `page`"):
        pages_of([{"data": rows("a", "b", "c"), "pagination": {"total_pages": 4}}])


def test_a_list_that_does_not_page_is_read_whole_when_the_parent_announced_its_size():
    # the whole list, whatever page is asked, and no pagination: the announced count ends it after one request
    assert pages_of([{"data": rows("a", "b", "c", "d")}], announced=4) == (
        [["a", "b", "c", "d"]],
        [{"status": "all", "page": 1, "limit": 3}],
    )
    assert pages_of([EMPTY], announced=0)[0] == []
    with pytest.raises(InvalidResponseError):  # one row fewer than announced: the repeat is refused, not ignored
        pages_of([{"data": rows("a", "b")}], announced=3)


def test_fingerprint_is_updated_at_else_a_stable_content_hash():
    assert fingerprint({"id": "x", "updated_at": "2024-01-05T10:30:00Z"}, "updated_at") == "2024-01-05T10:30:00Z"
    first = fingerprint({"id": "p", "title": "A", "client": {"id": "c", "name": "N"}}, None)
    reordered = fingerprint({"client": {"name": "N", "id": "c"}, "title": "A", "id": "p"}, None)
    changed = fingerprint({"id": "p", "title": "B", "client": {"id": "c", "name": "N"}}, None)
    assert first == reordered != changed
    assert first.startswith("sha256:")
    assert fingerprint({"id": "x", "updated_at": None, "a": 1}, "updated_at").startswith("sha256:")


def test_flatten_turns_nested_objects_into_columns_and_drops_the_rest():
    deals = ENTITIES_BY_TABLE["pipeline_deals"]
    record = {
        "id": "d1",
        "client": {"id": "c1", "name": "Ana", "email": "a@x"},
        "tasks_summary": {"pending": 2, "total": 3, "overdue": 1, "due_soon": 0, "next_due_at": "2026-06-02T14:30:00Z"},
    }
    assert flatten(record, deals.nested) == {
        "id": "d1",
        "client_id": "c1",
        "client_name": "Ana",
        "tasks_pending": 2,
        "tasks_total": 3,
        "tasks_overdue": 1,
        "tasks_due_soon": 0,
        "tasks_next_due_at": "2026-06-02T14:30:00Z",
    }
    items = ENTITIES_BY_TABLE["proposals"].child
    assert flatten({"id": "i", "vehicle_id": "v", "media_vehicle": {"id": "v", "name": "P"}}, items.nested) == {
        "id": "i",
        "vehicle_id": "v",
    }


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({}, 3600.0),  # the API documents no header: up to an hour
        ({"Retry-After": "120"}, 120.0),
        ({"Retry-After": "Mon, 01 Jan 2024 12:30:00 GMT"}, 1800.0),
        ({"X-RateLimit-Reset": "900"}, 900.0),
        ({"RateLimit-Reset": str(int(NOW.timestamp()) + 600)}, 600.0),
        ({"X-RateLimit-Reset": "soon"}, 3600.0),
    ],
)
def test_the_wait_for_the_hourly_reset_comes_from_the_response_when_it_says(headers, seconds):
    assert seconds_until_reset(httpx.Headers(headers), NOW) == seconds
