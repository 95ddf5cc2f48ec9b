"""Everything an ERP simulator can be told, in-process (ErpConfig) or on the command line (the same names)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from simulators.core import ptbr
from simulators.core.config import SimulatorConfig
from simulators.core.documents import digits_only
from simulators.erp.switches import SWITCH_NAMES, Switches

DEFAULT_TOKEN = "erp-demo-token-7c41d9e2"
DEFAULT_PORT = 8013
API_PREFIX = "/api"
# Default paths, relative to the base URL (which ends in API_PREFIX): /notes/erp-interface.md's table.
CLIENT_PATH = "/clientes/{cnpj_cpf}"
INVOICES_PATH = "/clientes/{id_cliente}/faturas"
LIST_PATHS = {
    "products": "/produtos",
    "resellers": "/revendedores",
    "departments": "/funcionarios",
    "due_dates": "/vencimentos",
    "origins": "/origens",
    "cities": "/cidades",
    "prospect_statuses": "/status_prospectos",
}


@dataclass(frozen=True)
class ErpConfig(SimulatorConfig):
    seed: int = 3
    # CPF/CNPJs (formatted or digits only) the ERP has as clients, e.g. some of the CRM's contacts' registers; 11
    # digits make a person (tipo_pessoa F), 14 a company (J). Duplicates (same digits) count once.
    registers: tuple[str, ...] = ()
    extra_clients: int = 20  # generated clients besides `registers` (CPF/CNPJs no CRM contact has)
    products: int = 12
    resellers: int = 6
    departments: int = 8
    due_dates: int = 6
    origins: int = 8
    cities: int = 20
    token: str = DEFAULT_TOKEN
    token_header: str = "Authorization"
    token_scheme: str = "Bearer"  # "" expects the bare token in token_header
    requests_per_window: int | None = 600  # per token; None: unlimited. Over it: 429 with Retry-After
    rate_window_seconds: float = 60.0  # the budget's sliding window
    clock: Callable[[], float] = time.monotonic  # the budget's clock: tests move time instead of sleeping
    # The wire shape (simulators/erp/switches.py); changeable at runtime with ErpSimulator.set_switches.
    list_shape: str = "array"
    list_wrapper_key: str = "dados"
    values_as_strings: bool = True
    null_as_blank: bool = True
    money_format: str = "br"
    date_format: str = "br"
    booleans: str = "SN"
    cities_fields: str = "contract"
    extra_fields: bool = False
    unknown_client: str = "404"

    def __post_init__(self) -> None:
        if self.shapes:
            raise ValueError("the ERP simulator has no named shapes: set its switches instead (list_shape=...)")
        for register in self.registers:
            if len(digits_only(register)) not in (11, 14):
                raise ValueError(f"registers: {register!r} is neither a CPF (11 digits) nor a CNPJ (14 digits)")
        counts = ("extra_clients", "products", "resellers", "departments", "due_dates", "origins", "cities")
        for name in counts:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.products < 1 or self.cities < 1:
            raise ValueError("the ERP needs at least one product and one city (installations draw on them)")
        if self.due_dates > 28:
            raise ValueError("due_dates: at most 28 (one per day of the month)")
        if self.cities > len(ptbr.CITIES):
            raise ValueError(f"cities: at most {len(ptbr.CITIES)} (the real cities the simulators know)")
        self.switches()  # fail early on a bad switch value

    def switches(self) -> Switches:
        return Switches(**{name: getattr(self, name) for name in SWITCH_NAMES})
