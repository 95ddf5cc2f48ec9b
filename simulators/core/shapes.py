"""Named shape variations: the ways a real API may plausibly answer differently from a simulator's default.

Nobody on the project has seen the real APIs, so the simulators' default shapes are what the connector was written
against. Each variation (a field the seed's sample lacks, an option an endpoint refuses, a number sent as text) is a
named switch, off by default, set from the start (`SimulatorConfig.shapes`, `--shape NAME`) or while the simulator
runs (`shapes.set(...)`, `PUT /_sim/shapes ["name", ...]`), so tests can load once with it and once without.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulators.core.admin import AdminError, admin_endpoint, json_body


class Shapes:
    """The variations switched on, out of a system's `known` ones (name -> what changes)."""

    def __init__(self, known: Mapping[str, str], active: Iterable[str] = ()):
        self.known = dict(known)
        self._lock = threading.Lock()
        self._active: frozenset[str] = frozenset()
        self.set(active)

    def set(self, names: Iterable[str]) -> None:
        names = frozenset(names)
        unknown = sorted(names - self.known.keys())
        if unknown:
            raise ValueError(f"unknown shape(s) {unknown}; known: {sorted(self.known)}")
        with self._lock:
            self._active = names

    @property
    def active(self) -> frozenset[str]:
        return self._active

    def __contains__(self, name: str) -> bool:
        return name in self._active


def without_nulls(value: Any) -> Any:
    """`value` with every null property left out, at any depth (what a server omitting nulls sends)."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def map_scalars(value: Any, change: Callable[[Any], Any]) -> Any:
    """`value` with `change` applied to every scalar in it, at any depth."""
    if isinstance(value, dict):
        return {key: map_scalars(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [map_scalars(item, change) for item in value]
    return change(value)


def number_as_text(value: Any) -> Any:
    """A number as the text a sloppy serialiser sends (`"50000"`); anything else as it is."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def shape_routes(shapes: Shapes, prefix: str = "/_sim") -> list[BaseRoute]:
    async def get_shapes(request: Request) -> Response:
        return JSONResponse({"active": sorted(shapes.active), "known": shapes.known})

    async def put_shapes(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, list) or not all(isinstance(name, str) for name in body):
            raise AdminError(400, "send a list of shape names")
        shapes.set(body)
        return JSONResponse({"active": sorted(shapes.active)})

    return [
        Route(f"{prefix}/shapes", admin_endpoint(get_shapes), methods=["GET"]),
        Route(f"{prefix}/shapes", admin_endpoint(put_shapes), methods=["PUT"]),
    ]
