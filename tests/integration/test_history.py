"""Record history (`<table>_history`, dlt scd2) over loopback into DuckDB and Postgres: a deal moved through three
stages over four runs has exactly three versions with contiguous intervals, an unchanged deal read again keeps its one
version (a column added meanwhile too), and a deal deleted at the source has its version closed by the deletion
sweep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sources.hivestr import hivestr
from sources.ploomes import ploomes
from tests.integration.conftest import TEST_KEY

VERSION_COLUMNS = "id, stage_id, _dlt_valid_from, _dlt_valid_to"


def versions_by_id(warehouse, table: str, columns: str) -> dict[Any, list[dict[str, Any]]]:
    rows = warehouse.query(f"select {columns} from {warehouse.dataset}.{table} order by id, _dlt_valid_from")
    versions: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        versions.setdefault(row["id"], []).append(row)
    return versions


def assert_history(
    versions: dict[Any, list[dict[str, Any]]],
    moved: Any,
    stages: list[Any],
    stage_of: Callable[[dict[str, Any]], Any],
    deleted: Any,
    ids: set[Any],
) -> None:
    """`moved` went through `stages` in contiguous intervals, the last open; every other record has one version, open
    but for `deleted`'s, which the sweep closed."""
    assert set(versions) == ids
    intervals = versions[moved]
    assert [stage_of(v) for v in intervals] == stages
    for earlier, later in zip(intervals, intervals[1:], strict=False):
        assert earlier["_dlt_valid_from"] < earlier["_dlt_valid_to"] == later["_dlt_valid_from"]
    assert intervals[-1]["_dlt_valid_to"] is None
    (closed,) = versions[deleted]
    assert closed["_dlt_valid_to"] is not None and closed["_dlt_valid_to"] > closed["_dlt_valid_from"]
    others = {i: v for i, v in versions.items() if i not in (moved, deleted)}
    assert {i: len(v) for i, v in others.items() if len(v) != 1 or v[0]["_dlt_valid_to"] is not None} == {}


@pytest.mark.parametrize("sim_config", [{"scale": 30}])
def test_a_ploomes_deal_moved_through_three_stages_has_three_contiguous_versions(run_ploomes, ploomes_sim, warehouse):
    """Run 4 reads every deal again (`--since`) after a custom field became a column in run 3: the deals that do not
    hold it keep their one version."""
    deals = list(ploomes_sim.records("Deals"))
    moved, deleted = deals[0], deals[1]
    stage_a = moved["StageId"]
    stage_b, stage_c = sorted({d["StageId"] for d in deals} - {stage_a})[:2]

    run_ploomes(tables=["deals"])
    run_ploomes(tables=["deals"])  # nothing changed
    added = ploomes_sim.add_field("Deals", "Chance de Renovação", "Decimal")
    renewal = [*moved["OtherProperties"], {"FieldKey": added["Key"], "DecimalValue": 0.8}]
    ploomes_sim.update("Deals", moved["Id"], {"StageId": stage_b, "OtherProperties": renewal})
    run_ploomes(tables=["deals"])
    ploomes_sim.update("Deals", moved["Id"], {"StageId": stage_c})
    ploomes_sim.delete("Deals", deleted["Id"])
    report = run_ploomes(tables=["deals"], since="2000-01-01", sweep_deletions=True)
    assert report.tables["deals"].deleted == 1

    with warehouse.reading():
        versions = versions_by_id(warehouse, "deals_history", f"{VERSION_COLUMNS}, chance_de_renovacao")
        assert warehouse.count("deals") == len(deals)  # the current table keeps one row per record
    ids = {d["Id"] for d in deals}
    assert_history(versions, moved["Id"], [stage_a, stage_b, stage_c], lambda v: v["stage_id"], deleted["Id"], ids)
    assert [v["chance_de_renovacao"] for v in versions[moved["Id"]]] == [None, 0.8, 0.8]


@pytest.mark.parametrize("hivestr_config", [{"scale": 30}])
def test_a_hivestr_deal_moved_through_three_stages_has_three_contiguous_versions(run_hivestr, hivestr_sim, warehouse):
    deals = list(hivestr_sim.records("deals"))
    moved, deleted = deals[0], deals[1]
    stage_a = moved["pipeline_stage"]
    stage_b, stage_c = [s for s in ("Proposta", "Negociação", "Aprovação") if s != stage_a][:2]

    run_hivestr(tables=["pipeline_deals"])
    run_hivestr(tables=["pipeline_deals"])  # every deal listed again, unchanged
    hivestr_sim.update("deals", moved["id"], {"pipeline_stage": stage_b})
    run_hivestr(tables=["pipeline_deals"])
    hivestr_sim.update("deals", moved["id"], {"pipeline_stage": stage_c})
    hivestr_sim.delete("deals", deleted["id"])
    run_hivestr(tables=["pipeline_deals"])

    columns = "id, pipeline_stage, _dlt_valid_from, _dlt_valid_to"
    versions = versions_by_id(warehouse, "pipeline_deals_history", columns)
    ids = {d["id"] for d in deals}
    stages = [stage_a, stage_b, stage_c]
    assert_history(versions, moved["id"], stages, lambda v: v["pipeline_stage"], deleted["id"], ids)


@pytest.mark.parametrize(
    ("source", "credentials", "setting"),
    [
        (ploomes, {"api_key": TEST_KEY}, "sources.ploomes.history_tables"),
        (hivestr, {"api_key": "hvstr_x", "api_secret": "x"}, "sources.hivestr.history_tables"),
    ],
)
def test_a_history_table_that_is_not_a_table_of_the_source_names_the_setting(source, credentials, setting):
    with pytest.raises(ValueError, match=rf"^{setting} names dealz, which is not a table"):
        source(**credentials, history_tables=["dealz"])
