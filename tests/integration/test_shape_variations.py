"""The real APIs will not answer exactly as our simulators do: each plausible difference is a named shape variation
(simulators/*/shapes.py), and one test runs the pipeline against each.

With the variation on, the run must end within a deadline, leave no reader thread behind, load every table it does
not touch exactly as the simulator holds it, and either load the touched table too or report it failed in one clear
line (exit 1). Then records change, the variation is switched off, and the next run must converge exactly.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest

from pipelines import hivestr_pipeline, ploomes_pipeline
from tests.integration.compare import assert_hivestr_matches, assert_ploomes_matches
from tests.integration.conftest import hivestr_settings, ploomes_settings, run_options

# A safety net against a hang, not a speed check: a run here takes a few seconds.
DEADLINE_SECONDS = 60
# Small pages, so that every table of a few hundred rows is read in several pages and paging itself is exercised.
PAGE_SIZE = 50
# What a variation aimed at a few endpoints reads: those, and enough untouched tables (records with custom fields and
# child items, a lookup, /Fields) to show that the others load. Each of the ~45 tables costs a run a fixed time.
AIMED = ("contacts", "deals", "orders", "products", "tasks", "contact_types", "deal_stages", "custom_fields")
# What a variation of every endpoint reads: a table of each kind (records with custom fields, each kind of child
# items, activities, users, lookups of each shape, field metadata). One variation still reads every table.
EVERY_KIND = (*AIMED, "quotes", "interaction_records", "users", "deal_pipelines", "field_options", "cities")


@dataclass(frozen=True)
class Variation:
    shape: str
    fails: str | None = None  # the table it must fail, with one `error:` line naming it and the exit code 1
    natives_only: frozenset[str] = frozenset()  # tables loaded without their custom fields while it is on
    children_by_content: bool = False  # child rows come without ids: matched by their values
    warns: str | None = None  # a text the summary's warnings must carry
    columns: dict[str, set[str]] = field(default_factory=dict)  # columns the variation adds, which must exist
    # Postgres too, for the variations whose rows reach the load step differently (types coerced, new columns, keys
    # made up, a table failed): the others change only what is read, which both destinations load alike.
    postgres: bool = False
    tables: tuple[str, ...] | None = EVERY_KIND  # the Ploomes tables read (None: every table)

    def __str__(self) -> str:
        return self.shape


PLOOMES = [
    Variation("phones_without_id", tables=AIMED, children_by_content=True),
    Variation(
        "products_refuse_expand",
        tables=AIMED,
        natives_only=frozenset({"products"}),
        warns="refused $expand=OtherProperties",
    ),
    Variation("field_type_without_name", tables=AIMED),
    Variation("nulls_omitted", tables=None),
    Variation("no_count"),
    Variation("numbers_as_text", postgres=True),
    Variation("null_lists"),
    Variation(
        "extra_properties",
        columns={"contacts": {"external_code", "attachments", "origin"}, "contact_phones": {"label"}},
        postgres=True,
    ),
    Variation("unknown_native_type"),
    Variation("unlisted_field_keys", tables=AIMED, warns="that /Fields does not list"),
    Variation("lookups_refuse_options", warns="refused or ignored an OData option"),
    Variation("lookups_ignore_options", warns="refused or ignored an OData option"),
    Variation("tasks_ignore_filter", fails="tasks", postgres=True),
    Variation("tasks_ignore_orderby", tables=AIMED, fails="tasks"),
]


HIVESTR = [
    Variation("numbers_as_text", postgres=True),
    Variation("nulls_omitted"),
    Variation("null_lists"),
    Variation(
        "extra_properties",
        columns={"clients": {"external_ref", "tags", "owner_team"}, "client_notes": {"external_ref"}},
        postgres=True,
    ),
    Variation("dates_with_offset"),
]


def cases(variations: list[Variation]) -> list:
    """(variation, destination): DuckDB for each, Postgres for those marked."""
    return [
        pytest.param(v, d, id=f"{d}-{v}", marks=[pytest.mark.postgres] if d == "postgres" else [])
        for v in variations
        for d in ("duckdb", "postgres")
        if d == "duckdb" or v.postgres
    ]


@dataclass
class Outcome:
    exit_code: int
    errors: list[str]
    output: str


def run_script(
    run_id: str, warehouse, tmp_path, sim, capsys, system: str = "ploomes", tables: tuple[str, ...] | None = None
) -> Outcome:
    """The pipeline script's run(), in process, as the script runs it; its exit code and output."""
    capsys.readouterr()
    if system == "ploomes":
        module, settings = ploomes_pipeline, {**ploomes_settings(sim), "page_size": PAGE_SIZE}
    else:
        module, settings = hivestr_pipeline, hivestr_settings(sim)
    options = run_options(warehouse, tmp_path / "pipelines", extra=settings, tables=list(tables) if tables else None)
    started = time.monotonic()
    exit_code = module.run(options)
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert elapsed < DEADLINE_SECONDS, f"{run_id}: the run took {elapsed:.0f} s"
    assert_no_reader_left()
    errors = [line for line in captured.err.splitlines() if line.startswith("error: ")]
    return Outcome(exit_code, errors, captured.out + captured.err)


def assert_expected_outcome(variation: Variation, outcome: Outcome, warehouse) -> None:
    if variation.fails:
        assert outcome.exit_code == 1, outcome.output
        assert len(outcome.errors) == 1, outcome.errors
        assert outcome.errors[0].startswith(f"error: {variation.fails}: "), outcome.errors
        assert f"the next run retries {variation.fails}" in outcome.errors[0]
    else:
        assert outcome.exit_code == 0 and not outcome.errors, outcome.output
    if variation.warns:
        assert variation.warns in outcome.output, outcome.output
    for table, columns in variation.columns.items():
        assert columns <= set(warehouse.columns(table)), f"{table}: {sorted(warehouse.columns(table))}"


def assert_no_reader_left() -> None:
    deadline = time.monotonic() + 2
    while (left := [t.name for t in threading.enumerate() if t.name.startswith("ploomes-range")]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert not left, f"reader threads still alive after the run: {left}"


def change_records(sim) -> None:
    """A few records of the tables the variations touch change between the runs (not their names: other records
    show those in custom-field `_val` columns, which keep the name they were read with until they change)."""
    for endpoint, changes in (
        ("Contacts", {"Note": "Contato alterado entre as cargas"}),
        ("Tasks", {"Title": "Tarefa alterada entre as cargas"}),
        ("Products", {"Code": "ALTERADO-01"}),
    ):
        for record in list(sim.records(endpoint))[:2]:
            sim.update(endpoint, record["Id"], changes)


@pytest.mark.parametrize(("variation", "destination"), cases(PLOOMES))
def test_ploomes_survives_the_variation_and_converges_once_it_is_gone(
    variation: Variation, ploomes_sim, warehouse, tmp_path, capsys
):
    sim = ploomes_sim
    sim.shapes.set([variation.shape])
    outcome = run_script("with the variation", warehouse, tmp_path, sim, capsys, tables=variation.tables)
    assert_expected_outcome(variation, outcome, warehouse)
    assert_ploomes_matches(
        warehouse,
        sim,
        skip=frozenset({variation.fails} if variation.fails else ()),
        natives_only=variation.natives_only,
        children_by_content=variation.children_by_content,
        only=variation.tables,
    )

    change_records(sim)
    sim.shapes.set([])
    outcome = run_script("after the variation", warehouse, tmp_path, sim, capsys, tables=variation.tables)
    assert outcome.exit_code == 0 and not outcome.errors, outcome.output
    assert_ploomes_matches(warehouse, sim, children_by_content=variation.children_by_content, only=variation.tables)


@pytest.mark.parametrize("hivestr_config", [{"scale": 30}])
@pytest.mark.parametrize(("variation", "destination"), cases(HIVESTR))
def test_hivestr_survives_the_variation_and_converges_once_it_is_gone(
    variation: Variation, hivestr_sim, run_hivestr, warehouse, tmp_path, capsys
):
    sim = hivestr_sim
    sim.shapes.set([variation.shape])
    outcome = run_script("with the variation", warehouse, tmp_path, sim, capsys, "hivestr")
    assert_expected_outcome(variation, outcome, warehouse)
    assert_hivestr_matches(warehouse, sim)

    clients = list(sim.records("clients"))
    sim.update("clients", clients[0]["id"], {"notes": "Cliente alterado entre as cargas"})
    sim.insert("notes", {"client_id": clients[1]["id"], "content": "Nota entre as cargas", "note_type": "note"})
    sim.shapes.set([])
    outcome = run_script("after the variation", warehouse, tmp_path, sim, capsys, "hivestr")
    assert outcome.exit_code == 0 and not outcome.errors, outcome.output
    assert_hivestr_matches(warehouse, sim)
