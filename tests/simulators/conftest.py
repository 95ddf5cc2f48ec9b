"""In-process access to a Ploomes simulator: httpx over ASGITransport, driven synchronously."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from simulators.ploomes import PloomesConfig, PloomesSimulator

KEY = "sim-key"


class Api:
    """A synchronous httpx client bound to an ASGI app (no socket): tests read like plain HTTP calls."""

    def __init__(self, app: Any, key: str | None = KEY):
        self._loop = asyncio.new_event_loop()
        headers = {"User-Key": key} if key else {}
        transport = httpx.ASGITransport(app=app)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://ploomes.test", headers=headers)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, path, **kwargs))

    def get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, params=params, **kwargs)

    def values(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """GET with OData options given as keywords (top=5 -> $top=5); asserts 200 and returns `value`."""
        response = self.get(path, params={f"${name}": value for name, value in params.items()})
        assert response.status_code == 200, response.text
        return response.json()["value"]

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


def make_sim(**overrides: Any) -> PloomesSimulator:
    options: dict[str, Any] = {"scale": 300, "seed": 7, "api_keys": (KEY,), "rate_limit_per_minute": None}
    options.update(overrides)
    return PloomesSimulator(PloomesConfig(**options))


@pytest.fixture(scope="module")
def shared_sim() -> PloomesSimulator:
    """Read-only tests share one simulator; tests that change data use `sim`."""
    return make_sim()


@pytest.fixture(scope="module")
def shared_api(shared_sim: PloomesSimulator) -> Iterator[Api]:
    api = Api(shared_sim.app)
    yield api
    api.close()


@pytest.fixture
def sim() -> PloomesSimulator:
    return make_sim()


@pytest.fixture
def api(sim: PloomesSimulator) -> Iterator[Api]:
    client = Api(sim.app)
    yield client
    client.close()
