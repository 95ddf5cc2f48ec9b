"""How the real Ploomes API may answer differently from this simulator's default (simulators/core/shapes.py).

Each variation comes from the seed guide, API-NOTES or what OData servers commonly do; `SHAPES` says what each one
changes. They act on the request's options (`options`) and on the response body (`reshape`), never on the data:
`sim.records()` stays the truth that a warehouse is compared with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from simulators.core.shapes import Shapes, map_scalars, number_as_text, without_nulls
from simulators.ploomes.catalog import FieldCatalog
from simulators.ploomes.entities import ENTITIES_BY_ENDPOINT
from simulators.ploomes.odata import ODataError

SHAPES: dict[str, str] = {
    "phones_without_id": "a contact's Phones items carry no Id, as in the seed guide's sample",
    "products_refuse_expand": "GET /Products with $expand=OtherProperties answers 400",
    "field_type_without_name": "/Fields items' Type carries only Id and NativeType, no Name",
    "nulls_omitted": "properties whose value is null are left out of records and of nested items",
    "no_count": "list responses never carry @odata.count",
    "numbers_as_text": 'numbers are sent as text ("1234.5"), except records\' own Id',
    "null_lists": "an empty navigation list (OtherProperties, Phones, Products, Tags) is sent as null",
    "extra_properties": "records, nested items and OtherProperties items carry properties never documented",
    "unknown_native_type": "one decimal custom field has NativeType Money, its values in MoneyValue",
    "unlisted_field_keys": "contacts carry a custom-field value whose FieldKey /Fields does not list",
    "lookups_refuse_options": "lookup endpoints answer 400 to $filter, $orderby and $count",
    "lookups_ignore_options": "lookup endpoints ignore $filter, $orderby, $count, $top and $skip: always every row",
    "tasks_ignore_filter": "GET /Tasks ignores $filter (every row, whatever the filter asks)",
    "tasks_ignore_orderby": "GET /Tasks ignores $orderby and lists the newest change first",
    "filter_literal_local": "a date-time literal ending in Z is read as Brasília local time (-03:00)",
}
_HIDDEN_FIELD_KEY = "contact_0B5E7A1C-HIDDEN-4F1D-9C2E-UNLISTED0001"
_NAVIGATION_LISTS = ("OtherProperties", "Phones", "Products", "Tags")
_UTC_LITERAL = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?)Z")


def new_shapes(active: tuple[str, ...] = ()) -> Shapes:
    return Shapes(SHAPES, active)


def _is_lookup(endpoint: str) -> bool:
    entity = ENTITIES_BY_ENDPOINT.get(endpoint)
    return entity is not None and not entity.dated and not endpoint.startswith("Fields")


def options(shapes: Shapes, endpoint: str, params: Mapping[str, str]) -> dict[str, str]:
    """The query options the server acts on, after any variation that refuses or ignores some."""
    params = dict(params)
    if not shapes.active:
        return params
    expand = params.get("$expand", "")
    if "products_refuse_expand" in shapes and endpoint == "Products" and "OtherProperties" in expand:
        raise ODataError("The navigation property 'OtherProperties' is not valid for 'Products'", "$expand")
    if "lookups_refuse_options" in shapes and _is_lookup(endpoint):
        refused = sorted({"$filter", "$orderby", "$count"} & params.keys())
        if refused:
            raise ODataError(f"The query option '{refused[0]}' is not allowed on '{endpoint}'", refused[0])
    if "lookups_ignore_options" in shapes and _is_lookup(endpoint):
        params = {k: v for k, v in params.items() if k not in ("$filter", "$orderby", "$count", "$top", "$skip")}
    if endpoint == "Tasks" and "tasks_ignore_filter" in shapes:
        params.pop("$filter", None)
    if endpoint == "Tasks" and "tasks_ignore_orderby" in shapes:
        params["$orderby"] = "LastUpdateDate desc"
    if "filter_literal_local" in shapes and "$filter" in params:
        params["$filter"] = _UTC_LITERAL.sub(r"\1-03:00", params["$filter"])
    return params


def money_field(catalog: FieldCatalog) -> str | None:
    """The decimal contact field that `unknown_native_type` presents as a Money field."""
    decimal = [f.key for f in catalog.custom_fields(1) if f.type.native_type == "Decimal"]
    return min(decimal, default=None)


def reshape(shapes: Shapes, endpoint: str, body: dict[str, Any], money: str | None) -> dict[str, Any]:
    """The response body as the variations switched on would send it (`body` is the simulator's own, not shared);
    `money` is `money_field(...)`."""
    if not shapes.active:
        return body
    if "no_count" in shapes:
        body.pop("@odata.count", None)
    money = money if "unknown_native_type" in shapes else None
    rows = body["value"]
    if endpoint == "Fields":
        for row in rows:
            _reshape_field(shapes, row, money)
    for index, row in enumerate(rows):
        rows[index] = _reshape_record(shapes, endpoint, row, money)
    return body


def _reshape_field(shapes: Shapes, field: dict[str, Any], money: str | None) -> None:
    field_type = field.get("Type")
    if not isinstance(field_type, dict):
        return
    if field["Key"] == money:
        field["Type"] = field_type = {**field_type, "NativeType": "Money"}
    if "field_type_without_name" in shapes:
        field["Type"] = {"Id": field_type.get("Id"), "NativeType": field_type.get("NativeType")}


def _reshape_record(shapes: Shapes, endpoint: str, record: dict[str, Any], money: str | None) -> dict[str, Any]:
    if "phones_without_id" in shapes and endpoint == "Contacts":
        for phone in record.get("Phones") or ():
            phone.pop("Id", None)
    items = record.get("OtherProperties")
    if isinstance(items, list):
        for item in items:
            if item.get("FieldKey") == money:
                item["MoneyValue"], item["DecimalValue"] = item.get("DecimalValue"), None
            if "extra_properties" in shapes:
                item["SortOrder"] = 0
        if "unlisted_field_keys" in shapes and endpoint == "Contacts":
            items.append(
                {"FieldKey": _HIDDEN_FIELD_KEY, "StringValue": f"oculto {record.get('Id')}", "IntegerValue": None}
            )
    if "extra_properties" in shapes:
        record["ExternalCode"] = f"EXT-{record.get('Id')}"
        record["Attachments"] = [{"Name": "proposta.pdf", "Size": 1024}]
        record["Origin"] = {"Id": 1, "Name": "Site"}
        for navigation in ("Phones", "Products"):
            for item in record.get(navigation) or ():
                item["Label"] = "principal"
    if "null_lists" in shapes:
        for navigation in _NAVIGATION_LISTS:
            if record.get(navigation) == []:
                record[navigation] = None
    if "numbers_as_text" in shapes:
        record = {key: value if key == "Id" else map_scalars(value, number_as_text) for key, value in record.items()}
    if "nulls_omitted" in shapes:
        record = without_nulls(record)
    return record
