"""Every ERP table in one place: one entry per GET request of the integration contract (seeds/003).

An entry names its table (English, snake_case), the setting under `[sources.erp.paths]` that holds its path, its key,
the contract's fields (which become the columns, names kept) and the kind of each field that is not text. Declared, a
column has one type whatever form the ERP sent its values in (values.py); a field the contract does not list loads as
a column of its own, typed by dlt from its values.

Adding a list is one entry here, a default path in settings.py and its texts in descriptions.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .values import BOOLEAN, DATE, DECIMAL, MONEY, TEXT, column_name


@dataclass(frozen=True)
class Entity:
    table: str
    path: str  # its key in [sources.erp.paths]
    key: str  # the column that identifies a row (text: ERPs number their records as they like)
    fields: tuple[str, ...]  # the contract's fields, as it spells them
    kinds: Mapping[str, str] = field(default_factory=dict)  # column -> kind, for the fields that are not text
    # The fields the key is taken from, the first present: the cities sample carries another list's id
    # (`id_tipo_de_atendimento`) where `id_cidade` would be.
    key_from: tuple[str, ...] = ()
    references: Mapping[str, str] = field(default_factory=dict)  # column -> the table whose key it holds

    @property
    def column_kinds(self) -> dict[str, str]:
        """Every contract column's kind (text unless declared), the key's included."""
        declared = {column_name(name): TEXT for name in (self.key, *self.fields, *self.key_from)}
        return {**declared, **self.kinds}

    def column_hints(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: the key first, then the contract's fields in its order, each of its kind's type."""
        hints = {column: {"name": column, "data_type": DATA_TYPES[kind]} for column, kind in self.column_kinds.items()}
        hints[self.key] = {**hints[self.key], "nullable": False}
        return hints


# kind -> dlt data type. Money is exact (decimal); coordinates are measures (double).
DATA_TYPES = {
    TEXT: "text",
    MONEY: "decimal",
    DECIMAL: "double",
    DATE: "date",
    BOOLEAN: "bool",
    "timestamp": "timestamp",
}
_ADDRESS = ("cep", "endereco", "numero", "complemento", "bairro", "cidade", "uf", "latitude", "longitude")
_COORDINATES = {"latitude": DECIMAL, "longitude": DECIMAL}
_NAMED = ("nome", "obs")

CLIENTS = Entity(
    "clients",
    "clients",
    "id_cliente",
    [
        "id_cliente",
        "nome",
        "fantasia",
        "tipo_pessoa",
        "cnpj_cpf",
        "ie_identidade",
        "rg_orgao_emissor",
        "inscricao_municipal",
        "contribuinte_icms",
        "nacionalidade",
        "cidade_naturalidade",
        "estado_nascimento",
        "data_nascimento",
        "estado_civil",
        "ativo",
        "Sexo",
        "profissao",
        "data_cadastro",
    ]
    + [*_ADDRESS, "fone", "telefone_comercial", "telefone_celular", "whatsapp", "email", "obs", "alerta"],
    kinds={
        "contribuinte_icms": BOOLEAN,
        "ativo": BOOLEAN,
        "data_nascimento": DATE,
        "data_cadastro": DATE,
        **_COORDINATES,
    },
)
# From the invoices request (`/clientes/{id_cliente}/faturas`): a client's installations, each with its services.
INSTALLATIONS = Entity(
    "installations",
    "invoices",
    "id_instalacao",
    ("id_instalacao", "id_cliente", *_ADDRESS, "obs"),
    kinds=_COORDINATES,
    references={"id_cliente": "clients"},
)
SERVICES_FIELD = "servicos"  # an installation's list of services
INSTALLATION_SERVICES = Entity(
    "installation_services",
    "invoices",
    "id",  # made from the installation, the service's place in its list and its id_servico (sources/children.py)
    ("id", "id_cliente", "id_instalacao", "id_servico", "nome", "descricao", "valor", "status", "obs"),
    kinds={"valor": MONEY},
    references={"id_cliente": "clients", "id_instalacao": "installations", "id_servico": "products"},
)

# The lists: read whole, one request each, and replaced every run.
LISTS: tuple[Entity, ...] = (
    Entity("products", "products", "id_servico", ("id_servico", "nome", "descricao", "valor", "obs"), {"valor": MONEY}),
    Entity("resellers", "resellers", "id_revendedor", ("id_revendedor", *_NAMED)),
    # The contract calls it "funcionários" (staff), and its sample lists departments.
    Entity("departments", "departments", "id_departamento", ("id_departamento", *_NAMED)),
    Entity("due_dates", "due_dates", "id_vencimento", ("id_vencimento", "data", "obs")),
    Entity("origins", "origins", "id_origem", ("id_origem", *_NAMED)),
    Entity(
        "cities",
        "cities",
        "id_cidade",
        ("id_cidade", "nome", "uf", "codigo_ibge", "obs"),
        key_from=("id_cidade", "id_tipo_de_atendimento", "codigo_ibge"),
    ),
    Entity("prospect_statuses", "prospect_statuses", "status_prospeccao", ("status_prospeccao", *_NAMED)),
)

LISTS_BY_TABLE = {entity.table: entity for entity in LISTS}
CLIENT_TABLES = (CLIENTS.table, INSTALLATIONS.table, INSTALLATION_SERVICES.table)
ALL_TABLES: tuple[str, ...] = (*(entity.table for entity in LISTS), *CLIENT_TABLES)
