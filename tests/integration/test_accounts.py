"""Many accounts of one system (README "Many accounts"): `[sources.<system>.accounts.<name>]`, each into its own
pipeline and dataset; --account runs one, --all-accounts all of them at once, a failing one stopping no other."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from pipelines import hivestr_pipeline, ploomes_pipeline
from pipelines.common import RunOptions
from pipelines.run_lock import one_run_at_a_time
from pipelines.stopping import EXIT_ALREADY_RUNNING, EXIT_FAILED, EXIT_USAGE
from simulators.core import LatencySettings
from tests.integration.scripts import PROJECT_ROOT, error_lines, run_script, scratch_database, script_env
from tests.integration.warehouse import Warehouse

TABLES = "contacts,deals"
# account -> (contacts in its simulator, seed); a fourth account, "revoked", has a key its API refuses
ACCOUNTS = {"acme": (120, 31), "beta": (200, 32), "gamma": (90, 33)}


@contextmanager
def account_simulators(accounts: dict[str, tuple[int, int]]) -> Iterator[tuple[dict[str, str], dict]]:
    """A Ploomes simulator per account, each with its own data and key, and the env settings of the accounts."""
    from simulators.ploomes import PloomesConfig, PloomesSimulator

    settings: dict[str, str] = {}
    sims = {}
    with ExitStack() as stack:
        for name, (scale, seed) in accounts.items():
            key = f"key-of-{name}-5c1e"
            sim = PloomesSimulator(PloomesConfig(scale=scale, seed=seed, api_keys=(key,), rate_limit_per_minute=None))
            prefix = f"SOURCES__PLOOMES__ACCOUNTS__{name.upper()}__"
            settings[prefix + "API_KEY"] = key
            settings[prefix + "BASE_URL"] = stack.enter_context(sim.serve())
            settings[prefix + "RATE_LIMIT_PER_MINUTE"] = "100000"
            sims[name] = sim
        yield settings, sims


def contact_ids(warehouse: Warehouse, dataset: str) -> list[int]:
    return [row["id"] for row in warehouse.query(f"select id from {dataset}.contacts order by id")]


def schemas(warehouse: Warehouse) -> set[str]:
    rows = warehouse.query("select schema_name from information_schema.schemata")
    return {row["schema_name"] for row in rows}


@pytest.mark.parametrize("destination", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_all_accounts_load_at_once_each_into_its_dataset_and_a_refused_key_stops_no_other(
    destination, tmp_path, request
):
    with ExitStack() as stack:
        settings, sims = stack.enter_context(account_simulators(ACCOUNTS))
        revoked = "SOURCES__PLOOMES__ACCOUNTS__REVOKED__"
        settings[revoked + "API_KEY"] = "a-key-nobody-knows"
        settings[revoked + "BASE_URL"] = settings["SOURCES__PLOOMES__ACCOUNTS__ACME__BASE_URL"]
        argv = ["--all-accounts", "--tables", TABLES, "--no-analytics", "--destination", destination]
        if destination == "duckdb":
            warehouse = Warehouse("duckdb", "", duckdb_path=tmp_path / "w.duckdb")
            argv += ["--duckdb-path", str(warehouse.duckdb_path)]
        else:
            dsn = stack.enter_context(scratch_database(request.getfixturevalue("postgres_dsn")))
            warehouse = Warehouse("postgres", "", postgres_dsn=dsn)
            settings["DESTINATION__POSTGRES__CREDENTIALS"] = dsn
        settings["FLEET__PROCESSES"] = "2"  # the accounts are dealt to worker processes (into DuckDB, taking turns)
        result = run_script("ploomes", argv, script_env(tmp_path / "dlt", **settings))

        assert result.returncode == EXIT_FAILED, result.stderr
        for name, sim in sims.items():
            assert contact_ids(warehouse, f"ploomes_{name}") == sorted(c["Id"] for c in sim.records("/Contacts"))
        assert not {"ploomes", "ploomes_revoked"} & schemas(warehouse)  # nothing under another name, or half
    [line] = error_lines(result)
    assert line.startswith("error: revoked: ") and "sources.ploomes.accounts.revoked.api_key" in line, line
    lines = result.stdout.splitlines()
    assert lines[0] == "ploomes: loading 4 accounts (acme, beta, gamma, revoked), up to 10 at once in 2 processes"
    finished = sorted(line.split(":")[0] for line in lines[1:5])
    assert finished == ["acme", "beta", "gamma", "revoked"], result.stdout
    summary = {line.split()[0]: line.split()[1:] for line in lines[6:10]}
    assert summary["revoked"][0] == "failed" and summary["acme"][0] == "done"
    assert int(summary["beta"][1].replace(",", "")) > ACCOUNTS["beta"][0]  # rows of contacts and deals
    assert lines[-1].startswith("4 accounts (3 done, 1 failed): ")


def events(stdout: str, kind: str) -> dict[str, dict]:
    return {e["account"]: e for e in map(json.loads, stdout.splitlines()) if e["event"] == kind}


def processes_with(marker: str) -> list[int]:
    """Processes whose environment holds `marker` (a test's own dlt data dir): a fleet's leftover workers."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.postgres
def test_into_postgres_accounts_are_dealt_to_worker_processes_and_sigterm_stops_them_all(tmp_path, request):
    argv = ["--all-accounts", "--tables", TABLES, "--no-analytics", "--destination", "postgres", "--log-format", "json"]
    with ExitStack() as stack:
        settings, sims = stack.enter_context(account_simulators(ACCOUNTS))
        dsn = stack.enter_context(scratch_database(request.getfixturevalue("postgres_dsn")))
        settings.update(DESTINATION__POSTGRES__CREDENTIALS=dsn, FLEET__PROCESSES="2")
        env = script_env(tmp_path / "dlt", **settings)
        result = run_script("ploomes", argv, env)

        assert result.returncode == 0, result.stderr
        finished = events(result.stdout, "account")
        assert {e["status"] for e in finished.values()} == {"done"}
        assert len({e["process"] for e in finished.values()}) == 2, finished  # this process and one worker
        warehouse = Warehouse("postgres", "", postgres_dsn=dsn)
        for name, sim in sims.items():
            assert contact_ids(warehouse, f"ploomes_{name}") == sorted(c["Id"] for c in sim.records("/Contacts"))

        # Again from scratch, the worker's account (beta) slowly: SIGTERM once this process's own accounts are done
        # and it only waits for the worker, which is reading. The worker stops, loading what it read.
        sims["beta"].latency.settings = LatencySettings(per_request=0.3)
        for sim in sims.values():
            sim.request_log.clear()
        command = [sys.executable, "pipelines/ploomes_pipeline.py", *argv, "--full-refresh"]
        fleet = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(fleet.stdout), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        while not ({"acme", "gamma"} <= set(events("".join(lines), "account")) and sims["beta"].request_log.count()):
            assert fleet.poll() is None and time.monotonic() < deadline, "the fleet never got there"
            time.sleep(0.05)
        fleet.send_signal(signal.SIGTERM)
        fleet.wait(timeout=120)
        reader.join(timeout=10)
        stderr = fleet.stderr.read()

    assert fleet.returncode == 128 + signal.SIGTERM, stderr
    assert stderr.count("SIGTERM: stopping") == 1, stderr  # said once, by the process that got it
    stopped = {name: event["status"] for name, event in events("".join(lines), "account").items()}
    assert stopped == {"acme": "done", "gamma": "done", "beta": "stopped"}, stopped
    assert not processes_with(str(tmp_path / "dlt")), "a worker outlived its fleet"


@contextmanager
def accounts_in_env(monkeypatch, settings: dict[str, str]) -> Iterator[None]:
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    yield


def options(tmp_path: Path, **overrides) -> RunOptions:
    return RunOptions(
        duckdb_path=tmp_path / "w.duckdb",
        pipelines_dir=str(tmp_path / "pipelines"),
        progress=False,
        analytics=False,
        **{"tables": TABLES.split(","), **overrides},
    )


def test_one_account_loads_alone_with_its_settings_over_the_systems(tmp_path, monkeypatch):
    with account_simulators({"beta": ACCOUNTS["beta"], "acme": ACCOUNTS["acme"]}) as (settings, sims):
        settings["SOURCES__PLOOMES__ACCOUNTS__BETA__PAGE_SIZE"] = "50"  # the system's is 300
        with accounts_in_env(monkeypatch, settings):
            assert ploomes_pipeline.run(options(tmp_path, account="beta")) == 0
    warehouse = Warehouse("duckdb", "", duckdb_path=tmp_path / "w.duckdb")
    assert contact_ids(warehouse, "ploomes_beta") == sorted(c["Id"] for c in sims["beta"].records("/Contacts"))
    assert {"ploomes", "ploomes_acme"}.isdisjoint(schemas(warehouse))
    tops = [
        int(re.search(r"\$top=(\d+)", entry.query)[1]) for entry in sims["beta"].request_log.entries(path="/Contacts")
    ]
    assert max(tops) == 50, tops  # pages of the account's size (a range's first request may ask for fewer)
    assert (tmp_path / "pipelines" / "ploomes_beta").is_dir()


def test_an_account_already_loading_is_left_to_its_run_and_the_others_load(tmp_path, monkeypatch, capsys):
    accounts = {"acme": ACCOUNTS["acme"], "gamma": ACCOUNTS["gamma"]}
    with ExitStack() as stack:
        settings, sims = stack.enter_context(account_simulators(accounts))
        stack.enter_context(accounts_in_env(monkeypatch, settings))
        with one_run_at_a_time(tmp_path / "pipelines", "ploomes_gamma"):
            assert ploomes_pipeline.run(options(tmp_path, all_accounts=True)) == EXIT_ALREADY_RUNNING
    out, err = capsys.readouterr()
    warehouse = Warehouse("duckdb", "", duckdb_path=tmp_path / "w.duckdb")
    assert contact_ids(warehouse, "ploomes_acme") == sorted(c["Id"] for c in sims["acme"].records("/Contacts"))
    assert "ploomes_gamma" not in schemas(warehouse)
    holder = f"(pid {os.getpid()} on {socket.gethostname()}"
    assert f"error: gamma: pipeline ploomes_gamma is already running {holder}" in err
    assert any(line.split()[:3] == ["gamma", "already", "running"] for line in out.splitlines()), out


def test_a_hivestr_account_loads_into_its_dataset(tmp_path, monkeypatch, hivestr_sim):
    settings = {
        "SOURCES__HIVESTR__ACCOUNTS__NORTE__API_KEY": hivestr_sim.api_key,
        "SOURCES__HIVESTR__ACCOUNTS__NORTE__API_SECRET": hivestr_sim.api_secret,
        "SOURCES__HIVESTR__ACCOUNTS__NORTE__BASE_URL": hivestr_sim.base_url,
        "SOURCES__HIVESTR__ACCOUNTS__NORTE__REQUESTS_PER_HOUR": "1000000",
    }
    with accounts_in_env(monkeypatch, settings):
        run = options(tmp_path, account="norte", tables=["clients"])
        assert hivestr_pipeline.run(run) == 0
    warehouse = Warehouse("duckdb", "", duckdb_path=tmp_path / "w.duckdb")
    loaded = warehouse.query("select id from hivestr_norte.clients order by id")
    assert [row["id"] for row in loaded] == sorted(c["id"] for c in hivestr_sim.records("clients"))


@pytest.mark.parametrize(
    ("argv", "settings", "expected"),
    [
        (["--account", "nope"], {}, "no account 'nope': add a [sources.ploomes.accounts.nope] section"),
        (
            ["--account", "acme"],
            {"SOURCES__PLOOMES__ACCOUNTS__ACME__BASE_URL": "https://example.invalid"},
            "missing setting sources.ploomes.accounts.acme.api_key: each account gives its own credentials",
        ),
        (
            ["--all-accounts"],
            {"SOURCES__PLOOMES__ACCOUNTS__ACME__API_KEY": "k", "SOURCES__PLOOMES__ACCOUNTS__ACME__PAGESIZE": "9"},
            "unknown setting(s) sources.ploomes.accounts.acme.pagesize; settings: api_key, base_url",
        ),
        (
            ["--account", "acme"],
            {"SOURCES__PLOOMES__ACCOUNTS__ACME__API_KEY": "k", "SOURCES__PLOOMES__ACCOUNTS__ACME__PAGE_SIZE": "x"},
            "setting sources.ploomes.accounts.acme.page_size is 'x', which cannot be read as int",
        ),
        (["--all-accounts"], {}, "--all-accounts: no account is configured; add [sources.ploomes.accounts.<name>]"),
        (["--account", "acme", "--all-accounts"], {}, "not allowed with argument"),
    ],
    ids=["unknown-account", "no-key", "unknown-setting", "uncoercible", "no-accounts", "both-options"],
)
def test_a_misconfigured_account_gets_one_line_naming_the_setting(argv, settings, expected, monkeypatch, capsys):
    for name in [name for name in os.environ if name.startswith("SOURCES__PLOOMES__ACCOUNTS__")]:
        monkeypatch.delenv(name)
    with accounts_in_env(monkeypatch, settings):
        try:
            code = ploomes_pipeline.main(argv)
        except SystemExit as exit:  # argparse's own complaint
            code = exit.code
    assert code == EXIT_USAGE
    err = capsys.readouterr().err
    assert expected in err, err
    assert err.count("\n") == 1 or "usage:" in err


def test_into_duckdb_the_worker_processes_take_turns_on_the_file_for_loads_and_marts(tmp_path):
    """dlt's openings of the file go through its turn (pipelines/duckdb_turns.py), dbt's build through its own."""
    accounts = {"acme": ACCOUNTS["acme"], "beta": ACCOUNTS["beta"]}
    with account_simulators(accounts) as (settings, sims):
        warehouse = Warehouse("duckdb", "", duckdb_path=tmp_path / "w.duckdb")
        argv = ["--all-accounts", "--tables", TABLES, "--log-format", "json"]
        argv += ["--duckdb-path", str(warehouse.duckdb_path)]
        env = script_env(tmp_path / "dlt", FLEET__PROCESSES="2", ANALYTICS__ENABLED="true", **settings)
        result = run_script("ploomes", argv, env)

        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # a scheduled run's log: no warning from the worker's dbt or its exit
        finished = events(result.stdout, "account")
        assert len({e["process"] for e in finished.values()}) == 2, finished
        for name, sim in sims.items():
            assert contact_ids(warehouse, f"ploomes_{name}") == sorted(c["Id"] for c in sim.records("/Contacts"))
            health = warehouse.query(
                f"select table_name, live_rows from ploomes_{name}_analytics.ploomes__sync_health "
                "where table_name in ('contacts', 'deals') order by table_name"
            )
            expected = [("contacts", len(list(sim.records("/Contacts")))), ("deals", len(list(sim.records("/Deals"))))]
            assert [(row["table_name"], row["live_rows"]) for row in health] == expected
