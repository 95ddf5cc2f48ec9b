"""The tolerant reader: what the ERP contract's loose samples allow, turned into rows of declared types.

The contract (seeds/003) shows every value as a JSON string, `""` for a missing one, and its list samples are not
even JSON (`{ [ ... ] }`). An ERP built to it may send a top-level array, an object wrapping one array, or a single
object for a list of one; numbers as numbers or as text in Brazilian (`1.234,56`) or dot (`1234.56`) notation; dates
as `dd/mm/aaaa` or ISO; booleans as `"S"`/`"N"` or true/false. Every function here is pure: the same value gives the
same typed value whichever of those forms it came in, so a column keeps one type across ERPs and runs.

A value that does not fit its declared type is loaded as sent (dlt puts it in a `<column>__v_text` variant column)
and reported with its table, column and record id: a surprise in one value never costs the row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from dlt.common.normalizers.naming.snake_case import NamingConvention

Row = dict[str, Any]

# The kinds a contract field may be declared as (entities.py); everything not declared otherwise is text.
TEXT, MONEY, DECIMAL, DATE, TIMESTAMP, BOOLEAN = "text", "money", "decimal", "date", "timestamp", "boolean"
TRUE_WORDS = frozenset({"s", "sim", "y", "yes", "true", "t", "1", "ativo"})
FALSE_WORDS = frozenset({"n", "nao", "não", "no", "false", "f", "0", "inativo"})
_BR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_NAMING = NamingConvention()


class ShapeError(ValueError):
    """A response that holds no list of records in any form the reader accepts."""


@dataclass(frozen=True)
class Misfit:
    """A value that does not fit its column's declared type: loaded as sent, and reported."""

    column: str
    value: Any
    kind: str

    def describe(self, table: str, record_id: Any) -> str:
        return (
            f"{table}: record {record_id}, column {self.column}: {self.value!r} is not {_KIND_NOUNS[self.kind]}; "
            f"loaded as sent, in {self.column}__v_text"
        )


def list_items(body: Any) -> list[Any]:
    """The items of a list response: a top-level array, an object wrapping one array (`{"dados": [...]}`, whatever
    the key, a count or status beside it allowed), an object wrapping one record, or a bare object standing for a
    list of one. `null` and `{}` are an empty list. An item that is not an object is the caller's to report."""
    if body is None:
        return []
    if isinstance(body, list):
        return list(body)
    if not isinstance(body, dict):
        raise ShapeError(f"expected a JSON array or object, got {type(body).__name__}")
    if not body:
        return []
    lists = [value for value in body.values() if isinstance(value, list)]
    objects = [value for value in body.values() if isinstance(value, dict)]
    # A record carries its own id (`id_...`) beside any list of children (an installation's `servicos`)
    has_id = any(key.lower().startswith("id_") for key in body)
    if len(lists) == 1 and not objects and not has_id and all(isinstance(item, dict) for item in lists[0]):
        return list(lists[0])
    if len(body) == 1 and objects:
        return list_items(objects[0])
    return [body]


def record_or_none(body: Any) -> Row | None:
    """A client lookup's record; None when the ERP says it does not know the CPF/CNPJ in any of its ways: `{}`,
    `[]`, `null`, or an object whose every value is blank."""
    items = list_items(body)
    if not items:
        return None
    record = items[0]
    if not isinstance(record, dict):
        raise ShapeError(f"expected a client object, got {type(record).__name__}: {str(record)[:40]!r}")
    if all(is_blank(value) for value in record.values()):
        return None
    return record


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def column_name(field: str) -> str:
    """The warehouse column of a contract field, as dlt names it (`Sexo` -> `sexo`)."""
    return _NAMING.normalize_identifier(field)


def typed_row(record: Mapping[str, Any], kinds: Mapping[str, str]) -> tuple[Row, list[Misfit]]:
    """The record with column names as dlt makes them, `""` as null, and each declared column's value of its kind
    (kinds maps column -> kind; undeclared columns keep their value, text stays text). Lists and objects are left
    to the caller. Returns the row and the values that did not fit."""
    row: Row = {}
    misfits: list[Misfit] = []
    for field, value in record.items():
        column = column_name(field)
        kind = kinds.get(column)
        typed, fits = typed_value(value, kind)
        row[column] = typed
        if not fits:
            misfits.append(Misfit(column, value, kind or TEXT))
    return row, misfits


def typed_value(value: Any, kind: str | None) -> tuple[Any, bool]:
    """(the value as `kind`, whether it fit). Blank is null whatever the kind; a misfit comes back as text."""
    if is_blank(value):
        return None, True
    if isinstance(value, (list, dict)):
        return value, True
    parse = _PARSERS.get(kind or "")
    if parse is None:  # text, or undeclared: kept as text when declared, as sent when not
        return (as_text(value) if kind == TEXT else _stripped(value)), True
    try:
        return parse(value), True
    except (ValueError, InvalidOperation, ArithmeticError):
        return as_text(value), False


def as_text(value: Any) -> str:
    """Text as the ERP would have sent it in a string: 123 -> "123", 12.0 -> "12", True -> "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.strip() if isinstance(value, str) else str(value)


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def parse_money(value: Any) -> Decimal:
    """`1.234,56` (Brazilian), `1234.56` or `1,234.56`... (dot), `R$ 10,00`, or a JSON number -> Decimal."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace("R$", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        raise ValueError("empty")
    if "," in text and "." in text:
        # the separator that comes last is the decimal one
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif text.count(".") > 1:  # 1.234.567: thousands only
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        raise ValueError(f"not an amount: {value!r}")
    return Decimal(text)


def parse_decimal(value: Any) -> float:
    """Coordinates and other measures: a number, or text in either notation (`-23,5505` or `-23.5505`)."""
    return float(parse_money(value))


def parse_date(value: Any) -> date:
    """`dd/mm/aaaa` or ISO `aaaa-mm-dd` (a date-time's date part, in its own offset)."""
    text = str(value).strip()
    match = _BR_DATE.match(text)
    if match:
        day, month, year = (int(match.group(i)) for i in (1, 2, 3))
        return date(year, month, day)
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return date.fromisoformat(text)
    return parse_timestamp(text).date() if "T" in text or " " in text else date.fromisoformat(text)


def parse_timestamp(value: Any) -> datetime:
    """ISO 8601 (`2024-05-01T10:00:00-03:00`, `Z`) or `dd/mm/aaaa[ hh:mm[:ss]]`; without an offset it is Brasília
    time (UTC-3, the contract's ERPs are Brazilian). Stored in UTC."""
    text = str(value).strip()
    match = _BR_DATE.match(text)
    if match:
        day, month, year, hour, minute, second = (int(match.group(i) or 0) for i in range(1, 7))
        moment = datetime(year, month, day, hour, minute, second)
    else:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_BRASILIA)
    return moment.astimezone(timezone.utc)


def parse_boolean(value: Any) -> bool:
    """`"S"`/`"N"` (the contract's), true/false, 1/0, sim/não."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"not a yes/no: {value!r}")


def first_present(record: Mapping[str, Any], fields: Iterable[str]) -> tuple[str | None, Any]:
    """(field, value) of the first of `fields` the record holds with a value; (None, None) when none."""
    for field in fields:
        if not is_blank(record.get(field)):
            return field, record[field]
    return None, None


_BRASILIA = timezone(timedelta(hours=-3))
_KIND_NOUNS = {
    TEXT: "text",
    MONEY: "an amount",
    DECIMAL: "a number",
    DATE: "a date",
    TIMESTAMP: "a date-time",
    BOOLEAN: "a yes/no (S/N, true/false)",
}
_PARSERS = {
    MONEY: parse_money,
    DECIMAL: parse_decimal,
    DATE: parse_date,
    TIMESTAMP: parse_timestamp,
    BOOLEAN: parse_boolean,
}
