"""Children read again although their parent did not change, so that none is more than a bounded age old.

A change to a note, schedule, proposal item or task need not show in its parent's list row (entities.py says why for
each child table), and only a parent that changed has its children read. So every parent's children are also read
again at least every `max_age`. Reading them all when that age comes would spend one burst of requests, a period
after the first load; instead each run re-reads the share of the parents that the time since the previous run is of
`max_age`, those read longest ago first: P parents cost P / max_age re-reads per unit of time, however often the runs
come. A parent read more than `max_age` ago is re-read whatever the share (after a pause in the runs, say).

State, next to the fingerprints: `children_read_at` {parent id: epoch seconds of its children's last read}, only for
parents whose children take a request; `children_share_to`, the moment up to which the runs so far took their share.
It advances by the time the re-reads made stand for, so the fraction of a parent one run leaves over counts in the
next: hourly runs over 300 parents and 7 days re-read 1 or 2 parents each, 300 a week.
"""

from __future__ import annotations

import math
from typing import Any

DAY_SECONDS = 86400
_ROUNDING = 1e-9  # of a parent: the share's float arithmetic must not lose one


class ChildrenRefresh:
    def __init__(self, state: dict[str, Any], max_age_seconds: float, now: float) -> None:
        self.now = int(now)
        self.read_at: dict[str, int] = state.setdefault("children_read_at", {})
        self.due = self._take_share(state, max_age_seconds) if max_age_seconds else set()

    def _take_share(self, state: dict[str, Any], max_age: float) -> set[str]:
        parents = len(self.read_at)
        # a share older than one period would only read parents twice in a run: the oldest ones are due anyway
        start = max(state.get("children_share_to", self.now), self.now - max_age)
        share = math.floor(parents * (self.now - start) / max_age + _ROUNDING) if parents else 0
        state["children_share_to"] = start + share * max_age / parents if share else start
        oldest = sorted(self.read_at, key=lambda parent_id: (self.read_at[parent_id], parent_id))
        overdue = sum(1 for parent_id in oldest if self.now - self.read_at[parent_id] > max_age)
        return set(oldest[: max(share, overdue)])

    def seen_unchanged(self, parent_id: str) -> None:
        """A parent whose children take a request, unchanged: state from before this module has no read time for
        it, so its age counts from now."""
        self.read_at.setdefault(parent_id, self.now)

    def record(self, read: dict[str, bool]) -> None:
        """Parents emitted with their children: whether a request read those (else none is needed: untracked)."""
        for parent_id, requested in read.items():
            if requested:
                self.read_at[parent_id] = self.now
            else:
                self.read_at.pop(parent_id, None)
