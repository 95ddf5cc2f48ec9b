"""Every API request a simulator answered, for tests and benchmarks to count (admin requests are not logged)."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class RequestEntry:
    method: str
    path: str
    query: str
    status: int
    rows: int | None  # rows in the response body, when the handler reported them
    fault: str | None  # the injected fault kind, if any
    timestamp: float  # wall-clock seconds (time.time()) when the request arrived
    duration: float  # seconds until the response was handed to the server
    key: str | None = None  # the credential the request was made with (for per-key counts)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """Thread-safe. Counters are exact forever; the entry list keeps the most recent `max_entries`."""

    def __init__(self, max_entries: int = 100_000):
        self._lock = threading.Lock()
        self._entries: deque[RequestEntry] = deque(maxlen=max_entries)
        self._by_path_status: Counter[tuple[str, int]] = Counter()
        self._faults: Counter[str] = Counter()
        self._rows = 0

    def append(self, entry: RequestEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            self._by_path_status[(entry.path, entry.status)] += 1
            if entry.fault:
                self._faults[entry.fault] += 1
            self._rows += entry.rows or 0

    def count(self, path: str | None = None, status: int | None = None) -> int:
        with self._lock:
            return sum(
                n
                for (p, s), n in self._by_path_status.items()
                if (path is None or p == path) and (status is None or s == status)
            )

    def entries(self, path: str | None = None, status: int | None = None) -> list[RequestEntry]:
        with self._lock:
            return [
                e for e in self._entries if (path is None or e.path == path) and (status is None or e.status == status)
            ]

    def counters(self) -> dict[str, Any]:
        with self._lock:
            by_status: Counter[int] = Counter()
            by_path: Counter[str] = Counter()
            for (path, status), n in self._by_path_status.items():
                by_status[status] += n
                by_path[path] += n
            return {
                "total": sum(by_status.values()),
                "rows": self._rows,
                "by_status": {str(k): v for k, v in sorted(by_status.items())},
                "by_path": dict(sorted(by_path.items())),
                "faults": dict(sorted(self._faults.items())),
            }

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._by_path_status.clear()
            self._faults.clear()
            self._rows = 0
