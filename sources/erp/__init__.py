"""dlt source for an ERP built to the integration contract (seeds/003): its lists, and the clients of the CRM's
contacts, looked up by CPF/CNPJ with their installations and services.

The contract has GET requests only for one client by CPF/CNPJ, a client's open invoices (its installations and their
services), and seven lists. A run makes one request per list (replaced each run), and two per client it looks up
(selection.py says which): so a run after which nothing changed in the CRM makes the seven list requests, plus the
clients due for their refresh.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import dlt
import httpx
from dlt.common.configuration.inject import with_config
from dlt.sources import DltResource

from sources.http import SYSTEM_CLOCK, ApiClient, ApiError, Clock
from sources.report import SyncReport
from sources.tables import selected_tables

from . import settings
from .client import build_client, checked_paths, filled
from .crm import CrmContacts
from .descriptions import table_text
from .entities import ALL_TABLES, CLIENT_TABLES, CLIENTS, INSTALLATIONS, LISTS, Entity
from .reader import ClientsReader, Run, described_columns, list_rows
from .registers import valid_register
from .settings import ErpPaths
from .values import list_items, record_or_none

__all__ = ["ALL_TABLES", "ErpPaths", "check_access", "erp"]


@dlt.source(name="erp", max_table_nesting=0)
def erp(
    token: str = dlt.secrets.value,
    base_url: str = dlt.config.value,
    token_header: str = settings.TOKEN_HEADER,
    token_scheme: str = settings.TOKEN_SCHEME,
    paths: ErpPaths = None,
    registers: Sequence[str] = (),
    crm_dataset: str = settings.CRM_DATASET,
    client_refresh_days: float = settings.CLIENT_REFRESH_DAYS,
    unknown_retry_days: float = settings.UNKNOWN_RETRY_DAYS,
    requests_per_minute: int = settings.REQUESTS_PER_MINUTE,
    max_attempts: int = settings.MAX_ATTEMPTS,
    max_retry_wait_seconds: float = settings.MAX_RETRY_WAIT_SECONDS,
    read_timeout_seconds: float = settings.READ_TIMEOUT_SECONDS,
    sweep_deletions: bool = False,
    tables: Sequence[str] | None = None,
    report: Any = None,
    crm: CrmContacts | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> list[DltResource]:
    """Every ERP table (or those of `tables`; a child table brings `clients`), under one request budget.

    `crm` reads the CRM contacts' CPF/CNPJs (default: the dataset `crm_dataset` through the pipeline current when
    the source is created); `registers` are looked up besides them. `report` (a `sources.report.SyncReport`)
    collects rows, requests and failures. `transport` and `clock` replace the network and time in tests.
    `sweep_deletions` is accepted with the other pipelines' options and does nothing: the lists are replaced whole,
    and the ERP says itself when it no longer knows a client.
    """
    checked = checked_paths(dict(paths) if paths is not None else None)
    configured = _checked_registers(registers)
    for name, days in (("client_refresh_days", client_refresh_days), ("unknown_retry_days", unknown_retry_days)):
        if days < 0:
            raise ValueError(f"sources.erp.{name} is {days}: use a number of days (0: every run)")
    report = report if report is not None else SyncReport()
    client = build_client(
        token,
        base_url,
        token_header=token_header,
        token_scheme=token_scheme,
        requests_per_minute=requests_per_minute,
        max_attempts=max_attempts,
        max_retry_wait_seconds=max_retry_wait_seconds,
        read_timeout_seconds=read_timeout_seconds,
        transport=transport,
        stop=report.stop,
    )
    report.attach_client(client)
    selected = _select(tables)
    run = Run(
        client=client,
        report=report,
        paths=checked,
        clock=clock,
        registers=configured,
        crm=None if CLIENTS.table not in selected else crm or CrmContacts(dlt.current.pipeline(), crm_dataset),
        client_refresh_days=client_refresh_days,
        unknown_retry_days=unknown_retry_days,
    )
    resources = [_list_resource(entity, run) for entity in LISTS if entity.table in selected]
    if CLIENTS.table in selected:
        resources.append(_clients_resource(run))
    return resources


def _checked_registers(registers: Sequence[str] | str | None) -> list[str]:
    if isinstance(registers, str):  # one register written without brackets
        registers = [registers]
    digits = []
    for value in registers or ():
        register = valid_register(value)
        if register is None:
            raise ValueError(
                f"sources.erp.registers holds {value!r}, which is not a CPF (11 digits) or CNPJ (14 digits) with "
                'valid check digits; write them as a list: ["123.456.789-09", "11222333000181"]'
            )
        digits.append(register)
    return list(dict.fromkeys(digits))


def _select(tables: Sequence[str] | None) -> set[str]:
    selected = selected_tables(tables, ALL_TABLES, "ERP")
    # installations and their services come with the client lookups that read them
    return selected | ({CLIENTS.table} if selected & set(CLIENT_TABLES) else set())


def _list_resource(entity: Entity, run: Run) -> DltResource:
    @dlt.resource(name=entity.table, write_disposition="replace", primary_key=entity.key, parallelized=True)
    def read_list() -> Iterator[Any]:
        try:
            yield from list_rows(entity, run)
        finally:
            run.report.finish(entity.table)

    return read_list.apply_hints(
        columns=described_columns(entity), additional_table_hints={"description": table_text(entity.table).description}
    )


def _clients_resource(run: Run) -> DltResource:
    # Each of the three tables gets its hints as a table variant (reader.py), like Hivestr's parents and children.
    @dlt.resource(name=CLIENTS.table, write_disposition="merge", primary_key=CLIENTS.key, parallelized=True)
    def read_clients() -> Iterator[Any]:
        state = dlt.current.resource_state()
        try:
            yield from ClientsReader(run, state, run.clock.now().timestamp()).items()
        finally:
            run.report.finish(*CLIENT_TABLES)

    return read_clients


@with_config(sections=("sources", "erp"))
def check_access(
    token: str = dlt.secrets.value,
    base_url: str = dlt.config.value,
    token_header: str = settings.TOKEN_HEADER,
    token_scheme: str = settings.TOKEN_SCHEME,
    paths: ErpPaths = None,
    registers: Sequence[str] = (),
    transport: httpx.BaseTransport | None = None,
) -> dict[str, str]:
    """Ask every endpoint once: "ok", or what it answered. A token refused raises (the whole run would fail).

    Nine requests: each list; a client lookup, with the first of sources.erp.registers if set (a client found then
    proves the path), else with CPF 000.000.001-91, valid but never issued (an ERP answers it with 404 or an empty
    body, which is all the check can tell: a wrong path answers 404 too); and the invoices of the client found, or
    of id_cliente 0.
    """
    checked = checked_paths(dict(paths) if paths is not None else None)
    configured = _checked_registers(registers)
    client = build_client(
        token, base_url, token_header=token_header, token_scheme=token_scheme, max_attempts=2, transport=transport
    )
    status: dict[str, str] = {}
    with client:
        for entity in LISTS:
            status[entity.table] = _probe_list(client, checked[entity.path])
        register = configured[0] if configured else settings.CHECK_REGISTER
        status[CLIENTS.table], id_cliente = _probe_client(client, checked[CLIENTS.path], register)
        status[INSTALLATIONS.table] = _probe_list(
            client, filled(checked[INSTALLATIONS.path], id_cliente=id_cliente or "0")
        )
        if id_cliente is None and status[INSTALLATIONS.table].startswith("cannot"):
            status[INSTALLATIONS.table] += " (asked for id_cliente 0: no client was found to ask for)"
    return status


def _probe_list(client: ApiClient, path: str) -> str:
    try:
        rows = list_items(client.get_json(path))
    except ApiError as error:
        if error.status_code in (None, 401):
            raise
        return f"cannot read (HTTP {error.status_code}): {path}"
    except ValueError as error:
        return f"answers, but not with a list ({error}): {path}"
    return f"ok ({len(rows):,} {'row' if len(rows) == 1 else 'rows'})"


def _probe_client(client: ApiClient, path: str, register: str) -> tuple[str, str | None]:
    asked = filled(path, cnpj_cpf=register)
    try:
        record = record_or_none(client.get_json(asked))
    except ApiError as error:
        if error.status_code in (None, 401):
            raise
        if error.status_code == 404 and register == settings.CHECK_REGISTER:
            return f"answers 404 for a CPF no one has, as expected (a wrong path answers the same): {asked}", None
        return f"cannot read (HTTP {error.status_code}): {asked}", None
    except ValueError as error:
        return f"answers, but not with a client ({error}): {asked}", None
    if record is None:
        return f"ok (answers that it does not know {register})", None
    id_cliente = record.get(CLIENTS.key)
    return f"ok (found client {id_cliente})", None if id_cliente in (None, "") else str(id_cliente)
