"""Everything a Ploomes simulator can be told, in-process (PloomesConfig) or on the command line (the same names)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from simulators.core.config import SimulatorConfig
from simulators.ploomes.values import BRT

DEFAULT_API_KEY = "demo-user-key"
DEFAULT_PORT = 8011


@dataclass(frozen=True)
class PloomesConfig(SimulatorConfig):
    scale: int = 300  # number of contacts; other entities are proportional, lookups fixed
    seed: int = 7
    api_keys: tuple[str, ...] = (DEFAULT_API_KEY,)  # valid User-Key values
    rate_limit_per_minute: int | None = 120  # per User-Key, sliding window; None for no limit
    rate_limit_window: float = 60.0  # seconds (tests shrink it)
    rate_limit_clock: Callable[[], float] = time.monotonic  # injectable, so tests move time instead of sleeping
    max_top: int = 300  # $top is silently capped here, and a query without $top returns at most this many
    context_host: str = "public6-api2.ploomes.com"  # the host inside "@odata.context" (varies by account)
    forbidden_endpoints: tuple[str, ...] = ()  # answered 403 (the integration user's profile lacks permission)
    absent_endpoints: tuple[str, ...] = ()  # answered 404 (not on the account's plan)
    data_start: datetime = datetime(2019, 1, 2, 8, 0, tzinfo=BRT)  # generated records were created after this
    data_end: datetime = datetime(2025, 10, 31, 18, 0, tzinfo=BRT)  # ... and last updated before this
    clock: Callable[[], float] = time.time  # epoch seconds of "now", for LastUpdateDate on mutations
    render_cache_mb: int = 0  # keep this much of the records' rendered JSON (simulators/ploomes/rendered.py)
