"""The Hivestr HTTP surface under /api/v1: every documented endpoint, errors in Hivestr's envelope.

Auth, the hourly budget, faults and latency come from simulators.core's middleware (see simulator.py).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from simulators.core.shapes import Shapes
from simulators.hivestr.auth import TokenAuthority
from simulators.hivestr.config import HivestrConfig
from simulators.hivestr.dataset import Dataset
from simulators.hivestr.errors import ApiError, Invalid, NotFound, api_error_handler, http_error_handler
from simulators.hivestr.reads import read_routes
from simulators.hivestr.writes import write_routes


def build_api(
    dataset: Callable[[], Dataset], tokens: TokenAuthority, config: HivestrConfig, shapes: Shapes
) -> Starlette:
    """`dataset` is called per request: a reset swaps the dataset under a running app."""
    return Starlette(
        routes=[*write_routes(dataset, tokens), *read_routes(dataset, config, shapes)],
        exception_handlers={
            ApiError: api_error_handler,
            NotFound: api_error_handler,
            Invalid: api_error_handler,
            HTTPException: http_error_handler,
        },
    )
