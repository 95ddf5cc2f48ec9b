import httpx
import pytest

from sources.http import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    InsecureUrlError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    extract_api_message,
    register_secret,
)
from sources.http.errors import error_for_status
from sources.http.urls import require_secure_base_url

HINTS = {
    "credentials": "sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY)",
    "base_url": "sources.ploomes.base_url",
    "request": "the resource's filter settings",
    "retry": "sources.ploomes.max_attempts",
}
LABEL = "GET https://api.example.com/Deals"


def _response(status: int, **kwargs) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("GET", "https://api.example.com/Deals"), **kwargs)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error": {"code": "BadRequest", "message": "Invalid $filter"}}, "Invalid $filter"),
        ({"success": False, "error": "token expired"}, "token expired"),
        ({"message": "Too many requests"}, "Too many requests"),
        ({"detail": "Not found"}, "Not found"),
        ({"error": {"code": "X", "message": ""}, "message": "fallback"}, "fallback"),
    ],
)
def test_api_message_comes_from_the_known_json_shapes(body, expected):
    assert extract_api_message(_response(400, json=body)) == expected


def test_api_message_falls_back_to_the_raw_body_on_one_line_truncated():
    html = "<html>\n  <body>" + "x" * 1000 + "</body></html>"

    message = extract_api_message(_response(502, text=html))

    assert message.startswith("<html> <body>xxx")
    assert len(message) == 300
    assert message.endswith("…")


def test_api_message_is_none_for_an_empty_body_and_redacted_otherwise():
    register_secret("errors-test-secret")

    assert extract_api_message(_response(500)) is None
    assert extract_api_message(_response(401, json={"message": "bad key errors-test-secret"})) == "bad key ***"


@pytest.mark.parametrize(
    ("status", "error_class", "setting"),
    [
        (400, BadRequestError, "the resource's filter settings"),
        (401, AuthenticationError, "sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY)"),
        (403, PermissionDeniedError, "sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY)"),
        (404, NotFoundError, "sources.ploomes.base_url"),
        (503, ServerError, "sources.ploomes.max_attempts"),
        (409, ApiError, "the resource's filter settings"),
    ],
)
def test_each_status_maps_to_its_class_and_names_the_setting_to_fix(status, error_class, setting):
    error = error_for_status(LABEL, _response(status, json={"message": "line one\nline two"}), attempts=1, hints=HINTS)

    assert type(error) is error_class
    assert error.status_code == status
    assert error.api_message == "line one line two"
    assert setting in str(error)
    assert "\n" not in str(error)


def test_authentication_message_reads_as_one_actionable_sentence():
    error = error_for_status(LABEL, _response(401, json={"message": "Invalid key"}), attempts=1, hints=HINTS)

    assert str(error) == (
        "GET https://api.example.com/Deals: the credentials were not accepted (HTTP 401 Unauthorized, API said: "
        '"Invalid key"). Check sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY).'
    )


def test_server_error_message_counts_attempts_and_missing_hints_fall_back():
    error = error_for_status(LABEL, _response(500), attempts=6, hints={})

    assert "HTTP 500 Internal Server Error, after 6 attempts" in str(error)
    assert "allow more retries in the retry policy (RetryPolicy.max_attempts)" in str(error)


def test_error_messages_and_api_messages_are_redacted():
    register_secret("constructed-secret")

    error = ApiError("failed for constructed-secret", api_message="constructed-secret rejected")

    assert str(error) == "failed for ***"
    assert error.api_message == "*** rejected"


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.example.com",
        "http://localhost:8011",
        "http://LOCALHOST",
        "http://127.0.0.1:8011/api",
        "http://127.9.9.9",
        "http://[::1]:8011",
    ],
)
def test_https_or_loopback_http_is_accepted(base_url):
    assert require_secure_base_url(base_url, HINTS) == httpx.URL(base_url)


@pytest.mark.parametrize(
    "base_url",
    ["http://api.example.com", "http://127.0.0.1.evil.com", "ftp://127.0.0.1", "api.example.com", "https://"],
)
def test_other_urls_are_refused_naming_the_setting(base_url):
    with pytest.raises(InsecureUrlError, match="sources.ploomes.base_url"):
        require_secure_base_url(base_url, HINTS)
