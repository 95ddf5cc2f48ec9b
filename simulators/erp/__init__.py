"""A simulated ERP built to the integration contract (/api): clients by CPF/CNPJ, their installations and services,
and the lists, in deterministic pt-BR data; a header token, a request budget, faults, latency and wire-shape
switches, on top of simulators.core."""

from simulators.erp.config import (
    API_PREFIX,
    CLIENT_PATH,
    DEFAULT_TOKEN,
    INVOICES_PATH,
    LIST_PATHS,
    ErpConfig,
)
from simulators.erp.simulator import TABLES, ErpSimulator
from simulators.erp.switches import Switches

__all__ = [
    "API_PREFIX",
    "CLIENT_PATH",
    "DEFAULT_TOKEN",
    "INVOICES_PATH",
    "LIST_PATHS",
    "TABLES",
    "ErpConfig",
    "ErpSimulator",
    "Switches",
]
