"""Typed views as JSON the way the switches say: strings or numbers, "" or null, money, dates and flags, lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from simulators.erp.switches import Switches

# Typed values as plain JSON, for the admin routes: numbers as numbers, null, money "1234.56", ISO dates, true/false.
AS_JSON = Switches(values_as_strings=False, null_as_blank=False, money_format="dot", date_format="iso", booleans="json")


def money(value: Decimal, money_format: str) -> str | float:
    if money_format == "number":
        return float(value)
    if money_format == "dot":
        return f"{value:.2f}"
    return f"{value:,.2f}".translate(str.maketrans(",.", ".,"))  # 1,234.56 -> 1.234,56


def encode(value: Any, switches: Switches) -> Any:
    if value is None:
        return "" if switches.null_as_blank else None
    if isinstance(value, dict):
        return {key: encode(item, switches) for key, item in value.items()}
    if isinstance(value, list):
        return [encode(item, switches) for item in value]
    if isinstance(value, bool):
        return value if switches.booleans == "json" else ("S" if value else "N")
    if isinstance(value, Decimal):
        return money(value, switches.money_format)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if switches.date_format == "br" else value.isoformat()
    if isinstance(value, (int, float)):
        return str(value) if switches.values_as_strings else value
    return value


def list_body(items: list[dict[str, Any]], switches: Switches) -> Any:
    """A list answer: a bare array, an object wrapping it, or a lone item as the bare object."""
    encoded = [encode(item, switches) for item in items]
    if switches.list_shape == "wrapped":
        return {switches.list_wrapper_key: encoded}
    if switches.list_shape == "single_object" and len(encoded) == 1:
        return encoded[0]
    return encoded
