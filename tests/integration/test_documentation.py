"""Documentation where BI tools look (issue 15, point 1): every table and column a load makes is described in the
schema, the warehouse holds each description as the table's or column's comment, and docs/tables.md is current."""

from __future__ import annotations

import difflib

import pytest

from pipelines import docs
from pipelines.comments import comment_statements, table_texts
from pipelines.common import make_pipeline
from sources.descriptions import described_tables
from tests.integration.conftest import run_options

QUOTED_NAME = "Situação d'Ávila"  # a pt-BR label with a quote, which the SQL of a comment must escape


def undescribed(schema) -> list[str]:
    described = described_tables(schema)
    missing = [table for table, text in described.items() if not text.description]
    for table, text in described.items():
        missing += [f"{table}.{column}" for column in schema.tables[table]["columns"] if not text.columns.get(column)]
    return missing


def test_every_column_a_load_makes_is_described_and_the_dictionary_is_current(tmp_path):
    schemas = docs.load_simulators(tmp_path)  # as `make docs` loads them
    missing = {name: undescribed(schema) for name, schema in schemas.items()}
    assert missing == {"ploomes": [], "hivestr": [], "erp": []}, "describe them in sources/<system>/descriptions.py"
    written, expected = docs.DICTIONARY.read_text(encoding="utf-8"), docs.render(schemas)
    if written != expected:
        diff = difflib.unified_diff(
            written.splitlines(), expected.splitlines(), "docs/tables.md", "regenerated", n=0, lineterm=""
        )
        stale = f"docs/tables.md is stale: run `{docs.COMMAND}` and commit it. It differs:\n"
        pytest.fail(stale + "\n".join(list(diff)[:20]))


def assert_commented_as_described(warehouse, pipeline_name: str, pipelines_dir) -> dict:
    """Every table and column of the dataset holds its description as its comment, and a second pass would write
    nothing; returns the comments."""
    pipeline = make_pipeline(pipeline_name, run_options(warehouse, pipelines_dir))
    described = table_texts(pipeline.default_schema)
    comments = warehouse.comments()
    tables = {table for table, _ in comments}
    assert tables >= {"_dlt_loads", "_dlt_version", "_dlt_pipeline_state"}
    wrong = {
        (table, column): comment
        for (table, column), comment in comments.items()
        if not comment or comment != (described[table].columns.get(column) if column else described[table].description)
    }
    assert wrong == {}
    with pipeline.sql_client() as client:
        assert comment_statements(pipeline, client) == []
    return comments


def test_ploomes_comments_hold_the_descriptions_custom_fields_named_by_field(
    ploomes_sim, run_ploomes, warehouse, tmp_path
):
    option_field = next(
        f for f in ploomes_sim.fields("Contacts") if f["Dynamic"] and f["OptionsTableId"] and not f["Multiple"]
    )
    ploomes_sim.rename_field(option_field["Key"], QUOTED_NAME)
    report = run_ploomes(tables=["contacts", "deal_stages", "custom_fields", "field_options"])
    assert report.warnings == [] and not report.failed
    comments = assert_commented_as_described(warehouse, "ploomes", tmp_path / "pipelines")

    field = next(f for f in ploomes_sim.fields("Contacts") if f["Key"] == option_field["Key"])
    columns = {
        column: comment
        for (table, column), comment in comments.items()
        if table == "contacts" and column and field["Key"] in comment
    }
    assert sorted(column.rsplit("_", 1)[1] for column in columns) == ["id", "val"], columns
    for column, comment in columns.items():
        assert f'"{field["Name"]}"' in comment and QUOTED_NAME in comment
        assert f"FieldKey {field['Key']}" in comment and "option list" in comment and field["Type"]["Name"] in comment
        assert ("(field_options.id)" if column.endswith("_id") else "label") in comment


@pytest.mark.parametrize("hivestr_config", [{"scale": 30}])
def test_hivestr_comments_hold_the_descriptions(run_hivestr, warehouse, tmp_path):
    report = run_hivestr()
    assert report.warnings == [] and not report.failed
    comments = assert_commented_as_described(warehouse, "hivestr", tmp_path / "pipelines")
    assert "centavos" in comments[("proposals", "final_value")]
