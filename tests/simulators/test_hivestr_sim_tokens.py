"""Hivestr access tokens: issue, expiry, revocation and every 401; also the shared client the other Hivestr
simulator tests use (in-process httpx over ASGITransport, with an injected clock: no test sleeps)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import httpx

from simulators.hivestr import HivestrConfig, HivestrSimulator
from tests.simulators.conftest import Api

DATA_END = datetime(2026, 6, 1, tzinfo=timezone.utc)  # generated history ends here
START = DATA_END.timestamp() + 10 * 3600  # "now" of a fresh FakeClock: 2026-06-01T10:00:00Z
KEY, SECRET = "hvstr_test_key", "hvstr_test_secret"


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_sim(clock: FakeClock | None = None, **overrides: Any) -> HivestrSimulator:
    options: dict[str, Any] = {
        "scale": 200,
        "seed": 7,
        "credentials": ((KEY, SECRET),),
        "requests_per_hour": None,
        "data_end": DATA_END,
        "clock": clock or FakeClock(),
    }
    options.update(overrides)
    return HivestrSimulator(HivestrConfig(**options))


class Hivestr:
    """A synchronous client of a simulator's /api/v1 that fetches a token on its first request."""

    def __init__(self, sim: HivestrSimulator, api_key: str = KEY, api_secret: str = SECRET):
        self.sim = sim
        self.credentials = {"api_key": api_key, "api_secret": api_secret}
        self.token: str | None = None
        self._api = Api(sim.app, key=None)

    def token_request(self, body: Any = None) -> httpx.Response:
        return self._api.request("POST", "/api/v1/auth/token", json=self.credentials if body is None else body)

    def login(self) -> str:
        response = self.token_request()
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        return self.token

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        if token is None:
            token = self.token or self.login()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self._api.request(method, "/api/v1" + path, headers=headers, **kwargs)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.request("GET", path, params=params)

    def data(self, path: str, **params: Any) -> Any:
        """GET that must succeed; the `data` of the envelope."""
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        assert response.json()["success"] is True
        return response.json()["data"]

    def all_rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.get(path, page=page, limit=100, **params).json()
            rows += body["data"]
            if page >= body["pagination"]["total_pages"]:
                return rows
            page += 1

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._api.request(method, "/_sim" + path, **kwargs)

    def close(self) -> None:
        self._api.close()


def _segment(part: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return _segment(header), _segment(payload)


def test_token_is_an_hs256_jwt_valid_for_an_hour():
    clock = FakeClock()
    api = Hivestr(make_sim(clock))
    response = api.token_request()
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"].startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")  # the doc's example header
    header, claims = _claims(body["access_token"])
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert claims["sub"] == KEY and claims["iat"] == int(START) and claims["exp"] == int(START) + 3600
    api.close()


def test_the_token_opens_the_api_until_it_expires():
    clock = FakeClock()
    api = Hivestr(make_sim(clock, token_ttl_seconds=30))
    assert api.token_request().json()["expires_in"] == 30
    api.login()
    assert api.get("/public/clients", limit=1).status_code == 200
    clock.now = START + 29.5
    assert api.get("/public/clients", limit=1).status_code == 200
    clock.now = START + 30
    expired = api.get("/public/clients", limit=1)
    assert expired.status_code == 401
    assert expired.json() == {"success": False, "error": "Token expirado"}
    api.login()  # a new token works again
    assert api.get("/public/clients", limit=1).status_code == 200
    api.close()


def test_wrong_or_missing_credentials_get_no_token():
    api = Hivestr(make_sim())
    wrong = api.token_request({"api_key": KEY, "api_secret": "nope"})
    assert wrong.status_code == 401 and wrong.json() == {"success": False, "error": "Credenciais inválidas"}
    unknown = api.token_request({"api_key": "hvstr_other", "api_secret": SECRET})
    assert unknown.status_code == 401
    missing = api.token_request({"api_key": KEY})
    assert missing.status_code == 400
    assert missing.json() == {"success": False, "error": "api_key e api_secret são obrigatórios"}
    api.close()


def test_requests_without_a_valid_token_are_401_with_the_error_envelope():
    sim = make_sim()
    api = Hivestr(sim)
    token = api.login()
    missing = api.request("GET", "/public/clients", token="")
    assert missing.status_code == 401
    assert missing.json() == {"success": False, "error": "Token de acesso não fornecido"}
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert api.request("GET", "/public/clients", token=forged).json() == {"success": False, "error": "Token inválido"}
    assert api.request("GET", "/public/clients", token="not-a-jwt").status_code == 401
    other_account = Hivestr(make_sim(seed=8))  # same credentials, another signing key
    assert other_account.request("GET", "/public/clients", token=token).status_code == 401
    assert sim.request_log.count(status=401) == 3
    for client in (api, other_account):
        client.close()


def test_revoked_tokens_are_refused_and_a_new_one_works():
    sim = make_sim()
    api = Hivestr(sim)
    token = api.login()
    sim.revoke_tokens()
    refused = api.request("GET", "/public/pipeline/reminders", token=token)
    assert refused.status_code == 401 and refused.json()["error"] == "Token revogado"
    assert api.admin("POST", "/tokens/revoke").status_code == 204
    api.login()
    assert api.get("/public/pipeline/reminders").status_code == 200
    api.close()


def test_every_configured_credential_gets_its_own_tokens():
    sim = make_sim(credentials=((KEY, SECRET), ("hvstr_second", "second_secret")))
    second = Hivestr(sim, "hvstr_second", "second_secret")
    _, claims = _claims(second.login())
    assert claims["sub"] == "hvstr_second"
    assert second.get("/public/clients", limit=1).status_code == 200
    assert [entry.key for entry in sim.request_log.entries()] == ["hvstr_second", "hvstr_second"]
    second.close()
