"""ErpSimulator: the in-process handle on a simulated ERP (app, server, switches, truth, changes)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from simulators.core.documents import digits_only
from simulators.core.middleware import simulated
from simulators.core.ratelimit import RateLimiter, SlidingWindowLimiter, Unlimited
from simulators.core.server import BackgroundServer
from simulators.erp import views, wire
from simulators.erp.admin import admin_routes
from simulators.erp.app import build_api
from simulators.erp.auth import token_check
from simulators.erp.config import API_PREFIX, LIST_PATHS, ErpConfig
from simulators.erp.dataset import Dataset, NotFound
from simulators.erp.errors import render_error
from simulators.erp.records import LIST_FIELDS, Record
from simulators.erp.switches import Switches

TABLES = ("clients", "installations", "installation_services", *LIST_FIELDS)  # the warehouse tables, by name
_TABLE_OF_LIST_PATH = {path: table for table, path in LIST_PATHS.items()}


class ErpSimulator:
    """`sim.app` is the ASGI app (wrap it in httpx.ASGITransport with base URL `http://test/api`);
    `with sim.serve() as base_url:` serves it over loopback, base_url ending in /api.

    `sim.truth(table)` gives what a warehouse loaded from it should hold; `sim.set_switches(...)` changes how it
    answers; the change methods (update_client, add_installation, ...) change its data while it serves.
    """

    def __init__(self, config: ErpConfig | None = None):
        self.config = config = config or ErpConfig()
        self.dataset = Dataset(config)
        self.switches: Switches = config.switches()
        self.request_log = config.request_log()
        self.faults = config.fault_injector()
        self.latency = config.latency_model()
        self.limiter: RateLimiter = (
            SlidingWindowLimiter(config.requests_per_window, config.rate_window_seconds, config.clock)
            if config.requests_per_window
            else Unlimited()
        )
        self.app = simulated(
            build_api(lambda: self.dataset, lambda: self.switches),
            authenticate=token_check(config.token, config.token_header, config.token_scheme),
            render_error=render_error,
            limiter=self.limiter,
            faults=self.faults,
            latency=self.latency,
            log=self.request_log,
            store=self,
            on_reset=self._reset_data,
            admin_routes=admin_routes(self),
        )

    def serve(self) -> BackgroundServer:
        """A server for `with`: `with sim.serve() as base_url:` (127.0.0.1, a free port unless config.port);
        base_url is the API root (`.../api`), admin routes are at the server root (`/_sim/...`)."""
        return BackgroundServer(self.app, host=self.config.host, port=self.config.port, base_path=API_PREFIX)

    @property
    def auth_headers(self) -> dict[str, str]:
        """The header a client must send, as configured (token_header, token_scheme)."""
        scheme = self.config.token_scheme
        return {self.config.token_header: f"{scheme} {self.config.token}" if scheme else self.config.token}

    def set_switches(self, **changes: Any) -> Switches:
        """Change how the ERP answers from the next request on, e.g. `set_switches(list_shape="wrapped")`."""
        self.switches = replace(self.switches, **changes)
        return self.switches

    def reset(self, keep_data: bool = False) -> None:
        """Forget requests, faults and budgets; unless keep_data, regenerate the data from the seed and restore the
        configured switches."""
        self.request_log.clear()
        self.faults.clear()
        self.limiter.reset()
        self._reset_data(keep_data)

    def _reset_data(self, keep_data: bool) -> None:
        if not keep_data:
            self.dataset = Dataset(self.config)
            self.switches = self.config.switches()

    def request_count(self, path: str | None = None) -> int:
        """API requests answered so far; `path` relative to the base URL (`/produtos`) or absolute (`/api/...`)."""
        if path is not None and not path.startswith(API_PREFIX + "/"):
            path = API_PREFIX + path
        return self.request_log.count(path=path)

    def requests_by_table(self) -> dict[str, int]:
        """API requests answered so far (any status) by the warehouse table they feed: `clients` (lookups by
        CPF/CNPJ), `installations` (invoices), the lists; anything else (unknown paths) under `other`."""
        counts: dict[str, int] = {}
        for path, count in self.request_log.counters()["by_path"].items():
            table = table_of_path(path)
            counts[table] = counts.get(table, 0) + count
        return counts

    # --- truth for tests ----------------------------------------------------------------------------------------
    def truth(self, table: str) -> list[Record]:
        """The rows of a warehouse table as typed values (int ids, Decimal money, date, bool flags, None), in the
        fields the current switches show. clients: every client the ERP has (a warehouse holds those looked up:
        see clients_by_register); installations carry id_cliente, installation_services id_instalacao."""
        ds, shape = self.dataset, self.switches
        with ds.lock:
            if table == "clients":
                return [views.client(row, shape) for row in ds.clients.values()]
            if table == "installations":
                return [views.installation_row(row, shape) for row in ds.installations.values()]
            if table == "installation_services":
                return [item for row in ds.installations.values() for item in views.service_rows(row, shape)]
            if table in LIST_FIELDS:
                return [views.list_record(table, row, shape) for row in ds.lists[table].values()]
        raise ValueError(f"unknown table {table!r}; choose from {', '.join(TABLES)}")

    def clients_by_register(self) -> dict[str, Record]:
        """Every client's truth record by its CPF/CNPJ, digits only."""
        return {digits_only(row["cnpj_cpf"]): row for row in self.truth("clients")}

    def client(self, register_or_id: str | int) -> Record:
        """A client's truth record, by CPF/CNPJ (formatted or not) or id_cliente."""
        with self.dataset.lock:
            return views.client(self._client_record(register_or_id), self.switches)

    def installations_of(self, register_or_id: str | int) -> list[Record]:
        with self.dataset.lock:
            id_cliente = self._client_record(register_or_id)["id_cliente"]
            return [views.installation_row(row, self.switches) for row in self.dataset.installations_of(id_cliente)]

    def counts(self) -> dict[str, int]:
        with self.dataset.lock:
            return self.dataset.counts()

    def _client_record(self, register_or_id: str | int) -> Record:
        ds = self.dataset
        if isinstance(register_or_id, int):
            return ds.client(register_or_id)
        record = ds.client_by_register(register_or_id)
        if record is None:
            raise NotFound(f"no client with CPF/CNPJ {register_or_id}")
        return record

    # --- changes ------------------------------------------------------------------------------------------------
    def add_client(self, register: str, **fields: Any) -> Record:
        """A new client for a CPF/CNPJ (generated from the seed and the register, with 0-3 installations)."""
        return views.client(self.dataset.add_client(register, **fields), self.switches)

    def update_client(self, register_or_id: str | int, **changes: Any) -> Record:
        """Change a client's fields (e.g. `update_client("123.456.789-09", email="novo@exemplo.com.br")`)."""
        with self.dataset.lock:
            record = self.dataset.update_client(self._client_record(register_or_id)["id_cliente"], changes)
            return views.client(record, self.switches)

    def remove_client(self, register_or_id: str | int) -> None:
        """The ERP forgets a client and its installations; its CPF/CNPJ is unknown from then on."""
        with self.dataset.lock:
            self.dataset.remove_client(self._client_record(register_or_id)["id_cliente"])

    def add_installation(self, register_or_id: str | int, services: int | list[int] = 1, **fields: Any) -> Record:
        """A new installation of a client: `services` products drawn from the catalogue, or a list of id_servico."""
        with self.dataset.lock:
            id_cliente = self._client_record(register_or_id)["id_cliente"]
            record = self.dataset.add_installation(id_cliente, services, **fields)
            return views.installation_row(record, self.switches)

    def update_installation(self, id_instalacao: int, **changes: Any) -> Record:
        """Change an installation's fields; `servicos=[{"id_servico": 3}, ...]` replaces its services."""
        return views.installation_row(self.dataset.update_installation(id_instalacao, changes), self.switches)

    def update_service(self, id_instalacao: int, id_servico: int, **changes: Any) -> Record:
        """Change one service of an installation (e.g. `status="Suspenso"`, `valor="89.90"`)."""
        self.dataset.update_service(id_instalacao, id_servico, changes)
        return next(
            row
            for row in views.service_rows(self.dataset.installation(id_instalacao), self.switches)
            if row["id_servico"] == id_servico
        )

    def remove_installation(self, id_instalacao: int) -> None:
        self.dataset.remove_installation(id_instalacao)

    def add_product(self, **fields: Any) -> Record:
        """A new product (id_servico the next free one unless given), e.g. `add_product(nome="Fibra 2 Giga",
        valor="299.90")`."""
        return self.add_record("products", fields)

    def add_record(self, table: str, fields: dict[str, Any]) -> Record:
        """A new record of a list (products, resellers, departments, due_dates, origins, cities,
        prospect_statuses); cities take id_cidade/nome/uf/codigo_ibge/obs whatever cities_fields says."""
        return views.list_record(table, self.dataset.add_list_record(table, fields), self.switches)

    def update_record(self, table: str, record_id: int, **changes: Any) -> Record:
        return views.list_record(table, self.dataset.update_list_record(table, record_id, changes), self.switches)

    def remove_record(self, table: str, record_id: int) -> None:
        self.dataset.remove_list_record(table, record_id)

    # --- the admin routes' RecordStore (ids arrive as path text) ------------------------------------------------
    def insert(self, entity: str, record: Record) -> Record:
        """POST /_sim/records/{entity}: clients need `cnpj_cpf`; installations `id_cliente` (and optionally
        `servicos`, a count or a list of id_servico); lists take their fields. Answers in plain JSON."""
        fields = dict(record)
        if entity == "clients":
            created = self.add_client(_required(fields, "cnpj_cpf"), **fields)
        elif entity == "installations":
            id_cliente = _record_id(_required(fields, "id_cliente"))
            created = self.add_installation(id_cliente, fields.pop("servicos", 1), **fields)
        else:
            created = self.add_record(_list_entity(entity), fields)
        return wire.encode(created, wire.AS_JSON)

    def update(self, entity: str, record_id: str, changes: Record) -> Record:
        """PATCH /_sim/records/{entity}/{id}: a client by id_cliente or CPF/CNPJ."""
        if entity == "clients":
            updated = self.update_client(_client_key(record_id), **changes)
        elif entity == "installations":
            updated = self.update_installation(_record_id(record_id), **changes)
        else:
            updated = self.update_record(_list_entity(entity), _record_id(record_id), **changes)
        return wire.encode(updated, wire.AS_JSON)

    def delete(self, entity: str, record_id: str) -> None:
        if entity == "clients":
            self.remove_client(_client_key(record_id))
        elif entity == "installations":
            self.remove_installation(_record_id(record_id))
        else:
            self.remove_record(_list_entity(entity), _record_id(record_id))


def table_of_path(path: str) -> str:
    """The warehouse table an API path feeds (`/api/clientes/1001/faturas` -> installations), else "other"."""
    relative = path.removeprefix(API_PREFIX)
    parts = relative.strip("/").split("/")
    if parts[0] == "clientes" and len(parts) == 2 and parts[1]:
        return "clients"
    if parts[0] == "clientes" and len(parts) == 3 and parts[2] == "faturas":
        return "installations"
    return _TABLE_OF_LIST_PATH.get(relative, "other")


def _required(fields: Record, name: str) -> Any:
    if name not in fields:
        raise ValueError(f"{name} is required")
    return fields.pop(name)


def _record_id(text: Any) -> int:
    if isinstance(text, bool) or not str(text).isdigit():
        raise ValueError(f"expected an integer id, got {text!r}")
    return int(text)


def _client_key(text: str) -> str | int:
    """A client in a path: its id_cliente, or its CPF/CNPJ (11 or more characters)."""
    return text if len(text) >= 11 else _record_id(text)


def _list_entity(entity: str) -> str:
    if entity not in LIST_FIELDS:
        raise NotFound(f"unknown entity {entity!r}; choose from clients, installations, {', '.join(LIST_FIELDS)}")
    return entity
