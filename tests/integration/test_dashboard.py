"""The dashboard (pipelines/dashboard.py) in a real browser, Debian's headless Chromium driven by playwright: after one
load of each system with its marts, the page opens from its file with every request that would leave it blocked, logs
no console error, draws every chart, and shows the figures that SQL computes here from the same marts.

Chromium is a requirement: missing, the tests fail in CI (.ci/run installs it) and skip elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines import dashboard, hivestr_pipeline, ploomes_pipeline
from pipelines.common import RunOptions
from pipelines.dashboard_text import LABELS
from tests.integration.conftest import hivestr_settings, make_runner, ploomes_settings
from tests.integration.scripts import PROJECT_ROOT, script_env
from tests.integration.warehouse import Warehouse

PT = LABELS["pt"]

# every chart, with the fields its points carry in the page: (category, value)
PAGE_CHARTS = """() => Object.fromEntries([...document.querySelectorAll('.js-plotly-plot')].map(gd => [gd.id, {
    points: gd.querySelectorAll('.main-svg .trace .point path').length,
    traces: Object.fromEntries(gd.data.map(t => {
        const horizontal = t.type === 'funnel' || t.orientation === 'h';
        const [names, values] = horizontal ? [t.y, t.x] : [t.x, t.y];
        return [t.name, Object.fromEntries(Array.from(names).map((name, i) => [name, values[i]]))];
    })),
}]))"""


# how the page rounds a chart's values (money: to the centavo)
ROUNDED_TO = {"ploomes-owner-win-rate": 0.00005, "ploomes-owner-days-to-win": 0.05, "ploomes-stage-history": 0.05}


def owner(name: str | None) -> str:
    return name or PT["no_owner"]


def brl(value) -> str:
    return "R$ " + f"{float(value):,.2f}".translate(str.maketrans(",.", ".,"))


def pct(ratio: float) -> str:
    return f"{ratio * 100:.1f}%".replace(".", ",")


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        message = "Chromium is not on PATH (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the browser tests", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's Chromium: playwright never downloads a browser of its own here
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


@pytest.fixture
def loaded(warehouse, ploomes_sim, hivestr_sim, tmp_path) -> tuple[Warehouse, Warehouse]:
    """One load of each system into the warehouse, marts built; (ploomes, hivestr) stores of their datasets."""
    ploomes = warehouse
    hivestr = replace(warehouse, dataset=warehouse.dataset.replace("ploomes", "hivestr"))
    for module, store, settings in (
        (ploomes_pipeline, ploomes, ploomes_settings(ploomes_sim)),
        (hivestr_pipeline, hivestr, hivestr_settings(hivestr_sim)),
    ):
        report = make_runner(module, store, tmp_path / "pipelines", settings)(analytics=True)
        assert not report.failed and not report.post_load_failures, (report.failed, report.post_load_failures)
    yield ploomes, hivestr
    hivestr.drop_dataset()


def open_offline(browser, path: Path):
    """A page of `path` where any request that is not file:// is refused and recorded; console errors recorded."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.left_file, page.errors = [], []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def block(route):
        page.left_file.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith("file://"), block)
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
    return page


def expected_figures(ploomes: Warehouse, hivestr: Warehouse) -> tuple[dict, dict]:
    """(headline -> text, chart -> trace -> category -> value) computed here from the marts."""
    p, h = f"{ploomes.dataset}_analytics", f"{hivestr.dataset}_analytics"
    with ploomes.reading():
        stages = ploomes.query(f"select * from {p}.ploomes__open_pipeline_by_stage")
        won = ploomes.query(f"select * from {p}.ploomes__won_revenue_by_month")
        deals = ploomes.query(f"select owner_name, is_won, is_lost, days_open from {p}.ploomes__deals_enhanced")
        activity = ploomes.query(f"select * from {p}.ploomes__activity_daily")
        proposals = ploomes.query(f"select status, final_value from {h}.hivestr__proposals")
        items = ploomes.query(
            f"select p.created_date_local, i.media_type, i.final_price from {h}.hivestr__proposal_items i "
            f"join {h}.hivestr__proposals p on p.proposal_id = i.proposal_id where i.proposal_status = 'approved'"
        )
        vehicles = ploomes.query(
            f"select distinct vehicle_id, media_type, is_occupied from {h}.hivestr__inventory_schedules"
        )
        overdue = ploomes.query(f"select assignee_name from {h}.hivestr__overdue_tasks")
        history_columns = ploomes.columns_of(p, "ploomes__deal_stage_history")
        stays = ploomes.query(f"select * from {p}.ploomes__deal_stage_history") if history_columns else []
    charts: dict[str, dict] = {}

    def add(chart: str, trace: str, category: str, value: float) -> None:
        traces = charts.setdefault(chart, {}).setdefault(trace, {})
        traces[category] = traces.get(category, 0) + value

    for row in stages:
        add(f"ploomes-funnel-{row['pipeline_id']}", row["pipeline_name"], row["stage_name"], float(row["open_amount"]))
    last_months = sorted({row["won_month"] for row in won})[-12:]
    for row in won:
        if row["won_month"] in last_months:
            month = row["won_month"].strftime("%m/%Y")
            add("ploomes-won-by-month", owner(row["owner_name"]), month, float(row["won_amount"]))
    for name in {row["owner_name"] for row in deals}:
        mine = [row for row in deals if row["owner_name"] == name]
        won_deals, lost = sum(r["is_won"] for r in mine), sum(r["is_lost"] for r in mine)
        if won_deals + lost:
            add("ploomes-owner-win-rate", PT["win_rate"], owner(name), won_deals / (won_deals + lost))
        if won_deals:
            days = [r["days_open"] for r in mine if r["is_won"]]
            add("ploomes-owner-days-to-win", PT["days"], owner(name), sum(days) / len(days))
    last_day = max(row["activity_date"] for row in activity)
    first_monday = last_day - dt.timedelta(days=last_day.weekday() + 49)
    for row in activity:
        if row["activity_date"] >= first_monday:
            week = row["activity_date"] - dt.timedelta(days=row["activity_date"].weekday())
            add("ploomes-activity", owner(row["owner_name"]), week.strftime("%d/%m/%Y"),
                row["tasks_completed"] + row["interaction_records"])  # fmt: skip
    for stage in {row["stage_name"] for row in stays}:  # once another change adds the mart
        days = [r["days_in_stage"] if "days_in_stage" in history_columns else r["hours_in_stage"] / 24 for r in stays
                if r["stage_name"] == stage]  # fmt: skip
        add("ploomes-stage-history", PT["days"], stage, float(sum(days)) / len(days))
    for row in proposals:
        add("hivestr-proposals-by-status", PT["proposals"], PT["statuses"][row["status"]], float(row["final_value"]))
    for row in items:
        month = row["created_date_local"].replace(day=1).strftime("%m/%Y")
        add("hivestr-approved-by-media", row["media_type"], month, float(row["final_price"]))
    for row in vehicles:
        add("hivestr-inventory", PT["occupied"], row["media_type"], 1 if row["is_occupied"] else 0)
        add("hivestr-inventory", PT["free"], row["media_type"], 0 if row["is_occupied"] else 1)
    for row in overdue:
        add("hivestr-overdue", PT["tasks"], owner(row["assignee_name"]), 1)

    month = dt.datetime.now(dashboard.dashboard_charts.SAO_PAULO).date().replace(day=1)
    won_deals = sum(r["is_won"] for r in deals)
    closed = won_deals + sum(r["is_lost"] for r in deals)
    occupied = sum(1 for row in vehicles if row["is_occupied"])
    headlines = {
        "open-value": brl(sum(row["open_amount"] for row in stages)),
        "won-this-month": brl(sum(row["won_amount"] for row in won if row["won_month"] == month)),
        "win-rate": pct(won_deals / closed),
        "approved-value": brl(sum(row["final_value"] for row in proposals if row["status"] == "approved")),
        "occupancy": pct(occupied / len(vehicles)),
        "overdue": str(len(overdue)),
    }
    return headlines, charts


def assert_page_shows(page, ploomes: Warehouse, hivestr: Warehouse) -> None:
    headlines, charts = expected_figures(ploomes, hivestr)
    shown = page.eval_on_selector_all(
        "[data-headline]",
        "cards => Object.fromEntries(cards.map(c => [c.dataset.headline, c.querySelector('.value').textContent]))",
    )
    assert {key: shown.get(key) for key in headlines} == headlines
    drawn = page.evaluate(PAGE_CHARTS)
    assert sorted(drawn) == sorted(charts)
    for chart, traces in charts.items():
        if any(value for points in traces.values() for value in points.values()):  # an empty pipeline has no marks
            assert drawn[chart]["points"] > 0, f"{chart}: nothing drawn"
        got = drawn[chart]["traces"]
        assert sorted(got) == sorted(traces), chart
        for trace, points in traces.items():
            assert sorted(got[trace]) == sorted(points), (chart, trace)
            for category, value in points.items():
                rounding = ROUNDED_TO.get(chart, 0.005)
                assert got[trace][category] == pytest.approx(value, abs=rounding * 1.01), (chart, trace, category)
    # the stage-history mart is another piece of work: until it exists, the page says so
    if "ploomes-stage-history" not in charts:
        notice = page.inner_text("[data-chart=ploomes-stage-history]")
        assert "ainda não construída" in notice and "ploomes__deal_stage_history" in notice
    assert_health_shows(page, ploomes, hivestr)


# each sync-health row of the page: (system, table) -> (last run's status, its words, requests as shown)
HEALTH_ROWS = """rows => Object.fromEntries(rows.map(r => [
    r.closest('[data-health]').dataset.health + '.' + r.dataset.table,
    [r.dataset.runStatus, r.querySelector('td.last_run').textContent, r.querySelector('td.requests').textContent],
]))"""


def assert_health_shows(page, ploomes: Warehouse, hivestr: Warehouse) -> None:
    """Every table of both sync-health marts, with its last run's status and requests as the mart has them."""
    columns = "table_name, last_run_status, last_run_requests"
    marts = ploomes.query_all(
        [
            f"select {columns} from {ploomes.dataset}_analytics.ploomes__sync_health",
            f"select {columns} from {hivestr.dataset}_analytics.hivestr__sync_health",
        ]
    )
    expected = {
        f"{system}.{row['table_name']}": [
            row["last_run_status"] or "",
            PT["run_statuses"][row["last_run_status"]] if row["last_run_status"] else "—",
            "" if row["last_run_requests"] is None else f"{row['last_run_requests']:,}".replace(",", "."),
        ]
        for system, rows in zip(("ploomes", "hivestr"), marts, strict=True)
        for row in rows
    }
    assert page.eval_on_selector_all("[data-health] tr[data-table]", HEALTH_ROWS) == expected
    assert {status for status, _, _ in expected.values()} >= {"ok"}  # the loads recorded their runs


@pytest.mark.parametrize("destination", ["duckdb"])
@pytest.mark.parametrize("sim_config", [{"scale": 60}])
@pytest.mark.parametrize("hivestr_config", [{"scale": 40}])
def test_the_page_shows_the_marts_offline(browser, loaded, tmp_path):
    ploomes, hivestr = loaded
    options = RunOptions(destination="duckdb", duckdb_path=ploomes.duckdb_path)
    datasets = {"ploomes": ploomes.dataset, "hivestr": hivestr.dataset}
    path = dashboard.write_from_warehouse(options, datasets, tmp_path / "dashboard.html")
    html = path.read_text()
    assert html.count("plotly.js v") == 1 and "<script src" not in html and "<link" not in html

    page = open_offline(browser, path)
    assert_page_shows(page, ploomes, hivestr)
    for section in ("ploomes", "hivestr", "health"):
        page.locator(f"section#{section}").screenshot(path=tmp_path / f"{section}.png")
    assert page.errors == [] and page.left_file == []

    # a dataset that was never loaded: said so, not drawn as zero
    missing = dashboard.write_from_warehouse(options, {**datasets, "hivestr": "nowhere"}, tmp_path / "missing.html")
    page = open_offline(browser, missing)
    assert "sem dados: nowhere_analytics" in page.inner_text("section#hivestr")
    assert page.locator("section#hivestr [data-headline], section#hivestr .js-plotly-plot").count() == 0
    assert page.errors == [] and page.left_file == []


@pytest.mark.parametrize("destination", [pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("sim_config", [{"scale": 30}])
@pytest.mark.parametrize("hivestr_config", [{"scale": 20}])
def test_the_script_draws_postgres_marts(browser, loaded, tmp_path, postgres_dsn):
    ploomes, hivestr = loaded
    path = tmp_path / "dashboard.html"
    command = [sys.executable, "pipelines/dashboard.py", "--destination", "postgres", "--output", str(path)]
    command += ["--ploomes-dataset", ploomes.dataset, "--hivestr-dataset", hivestr.dataset]
    env = script_env(tmp_path / "dlt", DESTINATION__POSTGRES__CREDENTIALS=postgres_dsn)
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"dashboard: {path}" in done.stdout
    page = open_offline(browser, path)
    assert_page_shows(page, ploomes, hivestr)
    assert page.errors == [] and page.left_file == []
