"""Switchable failures, so a client's retry and recovery paths can be exercised on purpose.

A rule fires on the next N matching requests, or on each matching request with a seeded probability (optionally
at most N times). Rules are checked in the order they were added; the first that fires wins.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import threading
from dataclasses import asdict, dataclass, replace
from enum import Enum
from typing import Any

import httpx


class FaultKind(str, Enum):
    SERVER_ERROR = "server_error"  # a 5xx (status configurable)
    FORBIDDEN = "forbidden"  # 403, as some accounts see after bursts of traffic
    RATE_LIMITED = "rate_limited"  # 429, with or without Retry-After
    SLOW = "slow"  # the real response, but only after `delay` seconds (longer than a client's timeout)
    DROP = "drop"  # headers, then the connection closes: no complete response
    TRUNCATE = "truncate"  # Content-Length larger than the bytes sent, then the connection closes
    INVALID_JSON = "invalid_json"  # status 200 with a body that does not parse


# Defaults per kind, so `inject("server_error")` does something sensible without more arguments.
_DEFAULT_STATUS = {FaultKind.SERVER_ERROR: 503, FaultKind.FORBIDDEN: 403, FaultKind.RATE_LIMITED: 429}


class DroppedConnection(httpx.RemoteProtocolError):
    """Raised by the app to make the server close the connection mid-response.

    It is an httpx transport error on purpose: in-process (httpx.ASGITransport) the client sees the same exception
    class as over a real socket, where uvicorn closes the connection and httpx raises RemoteProtocolError.
    """

    def __init__(self, message: str = "simulated dropped connection"):
        super().__init__(message)


@dataclass
class FaultRule:
    kind: FaultKind
    count: int | None = 1  # fire this many more times; None = no limit (with a probability)
    probability: float = 1.0
    status: int | None = None  # SERVER_ERROR/FORBIDDEN/RATE_LIMITED status; defaults per kind
    retry_after: float | None = None  # RATE_LIMITED: the Retry-After header, omitted when None
    delay: float = 30.0  # SLOW: seconds before the response starts
    path: str | None = None  # glob on the request path (e.g. "/Contacts*"); None matches every API path
    id: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        self.kind = FaultKind(self.kind)
        if self.status is None:
            self.status = _DEFAULT_STATUS.get(self.kind)
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.count is not None and self.count < 0:
            raise ValueError("count must be >= 0")

    def matches(self, path: str) -> bool:
        return self.path is None or fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data


class FaultInjector:
    def __init__(self, seed: int = 0):
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._rules: list[FaultRule] = []

    def inject(
        self,
        kind: FaultKind | str,
        count: int | None = 1,
        *,
        probability: float = 1.0,
        status: int | None = None,
        retry_after: float | None = None,
        delay: float = 30.0,
        path: str | None = None,
    ) -> FaultRule:
        """Add a rule: `inject("server_error", 3)` fails the next 3 requests; `inject("drop", None,
        probability=0.1)` drops 10% of requests (seeded) until cleared."""
        rule = FaultRule(FaultKind(kind), count, probability, status, retry_after, delay, path, id=next(self._ids))
        with self._lock:
            self._rules.append(rule)
        return replace(rule)

    def add_from_json(self, data: dict[str, Any]) -> FaultRule:
        allowed = {"kind", "count", "probability", "status", "retry_after", "delay", "path"}
        unknown = set(data) - allowed
        if unknown or "kind" not in data:
            raise ValueError(f"a fault needs 'kind' and only {sorted(allowed)}; got {sorted(data)}")
        options = {key: value for key, value in data.items() if key != "kind"}
        return self.inject(data["kind"], **options)

    def pick(self, path: str) -> FaultRule | None:
        """The rule that fires for this request, consuming one of its count; None for a normal response."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(path) or rule.count == 0:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.count is not None:
                    rule.count -= 1
                fired = replace(rule)
                self._rules = [r for r in self._rules if r.count != 0]
                return fired
        return None

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return [replace(rule) for rule in self._rules]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._rng = random.Random(self.seed)
