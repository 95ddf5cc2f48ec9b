"""Custom fields (`/Fields`), their option lists, and `OtherProperties` items rendered exactly as Ploomes sends them.

Record values are kept raw, as (FieldId, value) pairs; names (an option's, a user's) are resolved when a record is
read, so renaming an option changes ObjectValueName everywhere at once, as in Ploomes. Deleting a field hides its
values; changing a field's type shows the values that convert to the new type and hides the others. Field keys are
an entity prefix plus a GUID derived from the seed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulators.ploomes.odata import parse_datetime
from simulators.ploomes.values import format_ticks, guid, now_ticks, ticks_from_datetime


@dataclass(frozen=True)
class FieldType:
    id: int
    name: str
    native_type: str  # String, BigString, Integer, Decimal, DateTime or Bool: the value column is NativeType+"Value"
    kind: str  # what the value means: the native type, or Option, User, Contact, Product, Currency


TYPES: tuple[FieldType, ...] = (
    FieldType(1, "Texto", "String", "String"),
    FieldType(2, "Texto longo", "BigString", "BigString"),
    FieldType(3, "Número inteiro", "Integer", "Integer"),
    FieldType(4, "Número decimal", "Decimal", "Decimal"),
    FieldType(5, "Data", "DateTime", "DateTime"),
    FieldType(6, "Sim/Não", "Bool", "Bool"),
    FieldType(7, "Lista de opções", "Integer", "Option"),
    FieldType(8, "Usuário", "Integer", "User"),
    FieldType(9, "Cliente", "Integer", "Contact"),
    FieldType(10, "Produto", "Integer", "Product"),
    FieldType(11, "Moeda", "Decimal", "Currency"),
    FieldType(12, "Data e hora", "DateTime", "DateTime"),
)
TYPES_BY_ID = {t.id: t for t in TYPES}
TYPE_BY_KIND = {t.kind: t for t in reversed(TYPES)}  # first type of each kind wins (Data over Data e hora)

# EntityId -> (name in /Fields@Entities, FieldKey prefix, owner column in OtherProperties items)
FIELD_ENTITIES: dict[int, tuple[str, str | None, str | None]] = {
    1: ("Cliente", "contact", "ContactId"),
    2: ("Negócio", "deal", "DealId"),
    3: ("Lead", "lead", "LeadId"),
    4: ("Venda", "order", "OrderId"),
    5: ("Seção de venda", None, None),
    6: ("Proposta", "quote", "QuoteId"),
    7: ("Revisão de proposta", None, None),
    8: ("Seção de proposta", None, None),
    10: ("Produto", "product", "ProductId"),
    12: ("Tarefa", "task", "TaskId"),
    14: ("Produto da proposta", None, None),
    20: ("Produto da venda", None, None),
    36: ("Registro de interação", "interactionrecord", "InteractionRecordId"),
    55: ("Mural de publicação", None, None),
}

VALUE_COLUMNS = (
    "StringValue", "BigStringValue", "IntegerValue", "DecimalValue", "DateTimeValue", "BoolValue", "ObjectValueId",
    "ObjectValueName", "UserValueId", "UserValueName", "UserValueAvatarUrl", "ProductValueId", "ProductValueName",
    "AttachmentValueId", "AttachmentValueName", "ContactValueId", "ContactValueName", "ContactValueTypeId",
    "ContactValueRegister", "CurrencyValueId", "AttachmentItemValueId", "AttachmentItemValueName",
)  # fmt: skip
_EMPTY_VALUES = dict.fromkeys(VALUE_COLUMNS)

# (name, kind, options or None, multiple). Every entity with custom fields gets one field of each native type,
# an option list, a multi-select, a user and a product field; contacts also get a name clash with a native
# column ("Email") and two names that differ only by accents ("Região"/"Regiao"); deals get a contact field.
_COMMON_OPTIONS = {
    "Prioridade": ("Alta", "Média", "Baixa"),
    "Canais": ("Inbound", "Outbound", "Indicação", "Parceiro", "Evento", "Redes sociais"),
}
DEFAULT_FIELDS: dict[int, tuple[tuple[str, str, tuple[str, ...] | None, bool], ...]] = {
    1: (
        ("Situação", "Option", ("Ativo", "Inativo", "Em negociação", "Inadimplente", "Bloqueado"), False),
        ("Data de Renovação", "DateTime", None, False),
        ("Nº de Funcionários", "Integer", None, False),
        ("Observações Internas", "BigString", None, False),
        ("Faturamento Anual", "Decimal", None, False),
        ("Possui Contrato?", "Bool", None, False),
        ("Código ERP", "String", None, False),
        ("Interesses", "Option", ("CRM", "ERP", "BI e Relatórios", "Consultoria", "Suporte Técnico"), True),
        ("Gerente de Contas", "User", None, False),
        ("Produto Principal", "Product", None, False),
        ("Email", "String", None, False),
        ("Região", "Option", ("Norte", "Nordeste", "Centro-Oeste", "Sudeste", "Sul"), False),
        ("Regiao", "String", None, False),
    ),
    2: (
        ("Temperatura", "Option", ("Quente", "Morna", "Fria"), False),
        ("Previsão de Fechamento", "DateTime", None, False),
        ("Probabilidade (%)", "Integer", None, False),
        ("Justificativa", "BigString", None, False),
        ("Valor Recorrente Mensal", "Currency", None, False),
        ("Margem Estimada", "Decimal", None, False),
        ("Renovação Automática?", "Bool", None, False),
        ("Número do Edital", "String", None, False),
        ("Canais de Venda", "Option", _COMMON_OPTIONS["Canais"], True),
        ("Pré-vendedor", "User", None, False),
        ("Contato Técnico", "Contact", None, False),
        ("Produto de Interesse", "Product", None, False),
    ),
    3: (
        ("Campanha", "Option", ("Black Friday", "Webinar Gestão Comercial", "Feira ABF", "E-book Funil"), False),
        ("Data do Primeiro Contato", "DateTime", None, False),
        ("Pontuação", "Integer", None, False),
        ("Mensagem do Formulário", "BigString", None, False),
        ("Orçamento Informado", "Decimal", None, False),
        ("Aceita Newsletter?", "Bool", None, False),
        ("Cargo Informado", "String", None, False),
        ("Áreas de Interesse", "Option", ("Vendas", "Marketing", "Financeiro", "Operações"), True),
        ("SDR Responsável", "User", None, False),
        ("Produto Citado", "Product", None, False),
    ),
    4: (
        ("Forma de Pagamento", "Option", ("Boleto", "Pix", "Cartão de crédito", "Transferência", "Faturado"), False),
        ("Data de Entrega", "DateTime", None, False),
        ("Parcelas", "Integer", None, False),
        ("Instruções de Entrega", "BigString", None, False),
        ("Frete", "Decimal", None, False),
        ("Nota Fiscal Emitida?", "Bool", None, False),
        ("Número do Pedido de Compra", "String", None, False),
        ("Canais", "Option", _COMMON_OPTIONS["Canais"], True),
        ("Vendedor Interno", "User", None, False),
        ("Produto Destaque", "Product", None, False),
    ),
    6: (
        ("Validade", "Option", ("15 dias", "30 dias", "60 dias", "90 dias"), False),
        ("Data de Envio", "DateTime", None, False),
        ("Prazo de Entrega (dias)", "Integer", None, False),
        ("Condições Comerciais", "BigString", None, False),
        ("Desconto Máximo", "Decimal", None, False),
        ("Requer Aprovação?", "Bool", None, False),
        ("Referência do Cliente", "String", None, False),
        ("Condições Especiais", "Option", ("Frete grátis", "Garantia estendida", "Instalação inclusa"), True),
        ("Aprovador", "User", None, False),
        ("Produto Principal", "Product", None, False),
    ),
    10: (
        ("Categoria Fiscal", "Option", ("Mercadoria", "Serviço", "Software", "Revenda"), False),
        ("Data de Lançamento", "DateTime", None, False),
        ("Estoque Mínimo", "Integer", None, False),
        ("Descrição Técnica", "BigString", None, False),
        ("Custo Unitário", "Decimal", None, False),
        ("Ativo no E-commerce?", "Bool", None, False),
        ("NCM", "String", None, False),
        ("Canais de Venda", "Option", _COMMON_OPTIONS["Canais"], True),
        ("Gerente do Produto", "User", None, False),
        ("Produto Substituto", "Product", None, False),
    ),
    12: (
        ("Prioridade", "Option", _COMMON_OPTIONS["Prioridade"], False),
        ("Data Limite Interna", "DateTime", None, False),
        ("Tentativas", "Integer", None, False),
        ("Roteiro", "BigString", None, False),
        ("Horas Estimadas", "Decimal", None, False),
        ("Exige Retorno?", "Bool", None, False),
        ("Protocolo", "String", None, False),
        ("Etiquetas", "Option", ("Urgente", "Financeiro", "Técnico", "Comercial"), True),
        ("Revisor", "User", None, False),
        ("Produto Relacionado", "Product", None, False),
    ),
    36: (
        ("Sentimento", "Option", ("Positivo", "Neutro", "Negativo"), False),
        ("Próximo Contato", "DateTime", None, False),
        ("Duração (min)", "Integer", None, False),
        ("Resumo da Conversa", "BigString", None, False),
        ("Valor Citado", "Decimal", None, False),
        ("Cliente Satisfeito?", "Bool", None, False),
        ("Canal", "String", None, False),
        ("Assuntos Tratados", "Option", ("Preço", "Prazo", "Suporte", "Contrato", "Concorrência"), True),
        ("Participante Interno", "User", None, False),
        ("Produto Discutido", "Product", None, False),
    ),
}
# Native columns /Fields lists too (Dynamic false), as Ploomes does: (entity, key suffix, name, kind)
NATIVE_FIELDS = (
    (1, "name", "Nome", "String"), (1, "email", "E-mail", "String"), (1, "register", "CPF/CNPJ", "String"),
    (2, "title", "Título", "String"), (2, "amount", "Valor", "Decimal"), (4, "amount", "Valor", "Decimal"),
    (6, "amount", "Valor", "Decimal"), (10, "name", "Nome", "String"), (12, "title", "Título", "String"),
    (36, "content", "Conteúdo", "BigString"), (3, "name", "Nome", "String"),
)  # fmt: skip


@dataclass
class Option:
    id: int
    table_id: int
    name: str
    external_key: str | None
    last_update: int  # ticks

    def to_record(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "TableId": self.table_id,
            "Name": self.name,
            "ExternalKey": self.external_key,
            "LastUpdateDate": format_ticks(self.last_update),
        }


@dataclass
class OptionsTable:
    id: int
    name: str
    options: dict[int, Option] = field(default_factory=dict)


@dataclass
class CustomField:
    id: int
    key: str
    name: str
    entity_id: int
    type_id: int
    options_table_id: int | None = None
    multiple: bool = False
    dynamic: bool = True
    required: bool = False
    hidden: bool = False
    disabled: bool = False

    @property
    def type(self) -> FieldType:
        return TYPES_BY_ID[self.type_id]

    def to_record(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Key": self.key,
            "Name": self.name,
            "EntityId": self.entity_id,
            "TypeId": self.type_id,
            "OptionsTableId": self.options_table_id,
            "Multiple": self.multiple,
            "Dynamic": self.dynamic,
            "Required": self.required,
            "Hidden": self.hidden,
            "Disabled": self.disabled,
        }


@dataclass(frozen=True)
class SeededField:
    """A field as the data was generated with it. Generated values follow this snapshot, not the live catalog, so
    adding, renaming or deleting fields and options never changes another record's generated values (deleted ones
    are hidden when rendered)."""

    id: int
    name: str  # the original name, which shapes plausible values ("Email" gets an address)
    kind: str
    multiple: bool
    fill: float  # share of generated records holding a value
    option_ids: tuple[int, ...] = ()


RawValue = tuple[int, Any]  # (FieldId, value): option/user/contact/product id, ticks for dates, (amount, currency id)


class NameResolver(Protocol):
    """How the catalog learns a referenced record's current name (the dataset implements it)."""

    def user(self, user_id: int) -> tuple[str | None, str | None]: ...  # (name, avatar url)

    def contact(self, contact_id: int) -> tuple[str | None, int | None, str | None]: ...  # (name, type, register)

    def product(self, product_id: int) -> str | None: ...


class FieldCatalog:
    def __init__(self, seed: int, stamp: int):
        self._lock = threading.RLock()
        self._rng = random.Random(seed ^ 0x5EED)
        self.fields: dict[int, CustomField] = {}
        self.tables: dict[int, OptionsTable] = {}
        self.version = 0  # bumped on every change, so derived views know to rebuild
        self._retyped: set[int] = set()  # fields whose stored values may be of an earlier type
        self._item_templates: dict[int, dict[str, Any]] = {}  # an OtherProperties item's keys, by field
        self._templates_version = 0
        self._next_field_id = 210_000
        self._next_table_id = 3_100
        self._next_option_id = 6_700
        self.seeded: dict[int, tuple[SeededField, ...]] = {}
        for entity_id, definitions in DEFAULT_FIELDS.items():
            seeded = []
            for name, kind, options, multiple in definitions:
                new = self.add_field(entity_id, name, kind, options=options, multiple=multiple, stamp=stamp)
                option_ids = tuple(self.tables[new.options_table_id].options) if new.options_table_id else ()
                fill = round(self._rng.uniform(0.4, 0.8), 2)
                seeded.append(SeededField(new.id, name, kind, multiple, fill, option_ids))
            self.seeded[entity_id] = tuple(seeded)
        for entity_id, suffix, name, kind in NATIVE_FIELDS:
            prefix = FIELD_ENTITIES[entity_id][1]
            field_id = self._field_id()
            self.fields[field_id] = CustomField(
                field_id, f"{prefix}_{suffix}", name, entity_id, TYPE_BY_KIND[kind].id, dynamic=False
            )

    # --- ids ----------------------------------------------------------------------------------------------------
    def _field_id(self) -> int:
        self._next_field_id += self._rng.randint(1, 40)
        return self._next_field_id

    def _option_id(self) -> int:
        self._next_option_id += self._rng.randint(1, 9)
        return self._next_option_id

    # --- reading ------------------------------------------------------------------------------------------------
    def field(self, ref: int | str) -> CustomField:
        """A field by Id or Key (KeyError otherwise)."""
        with self._lock:
            if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
                return self.fields[int(ref)]
            for candidate in self.fields.values():
                if candidate.key == ref:
                    return candidate
        raise KeyError(f"no field {ref!r}")

    def custom_fields(self, entity_id: int) -> list[CustomField]:
        with self._lock:
            return [f for f in self.fields.values() if f.entity_id == entity_id and f.dynamic]

    def option(self, option_id: int) -> Option:
        with self._lock:
            for table in self.tables.values():
                if option_id in table.options:
                    return table.options[option_id]
        raise KeyError(f"no option {option_id}")

    # --- changes ------------------------------------------------------------------------------------------------
    def add_field(
        self,
        entity_id: int,
        name: str,
        kind: str | int,
        *,
        options: Iterable[str] | None = None,
        options_table_id: int | None = None,
        multiple: bool = False,
        stamp: int | None = None,
    ) -> CustomField:
        """Add a dynamic field; `kind` is a native type (String, ... Bool), Option/User/Contact/Product/Currency, or a
        TypeId. An option field gets a new table holding `options`, or shares `options_table_id`."""
        field_type = TYPES_BY_ID.get(kind) if isinstance(kind, int) else TYPE_BY_KIND.get(kind)
        if field_type is None:
            raise ValueError(f"unknown field type {kind!r}; use one of {sorted(TYPE_BY_KIND)} or a TypeId")
        prefix = FIELD_ENTITIES.get(entity_id, (None, None))[1]
        if prefix is None:
            raise ValueError(f"EntityId {entity_id} has no custom fields here")
        if not name or not isinstance(name, str):
            raise ValueError("a field needs a name")
        with self._lock:
            if field_type.kind == "Option":
                if options_table_id is None:
                    options_table_id = self.add_options_table(name, options or (), stamp=stamp).id
                elif options_table_id not in self.tables:
                    raise KeyError(f"no options table {options_table_id}")
            elif options is not None or options_table_id is not None or multiple:
                raise ValueError("only option fields (TypeId 7) take options or Multiple")
            new = CustomField(
                self._field_id(),
                f"{prefix}_{guid(self._rng)}",
                name,
                entity_id,
                field_type.id,
                options_table_id,
                multiple,
            )
            self.fields[new.id] = new
            self.version += 1
            return new

    def rename_field(self, ref: int | str, name: str) -> CustomField:
        with self._lock:
            target = self.field(ref)
            target.name = name
            self.version += 1
            return target

    def retype_field(self, ref: int | str, kind: str | int) -> CustomField:
        """Change a field's type between the plain kinds (String ... Bool): stored values that convert to the new
        type (the text "42" to an integer) keep showing, the others are hidden."""
        field_type = TYPES_BY_ID.get(kind) if isinstance(kind, int) else TYPE_BY_KIND.get(kind)
        with self._lock:
            target = self.field(ref)
            plain = {t.id for t in TYPES if t.kind == t.native_type}
            if field_type is None or field_type.id not in plain or target.type_id not in plain:
                raise ValueError("only fields of a plain type (String, BigString, Integer, Decimal, DateTime, Bool) "
                                 "change type, to another plain type")  # fmt: skip
            target.type_id = field_type.id
            self._retyped.add(target.id)
            self.version += 1
            return target

    def delete_field(self, ref: int | str) -> CustomField:
        with self._lock:
            target = self.fields.pop(self.field(ref).id)
            self.version += 1
            return target

    def add_options_table(self, name: str, options: Iterable[str] = (), stamp: int | None = None) -> OptionsTable:
        with self._lock:
            self._next_table_id += self._rng.randint(1, 5)
            table = self.tables[self._next_table_id] = OptionsTable(self._next_table_id, name)
            for option_name in options:
                self.add_option(table.id, option_name, stamp=stamp)
            self.version += 1
            return table

    def add_option(self, table_id: int, name: str, external_key: str | None = None, stamp: int | None = None) -> Option:
        with self._lock:
            table = self.tables[table_id]
            option = Option(self._option_id(), table_id, name, external_key, stamp or now_ticks())
            table.options[option.id] = option
            self.version += 1
            return option

    def rename_option(self, option_id: int, name: str) -> Option:
        with self._lock:
            option = self.option(option_id)
            option.name = name
            option.last_update = now_ticks()
            self.version += 1
            return option

    def delete_option(self, option_id: int) -> Option:
        with self._lock:
            option = self.option(option_id)
            del self.tables[option.table_id].options[option_id]
            self.version += 1
            return option

    # --- OtherProperties ----------------------------------------------------------------------------------------
    def render(
        self, entity_id: int, owner_id: int, values: Iterable[RawValue], names: NameResolver
    ) -> list[dict[str, Any]]:
        """The `OtherProperties` items of one record: only live fields holding a value, every value column present."""
        owner_column = FIELD_ENTITIES[entity_id][2]
        items = []
        with self._lock:
            if self._templates_version != self.version:
                self._item_templates.clear()
                self._templates_version = self.version
            for position, (field_id, value) in enumerate(values):
                target = self.fields.get(field_id)
                if target is not None and value is not None and field_id in self._retyped:
                    value = self._converted(target, value)
                if target is None or value is None:
                    continue
                columns = _value_columns(target, value, self, names)
                if columns is None:  # e.g. an option deleted since
                    continue
                item = self._item_template(target, owner_column).copy()
                item["Id"] = owner_id * 100 + position
                item[owner_column] = owner_id
                item.update(columns)
                items.append(item)
        return items

    def _item_template(self, target: CustomField, owner_column: str) -> dict[str, Any]:
        # Every item carries all 26 value columns: copying a prepared dict is cheaper than building one per value.
        template = self._item_templates.get(target.id)
        if template is None:
            template = {"Id": None, "FieldId": target.id, "FieldKey": target.key, owner_column: None, **_EMPTY_VALUES}
            self._item_templates[target.id] = template
        return template

    def parse(self, entity_id: int, given: Any) -> list[RawValue]:
        """Raw values from what a mutation sends: API-shaped items [{"FieldKey": k, "StringValue": v}, ...] (or
        FieldId), or a {FieldKey: value} mapping (a list value for a multi-select)."""
        if isinstance(given, dict):
            raw = []
            for key, value in given.items():
                target = self._own_field(entity_id, key)
                raw += [(target.id, self._plain(target, v)) for v in (value if isinstance(value, list) else [value])]
            return raw
        if not isinstance(given, list):
            raise ValueError("OtherProperties must be a list of items or a {FieldKey: value} object")
        raw = []
        for item in given:
            if not isinstance(item, dict):
                raise ValueError("each OtherProperties item must be an object")
            target = self._own_field(entity_id, item.get("FieldKey", item.get("FieldId")))
            raw.append((target.id, self._plain(target, _item_value(target, item))))
        return raw

    def _converted(self, target: CustomField, value: Any) -> Any:
        try:
            return self._plain(target, value)
        except (ValueError, TypeError):
            return None

    def _own_field(self, entity_id: int, ref: Any) -> CustomField:
        if ref is None:
            raise ValueError("an OtherProperties item needs FieldKey or FieldId")
        try:
            target = self.field(ref)
        except KeyError as exc:
            raise ValueError(f"unknown custom field {ref!r}") from exc
        if target.entity_id != entity_id or not target.dynamic:
            raise ValueError(f"field {ref!r} is not a custom field of EntityId {entity_id}")
        return target

    def _plain(self, target: CustomField, value: Any) -> Any:
        kind = target.type.kind
        if value is None:
            return None
        if kind == "DateTime":
            return ticks_from_datetime(parse_datetime(value)) if isinstance(value, str) else int(value)
        if kind == "Option":
            option_id = int(value)
            if option_id not in self.tables[target.options_table_id].options:
                raise ValueError(f"option {option_id} is not in the options table of field {target.key}")
            return option_id
        if kind in ("User", "Contact", "Product", "Integer"):
            return int(value)
        if kind == "Currency":
            return (float(value[0]), int(value[1])) if isinstance(value, (list, tuple)) else (float(value), None)
        if kind == "Decimal":
            return float(value)
        if kind == "Bool":
            return bool(value)
        return str(value)


_ITEM_VALUE_COLUMN = {
    "Option": "ObjectValueId",
    "User": "UserValueId",
    "Contact": "ContactValueId",
    "Product": "ProductValueId",
}


def _item_value(target: CustomField, item: dict[str, Any]) -> Any:
    kind = target.type.kind
    if kind == "Currency":
        return (item.get("DecimalValue"), item.get("CurrencyValueId"))
    column = _ITEM_VALUE_COLUMN.get(kind)
    if column is not None:
        return item.get(column, item.get("IntegerValue"))
    return item.get(target.type.native_type + "Value")


def _value_columns(
    target: CustomField, value: Any, catalog: FieldCatalog, names: NameResolver
) -> dict[str, Any] | None:
    kind = target.type.kind
    if kind == "Option":
        table = catalog.tables.get(target.options_table_id or -1)
        option = table.options.get(value) if table else None
        if option is None:
            return None
        return {"IntegerValue": value, "ObjectValueId": value, "ObjectValueName": option.name}
    if kind == "User":
        name, avatar = names.user(value)
        return {"IntegerValue": value, "UserValueId": value, "UserValueName": name, "UserValueAvatarUrl": avatar}
    if kind == "Contact":
        name, type_id, register = names.contact(value)
        return {
            "IntegerValue": value,
            "ContactValueId": value,
            "ContactValueName": name,
            "ContactValueTypeId": type_id,
            "ContactValueRegister": register,
        }
    if kind == "Product":
        return {"IntegerValue": value, "ProductValueId": value, "ProductValueName": names.product(value)}
    if kind == "Currency":
        amount, currency_id = value
        return {"DecimalValue": amount, "CurrencyValueId": currency_id}
    if kind == "DateTime":
        return {"DateTimeValue": format_ticks(value)}
    return {target.type.native_type + "Value": value}


def metadata_records(catalog: FieldCatalog) -> dict[str, list[dict[str, Any]]]:
    """The contents of /Fields, /Fields@Types, /Fields@Entities, /Fields@OptionsTables and their options, with
    navigation properties ready for $expand (stripped by the query layer when not asked for)."""
    with catalog._lock:
        types = [{"Id": t.id, "Name": t.name, "NativeType": t.native_type} for t in TYPES]
        types_by_id = {t["Id"]: t for t in types}
        options_tables = []
        for table in catalog.tables.values():
            options = [option.to_record() for option in table.options.values()]
            options_tables.append({"Id": table.id, "Name": table.name, "Options": options})
        tables_by_id = {t["Id"]: {"Id": t["Id"], "Name": t["Name"]} for t in options_tables}
        fields = []
        for item in catalog.fields.values():
            record = item.to_record()
            record["Type"] = dict(types_by_id[item.type_id])
            record["OptionsTable"] = dict(tables_by_id[item.options_table_id]) if item.options_table_id else None
            fields.append(record)
        return {
            "Fields": sorted(fields, key=lambda r: r["Id"]),
            "Fields@Types": types,
            "Fields@Entities": [{"Id": k, "Name": v[0]} for k, v in sorted(FIELD_ENTITIES.items())],
            "Fields@OptionsTables": sorted(options_tables, key=lambda r: r["Id"]),
            "Fields@OptionsTables@Options": sorted(
                (option for table in options_tables for option in table["Options"]), key=lambda r: r["Id"]
            ),
        }
