"""Defaults of the Ploomes source; each one can be overridden in .dlt/config.toml or by environment variable."""

DEFAULT_BASE_URL = "https://public-api2.ploomes.com"
RATE_LIMIT_PER_MINUTE = 120  # per User-Key, shared by every table
PAGE_SIZE = 300  # Ploomes caps $top at 300
START_DATE = "2000-01-01T00:00:00Z"  # first load reads everything updated since then
LOOKBACK_MINUTES = 10  # each incremental window re-reads this much before the last one's end (late commits, clock skew)
MAX_RANGES_PER_TABLE = 8  # concurrent Id ranges when one table has many pages to read
# A table is split only into ranges of at least this many pages: each extra range costs up to one partial page, so
# splitting costs at most 5% more requests, and a table of a few pages is read as one range.
MIN_PAGES_PER_RANGE = 20
# Pages requested or read and not yet flattened, over all tables of a run (each table may always hold one): a page
# waits as its body's bytes (about 2 MB for 300 contacts), and without the API's rate limit to pace them, 5 large
# tables of 8 ranges held 40. Paced by the limit, a run needs far fewer (rate x latency: 3 to 5 at 120 a minute and
# 1-2 s).
MAX_PAGES_IN_FLIGHT = 16
READ_TIMEOUT_SECONDS = 60.0  # a response slower than this is a timeout, retried like a dropped connection
# Deletion sweep: lists every Id of each incremental table (ceil(rows / 300) requests) to find deleted records.
SWEEP_DELETIONS = False  # off by default: it costs requests; `--sweep-deletions` runs it once
DELETIONS = "soft"  # "soft": rows of deleted records get `_deleted_at`; "hard": they are deleted
# Tables whose every version is kept in `<table>_history` (sources/history.py); any incremental table may be named.
HISTORY_TABLES = ("deals",)
# Rows of a table handed to dlt as one Arrow table: dlt's work per item (a table schema computed and merged, a
# parquet row group) is paid per 2,000 rows instead of per 300-row page (1,500 cost 10% of scenario 4's rows/s).
# Each table holds up to this many rows at once, made Arrow a page at a time.
ROWS_PER_ITEM = 2000
MAX_PAGES_PER_RUN = 0  # 0: read everything; N: stop each table after N pages and resume on the next run

SETTING_HINTS = {
    "credentials": "sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY)",
    "base_url": "sources.ploomes.base_url (env SOURCES__PLOOMES__BASE_URL)",
}
