"""Each run's outcome, table by table, kept in the warehouse: the table `sync_runs` of the loaded dataset.

The summary a run prints is gone once the run ends; the sync-health marts (analytics/macros/sync_health.sql) and the
dashboard need it after. At the end of a run, once its loads are committed (tables that failed included, a run
stopped by a signal too; a killed one writes nothing), one row per table the run read and one row for the run as a
whole (table_name RUN_ROW) are written with SQL through the pipeline's own connection (a run's rows replace any
of the same run_id); pipelines/comments.py describes the table like the others. Retries are counted by the run's
HTTP clients, which serve every table: only the run's row has them. A row that cannot be written never fails the
run: the report warns.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import dlt

from sources.descriptions import TableText
from sources.http import redact
from sources.report import SyncReport, TableReport

TABLE = "sync_runs"
RUN_ROW = "(run)"  # the table_name of the run's own row: no table is named so
# TableReport.status -> what a row says
STATUSES = {"done": "ok", "resumes": "resumable"}
TEXT = TableText(
    "Each pipeline run's outcome, one row per table it read and one for the whole run (table_name '(run)'), "
    "written at the end of the run from its summary; the sync-health marts show each table's last one",
    {
        "run_id": "The run: the instant it started, UTC, as ISO text",
        "table_name": "The table the row is about, or '(run)' for the whole run",
        "started_at": "When the run started, UTC",
        "finished_at": "When the run's loads ended and this row was written, UTC",
        "rows": "Rows the run loaded into the table (the whole run's on the run's row)",
        "requests": "API requests the run made for the table; on the run's row, every request it sent",
        "retries": "Requests the run sent again (throttling, server errors); counted for the whole run, so only on "
        "the run's row, empty on the tables'",
        "status": "ok, failed, skipped (the account cannot read it), stopped (a signal), resumable (the next run "
        "continues it) or out_of_budget (the API's request budget ran out); the run's row: ok, failed, stopped or "
        "out_of_budget",
        "message": "Why, in one line, when the status is not ok (secrets masked); empty otherwise",
    },
)
# Written with SQL, not by a dlt run of its own: one would cost every run dlt's fixed time of a run (0.4 s), and
# `dlt pipeline <name> trace` would show that small run instead of the load.
SQL_TYPES = {"text": "text", "timestamp": "timestamp with time zone", "bigint": "bigint"}
COLUMN_TYPES = {
    "run_id": "text",
    "table_name": "text",
    "started_at": "timestamp",
    "finished_at": "timestamp",
    "rows": "bigint",
    "requests": "bigint",
    "retries": "bigint",
    "status": "text",
    "message": "text",
}


def record_run(pipeline: dlt.Pipeline, report: SyncReport) -> None:
    """Write the run's rows into `sync_runs`; a failure is a warning on the report, never the run's."""
    try:
        rows = run_rows(report, datetime.now(timezone.utc))
        with pipeline.sql_client() as client:
            table = client.make_qualified_table_name(TABLE)
            names = list(COLUMN_TYPES)
            declared = ", ".join(f"{client.escape_column_name(n)} {SQL_TYPES[COLUMN_TYPES[n]]}" for n in names)
            client.execute_sql(f"create table if not exists {table} ({declared})")
            columns = ", ".join(client.escape_column_name(n) for n in names)
            insert = f"insert into {table} ({columns}) values ({', '.join(['%s'] * len(names))})"
            with client.begin_transaction():
                client.execute_sql(f"delete from {table} where run_id = %s", rows[0]["run_id"])
                for row in rows:
                    client.execute_sql(insert, *(row[n] for n in names))
    except Exception as error:  # noqa: BLE001 - the loads are committed; their record must not fail them
        said = str(error).strip().splitlines()
        report.warn_run(
            f"this run's outcome was not written to {TABLE} ({redact(said[0]) if said else type(error).__name__})"
        )


def run_rows(report: SyncReport, finished_at: datetime) -> list[dict[str, Any]]:
    """The rows of one run: each table's, then the run's own."""
    run = {"run_id": report.started_at.isoformat(), "started_at": report.started_at, "finished_at": finished_at}
    rows = [
        {
            **run,
            "table_name": name,
            "rows": table.rows,
            "requests": table.requests,
            "retries": None,
            **_outcome(table),
        }  # fmt: skip
        for name, table in sorted(report.tables.items())
    ]
    totals = report.client_totals()
    rows.append(
        {
            **run,
            "table_name": RUN_ROW,
            "rows": sum(table.rows for table in report.tables.values()),
            "requests": int(totals.get("requests_sent", 0)),
            "retries": int(totals.get("retries", 0)),
            **_run_outcome(report),
        }
    )
    return rows


def _outcome(table: TableReport) -> dict[str, str | None]:
    status = STATUSES.get(table.status, table.status)
    message = {
        "failed": table.failed,
        "skipped": table.skipped,
        "stopped": "stopped by a signal before its end; the next run continues it",
        "out_of_budget": "the API's request budget ran out before its end; the next run continues it",
        "resumable": "stopped at the page limit; the next run continues it",
    }.get(status)
    return {"status": status, "message": redact(message) if message else None}


def _run_outcome(report: SyncReport) -> dict[str, str | None]:
    if report.stop.interrupted is not None:
        return {"status": "stopped", "message": f"the run was {report.stop.interrupted}"}
    if report.failed:
        return {"status": "failed", "message": f"failed: {', '.join(sorted(report.failed))}"}
    if report.resume_at is not None:
        resume_at = report.resume_at.isoformat(timespec="seconds")
        return {"status": "out_of_budget", "message": f"the API's request budget ran out; continue after {resume_at}"}
    return {"status": "ok", "message": None}
