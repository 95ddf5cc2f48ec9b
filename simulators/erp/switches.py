"""How the simulated ERP spells its answers: the contract's samples are loose, so each looseness is a switch.

The defaults follow the samples (every scalar a string, "" for a missing value, "S"/"N" flags). Switches can change
while the simulator runs (`sim.set_switches(...)`, `PATCH /_sim/switches`), so a test loads once in each shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

# The choices of each switch with a fixed set of values, the default first (the booleans and list_wrapper_key
# are free).
CHOICES: dict[str, tuple[str, ...]] = {
    "list_shape": ("array", "wrapped", "single_object"),
    "money_format": ("br", "dot", "number"),
    "date_format": ("br", "iso"),
    "booleans": ("SN", "json"),
    "cities_fields": ("contract", "id_cidade"),
    "unknown_client": ("404", "empty_object", "empty_list", "blank"),
}


@dataclass(frozen=True)
class Switches:
    # "array": a top-level JSON array; "wrapped": {list_wrapper_key: [...]}; "single_object": a one-item list comes
    # as that bare object (top level only; a client's `servicos` stay an array)
    list_shape: str = "array"
    list_wrapper_key: str = "dados"
    # True: ids, coordinates and other numbers as strings ("17"); money and flags follow their own switches
    values_as_strings: bool = True
    null_as_blank: bool = True  # a missing value as "" (True) or null
    money_format: str = "br"  # "1.234,56" | "1234.56" | 1234.56
    date_format: str = "br"  # dd/mm/aaaa | aaaa-mm-dd
    booleans: str = "SN"  # "S"/"N" | true/false
    # "contract": the sample's id_tipo_de_atendimento, nome, obs; "id_cidade": id_cidade, nome, uf, codigo_ibge, obs
    cities_fields: str = "contract"
    extra_fields: bool = False  # every record (services too) gains `codigo_integracao`, a field the contract lacks
    # a CPF/CNPJ the ERP does not know: 404, {}, [] or the client object with every field ""
    unknown_client: str = "404"

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {getattr(self, name)!r}")
        for name in ("values_as_strings", "null_as_blank", "extra_fields"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false; got {getattr(self, name)!r}")
        if not isinstance(self.list_wrapper_key, str) or not self.list_wrapper_key:
            raise ValueError("list_wrapper_key must be a non-empty string")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


SWITCH_NAMES = tuple(field.name for field in fields(Switches))
