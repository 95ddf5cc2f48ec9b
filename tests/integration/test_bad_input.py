"""Bad input, as a user meets it: the scripts run as subprocesses after a good load, and each bad setting or option
gives one line naming the fix, a non-zero exit code (2 for options, 1 for the rest), no traceback unless --debug,
and a warehouse left exactly as it was."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.integration.scripts import both_simulators, run_script, scratch_database, script_env, with_login
from tests.integration.warehouse import Warehouse

PLOOMES_KEY = "bad-input-ploomes-key-51d0"
HIVESTR_KEY, HIVESTR_SECRET = "hvstr_badinput51d0", "bad-input-hivestr-secret-c3e8"
PIPELINES = ("ploomes", "hivestr")
# What the good load before the bad cases reads: enough to lose (records, children, state), quick to load.
FIRST_LOAD_TABLES = {"ploomes": "contacts,deals", "hivestr": "clients"}


@dataclass
class Loaded:
    """A warehouse after one good load of both systems, and the settings that loaded it."""

    env: dict[str, str]
    argv: list[str]
    warehouses: list[Warehouse]
    snapshot: dict

    def current(self) -> dict:
        return {w.dataset: w.snapshot() for w in self.warehouses}


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound, so nothing else takes it, but never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def good_settings() -> Iterator[dict[str, str]]:
    with both_simulators(PLOOMES_KEY, HIVESTR_KEY, HIVESTR_SECRET) as (settings, _, _):
        yield settings


def _load(env: dict[str, str], argv: list[str], warehouses: list[Warehouse], systems: tuple[str, ...]) -> Loaded:
    for system in systems:
        result = run_script(system, [*argv, "--tables", FIRST_LOAD_TABLES[system]], env)
        assert result.returncode == 0, result.stderr
    loaded = Loaded(env, argv, warehouses, {})
    loaded.snapshot = loaded.current()
    assert all(snapshot for snapshot in loaded.snapshot.values())  # something to lose
    return loaded


@pytest.fixture(scope="module")
def duckdb_loaded(good_settings, tmp_path_factory) -> Loaded:
    root = tmp_path_factory.mktemp("bad-input-duckdb")
    path = root / "warehouse.duckdb"
    warehouses = [Warehouse("duckdb", dataset, duckdb_path=path) for dataset in ("ploomes", "hivestr")]
    return _load(script_env(root / "dlt", **good_settings), ["--duckdb-path", str(path)], warehouses, PIPELINES)


@pytest.fixture(scope="module")
def postgres_loaded(good_settings, tmp_path_factory, postgres_dsn) -> Iterator[Loaded]:
    root = tmp_path_factory.mktemp("bad-input-postgres")
    with scratch_database(postgres_dsn) as dsn:
        env = script_env(root / "dlt", **good_settings, DESTINATION__POSTGRES__CREDENTIALS=dsn)
        warehouse = Warehouse("postgres", "ploomes", postgres_dsn=dsn)
        yield _load(env, ["--destination", "postgres"], [warehouse], ("ploomes",))


# A refused base_url must be refused before any request: these proxies leave a regression nowhere to go.
NO_WAY_OUT = {name: "http://127.0.0.1:{closed_port}" for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
PLOOMES_KEY_FIX = "sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY)"
PLOOMES_URL_FIX = "sources.ploomes.base_url (env SOURCES__PLOOMES__BASE_URL)"
HIVESTR_URL_FIX = "sources.hivestr.base_url (env SOURCES__HIVESTR__BASE_URL)"
POSTGRES_FIX = "DESTINATION__POSTGRES__CREDENTIALS"


@dataclass(frozen=True)
class Case:
    system: str
    argv: tuple[str, ...]
    settings: tuple[tuple[str, str | None], ...]  # None removes the setting
    exit_code: int
    what: str  # what the one line says went wrong
    fix: str  # the setting or option it names
    destination: str


def case(system: str, *argv: str, what: str, fix: str, exit_code: int = 1, destination: str = "duckdb", **settings):
    params = Case(system, argv, tuple(settings.items()), exit_code, what, fix, destination)
    return pytest.param(params, marks=[pytest.mark.postgres] if destination == "postgres" else [])


CASES = {
    "ploomes missing key": case(
        "ploomes", SOURCES__PLOOMES__API_KEY=None, what="missing setting", fix="SOURCES__PLOOMES__API_KEY"
    ),
    "ploomes empty key": case("ploomes", SOURCES__PLOOMES__API_KEY="", what="key is empty", fix=PLOOMES_KEY_FIX),
    "ploomes wrong key (401)": case(
        "ploomes",
        SOURCES__PLOOMES__API_KEY="wrong-ploomes-key-0000",
        what="credentials were not accepted (HTTP 401",
        fix=PLOOMES_KEY_FIX,
    ),
    "ploomes http base_url off loopback": case(
        "ploomes",
        SOURCES__PLOOMES__BASE_URL="http://example.com",
        **NO_WAY_OUT,
        what="'http://example.com' is not HTTPS",
        fix=f"Use an https:// URL in {PLOOMES_URL_FIX}",
    ),
    "ploomes unreachable host": case(
        "ploomes",
        SOURCES__PLOOMES__BASE_URL="http://127.0.0.1:{closed_port}",
        SOURCES__PLOOMES__MAX_ATTEMPTS="1",
        what="host 127.0.0.1 is unreachable (ConnectError",
        fix=PLOOMES_URL_FIX,
    ),
    "ploomes unknown table": case(
        "ploomes", "--tables", "contacts,deal", exit_code=2, what="unknown table(s)", fix="in --tables: deal;"
    ),
    "ploomes invalid since": case(
        "ploomes", "--since", "last tuesday", exit_code=2, what="is not a date", fix="--since 'last tuesday'"
    ),
    "hivestr missing secret": case(
        "hivestr", SOURCES__HIVESTR__API_SECRET=None, what="missing setting", fix="SOURCES__HIVESTR__API_SECRET"
    ),
    "hivestr wrong secret (401)": case(
        "hivestr",
        SOURCES__HIVESTR__API_SECRET="wrong-hivestr-secret-0000",
        what="credentials were not accepted (HTTP 401",
        fix="SOURCES__HIVESTR__API_SECRET",
    ),
    "hivestr http base_url off loopback": case(
        "hivestr",
        SOURCES__HIVESTR__BASE_URL="http://example.com/api/v1",
        **NO_WAY_OUT,
        what="is not HTTPS",
        fix=f"Use an https:// URL in {HIVESTR_URL_FIX}",
    ),
    "hivestr unreachable host": case(
        "hivestr",
        SOURCES__HIVESTR__BASE_URL="http://127.0.0.1:{closed_port}/api/v1",
        SOURCES__HIVESTR__MAX_ATTEMPTS="1",
        what="host 127.0.0.1 is unreachable (ConnectError",
        fix=HIVESTR_URL_FIX,
    ),
    "hivestr unknown table": case(
        "hivestr", "--tables", "client", exit_code=2, what="unknown table(s)", fix="in --tables: client;"
    ),
    "hivestr since": case("hivestr", "--since", "2024-01-01", exit_code=2, what="does not apply", fix="--full-refresh"),
    "duckdb file in a missing folder": case(
        "ploomes",
        "--duckdb-path",
        "/nonexistent-crm-elt-folder/warehouse.duckdb",
        what="could not open the duckdb warehouse (IOException",
        fix="Check --duckdb-path",
    ),
    "postgres down": case(
        "ploomes",
        DESTINATION__POSTGRES__CREDENTIALS="postgresql://postgres:pw@127.0.0.1:{closed_port}/test",
        what="could not open the postgres warehouse (OperationalError",
        fix=POSTGRES_FIX,
        destination="postgres",
    ),
    "postgres unknown user": case(
        "ploomes",
        DESTINATION__POSTGRES__CREDENTIALS="{dsn_of_unknown_user}",
        what='role "nobody_here" does not exist',
        fix=POSTGRES_FIX,
        destination="postgres",
    ),
    "postgres credentials missing": case(
        "ploomes",
        DESTINATION__POSTGRES__CREDENTIALS=None,
        what="missing setting destination.postgres.credentials",
        fix=POSTGRES_FIX,
        destination="postgres",
    ),
}


def _run_case(params: Case, request, closed_port: int, debug: bool = False):
    loaded: Loaded = request.getfixturevalue(f"{params.destination}_loaded")
    env = dict(loaded.env)
    placeholders: dict[str, object] = {"closed_port": closed_port}
    if params.destination == "postgres":
        placeholders["dsn_of_unknown_user"] = with_login(env[POSTGRES_FIX], user="nobody_here")
    for name, value in params.settings:
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value.format(**placeholders)
    argv = [*loaded.argv, *params.argv, *(["--debug"] if debug else [])]
    return loaded, run_script(params.system, argv, env)


@pytest.mark.parametrize("params", list(CASES.values()), ids=list(CASES))
def test_bad_input_is_one_line_naming_the_fix_and_the_warehouse_is_untouched(params: Case, request, closed_port):
    loaded, result = _run_case(params, request, closed_port)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert params.what in lines[0] and params.fix in lines[0], lines[0]
    assert result.returncode == params.exit_code
    assert loaded.current() == loaded.snapshot


def test_debug_shows_the_traceback_and_still_ends_with_the_one_line(request, closed_port):
    params = CASES["ploomes wrong key (401)"].values[0]
    loaded, result = _run_case(params, request, closed_port, debug=True)
    assert "Traceback (most recent call last)" in result.stderr
    assert "AuthenticationError" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and params.what in last and params.fix in last
    assert result.returncode == 1
    assert loaded.current() == loaded.snapshot
