"""Money, all in integer centavos: item prices, proposal totals and the /proposals/calculate quote.

Screens and boards (DOOH, OOH) are sold by the day: an item's unit_price is the vehicle's 30-day base_price and its
final_price the daily price (inventory unit_price) times the days. TV and radio are sold by the programme slot:
price_per_slot times the insertions. A bonus item costs nothing. A proposal's total is the sum of its items; its
discount is a percentage of that total, or an absolute discount_value when the percentage is 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from simulators.hivestr.errors import Invalid
from simulators.hivestr.times import DAY, date_seconds, parse_date

Record = dict[str, Any]
BI_WEEK_DAYS = 14  # OOH boards are traditionally sold in "bi-semanas"


def campaign_days(proposal: Record) -> int:
    try:
        start, end = parse_date(proposal["campaign_start_date"]), parse_date(proposal["campaign_end_date"])
    except (KeyError, TypeError, ValueError):
        raise Invalid("campaign_start_date e campaign_end_date devem ser datas YYYY-MM-DD") from None
    days = (date_seconds(end) - date_seconds(start)) // DAY + 1
    if days < 1:
        raise Invalid("campaign_end_date é anterior a campaign_start_date")
    return days


def discounted(gross: int, percentage: float) -> int:
    return round(gross * (100 - percentage) / 100)


@dataclass(frozen=True)
class Totals:
    total_value: int
    discount_value: int
    final_value: int


def proposal_totals(proposal: Record, item_prices: Iterable[int]) -> Totals:
    total = sum(price or 0 for price in item_prices)
    percentage = proposal.get("discount_percentage") or 0
    discount = round(total * percentage / 100) if percentage else min(total, proposal.get("discount_value") or 0)
    return Totals(total, discount, total - discount)


def daily_item(vehicle: Record, days: int, discount_percentage: float = 0, is_bonus: bool = False) -> Record:
    gross = vehicle["unit_price"] * days
    return {
        "pricing_mode": "daily",
        "daily_price": vehicle["unit_price"],
        "unit_price": vehicle["base_price"],
        "quantity": days,
        "discount_value": 0 if is_bonus else gross - discounted(gross, discount_percentage),
        "final_price": 0 if is_bonus else discounted(gross, discount_percentage),
    }


def slot_item(schedule: Record, quantity: int, discount_percentage: float = 0, is_bonus: bool = False) -> Record:
    gross = schedule["price_per_slot"] * quantity
    return {
        "pricing_mode": "per_slot",
        "unit_price": schedule["price_per_slot"],
        "quantity": quantity,
        "discount_value": 0 if is_bonus else gross - discounted(gross, discount_percentage),
        "final_price": 0 if is_bonus else discounted(gross, discount_percentage),
    }
