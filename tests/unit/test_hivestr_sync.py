"""The Hivestr pipeline end to end, in process: the fake API through httpx.MockTransport, a real DuckDB file."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from pipelines import hivestr_pipeline
from pipelines.common import RunOptions
from pipelines.stopping import EXIT_BUDGET_EXHAUSTED
from sources.http import ManualClock
from sources.report import SyncReport
from tests.unit.test_hivestr_fake import API_SECRET, BASE_URL, FakeHivestr, stamp

# token + inventory (1 page) + clients (150 rows: 2 pages) + proposals (1) + deals (1) + reminders (1)
NO_CHANGE_REQUESTS = 1 + 1 + 2 + 1 + 1 + 1
# ... plus, per new parent: TV and radio items 2, every client's notes 150 (+1 second page for c000's 130 notes),
# every proposal's detail 3, every deal's tasks 3
FIRST_RUN_REQUESTS = NO_CHANGE_REQUESTS + 2 + 151 + 3 + 3
LIST_PATHS = {
    "/auth/token",
    "/public/inventory/list",
    "/public/clients",
    "/public/proposals",
    "/public/pipeline/deals",
    "/public/pipeline/reminders",
}


class Harness:
    def __init__(self, tmp_path: Path, fake: FakeHivestr, clock: ManualClock) -> None:
        self.tmp_path = tmp_path
        self.fake = fake
        self.clock = clock

    def options(self, **overrides: Any) -> RunOptions:
        source = {
            "api_key": self.fake.api_key,
            "api_secret": API_SECRET,
            "base_url": BASE_URL,
            "transport": httpx.MockTransport(self.fake),
            "clock": self.clock,
            **overrides.pop("source", {}),
        }
        return RunOptions(
            duckdb_path=self.tmp_path / "warehouse.duckdb",
            pipelines_dir=str(self.tmp_path / "pipelines"),
            progress=False,
            extra=source,
            **overrides,
        )

    def run(self, **overrides: Any) -> SyncReport:
        return hivestr_pipeline.run_pipeline(self.options(**overrides))

    def requests_of(self, action: Callable[[], Any]) -> list[str]:
        before = len(self.fake.calls)
        action()
        return [f"{c.method} {c.path}" + (f"?page={c.page}" if c.page else "") for c in self.fake.calls[before:]]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.tmp_path / "warehouse.duckdb"), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    def ids(self, table: str, where: str = "true") -> set[str]:
        return {row[0] for row in self.query(f"select id from hivestr.{table} where {where}")}

    def column_types(self, table: str) -> dict[str, str]:
        sql = (
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = 'hivestr' and table_name = '{table}'"
        )
        return dict(self.query(sql))


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    # A key of its own per test: the rate limiter is shared per credential for the whole process.
    return Harness(tmp_path, FakeHivestr(f"hvstr_{uuid.uuid4().hex}"), ManualClock())


def expected_notes(fake: FakeHivestr) -> set[str]:
    return {note["id"] for notes in fake.notes.values() for note in notes}


# --- a first load --------------------------------------------------------------------------------------------------


def test_first_run_loads_every_table_with_flattened_typed_columns(harness):
    requests = harness.requests_of(harness.run)

    fake = harness.fake
    assert len(requests) == FIRST_RUN_REQUESTS
    assert requests.count("POST /auth/token") == 1
    # default filters lifted: inactive items and non-"client" statuses are there
    assert harness.ids("inventory") == set(fake.inventory)
    assert harness.ids("clients") == set(fake.clients)
    assert harness.ids("client_notes") == expected_notes(fake)
    # schedules only for broadcast items, and only those were asked for in detail
    assert harness.ids("inventory_media_schedules") == {"sch-1", "sch-2"}
    assert {r for r in requests if r.startswith("GET /public/inventory/inv")} == {
        "GET /public/inventory/inv-tv",
        "GET /public/inventory/inv-radio",
    }
    assert harness.query("select id, client_id, client_name, notes from hivestr.proposals order by id") == [
        (f"p{n}", "c001", "Cliente 1", "interno") for n in range(1, 4)
    ]
    assert harness.query("select id, proposal_id, vehicle_id from hivestr.proposal_items order by id") == [
        ("it-1", "p1", "inv-dooh"),
        ("it-2", "p1", "inv-tv"),
        ("it-3", "p2", "inv-radio"),
    ]
    assert harness.query(
        "select id, tasks_pending, tasks_total, tasks_overdue, tasks_due_soon, tasks_next_due_at "
        "from hivestr.pipeline_deals order by id"
    ) == [
        ("d1", 2, 2, 0, 0, datetime(2024, 1, 2, 10, tzinfo=timezone.utc)),
        ("d2", 1, 1, 0, 0, datetime(2024, 1, 4, 10, tzinfo=timezone.utc)),
        ("d3", 0, 0, 0, 0, None),
    ]
    assert harness.query("select id, deal_id from hivestr.pipeline_deal_tasks order by id") == [
        ("t1", "d1"),
        ("t2", "d1"),
        ("t3", "d2"),
    ]
    assert harness.query(
        "select distinct client_id, user_id, user_name from hivestr.client_notes where client_id = 'c001'"
    ) == [("c001", "u1", "Maria Silva")]
    assert harness.ids("pipeline_reminders") == {"t1", "t3"}
    # no nested copies left behind, no cleared-marker rows stored
    assert "client" not in harness.column_types("proposals")
    assert "media_vehicle" not in harness.column_types("proposal_items")
    assert "user" not in harness.column_types("client_notes")
    assert harness.query("select count(*) from hivestr.proposal_items where _dlt_parent_cleared") == [(0,)]


def test_money_dates_and_times_land_typed(harness):
    harness.run()

    proposals = harness.column_types("proposals")
    assert {proposals[c] for c in ("total_value", "discount_value", "final_value")} == {"BIGINT"}
    assert proposals["campaign_start_date"] == proposals["campaign_end_date"] == "DATE"
    assert proposals["valid_until"] == proposals["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert harness.column_types("inventory")["discounted_price"] == "BIGINT"  # null in every row, still bigint
    assert harness.column_types("inventory_media_schedules")["price_per_slot"] == "BIGINT"
    assert harness.query(
        "select campaign_start_date, valid_until, final_value from hivestr.proposals where id = 'p1'"
    ) == [(date(2024, 1, 15), datetime(2024, 1, 10, 23, 59, 59, tzinfo=timezone.utc), 450000)]
    schedule = "select start_time, price_per_slot from hivestr.inventory_media_schedules where id = 'sch-1'"
    assert harness.query(schedule) == [(time(7, 0), 150000)]


# --- request economy ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pagination", [True, False], ids=["total_pages", "no_pagination_block"])
def test_a_run_after_no_change_makes_only_list_requests_and_one_token_request(harness, pagination):
    harness.run()
    harness.fake.pagination = pagination
    before = harness.query("select id, name, _dlt_load_id from hivestr.clients order by id")

    requests = harness.requests_of(harness.run)

    # Without `pagination` a short page is no end (the server may serve fewer rows than asked): each list ends with
    # an empty page, one more request. Tables run in parallel, so the order varies; the multiset is exact.
    empty_pages = (
        []
        if pagination
        else [
            "GET /public/clients?page=3",
            "GET /public/inventory/list?page=2",
            "GET /public/pipeline/deals?page=2",
            "GET /public/proposals?page=2",
        ]
    )
    assert sorted(requests) == sorted(
        [
            "GET /public/clients?page=1",
            "GET /public/clients?page=2",
            "GET /public/inventory/list?page=1",
            "GET /public/pipeline/deals?page=1",
            "GET /public/pipeline/reminders",
            "GET /public/proposals?page=1",
            "POST /auth/token",
            *empty_pages,
        ]
    )
    assert len(requests) == NO_CHANGE_REQUESTS + len(empty_pages)
    assert harness.query("select id, name, _dlt_load_id from hivestr.clients order by id") == before


def test_changed_parents_are_found_by_updated_at_or_by_content_hash_and_only_they_are_reread(harness):
    harness.run()
    fake = harness.fake
    fake.clients["c005"].update(name="Cliente Cinco", updated_at=stamp(9))  # updated_at moves
    fake.notes["c005"] = [{**fake.notes["c001"][0], "id": "c005-note-new", "client_id": "c005"}]
    fake.proposals["p2"]["title"] = "Campanha renomeada"  # proposal list rows carry no updated_at: hash
    fake.clients["c006"]["email"] = "sem-updated-at@empresa.com"  # updated_at unchanged: trusted, not reread

    requests = harness.requests_of(harness.run)

    assert len(requests) == NO_CHANGE_REQUESTS + 2
    assert sorted(r for r in requests if "/public/clients/" in r or "/public/proposals/" in r) == [
        "GET /public/clients/c005/notes?page=1",
        "GET /public/proposals/p2",
    ]
    assert harness.query("select name from hivestr.clients where id = 'c005'") == [("Cliente Cinco",)]
    assert harness.query("select email from hivestr.clients where id = 'c006'") == [("cliente6@empresa.com",)]
    assert harness.query("select title from hivestr.proposals where id = 'p2'") == [("Campanha renomeada",)]
    assert harness.ids("client_notes", "client_id = 'c005'") == {"c005-note-new"}
    # the next run has nothing left to do
    assert len(harness.requests_of(harness.run)) == NO_CHANGE_REQUESTS


def test_children_are_replaced_exactly_when_their_parent_changes(harness):
    harness.run()
    fake = harness.fake
    fake.tasks["d1"] = [fake.tasks["d1"][0]]  # t2 deleted: d1's tasks_summary changes
    fake.tasks["d2"] = []  # every task gone
    fake.schedules["inv-tv"] = [fake.schedules["inv-tv"][1]]
    fake.inventory["inv-tv"]["updated_at"] = stamp(9)
    fake.proposal_items["p1"] = [fake.proposal_items["p1"][0]]
    fake.proposals["p1"]["final_value"] = 250005
    fake.reminders = [fake.reminders[0]]

    report = harness.run()

    assert harness.query("select id, deal_id from hivestr.pipeline_deal_tasks order by id") == [("t1", "d1")]
    assert harness.query("select id, tasks_total from hivestr.pipeline_deals order by id") == [
        ("d1", 1),
        ("d2", 0),
        ("d3", 0),
    ]
    assert harness.ids("inventory_media_schedules") == {"sch-2"}
    assert harness.query("select id, proposal_id from hivestr.proposal_items order by id") == [
        ("it-1", "p1"),
        ("it-3", "p2"),
    ]
    assert harness.ids("pipeline_reminders") == {"t1"}
    assert harness.ids("client_notes") == expected_notes(fake)  # untouched parents keep their children
    assert report.tables["pipeline_deal_tasks"].rows == 1  # t1 again; d2's empty set is a marker, not a row
    for table in ("pipeline_deal_tasks", "inventory_media_schedules", "proposal_items"):
        assert harness.query(f"select count(*) from hivestr.{table} where _dlt_parent_cleared") == [(0,)]


def test_full_refresh_drops_tables_and_state_and_reloads_everything(harness):
    harness.run()
    del harness.fake.clients["c149"]  # deleted in Hivestr: an ordinary run keeps the row it loaded
    harness.run()
    assert "c149" in harness.ids("clients")

    requests = harness.requests_of(lambda: harness.run(full_refresh=True))

    assert len(requests) == FIRST_RUN_REQUESTS - 1  # every detail again, but c149's notes
    assert harness.ids("clients") == set(harness.fake.clients)
    assert harness.ids("client_notes") == expected_notes(harness.fake)
    assert harness.ids("pipeline_deal_tasks") == {"t1", "t2", "t3"}


# --- the hourly budget ----------------------------------------------------------------------------------------------


def test_budget_exhaustion_stops_cleanly_keeps_what_was_read_and_the_next_run_finishes_without_loss(harness, capsys):
    fake = FakeHivestr(harness.fake.api_key, clients=30, big_notes=False)
    harness.fake = fake
    fake.budget = 10  # token, clients page 1, then the notes of c000..c007

    exit_code = hivestr_pipeline.run(harness.options(tables=["clients"]))

    out = capsys.readouterr().out
    resume_at = harness.clock.now() + timedelta(hours=1)  # no Retry-After: the reset is up to an hour away
    assert exit_code == EXIT_BUDGET_EXHAUSTED
    assert f"Run again after {resume_at.isoformat(timespec='seconds')}" in out
    assert "stopped: request budget spent" in out
    done = {f"c{n:03d}" for n in range(8)}
    assert harness.ids("clients") == done  # a parent is loaded together with its children, or not at all
    assert harness.ids("client_notes") == {n["id"] for c in done for n in fake.notes.get(c, [])}
    assert [c.status for c in fake.calls].count(429) == 1  # the stop spent no further request

    harness.clock.advance(3600)
    fake.budget = None
    requests = harness.requests_of(lambda: harness.run(tables=["clients"]))

    # the token, the list page where it stopped, and the notes of exactly the parents not yet done
    assert sorted(requests) == sorted(
        ["POST /auth/token", "GET /public/clients?page=1"]
        + [f"GET /public/clients/c{n:03d}/notes?page=1" for n in range(8, 30)]
    )
    assert harness.ids("clients") == set(fake.clients)
    assert harness.ids("client_notes") == expected_notes(fake)


def test_budget_exhaustion_across_parallel_tables_loses_nothing_and_reads_no_child_twice(harness):
    fake = FakeHivestr(harness.fake.api_key, clients=30, big_notes=False)
    harness.fake = fake
    harness.run()  # reminders and every table loaded once
    for client in fake.clients.values():
        client["updated_at"] = stamp(20)
    fake.tasks["d1"] = fake.tasks["d1"][:1]
    fake.proposals["p3"]["title"] = "Nova"
    fake.reminders = fake.reminders[:1]
    fake.budget = 12
    served_before = len(fake.calls)

    first = harness.run()

    assert first.resume_at == harness.clock.now() + timedelta(hours=1)
    assert harness.clock.sleeps == []  # no thread slept out the hour
    assert harness.ids("pipeline_reminders") in ({"t1"}, {"t1", "t3"})  # refreshed, or kept as it was
    harness.clock.advance(3600)
    fake.budget = None
    second = harness.run()

    assert second.resume_at is None
    assert harness.ids("pipeline_reminders") == {"t1"}
    assert harness.ids("clients") == set(fake.clients)
    assert harness.query("select count(*) from hivestr.clients where updated_at < '2024-01-20'") == [(0,)]
    assert harness.ids("client_notes") == expected_notes(fake)
    assert harness.ids("pipeline_deal_tasks") == {"t1", "t3"}
    assert harness.query("select title from hivestr.proposals where id = 'p3'") == [("Nova",)]
    children = [c.path for c in fake.calls[served_before:] if c.status == 200 and c.path not in LIST_PATHS]
    # every changed parent's children (30 clients' notes, d1's tasks, p3's detail) read once, interrupted or not
    assert sorted(children) == sorted(
        [f"/public/clients/c{n:03d}/notes" for n in range(30)]
        + ["/public/pipeline/deals/d1/tasks", "/public/proposals/p3"]
    )


def test_a_run_while_the_budget_is_still_spent_changes_nothing_and_says_when_to_come_back(harness, capsys):
    harness.run()
    before = {table: harness.ids(table) for table in ("clients", "pipeline_reminders", "pipeline_deal_tasks")}
    harness.fake.budget = 0
    harness.fake.retry_after = "1500"

    exit_code = hivestr_pipeline.run(harness.options())

    assert exit_code == EXIT_BUDGET_EXHAUSTED
    resume_at = harness.clock.now() + timedelta(seconds=1500)
    assert f"Run again after {resume_at.isoformat(timespec='seconds')}" in capsys.readouterr().out
    assert [c.status for c in harness.fake.calls[-1:]] == [429]  # the token request; nothing after it
    assert harness.clock.sleeps == []  # no thread slept out the hour
    assert {table: harness.ids(table) for table in before} == before


def test_a_reset_within_max_budget_wait_is_waited_out(harness):
    harness.fake.budget = 3
    harness.fake.retry_after = "120"

    def refill_after_wait(request: httpx.Request) -> httpx.Response:
        if harness.clock.sleeps and harness.fake.budget == 0:
            harness.fake.budget = None
        return harness.fake(request)

    report = harness.run(source={"transport": httpx.MockTransport(refill_after_wait)})

    assert report.resume_at is None
    assert 120.0 in harness.clock.sleeps
    assert harness.ids("client_notes") == expected_notes(harness.fake)


def test_a_budget_spent_several_times_in_one_run_costs_one_refused_request_per_window_and_loses_nothing(harness):
    # One probe per window when tables read at once is shown in test_hivestr_budget.py; here, the whole run.
    budget = 10  # the plan's budget, which the run's 45 requests spend four times over
    fake, clock = FakeHivestr(harness.fake.api_key, clients=30, big_notes=False), harness.clock
    harness.fake = fake
    windows: list[int] = []
    refused_in: list[int] = []  # the window of each 429

    def fixed_hourly_window(request: httpx.Request) -> httpx.Response:
        now = clock.monotonic()
        if not windows or windows[-1] != now // 3600:
            windows.append(int(now // 3600))
            fake.budget = budget
        fake.retry_after = str(math.ceil(3600 - now % 3600))
        clock.advance(20)  # a request takes a while: the hour passes with the run, not only in its waits
        response = fake(request)
        if response.status_code == 429:
            refused_in.append(windows[-1])
        return response

    report = harness.run(
        source={
            "transport": httpx.MockTransport(fixed_hourly_window),
            "requests_per_hour": budget,
            # a waiting request's wait also counts the 20 s that each other thread's request moves the clock: under
            # a loaded machine's interleaving one wait outlasted the hour (exit 75 instead of waiting it out)
            "max_budget_wait_seconds": 4 * 3600,
        }
    )

    assert report.resume_at is None
    assert len(refused_in) >= 2  # the budget ran out more than once
    assert len(set(refused_in)) == len(refused_in)  # one refused request per window
    assert harness.ids("client_notes") == expected_notes(fake)
    assert harness.ids("pipeline_deal_tasks") == {"t1", "t2", "t3"}


# --- records a list hides ------------------------------------------------------------------------------------------


def test_a_deal_no_listing_returns_but_its_own_endpoint_does_is_loaded_from_there_not_marked_deleted(harness):
    harness.run()
    fake = harness.fake
    fake.unlisted_deals = {"d1"}  # a default filter no parameter lifts hides it (its stage is listed)
    fake.deals["d1"]["title"] = "Campanha renomeada"
    fake.tasks["d1"] = [{**fake.tasks["d1"][0], "title": "Ligar de novo"}]

    requests = harness.requests_of(harness.run)

    # the deletion sweep asks for it, finds it, and reads its tasks since its row changed
    assert {r for r in requests if r.startswith("GET /public/pipeline/deals/")} == {
        "GET /public/pipeline/deals/d1",
        "GET /public/pipeline/deals/d1/tasks?page=1",
    }
    deal = "select title, tasks_total, _deleted_at from hivestr.pipeline_deals where id = 'd1'"
    assert harness.query(deal) == [("Campanha renomeada", 1, None)]
    assert harness.query("select id, title from hivestr.pipeline_deal_tasks where deal_id = 'd1'") == [
        ("t1", "Ligar de novo")
    ]
    # unchanged since: its own endpoint again (one request a run), its tasks not
    requests = harness.requests_of(harness.run)
    assert [r for r in requests if r.startswith("GET /public/pipeline/deals/")] == ["GET /public/pipeline/deals/d1"]
    assert harness.query(deal) == [("Campanha renomeada", 1, None)]


# --- tables the key cannot read -------------------------------------------------------------------------------------


def test_a_forbidden_child_table_is_skipped_after_one_request_and_read_once_permission_comes(harness):
    harness.fake.forbidden = {r"/public/clients/[^/]+/notes"}

    requests = harness.requests_of(harness.run)
    report = harness.run()  # still forbidden: again one attempt, the parents reloaded
    skipped = report.skipped

    assert sum("/notes" in r for r in requests) == 1
    assert set(skipped) == {"client_notes"} and "HTTP 403" in skipped["client_notes"]
    assert harness.ids("clients") == set(harness.fake.clients)
    assert harness.ids("pipeline_deal_tasks") == {"t1", "t2", "t3"}  # the other tables completed
    assert "client_notes" not in {row[0] for row in harness.query("show tables from hivestr")}

    harness.fake.forbidden = set()
    harness.run()

    assert harness.ids("client_notes") == expected_notes(harness.fake)


def test_a_list_the_key_cannot_read_is_skipped_and_the_rest_completes(harness):
    harness.fake.forbidden = {r"/public/proposals.*"}

    report = harness.run()

    assert set(report.skipped) == {"proposals"}
    assert harness.ids("clients") == set(harness.fake.clients)
    assert harness.ids("inventory_media_schedules") == {"sch-1", "sch-2"}


def test_check_lists_readable_tables_after_getting_a_token(harness, capsys):
    harness.fake.forbidden = {r"/public/pipeline/deals/[^/]+/tasks"}

    exit_code = hivestr_pipeline.run(harness.options(check=True))

    lines = dict(line.split(maxsplit=1) for line in capsys.readouterr().out.splitlines()[:-1])
    assert exit_code == 0
    assert lines == {
        "inventory": "ok",
        "inventory_media_schedules": "ok",
        "clients": "ok",
        "client_notes": "ok",
        "proposals": "ok",
        "proposal_items": "ok",
        "pipeline_deals": "ok",
        "pipeline_deal_tasks": "cannot read (HTTP 403)",
        "pipeline_reminders": "ok",
    }
    assert harness.fake.paths()[0] == "/auth/token" and len(harness.fake.calls) == 10


# --- checkpoints ----------------------------------------------------------------------------------------------------


def test_checkpoints_commit_every_few_parents_and_the_run_goes_on_to_the_end(harness):
    options = harness.options(checkpoint_pages=40)  # a checkpoint per 40 parents' children

    report = hivestr_pipeline.run_pipeline(options)

    assert report.unfinished == [] and report.resume_at is None
    assert len(report.clients) == 4  # 150 clients' notes: 40 + 40 + 40 + 30
    assert harness.ids("clients") == set(harness.fake.clients)
    assert harness.ids("client_notes") == expected_notes(harness.fake)
    notes_pages = [c for c in harness.fake.calls if "/notes" in c.path]
    assert len(notes_pages) == 151  # no parent's children read twice across checkpoints
    # each checkpoint lists from page 1 again (the third crossed into page 2), skipping the parents already done
    assert [c.page for c in harness.fake.calls if c.path == "/public/clients"] == [1, 1, 1, 2, 1, 2]


# --- configuration ----------------------------------------------------------------------------------------------


def test_settings_come_from_environment_variables_and_a_complete_run_exits_0(harness, monkeypatch, capsys):
    monkeypatch.setenv("SOURCES__HIVESTR__API_KEY", harness.fake.api_key)
    monkeypatch.setenv("SOURCES__HIVESTR__API_SECRET", API_SECRET)
    monkeypatch.setenv("SOURCES__HIVESTR__BASE_URL", BASE_URL)
    options = harness.options()
    options.extra = {"transport": options.extra["transport"], "clock": harness.clock}

    exit_code = hivestr_pipeline.run(options)

    out = capsys.readouterr().out
    assert exit_code == 0
    assert f"{FIRST_RUN_REQUESTS} requests (0 retries)" in out
    assert "client_notes                            132       151" in out
    assert harness.ids("clients") == set(harness.fake.clients)
