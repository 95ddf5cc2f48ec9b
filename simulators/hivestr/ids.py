"""Record ids: lower-case UUIDs (v4 layout, as Postgres/Supabase hands them out) that encode the record's row.

No id -> row map is kept, so a million rows cost no memory for their ids. The lower 62 bits are the row number
through a keyed Feistel permutation (consecutive rows get unrelated-looking ids); the upper 64 bits are a hash of
those and of the entity, so an id of one entity never decodes as another's and a different seed gives other ids.
"""

from __future__ import annotations

import uuid

from simulators.ploomes.values import mix, name_code

_HALF_BITS = 31
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROW_MASK = (1 << (2 * _HALF_BITS)) - 1
_ROUNDS = 4
_VERSION_4 = 0x4000  # the version nibble's place in the upper 64 bits
_VERSION_MASK = 0xF000
_VARIANT = 0b10 << 62  # RFC 4122 variant in the top bits of the lower 64


class IdCodec:
    def __init__(self, seed: int):
        self.seed = seed
        self._keys = tuple(mix(seed, name_code("row-permutation"), k) for k in range(_ROUNDS))
        self._salts: dict[str, int] = {}

    def _salt(self, entity: str) -> int:
        salt = self._salts.get(entity)
        if salt is None:
            salt = self._salts[entity] = mix(self.seed, name_code(entity))
        return salt

    def encode(self, entity: str, row: int) -> str:
        salt = self._salt(entity)
        lower = self._permute(row) ^ (salt & _ROW_MASK)  # row 0 of two entities must not share its lower half
        upper = mix(salt, lower) & ~_VERSION_MASK | _VERSION_4
        return str(uuid.UUID(int=upper << 64 | _VARIANT | lower))

    def decode(self, entity: str, text: object) -> int | None:
        """The row an id stands for; None when it is not an id of this entity (the caller answers 404)."""
        if not isinstance(text, str):
            return None
        try:
            value = uuid.UUID(text).int
        except ValueError:
            return None
        salt = self._salt(entity)
        lower = value & _ROW_MASK
        if value >> 64 != mix(salt, lower) & ~_VERSION_MASK | _VERSION_4 or value & (0b11 << 62) != _VARIANT:
            return None
        return self._unpermute(lower ^ (salt & _ROW_MASK))

    def _permute(self, row: int) -> int:
        if not 0 <= row <= _ROW_MASK:
            raise ValueError(f"row {row} out of range")
        left, right = row >> _HALF_BITS, row & _HALF_MASK
        for key in self._keys:
            left, right = right, left ^ (mix(key, right) & _HALF_MASK)
        return left << _HALF_BITS | right

    def _unpermute(self, value: int) -> int:
        left, right = value >> _HALF_BITS, value & _HALF_MASK
        for key in reversed(self._keys):
            left, right = right ^ (mix(key, left) & _HALF_MASK), left
        return left << _HALF_BITS | right
