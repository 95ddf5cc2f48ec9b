"""The query planner: the connector's keyset queries take the vectorised path, anything else stays correct."""

from __future__ import annotations

import pytest

from simulators.ploomes import query
from simulators.ploomes.odata import parse_datetime, parse_query


def _plan(sim, filter_: str):
    table = sim.dataset.table("Contacts")
    return query._candidates(table, parse_query({"$filter": filter_}).filter)


@pytest.mark.parametrize(
    "filter_",
    [
        "Id gt 40000100",
        "(LastUpdateDate le 2025-11-01T00:00:00Z) and Id gt 40000100",
        "LastUpdateDate gt 2022-01-01T00:00:00-03:00 and LastUpdateDate le 2024-01-01T00:00:00Z and Id gt 40000100",
        "CreateDate ge 2020-01-01 and Id le 40000700 and Id ne 40000300",
    ],
)
def test_keyset_and_window_filters_are_answered_from_the_columns_alone(shared_sim, filter_):
    rows, exact = _plan(shared_sim, filter_)
    assert exact
    expr = parse_query({"$filter": filter_}).filter
    expected = [r["Id"] for r in shared_sim.records("Contacts") if expr.evaluate(r.get)]
    assert [int(shared_sim.dataset.table("Contacts").ids[row]) for row in rows] == expected


@pytest.mark.parametrize(
    "filter_",
    [
        "Id gt 40000100 and (Id lt 40000200 or Id gt 40000800)",
        "Id gt 40000100 and not (Id gt 40000200)",
        "Id gt 40000100 and TypeId eq 1",
        "Id gt 40000100 and startswith(Name,'A')",
        "Id gt 40000100 and Id gt 'x'",
        "LastUpdateDate gt 2020-01-01 or Id lt 40000050",
    ],
)
def test_anything_more_than_column_comparisons_is_checked_row_by_row(shared_sim, shared_api, filter_):
    _, exact = _plan(shared_sim, filter_)
    assert not exact
    expr = parse_query({"$filter": filter_}).filter
    expected = [r["Id"] for r in shared_sim.records("Contacts") if expr.evaluate(r.get)]
    body = shared_api.get("/Contacts", params={"$filter": filter_, "$select": "Id", "$count": "true"}).json()
    assert [row["Id"] for row in body["value"]] == expected[:300]
    assert body["@odata.count"] == len(expected)


def test_seven_digit_dates_compare_like_the_filter_evaluator(shared_sim, shared_api):
    record = next(r for r in shared_sim.records("Contacts") if len(r["LastUpdateDate"].split(".")[-1]) == 13)
    stamp = record["LastUpdateDate"]  # e.g. 2023-07-01T14:02:27.9695813-03:00
    assert parse_datetime(stamp).microsecond  # the 7th digit is below datetime's precision
    matched = shared_api.values("/Contacts", filter=f"LastUpdateDate eq {stamp}", select="Id")
    assert record["Id"] in [row["Id"] for row in matched]
    later = shared_api.values("/Contacts", filter=f"LastUpdateDate gt {stamp} and Id eq {record['Id']}")
    assert later == []


def test_unsatisfiable_ranges_return_nothing_quickly(shared_sim, shared_api):
    rows, exact = _plan(shared_sim, "Id gt 40000500 and Id lt 40000100")
    assert exact and len(rows) == 0
    assert shared_api.values("/Contacts", filter="Id gt 40000500 and Id lt 40000100") == []
