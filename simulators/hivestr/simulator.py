"""HivestrSimulator: the in-process handle on a simulated Hivestr account (app, server, truth, changes)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from simulators.core.middleware import simulated
from simulators.core.ratelimit import FixedWindowLimiter, RateLimiter, Unlimited
from simulators.core.server import BackgroundServer
from simulators.core.shapes import shape_routes
from simulators.hivestr import proposals, views
from simulators.hivestr.admin import admin_routes
from simulators.hivestr.app import build_api
from simulators.hivestr.auth import TokenAuthority
from simulators.hivestr.config import API_PREFIX, HivestrConfig
from simulators.hivestr.dataset import Dataset
from simulators.hivestr.errors import Invalid, NotFound, render_error
from simulators.hivestr.pricing import campaign_days
from simulators.hivestr.schema import ENTITIES, SPECS
from simulators.hivestr.shapes import new_shapes
from simulators.hivestr.times import utc_midnight

Record = dict[str, Any]


class HivestrSimulator:
    """`sim.app` is the ASGI app (wrap it in httpx.ASGITransport with base URL `http://test/api/v1`);
    `with sim.serve() as base_url:` serves it over loopback, base_url ending in /api/v1.

    Entities: inventory, media_schedules, clients, notes, proposals, proposal_items, deals, tasks. Changes are safe
    while a sync reads; each moves the record's updated_at, and a child's change moves its owner's too (unless
    `config.parent_updated_at_ignores_children`).
    """

    def __init__(self, config: HivestrConfig | None = None):
        self.config = config = config or HivestrConfig()
        end = config.data_end.timestamp() if config.data_end is not None else utc_midnight(config.clock())
        self.data_end = int(end)
        self.dataset = self._new_dataset()
        self.request_log = config.request_log()
        self.faults = config.fault_injector()
        self.latency = config.latency_model()
        self.shapes = new_shapes(config.shapes)  # shape variations of the real API; `sim.shapes.set([...])`
        self.limiter: RateLimiter = (
            FixedWindowLimiter(config.requests_per_hour, config.rate_window_seconds, config.clock)
            if config.requests_per_hour
            else Unlimited()
        )
        secret = config.jwt_secret or hashlib.sha256(f"hivestr-simulator-{config.seed}".encode()).hexdigest()
        self.tokens = TokenAuthority(dict(config.credentials), secret, config.token_ttl_seconds, config.clock)
        self.app = simulated(
            build_api(lambda: self.dataset, self.tokens, config, self.shapes),
            authenticate=self.tokens.authenticate,
            render_error=render_error,
            limiter=self.limiter,
            faults=self.faults,
            latency=self.latency,
            log=self.request_log,
            store=self,
            on_reset=self._reset_data,
            admin_routes=[*admin_routes(self), *shape_routes(self.shapes)],
        )

    def _new_dataset(self) -> Dataset:
        config = self.config
        return Dataset(
            config.scale, config.seed, self.data_end, config.clock, config.parent_updated_at_ignores_children
        )

    @property
    def api_key(self) -> str:
        return self.config.credentials[0][0]

    @property
    def api_secret(self) -> str:
        return self.config.credentials[0][1]

    def serve(self) -> BackgroundServer:
        """A server for `with`: `with sim.serve() as base_url:` (127.0.0.1, a free port unless config.port);
        base_url is the API root (`.../api/v1`), admin routes are at the server root (`/_sim/...`)."""
        return BackgroundServer(self.app, host=self.config.host, port=self.config.port, base_path=API_PREFIX)

    def reset(self, keep_data: bool = False) -> None:
        """Forget requests, faults and budgets; unless keep_data, regenerate the data from the seed."""
        self.request_log.clear()
        self.faults.clear()
        self.limiter.reset()
        self._reset_data(keep_data)

    def _reset_data(self, keep_data: bool) -> None:
        if not keep_data:
            self.dataset = self._new_dataset()

    def revoke_tokens(self) -> None:
        """Every access token issued so far gets 401 (a client must fetch a new one)."""
        self.tokens.revoke_all()

    # --- truth for tests ----------------------------------------------------------------------------------------
    def records(self, entity: str) -> Iterator[Record]:
        """Every live record of `entity` in list order, as its own endpoint shows it, whatever the API's default
        filters hide; children carry their owner's id (inventory_id, proposal_id) where the API leaves it out."""
        ds = self.dataset
        with ds.lock:
            rows = ds.table(entity).rows().tolist()
        for row in rows:
            with ds.lock:
                if ds.tables[entity].is_alive(row):
                    yield views.truth(ds, entity, row, ds.now())

    def record(self, entity: str, record_id: str) -> Record:
        ds = self.dataset
        with ds.lock:
            return views.truth(ds, entity, ds.table(entity).row_of(record_id), ds.now())

    def counts(self) -> dict[str, int]:
        return self.dataset.counts()

    # --- changes (also the admin routes' RecordStore) -----------------------------------------------------------
    def insert(self, entity: str, record: Record) -> Record:
        """Add a record (id, created_at and updated_at are assigned; references are ids). A proposal may carry
        `items`; a proposal item without prices is priced from its vehicle or schedule. Returns it as records()."""
        ds = self.dataset
        with ds.lock:
            _changeable(entity)
            if entity == "proposals":
                values = {k: v for k, v in record.items() if k != "items"}
                row = proposals.create(ds, values, record.get("items"), require_prices=False)
            elif entity == "proposal_items":
                row = ds.insert(entity, self._priced_item(record))
            else:
                row = ds.insert(entity, record)
            return views.truth(ds, entity, row, ds.now())

    def update(self, entity: str, record_id: str, changes: Record) -> Record:
        """Change fields (a proposal's `items` replaces them all). Moves updated_at, and the owner's for a child."""
        ds = self.dataset
        with ds.lock:
            _changeable(entity)
            row = ds.table(entity).row_of(record_id)
            if entity == "proposals" and "items" in changes:
                items = changes["items"]
                if not isinstance(items, list):
                    raise Invalid("items must be a list")
                proposals.replace_items(ds, row, items, require_prices=False)
                changes = {k: v for k, v in changes.items() if k != "items"}
            if changes or entity != "proposals":
                ds.update(entity, row, changes)
            return views.truth(ds, entity, row, ds.now())

    def delete(self, entity: str, record_id: str) -> None:
        """Remove a record and its children (a client's notes, proposals and deals; a deal's tasks...)."""
        ds = self.dataset
        with ds.lock:
            _changeable(entity)
            ds.delete(entity, ds.table(entity).row_of(record_id))

    # --- API drift ----------------------------------------------------------------------------------------------
    def add_attribute(self, entity: str, name: str, value: Any) -> None:
        """From now on every `entity` record carries `name`: `value`, or `value(record)` when it is callable, as when
        the API starts sending a new field. No record's updated_at moves."""
        with self.dataset.lock:
            self.dataset.table(entity).added_fields[name] = value

    def remove_attribute(self, entity: str, name: str) -> None:
        """From now on `entity` records no longer carry `name`, as when the API stops sending a field."""
        with self.dataset.lock:
            self.dataset.table(entity).removed_fields.add(name)

    def _priced_item(self, record: Record) -> Record:
        ds = self.dataset
        unknown = sorted(set(record) - set(SPECS["proposal_items"].fields))
        if unknown or "id" in record:
            raise Invalid(f"proposal_items: unknown or read-only field(s) {', '.join(unknown or ['id'])}")
        try:
            proposal_row = ds.tables["proposals"].row_of(record.get("proposal_id"))
        except NotFound:
            raise Invalid(f"proposal_items.proposal_id: no proposal with id {record.get('proposal_id')!r}") from None
        days = campaign_days(ds.tables["proposals"].record(proposal_row))
        return {**proposals.item_fields(ds, record, days, require_prices=False), **record}


def _changeable(entity: str) -> None:
    if entity not in ENTITIES:
        raise NotFound(f"unknown entity {entity!r}; choose from {', '.join(ENTITIES)}")
