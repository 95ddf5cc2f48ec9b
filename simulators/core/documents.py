"""Brazilian taxpayer numbers: CPF (people) and CNPJ (companies), generated with valid check digits and checked."""

from __future__ import annotations

import random
import re

_CNPJ_FIRST_WEIGHTS = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
_CNPJ_SECOND_WEIGHTS = [6, *_CNPJ_FIRST_WEIGHTS]


def check_digit(digits: list[int], weights: range | list[int]) -> int:
    """The modulo-11 check digit CPF and CNPJ share: the weighted sum's remainder, 0 when below 2."""
    remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if remainder < 2 else 11 - remainder


def cpf(rng: random.Random) -> str:
    """A CPF with valid check digits, formatted 000.000.000-00."""
    digits = [rng.randrange(10) for _ in range(9)]
    digits.append(check_digit(digits, range(10, 1, -1)))
    digits.append(check_digit(digits, range(11, 1, -1)))
    s = "".join(map(str, digits))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def cnpj(rng: random.Random) -> str:
    """A CNPJ (head office, /0001) with valid check digits, formatted 00.000.000/0001-00."""
    digits = [rng.randrange(10) for _ in range(8)] + [0, 0, 0, 1]
    digits.append(check_digit(digits, _CNPJ_FIRST_WEIGHTS))
    digits.append(check_digit(digits, _CNPJ_SECOND_WEIGHTS))
    s = "".join(map(str, digits))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def digits_only(text: str) -> str:
    """`"123.456.789-09"` -> `"12345678909"`: how a CPF/CNPJ is compared and looked up, whatever its formatting."""
    return re.sub(r"\D", "", text)


def is_valid_cpf(text: str) -> bool:
    """11 digits (formatting ignored), not all the same, with both check digits right."""
    digits = [int(d) for d in digits_only(text)]
    return (
        len(digits) == 11
        and len(set(digits)) > 1
        and digits[9] == check_digit(digits[:9], range(10, 1, -1))
        and digits[10] == check_digit(digits[:10], range(11, 1, -1))
    )


def is_valid_cnpj(text: str) -> bool:
    """14 digits (formatting ignored), not all the same, with both check digits right."""
    digits = [int(d) for d in digits_only(text)]
    return (
        len(digits) == 14
        and len(set(digits)) > 1
        and digits[12] == check_digit(digits[:12], _CNPJ_FIRST_WEIGHTS)
        and digits[13] == check_digit(digits[:13], _CNPJ_SECOND_WEIGHTS)
    )
