"""The simulated account: every endpoint's table, the custom-field catalog, and the mutations tests apply.

One lock guards it all, so mutations are safe while a sync is reading; reads hold it only while they compute.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import numpy as np
import orjson

from simulators.ploomes.catalog import FieldCatalog, RawValue, metadata_records
from simulators.ploomes.entities import CUSTOM_FIELD_ENTITIES, ENTITIES, ENTITIES_BY_ENDPOINT, Entity
from simulators.ploomes.generators import GENERATORS, Generator
from simulators.ploomes.lookups import build_lookups
from simulators.ploomes.rendered import RenderedRecords
from simulators.ploomes.table import Record, Table
from simulators.ploomes.values import TICKS_PER_SECOND, format_ticks, mix, name_code, ticks_from_datetime

FIRST_GENERATED_ID = 40_000_000
# Ids of a generated entity start above the previous entity's, leaving this much room for inserted records.
ID_HEADROOM = 1_000_000
# Share of values per fractional-digit count; rounding also drops trailing zeros, as .NET prints them.
_FRACTION_DIGITS = np.array([0, 1, 2, 3, 5, 6, 7])
_FRACTION_SHARE = np.array([0.12, 0.05, 0.15, 0.38, 0.05, 0.10, 0.15])
_METADATA = ("Fields", "Fields@Entities", "Fields@Types", "Fields@OptionsTables", "Fields@OptionsTables@Options")
_NAVIGATIONS_HELD_RAW = ("OtherProperties", "Tags")  # rendered at read time: they show current names


def _copied(value: Any) -> Any:
    """A navigation's value, copied so callers can't alter the stored one (lists of flat dicts, one level deeper at
    most: OptionsTables' Options)."""
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {key: _copied(item) if isinstance(item, (list, dict)) else item for key, item in value.items()}
    return value


class ListSource:
    """Rows of a small materialised list (lookups and /Fields metadata)."""

    def __init__(self, rows: list[Record]):
        self.rows = rows

    def build(self, row: int) -> Record:
        return self.rows[row]


def _round_fractions(ticks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    digits = rng.choice(_FRACTION_DIGITS, size=len(ticks), p=_FRACTION_SHARE)
    unit = (10 ** (7 - digits)).astype(np.int64)
    return ticks // unit * unit


def _generated_columns(
    n: int, first_id: int, start: int, end: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids with gaps (mostly small, sometimes large, as deletions leave them), creation dates rising with the Id,
    and last updates between creation and the end of the data (a quarter never updated)."""
    gaps = rng.integers(1, 4, n) + (rng.random(n) < 0.02) * rng.integers(5, 400, n)
    ids = first_id + np.cumsum(gaps, dtype=np.int64)
    span = end - start
    created = start + (span * ((np.arange(n) + rng.random(n)) / max(n, 1))).astype(np.int64)
    created = _round_fractions(created, rng)
    delay = ((end - created) * rng.random(n) ** 3).astype(np.int64)
    updated = np.where(rng.random(n) < 0.25, created, _round_fractions(created + delay, rng))
    return ids, created, np.maximum(updated, created)


class Dataset:
    def __init__(
        self,
        scale: int,
        seed: int,
        data_start: datetime,
        data_end: datetime,
        clock: Callable[[], float],
        render_cache_bytes: int = 0,
    ):
        if scale < 1:
            raise ValueError("scale (the number of contacts) must be >= 1")
        self.scale = scale
        self.seed = seed
        self.data_start = ticks_from_datetime(data_start)
        self.data_end = ticks_from_datetime(data_end)
        self._clock = clock
        self.lock = threading.RLock()
        self._id_rng = random.Random(mix(seed, 1))
        self.lookups = build_lookups()
        self.catalog = FieldCatalog(seed, stamp=self.data_start)
        self.tables: dict[str, Table] = {}
        self.generators: dict[str, Generator] = {}
        self._build_tables()
        self._metadata_version = -1
        self._refresh_metadata()
        self._names: dict[tuple[str, int], tuple[Any, ...]] = {}
        self._rendered = RenderedRecords(render_cache_bytes) if render_cache_bytes else None

    # --- construction -------------------------------------------------------------------------------------------
    def _build_tables(self) -> None:
        next_id = FIRST_GENERATED_ID
        for entity in ENTITIES:
            endpoint = entity.endpoint
            if endpoint in GENERATORS:
                n = entity.size.rows(self.scale) if entity.size else 0
                rng = np.random.default_rng(mix(self.seed, name_code(endpoint)))
                ids, created, updated = _generated_columns(n, next_id, self.data_start, self.data_end, rng)
                generator = self.generators[endpoint] = GENERATORS[endpoint](self, endpoint)
                dated = (created, updated) if entity.dated else (None, None)
                self.tables[endpoint] = Table(entity, generator, ids, *dated)
                span = int(ids[-1]) - next_id if n else 0
                next_id = (next_id + span + ID_HEADROOM) // 1_000_000 * 1_000_000 + 1_000_000
            elif endpoint in self.lookups:
                rows = self.lookups[endpoint]
                self.tables[endpoint] = Table(entity, ListSource(rows), np.array([r["Id"] for r in rows], np.int64))
        self.lookup_ids = {name: [r["Id"] for r in rows] for name, rows in self.lookups.items()}
        rng = np.random.default_rng(mix(self.seed, name_code("contact-kind")))
        self.is_company = rng.random(self.tables["Contacts"].base_size) < 0.3
        self.company_rows = np.flatnonzero(self.is_company).astype(np.int32)
        self.person_rows = np.flatnonzero(~self.is_company).astype(np.int32)
        users = self.tables["Users"]
        # the integration user (first) and the suspended ones (last two) own nothing
        self.active_user_ids = [int(i) for i in users.ids[1 : max(2, users.base_size - 2)]]
        self.active_pipelines = [p for p in self.lookups["Deals@Pipelines"] if not p["Archived"]]
        for team, leader in zip(self.lookups["Teams"], self.active_user_ids, strict=False):
            team["LeaderId"] = leader

    def _refresh_metadata(self) -> None:
        """/Fields and friends are views of the catalog, rebuilt after it changes."""
        if self._metadata_version == self.catalog.version:
            return
        for endpoint, rows in metadata_records(self.catalog).items():
            ids = np.array([r["Id"] for r in rows], dtype=np.int64)
            self.tables[endpoint] = Table(ENTITIES_BY_ENDPOINT[endpoint], ListSource(rows), ids)
        self._metadata_version = self.catalog.version
        self._tables_by_lower_name = {name.lower(): table for name, table in self.tables.items()}

    # --- reading ------------------------------------------------------------------------------------------------
    def table(self, endpoint: str) -> Table:
        """The table of an endpoint ("Contacts", "/Contacts" or "contacts")."""
        name = endpoint.lstrip("/")
        with self.lock:
            self._refresh_metadata()
            table = self.tables.get(name) or self._tables_by_lower_name.get(name.lower())
        if table is None:
            raise KeyError(f"no endpoint /{name}")
        return table

    def custom_values(self, table: Table, row: int) -> list[RawValue]:
        record = table.overrides.get(row)
        if record is not None:
            return record.get("OtherProperties") or []
        source = table.source
        return source.custom_values(row) if isinstance(source, Generator) else []

    def render(
        self, table: Table, row: int, expand: tuple[str, ...] = (), select: tuple[str, ...] | None = None
    ) -> Record:
        """A record as the API returns it: scalar fields (or the selected ones) plus the expanded navigations."""
        fields = table.entity.fields if select is None else [f for f in select if f not in expand]
        if not expand and all(table.column(field) is not None for field in fields):
            return {field: table.value(row, field) for field in fields}  # e.g. $select=Id sweeps: build nothing
        record = table.record(row)
        out = {field: record.get(field) for field in fields}
        for navigation in expand:
            if navigation == "OtherProperties":
                entity_id = table.entity.custom_entity_id
                out[navigation] = self.catalog.render(entity_id, record["Id"], self.custom_values(table, row), self)
            elif navigation == "Tags":
                out[navigation] = [{"TagId": tag, "Tag": self._tag(tag)} for tag in record.get("Tags") or ()]
            else:
                out[navigation] = _copied(record.get(navigation))
        return out

    def rendered(
        self, table: Table, row: int, expand: tuple[str, ...], select: tuple[str, ...] | None
    ) -> Record | orjson.Fragment:
        """A list page's row: `render`'s record, or its JSON as kept since an earlier page (`render_cache_mb`)."""
        if self._rendered is None:
            return self.render(table, row, expand, select)
        key = (table.entity.endpoint, row, expand, select)
        return self._rendered.get(key, self.catalog.version, lambda: self.render(table, row, expand, select))

    def records(self, endpoint: str, chunk: int = 1_000) -> Iterator[Record]:
        """Every live record in Id order, with every navigation expanded: the truth to compare a warehouse with.

        Lazy, a chunk at a time (a million contacts would not fit in memory as dicts); records inserted after the
        iteration started are not included, records deleted meanwhile are skipped.
        """
        with self.lock:
            table = self.table(endpoint)
            rows = np.flatnonzero(table.alive)
        for start in range(0, len(rows), chunk):
            with self.lock:
                alive = table.alive
                batch = [
                    self.render(table, int(row), table.entity.navigations)
                    for row in rows[start : start + chunk]
                    if alive[row]
                ]
            yield from batch

    def _tag(self, tag_id: int) -> Record | None:
        tags = self.tables["Tags"]
        try:
            row = tags.row_of(tag_id)
        except KeyError:
            return None
        return {"Id": tag_id, "Name": tags.record(row)["Name"]}

    # NameResolver, for OtherProperties items that point at users, contacts and products. The same few users and
    # products are named again and again, and naming a contact builds its whole record: the answers are kept until
    # the next change to any record.
    def _named(self, endpoint: str, record_id: int, fields: tuple[str, ...]) -> tuple[Any, ...]:
        key = (endpoint, record_id)
        names = self._names.get(key)
        if names is None:
            table = self.tables[endpoint]
            try:
                record = table.record(table.row_of(record_id))
                names = tuple(record[field] for field in fields)
            except KeyError:
                names = (None,) * len(fields)
            self._names[key] = names
        return names

    def user(self, user_id: int) -> tuple[str | None, str | None]:
        return self._named("Users", user_id, ("Name", "AvatarUrl"))  # type: ignore[return-value]

    def contact(self, contact_id: int) -> tuple[str | None, int | None, str | None]:
        return self._named("Contacts", contact_id, ("Name", "TypeId", "Register"))  # type: ignore[return-value]

    def product(self, product_id: int) -> str | None:
        return self._named("Products", product_id, ("Name",))[0]

    # --- record mutations ---------------------------------------------------------------------------------------
    def _changed(self) -> None:
        self._names.clear()
        if self._rendered is not None:
            self._rendered.clear()

    def now(self) -> int:
        return round(self._clock() * TICKS_PER_SECOND)

    def _writable(self, endpoint: str) -> Table:
        table = self.table(endpoint)
        if table.entity.endpoint in _METADATA:
            raise ValueError(f"/{table.entity.endpoint} follows the field catalog: change fields and options instead")
        return table

    def insert(self, endpoint: str, values: dict[str, Any]) -> Record:
        with self.lock:
            table = self._writable(endpoint)
            entity = table.entity
            record: Record = dict.fromkeys(entity.fields)
            for navigation in entity.navigations:
                record[navigation] = []
            last = int(table.ids[-1]) if table.size else FIRST_GENERATED_ID
            record["Id"] = last + self._id_rng.randint(1, 9)
            self._apply(table, record, {k: v for k, v in values.items() if k != "Id"})
            stamp = self.now()
            dates = self._stamp(entity, record, stamp, created=True)
            row = table.append(record["Id"], record, dates)
            self._changed()
            return self.render(table, row, entity.navigations)

    def update(self, endpoint: str, record_id: int | str, changes: dict[str, Any]) -> Record:
        """Shallow-merge `changes` (navigation lists such as OtherProperties or Products are replaced whole) and bump
        LastUpdateDate, as any change does in Ploomes."""
        with self.lock:
            table = self._writable(endpoint)
            row = table.row_of(int(record_id))
            record = copy.deepcopy(table.record(row))
            if table.entity.custom_entity_id is not None and "OtherProperties" not in record:
                record["OtherProperties"] = self.custom_values(table, row)
            if "Id" in changes and changes["Id"] != record["Id"]:
                raise ValueError("Id cannot change")
            self._apply(table, record, {k: v for k, v in changes.items() if k != "Id"})
            dates = self._stamp(table.entity, record, self.now(), created=False)
            table.replace(row, record, dates)
            self._changed()
            return self.render(table, row, table.entity.navigations)

    def delete(self, endpoint: str, record_id: int | str) -> None:
        with self.lock:
            table = self._writable(endpoint)
            table.delete(table.row_of(int(record_id)))
            self._changed()

    def restore(self, endpoint: str, record_id: int | str) -> Record:
        """Bring a deleted record back, as from Ploomes' trash: like any change, it bumps LastUpdateDate."""
        with self.lock:
            self._writable(endpoint).revive(int(record_id))
            return self.update(endpoint, record_id, {})

    def _apply(self, table: Table, record: Record, changes: dict[str, Any]) -> None:
        entity = table.entity
        unknown = set(changes) - set(entity.all_fields)
        if unknown:
            raise ValueError(f"/{entity.endpoint} has no field(s) {sorted(unknown)}")
        for name, value in changes.items():
            if name in ("CreateDate", "LastUpdateDate", "UpdateDate") and entity.dated:
                continue  # the server keeps these
            if name == "OtherProperties":
                value = self.catalog.parse(entity.custom_entity_id, value)
            elif name == "Tags":
                value = [item["TagId"] if isinstance(item, dict) else int(item) for item in value or ()]
            elif name == "Phones":
                value = [{"Id": record["Id"] * 10 + k, **item} for k, item in enumerate(value or ())]
            elif name == "Products" and entity.line_items_of:
                value = self._line_items(entity, record["Id"], value or ())
                if "Amount" not in changes:
                    record["Amount"] = round(float(sum(item["Total"] for item in value)), 2)
            record[name] = value

    @staticmethod
    def _line_items(entity: Entity, parent_id: int, items: Any) -> list[Record]:
        parent_column = entity.line_items_of
        result = []
        for k, item in enumerate(items):
            quantity = float(item.get("Quantity", 1))
            price = float(item.get("UnitPrice", 0))
            discount = float(item.get("Discount", 0))
            total = item.get("Total", round(quantity * price * (1 - discount / 100), 2))
            result.append(
                {"Id": item.get("Id", parent_id * 10 + k), parent_column: parent_id, "ProductId": item.get("ProductId"),
                 "Quantity": quantity, "UnitPrice": price, "Discount": discount, "Total": total,
                 "Bonus": float(item.get("Bonus", 0.0))}
            )  # fmt: skip
        return result

    @staticmethod
    def _stamp(entity: Entity, record: Record, stamp: int, *, created: bool) -> dict[str, int]:
        if not entity.dated:
            return {}
        text = format_ticks(stamp)
        record["LastUpdateDate"] = text
        if "UpdateDate" in record:
            record["UpdateDate"] = text
        if created:
            record["CreateDate"] = text
            return {"CreateDate": stamp, "LastUpdateDate": stamp}
        return {"LastUpdateDate": stamp}

    # --- custom fields ------------------------------------------------------------------------------------------
    def entity_id(self, entity: int | str) -> int:
        """An EntityId from itself or from an endpoint name ("Contacts")."""
        if isinstance(entity, int) or (isinstance(entity, str) and entity.isdigit()):
            return int(entity)
        spec = ENTITIES_BY_ENDPOINT.get(str(entity).lstrip("/"))
        if spec is None or spec.custom_entity_id is None:
            raise ValueError(f"{entity!r} has no custom fields; use one of {sorted(CUSTOM_FIELD_ENTITIES)}")
        return spec.custom_entity_id
