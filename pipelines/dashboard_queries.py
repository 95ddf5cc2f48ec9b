"""What the dashboard shows, read from the analytics marts (`<dataset>_analytics`) with SQL that runs on DuckDB and
Postgres alike. A mart that does not exist reads as None, never as no rows: the page says it is missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Rows = list[dict[str, Any]]
Query = Callable[[str], Rows]

MONTHS_SHOWN = 12
ACTIVITY_WEEKS = 8


@dataclass
class Marts:
    """The relations of one analytics dataset, read through `query`; `read` gives None for a missing mart."""

    schema: str
    query: Query
    relations: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, dataset: str, query: Query) -> Marts:
        schema = f"{dataset}_analytics"
        rows = query(f"select table_name from information_schema.tables where table_schema = '{schema}'")
        return cls(schema, query, {row["table_name"] for row in rows})

    def has(self, mart: str) -> bool:
        return mart in self.relations

    def read(self, mart: str, sql: str) -> Rows | None:
        """`sql` with `{mart}` standing for the mart's qualified name."""
        if not self.has(mart):
            return None
        return self.query(sql.format(mart=f"{self.schema}.{mart}"))

    def columns(self, mart: str) -> set[str]:
        rows = self.query(
            "select column_name from information_schema.columns "
            f"where table_schema = '{self.schema}' and table_name = '{mart}'"
        )
        return {row["column_name"] for row in rows}


def ploomes(marts: Marts) -> dict[str, Rows | None]:
    return {
        "open_by_stage": marts.read(
            "ploomes__open_pipeline_by_stage",
            """select pipeline_id, pipeline_name, stage_name, open_deals, open_amount from {mart}
            order by pipeline_position, pipeline_id, stage_position, stage_id""",
        ),
        "won_by_month": marts.read(
            "ploomes__won_revenue_by_month",
            "select won_month, owner_name, won_deals, won_amount from {mart} order by won_month, owner_name",
        ),
        "owners": marts.read(
            "ploomes__deals_enhanced",
            """select owner_name,
                sum(case when is_won then 1 else 0 end) as won_deals,
                sum(case when is_lost then 1 else 0 end) as lost_deals,
                avg(case when is_won then days_open end) as average_days_to_win
            from {mart} group by owner_name order by owner_name""",
        ),
        "activity": _last_weeks_of_activity(marts),
        "stage_history": _stage_history(marts),
    }


def _last_weeks_of_activity(marts: Marts) -> Rows | None:
    """Tasks completed plus interaction records per owner and week (from Monday), the last ACTIVITY_WEEKS weeks up to
    the latest day with activity: an account whose last activity is old still shows its last weeks."""
    mart = "ploomes__activity_daily"
    latest = marts.read(mart, "select max(activity_date) as latest from {mart}")
    if latest is None:
        return None
    if latest[0]["latest"] is None:
        return []
    last_day = _as_date(latest[0]["latest"])
    first_day = last_day - dt.timedelta(days=last_day.weekday() + 7 * (ACTIVITY_WEEKS - 1))
    return marts.read(
        mart,
        f"""select activity_date, owner_name, tasks_completed + interaction_records as activities from {{mart}}
        where activity_date >= cast('{first_day.isoformat()}' as date) order by activity_date, owner_name""",
    )


def _stage_history(marts: Marts) -> Rows | None:
    """Average days per stage over every stay in it, and the deals in it now. The mart gives days or hours."""
    mart = "ploomes__deal_stage_history"
    if not marts.has(mart):
        return None
    columns = marts.columns(mart)
    days = "days_in_stage" if "days_in_stage" in columns else "hours_in_stage / 24.0"
    return marts.read(
        mart,
        f"""select stage_name, avg({days}) as average_days,
            sum(case when is_current then 1 else 0 end) as current_deals
        from {{mart}} group by stage_name order by min(stage_id), stage_name""",
    )


def hivestr(marts: Marts) -> dict[str, Rows | None]:
    approved_by_media = None
    if marts.has("hivestr__proposals"):
        approved_by_media = marts.read(
            "hivestr__proposal_items",
            f"""select cast(date_trunc('month', proposals.created_date_local) as date) as created_month,
                items.media_type, sum(items.final_price) as approved_value
            from {{mart}} as items
            join {marts.schema}.hivestr__proposals as proposals on proposals.proposal_id = items.proposal_id
            where items.proposal_status = 'approved'
            group by 1, 2 order by 1, 2""",
        )
    return {
        "by_status": marts.read(
            "hivestr__proposals",
            """select status, count(*) as proposals, sum(final_value) as final_value from {mart}
            group by status order by sum(final_value) desc, status""",
        ),
        "approved_by_media": approved_by_media,
        "inventory": marts.read(
            "hivestr__inventory_schedules",
            """select media_type, count(distinct vehicle_id) as vehicles,
                count(distinct case when is_occupied then vehicle_id end) as occupied
            from {mart} group by media_type order by media_type""",
        ),
        "overdue": marts.read(
            "hivestr__overdue_tasks",
            """select assignee_name, count(*) as tasks from {mart}
            group by assignee_name order by count(*) desc, assignee_name""",
        ),
    }


# The last run's columns of a sync-health mart; a mart built before they existed reads them as empty.
LAST_RUN_COLUMNS = ("last_run_at", "last_run_status", "last_run_requests", "last_run_retries", "last_run_message")


def sync_health(marts: Marts, system: str) -> Rows | None:
    mart = f"{system}__sync_health"
    if not marts.has(mart):
        return None
    built = marts.columns(mart)
    last_run = ", ".join(column if column in built else f"null as {column}" for column in LAST_RUN_COLUMNS)
    return marts.read(
        mart,
        f"""select table_name, live_rows, last_changed_at, last_successful_load_at, hours_since_last_successful_load,
            freshness, {last_run} from {{mart}} order by table_name""",
    )


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
