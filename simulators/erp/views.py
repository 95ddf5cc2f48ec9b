"""What a record shows, as typed values: the fields the switches make visible, before any wire formatting.

The truth tests compare a warehouse with is made of these views, so it follows the field-set switches (which
spelling of cities, the extra field) and ignores the formatting ones (strings, money, dates, flags, blanks).
"""

from __future__ import annotations

from simulators.erp.records import CLIENT_FIELDS, INSTALLATION_FIELDS, LIST_FIELDS, SERVICE_FIELDS, Record
from simulators.erp.switches import Switches

EXTRA_FIELD = "codigo_integracao"  # the field `extra_fields` adds: the contract lists no such field


def _with_extra(view: Record, table: str, key: int, switches: Switches) -> Record:
    if switches.extra_fields:
        view[EXTRA_FIELD] = f"{table[:3].upper()}-{key:06d}"
    return view


def client(record: Record, switches: Switches) -> Record:
    return _with_extra({field: record[field] for field in CLIENT_FIELDS}, "clients", record["id_cliente"], switches)


def blank_client(switches: Switches) -> Record:
    """The client object with every field "" (an ERP's answer for a CPF/CNPJ it does not know)."""
    fields = [*CLIENT_FIELDS, EXTRA_FIELD] if switches.extra_fields else CLIENT_FIELDS
    return dict.fromkeys(fields, "")


def service(record: Record, switches: Switches) -> Record:
    return _with_extra({field: record[field] for field in SERVICE_FIELDS}, "services", record["id_servico"], switches)


def installation(record: Record, switches: Switches) -> Record:
    """As in the invoices answer: the installation's fields and its `servicos`, without the client's id."""
    view = {field: record[field] for field in INSTALLATION_FIELDS}
    view = _with_extra(view, "installations", record["id_instalacao"], switches)
    view["servicos"] = [service(item, switches) for item in record["servicos"]]
    return view


def list_record(table: str, record: Record, switches: Switches) -> Record:
    if table == "cities" and switches.cities_fields == "contract":
        view = {"id_tipo_de_atendimento": record["id_cidade"], "nome": record["nome"], "obs": record["obs"]}
    else:
        view = {field: record[field] for field in LIST_FIELDS[table]}
    return _with_extra(view, table, record[LIST_FIELDS[table][0]], switches)


# --- the truth: one warehouse table's rows ----------------------------------------------------------------------
def installation_row(record: Record, switches: Switches) -> Record:
    view = {"id_cliente": record["id_cliente"], **installation(record, switches)}
    del view["servicos"]
    return view


def service_rows(record: Record, switches: Switches) -> list[Record]:
    return [{"id_instalacao": record["id_instalacao"], **service(item, switches)} for item in record["servicos"]]
