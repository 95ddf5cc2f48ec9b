"""Small deterministic building blocks: seeded per-row randomness, Ploomes date-times, GUIDs."""

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
