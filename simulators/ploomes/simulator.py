"""PloomesSimulator: the in-process handle on a simulated Ploomes account (app, server, truth, mutations)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from simulators.core.middleware import simulated
from simulators.core.ratelimit import RateLimiter, SlidingWindowLimiter, Unlimited
from simulators.core.server import BackgroundServer
from simulators.core.shapes import shape_routes
from simulators.ploomes.admin_fields import field_routes
from simulators.ploomes.app import build_api, make_authenticate, odata_error
from simulators.ploomes.catalog import CustomField
from simulators.ploomes.config import PloomesConfig
from simulators.ploomes.dataset import Dataset
from simulators.ploomes.shapes import new_shapes

Record = dict[str, Any]


class PloomesSimulator:
    """`sim.app` is the ASGI app (wrap it in httpx.ASGITransport); `with sim.serve() as base_url:` serves it over
    loopback. Mutations are safe while a sync reads, and every change bumps LastUpdateDate where the entity has it."""

    def __init__(self, config: PloomesConfig | None = None):
        self.config = config = config or PloomesConfig()
        self.dataset = self._new_dataset()
        self.request_log = config.request_log()
        self.faults = config.fault_injector()
        self.latency = config.latency_model()
        self.shapes = new_shapes(config.shapes)  # shape variations of the real API; `sim.shapes.set([...])`
        self.limiter: RateLimiter = (
            SlidingWindowLimiter(config.rate_limit_per_minute, config.rate_limit_window, config.rate_limit_clock)
            if config.rate_limit_per_minute
            else Unlimited()
        )
        self.app = simulated(
            build_api(config, lambda: self.dataset, self.shapes),
            authenticate=make_authenticate(config),
            render_error=odata_error,
            limiter=self.limiter,
            faults=self.faults,
            latency=self.latency,
            log=self.request_log,
            store=self,
            on_reset=self._reset_data,
            admin_routes=[*field_routes(self), *shape_routes(self.shapes)],
        )

    def _new_dataset(self) -> Dataset:
        c = self.config
        return Dataset(c.scale, c.seed, c.data_start, c.data_end, c.clock, c.render_cache_mb * 1_000_000)

    @property
    def api_key(self) -> str:
        return self.config.api_keys[0]

    def serve(self) -> BackgroundServer:
        """A server for `with`: `with sim.serve() as base_url: ...` (127.0.0.1, a free port unless config.port)."""
        return BackgroundServer(self.app, host=self.config.host, port=self.config.port)

    def reset(self, keep_data: bool = False) -> None:
        """Forget requests, faults and rate-limit history; unless keep_data, regenerate the data from the seed."""
        self.request_log.clear()
        self.faults.clear()
        self.limiter.reset()
        self._reset_data(keep_data)

    def _reset_data(self, keep_data: bool) -> None:
        if not keep_data:
            self.dataset = self._new_dataset()

    # --- truth for tests ----------------------------------------------------------------------------------------
    def records(self, endpoint: str) -> Iterator[Record]:
        """Every current record of `endpoint` ("Contacts" or "/Contacts") as the API returns it with every $expand."""
        return self.dataset.records(endpoint)

    def record(self, endpoint: str, record_id: int) -> Record:
        dataset = self.dataset
        with dataset.lock:
            table = dataset.table(endpoint.lstrip("/"))
            return dataset.render(table, table.row_of(int(record_id)), table.entity.navigations)

    # --- record mutations (also the admin routes' RecordStore) ---------------------------------------------------
    def insert(self, endpoint: str, record: Record) -> Record:
        """Add a record (Id, CreateDate and LastUpdateDate are assigned); returns it as the API would."""
        return self.dataset.insert(endpoint.lstrip("/"), record)

    def update(self, endpoint: str, record_id: int | str, changes: Record) -> Record:
        """Shallow-merge `changes`; OtherProperties, Products, Phones and Tags are replaced whole. Bumps
        LastUpdateDate (so changing an order's Products bumps the order)."""
        return self.dataset.update(endpoint.lstrip("/"), record_id, changes)

    def delete(self, endpoint: str, record_id: int | str) -> None:
        self.dataset.delete(endpoint.lstrip("/"), record_id)

    def restore(self, endpoint: str, record_id: int | str) -> Record:
        """Undo delete() (the record as generated, LastUpdateDate bumped)."""
        return self.dataset.restore(endpoint.lstrip("/"), record_id)

    # --- custom fields ------------------------------------------------------------------------------------------
    def fields(self, entity: int | str | None = None) -> list[Record]:
        """The /Fields records (with Type and OptionsTable), optionally of one entity ("Contacts" or EntityId)."""
        entity_id = None if entity is None else self.dataset.entity_id(entity)
        return [r for r in self.dataset.records("Fields") if entity_id is None or r["EntityId"] == entity_id]

    def field(self, ref: int | str) -> Record:
        return self._field_record(self.dataset.catalog.field(ref))

    def add_field(
        self,
        entity: int | str,
        name: str,
        native_type: str | int,
        *,
        options: list[str] | None = None,
        options_table_id: int | None = None,
        multiple: bool = False,
    ) -> Record:
        """Add a custom field to an entity ("Contacts" or EntityId 1). `native_type`: String, BigString, Integer,
        Decimal, DateTime, Bool, or Option (with `options` or an existing `options_table_id`; `multiple` for a
        multi-select), User, Contact, Product, Currency, or a TypeId. Existing records hold no value for it."""
        dataset = self.dataset
        with dataset.lock:
            created = dataset.catalog.add_field(
                dataset.entity_id(entity),
                name,
                native_type,
                options=options,
                options_table_id=options_table_id,
                multiple=multiple,
            )
            return self._field_record(created)

    def rename_field(self, ref: int | str, name: str) -> Record:
        with self.dataset.lock:
            return self._field_record(self.dataset.catalog.rename_field(ref, name))

    def retype_field(self, ref: int | str, native_type: str) -> Record:
        """Change a plain field's type (String, BigString, Integer, Decimal, DateTime, Bool): values that convert
        keep showing, the others vanish from OtherProperties. Records' LastUpdateDate does not move."""
        with self.dataset.lock:
            return self._field_record(self.dataset.catalog.retype_field(ref, native_type))

    def delete_field(self, ref: int | str) -> None:
        """Remove a field: its values disappear from every record's OtherProperties."""
        with self.dataset.lock:
            self.dataset.catalog.delete_field(ref)

    def options(self, field_ref: int | str) -> list[Record]:
        catalog = self.dataset.catalog
        table_id = catalog.field(field_ref).options_table_id
        if table_id is None:
            raise ValueError(f"field {field_ref!r} has no options")
        return [option.to_record() for option in catalog.tables[table_id].options.values()]

    def add_option(
        self, target: int | str, name: str, external_key: str | None = None, *, by_table: bool = False
    ) -> Record:
        """Add an option to a field's options table (or, with by_table=True, to the table with that Id)."""
        catalog = self.dataset.catalog
        with self.dataset.lock:
            table_id = int(target) if by_table else catalog.field(target).options_table_id
            if table_id is None:
                raise ValueError(f"field {target!r} has no options")
            return catalog.add_option(table_id, name, external_key).to_record()

    def rename_option(self, option_id: int, name: str) -> Record:
        """Rename an option: every record holding it reads the new ObjectValueName from now on."""
        with self.dataset.lock:
            return self.dataset.catalog.rename_option(option_id, name).to_record()

    def delete_option(self, option_id: int) -> None:
        with self.dataset.lock:
            self.dataset.catalog.delete_option(option_id)

    def _field_record(self, field: CustomField) -> Record:
        return next(r for r in self.dataset.records("Fields") if r["Id"] == field.id)
