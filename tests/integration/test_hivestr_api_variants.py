"""The Hivestr reader against API behaviours its docs leave open, each a simulator switch (HivestrConfig): whatever
the switch, the warehouse ends equal to the simulator, within a deadline, or the one table that cannot be read
fails with one clear line while the run still ends."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest

from pipelines import hivestr_pipeline
from pipelines.common import make_pipeline
from sources.deletions import LoadedRows
from sources.hivestr import hivestr
from sources.http import ManualClock
from tests.integration.compare import assert_hivestr_matches
from tests.integration.conftest import hivestr_settings, run_options

DEADLINE_SECONDS = 120  # a safety net against a listing that never ends, not a speed check
DAY = 86400.0


@pytest.fixture
def destination() -> str:
    return "duckdb"  # what is tested happens before the load: one destination is enough


def within(run: Callable[..., Any], **kwargs: Any) -> Any:
    """run(**kwargs), failing the test if it has not returned after DEADLINE_SECONDS."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = run(**kwargs)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE_SECONDS)
    assert not thread.is_alive(), f"the run had not ended after {DEADLINE_SECONDS} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# --- a change to a child does not move its parent ----------------------------------------------------------------
# parent table -> (the simulator's entity of its parents, a request that reads one parent's children)
CHILD_READS = {
    "clients": ("clients", re.compile(r"/api/v1/public/clients/([^/]+)/notes")),
    "inventory": ("inventory", re.compile(r"/api/v1/public/inventory/(?!list$)([^/]+)")),
    "proposals": ("proposals", re.compile(r"/api/v1/public/proposals/([^/]+)")),
    "pipeline_deals": ("deals", re.compile(r"/api/v1/public/pipeline/deals/([^/]+)/tasks")),
}


def parents_with_children_requests(sim) -> dict[str, set[str]]:
    """Per parent table, the ids of the parents whose children take a request (only TV and radio have schedules)."""
    return {
        table: {r["id"] for r in sim.records(entity) if entity != "inventory" or r["media_type"] in ("TV", "RADIO")}
        for table, (entity, _) in CHILD_READS.items()
    }


def children_read(sim) -> dict[str, set[str]]:
    """Per parent table, the parents whose children the requests logged since the last clear read."""
    paths = [entry.path for entry in sim.request_log.entries(status=200)]
    return {
        table: {match[1] for match in map(pattern.fullmatch, paths) if match}
        for table, (_, pattern) in CHILD_READS.items()
    }


def change_children_only(sim) -> None:
    """A note added, one edited, one deleted, a schedule renamed, a task renamed, a proposal item's note changed."""
    notes = list(sim.records("notes"))
    client = next(c["id"] for c in sim.records("clients") if c["id"] not in {n["client_id"] for n in notes})
    sim.insert("notes", {"client_id": client, "content": "Pediu retorno", "note_type": "follow_up"})
    sim.update("notes", notes[0]["id"], {"content": "Conteúdo revisto"})
    sim.delete("notes", notes[-1]["id"])
    schedule = next(iter(sim.records("media_schedules")))
    sim.update("media_schedules", schedule["id"], {"program_name": "Jornal da Tarde"})
    task = next(iter(sim.records("tasks")))
    sim.update("tasks", task["id"], {"title": "Retornar ligação"})
    item = next(iter(sim.records("proposal_items")))
    sim.update("proposal_items", item["id"], {"notes": "Entrega em duas fases"})


@pytest.mark.parametrize("hivestr_config", [{"scale": 60, "parent_updated_at_ignores_children": True}])
def test_children_changed_behind_their_parents_are_read_within_the_max_age_spread_over_the_runs(
    run_hivestr, hivestr_sim, warehouse
):
    clock = ManualClock(datetime.now(timezone.utc))
    within(run_hivestr, source={"clock": clock})
    parents = parents_with_children_requests(hivestr_sim)
    listed_before = {entity: list(hivestr_sim.records(entity)) for entity, _ in CHILD_READS.values()}
    change_children_only(hivestr_sim)
    # the precondition: no parent's row shows the changes
    assert {entity: list(hivestr_sim.records(entity)) for entity in listed_before} == listed_before

    every, max_age = 2, 7  # a run every 2 days, children at most 7 days old
    reread: dict[str, set[str]] = {table: set() for table in parents}
    for run in range(1, 5):
        clock.advance(every * DAY)
        hivestr_sim.request_log.clear()
        within(run_hivestr, source={"clock": clock, "children_max_age_days": max_age})
        for table, read in children_read(hivestr_sim).items():
            # the share of the period that 2 days are, in every run: never the whole table at once
            share = len(parents[table]) * every / max_age
            assert len(read) == math.floor(share * run) - math.floor(share * (run - 1)), (table, run)
            reread[table] |= read

    assert reread == parents  # 8 days: every parent's children read again
    assert_hivestr_matches(warehouse, hivestr_sim)


# --- the list order changes between runs ---------------------------------------------------------------------------
@pytest.mark.parametrize("hivestr_config", [{"lists_recently_changed_first": True}])
def test_a_listing_interrupted_then_reordered_loses_no_row(run_hivestr, hivestr_sim, warehouse, tmp_path):
    pipeline = make_pipeline("hivestr", run_options(warehouse, tmp_path / "pipelines"))
    clients = [c["id"] for c in hivestr_sim.records("clients")]
    # a checkpoint within page 2 of 2: the notes of 110 clients of 120 read, the table stops there
    source = hivestr(
        tables=["clients"], max_details_per_run=110, warehouse=LoadedRows(pipeline), **hivestr_settings(hivestr_sim)
    )
    within(pipeline.run, data=source)
    unfinished = set(clients) - {row["id"] for row in warehouse.rows("clients")}
    assert len(clients) == 120 and len(unfinished) == 10
    for client_id in unfinished:  # changed meanwhile: they move to the front of the list, onto page 1
        hivestr_sim.update("clients", client_id, {"position": "Diretora"})

    within(run_hivestr)

    assert_hivestr_matches(warehouse, hivestr_sim)


# --- lists that page otherwise than documented ----------------------------------------------------------------------
LIST_PATHS = {
    "inventory": "/api/v1/public/inventory/list",
    "clients": "/api/v1/public/clients",
    "proposals": "/api/v1/public/proposals",
    "deals": "/api/v1/public/pipeline/deals",
}


@pytest.mark.parametrize(
    "hivestr_config",
    [{"omit_pagination": True}, {"limit_cap": 40}, {"limit_cap": 40, "omit_pagination": True}],
    ids=["no-pagination", "limit-capped-at-40", "limit-capped-at-40-no-pagination"],
)
def test_lists_capped_below_100_rows_or_without_pagination_lose_no_row(
    run_hivestr, hivestr_sim, warehouse, hivestr_config
):
    within(run_hivestr)

    assert_hivestr_matches(warehouse, hivestr_sim)
    served = hivestr_config.get("limit_cap", 100)
    for entity, path in LIST_PATHS.items():
        pages = math.ceil(len(list(hivestr_sim.records(entity))) / served)
        # without `pagination`, a list ends with an empty page: one request more
        expected = pages + 1 if hivestr_config.get("omit_pagination") else max(pages, 1)
        assert hivestr_sim.request_log.count(path=path) == expected, entity


@pytest.mark.parametrize("hivestr_config", [{"lists_ignoring_page": ("clients",)}])
def test_a_list_ignoring_page_fails_with_one_line_naming_it_and_the_run_ends(
    hivestr_sim, tmp_path, monkeypatch, capsys
):
    assert len(list(hivestr_sim.records("clients"))) > 100  # the precondition: more than one page
    monkeypatch.setenv("SOURCES__HIVESTR__API_KEY", hivestr_sim.api_key)
    monkeypatch.setenv("SOURCES__HIVESTR__API_SECRET", hivestr_sim.api_secret)
    monkeypatch.setenv("SOURCES__HIVESTR__BASE_URL", hivestr_sim.base_url)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path))  # keep the pipeline out of ~/.dlt

    code = within(hivestr_pipeline.main, argv=["--duckdb-path", str(tmp_path / "w.duckdb")])

    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert code == 1
    assert len(errors) == 1 and "GET /public/clients: page 2 repeats rows of earlier pages" in errors[0]
    assert hivestr_sim.request_log.count(path="/api/v1/public/clients") == 2  # no loop: the first repeat stops it


# --- the deals list hides lost cards --------------------------------------------------------------------------------
@pytest.mark.parametrize("hivestr_config", [{"hide_lost_deals": True}])
def test_lost_deals_the_list_hides_are_loaded_with_their_tasks_and_so_is_a_deal_lost_later(
    run_hivestr, hivestr_sim, warehouse
):
    assert any(d["pipeline_stage"] == "Perdido" for d in hivestr_sim.records("deals"))  # the precondition
    within(run_hivestr)
    assert_hivestr_matches(warehouse, hivestr_sim)

    tasked = {t["deal_id"] for t in hivestr_sim.records("tasks")}
    deal = next(d for d in hivestr_sim.records("deals") if d["pipeline_stage"] == "Negociação" and d["id"] in tasked)
    hivestr_sim.update("deals", deal["id"], {"pipeline_stage": "Perdido", "lost_reason": "Escolheu concorrente"})
    within(run_hivestr)

    assert_hivestr_matches(warehouse, hivestr_sim)
    marked = warehouse.query(f"select id from {warehouse.dataset}.pipeline_deals where _deleted_at is not null")
    assert marked == []  # hidden is not deleted
