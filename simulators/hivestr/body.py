"""Reading the JSON bodies of the write endpoints: required fields, types, allowed values (400 otherwise)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request

from simulators.hivestr.errors import Invalid
from simulators.hivestr.times import format_instant, parse_date, parse_instant

Body = dict[str, Any]


async def json_object(request: Request) -> Body:
    try:
        body = await request.json()
    except ValueError:
        raise Invalid("O corpo da requisição deve ser um JSON válido") from None
    if not isinstance(body, dict):
        raise Invalid("O corpo da requisição deve ser um objeto JSON")
    return body


def text(body: Body, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"Campo obrigatório: {name}")
        return None
    if not isinstance(value, str):
        raise Invalid(f"Campo {name} deve ser texto")
    return value


def integer(body: Body, name: str, *, required: bool = False, minimum: int = 0) -> int | None:
    """Whole numbers, as money in centavos, quantities and days are."""
    value = body.get(name)
    if value is None:
        if required:
            raise Invalid(f"Campo obrigatório: {name}")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Invalid(f"Campo {name} deve ser um inteiro >= {minimum} (valores monetários em centavos)")
    return value


def percentage(body: Body, name: str) -> float | int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise Invalid(f"Campo {name} deve ser um percentual entre 0 e 100")
    return value


def boolean(body: Body, name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise Invalid(f"Campo {name} deve ser true ou false")
    return value


def date_text(body: Body, name: str, *, required: bool = False) -> str | None:
    value = text(body, name, required=required)
    if value is not None:
        try:
            parse_date(value)
        except ValueError:
            raise Invalid(f"Campo {name} deve ser uma data YYYY-MM-DD") from None
    return value


def instant_text(body: Body, name: str) -> str | None:
    """An ISO 8601 date-time, normalised to the API's `2024-01-05T10:30:00Z`."""
    value = text(body, name)
    if value is None:
        return None
    try:
        return format_instant(parse_instant(value))
    except ValueError:
        raise Invalid(f"Campo {name} deve ser uma data-hora ISO 8601") from None


def one_of(body: Body, name: str, allowed: Iterable[str]) -> str | None:
    value = body.get(name)
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise Invalid(f"Campo {name} inválido: {value!r} (valores aceitos: {', '.join(allowed)})")
    return value


def present(body: Body, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields the body actually sent (a PUT/PATCH changes only those), at least one."""
    sent = {name: value for name, value in fields.items() if name in body}
    if not sent:
        raise Invalid("Envie ao menos um campo para atualizar")
    return sent
