"""Every Hivestr table in one place: one entry per list endpoint, with the child table its per-parent calls fill.

An entry says where the rows come from (`path`, and the `params` that lift the API's default filters), how a
changed row is recognised (`change_marker`), which nested objects become plain columns (`nested`), the column types
the API's JSON cannot say (money in centavos is bigint, dates and times are typed), and which columns reference
which tables (so `dlt pipeline hivestr schema --format mermaid` draws the graph).

The list endpoints have no updated-since filter: every run pages each list in full, which is cheap (100 rows per
request). What costs is the one request per parent that reads its children, so those are made only for parents
that are new or changed since the last run. A change to a child need not change its parent's list row, though (each
child below says why), so every parent's children are also read again within `children_max_age_days` (refresh.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]
Nested = Mapping[str, Mapping[str, str]]  # nested object -> {its field: the column it becomes}; the rest is dropped


def column_types(
    *,
    money: tuple[str, ...] = (),
    decimals: tuple[str, ...] = (),
    timestamps: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    times: tuple[str, ...] = (),
    integers: tuple[str, ...] = (),
    booleans: tuple[str, ...] = (),
) -> dict[str, dict[str, str]]:
    """dlt column hints, `id` (a UUID) first; money is integer centavos, timestamps are stored in UTC. Declared, a
    column keeps its type whatever a value looks like (a number sent as text is coerced to it)."""
    kinds = {
        "bigint": money + integers,
        "double": decimals,
        "timestamp": timestamps,
        "date": dates,
        "time": times,
        "bool": booleans,
    }
    declared = {name: {"name": name, "data_type": kind} for kind, names in kinds.items() for name in names}
    return {"id": {"name": "id", "data_type": "text", "nullable": False}, **declared}


def _always(_record: Row) -> bool:
    return True


def _is_broadcast(item: Row) -> bool:
    # Only TV and radio items have programme schedules; asking for the others would waste budget.
    return item.get("media_type") in ("TV", "RADIO")


def _unannounced(_record: Row) -> int | None:
    return None


def _tasks_total(deal: Row) -> int | None:
    summary = deal.get("tasks_summary")
    total = summary.get("total") if isinstance(summary, dict) else None
    return total if isinstance(total, int) else None


@dataclass(frozen=True)
class Child:
    """Rows read with one request (or one paged list) per parent, replaced as a set whenever the parent changes."""

    table: str
    parent_key: str  # column holding the parent's id
    path: str  # with `{id}` for the parent's id
    items: str | None = None  # the list inside the detail object; None when the endpoint returns (pages of) rows
    params: Mapping[str, str] = field(default_factory=dict)
    needs_request: Callable[[Row], bool] = _always  # parents for which it is False have no children: no request
    # How many children the parent row says it has (None: it does not say). A paged child list ends once it returned
    # that many, which is how a list that does not page at all (no `pagination`, `page` ignored) is read whole.
    announced_count: Callable[[Row], int | None] = _unannounced
    parent_from_detail: bool = False  # the detail is a fuller copy of the list row: store it as the parent row
    nested: Nested = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)  # column -> referenced table (its `id`)
    # The parent's field summarising these children's due dates, which the API recomputes from the clock (due.py)
    due_summary: str | None = None

    def __post_init__(self) -> None:
        if self.due_summary and self.parent_from_detail:
            raise ValueError(f"{self.table}: due_summary needs the list row to be the whole parent row")

    @property
    def paged(self) -> bool:
        return self.items is None


@dataclass(frozen=True)
class Entity:
    table: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    # The field whose value changes whenever the row does; None where rows carry none (or carry fields that change
    # without it): a hash of the whole row tells a change then.
    change_marker: str | None = "updated_at"
    nested: Nested = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    child: Child | None = None
    # One record, with `{id}`: a 404 there confirms a record missing from the list is gone; a record found there is
    # alive but hidden from the list, and the detail is its row (sources/hivestr/README.md, Deletions).
    detail: str | None = None
    detail_only: tuple[str, ...] = ()  # fields only the detail carries: left out of a row read from it
    # Rows the list hides by default that no `all` value asks for: {filter: values}. Each value that no row of the
    # complete list holds is listed on its own: the list hid them, or there are none (a request to know).
    listed_apart: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A short list read in one request and mirrored as is: rows no longer listed are deleted.
    snapshot: bool = False

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table, self.child.table) if self.child else (self.table,)


_CLIENT = {"client": {"id": "client_id", "name": "client_name"}}
_CREATED_UPDATED = ("created_at", "updated_at")

ENTITIES: tuple[Entity, ...] = (
    Entity(
        "inventory",
        "/public/inventory/list",
        detail="/public/inventory/{id}",
        detail_only=("media_schedules",),
        params={"media_type": "all", "is_active": "all"},
        columns=column_types(
            money=("base_price", "unit_price", "discounted_price"),
            decimals=("latitude", "longitude", "discount_percentage", "negotiation_margin_percentage"),
            timestamps=_CREATED_UPDATED,
            integers=("audience", "screen_quantity", "insertions_per_day", "total_daily_insertions"),
            booleans=("is_active", "is_occupied"),
        ),
        # A schedule changed need not move its item's updated_at.
        child=Child(
            "inventory_media_schedules",
            "inventory_id",
            "/public/inventory/{id}",
            items="media_schedules",
            needs_request=_is_broadcast,
            columns=column_types(
                money=("price_per_slot",),
                times=("start_time", "end_time"),
                integers=("available_slots", "audience"),
                booleans=("is_active",),
            ),
        ),
    ),
    Entity(
        "clients",
        "/public/clients",
        detail="/public/clients/{id}",
        detail_only=("proposals", "proposal_stats"),
        params={"status": "all"},
        columns=column_types(timestamps=_CREATED_UPDATED),
        # A note added, edited or deleted need not move its client's updated_at: the docs never say it does.
        child=Child(
            "client_notes",
            "client_id",
            "/public/clients/{id}/notes",
            params={"note_type": "all"},
            nested={"user": {"id": "user_id", "full_name": "user_name"}},
            columns=column_types(timestamps=("created_at",), booleans=("is_completed",)),
        ),
    ),
    Entity(
        "proposals",
        "/public/proposals",
        detail="/public/proposals/{id}",
        detail_only=("proposal_items",),
        params={"status": "all"},
        change_marker=None,  # list rows carry no updated_at
        nested=_CLIENT,
        columns=column_types(
            money=("total_value", "discount_value", "final_value"),
            decimals=("discount_percentage",),
            timestamps=("valid_until", *_CREATED_UPDATED),
            dates=("campaign_start_date", "campaign_end_date"),
            integers=("bonus_days",),
        ),
        references={"client_id": "clients"},
        # The list row shows the totals only: items replaced at the same totals, or an item's notes, leave it as it was.
        child=Child(
            "proposal_items",
            "proposal_id",
            "/public/proposals/{id}",
            items="proposal_items",
            parent_from_detail=True,
            # the vehicle's name, type and place are the inventory row's: keep only the reference
            nested={"media_vehicle": {"id": "vehicle_id"}},
            # discount_percentage is whole percent in every item seen, and loaded so since the first version
            columns=column_types(
                money=("unit_price", "final_price"),
                integers=("quantity", "discount_percentage", "screen_quantity"),
                booleans=("is_bonus",),
            ),
            references={"vehicle_id": "inventory"},
        ),
    ),
    Entity(
        "pipeline_deals",
        "/public/pipeline/deals",
        detail="/public/pipeline/deals/{id}",
        # The docs give no `all` for the deals list, and describe Ganho and Perdido as closed (out of the pipeline's
        # active value): a board of open deals would leave them out.
        listed_apart={"pipeline_stage": ("Ganho", "Perdido")},
        # tasks_summary changes when a task is added, completed or moved, whether or not updated_at moves
        change_marker=None,
        nested={
            **_CLIENT,
            "tasks_summary": {
                "pending": "tasks_pending",
                "total": "tasks_total",
                "overdue": "tasks_overdue",
                "due_soon": "tasks_due_soon",
                "next_due_at": "tasks_next_due_at",
            },
        },
        columns=column_types(
            money=("estimated_value",),
            timestamps=(*_CREATED_UPDATED, "tasks_next_due_at"),
            integers=("tasks_pending", "tasks_total", "tasks_overdue", "tasks_due_soon"),
        ),
        references={"client_id": "clients"},
        # tasks_summary counts the tasks and their due dates: a task renamed or reassigned leaves it as it was.
        child=Child(
            "pipeline_deal_tasks",
            "deal_id",
            "/public/pipeline/deals/{id}/tasks",
            announced_count=_tasks_total,  # the docs document no paging for this list
            due_summary="tasks_summary",
            columns=column_types(timestamps=("due_at", *_CREATED_UPDATED), booleans=("is_completed",)),
        ),
    ),
    Entity(
        "pipeline_reminders",
        "/public/pipeline/reminders",
        snapshot=True,
        columns=column_types(timestamps=("due_at",)),
        references={"deal_id": "pipeline_deals", "id": "pipeline_deal_tasks"},
    ),
)

ENTITIES_BY_TABLE: dict[str, Entity] = {entity.table: entity for entity in ENTITIES}
# Every table a run can write; a child table is read by its parent's resource.
ALL_TABLES: tuple[str, ...] = tuple(table for entity in ENTITIES for table in entity.tables)
