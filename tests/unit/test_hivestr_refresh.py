"""Which unchanged parents' children a run reads again: a share per run, oldest first, none older than the max age."""

from __future__ import annotations

from typing import Any

from sources.hivestr.refresh import ChildrenRefresh

HOUR, DAY = 3600, 86400
WEEK = 7 * DAY
T0 = 1_700_000_000


def state_after_first_load(parents: int) -> dict[str, Any]:
    state: dict[str, Any] = {}
    ChildrenRefresh(state, WEEK, T0).record({f"p{n:03d}": True for n in range(parents)})
    return state


def runs(state: dict[str, Any], every: float, count: int) -> list[set[str]]:
    """Each run's due parents, every one of them read by the run."""
    due = []
    for run in range(1, count + 1):
        refresh = ChildrenRefresh(state, WEEK, T0 + run * every)
        refresh.record(dict.fromkeys(refresh.due, True))
        due.append(refresh.due)
    return due


def test_hourly_runs_spread_a_week_of_re_reads_evenly_and_cover_every_parent():
    state = state_after_first_load(300)
    due = runs(state, HOUR, 7 * 24)
    assert {len(d) for d in due} == {1, 2}  # 300 / 168 = 1.79 a run, the fraction carried over
    assert sum(len(d) for d in due) == 300
    assert set().union(*due) == {f"p{n:03d}" for n in range(300)}
    assert min(due[0]) == "p000" and due[0] <= {"p000", "p001"}  # the longest read ago first (ties by id)


def test_runs_a_minute_apart_re_read_nothing_until_a_parents_worth_of_time_passed():
    state = state_after_first_load(10)
    due = runs(state, 60, 60 * 17)  # a parent's worth is a week / 10 = 16.8 h
    assert [n for n, d in enumerate(due, 1) if d] == [1008]
    assert due[1007] == {"p000"}


def test_after_a_long_pause_every_parent_is_due_once_not_twice():
    state = state_after_first_load(50)
    refresh = ChildrenRefresh(state, WEEK, T0 + 30 * DAY)
    assert len(refresh.due) == 50
    refresh.record(dict.fromkeys(refresh.due, True))
    assert ChildrenRefresh(state, WEEK, T0 + 30 * DAY + HOUR).due == set()


def test_a_parent_past_the_max_age_is_due_whatever_the_share():
    state = state_after_first_load(3)
    state["children_read_at"]["p001"] = T0 - 8 * DAY
    assert ChildrenRefresh(state, WEEK, T0).due == {"p001"}


def test_parents_without_a_read_time_count_from_now_and_those_without_a_request_are_untracked():
    state = state_after_first_load(2)
    refresh = ChildrenRefresh(state, WEEK, T0 + HOUR)
    refresh.seen_unchanged("old")  # known from before read times were kept
    refresh.seen_unchanged("p000")  # keeps its time
    refresh.record({"p001": False})  # its children no longer take a request
    assert state["children_read_at"] == {"p000": T0, "old": T0 + HOUR}


def test_a_max_age_of_zero_reads_nothing_again():
    state = state_after_first_load(5)
    assert ChildrenRefresh(state, 0, T0 + 30 * DAY).due == set()
