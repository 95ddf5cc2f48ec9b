from sources.ploomes.custom_fields import CustomField, CustomFieldMapper, assign_columns, snake_ascii


def field(key, name, native="String", kind="scalar", multiple=False, entity_id=1):
    return CustomField(key=key, name=name, entity_id=entity_id, native_type=native, kind=kind, multiple=multiple)


def test_names_are_transliterated_not_mangled():
    assert snake_ascii("Situação") == "situacao"
    assert snake_ascii("Nº de Funcionários") == "no_de_funcionarios"
    assert snake_ascii("  Data de Renovação (prevista) ") == "data_de_renovacao_prevista"
    assert snake_ascii("2º Contato") == "f_2o_contato"
    assert snake_ascii("???") == "field"


def test_collisions_with_natives_and_between_fields_get_suffixes():
    fields = [field("k1", "Email"), field("k2", "Região"), field("k3", "Regiao"), field("k4", "Status", kind="option")]
    columns = assign_columns(fields, {}, {"id", "email", "status_id"})
    assert columns["k1"] == "email_2"
    assert {columns["k2"], columns["k3"]} == {"regiao", "regiao_2"}
    # an option field needs <base>_id and <base>_val: status_id is native, so the base moves on
    assert columns["k4"] == "status_2"


def test_frozen_names_survive_renames_and_new_fields_avoid_them():
    frozen = {"k1": "situacao"}
    renamed = [field("k1", "Situação do cliente"), field("k2", "Situação")]
    columns = assign_columns(renamed, frozen, {"id"})
    assert columns == {"k1": "situacao", "k2": "situacao_2"}
    # a removed field keeps its name reserved
    assert assign_columns([field("k3", "Situação")], columns, {"id"})["k3"] == "situacao_3"


def item(key, **values):
    return {"FieldKey": key, **values}


def test_values_by_native_type_and_reference_kind():
    fields = [
        field("s", "Texto"),
        field("i", "Inteiro", "Integer"),
        field("d", "Decimal", "Decimal"),
        field("b", "Ativo", "Bool"),
        field("t", "Quando", "DateTime"),
        field("o", "Fase", "Integer", "option"),
        field("m", "Canais", "Integer", "option", multiple=True),
        field("u", "Gerente", "Integer", "user"),
    ]
    columns = assign_columns(fields, {}, {"id"})
    mapper = CustomFieldMapper(fields, columns)
    values = mapper.values(
        [
            item("s", StringValue="abc"),
            item("i", IntegerValue=7),
            item("d", DecimalValue=1.5),
            item("b", BoolValue=False),
            item("t", DateTimeValue="2023-03-20T15:37:10.13-03:00"),
            item("o", IntegerValue=6773, ObjectValueId=6773, ObjectValueName="Bid em aberto"),
            item("m", ObjectValueId=1, ObjectValueName="Email"),
            item("m", ObjectValueId=2, ObjectValueName="Telefone"),
            item("u", IntegerValue=9, UserValueId=9, UserValueName="Ana"),
            item("unknown", StringValue="ignored"),
        ]
    )
    assert values == {
        "texto": "abc",
        "inteiro": 7,
        "decimal": 1.5,
        "ativo": False,
        "quando": "2023-03-20T15:37:10.13-03:00",  # its column is a timestamp: sources/arrow_pages.py parses it
        "fase_id": 6773,
        "fase_val": "Bid em aberto",
        "canais_id": "1,2",
        "canais_val": "Email,Telefone",
        "gerente_id": 9,
        "gerente_val": "Ana",
    }
    hints = mapper.column_hints()
    assert hints["canais_id"]["data_type"] == "text" and hints["fase_id"]["data_type"] == "bigint"
    assert hints["quando"]["data_type"] == "timestamp" and hints["ativo"]["data_type"] == "bool"


def test_field_kind_from_api_metadata():
    option = CustomField.from_api(
        {"Key": "a", "Name": "A", "EntityId": 1, "TypeId": 7, "OptionsTableId": 3, "Type": {"NativeType": "Integer"}}
    )
    user = CustomField.from_api(
        {"Key": "b", "Name": "B", "EntityId": 1, "Type": {"Name": "Usuário", "NativeType": "Integer"}}
    )
    native = CustomField.from_api({"Key": "c", "Name": "Nome", "EntityId": 1, "Dynamic": False})
    assert (option.kind, user.kind, native.kind, native.dynamic) == ("option", "user", "scalar", False)


def test_a_field_that_changed_type_writes_variant_columns_and_never_retypes_one():
    seen = {"codigo": "text", "fase_id": "bigint", "fase_val": "text"}
    retyped = [field("c", "Código", "Integer"), field("f", "Fase", "Integer", "option", multiple=True)]
    mapper = CustomFieldMapper(retyped, {"c": "codigo", "f": "fase"}, seen)
    assert {name: hint["data_type"] for name, hint in mapper.column_hints().items()} == {
        "codigo__v_bigint": "bigint",
        "fase_id__v_text": "text",
        "fase_val": "text",
    }
    values = mapper.values([item("c", IntegerValue=42), item("f", ObjectValueId=1, ObjectValueName="A")])
    assert values == {"codigo__v_bigint": 42, "fase_id__v_text": "1", "fase_val": "A"}
