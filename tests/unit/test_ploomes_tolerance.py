"""What the Ploomes reader does with answers our simulator never gives: refused or ignored OData options, literals
read in another zone, child items without ids, custom fields known only by their values, a run stopped mid-read."""

from __future__ import annotations

import re
import threading
import time

import pendulum
import pytest

from sources.children import stable_child_id
from sources.http import BadRequestError, RunStop, RunStopped
from sources.ploomes.custom_fields import CustomField, CustomFieldMapper
from sources.ploomes.entities import ENTITIES_BY_TABLE
from sources.ploomes.lists import read_whole
from sources.ploomes.literals import OFFSET, UTC, LiteralsMisread, decide
from sources.ploomes.paging import KeysetReader, PageBudget, PagingRefused, Query
from sources.ploomes.rows import NativeColumns, flatten
from tests.unit.test_ploomes_paging import FakeTable


class IgnoringTable(FakeTable):
    """An endpoint that ignores `$filter` (and so sends its first page again), or `$orderby` (newest first)."""

    def __init__(self, ids, ignore: str):
        super().__init__(ids)
        self.ignore = ignore

    def get_json(self, path, params):
        params = dict(params)
        if self.ignore == "$filter":
            self.calls.append(dict(params))
            params.pop("$filter", None)
            skip, top = int(params.pop("$skip", 0)), min(int(params["$top"]), self.cap)  # it still pages with $skip
            body = {"value": [{"Id": i} for i in self.ids[skip : skip + top]]}
            if params.get("$orderby") == "Id desc":
                body["value"] = [{"Id": i} for i in reversed(self.ids)][:top]
            return body
        body = super().get_json(path, params)
        body["value"].reverse()
        return body


@pytest.mark.parametrize(("ignored", "said"), [("$filter", "ignores `$filter`"), ("$orderby", "ignores `$orderby")])
def test_keyset_paging_refuses_a_page_that_repeats_goes_back_or_is_out_of_order(ignored, said):
    table = IgnoringTable(range(1, 1_001), ignored)
    reader = KeysetReader(table.get_json, Query("/X", page_size=100), {}, max_ranges=4)
    with pytest.raises(PagingRefused, match=re.escape(said)):
        for _ in reader.pages():
            pass
    assert reader.requests <= 2 + 4  # the first page, the highest Id, one page per range at most: never a loop


class RefusingTable(FakeTable):
    """A lookup endpoint that answers 400 to `$filter`/`$orderby`/`$count`, or to any option at all."""

    def __init__(self, ids, refused=("$filter", "$orderby", "$count")):
        super().__init__(ids)
        self.refused = refused

    def get_json(self, path, params):
        with self.lock:
            self.calls.append(dict(params))
        if set(params) & set(self.refused):
            raise BadRequestError(f"GET {path}: option refused")
        skip, top = int(params.get("$skip", 0)), int(params.get("$top", len(self.ids)))
        return {"value": [{"Id": i} for i in self.ids[skip : skip + top]]}


@pytest.mark.parametrize(
    "table",
    [
        RefusingTable(range(1, 701)),
        RefusingTable(range(1, 701), refused=("$filter", "$orderby", "$count", "$top", "$skip")),
        IgnoringTable(range(1, 701), "$filter"),
    ],
    ids=["refuses-filter", "refuses-every-option", "ignores-filter"],
)
def test_a_lookup_is_read_whole_without_the_options_its_endpoint_refuses_or_ignores(table):
    whole = read_whole(table.get_json, Query("/Lookup", page_size=300))
    assert sorted(row["Id"] for row in whole.rows) == list(range(1, 701))
    assert whole.fallback is not None and whole.requests == len(table.calls) <= 8


def test_a_lookup_whose_endpoint_ignores_every_paging_option_fails_rather_than_stop_at_its_first_page():
    table = FakeTable(range(1, 701))  # caps at 300 rows and knows no $skip: rows past 300 cannot be read

    def ignoring(path, params):
        return table.get_json(path, {"$top": 300})

    with pytest.raises(PagingRefused, match="past the first 300 rows"):
        read_whole(ignoring, Query("/Lookup", page_size=300))


class LocalTimeServer:
    """One record, updated at `stamp`; the server compares `$filter` date-times as `reads_z` says it reads a Z."""

    def __init__(self, stamp: str, reads_z: str):
        self.stamp, self.reads_z = pendulum.parse(stamp), reads_z
        self.deleted = False

    def get_json(self, path, params):
        if self.deleted:
            return {"value": []}
        if " gt " not in params["$filter"]:  # the record read again, by its Id
            return {"value": [{"Id": 7, "LastUpdateDate": self.stamp.isoformat()}]}
        literal = params["$filter"].rsplit(" gt ", 1)[1]
        if literal.endswith("Z") and self.reads_z == "local":
            moment = pendulum.parse(literal[:-1], tz=pendulum.FixedTimezone(-3 * 3600))
        elif self.reads_z == "text":  # compares the text, not the instant
            return {"value": [{"Id": 7}] if literal < "2099" else []}
        else:
            moment = pendulum.parse(literal)
        return {"value": [{"Id": 7}] if self.stamp > moment else []}


@pytest.mark.parametrize(("reads_z", "style"), [("utc", UTC), ("local", OFFSET)])
def test_literals_are_written_the_way_the_server_reads_them(reads_z, style):
    server = LocalTimeServer("2025-03-07T12:39:44.957-03:00", reads_z)
    record = {"Id": 7, "LastUpdateDate": "2025-03-07T12:39:44.957-03:00"}
    assert decide(server.get_json, "/Deals", "LastUpdateDate", record)[0] == style


def test_a_server_that_reads_literals_as_no_instant_is_refused_with_the_record_it_tried():
    server = LocalTimeServer("2025-03-07T12:39:44.957-03:00", "text")
    record = {"Id": 7, "LastUpdateDate": "2025-03-07T12:39:44.957-03:00"}
    with pytest.raises(LiteralsMisread, match="Id=7"):
        decide(server.get_json, "/Deals", "LastUpdateDate", record)


def test_a_record_updated_while_it_is_checked_is_checked_again_with_its_new_value():
    server = LocalTimeServer("2025-03-07T12:40:02.000-03:00", "utc")  # updated after the sync read it
    record = {"Id": 7, "LastUpdateDate": "2025-03-07T12:39:44.957-03:00"}
    style, requests = decide(server.get_json, "/Deals", "LastUpdateDate", record)
    assert style == UTC and requests == 2 + 2 + 1 + 2  # Z and -03:00 asked, read again, Z asked again


def test_a_record_deleted_while_it_is_checked_leaves_the_style_undecided_rather_than_fail_the_table():
    server = LocalTimeServer("2025-03-07T12:39:44.957-03:00", "utc")
    server.deleted = True
    record = {"Id": 7, "LastUpdateDate": "2025-03-07T12:39:44.957-03:00"}
    assert decide(server.get_json, "/Deals", "LastUpdateDate", record) == (None, 3)


def test_a_record_that_keeps_changing_while_it_is_checked_leaves_the_style_undecided():
    class BusyServer(LocalTimeServer):  # "text" answers as no instant; each read finds the record updated again
        def get_json(self, path, params):
            if " gt " not in params["$filter"]:
                self.stamp = self.stamp.add(seconds=5)
            return super().get_json(path, params)

    server = BusyServer("2025-03-07T12:39:44.957-03:00", "text")
    record = {"Id": 7, "LastUpdateDate": "2025-03-07T12:39:44.957-03:00"}
    assert decide(server.get_json, "/Deals", "LastUpdateDate", record)[0] is None


def test_child_items_without_id_get_keys_stable_while_the_item_and_its_place_are():
    contacts = ENTITIES_BY_TABLE["contacts"]
    record = {"Id": "41", "Name": "A", "Phones": [{"PhoneNumber": "1"}, {"PhoneNumber": "2"}, "(11) 3333-4444"]}
    row, children = flatten(contacts, record, None, NativeColumns(contacts, ()), ("Phones",))
    phones = children["contact_phones"]
    assert row["id"] == 41 and [p["contact_id"] for p in phones] == [41, 41, 41]
    assert phones[2]["value"] == "(11) 3333-4444"
    ids = [p["id"] for p in phones]
    assert len(set(ids)) == 3 and all(0 < i < 2**63 for i in ids)
    again = flatten(contacts, record, None, NativeColumns(contacts, ()), ("Phones",))[1]["contact_phones"]
    assert [p["id"] for p in again] == ids
    assert stable_child_id(41, 0, {"PhoneNumber": "1"}) != stable_child_id(41, 1, {"PhoneNumber": "1"})


def test_a_navigation_not_expanded_writes_no_children_not_even_the_marker_that_would_clear_them():
    contacts = ENTITIES_BY_TABLE["contacts"]
    _, children = flatten(contacts, {"Id": 1}, None, NativeColumns(contacts, ()), ())
    assert children == {}


def test_a_property_named_like_a_custom_column_keeps_out_of_it():
    contacts = ENTITIES_BY_TABLE["contacts"]
    columns = NativeColumns(contacts, {"regiao", "email"})
    row, _ = flatten(contacts, {"Id": 1, "Email": "a@b", "Regiao": "Sul"}, None, columns, ())
    assert row == {"id": 1, "email": "a@b", "regiao_native": "Sul"}  # Email is declared: it keeps its column
    assert columns.renamed == {"Regiao": "regiao_native"}


def test_a_field_whose_metadata_hides_its_kind_is_a_reference_once_its_values_show_it():
    user = CustomField(key="u", name="Gerente", entity_id=1, native_type="Integer", kind="scalar", multiple=False)
    mapper = CustomFieldMapper([user], {"u": "gerente"})
    values = mapper.values([{"FieldKey": "u", "IntegerValue": 5, "UserValueId": 5, "UserValueName": "Ana"}])
    assert values == {"gerente_id": 5, "gerente_val": "Ana"}
    assert mapper.learned == {"u": "user"}
    assert {"gerente_id", "gerente_val"} <= set(mapper.column_hints())
    # the next run starts from what was learned: the same columns from its first record
    again = CustomFieldMapper([user], {"u": "gerente"}, learned=dict(mapper.learned))
    assert again.values([{"FieldKey": "u", "IntegerValue": 6}]) == {"gerente_id": 6, "gerente_val": None}


def test_an_unknown_native_type_reads_its_own_value_property_and_unlisted_keys_are_counted():
    money = CustomField(key="m", name="Valor", entity_id=1, native_type="Money", kind="scalar", multiple=False)
    mapper = CustomFieldMapper([money], {"m": "valor"})
    assert mapper.values([{"FieldKey": "m", "MoneyValue": 12.5}, {"FieldKey": "x", "StringValue": "?"}]) == {
        "valor": 12.5
    }
    assert mapper.values([{"FieldKey": "m", "DecimalValue": 3.0}]) == {"valor": 3.0}
    assert "data_type" not in mapper.column_hints()["valor"]  # typed by its first value
    assert mapper.unknown == {"x": 1}
    assert mapper.values(None) == {} and mapper.values("not a list") == {}


def test_a_stopped_run_ends_a_read_whose_readers_wait_for_the_page_budget():
    run_stop, budget = RunStop(), PageBudget(1)
    stalled = KeysetReader(FakeTable(range(1, 30_001)).get_json, Query("/X"), {}, 4, budget=budget, run_stop=run_stop)
    pages = stalled.pages()
    next(pages), next(pages)  # its readers fill the budget and wait for places nobody frees
    waiting = KeysetReader(FakeTable(range(1, 30_001)).get_json, Query("/X"), {}, 4, budget=budget, run_stop=run_stop)
    outcome = []

    def consume() -> None:
        try:
            for _ in waiting.pages():
                time.sleep(0.01)
        except RunStopped as stopped:
            outcome.append(stopped)

    consumer = threading.Thread(target=consume)
    consumer.start()
    time.sleep(0.2)
    run_stop.stop(RuntimeError("a failure elsewhere"))
    consumer.join(timeout=5)
    assert not consumer.is_alive() and outcome, "the consumer kept waiting after the run stopped"
    deadline = time.monotonic() + 5
    while any(t.name.startswith("ploomes-range") for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [t.name for t in threading.enumerate() if t.name.startswith("ploomes-range")]
