"""Hivestr's hourly request budget per api_key (fixed window, token requests included), the faults and the
request log from simulators.core, as an httpx client sees them, in-process and over loopback."""

from __future__ import annotations

import httpx
import pytest

from simulators.core.faults import DroppedConnection
from tests.simulators.test_hivestr_sim_tokens import KEY, SECRET, FakeClock, Hivestr, make_sim

HOUR_START = 1_780_020_000.0  # 2026-05-29T02:00:00Z, a whole hour: windows start here


def test_default_budget_is_1000_requests_an_hour_token_requests_included():
    clock = FakeClock(HOUR_START + 1000)
    sim = make_sim(clock, requests_per_hour=1000)
    api = Hivestr(sim)
    api.login()  # request 1
    statuses = [api.get("/public/pipeline/deals", limit=1).status_code for _ in range(999)]
    assert statuses == [200] * 999
    refused = api.get("/public/pipeline/deals", limit=1)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2600"  # until the clock hour ends
    assert refused.json()["success"] is False and "Limite de requisições" in refused.json()["error"]
    assert api.token_request().status_code == 429  # a token request is refused too
    assert sim.request_log.count(status=429) == 2
    api.close()


def test_budget_resets_when_the_window_ends_and_each_key_has_its_own():
    clock = FakeClock(HOUR_START + 50)
    sim = make_sim(clock, requests_per_hour=3, rate_window_seconds=60, credentials=((KEY, SECRET), ("k2", "s2")))
    api, other = Hivestr(sim), Hivestr(sim, "k2", "s2")
    api.login()
    assert [api.get("/public/clients", limit=1).status_code for _ in range(3)] == [200, 200, 429]
    refused = api.get("/public/clients", limit=1)
    assert refused.headers["Retry-After"] == "10"
    clock.now += 9.5
    assert api.get("/public/clients", limit=1).headers["Retry-After"] == "1"  # never too early: rounded up
    assert other.get("/public/clients", limit=1).status_code == 200  # k2 spends its own budget
    clock.now = HOUR_START + 60
    assert [api.get("/public/clients", limit=1).status_code for _ in range(4)] == [200, 200, 200, 429]
    for client in (api, other):
        client.close()


def test_refused_credentials_and_admin_routes_spend_no_budget():
    clock = FakeClock(HOUR_START)
    sim = make_sim(clock, requests_per_hour=2)
    api = Hivestr(sim)
    for _ in range(5):
        assert api.token_request({"api_key": KEY, "api_secret": "wrong"}).status_code == 401
        assert api.request("GET", "/public/clients", token="bogus").status_code == 401
        assert api.admin("GET", "/requests").status_code == 200
    api.login()
    assert api.get("/public/clients", limit=1).status_code == 200
    assert api.get("/public/clients", limit=1).status_code == 429
    api.close()


def test_no_budget_for_the_enterprise_plan():
    sim = make_sim(requests_per_hour=None)
    api = Hivestr(sim)
    assert {api.get("/public/clients", limit=1).status_code for _ in range(30)} == {200}
    api.close()


@pytest.fixture
def faulty():
    sim = make_sim()
    api = Hivestr(sim)
    api.login()
    yield sim, api
    api.close()


def test_server_error_and_forbidden_faults_answer_in_hivestr_envelope(faulty):
    sim, api = faulty
    sim.faults.inject("server_error", 2, path="/api/v1/public/clients")
    first, second, third = (api.get("/public/clients", limit=1) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.json() == {"success": False, "error": "Erro interno do servidor"}
    sim.faults.inject("forbidden", path="/api/v1/public/proposals*")
    assert api.get("/public/clients", limit=1).status_code == 200  # other paths are untouched
    forbidden = api.get("/public/proposals")
    assert forbidden.status_code == 403 and forbidden.json()["error"].startswith("Sem permissão")
    assert sim.request_log.counters()["faults"] == {"server_error": 2, "forbidden": 1}


def test_rate_limited_fault_with_retry_after_and_invalid_json(faulty):
    sim, api = faulty
    sim.faults.inject("rate_limited", retry_after=120)
    limited = api.get("/public/pipeline/deals")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "120"
    sim.faults.inject("invalid_json")
    broken = api.get("/public/pipeline/deals", limit=3)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    assert api.get("/public/pipeline/deals", limit=3).json()["success"] is True


def test_dropped_connection_in_process(faulty):
    sim, api = faulty
    sim.faults.inject("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/public/clients")
    with pytest.raises(DroppedConnection):  # the same exception class a real socket gives, see core.faults
        sim.faults.inject("truncate")
        api.get("/public/clients")
    assert api.get("/public/clients", limit=1).status_code == 200


def test_request_log_counts_rows_and_keys(faulty):
    sim, api = faulty
    api.get("/public/clients", limit=7)
    api.get("/public/proposals", status="all", limit=3)
    entries = sim.request_log.entries()
    assert [(e.method, e.path, e.status, e.rows, e.key) for e in entries] == [
        ("POST", "/api/v1/auth/token", 200, None, KEY),
        ("GET", "/api/v1/public/clients", 200, 7, KEY),
        ("GET", "/api/v1/public/proposals", 200, 3, KEY),
    ]
    assert entries[2].query == "status=all&limit=3"
    log = api.admin("GET", "/requests", params={"path": "/api/v1/public/clients"}).json()
    assert log["count"] == 1 and log["counters"]["rows"] == 10


def test_over_loopback_the_base_url_is_the_api_root_and_faults_reach_the_socket():
    sim = make_sim(requests_per_hour=5)
    with sim.serve() as base_url, httpx.Client(base_url=base_url, timeout=5) as client:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v1")
        token = client.post("/auth/token", json={"api_key": KEY, "api_secret": SECRET}).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        assert client.get("/public/clients", params={"limit": 2}).json()["pagination"]["limit"] == 2
        sim.faults.inject("drop")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/public/clients")
        # the budget of 5: the token, the first listing, the dropped one (it counts), and two more
        assert [client.get("/public/clients").status_code for _ in range(3)] == [200, 200, 429]
        server_root = base_url.removesuffix("/api/v1")
        assert httpx.get(f"{server_root}/_sim/info").json()["counts"]["clients"] == 200
