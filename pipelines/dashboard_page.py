"""The dashboard as one self-contained HTML page: styles and plotly.js inline (once, for every chart), no request
leaves the file, so it opens offline and can be mailed."""

from __future__ import annotations

import datetime as dt
from html import escape

import plotly.io as pio
from plotly.offline import get_plotlyjs

from pipelines.dashboard_charts import FAILING, Chart, Headline, Section
from pipelines.dashboard_queries import Rows
from pipelines.dashboard_text import Formats

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 24px; font-family: system-ui, sans-serif; color: #222; background: #f4f5f7; }
header { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 24px 0 10px; border-bottom: 2px solid #2f6fb0; padding-bottom: 4px; }
h3 { font-size: 13px; margin: 0 0 6px; font-weight: 600; }
.generated { color: #666; font-size: 13px; }
.headlines { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 12px; }
.headline { background: white; border-radius: 6px; padding: 10px 16px; min-width: 220px; box-shadow: 0 1px 2px #0002; }
.headline .label { font-size: 12px; color: #555; }
.headline .value { font-size: 24px; font-weight: 700; margin: 2px 0; }
.headline .detail { font-size: 12px; color: #666; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
.card { background: white; border-radius: 6px; padding: 10px 12px; box-shadow: 0 1px 2px #0002; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.notice { color: #8a6d00; background: #fff8db; border-radius: 4px; padding: 10px; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; background: white; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e3e3; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.stale td { background: #fde2e2; color: #8b1a1a; font-weight: 600; }
tr.failing td { background: #f8c9c9; color: #7a0f0f; font-weight: 600; }
td.message { font-size: 12px; font-weight: 400; overflow-wrap: anywhere; min-width: 16em; }
tr.not-loaded td { background: #eee; color: #666; font-style: italic; }
"""


def render(sections: list[Section], text: Formats, generated_at: dt.datetime) -> str:
    lang = "pt-BR" if text.lang == "pt" else "en"
    body = "\n".join(_section(section, text) for section in sections)
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(text("title"))}</title>
<style>{STYLE}</style>
<script>{get_plotlyjs()}</script>
</head>
<body>
<header><h1>{escape(text("title"))}</h1>
<span class="generated">{escape(text("generated", when=text.moment(generated_at)))}</span></header>
{body}
</body>
</html>
"""


def _section(section: Section, text: Formats) -> str:
    parts = [f'<section id="{section.key}"><h2>{escape(section.title)}</h2>']
    if section.notice:
        parts.append(f'<p class="notice">{escape(section.notice)}</p>')
    if section.headlines:
        parts.append('<div class="headlines">' + "".join(map(_headline, section.headlines)) + "</div>")
    if section.charts:
        parts.append('<div class="grid">' + "".join(map(_chart, section.charts)) + "</div>")
    if section.tables:
        tables = "".join(_health_table(system, rows, text) for system, rows in section.tables)
        parts.append(f'<div class="grid">{tables}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def _headline(headline: Headline) -> str:
    return (
        f'<div class="headline" data-headline="{headline.key}"><div class="label">{escape(headline.label)}</div>'
        f'<div class="value">{escape(headline.value)}</div><div class="detail">{escape(headline.detail)}</div></div>'
    )


def _chart(chart: Chart) -> str:
    if chart.figure is None:
        inner = f'<p class="notice">{escape(chart.notice)}</p>'
    else:
        inner = pio.to_html(chart.figure, full_html=False, include_plotlyjs=False, div_id=chart.key, config=PLOT_CONFIG)
    wide = " wide" if chart.wide else ""
    return f'<div class="card{wide}" data-chart="{chart.key}"><h3>{escape(chart.title)}</h3>{inner}</div>'


HEALTH_COLUMNS = ("table", "rows", "last_changed", "last_load", "age", "freshness",
                  "last_run", "requests", "retries", "message")  # fmt: skip
NUMBER_COLUMNS = {"rows", "age", "requests", "retries"}


def _health_table(system: str, rows: Rows | None, text: Formats) -> str:
    title = f"<h3>{escape(text(system))}</h3>"
    if rows is None:
        return f'<div class="card" data-health="{system}">{title}<p class="notice">{escape(text("no_data"))}</p></div>'
    header = "".join(f"<th>{escape(text(key))}</th>" for key in HEALTH_COLUMNS)
    lines = [_health_row(row, text) for row in sorted(rows, key=_most_urgent_first)]
    table = f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
    return f'<div class="card wide" data-health="{system}">{title}{table}</div>'


def _most_urgent_first(row: dict) -> tuple:
    return (row["last_run_status"] not in FAILING, row["freshness"] == "fresh", row["table_name"])


def _health_row(row: dict, text: Formats) -> str:
    never_read = row["last_changed_at"] is None and not row["live_rows"]
    status = text("table_not_loaded") if never_read else text(row["freshness"])
    failing = row["last_run_status"] in FAILING
    css = "failing" if failing else "not-loaded" if never_read else "stale" if row["freshness"] != "fresh" else "fresh"
    cells = {
        "table": escape(row["table_name"]),
        "rows": "—" if never_read else text.integer(int(row["live_rows"])),
        "last_changed": text.moment(row["last_changed_at"]) if row["last_changed_at"] else "—",
        "last_load": text.moment(row["last_successful_load_at"]) if row["last_successful_load_at"] else "—",
        "age": _number(row["hours_since_last_successful_load"], text),
        "freshness": escape(status),
        "last_run": escape(text.run_status(row["last_run_status"])),
        "requests": _number(row["last_run_requests"], text),
        "retries": _number(row["last_run_retries"], text),
        "message": escape(row["last_run_message"] or ""),
    }
    tds = "".join(
        f'<td class="{key}{" number" if key in NUMBER_COLUMNS else ""}">{cell}</td>' for key, cell in cells.items()
    )
    run_status = escape(row["last_run_status"] or "")
    return f'<tr class="{css}" data-table="{escape(row["table_name"])}" data-run-status="{run_status}">{tds}</tr>'


def _number(value: object, text: Formats) -> str:
    return "" if value is None else text.integer(int(value))
