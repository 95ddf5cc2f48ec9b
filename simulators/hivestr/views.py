"""Records as the API shows them: embedded clients, users and vehicles, proposal totals, tasks summaries.

Joins read the current records, as a database view would: renaming a client changes the `client` object inside
its proposals and deals (without moving their updated_at). Totals and summaries are computed at request time.
"""

from __future__ import annotations

import numpy as np

from simulators.hivestr.dataset import Dataset
from simulators.hivestr.pricing import proposal_totals
from simulators.hivestr.table import NO_INSTANT, NO_ROW, Record
from simulators.hivestr.times import DAY, brasilia_day, format_instant

_PROPOSAL_LIST_FIELDS = (
    "id", "proposal_number", "title", "description", "status", "total_value", "discount_percentage",
    "discount_value", "final_value", "valid_until", "campaign_start_date", "campaign_end_date", "bonus_days",
    "created_at", "created_via", "client",
)  # fmt: skip
_PROPOSAL_DETAIL_FIELDS = (
    "id", "proposal_number", "title", "description", "status", "total_value", "discount_percentage",
    "discount_value", "final_value", "campaign_start_date", "campaign_end_date", "bonus_days", "valid_until",
    "notes", "commercial_notes", "created_at", "updated_at", "created_via", "client",
)  # fmt: skip
_CLIENT_PROPOSAL_FIELDS = (
    "id", "proposal_number", "title", "status", "total_value", "final_value", "discount_percentage",
    "campaign_start_date", "campaign_end_date", "created_at",
)  # fmt: skip
_PENDING_STATUSES = ("draft", "sent", "viewed", "pre_approved")


def _user(ds: Dataset, row: int) -> Record | None:
    if row == NO_ROW:
        return None
    users = ds.tables["users"]
    return {"id": users.id_of(row), "full_name": users.base(row)["full_name"]}


def _with_user(ds: Dataset, record: Record, user_row: int) -> Record:
    """The record with a `user` object after its user_id (notes, deals and tasks show who owns them)."""
    shown: Record = {}
    for name, value in record.items():
        shown[name] = value
        if name == "user_id":
            shown["user"] = _user(ds, user_row)
    return shown


# --- inventory ----------------------------------------------------------------------------------------------------
def inventory_item(ds: Dataset, row: int) -> Record:
    return ds.tables["inventory"].record(row)


def media_schedule(ds: Dataset, row: int) -> Record:
    record = ds.tables["media_schedules"].record(row)
    del record["inventory_id"]  # the doc's schedules do not repeat their vehicle
    return record


def inventory_detail(ds: Dataset, row: int) -> Record:
    schedules = ds.tables["media_schedules"].children(row)
    return {**inventory_item(ds, row), "media_schedules": [media_schedule(ds, r) for r in schedules.tolist()]}


def media_vehicle(ds: Dataset, row: int) -> Record | None:
    inventory = ds.tables["inventory"]
    if not inventory.is_alive(row):
        return None  # the vehicle was deleted after the proposal was made
    record = inventory.record(row)
    return {name: record[name] for name in ("id", "name", "media_type", "city", "state")}


# --- clients and notes ----------------------------------------------------------------------------------------
def client(ds: Dataset, row: int) -> Record:
    return ds.tables["clients"].record(row)


def client_detail(ds: Dataset, row: int) -> Record:
    rows = ds.tables["proposals"].children(row).tolist()
    proposals = [proposal_summary(ds, r) for r in rows]
    by_status = [p["status"] for p in proposals]
    stats = {
        "total": len(proposals),
        "approved": by_status.count("approved"),
        "pending": sum(by_status.count(status) for status in _PENDING_STATUSES),
        "rejected": by_status.count("rejected"),
        # the money the client was offered and agreed to, after discounts
        "total_value": sum(p["final_value"] for p in proposals),
        "approved_value": sum(p["final_value"] for p in proposals if p["status"] == "approved"),
    }
    summaries = [{name: p[name] for name in _CLIENT_PROPOSAL_FIELDS} for p in proposals]
    return {**client(ds, row), "proposals": summaries, "proposal_stats": stats}


def note(ds: Dataset, row: int) -> Record:
    notes = ds.tables["notes"]
    record = _with_user(ds, notes.record(row), notes.raw(row, "user_id"))
    del record["user_id"]  # the doc's notes carry only the user object
    return record


# --- proposals ----------------------------------------------------------------------------------------------------
def _client_reference(ds: Dataset, client_row: int) -> Record:
    record = ds.tables["clients"].record(client_row)
    return {name: record[name] for name in ("id", "name", "email", "company_name")}


def _proposal(ds: Dataset, row: int) -> Record:
    """Every field a proposal view may show, totals included."""
    proposals, items = ds.tables["proposals"], ds.tables["proposal_items"]
    record = proposals.record(row)
    totals = proposal_totals(record, (items.base(r).get("final_price") for r in items.children(row).tolist()))
    record.update(
        total_value=totals.total_value,
        discount_value=totals.discount_value,
        final_value=totals.final_value,
        client=_client_reference(ds, proposals.raw(row, "client_id")),
    )
    return record


def proposal_summary(ds: Dataset, row: int) -> Record:
    """A proposal list row: no updated_at, no internal notes (the doc's list example has neither)."""
    record = _proposal(ds, row)
    return {name: record[name] for name in _PROPOSAL_LIST_FIELDS}


def proposal(ds: Dataset, row: int, with_items: bool = True) -> Record:
    record = _proposal(ds, row)
    shown = {name: record[name] for name in _PROPOSAL_DETAIL_FIELDS}
    if with_items:
        shown["proposal_items"] = [proposal_item(ds, r) for r in ds.tables["proposal_items"].children(row).tolist()]
    return shown


def proposal_item(ds: Dataset, row: int) -> Record:
    items = ds.tables["proposal_items"]
    record = items.record(row)
    del record["proposal_id"]
    record["media_vehicle"] = media_vehicle(ds, items.raw(row, "vehicle_id"))
    return record


# --- pipeline -----------------------------------------------------------------------------------------------------
def tasks_summary(ds: Dataset, deal_row: int, now: int) -> Record:
    tasks = ds.tables["tasks"]
    rows = tasks.children(deal_row)
    due = tasks.column("due_at")[rows]
    pending = tasks.column("is_completed")[rows] != tasks.code("is_completed", True)
    dated = pending & (due != NO_INSTANT)
    upcoming = due[dated & (due >= now)]
    return {
        "pending": int(pending.sum()),
        "total": len(rows),
        "overdue": int((dated & (due < now)).sum()),
        "due_soon": int((dated & (due < now + DAY)).sum()),  # overdue ones included, as the doc's example counts
        "next_due_at": format_instant(int(upcoming.min())) if len(upcoming) else None,
    }


def deal(ds: Dataset, row: int, now: int) -> Record:
    deals = ds.tables["deals"]
    record = _with_user(ds, deals.record(row), deals.raw(row, "user_id"))
    client_record = ds.tables["clients"].record(deals.raw(row, "client_id"))
    shown: Record = {}
    for name, value in record.items():
        shown[name] = value
        if name == "client_id":
            shown["client"] = {name: client_record[name] for name in ("id", "name", "company_name")}
    shown["tasks_summary"] = tasks_summary(ds, row, now)
    return shown


def task(ds: Dataset, row: int) -> Record:
    tasks = ds.tables["tasks"]
    return _with_user(ds, tasks.record(row), tasks.raw(row, "user_id"))


def reminder_rows(ds: Dataset, now: int, user_row: int | None = None) -> np.ndarray:
    """Pending tasks due before now + 24 h (overdue ones included), soonest first."""
    tasks, deals = ds.tables["tasks"], ds.tables["deals"]
    due = tasks.column("due_at")
    pending = tasks.column("is_completed") != tasks.code("is_completed", True)
    rows = np.flatnonzero(tasks.alive & pending & (due != NO_INSTANT) & (due < now + DAY))
    if user_row is not None:
        owners = deals.column("user_id")[tasks.column("deal_id")[rows]]
        rows = rows[(tasks.column("user_id")[rows] == user_row) | (owners == user_row)]
    return rows[np.lexsort((rows, due[rows]))]


def reminder(ds: Dataset, row: int, now: int) -> Record:
    tasks, deals = ds.tables["tasks"], ds.tables["deals"]
    due = tasks.raw(row, "due_at")
    deal_row = tasks.raw(row, "deal_id")
    if due < now:
        urgency = "overdue"
    elif brasilia_day(due) == brasilia_day(now):
        urgency = "due_today"
    else:
        urgency = "due_soon"
    assignee = _user(ds, tasks.raw(row, "user_id"))
    return {
        "id": tasks.id_of(row),
        "title": tasks.base(row)["title"],
        "due_at": format_instant(due),
        "urgency": urgency,
        "deal_id": deals.id_of(deal_row),
        "deal_title": deals.base(deal_row)["title"],
        "pipeline_stage": deals.value(deal_row, "pipeline_stage"),
        "client_name": ds.tables["clients"].base(deals.raw(deal_row, "client_id"))["name"],
        "assignee_name": assignee["full_name"] if assignee else None,
    }


# --- the truth accessor's shapes ----------------------------------------------------------------------------------
def truth(ds: Dataset, entity: str, row: int, now: int) -> Record:
    """The record as the API shows it in its own endpoint, with the owner's id where the API leaves it out."""
    if entity == "inventory":
        return inventory_item(ds, row)
    if entity == "media_schedules":
        return ds.tables["media_schedules"].record(row)
    if entity == "clients":
        return client(ds, row)
    if entity == "notes":
        return note(ds, row)
    if entity == "proposals":
        return {**proposal(ds, row, with_items=False), "client_id": ds.tables["proposals"].value(row, "client_id")}
    if entity == "proposal_items":
        return {**proposal_item(ds, row), "proposal_id": ds.tables["proposal_items"].value(row, "proposal_id")}
    if entity == "deals":
        return deal(ds, row, now)
    if entity == "tasks":
        return task(ds, row)
    if entity == "users":
        return ds.tables["users"].record(row)
    raise KeyError(f"unknown entity {entity!r}")
