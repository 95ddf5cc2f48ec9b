"""CPF and CNPJ: the keys that link a CRM contact to an ERP client.

A register is kept as its digits only (the ERP is asked for `/clientes/12345678909`): a CPF has 11 digits, a CNPJ 14,
each with its two check digits (mod 11). Anything else (a foreign document, a typo, a CPF of one repeated digit, which
passes the arithmetic but is never issued) is not looked up: the ERP could not know it, and asking would cost a
request every time the contact changes.
"""

from __future__ import annotations

from typing import Any

CPF_LENGTH, CNPJ_LENGTH = 11, 14
_CPF_WEIGHTS = (range(10, 1, -1), range(11, 1, -1))
_CNPJ_WEIGHTS = ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))


def digits_only(value: Any) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit()) if value is not None else ""


def valid_register(value: Any) -> str | None:
    """The digits of a valid CPF or CNPJ, however formatted (`123.456.789-09`, `12.345.678/0001-95`); None when
    `value` is none of them."""
    digits = digits_only(value)
    if len(digits) == CPF_LENGTH:
        weights = _CPF_WEIGHTS
    elif len(digits) == CNPJ_LENGTH:
        weights = _CNPJ_WEIGHTS
    else:
        return None
    if len(set(digits)) == 1:
        return None
    numbers = [int(ch) for ch in digits]
    body = len(digits) - 2
    for position, weight in enumerate(weights):
        if _check_digit(numbers[: body + position], weight) != numbers[body + position]:
            return None
    return digits


def _check_digit(numbers: list[int], weights: Any) -> int:
    remainder = sum(n * w for n, w in zip(numbers, weights, strict=True)) % 11
    return 0 if remainder < 2 else 11 - remainder
