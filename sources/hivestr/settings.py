"""Defaults of the Hivestr source; each one can be overridden in .dlt/config.toml or by environment variable."""

DEFAULT_BASE_URL = "https://www.hivestr.com/api/v1"
REQUESTS_PER_HOUR = 1000  # the basic plan; professional is 5000. Every request counts, token requests included.
# How long a run may wait for the hourly budget to reset before it stops cleanly (and says when to run again).
MAX_BUDGET_WAIT_SECONDS = 300.0
MAX_ATTEMPTS = 6
MAX_RETRY_WAIT_SECONDS = 300.0  # backoff budget of one request failing with 5xx, timeouts, dropped connections
READ_TIMEOUT_SECONDS = 60.0  # a response slower than this is a timeout, retried like a dropped connection
# Renew the token this long before it expires. The server checks expiry when a request arrives, so the margin only has
# to cover the way there (the connect timeout is 10 s); every token costs a request of the hourly budget, so the
# vendor's example of renewing 10 minutes early would spend one more token in every run that lasts 50-60 minutes.
# A request held for the budget's reset may still arrive expired: that 401 renews the token once and resends.
TOKEN_RENEW_MARGIN_SECONDS = 60.0
PAGE_SIZE = 100  # the API's maximum `limit`
# Parents missing from a listing that covered every page are deleted ones: marking them costs no list request, only
# one detail request per missing parent (to confirm the 404), so the sweep is on by default.
SWEEP_DELETIONS = True
DELETIONS = "soft"  # "soft": rows of deleted records get `_deleted_at`; "hard": they are deleted
# Tables whose every version is kept in `<table>_history` (sources/history.py); any table with children may be named.
HISTORY_TABLES = ("pipeline_deals",)
MAX_DETAILS_PER_RUN = 0  # 0: no limit; N: a table commits after N parents' children and continues in a new run
# A change to a child need not move its parent's row, so the children of unchanged parents are read again once this
# old, spread evenly over the runs (refresh.py): P parents cost P / 7 requests a day, whatever the runs' frequency.
# 0: never (their changes then arrive only when the parent changes, or with --full-refresh).
CHILDREN_MAX_AGE_DAYS = 7.0

SETTING_HINTS = {
    "credentials": (
        "sources.hivestr.api_key and sources.hivestr.api_secret "
        "(env SOURCES__HIVESTR__API_KEY, SOURCES__HIVESTR__API_SECRET)"
    ),
    "base_url": "sources.hivestr.base_url (env SOURCES__HIVESTR__BASE_URL)",
    "rate_limit": "sources.hivestr.max_budget_wait_seconds (env SOURCES__HIVESTR__MAX_BUDGET_WAIT_SECONDS)",
    "retry": "sources.hivestr.max_attempts and sources.hivestr.max_retry_wait_seconds",
    "request": "the Hivestr source's query parameters (sources/hivestr/entities.py)",
}
