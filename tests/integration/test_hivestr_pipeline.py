"""The Hivestr pipeline over loopback HTTP against the simulator, into real DuckDB and Postgres."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import pytest

from pipelines import hivestr_pipeline
from simulators.core import LatencySettings
from tests.integration.compare import HIVESTR_TABLES as TABLES
from tests.integration.compare import assert_hivestr_matches
from tests.integration.compare import assert_hivestr_table_matches as assert_table_matches

# What requests a run makes, and how it renews tokens and waits out the budget, happen before the load step: they do
# not depend on the destination, so DuckDB suffices for them.
SOURCE_ONLY = pytest.mark.parametrize("destination", ["duckdb"])


def test_full_load_matches_the_simulator_table_by_table(run_hivestr, hivestr_sim, warehouse):
    report = run_hivestr()
    assert not report.skipped and report.resume_at is None
    assert_hivestr_matches(warehouse, hivestr_sim)
    assert warehouse.columns("proposals")["campaign_start_date"] == "date"
    assert warehouse.columns("proposals")["final_value"] == "bigint"
    deals = {d["id"]: d for d in hivestr_sim.records("deals")}
    for row in warehouse.rows("pipeline_deals"):
        assert row["tasks_total"] == deals[row["id"]]["tasks_summary"]["total"]


@SOURCE_ONLY
def test_a_run_with_no_changes_makes_list_page_requests_only(run_hivestr, hivestr_sim, warehouse):
    run_hivestr()
    hivestr_sim.request_log.clear()
    report = run_hivestr()
    # one token, every list page, the reminders snapshot: no detail or child request
    assert hivestr_sim.request_log.count() == 1 + _list_pages(hivestr_sim) + 1
    assert sum(t.rows for name, t in report.tables.items() if name != "pipeline_reminders") == 0


def test_tasks_falling_due_update_the_deal_rows_without_reading_their_tasks(run_hivestr, hivestr_sim, warehouse):
    run_hivestr()
    summaries_before = {d["id"]: d["tasks_summary"] for d in hivestr_sim.records("deals")}
    hivestr_sim.config.clock.advance(30 * 24 * 3600)
    moved = {d["id"] for d in hivestr_sim.records("deals") if d["tasks_summary"] != summaries_before[d["id"]]}
    assert len(moved) >= 3  # the precondition: a month later, summaries read differently
    hivestr_sim.request_log.clear()

    run_hivestr()

    assert hivestr_sim.request_log.count() == 1 + _list_pages(hivestr_sim) + 1  # no deal's tasks read again
    assert_table_matches(warehouse, hivestr_sim, "pipeline_deals")  # tasks_overdue, _due_soon, _next_due_at
    assert_table_matches(warehouse, hivestr_sim, "pipeline_deal_tasks")
    # a due date moved is a change, whatever the clock: that deal's tasks are read, and only its
    task = next(t for t in hivestr_sim.records("tasks") if t["due_at"] and not t["is_completed"])
    hivestr_sim.update("tasks", task["id"], {"due_at": "2030-01-01T12:00:00Z"})
    hivestr_sim.request_log.clear()

    run_hivestr()

    task_reads = [e.path for e in hivestr_sim.request_log.entries() if e.path.endswith("/tasks")]
    assert task_reads == [f"/api/v1/public/pipeline/deals/{task['deal_id']}/tasks"]
    assert_table_matches(warehouse, hivestr_sim, "pipeline_deal_tasks")
    got = warehouse.query(f"select due_at from {warehouse.dataset}.pipeline_deal_tasks where id = '{task['id']}'")
    assert [str(row["due_at"])[:16] for row in got] == ["2030-01-01 12:00"]


def _list_pages(sim) -> int:
    return sum(-(-len(list(sim.records(e))) // 100) for e in ("inventory", "clients", "proposals", "deals"))


def test_changed_items_deleted_task_and_new_note_are_reflected(run_hivestr, hivestr_sim, warehouse):
    run_hivestr()
    proposal = next(p for p in hivestr_sim.records("proposals") if p["status"] not in ("approved", "rejected"))
    items = [i for i in hivestr_sim.records("proposal_items") if i["proposal_id"] == proposal["id"]]
    keep = {k: items[0][k] for k in ("vehicle_id", "quantity", "unit_price", "final_price", "is_bonus")}
    hivestr_sim.update("proposals", proposal["id"], {"items": [keep]})
    task = next(iter(hivestr_sim.records("tasks")))
    hivestr_sim.delete("tasks", task["id"])
    client = next(iter(hivestr_sim.records("clients")))
    note = hivestr_sim.insert("notes", {"client_id": client["id"], "content": "Pediu retorno", "note_type": "note"})
    run_hivestr()
    for table in ("proposal_items", "pipeline_deal_tasks", "client_notes", "proposals"):
        assert_table_matches(warehouse, hivestr_sim, table)
    got = warehouse.query(
        f"select proposal_id from {warehouse.dataset}.proposal_items where proposal_id = '{proposal['id']}'"
    )
    assert len(got) == 1
    assert not warehouse.query(f"select id from {warehouse.dataset}.pipeline_deal_tasks where id = '{task['id']}'")
    assert warehouse.query(f"select content from {warehouse.dataset}.client_notes where id = '{note['id']}'")


@SOURCE_ONLY
@pytest.mark.parametrize("hivestr_config", [{"token_ttl_seconds": 1.5, "clock": time.time}])
def test_a_token_expiring_mid_run_is_renewed_without_losing_a_page(run_hivestr, hivestr_sim, warehouse):
    hivestr_sim.latency.settings = LatencySettings(per_request=0.02)
    run_hivestr(source={"token_renew_margin_seconds": 0})
    tokens = hivestr_sim.request_log.count(path="/api/v1/auth/token")
    assert tokens >= 2  # the run outlived its first token
    for table in TABLES:
        assert_table_matches(warehouse, hivestr_sim, table)


@SOURCE_ONLY
def test_a_token_revoked_mid_run_is_renewed_once_on_401(run_hivestr, hivestr_sim, warehouse):
    hivestr_sim.latency.settings = LatencySettings(per_request=0.01)
    stop = threading.Event()

    def revoke_after_a_few_pages():
        # once the run has read pages with its token (not after a guessed delay: a busy machine starts late)
        while not stop.wait(0.005):
            if hivestr_sim.request_log.count(status=200) >= 4:
                hivestr_sim.revoke_tokens()
                return

    revoker = threading.Thread(target=revoke_after_a_few_pages)
    revoker.start()
    try:
        run_hivestr()
    finally:
        stop.set()
        revoker.join()
    assert hivestr_sim.request_log.count(status=401) >= 1
    for table in TABLES:
        assert_table_matches(warehouse, hivestr_sim, table)


# 60 requests a window: a first load of 30 clients takes a few windows. The simulator's clock moves only when the
# test says, so a slow machine cannot let a window pass in the middle of a run.
@SOURCE_ONLY
@pytest.mark.parametrize("hivestr_config", [{"scale": 30, "requests_per_hour": 60, "rate_window_seconds": 1}])
def test_an_exhausted_budget_stops_cleanly_and_the_next_run_completes(run_hivestr, hivestr_sim, warehouse):
    report = run_hivestr(source={"requests_per_hour": 1_000_000, "max_budget_wait_seconds": 0})
    assert report.resume_at is not None  # stopped for the budget, with a time to resume
    loaded_before = {t: warehouse.count(t) for t in ("clients",) if "clients" in warehouse.tables()}
    runs = 0
    while report.resume_at is not None and runs <= 30:
        hivestr_sim.config.clock.advance(1)  # the simulator's budget window
        # the connector keeps the reset time the API gave, on its own clock: a run before it sends nothing
        time.sleep(max(0.0, (report.resume_at - datetime.now(timezone.utc)).total_seconds()))
        report = run_hivestr(source={"requests_per_hour": 1_000_000, "max_budget_wait_seconds": 0})
        runs += 1
    assert report.resume_at is None
    for table in TABLES:
        assert_table_matches(warehouse, hivestr_sim, table)
    assert loaded_before.get("clients", 0) <= warehouse.count("clients")


def test_exit_code_and_summary_when_the_budget_ran_out(hivestr_sim, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCES__HIVESTR__API_KEY", hivestr_sim.api_key)
    monkeypatch.setenv("SOURCES__HIVESTR__API_SECRET", hivestr_sim.api_secret)
    monkeypatch.setenv("SOURCES__HIVESTR__BASE_URL", hivestr_sim.base_url)
    monkeypatch.setenv("SOURCES__HIVESTR__MAX_BUDGET_WAIT_SECONDS", "0")
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path))  # keep the pipeline out of ~/.dlt
    hivestr_sim.faults.inject("rate_limited", count=10_000, retry_after=3600)
    code = hivestr_pipeline.main(["--duckdb-path", str(tmp_path / "w.duckdb")])
    out = capsys.readouterr()
    assert code == 75
    assert "Run again after" in out.out + out.err
    assert hivestr_sim.api_secret not in out.out + out.err
