"""Rate limiting, injected faults and the request log, as an httpx client experiences them."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from simulators.core.faults import DroppedConnection
from tests.simulators.conftest import KEY, Api, make_sim


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_per_user_key_answers_429_with_retry_after_until_the_window_slides():
    clock = FakeClock()
    sim = make_sim(rate_limit_per_minute=3, rate_limit_clock=clock, api_keys=(KEY, "other-key"))
    api, other = Api(sim.app), Api(sim.app, key="other-key")
    statuses = []
    for second in range(5):
        clock.now = 500.0 + second
        statuses.append(api.get("/Roles").status_code)
    assert statuses == [200, 200, 200, 429, 429]
    refused = api.get("/Roles")
    assert refused.headers["Retry-After"] == "56"  # the first request (t=500) leaves the window at t=560
    assert refused.json()["error"]["code"] == "TooManyRequests"
    assert other.get("/Roles").status_code == 200  # another key has its own budget
    admin = Api(sim.app, key=None)
    assert admin.get("/_sim/requests").status_code == 200  # admin routes are never limited
    clock.now = 560.0
    assert api.get("/Roles").status_code == 200
    assert sim.request_log.count(path="/Roles", status=429) == 3
    assert sim.request_log.count(path="/Roles", status=200) == 5
    for client in (api, other, admin):
        client.close()


def test_default_rate_limit_is_120_per_minute_sliding():
    clock = FakeClock()
    sim = make_sim(rate_limit_per_minute=120, rate_limit_clock=clock)
    api = Api(sim.app)
    codes = [api.get("/Tags", params={"$top": 1}).status_code for _ in range(125)]
    assert codes.count(200) == 120 and codes[120:] == [429] * 5
    api.close()


@pytest.fixture
def faulty():
    sim = make_sim()
    api = Api(sim.app)
    yield sim, api
    api.close()


def test_server_errors_for_the_next_n_requests(faulty):
    sim, api = faulty
    sim.faults.inject("server_error", 2, status=502)
    codes = [api.get("/Contacts", params={"$top": 1}).status_code for _ in range(3)]
    assert codes == [502, 502, 200]
    assert sim.request_log.counters()["faults"] == {"server_error": 2}


def test_forbidden_burst_and_rate_limit_storm_with_and_without_retry_after(faulty):
    sim, api = faulty
    sim.faults.inject("forbidden", 2)
    assert [api.get("/Deals").status_code for _ in range(3)] == [403, 403, 200]
    sim.faults.inject("rate_limited", 2, retry_after=7)
    sim.faults.inject("rate_limited", 1)
    storm = [api.get("/Deals") for _ in range(4)]
    assert [r.status_code for r in storm] == [429, 429, 429, 200]
    assert [r.headers.get("Retry-After") for r in storm[:3]] == ["7", "7", None]
    assert storm[0].json()["error"]["code"] == "TooManyRequests"


def test_faults_can_target_one_path_and_fire_with_a_seeded_probability(faulty):
    sim, api = faulty
    sim.faults.inject("server_error", None, probability=0.5, path="/Deals")
    assert all(api.get("/Contacts", params={"$top": 1}).status_code == 200 for _ in range(10))
    codes = [api.get("/Deals", params={"$top": 1}).status_code for _ in range(40)]
    assert 8 <= codes.count(503) <= 32 and set(codes) == {200, 503}
    sim.faults.clear()
    assert api.get("/Deals", params={"$top": 1}).status_code == 200


def test_invalid_json_with_status_200(faulty):
    sim, api = faulty
    sim.faults.inject("invalid_json")
    response = api.get("/Contacts", params={"$top": 2})
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert api.get("/Contacts", params={"$top": 2}).json()["value"]


def test_a_drop_raises_a_transport_error_in_process_too(faulty):
    sim, api = faulty
    sim.faults.inject("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/Contacts")
    sim.faults.inject("truncate")
    with pytest.raises(DroppedConnection):
        api.get("/Contacts")
    assert api.get("/Contacts", params={"$top": 1}).status_code == 200
    faults = [entry.fault for entry in sim.request_log.entries()]
    assert faults == ["drop", "truncate", None]


def test_faults_over_loopback_drop_truncate_slow_and_admin_http():
    sim = make_sim()
    with sim.serve() as base_url, httpx.Client(base_url=base_url, headers={"User-Key": KEY}) as client:
        admin = httpx.Client(base_url=base_url)
        rules = [
            {"kind": "drop"},
            {"kind": "truncate"},
            {"kind": "server_error", "count": 1, "status": 500},
            {"kind": "slow", "delay": 0.5},
        ]
        assert admin.post("/_sim/faults", json=rules).status_code == 201
        assert [r["kind"] for r in admin.get("/_sim/faults").json()["faults"]] == [r["kind"] for r in rules]

        with pytest.raises(httpx.RemoteProtocolError):  # headers, then the connection closes
            client.get("/Contacts", params={"$top": 1})
        with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message body"):
            client.get("/Contacts", params={"$top": 50})
        assert client.get("/Contacts", params={"$top": 1}).status_code == 500
        with pytest.raises(httpx.ReadTimeout):
            client.get("/Contacts", params={"$top": 1}, timeout=0.1)
        healthy = client.get("/Contacts", params={"$top": 2})
        assert healthy.status_code == 200 and len(healthy.json()["value"]) == 2

        deadline = time.monotonic() + 10  # the slow request is logged once its answer is finally sent
        while admin.get("/_sim/requests").json()["count"] < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        log = admin.get("/_sim/requests", params={"path": "/Contacts"}).json()
        assert log["count"] == 5
        faults = [e["fault"] for e in log["entries"]]
        assert faults[:3] == ["drop", "truncate", "server_error"] and sorted(faults[3:], key=str) == [None, "slow"]
        ok = next(e for e in log["entries"] if e["fault"] is None)
        assert ok["rows"] == 2 and ok["query"] == "$top=2" and ok["status"] == 200
        assert admin.delete("/_sim/faults").status_code == 204
        assert admin.delete("/_sim/requests").status_code == 204
        assert admin.get("/_sim/requests").json()["count"] == 0
        admin.close()


def test_request_log_records_each_api_request(faulty):
    sim, api = faulty
    api.get("/Contacts", params={"$top": 5, "$filter": "TypeId eq 1"})
    api.get("/Contacts", params={"$expand": "Nope"})
    Api(sim.app, key=None).get("/Deals")
    entries = sim.request_log.entries()
    assert [(e.method, e.path, e.status, e.rows) for e in entries] == [
        ("GET", "/Contacts", 200, 5),
        ("GET", "/Contacts", 400, None),
        ("GET", "/Deals", 401, None),
    ]
    assert entries[0].query == "$top=5&$filter=TypeId eq 1" and entries[0].key == KEY
    assert entries[0].timestamp > 1_700_000_000 and entries[0].duration >= 0
    assert sim.request_log.count() == 3 and sim.request_log.count(status=400) == 1
    assert sim.request_log.counters()["by_path"] == {"/Contacts": 2, "/Deals": 1}


def test_latency_is_applied_per_request_and_per_row(monkeypatch):
    sim = make_sim(latency=0.25, per_row_latency=0.01)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))

    monkeypatch.setattr(sim.latency, "sleep", fake_sleep)
    api = Api(sim.app)
    api.get("/Contacts", params={"$top": 30})
    api.close()
    assert slept == [0.25, 0.3]
