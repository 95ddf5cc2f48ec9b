"""ApiClient through httpx.MockTransport with a ManualClock: no test sleeps or touches the network."""

import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest

from sources.http import (
    SYSTEM_CLOCK,
    ApiClient,
    ApiError,
    AuthenticationError,
    BadRequestError,
    InsecureUrlError,
    InvalidResponseError,
    ManualClock,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimit,
    RateLimiter,
    RateLimitExhausted,
    RetryPolicy,
    ServerError,
    decode_body,
    redact,
)
from sources.http.stats import ClientStats

BASE_URL = "https://api.example.com"
API_KEY = "ploomes-test-key-0123456789"
HINTS = {
    "credentials": "sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY)",
    "base_url": "sources.ploomes.base_url",
    "rate_limit": "sources.ploomes.max_retry_wait_seconds",
    "retry": "sources.ploomes.max_attempts",
}
PACE = RateLimit(requests_per_period=120, period_seconds=60, burst=1)
# For tests about retries: never makes a request wait, so every recorded sleep is a retry's.
UNPACED = RateLimit(requests_per_period=1000, period_seconds=1, burst=1000)
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that replays a script of responses (or exceptions) and keeps the requests."""

    def __init__(self, *script: httpx.Response | Exception | Handler) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []
        self.authorizations: list[str | None] = []  # as sent: an auth flow mutates and resends one request

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.authorizations.append(request.headers.get("Authorization"))
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step(request) if callable(step) else step


def make_client(
    handler: Handler,
    *,
    clock: ManualClock | None = None,
    limiter: RateLimiter | None = None,
    retry: RetryPolicy | None = None,
    random_fraction: float = 0.5,
    **kwargs,
) -> ApiClient:
    clock = clock or ManualClock()
    return ApiClient(
        BASE_URL,
        headers={"User-Key": API_KEY},
        limiter=limiter or RateLimiter(UNPACED, clock=clock),
        retry=retry or RetryPolicy(backoff_base=1.0),
        setting_hints=HINTS,
        transport=httpx.MockTransport(handler),
        clock=clock,
        random_fraction=lambda: random_fraction,
        **kwargs,
    )


def ok(body: object = None) -> httpx.Response:
    return httpx.Response(200, json=body if body is not None else {"value": []})


# --- requests and responses -------------------------------------------------------------------------


def test_get_json_sends_the_credential_header_and_params_and_decodes_the_body():
    recorder = Recorder(ok({"value": [{"Id": 1}]}))

    with make_client(recorder) as client:
        body = client.get_json("/Deals", params={"$top": 10})

    assert body == {"value": [{"Id": 1}]}
    (request,) = recorder.requests
    assert request.url.path == "/Deals"
    assert request.url.params["$top"] == "10"
    assert request.headers["User-Key"] == API_KEY
    assert request.headers["Accept"] == "application/json"


def test_post_json_sends_a_json_body():
    recorder = Recorder(ok({"token": "t"}))

    with make_client(recorder) as client:
        assert client.post_json("/auth/token", {"api_key": "k"}) == {"token": "t"}

    assert recorder.requests[0].method == "POST"
    assert json.loads(recorder.requests[0].content) == {"api_key": "k"}


def test_no_content_decodes_to_none():
    with make_client(Recorder(httpx.Response(204))) as client:
        assert client.get_json("/Deals") is None


def test_get_json_and_body_gives_the_bytes_that_decode_to_the_same_json_or_none_for_a_lenient_reading():
    body = b'{"value": [{"Id": 1, "Name": "Ac\xc3\xa9"}]}'
    lenient = b'{"value": [{"Id": 1, "Amount": NaN}]}'  # orjson refuses NaN; the json module reads it
    recorder = Recorder(httpx.Response(200, content=body), httpx.Response(200, content=lenient))

    with make_client(recorder) as client:
        decoded, raw = client.get_json_and_body("/Deals")
        assert raw == body and decode_body(raw) == decoded == {"value": [{"Id": 1, "Name": "Acé"}]}
        decoded, raw = client.get_json_and_body("/Deals")
        assert raw is None and decoded["value"][0]["Id"] == 1


def test_absolute_url_on_the_same_origin_is_followed_and_another_origin_is_refused():
    recorder = Recorder(ok())
    with make_client(recorder) as client:
        client.get_json(f"{BASE_URL}/Deals?$skip=300")
        with pytest.raises(InsecureUrlError, match="sources.ploomes.base_url"):
            client.get_json("https://elsewhere.example.com/Deals")

    assert [str(r.url) for r in recorder.requests] == [f"{BASE_URL}/Deals?$skip=300"]


def test_plain_http_is_refused_at_construction_except_on_loopback():
    with pytest.raises(InsecureUrlError, match="sources.ploomes.base_url"):
        ApiClient("http://api.example.com", limiter=RateLimiter(PACE), setting_hints=HINTS)

    ApiClient("http://127.0.0.1:8011", limiter=RateLimiter(PACE)).close()


def test_credential_headers_and_secrets_are_registered_but_public_headers_are_not():
    make_client(Recorder(ok()), secrets=["hivestr-api-secret-value"]).close()

    assert redact(f"key {API_KEY}") == "key ***"
    assert redact("hivestr-api-secret-value") == "***"
    assert redact("application/json") == "application/json"


def test_close_closes_the_transport():
    closed = []

    class ClosingTransport(httpx.MockTransport):
        def close(self) -> None:
            closed.append(True)

    client = ApiClient(BASE_URL, limiter=RateLimiter(PACE), transport=ClosingTransport(Recorder(ok())))
    with client:
        pass

    assert closed == [True]


# --- pacing and stats -------------------------------------------------------------------------------


def test_every_request_waits_for_the_shared_limiter_and_is_counted():
    clock = ManualClock()
    limiter = RateLimiter(PACE, clock=clock)
    first = make_client(Recorder(ok()), clock=clock, limiter=limiter)
    second = make_client(Recorder(ok()), clock=clock, limiter=limiter)

    first.get_json("/Deals")
    second.get_json("/Contacts")  # another table, same account: it waits for the first one's slot
    second.get_json("/Contacts")

    assert clock.sleeps == pytest.approx([0.525, 0.525])
    assert first.stats.snapshot()["limiter_wait_seconds"] == 0
    assert second.stats.snapshot()["limiter_wait_seconds"] == pytest.approx(1.05)
    assert limiter.waited_seconds == pytest.approx(1.05)


def test_stats_snapshot_is_a_plain_copy():
    with make_client(Recorder(httpx.Response(503), ok())) as client:
        client.get_json("/Deals")
        snapshot = client.stats.snapshot()
        snapshot["responses_by_status"][200] = 99

        assert client.stats.snapshot() == {
            "requests_sent": 2,
            "retries": 1,
            "network_errors": 0,
            "limiter_wait_seconds": 0,
            "limiter_wall_wait_seconds": 0,
            "retry_wait_seconds": pytest.approx(0.5),
            "responses_by_status": {503: 1, 200: 1},
        }


def test_waits_of_concurrent_requests_count_once_on_the_wall_clock():
    stats = ClientStats()
    stats.record_request(1.0, granted_at=11.0)  # waited 10 to 11
    stats.record_request(2.0, granted_at=12.0)  # waited 10 to 12, beside the first
    stats.record_request(0.0, granted_at=15.0)
    stats.record_request(0.5, granted_at=20.0)  # waited 19.5 to 20

    snapshot = stats.snapshot()
    assert snapshot["limiter_wait_seconds"] == pytest.approx(3.5)  # what the requests waited, added up
    assert snapshot["limiter_wall_wait_seconds"] == pytest.approx(2.5)  # how long some request was waiting


def test_mean_latency_counts_from_the_request_start_after_the_limiter_to_the_response():
    clock = ManualClock()

    def slow(seconds):
        def respond(request):
            clock.sleep(seconds)  # the server's time; the limiter's wait before it must not count
            return ok()

        return respond

    with make_client(Recorder(slow(0.2), slow(0.6)), clock=clock, limiter=RateLimiter(PACE, clock=clock)) as client:
        assert client.stats.mean_latency_seconds is None
        client.get_json("/Deals")
        client.get_json("/Deals")
        assert client.stats.snapshot()["limiter_wait_seconds"] > 0
        assert client.stats.mean_latency_seconds == pytest.approx(0.4)


def test_one_client_is_safe_to_share_between_sixteen_threads():
    clock = ManualClock()
    recorder = Recorder(lambda request: ok({"path": request.url.path}))
    limiter = RateLimiter(PACE, clock=clock)
    client = make_client(recorder, clock=clock, limiter=limiter)
    results: list[object] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        for call in range(10):
            body = client.get_json(f"/t{number}/{call}")
            with lock:
                results.append(body["path"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == sorted(f"/t{n}/{c}" for n in range(16) for c in range(10))
    snapshot = client.stats.snapshot()
    assert snapshot["requests_sent"] == 160
    assert snapshot["responses_by_status"] == {200: 160}
    assert snapshot["limiter_wait_seconds"] == pytest.approx(limiter.waited_seconds)
    assert snapshot["limiter_wait_seconds"] > 0


# --- token renewal through httpx.Auth ---------------------------------------------------------------


class RenewingBearerAuth(httpx.Auth):
    """Like Hivestr's: sends the cached token and, on 401, renews it once and resends."""

    def __init__(self, tokens: Iterator[str]) -> None:
        self.tokens = tokens
        self.token = next(tokens)
        self.renewals = 0

    def auth_flow(self, request: httpx.Request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        response = yield request
        if response.status_code == 401:
            self.token = next(self.tokens)
            self.renewals += 1
            request.headers["Authorization"] = f"Bearer {self.token}"
            yield request


def _accepts_only(token: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == f"Bearer {token}":
            return ok({"data": [1]})
        return httpx.Response(401, json={"success": False, "error": "jwt expired"})

    return handler


def test_an_auth_flow_renews_the_token_on_401_and_the_resend_is_paced_and_counted():
    clock = ManualClock()
    auth = RenewingBearerAuth(iter(["expired-token-aaaa", "fresh-token-bbbb"]))
    recorder = Recorder(_accepts_only("fresh-token-bbbb"))

    with make_client(recorder, clock=clock, limiter=RateLimiter(PACE, clock=clock), auth=auth) as client:
        assert client.get_json("/deals") == {"data": [1]}
        snapshot = client.stats.snapshot()

    assert auth.renewals == 1
    assert recorder.authorizations == [
        "Bearer expired-token-aaaa",
        "Bearer fresh-token-bbbb",
    ]
    assert snapshot["requests_sent"] == 2
    assert snapshot["responses_by_status"] == {401: 1, 200: 1}
    assert snapshot["retries"] == 0
    assert clock.sleeps == pytest.approx([0.525])  # the resend took the next limiter slot


def test_a_401_after_renewal_is_an_authentication_error_without_the_token():
    auth = RenewingBearerAuth(iter(["expired-token-aaaa", "also-bad-token-cccc"]))
    recorder = Recorder(_accepts_only("never"))

    with make_client(recorder, auth=auth) as client, pytest.raises(AuthenticationError) as raised:
        client.get_json("/deals")

    assert len(recorder.requests) == 2
    assert raised.value.status_code == 401
    assert raised.value.api_message == "jwt expired"
    assert "SOURCES__PLOOMES__API_KEY" in str(raised.value)
    assert "cccc" not in str(raised.value)


# --- retries ----------------------------------------------------------------------------------------


def test_429_waits_retry_after_seconds_then_succeeds():
    clock = ManualClock()
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "7"}), ok())

    with make_client(recorder, clock=clock) as client:
        client.get_json("/Deals")
        snapshot = client.stats.snapshot()

    assert len(recorder.requests) == 2
    assert clock.sleeps == [7.0]  # the retry slept out the pause, so the limiter added nothing
    assert snapshot["retries"] == 1
    assert snapshot["retry_wait_seconds"] == 7.0


def test_429_with_an_http_date_retry_after():
    clock = ManualClock()  # starts at 2024-01-01T00:00:00Z
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "Mon, 01 Jan 2024 00:00:30 GMT"}), ok())

    with make_client(recorder, clock=clock) as client:
        client.get_json("/Deals")

    assert clock.sleeps == [30.0]


def test_429_asking_for_more_than_the_wait_budget_raises_with_the_resume_time():
    clock = ManualClock()
    hourly_reset = httpx.Response(429, headers={"Retry-After": "2400"}, json={"message": "hourly limit reached"})
    recorder = Recorder(hourly_reset)

    with make_client(recorder, clock=clock) as client, pytest.raises(RateLimitExhausted) as raised:
        client.get_json("/deals")

    error = raised.value
    assert len(recorder.requests) == 1
    assert clock.sleeps == []
    assert error.resume_at == clock.now() + timedelta(seconds=2400)
    assert error.status_code == 429
    assert error.api_message == "hourly limit reached"
    assert "wait 2400 s, more than the 300 s" in str(error)
    assert "2024-01-01T00:40:00+00:00" in str(error)
    assert "sources.ploomes.max_retry_wait_seconds" in str(error)


def test_after_a_long_429_other_clients_on_the_credential_stop_without_sending():
    clock = ManualClock()
    limiter = RateLimiter(PACE, clock=clock)
    hourly_reset = httpx.Response(429, headers={"Retry-After": "2400"})
    throttled = make_client(Recorder(hourly_reset), clock=clock, limiter=limiter)
    sibling_recorder = Recorder(ok())
    sibling = make_client(sibling_recorder, clock=clock, limiter=limiter)
    with pytest.raises(RateLimitExhausted):
        throttled.get_json("/deals")

    with pytest.raises(RateLimitExhausted, match="not sent") as raised:
        sibling.get_json("/contacts")

    assert sibling_recorder.requests == []
    assert raised.value.resume_at == clock.now() + timedelta(seconds=2400)


def test_after_a_short_429_other_clients_on_the_credential_wait_it_out():
    clock = ManualClock()
    limiter = RateLimiter(PACE, clock=clock)
    # A single attempt stops the throttled client right after its 429, before it sleeps the pause out.
    throttled = make_client(
        Recorder(httpx.Response(429, headers={"Retry-After": "5"})),
        clock=clock,
        limiter=limiter,
        retry=RetryPolicy(max_attempts=1),
    )
    sibling = make_client(Recorder(ok()), clock=clock, limiter=limiter)
    with pytest.raises(RateLimitExhausted):
        throttled.get_json("/deals")

    sibling.get_json("/contacts")

    assert sibling.stats.snapshot()["limiter_wait_seconds"] == pytest.approx(5)


def test_429_without_retry_after_backs_off_then_raises_with_a_resume_time():
    clock = ManualClock()
    recorder = Recorder(httpx.Response(429))

    client = make_client(recorder, clock=clock, retry=RetryPolicy(max_attempts=3))

    with client, pytest.raises(RateLimitExhausted, match="still rate limited after 3 attempts") as raised:
        client.get_json("/Deals")

    assert len(recorder.requests) == 3
    assert clock.sleeps == [0.5, 1.0]  # jitter 0.5 of ceilings 1 and 2
    assert raised.value.resume_at == clock.now() + timedelta(seconds=4)


def test_server_errors_back_off_exponentially_and_then_raise():
    recorder = Recorder(httpx.Response(503, json={"error": {"code": "Unavailable", "message": "maintenance"}}))
    client = make_client(recorder, retry=RetryPolicy(max_attempts=5, backoff_base=1.0, backoff_cap=60))

    with pytest.raises(ServerError) as raised:
        client.get_json("/Deals")

    snapshot = client.stats.snapshot()
    assert len(recorder.requests) == 5
    assert snapshot["retries"] == 4
    assert snapshot["retry_wait_seconds"] == pytest.approx(0.5 + 1 + 2 + 4)
    assert raised.value.status_code == 503
    assert raised.value.api_message == "maintenance"
    assert "after 5 attempts" in str(raised.value)
    assert "sources.ploomes.max_attempts" in str(raised.value)


def test_total_wait_budget_bounds_the_retries():
    clock = ManualClock()
    recorder = Recorder(httpx.Response(500))
    client = make_client(
        recorder, clock=clock, retry=RetryPolicy(max_attempts=10, max_total_wait=5), random_fraction=1.0
    )

    with pytest.raises(ServerError, match="after 4 attempts"):
        client.get_json("/Deals")

    assert clock.sleeps == [1.0, 2.0, 2.0]  # the third backoff (4 s) is cut to what is left of 5 s


def test_server_error_then_success_returns_the_body():
    recorder = Recorder(httpx.Response(502, text="<html>Bad gateway</html>"), ok({"value": [1]}))

    with make_client(recorder) as client:
        assert client.get_json("/Deals") == {"value": [1]}


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset by peer"),
    ],
)
def test_timeouts_and_dropped_connections_are_retried(failure):
    recorder = Recorder(failure, ok({"value": [2]}))

    with make_client(recorder) as client:
        assert client.get_json("/Deals") == {"value": [2]}
        assert client.stats.snapshot()["network_errors"] == 1

    assert len(recorder.requests) == 2


def test_a_persistent_network_failure_names_the_host_and_setting_and_leaks_nothing():
    failure = httpx.ConnectError(f"refused while sending User-Key: {API_KEY}")
    recorder = Recorder(failure)

    client = make_client(recorder, retry=RetryPolicy(max_attempts=3))

    with client, pytest.raises(NetworkError) as raised:
        client.get_json("/Deals")

    error = raised.value
    assert len(recorder.requests) == 3
    assert "host api.example.com is unreachable" in str(error)
    assert "ConnectError: refused while sending User-Key: ***" in str(error)
    assert "sources.ploomes.base_url" in str(error)
    assert API_KEY not in str(error)
    assert error.__cause__ is None
    assert error.__context__ is None


@pytest.mark.parametrize(
    ("first_failure", "error_type"),
    [(httpx.ConnectError("connection refused"), NetworkError), (httpx.Response(401), AuthenticationError)],
)
def test_an_unreachable_host_or_refused_key_ends_every_other_request_of_the_client(first_failure, error_type):
    recorder = Recorder(first_failure)
    clock = ManualClock()
    client = make_client(recorder, clock=clock, retry=RetryPolicy(max_attempts=3))

    with client:
        with pytest.raises(error_type) as first:
            client.get_json("/Deals")
        sent = len(recorder.requests)
        with pytest.raises(error_type) as other:  # another table's request, as from another thread
            client.get_json("/Contacts")

    assert other.value is first.value
    assert len(recorder.requests) == sent  # nothing more sent, no more backoff
    assert len(clock.sleeps) == sent - 1


def test_a_thread_waiting_to_retry_stops_when_another_finds_the_key_refused():
    deals_seen = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/Deals":
            deals_seen.set()
            return httpx.Response(503)
        return httpx.Response(401)

    # the real clock: /Deals would wait 60 s before its retry unless the refused key ends the wait
    client = make_client(handler, clock=SYSTEM_CLOCK, retry=RetryPolicy(backoff_base=60.0, backoff_cap=60.0))
    outcome: list[BaseException] = []

    def read_deals() -> None:
        try:
            client.get_json("/Deals")
        except ApiError as error:
            outcome.append(error)

    waiting = threading.Thread(target=read_deals)
    with client:
        waiting.start()
        assert deals_seen.wait(10)
        with pytest.raises(AuthenticationError):
            client.get_json("/Contacts")
        waiting.join(timeout=10)
    assert not waiting.is_alive(), "the retry wait did not end when the key was refused"
    assert isinstance(outcome[0], AuthenticationError)


def test_a_truncated_json_body_is_retried():
    recorder = Recorder(httpx.Response(200, text='{"value": [{"Id": 1'), ok({"value": [{"Id": 1}]}))

    with make_client(recorder) as client:
        assert client.get_json("/Deals") == {"value": [{"Id": 1}]}

    assert len(recorder.requests) == 2


def test_a_body_that_is_never_valid_json_raises_invalid_response():
    recorder = Recorder(httpx.Response(200, text='{"value": [{"Id": 1'))

    client = make_client(recorder, retry=RetryPolicy(max_attempts=2))

    with client, pytest.raises(InvalidResponseError, match="not valid JSON") as raised:
        client.get_json("/Deals")

    assert len(recorder.requests) == 2
    assert 'body starts: \'{"value": [{"Id": 1\'' in str(raised.value)


def test_403_is_retried_as_possible_throttling_then_succeeds():
    recorder = Recorder(httpx.Response(403), httpx.Response(403), ok())

    with make_client(recorder) as client:
        client.get_json("/Deals")

    assert len(recorder.requests) == 3


@pytest.mark.parametrize(("forbidden_retries", "expected_requests"), [(2, 3), (0, 1)])
def test_a_persistent_403_is_raised_after_its_own_small_retry_count(forbidden_retries, expected_requests):
    recorder = Recorder(httpx.Response(403, json={"error": {"code": "Forbidden", "message": "No access"}}))
    policy = RetryPolicy(max_attempts=10, forbidden_retries=forbidden_retries)

    with make_client(recorder, retry=policy) as client, pytest.raises(PermissionDeniedError) as raised:
        client.get_json("/Deals")

    assert len(recorder.requests) == expected_requests
    assert raised.value.api_message == "No access"
    assert "SOURCES__PLOOMES__API_KEY" in str(raised.value)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(400, BadRequestError), (401, AuthenticationError), (404, NotFoundError)],
)
def test_client_errors_are_raised_at_once(status, error_class):
    recorder = Recorder(httpx.Response(status, json={"error": {"code": "X", "message": "nope"}}))

    with make_client(recorder) as client, pytest.raises(error_class, match="nope"):
        client.get_json("/Deals")

    assert len(recorder.requests) == 1
    assert client.stats.snapshot()["retries"] == 0


def test_each_retry_is_logged_as_a_redacted_warning(caplog):
    body = {"message": f"upstream rejected {API_KEY}"}
    recorder = Recorder(httpx.Response(503, json=body), ok())

    with caplog.at_level(logging.WARNING, logger="sources.http"), make_client(recorder) as client:
        client.get_json("/Deals")

    (record,) = caplog.records
    assert record.name == "sources.http"
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        'GET https://api.example.com/Deals: HTTP 503 Service Unavailable (API said: "upstream rejected ***"); '
        "retrying in 0.5 s (attempt 2 of 6)"
    )
