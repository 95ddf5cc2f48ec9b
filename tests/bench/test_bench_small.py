"""`python -m bench --size small` keeps working: every scenario runs and its figures are the simulator's truth.

No speed is asserted here (benchmarks are not tests); the targets are judged by the full-size run.
"""

from __future__ import annotations

import json
import os

import pytest

from bench.__main__ import main
from bench.scenarios import SCENARIOS, tokens_needed

pytestmark = pytest.mark.postgres  # scenario 4 loads into Postgres too


@pytest.fixture(scope="module")
def results(tmp_path_factory, postgres_dsn) -> dict:
    out = tmp_path_factory.mktemp("bench") / "small.json"
    assert main(["--size", "small", "--out", str(out)]) == 0
    return json.loads(out.read_text())


def test_every_scenario_is_judged(results):
    assert list(results["scenarios"]) == list(SCENARIOS)
    for figures in results["scenarios"].values():
        assert figures["target"] and isinstance(figures["met"], bool)
    assert results["machine_before"]["nproc"] >= 1


@pytest.mark.parametrize("scenario", ["first_load", "large_table"])
def test_paced_loads_read_every_row_with_at_least_the_minimum(results, scenario):
    figures = results["scenarios"][scenario]
    assert figures["rows_loaded"] == figures["rows_in_account"] > 0
    assert figures["requests"] >= figures["requests_minimum"] > 0
    assert figures["by_status"] == {"200": figures["requests"]}
    assert figures["bound_seconds"] > 0 and figures["bound_over_wall"] == pytest.approx(
        figures["bound_seconds"] / figures["wall_seconds"]
    )


def test_incremental_runs_read_only_what_changed(results):
    figures = results["scenarios"]["incremental"]
    unchanged, changed = figures["no_change"], figures["one_percent"]
    assert unchanged["rows_changed"] == 0 < changed["rows_changed"]
    assert changed["rows_returned"] - unchanged["rows_returned"] == changed["rows_changed"]
    for run in (unchanged, changed):
        assert run["requests"] >= run["requests_minimum"] > run["metadata_requests"] > 0


def test_local_speed_compares_the_same_rows(results):
    figures = results["scenarios"]["local_speed"]
    for destination in ("duckdb", "postgres", "postgres_live"):
        ours, theirs = figures[f"ploomes_{destination}"], figures[f"rest_api_{destination}"]
        assert ours["rows"] == ours["rows_in_account"] == theirs["rows"] == theirs["rows_in_account"]
        assert ours["rows_per_second"] > 0 and theirs["rows_per_second"] > 0
    for destination in ("duckdb", "postgres"):  # each round's ratio pairs the runs made back to back
        ours, theirs = (figures[f"{c}_{destination}"]["runs_rows_per_second"] for c in ("ploomes", "rest_api"))
        assert figures[f"speedups_{destination}"] == [a / b for a, b in zip(ours, theirs, strict=True)]
        assert figures[f"speedup_{destination}"] in figures[f"speedups_{destination}"]


def test_memory_runs_are_separate_processes_of_growing_size(results):
    figures = results["scenarios"]["memory"]
    assert figures["larger"]["rows"] > figures["smaller"]["rows"] > 0
    assert figures["smaller"]["peak_memory_mb"] > 50  # a real process: Python, dlt and DuckDB loaded


def test_hivestr_reads_at_least_the_minimum(results):
    figures = results["scenarios"]["hivestr_budget"]
    first, again = figures["first_load"], figures["no_change"]
    for run in (first, again):
        assert run["requests"] == run["data_requests"] + run["token_requests"] + run["refused_429"]
        assert run["data_requests"] >= run["data_minimum"] and run["token_requests"] >= run["tokens_minimum"] >= 1
    # a no-change run needs the lists and the reminders, plus the staleness bound's share of children, counted apart
    assert again["lists_minimum"] == first["minimum_by_kind"]["lists"] + 1
    assert again["data_minimum"] == again["lists_minimum"] + again["children_refreshed"]
    assert 0 <= again["children_refreshed"] <= again["refresh_share_at_most"]
    assert first["data_minimum"] == sum(first["minimum_by_kind"].values())
    assert not first["stopped_for_budget"]


@pytest.mark.parametrize(
    ("times", "needed"),
    [
        ([], 0),
        ([0.0, 1.0, 59.0], 1),  # all within the first token's life
        ([0.0, 60.0], 2),  # the first token has expired at 60
        ([0.0, 30.0, 70.0, 95.0, 130.0], 3),  # a new token at 70 lives to 130
        ([5.0, 0.0], 1),  # the log's order does not matter
    ],
)
def test_the_tokens_minimum_comes_from_when_requests_were_made_not_from_how_long_the_run_lasted(times, needed):
    assert tokens_needed(times, lifetime=60.0) == needed


def test_the_analytics_refresh_builds_every_model_it_times(results):
    figures = results["scenarios"]["analytics_refresh"]
    runs = {key: run for key, run in figures.items() if isinstance(run, dict)}
    assert runs, figures
    for run in runs.values():
        assert run["rows_loaded"] > 0 and run["first_build"]["seconds"] > 0
        assert run["first_build"]["counts"]["models"] > 0 and not run["first_build"]["failures"]


@pytest.mark.parametrize("destination", ["duckdb", "postgres"])
def test_the_fleet_loads_every_account_and_times_the_slowest_alone(results, destination):
    figures = results["scenarios"]["fleet"]["by_destination"][destination]
    accounts = figures["by_account"]
    assert len(accounts) == results["scenarios"]["fleet"]["accounts"] > 1
    assert {account["status"] for account in accounts.values()} == {"done"}
    assert figures["fleet_rows"] == sum(account["rows"] for account in accounts.values()) > 0
    assert figures["slowest_account"] in accounts and figures["slowest_alone_seconds"] > 0
    # the accounts are dealt to a process a core (into DuckDB taking turns on the file)
    processes = min(len(os.sched_getaffinity(0)), len(accounts))
    assert figures["processes"] == len({account["process"] for account in accounts.values()}) == processes


def test_the_erp_asks_once_per_cpf_cnpj_and_a_quiet_run_only_its_lists(results):
    figures = results["scenarios"]["erp_lookups"]
    assert figures["registers_looked_up"] > figures["clients_found"] > 0
    assert figures["requests"] == figures["requests_minimum"]
    assert figures["quiet_requests"] == figures["quiet_requests_minimum"] == 7
