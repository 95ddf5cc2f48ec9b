"""Small deterministic building blocks: seeded per-row randomness, Ploomes date-times, Brazilian documents."""

from __future__ import annotations

import random
import time
import uuid
import zlib
from datetime import datetime, timedelta, timezone

# Date-times are kept as 100 ns ticks since the Unix epoch: .NET's resolution, so the 7 fractional digits Ploomes
# sometimes sends survive (a float second would not), and numpy compares them as plain int64.
TICKS_PER_SECOND = 10_000_000
BRT = timezone(timedelta(hours=-3))  # Ploomes answers in -03:00 whatever the account's zone
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MASK = (1 << 64) - 1


def mix(*parts: int) -> int:
    """A 64-bit hash of integers (splitmix64 rounds): cheap, stable across runs, unlike hash()."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = (h ^ (part & _MASK)) * 0xBF58476D1CE4E5B9 & _MASK
        h = (h ^ (h >> 31)) * 0x94D049BB133111EB & _MASK
        h ^= h >> 29
    return h


def name_code(name: str) -> int:
    """A stable integer for a name, to salt `mix` per entity or purpose."""
    return zlib.crc32(name.encode())


def row_random(*parts: int) -> random.Random:
    return random.Random(mix(*parts))


def ticks_from_datetime(value: datetime) -> int:
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * TICKS_PER_SECOND + delta.microseconds * 10


def ticks_from_epoch(seconds: float) -> int:
    return round(seconds * TICKS_PER_SECOND)


def now_ticks() -> int:
    return time.time_ns() // 100


def format_ticks(ticks: int) -> str:
    """`2023-03-07T12:39:44.957-03:00`: as many fractional digits as the value needs (0 to 7), like .NET's FFFFFFF."""
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    local = _EPOCH_NAIVE + timedelta(seconds=seconds - 3 * 3600)
    text = local.isoformat()  # no microseconds: "YYYY-MM-DDTHH:MM:SS", several times faster than strftime
    if fraction:
        text += "." + f"{fraction:07d}".rstrip("0")
    return text + "-03:00"


_EPOCH_NAIVE = datetime(1970, 1, 1)


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _check_digit(digits: list[int], weights: range | list[int]) -> int:
    remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if remainder < 2 else 11 - remainder


def cpf(rng: random.Random) -> str:
    """A CPF with valid check digits, formatted 000.000.000-00."""
    digits = [rng.randrange(10) for _ in range(9)]
    digits.append(_check_digit(digits, range(10, 1, -1)))
    digits.append(_check_digit(digits, range(11, 1, -1)))
    s = "".join(map(str, digits))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def cnpj(rng: random.Random) -> str:
    """A CNPJ (head office, /0001) with valid check digits, formatted 00.000.000/0001-00."""
    digits = [rng.randrange(10) for _ in range(8)] + [0, 0, 0, 1]
    digits.append(_check_digit(digits, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]))
    digits.append(_check_digit(digits, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]))
    s = "".join(map(str, digits))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def slug(text: str) -> str:
    """ASCII lower-case for e-mail addresses and URLs."""
    table = str.maketrans("áàâãäéèêëíìîïóòôõöúùûüçñ", "aaaaaeeeeiiiiooooouuuucn")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum() or ch == ".")
