"""The baseline: what a dlt user would write by hand for the same Ploomes endpoints with dlt's generic rest_api.

One resource per endpoint the connector reads, with the same `$expand`s (so both read the same data), `$orderby=Id`
and an offset paginator on `$skip`/`$top`; everything else is dlt's default (append, nested lists normalised into
child tables, the destination's default loader file format, resources read one after another).
"""

from __future__ import annotations

from typing import Any

from dlt.sources.rest_api import rest_api_source

from sources.ploomes.entities import CUSTOM_FIELDS_TABLE, ENTITIES

PAGE_SIZE = 300


def _resource(name: str, path: str, expands: tuple[str, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {"$orderby": "Id"}
    if expands:
        params["$expand"] = ",".join(expands)
    return {
        "name": name,
        "primary_key": "Id",
        "endpoint": {
            "path": path.lstrip("/"),
            "params": params,
            "data_selector": "value",
            "paginator": {
                "type": "offset",
                "limit": PAGE_SIZE,
                "offset_param": "$skip",
                "limit_param": "$top",
                "total_path": None,
            },
        },
    }


def baseline_source(base_url: str, api_key: str, tables: list[str] | None = None) -> Any:
    """`tables`: the connector's table names to read (default all)."""
    resources = [_resource(e.table, e.path, e.expands) for e in ENTITIES if tables is None or e.table in tables]
    if tables is None or CUSTOM_FIELDS_TABLE in tables:
        resources.append(_resource(CUSTOM_FIELDS_TABLE, "/Fields", ("Type",)))
    return rest_api_source(
        {
            "client": {
                "base_url": base_url.rstrip("/") + "/",
                "auth": {"type": "api_key", "name": "User-Key", "api_key": api_key, "location": "header"},
            },
            "resources": resources,
        },
        name="ploomes_rest_api",
    )
