"""A parent's summary of its children's due dates, which the API recomputes from the clock.

A deal card's `tasks_summary` counts its pending tasks that are overdue or due within 24 hours and gives the next due
date: all three move as time passes, with no change to any record. Hashing them into the deal's fingerprint would
read every deal's tasks again each time one of its tasks falls due. Instead, when a deal's tasks are read, the state
keeps the due dates of the pending ones; a later summary that those dates explain at some moment is the clock's doing,
and the deal's row is updated without reading its tasks. Any other difference (a due date moved, a task added,
completed or deleted) is a change, and the tasks are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pendulum

from .entities import Row

DUE_SOON_SECONDS = 24 * 3600  # "due_soon" counts pending tasks due before now + 24 h, overdue ones included
CLOCK_FIELDS = ("overdue", "due_soon", "next_due_at")
_NEVER = float("inf")


def without_clock(record: Row, summary: str) -> Row:
    """The record with its summary's clock-driven fields left out: what a change of the children changes."""
    inner = record.get(summary)
    if not isinstance(inner, dict):
        return record
    return {**record, summary: {key: value for key, value in inner.items() if key not in CLOCK_FIELDS}}


def pending_due_dates(items: Iterable[Row]) -> list[int]:
    """Epoch seconds of the pending children's due dates, sorted (children without a due date count in none).

    A date that does not parse is left out: a summary that counts it is then never explained, and the children
    are read on every run, as they would be without this module.
    """
    dates = []
    for item in items:
        if item.get("due_at") and not item.get("is_completed"):
            try:
                dates.append(_epoch(item["due_at"]))
            except ValueError:
                continue
    return sorted(dates)


def explained_by_time(record: Row, summary: str, due_dates: list[int]) -> bool:
    """Whether the summary is what these due dates give at some moment (the API's "now" is not known here)."""
    inner = record.get(summary)
    if not isinstance(inner, dict):
        return False
    try:
        overdue, due_soon = int(inner["overdue"]), int(inner["due_soon"])
        next_due = _epoch(inner["next_due_at"]) if inner.get("next_due_at") else None
    except (KeyError, TypeError, ValueError):
        return False
    count = len(due_dates)
    if not 0 <= overdue <= due_soon <= count:
        return False
    if next_due != (due_dates[overdue] if overdue < count else None):
        return False
    # overdue = #(due < now): now in (due[overdue-1], due[overdue]]; due_soon likewise for now + 24 h
    earliest = max(_bound(due_dates, overdue - 1, 0), _bound(due_dates, due_soon - 1, -DUE_SOON_SECONDS))
    latest = min(_bound(due_dates, overdue, 0), _bound(due_dates, due_soon, -DUE_SOON_SECONDS))
    return earliest < latest


def _bound(due_dates: list[int], index: int, shift: int) -> float:
    if index < 0:
        return -_NEVER
    if index >= len(due_dates):
        return _NEVER
    return due_dates[index] + shift


def _epoch(value: Any) -> int:
    return int(pendulum.parse(str(value)).timestamp())
