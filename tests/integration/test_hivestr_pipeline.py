"""The Hivestr pipeline over loopback HTTP against the simulator, into real DuckDB and Postgres."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid

import pytest

from pipelines import hivestr_pipeline
from simulators.core import LatencySettings
from tests.integration.conftest import Runner, hivestr_settings, make_runner

# warehouse table -> the simulator's entity
TABLES = {
    "inventory": "inventory",
    "inventory_media_schedules": "media_schedules",
    "clients": "clients",
    "client_notes": "notes",
    "proposals": "proposals",
    "proposal_items": "proposal_items",
    "pipeline_deals": "deals",
    "pipeline_deal_tasks": "tasks",
}


@pytest.fixture
def hivestr_config() -> dict:
    """Extra HivestrConfig settings; a test overrides it with @pytest.mark.parametrize("hivestr_config", [...])."""
    return {}


@pytest.fixture
def hivestr_sim(hivestr_config):
    from simulators.hivestr import HivestrConfig, HivestrSimulator

    key, secret = f"hvstr_{uuid.uuid4().hex[:12]}", f"secret-{uuid.uuid4().hex}"
    settings = {"scale": 120, "seed": 5, "credentials": ((key, secret),), "requests_per_hour": None}
    sim = HivestrSimulator(HivestrConfig(**{**settings, **hivestr_config}))
    with sim.serve() as base_url:
        sim.base_url = base_url  # already ends in /api/v1
        yield sim


@pytest.fixture
def run_hivestr(warehouse, hivestr_sim, tmp_path) -> Runner:
    """Run pipelines/hivestr_pipeline.py's run() against the simulator, into dataset hivestr[_<suffix>]."""
    warehouse.dataset = warehouse.dataset.replace("ploomes", "hivestr")
    return make_runner(hivestr_pipeline, warehouse, tmp_path / "pipelines", hivestr_settings(hivestr_sim))


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _normal(value):
    if isinstance(value, str) and DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and DATETIME.fullmatch(value):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def assert_table_matches(warehouse, sim, table: str) -> None:
    truth = list(sim.records(TABLES[table]))
    rows = {row["id"]: row for row in warehouse.rows(table)} if truth else {}
    assert sorted(rows) == sorted(r["id"] for r in truth), table
    for record in truth:
        row = rows[record["id"]]
        for key, value in record.items():
            if isinstance(value, (list, dict)) or key not in row:
                # nested objects become named columns (client -> client_id); a never-filled column may be absent
                assert isinstance(value, (list, dict)) or value is None or key in row, f"{table}.{key} missing"
                continue
            assert _normal(row[key]) == _normal(value), f"{table}.{key} id={record['id']}"


def test_full_load_matches_the_simulator_table_by_table(run_hivestr, hivestr_sim, warehouse):
    report = run_hivestr()
    assert not report.skipped and report.resume_at is None
    for table in TABLES:
        assert_table_matches(warehouse, hivestr_sim, table)
    assert warehouse.columns("proposals")["campaign_start_date"] == "date"
    assert warehouse.columns("proposals")["final_value"] == "bigint"
    deals = {d["id"]: d for d in hivestr_sim.records("deals")}
    for row in warehouse.rows("pipeline_deals"):
        assert row["tasks_total"] == deals[row["id"]]["tasks_summary"]["total"]


def test_a_run_with_no_changes_makes_list_page_requests_only(run_hivestr, hivestr_sim, warehouse):
    run_hivestr()
    hivestr_sim.request_log.clear()
    report = run_hivestr()
    list_pages = sum(
        -(-len(list(hivestr_sim.records(e))) // 100) for e in ("inventory", "clients", "proposals", "deals")
    )
    # one token, every list page, the reminders snapshot: no detail or child request
    assert hivestr_sim.request_log.count() == 1 + list_pages + 1
    assert sum(t.rows for name, t in report.tables.items() if name != "pipeline_reminders") == 0


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


@pytest.mark.parametrize("hivestr_config", [{"token_ttl_seconds": 1.5}])
def test_a_token_expiring_mid_run_is_renewed_without_losing_a_page(run_hivestr, hivestr_sim, warehouse):
    hivestr_sim.latency.settings = LatencySettings(per_request=0.02)
    run_hivestr(source={"token_renew_margin_seconds": 0})
    tokens = hivestr_sim.request_log.count(path="/api/v1/auth/token")
    assert tokens >= 2  # the run outlived its first token
    for table in TABLES:
        assert_table_matches(warehouse, hivestr_sim, table)


def test_a_token_revoked_mid_run_is_renewed_once_on_401(run_hivestr, hivestr_sim, warehouse):
    hivestr_sim.latency.settings = LatencySettings(per_request=0.01)
    stop = threading.Event()

    def revoke_soon():
        time.sleep(0.3)
        if not stop.is_set():
            hivestr_sim.revoke_tokens()

    revoker = threading.Thread(target=revoke_soon)
    revoker.start()
    try:
        run_hivestr()
    finally:
        stop.set()
        revoker.join()
    assert hivestr_sim.request_log.count(status=401) >= 1
    for table in TABLES:
        assert_table_matches(warehouse, hivestr_sim, table)


@pytest.mark.parametrize("hivestr_config", [{"requests_per_hour": 60, "rate_window_seconds": 3}])
def test_an_exhausted_budget_stops_cleanly_and_the_next_run_completes(run_hivestr, hivestr_sim, warehouse):
    first = run_hivestr(source={"requests_per_hour": 1_000_000, "max_budget_wait_seconds": 0})
    assert first.resume_at is not None  # stopped for the budget, with a time to resume
    loaded_before = {t: warehouse.count(t) for t in ("clients",) if "clients" in warehouse.tables()}
    runs = 0
    while True:
        time.sleep(3.1)  # the simulator's budget window
        report = run_hivestr(source={"requests_per_hour": 1_000_000, "max_budget_wait_seconds": 0})
        runs += 1
        if report.resume_at is None or runs > 30:
            break
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
