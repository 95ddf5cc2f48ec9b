"""When a deal's tasks_summary differs only as the clock would make it (sources/hivestr/due.py)."""

from __future__ import annotations

import pendulum
import pytest

from sources.hivestr.due import explained_by_time, pending_due_dates, without_clock

HOUR = 3600
# 2026-06-01T00:00:00Z and the pending tasks' due dates 10 h, 30 h and 50 h after it
T0 = 1_780_272_000
DUE = [T0 + 10 * HOUR, T0 + 30 * HOUR, T0 + 50 * HOUR]


def iso(seconds: int) -> str:
    return pendulum.from_timestamp(seconds).to_iso8601_string().replace("+00:00", "Z")


def deal(overdue: int, due_soon: int, next_due: int | None, pending: int = 3) -> dict:
    summary = {"pending": pending, "total": 4, "overdue": overdue, "due_soon": due_soon}
    summary["next_due_at"] = iso(next_due) if next_due else None
    return {"id": "d1", "title": "Campanha", "tasks_summary": summary}


def test_pending_due_dates_skip_completed_undated_and_unreadable_tasks():
    tasks = [
        {"due_at": iso(DUE[2]), "is_completed": False},
        {"due_at": iso(DUE[0]), "is_completed": False},
        {"due_at": iso(DUE[1]), "is_completed": True},
        {"due_at": None, "is_completed": False},
        {"due_at": "not a date", "is_completed": False},
    ]
    assert pending_due_dates(tasks) == [DUE[0], DUE[2]]


@pytest.mark.parametrize(
    ("hours_after_t0", "overdue", "due_soon", "next_due"),
    [
        (0, 0, 1, DUE[0]),  # the first due within 24 h
        (9, 0, 2, DUE[0]),  # the second within 24 h too
        (11, 1, 2, DUE[1]),  # the first overdue, the second within 24 h
        (31, 2, 3, DUE[2]),
        (51, 3, 3, None),  # all overdue, none upcoming
        (-20, 0, 0, DUE[0]),  # none within 24 h yet
    ],
)
def test_a_summary_the_due_dates_give_at_some_moment_is_the_clocks_doing(hours_after_t0, overdue, due_soon, next_due):
    now = T0 + hours_after_t0 * HOUR  # what the API computes then (simulators/hivestr/views.tasks_summary)
    upcoming = [due for due in DUE if due >= now]
    assert (overdue, due_soon, next_due) == (
        sum(due < now for due in DUE),
        sum(due < now + 24 * HOUR for due in DUE),
        min(upcoming, default=None),
    )
    assert explained_by_time(deal(overdue, due_soon, next_due), "tasks_summary", DUE)


@pytest.mark.parametrize(
    ("overdue", "due_soon", "next_due", "why"),
    [
        (0, 1, DUE[0] + HOUR, "the next due date moved"),
        (1, 1, DUE[1], "one overdue, yet the task due 20 h later not within 24 h: no moment gives both"),
        (0, 3, DUE[0], "all three within 24 h, though they span 40 h"),
        (2, 1, DUE[2], "fewer due soon than overdue"),
        (4, 4, None, "more overdue than pending dated tasks"),
        (1, 2, DUE[0], "overdue, yet still the next"),
    ],
)
def test_any_other_summary_is_a_change(overdue, due_soon, next_due, why):
    assert not explained_by_time(deal(overdue, due_soon, next_due), "tasks_summary", DUE), why


def test_tasks_due_at_the_same_instant_fall_due_together():
    twins = [DUE[0], DUE[0]]
    assert explained_by_time(deal(2, 2, None), "tasks_summary", twins)
    assert not explained_by_time(deal(1, 2, DUE[0]), "tasks_summary", twins)


def test_a_summary_missing_or_malformed_is_never_explained():
    assert not explained_by_time({"id": "d1"}, "tasks_summary", DUE)
    broken = deal(0, 1, DUE[0])
    broken["tasks_summary"]["overdue"] = "many"
    assert not explained_by_time(broken, "tasks_summary", DUE)
    del broken["tasks_summary"]["overdue"]
    assert not explained_by_time(broken, "tasks_summary", DUE)


def test_without_clock_keeps_what_only_a_change_of_the_tasks_moves():
    assert without_clock(deal(1, 2, DUE[1]), "tasks_summary") == {
        "id": "d1",
        "title": "Campanha",
        "tasks_summary": {"pending": 3, "total": 4},
    }
    assert without_clock({"id": "d1"}, "tasks_summary") == {"id": "d1"}
