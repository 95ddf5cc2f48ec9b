"""Ploomes custom fields (`OtherProperties`) as real, stable columns.

Fields are read from `/Fields` on every run, so a field created yesterday is a column today. A field's column name
comes from its `Name`, transliterated to ASCII snake_case, and is frozen per `FieldKey` in the source state the first
time it is given: renaming a field in Ploomes keeps its column, and a removed field keeps its column (written null).
Option, user, contact and product fields give two columns, `<name>_id` and `<name>_val` (the label at read time);
multi-select values are comma-joined in the same two columns, as Kondado does. A field that changes type keeps
the column it had, with the values it holds, and writes the new type's values to dlt's variant column
`<column>__v_<type>` (`codigo_erp__v_bigint`): a column never changes type, so nothing loaded is rewritten.

A field's kind comes from `/Fields` (an options table, or words in `Type.Name`) and from its values: an item carrying
`UserValueId` is a user field whatever its metadata says (a `Type` may come without `Name`). A kind learned from
values is kept (`CustomFieldMapper.learned`, stored by the caller), so the field's columns stay the same from then on.
A `NativeType` this module does not know is read from `<NativeType>Value`, or the first value property that holds
something, and its column takes the type of its first value.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

# NativeType -> (value property in an OtherProperties item, dlt data type)
NATIVE_TYPES: dict[str, tuple[str, str]] = {
    "String": ("StringValue", "text"),
    "BigString": ("BigStringValue", "text"),
    "Integer": ("IntegerValue", "bigint"),
    "Decimal": ("DecimalValue", "double"),
    "DateTime": ("DateTimeValue", "timestamp"),
    "Bool": ("BoolValue", "bool"),
}

# A reference field points at another record; the item carries that record's id and its display name.
REFERENCE_KINDS: dict[str, tuple[str, str]] = {
    "option": ("ObjectValueId", "ObjectValueName"),
    "user": ("UserValueId", "UserValueName"),
    "contact": ("ContactValueId", "ContactValueName"),
    "product": ("ProductValueId", "ProductValueName"),
    "attachment": ("AttachmentValueId", "AttachmentValueName"),
}
# How every custom-field column's description starts (the field's name follows, quoted)
CUSTOM_FIELD_PREFIX = "Custom field "
# How a description names a field's type, by kind (reference fields) or NativeType (the others)
_KIND_WORDS = {"option": "option list"}
_NATIVE_WORDS = {
    "String": "text",
    "BigString": "long text",
    "Integer": "integer",
    "Decimal": "decimal",
    "DateTime": "date-time",
    "Bool": "yes/no",
}
# What a reference field points at, and the table whose `id` its `_id` column holds
_REFERENCED = {
    "option": ("option", "field_options"),
    "user": ("user", "users"),
    "contact": ("client", "contacts"),
    "product": ("product", "products"),
    "attachment": ("attachment", None),
}
# Words in a field type's name that tell a reference field apart from a plain integer field.
_KIND_HINTS: tuple[tuple[str, str], ...] = (
    ("usuario", "user"),
    ("user", "user"),
    ("cliente", "contact"),
    ("contact", "contact"),
    ("contato", "contact"),
    ("produto", "product"),
    ("product", "product"),
    ("anexo", "attachment"),
    ("attachment", "attachment"),
)


def snake_ascii(name: str) -> str:
    """`Situação` -> `situacao`, `Nº de Funcionários` -> `no_de_funcionarios` (dlt would give `situa_o`)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("º", "o").replace("ª", "a"))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    snake = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    if not snake:
        return "field"
    return f"f_{snake}" if snake[0].isdigit() else snake


def _integer(value: Any) -> int | None:
    """An integer sent as a number or as text; None for anything else."""
    try:
        return None if value is None or isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None


def reference_kind(item: Mapping[str, Any]) -> str | None:
    """The reference kind an item's own values show (its `UserValueId` is set, say), if any."""
    return next((kind for kind, (id_key, _) in REFERENCE_KINDS.items() if item.get(id_key) is not None), None)


@dataclass(frozen=True)
class CustomField:
    key: str
    name: str
    entity_id: int | None
    native_type: str
    kind: str  # "scalar" or one of REFERENCE_KINDS
    multiple: bool
    id: int | None = None
    options_table_id: int | None = None
    dynamic: bool = True  # /Fields also lists native properties (Dynamic false): those are columns already
    type_name: str | None = None  # the type's name in Ploomes, e.g. "Lista de opções"

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> CustomField:
        field_type = item.get("Type") if isinstance(item.get("Type"), dict) else {}
        native_type = str(field_type.get("NativeType") or "String")
        options_table_id = _integer(item.get("OptionsTableId"))
        if options_table_id is not None or _integer(item.get("TypeId")) == 7:
            kind = "option"
        else:
            type_name = snake_ascii(str(field_type.get("Name") or ""))
            kind = next((k for word, k in _KIND_HINTS if word in type_name), "scalar")
        return cls(
            key=str(item["Key"]),
            name=str(item.get("Name") or item["Key"]),
            entity_id=_integer(item["EntityId"]),
            native_type=native_type,
            kind=kind,
            multiple=item.get("Multiple") in (True, "true", "True"),
            id=_integer(item.get("Id")),
            options_table_id=options_table_id,
            dynamic=item.get("Dynamic") not in (False, "false", "False"),
            type_name=str(field_type["Name"]) if field_type.get("Name") else None,
        )

    def columns(self, base: str) -> dict[str, str | None]:
        """Column name -> dlt data type for this field landing under `base` (None: typed by its first value)."""
        if self.kind == "scalar":
            known = NATIVE_TYPES.get(self.native_type)
            return {base: known[1] if known else None}
        id_type = "text" if self.multiple else "bigint"
        return {f"{base}_id": id_type, f"{base}_val": "text"}

    def description(self, column: str, base: str) -> str:
        """What `column`, one of this field's columns under `base`, holds: the field's name, FieldKey and type first,
        e.g. `Custom field "Segmento" (FieldKey contact_ABC, type option list, "Lista de opções" in Ploomes): ...`."""
        kind_words = _KIND_WORDS.get(self.kind, self.kind)
        if self.kind == "scalar":
            kind_words = _NATIVE_WORDS.get(self.native_type, self.native_type)
        elif self.multiple:
            kind_words = f"multi-select {kind_words}"
        vendor_type = f', "{self.type_name}" in Ploomes' if self.type_name and self.type_name != kind_words else ""
        head = f'{CUSTOM_FIELD_PREFIX}"{self.name}" (FieldKey {self.key}, type {kind_words}{vendor_type})'
        if self.kind == "scalar":
            return f"{head}: its value, UTC" if self.native_type == "DateTime" else f"{head}: its value"
        noun, table = _REFERENCED[self.kind]
        whose = f"the chosen {noun}s'" if self.multiple else f"the {noun}'s"
        joined = ", comma-joined" if self.multiple else ""
        if column == f"{base}_id":
            return f"{head}: {whose} id{'s' if self.multiple else ''}{joined}" + (f" ({table}.id)" if table else "")
        label = "label" if self.kind == "option" else "name"
        return f"{head}: {whose} {label}{'s' if self.multiple else ''} when the record was read{joined}"

    def with_kind(self, kind: str | None) -> CustomField:
        """This field as a `kind` field (one learned from its values), or as it is."""
        return self if kind is None or kind == self.kind else replace(self, kind=kind)


def assign_columns(
    fields: Iterable[CustomField], frozen: dict[str, str], native_columns: Iterable[str]
) -> dict[str, str]:
    """Give every field a base column name that collides with nothing; names already in `frozen` never change.

    A field claims its base name as well as its columns, so a text field `regiao` and an option field
    `regiao_id`/`regiao_val` never sit side by side. Returns the updated FieldKey -> base name mapping.
    """
    assigned = dict(frozen)
    by_key = {f.key: f for f in fields}
    taken = set(native_columns)
    for key, base in assigned.items():
        field = by_key.get(key)
        taken.update(_claims(field, base) if field else (base, f"{base}_id", f"{base}_val"))
    for field in sorted(by_key.values(), key=lambda f: (f.name, f.key)):
        if field.key in assigned:
            continue
        stem = snake_ascii(field.name)
        base, suffix = stem, 1
        while taken.intersection(_claims(field, base)):
            suffix += 1
            base = f"{stem}_{suffix}"
        assigned[field.key] = base
        taken.update(_claims(field, base))
    return assigned


def _claims(field: CustomField, base: str) -> set[str]:
    # every kind's columns: a field whose values later show it to be a reference moves to `_id`/`_val` freely
    return {base, f"{base}_id", f"{base}_val", *field.columns(base)}


def typed_columns(field: CustomField, base: str, types_seen: Mapping[str, str]) -> dict[str, str]:
    """The field's columns under `base` -> the columns its values are written to.

    `types_seen` (column -> the data type it was created with) keeps a column's type for good: when the field's
    type changed in Ploomes, this type's values go to the variant column `<column>__v_<type>` instead.
    """
    return {
        column: column
        if data_type is None or types_seen.get(column, data_type) == data_type
        else f"{column}__v_{data_type}"
        for column, data_type in field.columns(base).items()
    }


class FieldCatalog:
    """The account's custom fields, read once per run and shared by every table's thread."""

    def __init__(self, fetch: Callable[[], list[dict[str, Any]]]):
        self._fetch = fetch
        self._lock = threading.Lock()
        self._fields: list[CustomField] | None = None
        self._error: Exception | None = None

    def all(self) -> list[CustomField]:
        """Every field; the read's error, raised again to every caller, if `/Fields` could not be read."""
        with self._lock:
            if self._error is not None:
                raise self._error
            if self._fields is None:
                try:
                    items = self._fetch()
                except Exception as error:
                    self._error = error
                    raise
                self._fields = [
                    CustomField.from_api(item)
                    for item in items
                    if isinstance(item, dict) and item.get("Key") and item.get("EntityId") is not None
                ]
            return self._fields

    def for_entity(self, entity_id: int) -> list[CustomField]:
        """The custom (dynamic) fields of one EntityId."""
        return [f for f in self.all() if f.entity_id == entity_id and f.dynamic]


class CustomFieldMapper:
    """Turns one entity's `OtherProperties` items into column values, by the frozen FieldKey -> column mapping.

    `learned` (FieldKey -> kind) holds the kinds known from values, given and found; `unknown` counts the values of
    FieldKeys that `/Fields` does not list (not loaded: there is no field to name their column after).
    """

    def __init__(
        self,
        fields: Iterable[CustomField],
        columns_by_key: Mapping[str, str],
        types_seen: Mapping[str, str] | None = None,
        learned: dict[str, str] | None = None,
    ):
        self.learned = learned if learned is not None else {}
        self._fields = {f.key: f for f in fields if f.key in columns_by_key}
        self._bases = {key: columns_by_key[key] for key in self._fields}
        self._types_seen = types_seen or {}
        self._writers: dict[str, _Writer] = {}
        self._examined: set[str] = set()  # fields whose values were looked at for a reference kind
        self.unknown: dict[str, int] = {}
        for key in self._fields:
            self._set_writer(key)

    def _field(self, key: str) -> CustomField:
        return self._fields[key].with_kind(self.learned.get(key))

    def _set_writer(self, key: str) -> None:
        field, base = self._field(key), self._bases[key]
        self._writers[key] = _writer(field, base, typed_columns(field, base, self._types_seen))

    def column_hints(self) -> dict[str, dict[str, Any]]:
        hints = {}
        for key, base in self._bases.items():
            field = self._field(key)
            placed = typed_columns(field, base, self._types_seen)
            for column, data_type in field.columns(base).items():
                description = field.description(column, base)
                if placed[column] != column:
                    description += f"; its values since the field became {data_type} ({column} keeps the earlier ones)"
                hint: dict[str, Any] = {"name": placed[column], "nullable": True, "description": description}
                if data_type is not None:
                    hint["data_type"] = data_type
                hints[placed[column]] = hint
        return hints

    def owned_columns(self) -> set[str]:
        """Every column a field of this table may write, whatever kind or type it turns out to have."""
        owned: set[str] = set()
        for key, base in self._bases.items():
            owned.update(_claims(self._fields[key], base))
            owned.update(typed_columns(self._field(key), base, self._types_seen).values())
        return owned

    def values(self, other_properties: Any) -> dict[str, Any]:
        writers = self._writers
        grouped: dict[str, list[Mapping[str, Any]]] = {}
        for item in other_properties if isinstance(other_properties, list) else ():
            key = item.get("FieldKey") if isinstance(item, dict) else None
            if key in writers:
                grouped.setdefault(key, []).append(item)
            elif key is not None:
                self.unknown[key] = self.unknown.get(key, 0) + 1
        row: dict[str, Any] = {}
        for key, items in grouped.items():
            if key not in self._examined:  # a field's values all have its one kind: its first value tells
                self._examined.add(key)
                shown = reference_kind(items[0])
                if shown is not None and self._field(key).kind != shown:
                    self.learned[key] = shown  # the values say what the metadata did not
                    self._set_writer(key)
            self._writers[key](items, row)
        return row


# Writes one field's items into a row: called for every record, so each is made once per field, names resolved.
_Writer = Callable[[list[Mapping[str, Any]], dict[str, Any]], None]


def _writer(field: CustomField, base: str, placed: Mapping[str, str]) -> _Writer:
    if field.kind == "scalar":
        # a date-time stays the API's ISO text: its column is declared timestamp, and the Arrow conversion parses
        # a page's column at once (sources/arrow_pages.py), many times faster than a parse per value
        known = NATIVE_TYPES.get(field.native_type)
        value_property = known[0] if known else f"{field.native_type}Value"
        column = placed[base]

        def write_scalar(items: list[Mapping[str, Any]], row: dict[str, Any]) -> None:
            item = items[0]
            value = item.get(value_property)
            if value is None and known is None:  # a type of its own: whichever value property holds something
                value = next((item[p] for p, _ in NATIVE_TYPES.values() if item.get(p) is not None), None)
            row[column] = value

        return write_scalar
    id_property, name_property = REFERENCE_KINDS[field.kind]
    id_column, val_column = placed[f"{base}_id"], placed[f"{base}_val"]

    def write_reference(items: list[Mapping[str, Any]], row: dict[str, Any]) -> None:
        ids = [item.get(id_property) or item.get("IntegerValue") for item in items]
        names = [item.get(name_property) for item in items]
        if field.multiple or len(items) > 1:  # multi-select: comma-joined, as Kondado does
            row[id_column] = ",".join(str(i) for i in ids if i is not None) or None
            row[val_column] = ",".join(str(n) for n in names if n is not None) or None
        else:
            row[id_column], row[val_column] = ids[0], names[0]

    return write_reference
