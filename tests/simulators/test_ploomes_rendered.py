"""Keeping rendered JSON (`render_cache_mb`) changes how fast pages are answered, never what they say."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from simulators.ploomes.rendered import RenderedRecords
from tests.simulators.conftest import Api, make_sim

EXPAND = {"Contacts": "OtherProperties,Phones,Tags", "Deals": "OtherProperties"}


@pytest.fixture
def kept() -> Iterator[tuple]:
    sim = make_sim(render_cache_mb=50)
    api = Api(sim.app)
    yield sim, api
    api.close()


def _pages(api: Api, endpoint: str) -> list[dict]:
    rows, after = [], 0
    while page := api.values(f"/{endpoint}", expand=EXPAND[endpoint], filter=f"Id gt {after}", orderby="Id"):
        rows += page
        after = page[-1]["Id"]
    return rows


def _assert_pages_tell_the_truth(sim, api: Api) -> None:
    for endpoint in EXPAND:
        assert _pages(api, endpoint) == list(sim.records(endpoint))


def _items(record: dict, field_id: int) -> list[dict]:
    return [item for item in record["OtherProperties"] if item["FieldId"] == field_id]


def test_pages_read_again_after_each_kind_of_change_show_the_change(kept):
    sim, api = kept
    _assert_pages_tell_the_truth(sim, api)
    assert _pages(api, "Contacts") == _pages(api, "Contacts")  # answered from what was kept

    contact_field = next(f for f in sim.fields("Deals") if f["Name"] == "Contato Técnico")
    deal = next(d for d in sim.records("Deals") if _items(d, contact_field["Id"]))
    named_contact = _items(deal, contact_field["Id"])[0]["ContactValueId"]
    sim.update("Contacts", named_contact, {"Name": "Nome Novo"})
    _assert_pages_tell_the_truth(sim, api)
    deal_now = next(d for d in _pages(api, "Deals") if d["Id"] == deal["Id"])
    assert _items(deal_now, contact_field["Id"])[0]["ContactValueName"] == "Nome Novo"

    option_field = next(f for f in sim.fields("Deals") if f["Name"] == "Temperatura")
    option = sim.options(option_field["Id"])[0]
    sim.rename_option(option["Id"], "Muito quente")
    _assert_pages_tell_the_truth(sim, api)
    names = {i["ObjectValueName"] for d in _pages(api, "Deals") for i in _items(d, option_field["Id"])}
    assert "Muito quente" in names and option["Name"] not in names

    sim.delete("Deals", deal["Id"])
    sim.delete_field(contact_field["Id"])
    _assert_pages_tell_the_truth(sim, api)
    deals = _pages(api, "Deals")
    assert deal["Id"] not in {d["Id"] for d in deals}
    assert not [i for d in deals for i in _items(d, contact_field["Id"])]


def test_the_same_page_is_the_same_json_whether_kept_or_not(kept):
    sim, api = kept
    live = make_sim()
    live_api = Api(live.app)
    try:
        params = {"$expand": EXPAND["Contacts"], "$top": "50", "$skip": "20", "$orderby": "Id", "$count": "true"}
        first, again = (api.get("/Contacts", params=params).content for _ in range(2))
        assert first == again == live_api.get("/Contacts", params=params).content
    finally:
        live_api.close()


def test_the_oldest_records_go_first_once_the_bytes_are_spent():
    kept = RenderedRecords(max_bytes=3 * len(orjson.dumps({"n": 1})))
    rendered: list[int] = []

    def render(n: int):
        def make() -> dict:
            rendered.append(n)
            return {"n": n}

        return make

    for n in (1, 2, 3, 4):
        assert orjson.loads(orjson.dumps(kept.get(n, 0, render(n)))) == {"n": n}
    kept.get(2, 0, render(2))  # still kept
    kept.get(1, 0, render(1))  # went first
    kept.get(2, 1, render(2))  # a new stamp drops everything
    assert rendered == [1, 2, 3, 4, 1, 2]
    assert orjson.dumps(kept.get("big", 1, lambda: {"n": "x" * 100})) == b'{"n":"' + b"x" * 100 + b'"}'
    kept.get("big", 1, render(5))  # too big to keep: rendered each time
    assert rendered[-1] == 5
