"""The analytics layer (analytics/, pipelines/analytics.py): after loads of each system, on DuckDB and Postgres,
the marts' figures equal figures computed here from the simulator's own records, and dbt's tests pass. (The
activity mart's incremental rebuild, which needs a second load, was checked by hand: see its model.)

One dbt build per test, after the last of its loads, at a small scale: the build is what costs (seconds). The
history marts need loads that change records: Hivestr's test loads twice, and a Ploomes test four times (the
issue's deal moved through three stages), only the tables those marts read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pipelines.analytics import main as analytics_command
from pipelines.demo import hivestr_figures, ploomes_figures

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
OPEN, WON = 1, 2  # Ploomes' deal status ids (analytics/dbt_project.yml vars)
# A model of each system, and words of its description in analytics/models/*/marts/*.yml
MODELS_DESCRIBED = {
    "ploomes__activity_daily": "tasks created, tasks completed",
    "hivestr__deal_funnel": "The sales pipeline by stage, in board order",
    "erp__crm_clients": "The CRM-to-ERP match",
}


def assert_build_passed(report, left_out: bool = False) -> None:
    """dbt built every model and test (`left_out`: but the models of the tables a `--tables` run did not load)."""
    assert not report.failed, report.failed
    assert not report.post_load_failures, report.post_load_failures
    note, *others = report.post_load_notes
    assert "all passed" in note and " tests" in note and "warnings" not in note, note
    assert len(others) == left_out, others


def local_day(instant: str) -> dt.date:
    return dt.datetime.fromisoformat(instant).astimezone(SAO_PAULO).date()


def sao_paulo_today() -> dt.date:
    return dt.datetime.now(SAO_PAULO).date()


def close(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)


@pytest.mark.parametrize("sim_config", [{"scale": 60, "forbidden_endpoints": ("Documents",)}])
def test_ploomes_marts_equal_the_simulators_figures(warehouse, ploomes_sim, run_ploomes, tmp_path):
    """Documents answers 403: the run skips it, and its record (sync_runs) and sync health say so."""
    report = run_ploomes(analytics=True)
    assert_build_passed(report)
    assert list(report.skipped) == ["documents"]
    assert_sync_health_shows_the_run(warehouse, report)
    deals = list(ploomes_sim.records("/Deals"))
    pipelines = {p["Id"]: p for p in ploomes_sim.records("/Deals@Pipelines")}
    stages = sorted(
        ploomes_sim.records("/Deals@Stages"),
        key=lambda s: (pipelines[s["PipelineId"]]["Ordination"], s["Ordination"], s["Id"]),
    )
    open_by_stage = defaultdict(list)
    won_by_month_owner = defaultdict(list)
    for deal in deals:
        if deal["StatusId"] == OPEN:
            open_by_stage[deal["StageId"]].append(deal["Amount"])
        elif deal["StatusId"] == WON:
            won_by_month_owner[(local_day(deal["FinishDate"]).replace(day=1), deal["OwnerId"])].append(deal["Amount"])
    activity = defaultdict(lambda: [0, 0, 0])  # (local day, owner): tasks created, completed, interaction records
    for task in ploomes_sim.records("/Tasks"):
        activity[(local_day(task["CreateDate"]), task["OwnerId"])][0] += 1
        if task["Finished"]:
            activity[(local_day(task["DateTime"]), task["OwnerId"])][1] += 1
    for record in ploomes_sim.records("/InteractionRecords"):
        activity[(local_day(record["Date"]), record["OwnerId"])][2] += 1
    analytics = f"{warehouse.dataset}_analytics"

    with warehouse.reading():
        figures = [warehouse.query(sql) for sql in ploomes_figures(warehouse.dataset).values()]
        by_stage = warehouse.query(
            f"select * from {analytics}.ploomes__open_pipeline_by_stage "
            "order by pipeline_position, stage_position, stage_id"
        )
        won = warehouse.query(f"select * from {analytics}.ploomes__won_revenue_by_month")
        activity_rows = warehouse.query(f"select * from {analytics}.ploomes__activity_daily")
        flags = warehouse.query(
            f"select count(*) as deals, sum(case when is_open then 1 else 0 end) as open_deals, "
            f"sum(case when is_won then 1 else 0 end) as won_deals from {analytics}.ploomes__deals_enhanced"
        )[0]

    # every stage of every pipeline, in the order Ploomes shows them, empty stages included
    assert [(row["pipeline_id"], row["stage_id"]) for row in by_stage] == [(s["PipelineId"], s["Id"]) for s in stages]
    for row in by_stage:
        amounts = open_by_stage.get(row["stage_id"], [])
        assert row["open_deals"] == len(amounts), row
        assert close(row["open_amount"], sum(amounts)), row
    assert any(row["open_deals"] == 0 for row in by_stage)  # the scale leaves some stage empty: it is listed

    got = {(row["won_month"], row["owner_id"]): (row["won_deals"], row["won_amount"]) for row in won}
    assert sorted(got) == sorted(won_by_month_owner)
    for key, amounts in won_by_month_owner.items():
        assert got[key][0] == len(amounts) and close(got[key][1], sum(amounts)), key

    got_activity = {
        (row["activity_date"], row["owner_id"]): [
            row["tasks_created"],
            row["tasks_completed"],
            row["interaction_records"],
        ]
        for row in activity_rows
    }
    assert got_activity == dict(activity)

    # the demo's figures, each as its label says
    demo_by_stage, demo_won, demo_products = figures
    names = {**{p["Id"]: p["Name"] for p in pipelines.values()}, **{s["Id"]: s["Name"] for s in stages}}
    assert [(r["pipeline"], r["stage"], r["deals"]) for r in demo_by_stage] == [
        (names[s["PipelineId"]], names[s["Id"]], len(open_by_stage.get(s["Id"], []))) for s in stages
    ]
    assert all(
        close(r["amount"], round(sum(open_by_stage.get(s["Id"], [])), 2))
        for r, s in zip(demo_by_stage, stages, strict=True)
    )
    won_by_month = defaultdict(list)
    for (month, _), amounts in won_by_month_owner.items():
        won_by_month[month] += amounts
    last_six = sorted(won_by_month, reverse=True)[:6]
    assert [(r["month"], r["deals"]) for r in demo_won] == [(m, len(won_by_month[m])) for m in last_six]
    assert all(close(r["amount"], round(sum(won_by_month[r["month"]]), 2)) for r in demo_won)
    product_names = {p["Id"]: p["Name"] for p in ploomes_sim.records("/Products")}
    sold = defaultdict(lambda: [0.0, 0.0])
    for order in ploomes_sim.records("/Orders"):
        for line in order.get("Products") or []:
            sold[line["ProductId"]][0] += line["Quantity"]
            sold[line["ProductId"]][1] += line["Total"]
    best = sorted(sold, key=lambda product: (-round(sold[product][1], 2), product))[:5]
    assert [r["product"] for r in demo_products] == [product_names[p] for p in best]
    assert all(
        close(r["units"], sold[p][0]) and close(r["revenue"], round(sold[p][1], 2))
        for r, p in zip(demo_products, best, strict=True)
    )

    assert flags["deals"] == len(deals)

    if warehouse.destination == "duckdb":  # the docs site: every model, described as in the YAML
        target = tmp_path / "docs"
        argv = ["docs", "--duckdb-path", str(warehouse.duckdb_path), "--target-dir", str(target)]
        assert analytics_command([*argv, "--ploomes-dataset", warehouse.dataset, "--hivestr-dataset", "none"]) == 0
        page = (target / "static_index.html").read_text()
        for model, described in MODELS_DESCRIBED.items():
            assert model in page and described in page, model
    assert flags["open_deals"] == sum(d["StatusId"] == OPEN for d in deals)
    assert flags["won_deals"] == sum(d["StatusId"] == WON for d in deals)


def assert_sync_health_shows_the_run(warehouse, report) -> None:
    """sync_runs holds the report's figures for each table and the run, and the sync-health mart shows each
    table's: a skipped one as skipped, with its reason."""
    with warehouse.reading():
        recorded = warehouse.query(f"select * from {warehouse.dataset}.sync_runs")
        health = warehouse.query(f"select * from {warehouse.dataset}_analytics.ploomes__sync_health")
    totals = report.client_totals()
    by_table = {row["table_name"]: row for row in recorded}
    assert len({row["run_id"] for row in recorded}) == 1 and len(recorded) == len(by_table)
    run = by_table.pop("(run)")
    assert (run["status"], run["requests"], run["retries"]) == ("ok", totals["requests_sent"], totals["retries"])
    assert run["retries"] >= 2 and run["rows"] == sum(t.rows for t in report.tables.values())  # the 403's retries
    expected = {
        name: (t.rows, t.requests, None, "skipped" if t.skipped else "ok", t.skipped)
        for name, t in report.tables.items()
    }
    got = {name: (r["rows"], r["requests"], r["retries"], r["status"], r["message"]) for name, r in by_table.items()}
    assert got == expected
    shown = {row["table_name"]: row for row in health if row["table_name"] in expected}
    assert len(shown) > 40
    for name, row in shown.items():
        _, requests, _, status, message = expected[name]
        last_run = (row["last_run_status"], row["last_run_requests"], row["last_run_retries"], row["last_run_message"])
        assert last_run == (status, requests, run["retries"], message), name
    assert shown["documents"]["live_rows"] == 0 and "403" in shown["documents"]["last_run_message"]


@pytest.mark.parametrize("hivestr_config", [{"scale": 60}])
def test_hivestr_marts_equal_the_simulators_figures(warehouse, hivestr_sim, run_hivestr):
    """A card moved between two loads shows two intervals in the stage history, the first ending where the second
    begins; today's daily snapshot holds the cards in open stages."""
    moved = list(hivestr_sim.records("deals"))[0]
    run_hivestr()
    new_stage = "Negociação" if moved["pipeline_stage"] != "Negociação" else "Proposta"
    hivestr_sim.update("deals", moved["id"], {"pipeline_stage": new_stage})
    day_before = sao_paulo_today()
    assert_build_passed(run_hivestr(analytics=True))
    today = sao_paulo_today()
    proposals = list(hivestr_sim.records("proposals"))
    items = list(hivestr_sim.records("proposal_items"))
    deals = list(hivestr_sim.records("deals"))
    analytics = f"{warehouse.dataset}_analytics"

    with warehouse.reading():
        approved, demo_funnel = [warehouse.query(sql) for sql in hivestr_figures(warehouse.dataset).values()]
        proposal_rows = warehouse.query(f"select * from {analytics}.hivestr__proposals")
        item_rows = warehouse.query(f"select * from {analytics}.hivestr__proposal_items")
        funnel = warehouse.query(f"select * from {analytics}.hivestr__deal_funnel order by stage_position")
        intervals = warehouse.query(
            f"select * from {analytics}.hivestr__deal_stage_history where deal_id = '{moved['id']}' order by entered_at"
        )
        snapshot = warehouse.query(
            f"select * from {analytics}.hivestr__pipeline_daily_snapshot where snapshot_date = "
            f"(select max(snapshot_date) from {analytics}.hivestr__pipeline_daily_snapshot) order by stage_position"
        )

    assert [i["stage_name"] for i in intervals] == [moved["pipeline_stage"], new_stage]
    assert intervals[0]["left_at"] == intervals[1]["entered_at"] is not None
    assert intervals[1]["left_at"] is None and intervals[1]["is_current"]
    open_stages = ["Prospecção", "Degustação", "Proposta", "Negociação", "Aprovação"]
    assert [row["stage_name"] for row in snapshot] == open_stages
    assert snapshot[0]["snapshot_date"] in (day_before, today)
    for row in snapshot:
        in_stage = [d for d in deals if d["pipeline_stage"] == row["stage_name"]]
        assert row["open_deals"] == len(in_stage), row
        assert Decimal(row["open_estimated_value"]) == sum(Decimal(d["estimated_value"] or 0) for d in in_stage) / 100

    reais = {p["id"]: Decimal(p["final_value"]) / 100 for p in proposals}
    assert {row["proposal_id"]: Decimal(row["final_value"]) for row in proposal_rows} == reais
    item_reais = {i["id"]: Decimal(i["final_price"]) / 100 for i in items}
    assert {row["proposal_item_id"]: Decimal(row["final_price"]) for row in item_rows} == item_reais

    stages = ["Prospecção", "Degustação", "Proposta", "Negociação", "Aprovação", "Ganho", "Perdido"]
    assert [row["stage_name"] for row in funnel] == stages
    for row in funnel:
        in_stage = [d for d in deals if d["pipeline_stage"] == row["stage_name"]]
        assert row["deals"] == len(in_stage), row["stage_name"]
        want = sum(Decimal(d["estimated_value"] or 0) for d in in_stage) / 100
        assert Decimal(row["estimated_value"]) == want, row["stage_name"]

    # the demo's figures, each as its label says: approved proposals after discount, the funnel in reais
    approved_reais = [Decimal(p["final_value"]) / 100 for p in proposals if p["status"] == "approved"]
    assert approved == [{"proposals": len(approved_reais), "reais": sum(approved_reais)}]
    assert [(r["stage"], r["deals"], Decimal(r["reais"])) for r in demo_funnel] == [
        (r["stage_name"], r["deals"], Decimal(r["estimated_value"])) for r in funnel
    ]


@pytest.mark.parametrize("sim_config", [{"scale": 30}])
def test_a_ploomes_deal_moved_through_three_stages_over_four_runs_shows_exactly_three_intervals(
    warehouse, ploomes_sim, run_ploomes
):
    """The marts on deals_history: the title changed in run 2 does not split the first interval; the deal deleted in
    run 4 ends its interval then; today's daily snapshot is the open pipeline the simulator holds."""
    tables = ["deals", "deal_pipelines", "deal_stages"]  # the history marts' tables: the others are left out
    deals = list(ploomes_sim.records("/Deals"))
    moved, deleted = deals[0], deals[1]
    stage_a = moved["StageId"]
    pipeline_stages = [s["Id"] for s in ploomes_sim.records("/Deals@Stages") if s["PipelineId"] == moved["PipelineId"]]
    stage_b, stage_c = [s for s in pipeline_stages if s != stage_a][:2]

    run_ploomes(tables=tables)
    ploomes_sim.update("Deals", moved["Id"], {"Title": "Renamed, same stage"})
    run_ploomes(tables=tables)
    ploomes_sim.update("Deals", moved["Id"], {"StageId": stage_b})
    run_ploomes(tables=tables)
    ploomes_sim.update("Deals", moved["Id"], {"StageId": stage_c})
    ploomes_sim.delete("Deals", deleted["Id"])
    day_before = sao_paulo_today()
    assert_build_passed(run_ploomes(tables=tables, analytics=True, sweep_deletions=True), left_out=True)
    today = sao_paulo_today()
    analytics = f"{warehouse.dataset}_analytics"

    with warehouse.reading():
        versions, intervals, deleted_intervals, snapshot = warehouse.query_all(
            [
                f"select stage_id, _dlt_valid_from, _dlt_valid_to from {warehouse.dataset}.deals_history "
                f"where id = {moved['Id']} order by _dlt_valid_from",
                f"select * from {analytics}.ploomes__deal_stage_history where deal_id = {moved['Id']} "
                "order by entered_at",
                f"select * from {analytics}.ploomes__deal_stage_history where deal_id = {deleted['Id']}",
                f"select * from {analytics}.ploomes__pipeline_daily_snapshot "
                f"where snapshot_date = (select max(snapshot_date) from {analytics}.ploomes__pipeline_daily_snapshot)",
            ]
        )
        (deleted_version,) = warehouse.query(
            f"select _dlt_valid_to from {warehouse.dataset}.deals_history where id = {deleted['Id']}"
        )

    assert [v["stage_id"] for v in versions] == [stage_a, stage_a, stage_b, stage_c]  # the title made a version
    assert [i["stage_id"] for i in intervals] == [stage_a, stage_b, stage_c]
    assert [i["interval_number"] for i in intervals] == [1, 2, 3]
    assert intervals[0]["entered_at"] == versions[0]["_dlt_valid_from"]
    assert intervals[0]["left_at"] == intervals[1]["entered_at"] == versions[2]["_dlt_valid_from"]
    assert intervals[1]["left_at"] == intervals[2]["entered_at"] == versions[3]["_dlt_valid_from"]
    assert intervals[2]["left_at"] is None and intervals[2]["is_current"]
    assert [i["is_current"] for i in intervals[:2]] == [False, False]
    assert all(i["hours_in_stage"] >= 0 and i["stage_name"] for i in intervals)
    (gone,) = deleted_intervals
    assert gone["left_at"] == deleted_version["_dlt_valid_to"] is not None and not gone["is_current"]

    open_by_stage = defaultdict(list)
    for deal in ploomes_sim.records("/Deals"):  # the deleted deal is gone
        if deal["StatusId"] == OPEN:
            open_by_stage[deal["StageId"]].append(deal["Amount"] or 0)
    assert snapshot[0]["snapshot_date"] in (day_before, today)
    stages = {s["Id"]: s["PipelineId"] for s in ploomes_sim.records("/Deals@Stages")}
    assert {(row["pipeline_id"], row["stage_id"]) for row in snapshot} == {(p, s) for s, p in stages.items()}
    for row in snapshot:
        amounts = open_by_stage.get(row["stage_id"], [])
        assert row["open_deals"] == len(amounts), row
        assert close(float(row["open_amount"]), round(sum(amounts), 2)), row
    assert sum(row["open_deals"] for row in snapshot) > 0
