"""The ERP's records, generated from an ErpConfig, and the changes tests make to them (thread-safe).

Clients are keyed by id_cliente and found by CPF/CNPJ digits; installations keep their client's id and their
services; the lists are keyed by their first field.
"""

from __future__ import annotations

import itertools
import random
import threading
from datetime import date
from typing import Any

from simulators.core.documents import digits_only
from simulators.erp import records, vocab
from simulators.erp.config import ErpConfig
from simulators.erp.records import CLIENT_FIELDS, INSTALLATION_FIELDS, LIST_FIELDS, SERVICE_FIELDS, Record

FIRST_CLIENT_ID = 1001
FIRST_INSTALLATION_ID = 50_001


class NotFound(KeyError):
    """No such record: 404 from the API and from the admin routes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class Dataset:
    def __init__(self, config: ErpConfig):
        self.seed = config.seed
        self.lock = threading.RLock()
        rng = random.Random(f"erp:{config.seed}")
        generated = {
            "products": records.products(rng, config.products),
            "resellers": records.named_list("id_revendedor", vocab.RESELLER_NAMES, config.resellers, rng),
            "departments": records.named_list("id_departamento", vocab.DEPARTMENTS, config.departments, rng),
            "due_dates": records.due_dates(config.due_dates),
            "origins": records.named_list("id_origem", vocab.ORIGINS, config.origins, rng),
            "cities": records.cities(rng, config.cities),
            "prospect_statuses": records.prospect_statuses(),
        }
        self.lists = {table: {row[LIST_FIELDS[table][0]]: row for row in rows} for table, rows in generated.items()}
        self.clients: dict[int, Record] = {}
        self.by_register: dict[str, int] = {}
        self.installations: dict[int, Record] = {}  # id_instalacao -> record with id_cliente and servicos
        # id_cliente -> its installations' ids: every invoices request reads one client's, at any scale
        self._installation_ids_of: dict[int, list[int]] = {}
        self._client_ids = itertools.count(FIRST_CLIENT_ID)
        self._installation_ids = itertools.count(FIRST_INSTALLATION_ID)
        given = list(dict.fromkeys(digits_only(register) for register in config.registers))
        extra = records.extra_registers(rng, config.extra_clients, set(given))
        for digits in [*given, *extra]:
            self.add_client(digits)

    # --- reads --------------------------------------------------------------------------------------------------
    def client_by_register(self, register: str) -> Record | None:
        client_id = self.by_register.get(digits_only(register))
        return None if client_id is None else self.clients[client_id]

    def client(self, id_cliente: int) -> Record:
        try:
            return self.clients[id_cliente]
        except KeyError:
            raise NotFound(f"no client with id_cliente {id_cliente}") from None

    def installations_of(self, id_cliente: int) -> list[Record]:
        return [self.installations[id_instalacao] for id_instalacao in self._installation_ids_of.get(id_cliente, ())]

    def list_table(self, table: str) -> dict[int, Record]:
        try:
            return self.lists[table]
        except KeyError:
            raise NotFound(f"unknown list {table!r}; choose from {', '.join(self.lists)}") from None

    def counts(self) -> dict[str, int]:
        return {
            "clients": len(self.clients),
            "installations": len(self.installations),
            "installation_services": sum(len(row["servicos"]) for row in self.installations.values()),
            **{table: len(rows) for table, rows in self.lists.items()},
        }

    # --- changes ------------------------------------------------------------------------------------------------
    def add_client(self, register: str, **fields: Any) -> Record:
        """A new client for a CPF/CNPJ, generated from the seed and the register (so the same register always makes
        the same client), with its installations; `fields` override generated values."""
        digits = digits_only(register)
        if len(digits) not in (11, 14):
            raise ValueError(f"{register!r} is neither a CPF (11 digits) nor a CNPJ (14 digits)")
        with self.lock:
            if digits in self.by_register:
                raise ValueError(f"the ERP already has a client with CPF/CNPJ {register}")
            rng = records.client_stream(self.seed, digits)
            city = rng.choice(list(self.lists["cities"].values()))
            client = records.client(rng, next(self._client_ids), digits, city)
            client.update(_typed(CLIENT_FIELDS, fields, "clients"))
            self.clients[client["id_cliente"]] = client
            self.by_register[digits] = client["id_cliente"]
            products = list(self.lists["products"].values())
            for installation in records.installations(rng, client, products, self._installation_ids.__next__):
                self._keep_installation({"id_cliente": client["id_cliente"], **installation})
            return client

    def update_client(self, id_cliente: int, changes: dict[str, Any]) -> Record:
        with self.lock:
            client = self.client(id_cliente)
            changes = _typed(CLIENT_FIELDS, changes, "clients")
            if "id_cliente" in changes:
                raise ValueError("id_cliente cannot change")
            if "cnpj_cpf" in changes:
                self._move_register(client, changes["cnpj_cpf"])
            client.update(changes)
            return client

    def remove_client(self, id_cliente: int) -> None:
        """The ERP forgets the client and its installations: its CPF/CNPJ answers as unknown."""
        with self.lock:
            client = self.clients.pop(self.client(id_cliente)["id_cliente"])
            del self.by_register[digits_only(client["cnpj_cpf"])]
            for id_instalacao in self._installation_ids_of.pop(id_cliente, ()):
                del self.installations[id_instalacao]

    def add_installation(self, id_cliente: int, services: int | list[int] = 1, **fields: Any) -> Record:
        """A new installation at the client's address (unless `fields` say otherwise), with `services` products:
        a number drawn from the catalogue, or a list of id_servico."""
        with self.lock:
            client = self.client(id_cliente)
            rng = random.Random(f"erp-installation:{self.seed}:{len(self.installations)}:{id_cliente}")
            catalogue = self.lists["products"]
            if isinstance(services, int):
                chosen = records.services(rng, list(catalogue.values()), services)
            else:
                chosen = [records.services(rng, [self._product(product_id)], 1)[0] for product_id in services]
            installation = {
                "id_cliente": id_cliente,
                "id_instalacao": next(self._installation_ids),
                **{field: client[field] for field in INSTALLATION_FIELDS[1:-1]},
                "obs": None,
                "servicos": chosen,
            }
            installation.update(_typed(INSTALLATION_FIELDS, fields, "installations"))
            self._keep_installation(installation)
            return installation

    def update_installation(self, id_instalacao: int, changes: dict[str, Any]) -> Record:
        """Change an installation's fields; `servicos` (a list of service records) replaces its services."""
        with self.lock:
            installation = self.installation(id_instalacao)
            services = changes.get("servicos")
            changes = {field: value for field, value in changes.items() if field != "servicos"}
            changes = _typed(INSTALLATION_FIELDS, changes, "installations")
            if "id_instalacao" in changes:
                raise ValueError("id_instalacao cannot change")
            if services is not None:
                if not isinstance(services, list) or not all(isinstance(s, dict) for s in services):
                    raise ValueError("servicos must be a list of objects")
                installation["servicos"] = [self._service(service) for service in services]
            installation.update(changes)
            return installation

    def update_service(self, id_instalacao: int, id_servico: int, changes: dict[str, Any]) -> Record:
        with self.lock:
            service = next(
                (s for s in self.installation(id_instalacao)["servicos"] if s["id_servico"] == id_servico), None
            )
            if service is None:
                raise NotFound(f"installation {id_instalacao} has no service {id_servico}")
            changes = _typed(SERVICE_FIELDS, changes, "installation_services")
            if "id_servico" in changes:
                raise ValueError("id_servico cannot change")
            service.update(changes)
            return service

    def remove_installation(self, id_instalacao: int) -> None:
        with self.lock:
            installation = self.installations.pop(self.installation(id_instalacao)["id_instalacao"])
            self._installation_ids_of[installation["id_cliente"]].remove(id_instalacao)

    def installation(self, id_instalacao: int) -> Record:
        try:
            return self.installations[id_instalacao]
        except KeyError:
            raise NotFound(f"no installation with id_instalacao {id_instalacao}") from None

    def add_list_record(self, table: str, fields: dict[str, Any]) -> Record:
        """A new record of a list; its key is the next free one unless given; missing fields are None."""
        with self.lock:
            rows = self.list_table(table)
            key = LIST_FIELDS[table][0]
            record = dict.fromkeys(LIST_FIELDS[table])
            record.update(_typed(LIST_FIELDS[table], fields, table))
            if record[key] is None:
                record[key] = max(rows, default=0) + 1
            if record[key] in rows:
                raise ValueError(f"{table} already has {key} {record[key]}")
            rows[record[key]] = record
            return record

    def update_list_record(self, table: str, record_id: int, changes: dict[str, Any]) -> Record:
        with self.lock:
            record = self._list_record(table, record_id)
            changes = _typed(LIST_FIELDS[table], changes, table)
            if LIST_FIELDS[table][0] in changes:
                raise ValueError(f"{LIST_FIELDS[table][0]} cannot change")
            record.update(changes)
            return record

    def remove_list_record(self, table: str, record_id: int) -> None:
        with self.lock:
            del self.list_table(table)[self._list_record(table, record_id)[LIST_FIELDS[table][0]]]

    # --- helpers ------------------------------------------------------------------------------------------------
    def _keep_installation(self, installation: Record) -> None:
        self.installations[installation["id_instalacao"]] = installation
        self._installation_ids_of.setdefault(installation["id_cliente"], []).append(installation["id_instalacao"])

    def _list_record(self, table: str, record_id: int) -> Record:
        try:
            return self.list_table(table)[record_id]
        except KeyError:
            raise NotFound(f"{table} has no {LIST_FIELDS[table][0]} {record_id}") from None

    def _product(self, id_servico: int) -> Record:
        return self._list_record("products", id_servico)

    def _service(self, fields: dict[str, Any]) -> Record:
        """A service from a product's id, its other fields from the product unless given."""
        product = self._product(_integer(fields.get("id_servico"), "id_servico"))
        service = {field: product.get(field) for field in SERVICE_FIELDS}
        service["status"] = "Ativo"
        service.update(_typed(SERVICE_FIELDS, fields, "installation_services"))
        return service

    def _move_register(self, client: Record, register: str) -> None:
        digits = digits_only(register)
        if len(digits) not in (11, 14):
            raise ValueError(f"{register!r} is neither a CPF (11 digits) nor a CNPJ (14 digits)")
        owner = self.by_register.get(digits)
        if owner is not None and owner != client["id_cliente"]:
            raise ValueError(f"another client already has CPF/CNPJ {register}")
        del self.by_register[digits_only(client["cnpj_cpf"])]
        self.by_register[digits] = client["id_cliente"]


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise ValueError(f"{name} must be an integer id; got {value!r}")
    return int(value)


def _typed(allowed: tuple[str, ...], changes: dict[str, Any], table: str) -> Record:
    """`changes` checked against a table's fields and given the records' types (admin routes send JSON)."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValueError(f"{table}: unknown field(s) {', '.join(unknown)}; fields: {', '.join(allowed)}")
    typed = {}
    for field, value in changes.items():
        if value is None:
            typed[field] = None
        elif field in records.MONEY_FIELDS:
            typed[field] = records.money(value)
        elif field in records.DATE_FIELDS:
            typed[field] = value if isinstance(value, date) else date.fromisoformat(value)
        elif field in records.FLAG_FIELDS:
            if not isinstance(value, bool):
                raise ValueError(f"{field} must be true or false")
            typed[field] = value
        elif field == "cnpj_cpf":
            typed[field] = records.formatted_register(digits_only(value))
        else:
            typed[field] = value
    return typed
