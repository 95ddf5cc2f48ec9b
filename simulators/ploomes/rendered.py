"""Records kept as JSON once rendered (`render_cache_mb`), so a page can be answered without generating its rows.

Generating a contact with its custom fields costs the simulator about as much CPU as the connector spends reading
it. A benchmark of the connector's local speed on a small machine would then measure the two together; with the
records kept, a second run against the same simulator costs it little more than the HTTP exchange. Off by
default: tests want every answer computed from the current data. Any change to a record or to the field catalog
drops everything kept (the dataset calls `clear`, and the catalog's version is checked on every read).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import orjson


class RenderedRecords:
    """A byte-bounded store of rendered records; the oldest go first (a sync reads each record once, in order, so
    recency would add nothing)."""

    def __init__(self, max_bytes: int):
        self._max_bytes = max_bytes
        self._kept: dict[Hashable, bytes] = {}
        self._bytes = 0
        self._stamp: Any = None

    def get(self, key: Hashable, stamp: Any, render: Callable[[], Any]) -> orjson.Fragment:
        """The record under `key`, rendered now if not kept or if `stamp` (the catalog's version) moved."""
        if stamp != self._stamp:
            self.clear()
            self._stamp = stamp
        body = self._kept.get(key)
        if body is None:
            body = orjson.dumps(render())
            self._keep(key, body)
        return orjson.Fragment(body)

    def clear(self) -> None:
        self._kept.clear()
        self._bytes = 0

    def _keep(self, key: Hashable, body: bytes) -> None:
        if len(body) > self._max_bytes:
            return
        self._kept[key] = body
        self._bytes += len(body)
        while self._bytes > self._max_bytes:
            oldest = next(iter(self._kept))
            self._bytes -= len(self._kept.pop(oldest))
