"""One run of a table with children: page its list, read the children of new or changed parents, emit, remember.

State (dlt resource state of the table's resource, committed with the rows it describes):
  fingerprints  {parent id: updated_at, or "sha256:<hash>" of the list row}, recorded only once the parent's row and
                its complete set of children were emitted, so an interrupted run, which lists from page 1 again,
                redoes exactly the unfinished parents
  due_dates     {parent id: [hash of the list row without its clock-driven summary fields, pending children's due
                dates]}, for children with a `due_summary` (due.py), recorded with the fingerprint
  children_read_at, children_share_to
                when each parent's children were last read, and how far the re-reads of unchanged parents' children
                have got (refresh.py), recorded with the fingerprint
Ids a listing that covered every page did not return are forgotten, so the maps only hold live parents.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import dlt

from sources.children import CLEARED_MARKER, child_table_hints, references
from sources.deletions import DELETED_AT_HINT, ChildTable, Sweep
from sources.descriptions import with_descriptions
from sources.history import History
from sources.http import ApiClient, Clock, NotFoundError, PermissionDeniedError, RateLimitExhausted
from sources.isolation import UnloadableRecord, settle_table_error
from sources.report import SyncReport

from .descriptions import table_text
from .due import explained_by_time, pending_due_dates, without_clock
from .entities import Child, Entity, Row
from .paging import GetJson, listing_pages, read_pages, response_record
from .refresh import ChildrenRefresh
from .rows import child_rows, fingerprint, flatten

logger = logging.getLogger(__name__)
SYSTEM = "Hivestr"


@dataclass(frozen=True)
class Run:
    """What every table's reader shares during one run."""

    client: ApiClient
    report: SyncReport
    page_size: int
    max_details: int  # parents whose children one table reads before it stops for a checkpoint; 0: no limit
    clock: Clock
    children_max_age_seconds: float  # unchanged parents' children are read again at this age (refresh.py); 0: never
    sweep: Sweep | None = None  # marks rows of parents that a complete listing no longer returns
    history_tables: frozenset[str] = frozenset()  # tables whose every version is kept (sources/history.py)

    def get_json_for(self, table: str) -> GetJson:
        """client.get_json, counted in the report under `table` (one per call that returned)."""

        def get_json(path: str, params: Mapping[str, Any] | None = None) -> Any:
            body = self.client.get_json(path, params)
            self.report.add_requests(table, 1)
            return body

        return get_json


@dataclass
class _Batch:
    """Parents of one page read so far: emitted together, then remembered (and cleared by `_emit`)."""

    rows: list[Row] = field(default_factory=list)
    children: list[Row] = field(default_factory=list)
    done: dict[str, str] = field(default_factory=dict)  # id -> fingerprint of parents emitted with all children
    due: dict[str, list[Any]] = field(default_factory=dict)  # id -> its `due_dates` entry, recorded with `done`
    requested: dict[str, bool] = field(default_factory=dict)  # id -> whether a request read its children


class ParentTableReader:
    def __init__(self, entity: Entity, run: Run, state: dict[str, Any]) -> None:
        if entity.child is None:
            raise ValueError(f"{entity.table} has no child table")
        self._entity = entity
        self._child: Child = entity.child
        self._run = run
        self._state = state
        self._known: dict[str, str] = state.setdefault("fingerprints", {})
        self._due: dict[str, list[Any]] = state.setdefault("due_dates", {}) if entity.child.due_summary else {}
        self._refresh = ChildrenRefresh(state, run.children_max_age_seconds, run.clock.now().timestamp())
        self._list_json = run.get_json_for(entity.table)
        self._child_json = run.get_json_for(self._child.table)
        # Both tables get their hints as table variants: plain with_hints would rename the resource's own table,
        # and a variant starts from the resource's hints, which are therefore kept to what both tables share.
        self._text = table_text(entity.table, entity.references)
        self._parent_hints = self._parent_hints_with({})
        child_references = {self._child.parent_key: entity.table, **self._child.references}
        child_text = table_text(self._child.table, child_references)
        self._child_hints = child_table_hints(
            self._child.table,
            self._child.parent_key,
            child_references,
            with_descriptions({**self._child.columns, **DELETED_AT_HINT}, child_text),
            {"description": child_text.description},
        )
        keeps_history = entity.table in run.history_tables
        self._history = History(entity.table, entity.columns, entity.references, self._text) if keeps_history else None
        self._details = 0
        self._child_unreadable = False

    def items(self) -> Iterator[Any]:
        table = self._entity.table
        # Every run lists from page 1, an interrupted one too: the order may change between runs, so a page N read
        # again may hold rows that were on earlier pages. The parents already done cost their list row only.
        self._state.pop("resume_page", None)  # where versions that resumed at a page kept it
        listed: set[str] = set()
        unloadable: list[UnloadableRecord] = []
        batch = _Batch()
        try:
            for records in listing_pages(self._list_json, self._entity, self._run.page_size):
                for record in records:
                    if not isinstance(record, dict) or record.get("id") is None:
                        what = "the record has no id, so it cannot be merged"
                        unloadable.append(UnloadableRecord(table, None, "id", what))
                        continue
                    parent_id = str(record["id"])
                    if parent_id in listed:  # listed apart too: the list's default did not hide it after all
                        continue
                    listed.add(parent_id)
                    if not self._take(batch, record, parent_id):
                        yield from self._emit(batch)
                        self._run.report.mark_resumable(table)
                        return
                yield from self._emit(batch)
        except Exception as error:  # noqa: BLE001 - a table's failure stays in the table (sources/isolation.py)
            yield from self._emit(batch)  # the parents read before it are loaded and remembered
            settle_table_error(table, error, self._run.report, SYSTEM)
            return
        if unloadable:  # a listing missing records cannot tell deleted ones: no sweep, nothing forgotten
            more = f" (and {len(unloadable) - 1:,} more records)" if len(unloadable) > 1 else ""
            problem = UnloadableRecord(table, None, "id", unloadable[0].what + more)
            settle_table_error(table, problem, self._run.report, SYSTEM)
            return
        yield from self._sweep(listed, batch)
        for known in (self._known, self._due, self._refresh.read_at):
            for gone in set(known) - listed:
                del known[gone]

    def _take(self, batch: _Batch, record: Row, parent_id: str) -> bool:
        """Add the parent to the batch, reading its children, if it is new, changed or due for a re-read; False,
        leaving it out, when the table has read as many parents' children as a checkpoint allows."""
        current = fingerprint(record, self._entity.change_marker)
        if parent_id not in self._refresh.due:
            if self._known.get(parent_id) == current:
                self._run.report.add_unchanged(self._entity.table, 1)
                if self._child.needs_request(record):
                    self._refresh.seen_unchanged(parent_id)
                return True
            if self._only_the_clock_moved(parent_id, record):
                batch.rows.append(flatten(record, self._entity.nested))
                batch.done[parent_id] = current
                return True
        if self._run.max_details and self._details >= self._run.max_details:
            return False
        self._add(batch, record, parent_id, current)
        return True

    def _parent_hints_with(self, extra: dict[str, Any]) -> Any:
        entity, text = self._entity, self._text
        columns = with_descriptions({**entity.columns, **DELETED_AT_HINT, **extra}, text)
        return dlt.mark.make_hints(
            table_name=entity.table,
            columns=columns,
            references=references(entity.references),
            additional_table_hints={"description": text.description},
        )

    def _sweep(self, listed: set[str], batch: _Batch) -> Iterator[Any]:
        """After a complete listing, the parents the warehouse holds that it lacks, each asked for at its own endpoint
        (one request): a 404 confirms it is gone, and its rows are marked (or deleted); a record found there is alive
        but hidden from the list by some default filter, and is loaded from it like a listed one (`listed` gains it).

        The confirmation also guards against page shifts: a record deleted while the list was paged moves the next
        one onto a page already read, so a listing can miss a live record.
        """
        sweep, table = self._run.sweep, self._entity.table
        if sweep is None or not self._run.report.claim_sweep(table):
            return
        gone = []
        try:
            for parent_id in sweep.vanished(table, lambda: listed):
                record = self._detail_record(parent_id)
                if record is None:
                    gone.append(parent_id)
                    continue
                listed.add(parent_id)
                if not self._take(batch, record, parent_id):
                    break  # past a checkpoint's limit: a later run's sweep loads the rest
                yield from self._emit(batch)
        except RateLimitExhausted as exhausted:  # the rest is confirmed by a later run
            self._run.report.stop_for_budget(table, exhausted.resume_at)
        except (PermissionDeniedError, NotFoundError) as error:
            self._run.report.warn(table, f"{table}: deletions not confirmed ({error}); rows left as they are")
        child = ChildTable(self._child.table, self._child.parent_key, self._child_hints)
        yield from sweep.items(table, gone, self._parent_hints_with, [child])
        if self._history is not None:
            yield from self._history.closing(gone)
        self._run.report.add_deleted(table, len(gone))

    def _only_the_clock_moved(self, parent_id: str, record: Row) -> bool:
        """Whether the row differs from the one last read with its children only as time alone would make it."""
        summary, seen = self._child.due_summary, self._due.get(parent_id)
        if summary is None or seen is None:
            return False
        stable, due_dates = seen
        return _clock_free_fingerprint(record, summary) == stable and explained_by_time(record, summary, due_dates)

    def _detail_record(self, parent_id: str) -> Row | None:
        """The record as its own endpoint gives it, less what only the detail carries; None if it is gone (404)."""
        path = self._entity.detail.format(id=parent_id)
        try:
            record = response_record(self._list_json(path, {}), path)
        except NotFoundError:
            return None
        return {key: value for key, value in record.items() if key not in self._entity.detail_only}

    def _add(self, batch: _Batch, record: Row, parent_id: str, current: str) -> None:
        """Read the record's children into the batch; a parent that vanished meanwhile is left for the next run."""
        child = self._child
        source = record
        items: list[Row] | None = []
        if self._child_unreadable:
            items = None
        elif child.needs_request(record):
            self._details += 1
            try:
                source, items = self._read_children(record)
            except NotFoundError:
                logger.info("Hivestr %s %s disappeared while it was read; the next run sees", child.table, parent_id)
                return
            except RateLimitExhausted:
                raise  # the budget is the whole run's: its table stops where it is
            except Exception as error:  # noqa: BLE001 - the child table fails (or is skipped), its parents still load
                # Every parent would most likely fail alike (a permission, a shape): stop asking for this run. The
                # parents are loaded without being remembered as done, so the next run reads their children.
                settle_table_error(child.table, error, self._run.report, SYSTEM)
                self._child_unreadable = True
                items = None
        drop = (child.items,) if child.items else ()
        batch.rows.append(flatten(source, self._entity.nested, drop))
        if items is not None:
            batch.children.extend(child_rows(child, record["id"], items))
            batch.done[parent_id] = current
            batch.requested[parent_id] = child.needs_request(record)
            if child.due_summary:
                stable = _clock_free_fingerprint(record, child.due_summary)
                batch.due[parent_id] = [stable, pending_due_dates(items)]

    def _read_children(self, record: Row) -> tuple[Row, list[Row]]:
        """(the parent's fullest copy: the detail when it is one, else the list row; its children)."""
        child = self._child
        path = child.path.format(id=record["id"])
        if child.paged:
            pages = read_pages(self._child_json, path, child.params, self._run.page_size, child.announced_count(record))
            return record, [item for items in pages for item in items]
        detail = response_record(self._child_json(path, child.params), path)
        parent = {**record, **detail} if child.parent_from_detail else record
        return parent, list(detail.get(child.items) or [])

    def _emit(self, batch: _Batch) -> Iterator[Any]:
        report = self._run.report
        if batch.rows:
            yield dlt.mark.with_hints(batch.rows, self._parent_hints, create_table_variant=True)
            if self._history is not None:
                yield self._history.of_rows(batch.rows)
            report.add_rows(self._entity.table, len(batch.rows))
        if batch.children:
            yield dlt.mark.with_hints(batch.children, self._child_hints, create_table_variant=True)
            real_children = sum(1 for row in batch.children if not _is_marker(row))
            report.add_rows(self._child.table, real_children)
        self._known.update(batch.done)
        self._due.update(batch.due)
        self._refresh.record(batch.requested)
        batch.rows, batch.children, batch.done, batch.due, batch.requested = [], [], {}, {}, {}


def _clock_free_fingerprint(record: Row, summary: str) -> str:
    return fingerprint(without_clock(record, summary), None)


def _is_marker(row: Row) -> bool:
    return bool(row.get(CLEARED_MARKER))
