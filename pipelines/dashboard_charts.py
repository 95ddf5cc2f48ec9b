"""The dashboard's sections: headline numbers and plotly charts built from the rows pipelines/dashboard_queries.py
reads. Values go to plotly as plain lists (not numpy arrays, which plotly would encode as binary), so a chart's data
in the page reads back as the numbers that were drawn."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from pipelines.dashboard_queries import MONTHS_SHOWN, Rows
from pipelines.dashboard_text import SAO_PAULO, Formats

CHART_HEIGHT = 330


@dataclass
class Headline:
    key: str
    label: str
    value: str  # as shown
    detail: str = ""


@dataclass
class Chart:
    key: str
    title: str
    figure: go.Figure | None = None
    notice: str = ""  # shown instead of the figure: the mart is missing, or holds no rows
    wide: bool = False  # takes the page's width (many owners: a long legend)


@dataclass
class Section:
    key: str
    title: str
    notice: str = ""  # the whole section's data is missing
    headlines: list[Headline] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[tuple[str, Rows | None]] = field(default_factory=list)  # sync health: (system, rows)


def _layout(figure: go.Figure, text: Formats, **layout: Any) -> go.Figure:
    defaults = {
        "height": CHART_HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "separators": ",." if text.lang == "pt" else ".,",
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
    }
    figure.update_layout(**{**defaults, **layout})
    figure.update_xaxes(automargin=True, gridcolor="#eee")
    figure.update_yaxes(automargin=True, gridcolor="#eee")
    return figure


def _chart(key: str, title: str, rows: Rows | None, text: Formats, missing: str, build, wide: bool = False) -> Chart:
    """`build(rows)` makes the figure; a missing mart or no rows gives a notice instead."""
    if rows is None:
        return Chart(key, title, notice=missing, wide=wide)
    if not rows:
        return Chart(key, title, notice=text("no_rows"), wide=wide)
    return Chart(key, title, build(rows), wide=wide)


def _money(rows: Rows, column: str) -> list[float]:
    return [round(float(row[column] or 0), 2) for row in rows]


def ploomes_section(data: dict[str, Rows | None] | None, schema: str, text: Formats, today: dt.date) -> Section:
    section = Section("ploomes", text("ploomes"))
    if data is None:
        section.notice = text("not_loaded", relation=schema)
        return section
    missing = text("not_loaded", relation=schema)
    section.headlines = _ploomes_headlines(data, text, today)
    stages = data["open_by_stage"]
    by_pipeline: dict[Any, Rows] = defaultdict(list)
    for row in stages or []:
        by_pipeline[(row["pipeline_id"], row["pipeline_name"])].append(row)
    if stages is None or not stages:
        section.charts.append(_chart("ploomes-funnel", text("funnel", pipeline=""), stages, text, missing, None))
    for (pipeline_id, name), rows in by_pipeline.items():
        title = text("funnel", pipeline=name)
        section.charts.append(Chart(f"ploomes-funnel-{pipeline_id}", title, _funnel(rows, text)))
    won = _last_months(data["won_by_month"])
    months = [row["won_month"] for row in won or []]
    title = text("won_by_month", first=text.month(min(months)), last=text.month(max(months))) if months else ""
    section.charts.append(
        _chart("ploomes-won-by-month", title or text("won_by_month", first="", last=""), won, text, missing,
               lambda rows: _stacked_money(rows, "won_month", "owner_name", "won_amount", text), wide=True)
    )  # fmt: skip
    owners = data["owners"]
    closed = [row for row in owners or [] if row["won_deals"] + row["lost_deals"]]
    winners = [row for row in owners or [] if row["average_days_to_win"] is not None]
    section.charts += [
        _chart("ploomes-owner-win-rate", text("owner_win_rate"), owners and closed, text, missing,
               lambda rows: _owner_bars(rows, [_win_rate(r) for r in rows], "percent", text)),
        _chart("ploomes-owner-days-to-win", text("owner_days_to_win"), owners and winners, text, missing,
               lambda rows: _owner_bars(rows, [round(float(r["average_days_to_win"]), 1) for r in rows], "days",
                                        text)),
    ]  # fmt: skip
    activity = data["activity"]
    days = [_day(row["activity_date"]) for row in activity or []]
    first, last = (_monday(min(days)), max(days)) if days else (today, today)
    section.charts.append(
        _chart("ploomes-activity", text("activity", first=text.date(first), last=text.date(last)), activity, text,
               missing, lambda rows: _weekly_activity(rows, text), wide=True)
    )  # fmt: skip
    not_built = text("not_built", relation=f"{schema}.ploomes__deal_stage_history")
    section.charts.append(
        _chart("ploomes-stage-history", text("stage_history"), data["stage_history"], text, not_built,
               lambda rows: _stage_days(rows, text))
    )  # fmt: skip
    return section


def _ploomes_headlines(data: dict[str, Rows | None], text: Formats, today: dt.date) -> list[Headline]:
    headlines = []
    stages, won, owners = data["open_by_stage"], data["won_by_month"], data["owners"]
    if stages is not None:
        value = sum(float(row["open_amount"] or 0) for row in stages)
        deals = sum(int(row["open_deals"]) for row in stages)
        headlines.append(
            Headline("open-value", text("open_value"), text.money(value), text("open_deals", count=text.integer(deals)))
        )
    if won is not None:
        month = today.replace(day=1)
        this_month = [row for row in won if _day(row["won_month"]) == month]
        value = sum(float(row["won_amount"]) for row in this_month)
        deals = sum(int(row["won_deals"]) for row in this_month)
        headlines.append(
            Headline(
                "won-this-month",
                text("won_this_month", month=text.month(month)),
                text.money(value),
                text("won_deals", count=text.integer(deals)),
            )
        )
    if owners is not None:
        won_deals = sum(int(row["won_deals"]) for row in owners)
        closed = won_deals + sum(int(row["lost_deals"]) for row in owners)
        headlines.append(
            Headline(
                "win-rate",
                text("win_rate"),
                text.percent(won_deals / closed) if closed else text("no_data"),
                text("win_rate_of", won=text.integer(won_deals), closed=text.integer(closed)),
            )
        )
    return headlines


def _last_months(rows: Rows | None) -> Rows | None:
    if not rows:
        return rows
    months = sorted({_day(row["won_month"]) for row in rows})[-MONTHS_SHOWN:]
    return [row for row in rows if _day(row["won_month"]) >= months[0]]


def _funnel(rows: Rows, text: Formats) -> go.Figure:
    amounts = _money(rows, "open_amount")
    labels = [
        f"{text.money(amount)} · {text.integer(row['open_deals'])} {text('deals')}"
        for amount, row in zip(amounts, rows, strict=True)
    ]
    trace = go.Funnel(
        name=rows[0]["pipeline_name"],
        y=[row["stage_name"] for row in rows],
        x=amounts,
        text=labels,
        textinfo="text",
        hovertemplate="%{y}: %{text}<extra></extra>",
        marker={"color": "#2f6fb0"},
        connector={"fillcolor": "#dbe7f3"},
    )
    return _layout(go.Figure(trace), text)


def _stacked_money(rows: Rows, x_column: str, name_column: str, value_column: str, text: Formats) -> go.Figure:
    """One bar trace per name, stacked over months."""
    months = sorted({_day(row[x_column]) for row in rows})
    by_name: dict[str, dict[dt.date, float]] = defaultdict(dict)
    for row in rows:
        name = row[name_column] or text("no_owner")
        month = _day(row[x_column])
        by_name[name][month] = round(by_name[name].get(month, 0) + float(row[value_column]), 2)
    figure = go.Figure(
        [
            go.Bar(
                name=name,
                x=[text.month(month) for month in months if month in values],
                y=[values[month] for month in months if month in values],
                customdata=[text.money(values[month]) for month in months if month in values],
                hovertemplate=f"{name} · %{{x}}: %{{customdata}}<extra></extra>",
            )
            for name, values in sorted(by_name.items())
        ]
    )
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=[text.month(m) for m in months])
    figure.update_yaxes(tickprefix="R$ ")
    return _layout(figure, text, barmode="stack", legend={"font": {"size": 11}})


def _win_rate(row: dict[str, Any]) -> float:
    return round(int(row["won_deals"]) / (int(row["won_deals"]) + int(row["lost_deals"])), 4)


def _owner_bars(rows: Rows, values: list[float], kind: str, text: Formats) -> go.Figure:
    """Horizontal bars, one per owner, the owners sorted by the value (the best on top)."""
    pairs = sorted(zip(values, [row["owner_name"] or text("no_owner") for row in rows], strict=True))
    shown = [text.percent(v) if kind == "percent" else f"{text.decimal(v)} {text('days')}" for v, _ in pairs]
    trace = go.Bar(
        name=text(kind) if kind == "days" else text("win_rate"),
        x=[value for value, _ in pairs],
        y=[owner for _, owner in pairs],
        orientation="h",
        text=shown,
        textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>",
        marker={"color": "#2f6fb0" if kind == "percent" else "#6a8f3a"},
    )
    figure = go.Figure(trace)
    figure.update_yaxes(type="category", tickfont={"size": 10})
    if kind == "percent":
        figure.update_xaxes(tickformat=".0%", range=[0, 1])
    return _layout(figure, text, height=max(CHART_HEIGHT, 18 * len(rows) + 40))


def _weekly_activity(rows: Rows, text: Formats) -> go.Figure:
    by_owner: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_owner[row["owner_name"] or text("no_owner")][_monday(_day(row["activity_date"]))] += int(row["activities"])
    weeks = sorted({week for weeks in by_owner.values() for week in weeks})
    figure = go.Figure(
        [
            go.Bar(
                name=owner,
                x=[text.date(week) for week in weeks if week in counts],
                y=[counts[week] for week in weeks if week in counts],
                hovertemplate=f"{owner} · %{{x}}: %{{y}} {text('activities')}<extra></extra>",
            )
            for owner, counts in sorted(by_owner.items())
        ]
    )
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=[text.date(w) for w in weeks])
    return _layout(figure, text, barmode="stack", legend={"font": {"size": 11}})


def _stage_days(rows: Rows, text: Formats) -> go.Figure:
    days = [round(float(row["average_days"] or 0), 1) for row in rows]
    trace = go.Bar(
        name=text("days"),
        x=days,
        y=[row["stage_name"] for row in rows],
        orientation="h",
        text=[
            f"{text.decimal(d)} {text('days')} · {text.integer(r['current_deals'])} {text('current_in_stage')}"
            for d, r in zip(days, rows, strict=True)
        ],
        textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>",
        marker={"color": "#8a5a9e"},
    )
    figure = go.Figure(trace)
    figure.update_yaxes(type="category", autorange="reversed")
    return _layout(figure, text)


def hivestr_section(data: dict[str, Rows | None] | None, schema: str, text: Formats) -> Section:
    section = Section("hivestr", text("hivestr"))
    if data is None:
        section.notice = text("not_loaded", relation=schema)
        return section
    missing = text("not_loaded", relation=schema)
    section.headlines = _hivestr_headlines(data, text)
    section.charts = [
        _chart("hivestr-proposals-by-status", text("by_status"), data["by_status"], text, missing,
               lambda rows: _proposals_by_status(rows, text)),
        _chart("hivestr-approved-by-media", text("approved_by_media"), data["approved_by_media"], text, missing,
               lambda rows: _stacked_money(rows, "created_month", "media_type", "approved_value", text)),
        _chart("hivestr-inventory", text("inventory"), data["inventory"], text, missing,
               lambda rows: _inventory(rows, text)),
        _chart("hivestr-overdue", text("overdue_by_seller"), data["overdue"], text, missing,
               lambda rows: _overdue(rows, text)),
    ]  # fmt: skip
    return section


def _hivestr_headlines(data: dict[str, Rows | None], text: Formats) -> list[Headline]:
    headlines = []
    if data["by_status"] is not None:
        approved = [row for row in data["by_status"] if row["status"] == "approved"]
        value = sum(float(row["final_value"]) for row in approved)
        count = sum(int(row["proposals"]) for row in approved)
        headlines.append(
            Headline(
                "approved-value",
                text("approved_value"),
                text.money(value),
                text("approved_count", count=text.integer(count)),
            )
        )
    if data["inventory"] is not None:
        total = sum(int(row["vehicles"]) for row in data["inventory"])
        occupied = sum(int(row["occupied"]) for row in data["inventory"])
        headlines.append(
            Headline(
                "occupancy",
                text("occupancy"),
                text.percent(occupied / total) if total else text("no_data"),
                text("occupancy_of", occupied=text.integer(occupied), total=text.integer(total)),
            )
        )
    if data["overdue"] is not None:
        tasks = sum(int(row["tasks"]) for row in data["overdue"])
        sellers = text("overdue_sellers", count=text.integer(len(data["overdue"])))
        headlines.append(Headline("overdue", text("overdue"), text.integer(tasks), sellers))
    return headlines


def _proposals_by_status(rows: Rows, text: Formats) -> go.Figure:
    values = _money(rows, "final_value")
    trace = go.Bar(
        name=text("proposals"),
        x=[text.status(row["status"]) for row in rows],
        y=values,
        text=[f"{text.money(v)} · {text.integer(r['proposals'])}" for v, r in zip(values, rows, strict=True)],
        textposition="outside",
        textangle=0,
        cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
        marker={"color": "#c0713a"},
    )
    figure = go.Figure(trace)
    figure.update_yaxes(tickprefix="R$ ")
    return _layout(figure, text)


def _inventory(rows: Rows, text: Formats) -> go.Figure:
    media = [row["media_type"] for row in rows]
    occupied = [int(row["occupied"]) for row in rows]
    free = [int(row["vehicles"]) - busy for row, busy in zip(rows, occupied, strict=True)]
    figure = go.Figure(
        [
            go.Bar(name=text("occupied"), x=media, y=occupied, marker={"color": "#c0713a"}),
            go.Bar(name=text("free"), x=media, y=free, marker={"color": "#9cc3a0"}),
        ]
    )
    return _layout(figure, text, barmode="stack")


def _overdue(rows: Rows, text: Formats) -> go.Figure:
    ordered = list(reversed(rows))  # the most overdue on top
    trace = go.Bar(
        name=text("tasks"),
        x=[int(row["tasks"]) for row in ordered],
        y=[row["assignee_name"] or text("no_owner") for row in ordered],
        orientation="h",
        marker={"color": "#b03a3a"},
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    figure = go.Figure(trace)
    figure.update_yaxes(type="category")
    figure.update_xaxes(dtick=1)
    return _layout(figure, text)


# A last run's statuses that mean the table was not read: shown in red, counted apart.
FAILING = ("failed", "skipped")


def health_section(tables: dict[str, Rows | None], schemas: dict[str, str], text: Formats) -> Section:
    section = Section("health", text("health"))
    known = [row for rows in tables.values() for row in rows or []]
    stale = [row for row in known if row["freshness"] != "fresh"]
    failing = [row for row in known if row["last_run_status"] in FAILING]
    if tables and any(rows is not None for rows in tables.values()):
        of_all = text("stale_of", count=text.integer(len(known)))
        section.headlines += [
            Headline("stale-tables", text("stale_tables"), text.integer(len(stale)), of_all),
            Headline("failing-tables", text("failing_tables"), text.integer(len(failing)), of_all),
        ]
    section.tables = [(system, tables[system]) for system in schemas]
    return section


def now_in_sao_paulo() -> dt.datetime:
    return dt.datetime.now(SAO_PAULO)


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
