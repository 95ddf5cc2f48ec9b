"""Everything a Hivestr simulator can be told, in-process (HivestrConfig) or on the command line (the same names)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from simulators.core.config import SimulatorConfig

DEFAULT_API_KEY = "hvstr_demo_0f3c9a7e5b21"
DEFAULT_API_SECRET = "secret_demo_6d2b8e41c9f07a35"
DEFAULT_PORT = 8012
API_PREFIX = "/api/v1"
# Requests per hour per api_key on each plan (the doc's rate limiting section); None: unlimited.
PLANS: dict[str, int | None] = {"basic": 1000, "professional": 5000, "enterprise": None}
LISTS = ("inventory", "clients", "notes", "proposals", "deals", "tasks")  # the paged endpoints, by what they list


@dataclass(frozen=True)
class HivestrConfig(SimulatorConfig):
    scale: int = 300  # number of clients; inventory, notes, proposals, deals and tasks are proportional
    seed: int = 7
    credentials: tuple[tuple[str, str], ...] = ((DEFAULT_API_KEY, DEFAULT_API_SECRET),)  # (api_key, api_secret)
    requests_per_hour: int | None = PLANS["basic"]  # per api_key, token requests included; None: unlimited
    rate_window_seconds: float = 3600.0  # the budget's fixed window (tests shrink it)
    token_ttl_seconds: float = 3600.0  # access tokens' lifetime (expires_in)
    jwt_secret: str | None = None  # HS256 key of the access tokens; derived from the seed when None
    # Generated history ends here: records were created and last updated before it, and task deadlines cluster
    # around it, so reminders hold overdue, due-today and due-soon tasks. None: the start of the current UTC day.
    # Changing it only shifts every generated date-time by the same amount.
    data_end: datetime | None = None
    # Epoch seconds of "now": token expiry, the hourly budget, updated_at of changes, overdue and due-soon tasks.
    clock: Callable[[], float] = time.time
    # Ways the real API may differ from what its docs imply, for a client to prove it copes; all off by default.
    # A change to a child (note, media schedule, proposal item, task) leaves its owner's updated_at as it was.
    parent_updated_at_ignores_children: bool = False
    omit_pagination: bool = False  # list pages carry `data` only, no `pagination` object
    limit_cap: int | None = None  # lists serve at most this many rows a page (the docs' maximum is 100)
    hide_lost_deals: bool = False  # the deals list leaves out cards in Perdido unless `pipeline_stage` asks for them
    # Lists that ignore `page` and always answer the first page: inventory, clients, notes, proposals, deals, tasks.
    lists_ignoring_page: tuple[str, ...] = ()
    # Lists show the most recently changed rows first (updated_at, else created_at, descending), so every change
    # reorders them: a listing resumed at page N between two changes skips the rows that moved to earlier pages.
    lists_recently_changed_first: bool = False

    def __post_init__(self) -> None:
        if self.limit_cap is not None and self.limit_cap < 1:
            raise ValueError(f"limit_cap must be at least 1, got {self.limit_cap}")
        unknown = sorted(set(self.lists_ignoring_page) - set(LISTS))
        if unknown:
            raise ValueError(
                f"lists_ignoring_page: unknown list(s) {', '.join(unknown)}; choose from {', '.join(LISTS)}"
            )
