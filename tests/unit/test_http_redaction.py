import io
import logging

import pytest

from sources.http import RedactingFilter, install_log_redaction, redact, register_secret

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"


def test_registered_secret_is_masked_everywhere_including_url_encoded():
    register_secret("k3y/with+chars")

    text = "key=k3y/with+chars and again k3y%2Fwith%2Bchars"

    assert redact(text) == "key=*** and again ***"


@pytest.mark.parametrize("value", ["", None, "abc", "12345"])
def test_empty_and_very_short_values_are_not_registered(value):
    register_secret(value)

    assert redact("abc 12345") == "abc 12345"


def test_a_secret_containing_another_is_masked_whole():
    register_secret("inner-secret")
    register_secret("outer-inner-secret-tail")

    assert redact("x outer-inner-secret-tail y inner-secret") == "x *** y ***"


def test_bearer_tokens_and_jwts_are_masked_without_registration():
    assert redact("Authorization: Bearer abc.def-ghi_jkl") == "Authorization: Bearer ***"
    assert redact("basic dXNlcjpwYXNz==") == "basic ***"
    assert redact(f"token {JWT} expired") == "token *** expired"


def test_plain_text_is_untouched():
    assert redact("GET https://api.example.com/Deals?$top=10") == "GET https://api.example.com/Deals?$top=10"


def _capturing_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_filter_masks_message_arguments_and_tracebacks():
    register_secret("log-secret-value")
    logger, stream = _capturing_logger("test_http_redaction.filter")

    logger.info("sending %s", "User-Key: log-secret-value")
    try:
        raise RuntimeError("failed with log-secret-value")
    except RuntimeError:
        logger.exception("request failed")

    output = stream.getvalue()
    assert "log-secret-value" not in output
    assert "sending User-Key: ***" in output
    assert "RuntimeError: failed with ***" in output


def test_filter_survives_a_malformed_log_call():
    register_secret("malformed-secret")
    logger, stream = _capturing_logger("test_http_redaction.malformed")

    logger.info("two placeholders %s %s", "malformed-secret")

    assert "***" in stream.getvalue()
    assert "malformed-secret" not in stream.getvalue()


@pytest.fixture
def root_handler():
    handler = logging.StreamHandler(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    watched = [logging.getLogger(name) for name in ("dlt", "httpx", "httpcore")]
    yield handler
    root.removeHandler(handler)
    for logger in watched:
        for installed in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(installed)


def test_install_covers_root_handlers_and_library_loggers_once(root_handler):
    install_log_redaction()
    install_log_redaction()

    for target in (root_handler, logging.getLogger("dlt"), logging.getLogger("httpx")):
        assert sum(isinstance(f, RedactingFilter) for f in target.filters) == 1


def test_install_masks_library_records_on_root_handlers(root_handler):
    register_secret("root-handler-secret")
    install_log_redaction()

    logging.getLogger("httpx").warning("HTTP Request: GET https://h/?key=root-handler-secret")

    output = root_handler.stream.getvalue()
    assert "root-handler-secret" not in output
    assert "key=***" in output
