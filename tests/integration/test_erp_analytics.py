"""The ERP's analytics (analytics/models/erp/): after a Ploomes load and the ERP load that follows it, built by the
run loop after the ERP's load, on DuckDB and Postgres, the marts equal figures computed here from both simulators'
own records: which contacts hold a CPF/CNPJ, which of those the ERP has as clients, and what the ERP bills them a
month.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from pipelines import erp_pipeline
from pipelines.common import make_pipeline
from pipelines.demo import erp_figures
from simulators.core.documents import digits_only
from sources.report import SyncReport
from tests.integration.conftest import erp_settings, run_options
from tests.integration.test_analytics import assert_build_passed

ACTIVE = "ativo"  # the service status that is billed (analytics/dbt_project.yml var erp_active_service_status)


def run_erp_with_analytics(erp_warehouse, pipelines_dir, settings: dict) -> SyncReport:
    """The ERP's load through pipelines/common.py's run loop, as `make demo` runs it, and the dbt build after it."""
    options = run_options(erp_warehouse, pipelines_dir, extra=settings, analytics=True)
    return erp_pipeline.load(make_pipeline("erp", options), options)


def contacts_with_a_register(ploomes_sim) -> dict[int, str]:
    """Contact id -> its CPF/CNPJ as digits, for the contacts whose register has a CPF's or CNPJ's length."""
    registers = {c["Id"]: digits_only(c["Register"] or "") for c in ploomes_sim.records("Contacts")}
    return {contact: digits for contact, digits in registers.items() if len(digits) in (11, 14)}


def monthly_amounts(erp_sim) -> dict[str, Decimal]:
    """id_cliente (text) -> the sum of the valor of its installations' active services."""
    client_of = {row["id_instalacao"]: str(row["id_cliente"]) for row in erp_sim.truth("installations")}
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for service in erp_sim.truth("installation_services"):
        if (service["status"] or "").lower() == ACTIVE:
            amounts[client_of[service["id_instalacao"]]] += service["valor"]
    return amounts


@pytest.mark.parametrize("sim_config", [{"scale": 60}])
def test_the_crm_to_erp_match_equals_both_simulators(
    run_ploomes, ploomes_sim, erp_sim, warehouse, erp_warehouse, tmp_path
):
    run_ploomes(tables=["contacts"])
    report = run_erp_with_analytics(erp_warehouse, tmp_path / "pipelines", erp_settings(erp_sim, warehouse.dataset))
    assert_build_passed(report)

    registers = contacts_with_a_register(ploomes_sim)
    erp_clients = erp_sim.clients_by_register()
    matched = {contact: erp_clients[digits] for contact, digits in registers.items() if digits in erp_clients}
    assert 0 < len(matched) < len(registers), "the ERP should know some, not all, of the CRM's contacts"
    amounts = monthly_amounts(erp_sim)
    installations = defaultdict(int)
    for row in erp_sim.truth("installations"):
        installations[str(row["id_cliente"])] += 1
    analytics = f"{erp_warehouse.dataset}_analytics"

    with erp_warehouse.reading():
        crm_clients = erp_warehouse.query(f"select * from {analytics}.erp__crm_clients")
        enhanced = erp_warehouse.query(f"select * from {analytics}.erp__clients_enhanced")
        health = erp_warehouse.query(f"select * from {analytics}.erp__sync_health")
        match, top = [erp_warehouse.query(sql) for sql in erp_figures(erp_warehouse.dataset).values()]

    assert {row["contact_id"]: row["register_digits"] for row in crm_clients} == registers
    got_matches = {row["contact_id"]: row["client_id"] for row in crm_clients if row["is_matched"]}
    assert got_matches == {contact: str(client["id_cliente"]) for contact, client in matched.items()}
    for row in crm_clients:
        if row["is_matched"]:
            assert Decimal(row["monthly_amount"]) == amounts[row["client_id"]], row
        else:
            assert row["client_id"] is None and row["monthly_amount"] is None, row

    # the clients looked up: the CRM's contacts the ERP has, each with its installations and billing
    looked_up = {str(client["id_cliente"]) for client in matched.values()}
    assert {row["client_id"] for row in enhanced} == looked_up
    for row in enhanced:
        assert row["open_installations"] == installations[row["client_id"]], row
        assert Decimal(row["monthly_amount"]) == amounts[row["client_id"]], row
    assert any(row["open_installations"] == 0 for row in enhanced) or len(enhanced) < 8

    # the demo's figures, each as its label says
    billed = sum(amounts[str(client["id_cliente"])] for client in matched.values())
    assert [(r["contacts_with_cpf_cnpj"], r["matched_erp_clients"]) for r in match] == [(len(registers), len(matched))]
    assert Decimal(match[0]["monthly_amount"]) == billed
    most = sorted(matched.values(), key=lambda client: amounts[str(client["id_cliente"])], reverse=True)[:3]
    assert [Decimal(r["monthly_amount"]) for r in top] == [amounts[str(c["id_cliente"])] for c in most]

    tables = {row["table_name"]: row for row in health}
    assert tables["clients"]["live_rows"] == len(looked_up) and tables["clients"]["freshness"] == "fresh"
    assert tables["products"]["last_run_status"] == "ok"


@pytest.mark.parametrize("destination", ["duckdb"])
def test_without_the_crms_contacts_the_match_is_left_out_and_the_rest_built(erp_sim, erp_warehouse, tmp_path):
    """An ERP loaded into a warehouse with no CRM dataset: its configured registers are looked up, its own marts
    built, and the contacts-to-clients mart left out with a note naming the table it waits for."""
    registers = [client["cnpj_cpf"] for client in erp_sim.truth("clients")[:3]]
    settings = {**erp_settings(erp_sim, "no_crm_here"), "registers": registers}
    report = run_erp_with_analytics(erp_warehouse, tmp_path / "pipelines", settings)
    assert_build_passed(report, left_out=True)
    assert "erp__crm_clients" in report.post_load_notes[1] and "no_crm_here.contacts" in report.post_load_notes[1]
    with erp_warehouse.reading():
        enhanced = erp_warehouse.query(f"select client_id from {erp_warehouse.dataset}_analytics.erp__clients_enhanced")
    assert len(enhanced) == 3
