"""The version hash of a history row (sources/history.py): what changes it and what does not."""

from __future__ import annotations

from sources.history import version_hash

ROW = {"id": 7, "stage_id": 3, "amount": 1200.5, "tags": ["a"], "close_date": "2026-01-02T03:04:05-03:00"}


def test_the_same_values_in_any_order_give_the_same_hash():
    assert version_hash(ROW) == version_hash(dict(reversed(list(ROW.items()))))


def test_nulls_and_dlt_columns_leave_the_hash_as_it_was():
    assert version_hash({**ROW, "new_custom_field": None, "_dlt_load_id": "1", "_dlt_id": "x"}) == version_hash(ROW)


def test_any_value_changed_or_added_changes_the_hash():
    changed = [{**ROW, "stage_id": 4}, {**ROW, "tags": ["a", "b"]}, {**ROW, "new_custom_field": 0}, {**ROW, "id": 8}]
    assert len({version_hash(row) for row in [ROW, *changed]}) == len(changed) + 1
