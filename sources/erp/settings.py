"""Defaults of the ERP source; each one can be overridden in .dlt/config.toml (`[sources.erp]`) or by environment
variable (`SOURCES__ERP__<NAME>`, `SOURCES__ERP__PATHS__<TABLE>`)."""

from __future__ import annotations

from dlt.common.configuration import configspec
from dlt.common.configuration.specs import BaseConfiguration


@configspec
class ErpPaths(BaseConfiguration):
    """`[sources.erp.paths]`: each request's path, relative to base_url. The contract names none: these defaults are
    the ones agreed in notes/erp-interface.md. `{cnpj_cpf}` and `{id_cliente}` are filled in per client."""

    clients: str = "/clientes/{cnpj_cpf}"
    invoices: str = "/clientes/{id_cliente}/faturas"
    products: str = "/produtos"
    resellers: str = "/revendedores"
    departments: str = "/funcionarios"
    due_dates: str = "/vencimentos"
    origins: str = "/origens"
    cities: str = "/cidades"
    prospect_statuses: str = "/status_prospectos"


DEFAULT_PATHS: dict[str, str] = dict(ErpPaths())
# The placeholder each path must hold (the others hold none).
PATH_PLACEHOLDERS = {"clients": "{cnpj_cpf}", "invoices": "{id_cliente}"}

TOKEN_HEADER = "Authorization"
TOKEN_SCHEME = "Bearer"  # "" sends the bare token
# The contract says nothing of a limit; a guess that keeps a first load of a few thousand contacts under an hour.
REQUESTS_PER_MINUTE = 300
MAX_ATTEMPTS = 6
MAX_RETRY_WAIT_SECONDS = 300.0
READ_TIMEOUT_SECONDS = 60.0
CRM_DATASET = "ploomes"  # the dataset whose `contacts` give the CPF/CNPJs to look up
CRM_TABLE = "contacts"
CRM_REGISTER_COLUMN = "register"
# A client found is read again (with its installations) at least this often, even if its CRM contact is unchanged.
CLIENT_REFRESH_DAYS = 7.0
# A CPF/CNPJ the ERP does not know is asked for again only after this long (its contact changing does not hurry it).
UNKNOWN_RETRY_DAYS = 30.0
# A lookup that checks the clients path in --check: a CPF with valid check digits that no one is issued.
CHECK_REGISTER = "00000000191"

SETTING_HINTS = {
    "credentials": (
        "sources.erp.token (env SOURCES__ERP__TOKEN), sent as sources.erp.token_header and sources.erp.token_scheme"
    ),
    "base_url": "sources.erp.base_url (env SOURCES__ERP__BASE_URL) and the paths in [sources.erp.paths]",
    "rate_limit": "sources.erp.max_retry_wait_seconds (env SOURCES__ERP__MAX_RETRY_WAIT_SECONDS)",
    "retry": "sources.erp.max_attempts and sources.erp.max_retry_wait_seconds",
    "request": "the paths in [sources.erp.paths] (env SOURCES__ERP__PATHS__<TABLE>)",
}
