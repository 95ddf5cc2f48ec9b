"""Running the Ploomes pipeline the way users do: checkpoints and resumption, --check, schema, field removal."""

from __future__ import annotations

import functools
from urllib.parse import unquote_plus

import dlt
import pytest

from pipelines import ploomes_pipeline
from sources.http import RetryPolicy
from sources.ploomes.entities import ENTITIES_BY_TABLE
from sources.ploomes.paging import KeysetReader
from tests.integration.compare import assert_same_rows
from tests.integration.conftest import FAST, TEST_KEY

CONTACTS = ENTITIES_BY_TABLE["contacts"]


def contacts_truth(sim):
    return list(sim.records("Contacts"))


def test_a_run_interrupted_between_checkpoints_resumes_without_rereading(
    run_ploomes, ploomes_sim, warehouse, monkeypatch
):
    real_source = ploomes_pipeline.ploomes
    calls = []

    def crash_on_second_checkpoint(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real_source(*args, **kwargs)

    monkeypatch.setattr(ploomes_pipeline, "ploomes", crash_on_second_checkpoint)
    settings = {"page_size": 20, "max_ranges_per_table": 1}
    with pytest.raises(RuntimeError, match="killed"):
        run_ploomes(tables=["contacts"], checkpoint_pages=4, source=settings)
    assert warehouse.count("contacts") == 4 * 20  # the first checkpoint was committed

    monkeypatch.setattr(ploomes_pipeline, "ploomes", real_source)
    report = run_ploomes(tables=["contacts"], checkpoint_pages=4, source=settings)
    total = len(contacts_truth(ploomes_sim))
    assert report.tables["contacts"].rows == total - 80  # continued after the committed pages
    assert_same_rows(contacts_truth(ploomes_sim), warehouse.rows("contacts"), "contacts", {"OtherProperties", "Tags"})


def test_a_table_refused_midway_keeps_the_pages_it_read_and_the_next_run_reads_the_rest(
    run_ploomes, ploomes_sim, warehouse, monkeypatch
):
    monkeypatch.setattr("sources.ploomes.client.RetryPolicy", functools.partial(RetryPolicy, backoff_base=0.01))
    real_fetch = KeysetReader._fetch
    fetches = []

    def refused_from_the_third_page(self, after, upto):
        fetches.append(self._query.path)
        if fetches.count("/Contacts") == 3:  # two pages answered; from now on the account may not read contacts
            ploomes_sim.faults.inject("forbidden", count=None, path="/Contacts")
        return real_fetch(self, after, upto)

    monkeypatch.setattr(KeysetReader, "_fetch", refused_from_the_third_page)
    settings = {"page_size": 20, "max_ranges_per_table": 1}
    report = run_ploomes(tables=["contacts"], source=settings)
    assert list(report.skipped) == ["contacts"]
    truth = sorted(contacts_truth(ploomes_sim), key=lambda record: record["Id"])
    assert_same_rows(truth[:40], warehouse.rows("contacts"), "contacts", {"OtherProperties", "Tags"})

    ploomes_sim.faults.clear()
    monkeypatch.setattr(KeysetReader, "_fetch", real_fetch)
    report = run_ploomes(tables=["contacts"], source=settings)
    assert not report.skipped and report.tables["contacts"].rows == len(truth) - 40
    assert_same_rows(truth, warehouse.rows("contacts"), "contacts", {"OtherProperties", "Tags"})


def page_requests(sim, path: str) -> int:
    """Requests for `path`'s pages: not the one-record checks of how the server reads date-time literals (`Id eq`),
    which the first load makes once, on whichever table reads a page first."""
    return sum("Id eq" not in unquote_plus(entry.query) for entry in sim.request_log.entries(path=path))


def test_later_checkpoints_read_only_the_tables_left_unfinished(run_ploomes, ploomes_sim, warehouse):
    settings = {"page_size": 50, "max_ranges_per_table": 1}
    contacts, deals = len(contacts_truth(ploomes_sim)), len(list(ploomes_sim.records("Deals")))
    assert -(-deals // 50) <= 3 < -(-contacts // 50)  # deals fit in the first checkpoint, contacts do not
    report = run_ploomes(tables=["contacts", "deals", "currencies"], checkpoint_pages=3, source=settings)
    assert len(report.clients) == -(-contacts // 150)  # a checkpoint per 3 pages of contacts, the longest table
    # every table is read once over the checkpoints, not again in each: deals page by page, the lookup once
    assert page_requests(ploomes_sim, "/Deals") == -(-deals // 50)
    assert page_requests(ploomes_sim, "/Currencies") == 1
    for table, endpoint in (("contacts", "Contacts"), ("deals", "Deals"), ("currencies", "Currencies")):
        assert warehouse.count(table) == len(list(ploomes_sim.records(endpoint)))


def test_references_are_declared_for_the_relationship_graph(run_ploomes, tmp_path):
    run_ploomes(tables=["orders", "contacts"])
    pipeline = dlt.attach("ploomes", pipelines_dir=str(tmp_path / "pipelines"))
    tables = pipeline.default_schema.tables

    def referenced(table):
        return {ref["referenced_table"]: ref["columns"] for ref in tables[table].get("references", [])}

    assert referenced("order_products")["orders"] == ["order_id"]
    assert referenced("order_products")["products"] == ["product_id"]
    assert referenced("contacts")["contact_types"] == ["type_id"]
    assert referenced("contact_phones") == {"contacts": ["contact_id"]}
    mermaid = pipeline.default_schema.to_mermaid()
    assert "order_products" in mermaid and "orders" in mermaid


def test_a_removed_field_keeps_its_column_written_null(run_ploomes, ploomes_sim, warehouse):
    run_ploomes(tables=["contacts", "custom_fields"])
    field = next(f for f in ploomes_sim.fields("Contacts") if f.get("Dynamic") and f["Type"]["NativeType"] == "String")
    holder = next(
        c for c in contacts_truth(ploomes_sim) if any(i["FieldKey"] == field["Key"] for i in c["OtherProperties"])
    )
    column = warehouse.query(f"select columns from {warehouse.dataset}.custom_fields where key = '{field['Key']}'")[0][
        "columns"
    ]
    ploomes_sim.delete_field(field["Key"])
    ploomes_sim.update("Contacts", holder["Id"], {"Name": "Atualizado depois da remoção"})
    run_ploomes(tables=["contacts", "custom_fields"])
    assert column in warehouse.columns("contacts")
    row = warehouse.query(f"select {column} from {warehouse.dataset}.contacts where id = {holder['Id']}")[0]
    assert row[column] is None
    others = warehouse.query(f"select count(*) as n from {warehouse.dataset}.contacts where {column} is not null")
    assert others[0]["n"] > 0  # rows not re-read keep the value they had


@pytest.mark.parametrize("sim_config", [{"forbidden_endpoints": ("Documents",)}])
def test_check_lists_readable_tables_and_a_bad_key_is_one_line(ploomes_sim, monkeypatch, capsys):
    monkeypatch.setenv("SOURCES__PLOOMES__BASE_URL", ploomes_sim.base_url)
    monkeypatch.setenv("SOURCES__PLOOMES__API_KEY", TEST_KEY)
    # one request a table: at the default 120 a minute, ~45 tables would take the test 20 s
    monkeypatch.setenv("SOURCES__PLOOMES__RATE_LIMIT_PER_MINUTE", str(FAST))
    assert ploomes_pipeline.main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "documents" in out and "cannot read (HTTP 403)" in out
    assert f"{len(ENTITIES_BY_TABLE) - 1} of {len(ENTITIES_BY_TABLE)} tables readable" in out

    monkeypatch.setenv("SOURCES__PLOOMES__API_KEY", "wrong-key-123456")
    assert ploomes_pipeline.main(["--check"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sources.ploomes.api_key" in err[0] and "wrong-key-123456" not in err[0]
