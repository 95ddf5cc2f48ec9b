"""Proposals with their items: creation, item replacement and the /proposals/calculate quote.

Used by the write endpoints (which insist on the documented required fields) and by the simulator's own insert
(which prices items it is not told the price of, so a test can write `{"vehicle_id": ..., "quantity": 3}`).
"""

from __future__ import annotations

from typing import Any

from simulators.hivestr import body as fields
from simulators.hivestr.dataset import Dataset
from simulators.hivestr.errors import Invalid, NotFound
from simulators.hivestr.pricing import BI_WEEK_DAYS, campaign_days, daily_item, discounted, slot_item
from simulators.hivestr.schema import BROADCAST_MEDIA
from simulators.hivestr.times import format_instant

Record = dict[str, Any]


def _vehicle(ds: Dataset, item: Record) -> tuple[int, Record]:
    vehicle_id = fields.text(item, "vehicle_id", required=True)
    try:
        row = ds.tables["inventory"].row_of(vehicle_id)
    except NotFound:
        raise Invalid(f"Veículo não encontrado: {vehicle_id}") from None
    return row, ds.tables["inventory"].record(row)


def _schedule(ds: Dataset, item: Record, vehicle_row: int, vehicle: Record) -> Record | None:
    if vehicle["media_type"] not in BROADCAST_MEDIA:
        return None
    schedule_id = fields.text(item, "schedule_id")
    if schedule_id is None:
        raise Invalid(f"schedule_id é obrigatório para itens de {vehicle['media_type']}")
    schedules = ds.tables["media_schedules"]
    try:
        row = schedules.row_of(schedule_id)
    except NotFound:
        row = -1
    if row < 0 or schedules.raw(row, "inventory_id") != vehicle_row:
        raise Invalid(f"Programação {schedule_id} não pertence ao veículo {vehicle['id']}")
    return schedules.record(row)


def item_fields(ds: Dataset, item: Any, days: int, *, require_prices: bool) -> Record:
    """A proposal_items record (without proposal_id) from one item of a request body."""
    if not isinstance(item, dict):
        raise Invalid("Cada item deve ser um objeto JSON")
    vehicle_row, vehicle = _vehicle(ds, item)
    schedule = _schedule(ds, item, vehicle_row, vehicle)
    quantity = fields.integer(item, "quantity", required=require_prices, minimum=1)
    discount = fields.percentage(item, "discount_percentage") or 0
    is_bonus = bool(fields.boolean(item, "is_bonus"))
    if schedule is not None:
        priced = slot_item(schedule, quantity or 1, discount, is_bonus)
    else:
        priced = daily_item(vehicle, quantity or days, discount, is_bonus)
    unit_price = fields.integer(item, "unit_price", required=require_prices)
    final_price = fields.integer(item, "final_price", required=require_prices)
    screens = fields.integer(item, "screen_quantity", minimum=1)
    return {
        "vehicle_id": vehicle["id"],
        "schedule_id": schedule["id"] if schedule else None,
        "quantity": priced["quantity"],
        "unit_price": priced["unit_price"] if unit_price is None else unit_price,
        "discount_percentage": discount,
        "final_price": priced["final_price"] if final_price is None else final_price,
        "is_bonus": is_bonus,
        "screen_quantity": vehicle["screen_quantity"] if screens is None else screens,
        "notes": fields.text(item, "notes"),
        "face_details": item.get("face_details"),
    }


def items_of(body: Record, *, required: bool) -> list[Any] | None:
    items = body.get("items")
    if items is None and not required:
        return None
    if not isinstance(items, list) or not items:
        raise Invalid("items é obrigatório (mínimo: 1 item)")
    return items


def create(ds: Dataset, proposal: Record, items: list[Any] | None, *, require_prices: bool) -> int:
    """Insert a proposal and its items (one change: the items do not bump it); returns its row."""
    with ds.lock:
        days = campaign_days(proposal)
        priced = [item_fields(ds, item, days, require_prices=require_prices) for item in items or ()]
        table = ds.tables["proposals"]
        number = f"PROP-{table.size + 1:04d}-{format_instant(ds.now())[2:4]}"
        row = ds.insert("proposals", {"proposal_number": number, **proposal})
        proposal_id = table.id_of(row)
        for item in priced:
            ds.insert("proposal_items", {**item, "proposal_id": proposal_id}, bump_parent=False)
        return row


def replace_items(ds: Dataset, row: int, items: list[Any], *, require_prices: bool) -> None:
    """Every current item goes, the new ones come (PUT /proposals/{id} with `items`); one change to the proposal."""
    with ds.lock:
        days = campaign_days(ds.tables["proposals"].record(row))
        priced = [item_fields(ds, item, days, require_prices=require_prices) for item in items]
        item_table = ds.tables["proposal_items"]
        for old in item_table.children(row).tolist():
            ds.delete("proposal_items", old, bump_parent=False)
        proposal_id = ds.tables["proposals"].id_of(row)
        for item in priced:
            ds.insert("proposal_items", {**item, "proposal_id": proposal_id}, bump_parent=False)
        ds.touch(ds.tables["proposals"], row)


def proposal_fields(body: Record, *, creating: bool) -> Record:
    """The proposal fields a POST (all documented ones) or PUT (those sent) carries."""
    valid_until = fields.date_text(body, "valid_until")
    values = {
        "title": fields.text(body, "title", required=creating),
        "description": fields.text(body, "description"),
        "discount_percentage": fields.percentage(body, "discount_percentage"),
        "discount_value": fields.integer(body, "discount_value"),
        "valid_until": f"{valid_until}T23:59:59Z" if valid_until else None,
        "notes": fields.text(body, "notes"),
        "commercial_notes": fields.text(body, "commercial_notes"),
    }
    if not creating:
        return values
    return {
        **{name: value for name, value in values.items() if value is not None},
        "campaign_start_date": fields.date_text(body, "campaign_start_date", required=True),
        "campaign_end_date": fields.date_text(body, "campaign_end_date", required=True),
        "bonus_days": fields.integer(body, "bonus_days") or 0,
        "created_via": "api",
    }


def calculate(ds: Dataset, body: Record) -> Record:
    """The documented quote: per-item prices, campaign period and summary, nothing stored."""
    period = {
        "campaign_start_date": fields.date_text(body, "campaign_start_date", required=True),
        "campaign_end_date": fields.date_text(body, "campaign_end_date", required=True),
    }
    days = campaign_days(period)
    bonus_days = fields.integer(body, "bonus_days") or 0
    discount = fields.percentage(body, "discount_percentage") or 0
    by_insertions = bool(fields.boolean(body, "sell_by_insertions"))
    per_screen = fields.integer(body, "daily_insertions_per_screen", minimum=1) or 50
    quoted = []
    with ds.lock:
        for item in items_of(body, required=True) or ():
            quoted.append(_quote(ds, item, days, by_insertions, per_screen))
    subtotal = sum(item["final_price"] for item in quoted)
    final_value = discounted(subtotal, discount)
    is_bi_week = days == BI_WEEK_DAYS
    return {
        "campaign_period": {
            "start_date": period["campaign_start_date"],
            "end_date": period["campaign_end_date"],
            "campaign_days": days,
            "is_bi_semana": is_bi_week,
            "bonus_days": bonus_days,
            "total_days": days + bonus_days,
        },
        "items": quoted,
        "summary": {
            "campaign_days": days,
            "is_bi_semana": is_bi_week,
            "subtotal": subtotal,
            "discount_percentage": discount,
            "discount_value": subtotal - final_value,
            "final_value": final_value,
            "total_screens": sum(item.get("screen_quantity") or 0 for item in quoted),
        },
    }


def _quote(ds: Dataset, item: Any, days: int, by_insertions: bool, per_screen: int) -> Record:
    if not isinstance(item, dict):
        raise Invalid("Cada item deve ser um objeto JSON")
    vehicle_row, vehicle = _vehicle(ds, item)
    schedule = _schedule(ds, item, vehicle_row, vehicle)
    is_bonus = bool(fields.boolean(item, "is_bonus"))
    quoted: Record = {
        "vehicle_id": vehicle["id"],
        "vehicle_name": vehicle["name"],
        "media_type": vehicle["media_type"],
        "is_bonus": is_bonus,
    }
    if schedule is not None:
        quantity = fields.integer(item, "quantity", minimum=1) or 1
        priced = slot_item(schedule, quantity, 0, is_bonus)
        quoted.update(schedule_id=schedule["id"], program_name=schedule["program_name"])
    elif by_insertions and vehicle["media_type"] == "DOOH":
        screens = vehicle["screen_quantity"] or 1
        insertions = days * per_screen * screens
        per_insertion = round(vehicle["unit_price"] / (vehicle["insertions_per_day"] or per_screen))
        priced = {"pricing_mode": "insertions", "unit_price": per_insertion, "quantity": insertions,
                  "discount_value": 0, "final_price": 0 if is_bonus else per_insertion * insertions}  # fmt: skip
    else:
        priced = daily_item(vehicle, days, 0, is_bonus)
        if vehicle["media_type"] == "OOH":
            quoted["face_orientation"] = item.get("face_orientation") or "Fluxo"
    quoted.update(
        screen_quantity=vehicle["screen_quantity"],
        campaign_days=days,
        discount_percentage=0,
        **priced,
    )
    return quoted
