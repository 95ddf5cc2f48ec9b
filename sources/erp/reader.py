"""One run's reads: each list in one request, and the clients looked up by CPF/CNPJ with their installations.

A table's failure stays in the table (sources/isolation.py): a list that cannot be read keeps last run's rows, a
lookup that fails leaves its register pending for the next run while the other lookups go on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dlt

from sources.children import CLEARED_MARKER, child_table_hints, marker_row, stable_child_id
from sources.descriptions import with_descriptions
from sources.http import ApiClient, Clock, NotFoundError, RateLimitExhausted
from sources.isolation import RUN_WIDE_ERRORS, settle_table_error
from sources.report import SyncReport

from .client import filled
from .crm import CrmContacts
from .descriptions import table_text
from .entities import CLIENTS, INSTALLATION_SERVICES, INSTALLATIONS, SERVICES_FIELD, Entity
from .registers import valid_register
from .selection import ClientBook
from .values import Misfit, Row, as_text, first_present, list_items, record_or_none, typed_row

logger = logging.getLogger(__name__)
SYSTEM = "ERP"
BATCH = 50  # clients whose rows are handed to dlt together, then remembered in state
MISFITS_LISTED = 3  # misfit values reported one by one per table; the rest are counted


@dataclass
class Run:
    """What every table's reader shares during one run."""

    client: ApiClient
    report: SyncReport
    paths: Mapping[str, str]
    clock: Clock
    registers: Sequence[str] = ()  # sources.erp.registers, valid and digits only
    crm: CrmContacts | None = None
    client_refresh_days: float = 7.0
    unknown_retry_days: float = 30.0
    misfits: dict[str, int] = field(default_factory=dict)  # table -> misfit values reported

    def get_json(self, table: str, path: str) -> Any:
        """client.get_json, counted in the report under `table`, answered or not (a 404 is a client not known)."""
        try:
            return self.client.get_json(path)
        finally:
            self.report.add_requests(table, 1)

    def records(self, table: str, items: list[Any], where: str) -> list[tuple[int, Row]]:
        """(position, item) of the items that are objects; the others are reported and left out."""
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                self.report.warn(
                    table, f"{table}: item #{position + 1} of {where} is not an object ({str(item)[:40]!r}); not loaded"
                )
        return [(position, item) for position, item in enumerate(items) if isinstance(item, dict)]

    def report_misfits(self, table: str, record_id: Any, misfits: list[Misfit]) -> None:
        for misfit in misfits:
            seen = self.misfits[table] = self.misfits.get(table, 0) + 1
            if seen <= MISFITS_LISTED:
                self.report.warn(table, misfit.describe(table, record_id))
            elif seen == MISFITS_LISTED + 1:
                self.report.warn(table, f"{table}: more values did not fit their column (--debug lists them)")
            logger.debug("%s", misfit.describe(table, record_id))


def merged_table_hints(entity: Entity) -> Any:
    """dlt hints of a table merged on its key, with its columns' types and descriptions."""
    return dlt.mark.make_hints(
        table_name=entity.table,
        write_disposition="merge",
        primary_key=entity.key,
        columns=described_columns(entity),
        additional_table_hints={"description": table_text(entity.table).description},
    )


def described_columns(entity: Entity) -> dict[str, dict[str, Any]]:
    """The entity's column hints, each with its description."""
    return with_descriptions(entity.column_hints(), table_text(entity.table, entity.column_kinds))


# --- the lists ---


def list_rows(entity: Entity, run: Run) -> Iterator[Any]:
    """The rows of one list, or a table failure on the report (the table then keeps last run's rows)."""
    table = entity.table
    try:
        items = list_items(run.get_json(table, run.paths[entity.path]))
        records = run.records(table, items, "the list")
        rows = [row for position, record in records if (row := _list_row(entity, record, position, run))]
    except Exception as error:  # noqa: BLE001 - a table's failure stays in the table (sources/isolation.py)
        settle_table_error(table, error, run.report, SYSTEM)
        return
    run.report.add_rows(table, len(rows))
    # An empty list still replaces the table: the ERP has none of them now.
    yield rows if rows else dlt.mark.materialize_table_schema()


def _list_row(entity: Entity, record: Row, position: int, run: Run) -> Row | None:
    row, misfits = typed_row(record, entity.column_kinds)
    if entity.key_from:
        _, key = first_present(row, entity.key_from)
        row[entity.key] = None if key is None else as_text(key)
    record_id = row.get(entity.key)
    run.report_misfits(entity.table, record_id, misfits)
    if record_id is None:
        fields = " or ".join(entity.key_from or (entity.key,))
        run.report.warn(
            entity.table, f"{entity.table}: record #{position + 1} of the list has no {fields}; not loaded: {record}"
        )
        return None
    return row


# --- the clients ---


@dataclass
class _Batch:
    clients: list[Row] = field(default_factory=list)
    installations: list[Row] = field(default_factory=list)
    services: list[Row] = field(default_factory=list)
    read: dict[str, tuple[str, bool]] = field(default_factory=dict)  # register -> (id_cliente, invoices read)
    unknown: list[str] = field(default_factory=list)


class ClientsReader:
    """Looks up the run's registers (selection.py), one request each, and the open invoices of each client found
    (one more): `clients`, `installations` and `installation_services`."""

    def __init__(self, run: Run, state: dict[str, Any], now: float):
        self._run = run
        self._book = ClientBook(state)
        self._now = now
        self._invoices_unreadable = False
        self._failures: list[Exception] = []
        # A 404 is "not a client" once the clients path has proven itself (a client found, now or before): until
        # then it may as well be a wrong path, and remembering every register as unknown would hide them for weeks.
        self._path_proven = bool(self._book.found)
        self._held_404: list[str] = []
        self.hints = {
            CLIENTS.table: merged_table_hints(CLIENTS),
        }
        for child in (INSTALLATIONS, INSTALLATION_SERVICES):
            self.hints[child.table] = child_table_hints(
                child.table,
                "id_cliente",
                dict(child.references),
                described_columns(child),
                {"description": table_text(child.table).description},
                primary_key=child.key,
                referenced_key=None,
            )

    def items(self) -> Iterator[Any]:
        registers = self._registers()
        batch = _Batch()
        try:
            for register in registers:
                self._look_up(register, batch)
                if len(batch.read) + len(batch.unknown) >= BATCH:
                    yield from self._emit(batch)
        except RateLimitExhausted as exhausted:  # what was read is kept; the rest is pending for the next run
            yield from self._emit(batch)
            self._run.report.stop_for_budget(CLIENTS.table, exhausted.resume_at)
            return
        yield from self._emit(batch)
        self._settle_held_404()
        if self._failures:
            settle_table_error(CLIENTS.table, self._failures[0], self._run.report, SYSTEM)
            if len(self._failures) > 1:
                self._run.report.warn(
                    CLIENTS.table,
                    f"clients: {len(self._failures) - 1:,} more lookups failed; "
                    "those CPF/CNPJs are asked again next run",
                )

    def _registers(self) -> list[str]:
        run, book, report = self._run, self._book, self._run.report
        if run.crm is not None:
            changed = run.crm.changed_since(book.crm_load_id)
            if changed is None:
                report.warn(
                    CLIENTS.table,
                    f"clients: the CRM's contacts ({run.crm.where}, column {run.crm.column}) are not in this "
                    "warehouse: only sources.erp.registers were looked up (load the CRM first, or set "
                    "sources.erp.crm_dataset)",
                )
            else:
                valid = [r for value in changed.registers if (r := valid_register(value))]
                ignored = len(changed.registers) - len(valid)
                if ignored:
                    report.warn(
                        CLIENTS.table,
                        f"clients: {ignored:,} of the CRM contacts' registers read are not a valid CPF or CNPJ "
                        "(11 or 14 digits with their check digits); not looked up",
                    )
                book.changed_in_crm(valid, changed.newest_load_id)
        return book.due(run.registers, self._now, run.client_refresh_days, run.unknown_retry_days)

    def _look_up(self, register: str, batch: _Batch) -> None:
        run = self._run
        path = filled(run.paths[CLIENTS.path], cnpj_cpf=register)
        try:
            record = record_or_none(run.get_json(CLIENTS.table, path))
        except NotFoundError:
            record = None
            if not self._path_proven:
                self._held_404.append(register)
                return
        except RUN_WIDE_ERRORS + (RateLimitExhausted,):
            raise
        except Exception as error:  # noqa: BLE001 - this lookup fails; the register stays pending, the others go on
            self._failures.append(error)
            return
        if record is None:
            batch.unknown.append(register)
            return
        row, misfits = typed_row(record, CLIENTS.column_kinds)
        id_cliente = row.get(CLIENTS.key)
        if id_cliente is None:
            run.report.warn(
                CLIENTS.table,
                f"clients: the ERP answered for {register} a record without id_cliente; not loaded: {record}",
            )
            return
        id_cliente = row[CLIENTS.key] = as_text(id_cliente)
        run.report_misfits(CLIENTS.table, id_cliente, misfits)
        self._path_proven = True
        invoices_read = self._read_invoices(id_cliente, batch)
        batch.clients.append(row)
        batch.read[register] = (id_cliente, invoices_read)

    def _read_invoices(self, id_cliente: str, batch: _Batch) -> bool:
        """The client's installations and their services into the batch; False when they could not be read (the
        client's old ones stay, and it is read again next run)."""
        if self._invoices_unreadable:
            return False
        run = self._run
        path = filled(run.paths[INSTALLATIONS.path], id_cliente=id_cliente)
        try:
            installations = list_items(run.get_json(INSTALLATIONS.table, path))
        except RUN_WIDE_ERRORS + (RateLimitExhausted,):
            raise
        except Exception as error:  # noqa: BLE001 - every client would most likely fail alike: stop asking this run
            self._invoices_unreadable = True
            for table in (INSTALLATIONS.table, INSTALLATION_SERVICES.table):
                settle_table_error(table, error, run.report, SYSTEM)
            return False
        rows, services = [], []
        for position, installation in run.records(
            INSTALLATIONS.table, installations, f"client {id_cliente}'s invoices"
        ):
            row, misfits = typed_row(
                {k: v for k, v in installation.items() if k != SERVICES_FIELD}, INSTALLATIONS.column_kinds
            )
            id_instalacao = row.get(INSTALLATIONS.key)
            if id_instalacao is None:
                run.report.warn(
                    INSTALLATIONS.table,
                    f"installations: client {id_cliente}'s installation #{position + 1} has no id_instalacao; not "
                    "loaded, nor its services",
                )
                continue
            id_instalacao = row[INSTALLATIONS.key] = as_text(id_instalacao)
            row["id_cliente"] = id_cliente
            run.report_misfits(INSTALLATIONS.table, id_instalacao, misfits)
            rows.append(row)
            services.extend(self._services(id_cliente, id_instalacao, installation.get(SERVICES_FIELD)))
        batch.installations.extend(rows or [marker_row("id_cliente", id_cliente, INSTALLATIONS.key)])
        batch.services.extend(services or [marker_row("id_cliente", id_cliente, INSTALLATION_SERVICES.key)])
        return True

    def _services(self, id_cliente: str, id_instalacao: str, items: Any) -> list[Row]:
        run, table = self._run, INSTALLATION_SERVICES.table
        try:
            services = list_items(items) if not isinstance(items, str) or items.strip() else []
        except ValueError as error:
            run.report.warn(table, f"{table}: installation {id_instalacao}, column servicos: {error}; not loaded")
            return []
        rows = []
        for position, service in run.records(table, services, f"installation {id_instalacao}'s servicos"):
            row, misfits = typed_row(service, INSTALLATION_SERVICES.column_kinds)
            if row.get("id_servico") is not None:
                row["id_servico"] = as_text(row["id_servico"])
            # from what identifies it, not from its text: the same service keeps its key whatever shape it came in
            row["id"] = str(stable_child_id(id_instalacao, position, {"id_servico": row.get("id_servico")}))
            row["id_instalacao"], row["id_cliente"] = id_instalacao, id_cliente
            run.report_misfits(table, row["id"], misfits)
            rows.append(row)
        return rows

    def _emit(self, batch: _Batch) -> Iterator[Any]:
        report = self._run.report
        for table, rows in (
            (CLIENTS.table, batch.clients),
            (INSTALLATIONS.table, batch.installations),
            (INSTALLATION_SERVICES.table, batch.services),
        ):
            if rows:
                yield dlt.mark.with_hints(rows, self.hints[table], create_table_variant=True)
                report.add_rows(table, sum(1 for row in rows if not row.get(CLEARED_MARKER)))
        for register, (id_cliente, invoices_read) in batch.read.items():
            # a client whose invoices could not be read is due again next run
            self._book.read(register, id_cliente, self._now if invoices_read else 0.0)
        for register in batch.unknown:
            self._book.not_known(register, self._now)
        batch.clients, batch.installations, batch.services, batch.read, batch.unknown = [], [], [], {}, []

    def _settle_held_404(self) -> None:
        """The 404s answered before any client was found: unknown registers if the path proved itself later in the
        run; else left pending (the path may be wrong), with a warning."""
        if not self._held_404:
            return
        if self._path_proven:
            for register in self._held_404:
                self._book.not_known(register, self._now)
            return
        self._run.report.warn(
            CLIENTS.table,
            f"clients: none of the {len(self._held_404):,} CPF/CNPJs looked up was found (HTTP 404 each time): if the "
            f"ERP has any of them, check sources.erp.paths.clients ({self._run.paths[CLIENTS.path]!r}); they are "
            "asked again next run",
        )
