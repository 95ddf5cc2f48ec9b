"""Descriptions: every table and declared column has one, custom-field columns name their field, and writing them
as comments never fails a load. (What a load actually makes is checked in tests/integration/test_documentation.py.)"""

from __future__ import annotations

from types import SimpleNamespace

from pipelines.comments import write_comments
from sources import hivestr, ploomes
from sources.descriptions import DLT_COLUMNS, DLT_TABLES, TableText, described_tables
from sources.hivestr import descriptions as hivestr_descriptions
from sources.hivestr.entities import ENTITIES as HIVESTR_ENTITIES
from sources.ploomes import descriptions as ploomes_descriptions
from sources.ploomes.custom_fields import CustomField, CustomFieldMapper
from sources.ploomes.entities import ENTITIES as PLOOMES_ENTITIES
from sources.ploomes.rows import snake
from sources.report import SyncReport


def undescribed(text, columns) -> list[str]:
    return [column for column in columns if not text.columns.get(column)]


def test_every_ploomes_table_and_declared_column_is_described():
    missing = {}
    for entity in PLOOMES_ENTITIES:
        text = ploomes_descriptions.table_text(entity.table, entity.natives, entity.references)
        declared = [snake(name) for name in entity.natives] + [name.lower() for name in entity.expand]
        missing[entity.table] = undescribed(text, declared)
        for child in entity.children:
            child_text = ploomes_descriptions.table_text(child.table, child.natives, {})
            declared = [snake(name) for name in child.natives] + [child.parent_key, *child.inherited]
            missing[child.table] = undescribed(child_text, declared)
    assert {table: columns for table, columns in missing.items() if columns} == {}
    children = {child.table for entity in PLOOMES_ENTITIES for child in entity.children}
    assert set(ploomes_descriptions.TABLES) == set(ploomes.ALL_TABLES) | children  # none left for a table gone


def test_every_hivestr_table_and_declared_column_is_described():
    missing = {}
    for entity in HIVESTR_ENTITIES:
        for part in (entity, entity.child) if entity.child else (entity,):
            text = hivestr_descriptions.table_text(part.table, {})
            nested = [column for columns in part.nested.values() for column in columns.values()]
            missing[part.table] = undescribed(text, [*part.columns, *nested, *part.references])
    assert {table: columns for table, columns in missing.items() if columns} == {}
    assert set(hivestr_descriptions.TABLES) == set(hivestr.ALL_TABLES)


def field(kind="scalar", native="String", multiple=False, type_name=None):
    return CustomField("contact_ABC", "Segmento d'água", 1, native, kind, multiple, type_name=type_name)


def descriptions(custom: CustomField, types_seen=None) -> dict[str, str]:
    mapper = CustomFieldMapper([custom], {custom.key: "segmento"}, types_seen)
    return {column: hint["description"] for column, hint in mapper.column_hints().items()}


def test_a_custom_field_column_names_the_field_its_type_and_field_key():
    option = descriptions(field("option", "Integer", type_name="Lista de opções"))
    head = 'Custom field "Segmento d\'água" (FieldKey contact_ABC, type option list, "Lista de opções" in Ploomes)'
    assert option == {
        "segmento_id": f"{head}: the option's id (field_options.id)",
        "segmento_val": f"{head}: the option's label when the record was read",
    }
    several = descriptions(field("option", "Integer", multiple=True))
    assert several["segmento_id"].endswith(
        "type multi-select option list): the chosen options' ids, comma-joined (field_options.id)"
    )
    assert descriptions(field("user", "Integer"))["segmento_id"].endswith("type user): the user's id (users.id)")
    assert descriptions(field(native="DateTime"))["segmento"].endswith("type date-time): its value, UTC")


def test_a_custom_field_that_changed_type_describes_its_variant_column():
    retyped = descriptions(field(native="Integer"), types_seen={"segmento": "text"})
    assert retyped["segmento__v_bigint"].endswith(
        "type integer): its value; its values since the field became bigint (segmento keeps the earlier ones)"
    )


def test_dlt_columns_and_variants_are_described_for_the_warehouse():
    contacts = {
        "description": "Clients",
        "columns": {
            "codigo": {"name": "codigo", "data_type": "text", "description": "Its code"},
            "codigo__v_bigint": {"name": "codigo__v_bigint", "data_type": "bigint", "variant": True},
            "_dlt_id": {"name": "_dlt_id", "data_type": "text", "description": "dlt's own words"},
        },
    }
    loads = {"columns": {"load_id": {"name": "load_id", "data_type": "text"}}}
    described = described_tables(SimpleNamespace(tables={"contacts": contacts, "_dlt_loads": loads}))
    assert described["contacts"].columns == {
        "codigo": "Its code",
        "codigo__v_bigint": "Its code. Values of type bigint that codigo could not hold (it keeps its first type)",
        "_dlt_id": DLT_COLUMNS["_dlt_id"],
    }
    own = DLT_TABLES["_dlt_loads"]
    assert described["_dlt_loads"] == TableText(own.description, {"load_id": own.columns["load_id"]})


def test_comments_that_cannot_be_written_are_a_warning_not_a_failure():
    def unreachable():
        raise ConnectionError("connection refused\nsecond line")

    pipeline = SimpleNamespace(
        sql_client=unreachable, destination=SimpleNamespace(destination_type="dlt.destinations.postgres")
    )
    report = SyncReport()
    write_comments(pipeline, report)
    assert not report.failed
    assert report.warnings == [
        "the tables' and columns' descriptions were not written to the warehouse as comments (connection refused); "
        "the next run writes them"
    ]
