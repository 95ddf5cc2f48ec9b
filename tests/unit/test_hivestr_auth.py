"""Hivestr's token through the real ApiClient: fetched once, shared, renewed early and on 401, never leaked."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import timedelta

import httpx
import pytest

from sources.hivestr.client import build_client
from sources.http import AuthenticationError, ManualClock, RateLimitExhausted
from tests.unit.test_hivestr_fake import API_SECRET, BASE_URL, FakeHivestr


def make_client(fake: FakeHivestr, clock: ManualClock, **settings):
    return build_client(
        fake.api_key, API_SECRET, BASE_URL, transport=httpx.MockTransport(fake), clock=clock, **settings
    )


@pytest.fixture
def fake() -> FakeHivestr:
    return FakeHivestr(f"hvstr_{uuid.uuid4().hex}", clients=3)


def token_requests(fake: FakeHivestr) -> int:
    return fake.paths().count("/auth/token")


def test_one_token_serves_every_thread(fake):
    def slow_token_endpoint(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/token"):
            time.sleep(0.05)  # long enough for every thread to want a token meanwhile
        return fake(request)

    client = build_client(
        fake.api_key, API_SECRET, BASE_URL, transport=httpx.MockTransport(slow_token_endpoint), clock=ManualClock()
    )
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        for _ in range(5):
            client.get_json("/public/clients", {"status": "all"})

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert token_requests(fake) == 1
    assert fake.paths(200).count("/public/clients") == 40
    # the token request went through the client's hook like the others: paced and counted
    assert client.stats.snapshot()["requests_sent"] == len(fake.calls) == 41


def test_the_token_request_spends_a_slot_of_the_hourly_budget(fake):
    clock = ManualClock()
    client = make_client(fake, clock, requests_per_hour=3)  # a burst of 3, then one every 1260 s

    for _ in range(3):
        client.get_json("/public/clients")

    assert token_requests(fake) == 1
    assert clock.sleeps == pytest.approx([3600 / 3 * 1.05])  # the third data request was the fourth request


def test_the_token_is_renewed_shortly_before_it_expires(fake):
    fake.expires_in = 60  # a test-length token renews a sixth of its life early: 10 s
    clock = ManualClock()
    client = make_client(fake, clock)

    client.get_json("/public/clients")
    clock.advance(49)
    client.get_json("/public/clients")
    assert token_requests(fake) == 1
    clock.advance(2)
    client.get_json("/public/clients")

    assert token_requests(fake) == 2
    assert fake.paths(401) == []  # renewed before the server had to refuse it


def test_an_hour_long_token_serves_until_a_minute_before_it_expires(fake):
    fake.expires_in = 3600  # the API's: each token costs a request of the hourly budget, so it is used for 59 minutes
    clock = ManualClock()
    client = make_client(fake, clock)

    client.get_json("/public/clients")
    clock.advance(3539)
    client.get_json("/public/clients")
    assert token_requests(fake) == 1
    clock.advance(2)
    client.get_json("/public/clients")

    assert token_requests(fake) == 2


def test_a_401_renews_the_token_once_and_resends(fake):
    clock = ManualClock()
    client = make_client(fake, clock)
    client.get_json("/public/clients")
    fake.revoke_tokens()  # expired on the server's side before our clock says so

    body = client.get_json("/public/clients", {"status": "all"})

    assert [row["id"] for row in body["data"]] == ["c000", "c001", "c002"]
    assert [(c.path, c.status) for c in fake.calls[1:]] == [
        ("/public/clients", 200),
        ("/public/clients", 401),
        ("/auth/token", 200),
        ("/public/clients", 200),
    ]
    assert client.stats.snapshot()["requests_sent"] == 5


def test_a_garbled_token_response_is_retried_like_any_garbled_body(fake):
    garbled = []

    def cut_first_token_body(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/token") and not garbled:
            garbled.append(request)
            return httpx.Response(200, content=b'{"access_token": "abc')  # the network cut it short
        return fake(request)

    clock = ManualClock()
    client = build_client(
        fake.api_key, API_SECRET, BASE_URL, transport=httpx.MockTransport(cut_first_token_body), clock=clock
    )

    body = client.get_json("/public/clients", {"status": "all"})

    assert [row["id"] for row in body["data"]] == ["c000", "c001", "c002"]
    assert len(garbled) == 1 and token_requests(fake) == 1  # the retry asked for a token again, and got one
    assert client.stats.snapshot()["retries"] == 1


def test_a_second_401_is_a_clear_authentication_error_without_secrets(fake, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(fake, ManualClock())
    client.get_json("/public/clients")
    fake.revoke_tokens()
    fake.honour_new_tokens = False

    with pytest.raises(AuthenticationError) as raised:
        client.get_json("/public/clients")

    message = str(raised.value)
    assert "sources.hivestr.api_key" in message and "sources.hivestr.api_secret" in message
    assert "HTTP 401" in message
    assert [c.status for c in fake.calls[-3:]] == [401, 200, 401]  # renewed once, then believed
    assert len(fake.tokens) == 2
    for secret in (API_SECRET, *fake.tokens):
        assert secret not in message
        assert secret not in caplog.text


def test_bad_credentials_fail_at_the_token_request_with_one_request(fake, caplog):
    caplog.set_level(logging.DEBUG)
    client = build_client(
        fake.api_key, "not-the-secret-4242", BASE_URL, transport=httpx.MockTransport(fake), clock=ManualClock()
    )

    with pytest.raises(AuthenticationError) as raised:
        client.get_json("/public/clients")

    assert fake.paths() == ["/auth/token"]
    assert "Credenciais inválidas" in str(raised.value)
    assert "SOURCES__HIVESTR__API_SECRET" in str(raised.value)
    assert "not-the-secret-4242" not in str(raised.value) + caplog.text


def test_an_empty_secret_is_refused_before_any_request(fake):
    with pytest.raises(ValueError, match="api_secret is empty"):
        build_client(fake.api_key, " ", BASE_URL, transport=httpx.MockTransport(fake))
    assert fake.calls == []


def test_threads_waiting_for_a_token_that_hit_the_spent_budget_stop_instead_of_sleeping_an_hour(fake):
    fake.budget = 0

    def slow_refusal(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # the other threads queue for the token meanwhile, past the client's pause check
        return fake(request)

    clock = ManualClock()
    client = build_client(fake.api_key, API_SECRET, BASE_URL, transport=httpx.MockTransport(slow_refusal), clock=clock)
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def read() -> None:
        start.wait()
        try:
            client.get_json("/public/clients")
        except RateLimitExhausted as error:
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(errors) == 4
    assert {error.resume_at for error in errors} == {clock.now() + timedelta(hours=1)}
    assert fake.paths() == ["/auth/token"]
    assert clock.sleeps == []
