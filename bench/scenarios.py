"""The nine benchmark scenarios of bench/README.md, each returning its figures, its target and whether it was met.

Every pipeline run is its own process (bench.sync) against a simulator in another process (bench.serve), over
loopback. Request counts come from the simulator's request log, never from the connector's own report.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from bench.clock import ScaledTime
from bench.harness import UNLIMITED, Simulator, Workdirs, sync
from sources.erp.entities import LISTS as ERP_LISTS
from sources.ploomes.entities import CUSTOM_FIELDS_TABLE
from sources.ploomes.entities import ENTITIES as PLOOMES_ENTITIES

PAGE = 300  # Ploomes' $top cap
HIVESTR_PAGE = 100  # Hivestr's limit cap
PLOOMES_RATE = 120  # requests per minute
HIVESTR_BUDGET = 1000  # requests per hour, basic plan
HIVESTR_TOKEN_LIFETIME = 3600  # seconds, the expires_in of the API's tokens (and the simulator's default)
# The connector's default bound on the age of an unchanged parent's children (sources/hivestr/settings.py), in seconds
HIVESTR_CHILDREN_MAX_AGE = 7 * 86400
# The list requests of a run; any other data request of a no-change run re-reads an unchanged parent's children
HIVESTR_LISTS = ("/inventory/list", "/clients", "/proposals", "/pipeline/deals", "/pipeline/reminders")
FIELDS = "Fields"  # custom-field metadata, read by every run that loads a table with custom fields


@dataclass(frozen=True)
class Size:
    account: int  # contacts of the "whole account" (about 3.2 rows over all tables per contact)
    large_table: int  # contacts of the one-large-table scenario
    memory: tuple[int, int]  # contacts of the two memory runs (about 100,000 and 1,000,000 rows)
    baseline: int  # contacts for the rest_api baseline of scenario 4
    hivestr: int  # Hivestr clients
    ploomes_speedup: float  # Ploomes time runs this many times faster: rate x speedup, latency / speedup
    hivestr_speedup: float  # the Hivestr simulator's and the connector's clocks run this many times faster
    # Ploomes tables of the account-wide scenarios (None: every table). The small size reads a few, the same code
    # paths (custom fields, child tables, a lookup) at a fraction of the fixed cost of ~45 tables per run.
    tables: tuple[str, ...] | None = None
    speed_runs: int = 3  # scenario 4's rounds, each timing ours and the baseline into each destination
    # Scenario 7: the systems and destinations whose dbt builds are timed, the Ploomes tables loaded (None: every
    # table), and whether an incremental run and its build follow. The small size builds one system's history marts
    # once, to keep the code working for a few seconds.
    analytics_systems: tuple[str, ...] = ("ploomes", "hivestr")
    analytics_destinations: tuple[str, ...] = ("duckdb", "postgres")
    analytics_tables: tuple[str, ...] | None = None
    analytics_rebuild: bool = True
    # Scenario 8: accounts loaded at once (--all-accounts), and the contacts of each
    fleet_accounts: int = 10
    fleet_account: int = 20_000
    fleet_destinations: tuple[str, ...] = ("duckdb", "postgres")
    # Scenario 9: the Ploomes contacts whose CPF/CNPJs the ERP is asked about, and the ERP's requests a minute
    erp_contacts: int = 2_000
    erp_rate: int = 300
    erp_latency: float = 0.05  # seconds a request


SIZES = {
    "full": Size(
        account=32_000,
        large_table=200_000,
        memory=(32_000, 320_000),
        baseline=8_000,
        hivestr=300,
        # Scenarios 1 and 2 at the real rate and latency: scaled 10x, the few seconds of local work after the last
        # page (the last checkpoint's normalize and load) weighed ten times what they weigh against the real API.
        ploomes_speedup=1,
        hivestr_speedup=100,
    ),
    "small": Size(
        account=300,
        large_table=3_000,
        memory=(300, 900),
        baseline=300,
        hivestr=40,
        ploomes_speedup=50,
        hivestr_speedup=2_000,
        tables=("contacts", "orders", "contact_types", "custom_fields"),
        speed_runs=1,
        analytics_systems=("ploomes",),
        analytics_destinations=("duckdb",),
        analytics_tables=("deals", "deal_stages", "deal_pipelines"),
        analytics_rebuild=False,
        fleet_accounts=3,
        fleet_account=300,
        erp_contacts=300,
        erp_rate=6_000,
        erp_latency=0.0,
    ),
}


def pages(rows: int, page_size: int = PAGE) -> int:
    """Requests to read `rows`: an empty table still takes one to learn that it is empty."""
    return max(1, math.ceil(rows / page_size))


def _selected(tables: tuple[str, ...] | list[str] | None) -> list[Any]:
    return [e for e in PLOOMES_ENTITIES if tables is None or e.table in tables]


def ploomes_minimum(
    rows: dict[str, int], tables: tuple[str, ...] | list[str] | None = None, changed: dict[str, int] | None = None
) -> dict[str, int]:
    """Requests that any connector must make for a Ploomes load, per endpoint read.

    A first load (changed=None) reads every row of every table, /Fields included (custom_fields is a table, and the
    custom-field columns need it). An incremental run (changed = rows changed per dated endpoint) reads the changed
    rows of every incremental table (one request when none changed: only asking tells), and still every row of the
    tables that have no LastUpdateDate, which can only be replaced.
    """
    selected = _selected(tables)
    needed: dict[str, int] = {}
    for entity in selected:
        endpoint = entity.path.lstrip("/")
        if changed is not None and entity.incremental:
            needed[endpoint] = pages(changed.get(endpoint, 0))
        else:
            needed[endpoint] = pages(rows[endpoint])
    if tables is None or CUSTOM_FIELDS_TABLE in tables or any(e.fields_entity_id is not None for e in selected):
        needed[FIELDS] = pages(rows[FIELDS])
    return needed


def ploomes_rows(rows: dict[str, int], tables: tuple[str, ...] | list[str] | None = None) -> dict[str, int]:
    """What the simulator holds, per connector table (child tables aside: they have no endpoint of their own)."""
    held = {e.table: rows[e.path.lstrip("/")] for e in _selected(tables)}
    if tables is None or CUSTOM_FIELDS_TABLE in tables:
        held[CUSTOM_FIELDS_TABLE] = rows[FIELDS]
    return held


def _is_probe(entry: dict[str, Any]) -> bool:
    """A request that reads no table's rows: a range split's highest-Id probe, or the check of how the server reads
    date-time literals (sources/ploomes/literals.py: `Id eq`, once per account)."""
    query = unquote_plus(entry["query"])
    return "Id desc" in query or "Id eq" in query


def _ploomes_requests(sim: Simulator) -> dict[str, Any]:
    """What the simulator answered since its log was cleared, split into row reads and probes (`_is_probe`)."""
    entries = sim.entries()
    probes = sum(_is_probe(e) for e in entries)
    statuses: dict[str, int] = {}
    for entry in entries:
        statuses[str(entry["status"])] = statuses.get(str(entry["status"]), 0) + 1
    # From the first request's arrival to the last response: the run's reading, without the local work after it.
    ends, starts = [e["timestamp"] + e["duration"] for e in entries], [e["timestamp"] for e in entries]
    reading = max(ends) - min(starts) if entries else 0.0
    return {
        "requests": len(entries),
        "probes": probes,
        "reading_seconds": reading,
        "first_request_at": min(starts, default=None),
        "last_response_at": max(ends, default=None),
        "rows_returned": sum(e["rows"] or 0 for e in entries),
        "by_status": statuses,
    }


def _ploomes_source(sim: Simulator, rate: int = UNLIMITED, **settings: Any) -> dict[str, Any]:
    return {"api_key": sim.info["api_key"], "base_url": sim.base_url, "rate_limit_per_minute": rate, **settings}


def _paced_load(
    size: Size, scale: int, latency: float, jitter: float, tables: tuple[str, ...] | list[str] | None
) -> dict[str, Any]:
    rate = round(PLOOMES_RATE * size.ploomes_speedup)
    flags = ["--scale", str(scale), "--rate-limit", str(rate)]
    flags += ["--latency", str(latency / size.ploomes_speedup), "--latency-jitter", str(jitter / size.ploomes_speedup)]
    with Simulator("ploomes", *flags) as sim, Workdirs() as workdirs:
        run = sync("ploomes", workdirs.new("paced"), _ploomes_source(sim, rate), tables=_listed(tables))
        made = _ploomes_requests(sim)
        minimum = sum(ploomes_minimum(sim.info["rows"], tables).values())
    bound = minimum / (rate / 60)
    held = ploomes_rows(sim.info["rows"], tables)
    return {
        "rows_in_account": sum(held.values()),
        "rows_loaded": sum(run["tables"][table]["rows"] for table in held),
        "rows_loaded_with_child_tables": sum(t["rows"] for t in run["tables"].values()),
        "requests_minimum": minimum,
        **made,
        "rate_per_minute": rate,
        "real_rate_per_minute": PLOOMES_RATE,
        "speedup": size.ploomes_speedup,
        "bound_seconds": bound,
        "wall_seconds": run["seconds"],
        "bound_over_wall": bound / run["seconds"],
        "bound_over_reading": bound / made["reading_seconds"],
        # the run's own time before its first request and after its last response (start-up; the last load)
        "seconds_before_reading": made["first_request_at"] - run["started_at"],
        "seconds_after_reading": run["started_at"] + run["seconds"] - made["last_response_at"],
        "limiter_wait_seconds": run["client"].get("limiter_wait_seconds", 0.0),
    }


def first_load(size: Size) -> dict[str, Any]:
    """1. Ploomes first load of the whole account at 120 requests/minute, page latency 0.5-1 s (time scaled)."""
    figures = _paced_load(size, size.account, latency=0.5, jitter=0.5, tables=size.tables)
    return _judged(figures, "bound_over_wall >= 0.90", figures["bound_over_wall"] >= 0.90)


def large_table(size: Size) -> dict[str, Any]:
    """2. One large table (contacts) with 2 s page latency, 120 requests/minute (time scaled)."""
    figures = _paced_load(size, size.large_table, latency=2.0, jitter=0.0, tables=["contacts"])
    return _judged(figures, "bound_over_wall >= 0.90", figures["bound_over_wall"] >= 0.90)


def incremental(size: Size) -> dict[str, Any]:
    """3. Incremental runs after a first load: nothing changed, then 1% of every incremental table's rows changed."""
    with Simulator("ploomes", "--scale", str(size.account), "--rate-limit", "0") as sim, Workdirs() as workdirs:
        rows, source, workdir = sim.info["rows"], _ploomes_source(sim), workdirs.new("incremental")
        tables = _listed(size.tables)
        sync("ploomes", workdir, source, tables=tables)
        sim.clear_log()
        sync("ploomes", workdir, source, tables=tables)
        unchanged = _ploomes_requests(sim)
        incremental_endpoints = {e.path.lstrip("/") for e in _selected(tables) if e.incremental}
        to_change = {k: v for k, v in sim.info["change_ids"].items() if k in incremental_endpoints}
        for endpoint, ids in to_change.items():
            for record_id in ids:
                sim.touch(endpoint, record_id)
        sim.clear_log()
        sync("ploomes", workdir, source, tables=tables)
        changed = _ploomes_requests(sim)
    changed_rows = {endpoint: len(ids) for endpoint, ids in to_change.items()}
    figures = {}
    for label, made, changes in (("no_change", unchanged, {}), ("one_percent", changed, changed_rows)):
        needed = ploomes_minimum(rows, tables, changed=changes)
        figures[label] = {
            **made,
            "requests_minimum": sum(needed.values()),
            "of_which_replaced_tables": sum(
                n for e, n in needed.items() if e != FIELDS and e not in incremental_endpoints
            ),
            "metadata_requests": needed[FIELDS],
            "rows_changed": sum(changes.values()),
        }
    met = all(f["requests"] <= f["requests_minimum"] + f["probes"] for f in figures.values())
    return _judged(figures, "requests <= minimum + highest-Id probes (metadata)", met)


# Enough for every record of the full size's account (about 5 KB of JSON each, with its custom fields).
RENDER_CACHE_MB = 2_000


def _timed_run(
    sim: Simulator, workdirs: Workdirs, connector: str, destination: str, tables: list[str] | None
) -> dict[str, Any]:
    sim.clear_log()
    run = sync(connector, workdirs.new(connector), _ploomes_source(sim), destination, tables=tables)
    rows = sim.counters()["rows"] - sum(e["rows"] or 0 for e in sim.entries() if _is_probe(e))
    return {
        "rows": rows,
        "rows_in_account": sum(ploomes_rows(sim.info["rows"], tables).values()),
        "seconds": run["seconds"],
        "rows_per_second": rows / run["seconds"],
        "peak_memory_mb": run["peak_memory_mb"],
    }


def local_speed(size: Size) -> dict[str, Any]:
    """4. Rows per second end to end, unthrottled and without latency, against dlt's rest_api baseline.

    On two cores the simulator generating records takes as much CPU as the connector reading them, so each
    simulator keeps what it rendered (`--render-cache-mb`) and a first run into Postgres fills it: that run is
    reported too ("live"); the figures judged are the runs after it, where the API costs almost nothing. Those run
    `size.speed_runs` rounds, ours and the baseline's alternating in each, so that the machine's speed, which
    drifts by 15% or more over minutes here, is the same for both sides of each ratio; the median ratio is judged.
    """
    figures: dict[str, Any] = {}
    tables = _listed(size.tables)
    flags = ("--rate-limit", "0", "--render-cache-mb", str(RENDER_CACHE_MB))
    with (
        Simulator("ploomes", "--scale", str(size.account), *flags) as ours,
        Simulator("ploomes", "--scale", str(size.baseline), *flags) as theirs,
        Workdirs() as workdirs,
    ):
        sims = {"ploomes": ours, "rest_api": theirs}
        for connector, sim in sims.items():
            figures[f"{connector}_postgres_live"] = _timed_run(sim, workdirs, connector, "postgres", tables)
        runs: dict[str, list[dict[str, Any]]] = {}
        for _ in range(size.speed_runs):
            for destination in ("duckdb", "postgres"):
                for connector, sim in sims.items():
                    run = _timed_run(sim, workdirs, connector, destination, tables)
                    runs.setdefault(f"{connector}_{destination}", []).append(run)
    for key, done in runs.items():
        median = _median(done, key=lambda run: run["rows_per_second"])
        figures[key] = {**median, "runs_rows_per_second": [run["rows_per_second"] for run in done]}
    live_ours, live_theirs = figures["ploomes_postgres_live"], figures["rest_api_postgres_live"]
    figures["speedup_postgres_live"] = live_ours["rows_per_second"] / live_theirs["rows_per_second"]
    for destination in ("duckdb", "postgres"):
        pairs = zip(runs[f"ploomes_{destination}"], runs[f"rest_api_{destination}"], strict=True)
        ratios = [a["rows_per_second"] / b["rows_per_second"] for a, b in pairs]
        figures[f"speedup_{destination}"] = _median(ratios)
        figures[f"speedups_{destination}"] = ratios
    met = all(figures[f"speedup_{d}"] >= 5 for d in ("duckdb", "postgres"))
    return _judged(figures, "median of paired rows/s ratios >= 5 x rest_api on duckdb and postgres", met)


def _median(items: list[Any], key: Callable[[Any], Any] | None = None) -> Any:
    """The middle item (the upper one of an even count): a run, not an average of two."""
    return sorted(items, key=key)[len(items) // 2]


def memory(size: Size) -> dict[str, Any]:
    """5. Peak resident memory of a first load (its own process) at two sizes, ten times apart."""
    figures: dict[str, Any] = {}
    for label, scale in zip(("smaller", "larger"), size.memory, strict=True):
        with Simulator("ploomes", "--scale", str(scale), "--rate-limit", "0") as sim, Workdirs() as workdirs:
            run = sync("ploomes", workdirs.new("memory"), _ploomes_source(sim), tables=_listed(size.tables))
            figures[label] = {
                "rows": sim.counters()["rows"],
                "seconds": run["seconds"],
                "peak_memory_mb": run["peak_memory_mb"],
            }
    ratio = figures["larger"]["peak_memory_mb"] / figures["smaller"]["peak_memory_mb"]
    figures["larger_over_smaller"] = ratio
    met = ratio <= 1.2 and all(figures[k]["peak_memory_mb"] < 500 for k in ("smaller", "larger"))
    return _judged(figures, "larger/smaller <= 1.2 and both < 500 MB", met)


def hivestr_minimum(info: dict[str, Any]) -> dict[str, int]:
    """A first load's requests: every list page, the children of every parent that has any, one reminders call.

    Inventory details only for TV and radio items (others carry no schedules); notes and tasks paged per parent.
    Tokens are counted apart, from when the requests were made (tokens_needed).
    """
    rows = info["rows"]
    lists = sum(pages(rows[name], HIVESTR_PAGE) for name in ("inventory", "clients", "proposals", "deals"))
    notes = sum(pages(n, HIVESTR_PAGE) for n in info["notes_per_client"])
    notes += rows["clients"] - len(info["notes_per_client"])  # a client without notes still takes one request
    tasks = sum(pages(n, HIVESTR_PAGE) for n in info["tasks_per_deal"])
    tasks += rows["deals"] - len(info["tasks_per_deal"])
    return {
        "lists": lists,
        "inventory_details": info["broadcast_inventory"],
        "client_notes": notes,
        "proposal_details": rows["proposals"],
        "deal_tasks": tasks,
        "reminders": 1,
    }


def hivestr_parents(info: dict[str, Any]) -> int:
    """Parents whose children take a request: those the staleness bound re-reads (sources/hivestr/refresh.py)."""
    rows = info["rows"]
    return info["broadcast_inventory"] + rows["clients"] + rows["proposals"] + rows["deals"]


def tokens_needed(request_times: list[float], lifetime: float) -> int:
    """The fewest tokens that cover requests made at these times: a new one only when the last has expired."""
    tokens, expires = 0, -math.inf
    for moment in sorted(request_times):
        if moment >= expires:
            tokens, expires = tokens + 1, moment + lifetime
    return tokens


def _hivestr_requests(sim: Simulator, data_minimum: int, speedup: float) -> dict[str, Any]:
    """What a run made, by kind, each against its minimum.

    Tokens: as few as the requests' own times allow, each token used up to its expiry (an hour); the run's wall time
    would also count its start and its final load, when no request is made. Refused: one per budget reset the run
    waited for, which the bench's runs always start a fresh window for: the API says when the budget resets only in
    its 429, so one request must be refused to learn it.
    """
    entries = sim.entries()
    tokens = sum(e["path"].endswith("/auth/token") for e in entries)
    refused = sum(e["status"] == 429 for e in entries)
    tokens_minimum = tokens_needed([e["timestamp"] for e in entries], HIVESTR_TOKEN_LIFETIME / speedup)
    return {
        "requests": len(entries),
        "data_requests": len(entries) - refused - tokens,
        "data_minimum": data_minimum,
        "token_requests": tokens,
        "tokens_minimum": tokens_minimum,
        "refused_429": refused,
        # of the minimum, not of what the run made: extra requests must not raise the 429s they are allowed
        "refused_minimum": math.ceil((data_minimum + tokens_minimum) / HIVESTR_BUDGET) - 1,
    }


def hivestr_budget(size: Size) -> dict[str, Any]:
    """6. Hivestr first load and no-change run on the basic plan's 1,000 requests/hour (time scaled)."""
    flags = ["--scale", str(size.hivestr), "--requests-per-hour", str(HIVESTR_BUDGET)]
    with Simulator("hivestr", *flags, "--time-scale", str(size.hivestr_speedup)) as sim, Workdirs() as workdirs:
        source = {
            "api_key": sim.info["api_key"],
            "api_secret": sim.info["api_secret"],
            "base_url": sim.base_url,
            "requests_per_hour": HIVESTR_BUDGET,
            # wait out the budget's reset inside the run (an hour at most) rather than stop and resume next run
            "max_budget_wait_seconds": 3600,
        }
        workdir, scaled = workdirs.new("hivestr"), sim.info["scaled_time"]
        needed = hivestr_minimum(sim.info)
        first_started = time.monotonic()
        first = sync("hivestr", workdir, source, scaled_time=scaled)
        first_made = _hivestr_requests(sim, sum(needed.values()), size.hivestr_speedup)
        _sleep_until_the_next_hour(ScaledTime(**scaled))  # as an hourly schedule would run it
        sim.clear_log()
        between = (time.monotonic() - first_started) * size.hivestr_speedup  # scaled seconds, an upper bound
        again = sync("hivestr", workdir, source, scaled_time=scaled)
        # Nothing changed, so the only children read are the staleness bound's share of the unchanged parents:
        # counted apart, against the share the scaled time between the runs calls for (one more per parent table
        # for the rounding of each table's share).
        refreshed = sum(not e["path"].endswith(HIVESTR_LISTS + ("/auth/token",)) for e in sim.entries())
        lists_only = needed["lists"] + needed["reminders"]
        again_made = _hivestr_requests(sim, lists_only + refreshed, size.hivestr_speedup)
        share = math.ceil(hivestr_parents(sim.info) * between / HIVESTR_CHILDREN_MAX_AGE) + 4
    figures = {
        "first_load": {
            **first_made,
            "minimum_by_kind": needed,
            "wall_seconds": first["seconds"],
            "scaled_hours": first["seconds"] * size.hivestr_speedup / 3600,
            "stopped_for_budget": first["out_of_budget"],
        },
        "no_change": {
            **again_made,
            "wall_seconds": again["seconds"],
            "lists_minimum": lists_only,
            "children_refreshed": refreshed,
            "refresh_share_at_most": share,
        },
        "speedup": size.hivestr_speedup,
    }
    kinds = (
        ("data_requests", "data_minimum"),
        ("token_requests", "tokens_minimum"),
        ("refused_429", "refused_minimum"),
    )
    met = all(figures[run][made] == figures[run][least] for run in ("first_load", "no_change") for made, least in kinds)
    met = met and refreshed <= share
    target = "data requests, tokens and 429s each == its minimum; no change: lists + the staleness bound's share"
    return _judged(figures, target, met)


def analytics_refresh(size: Size) -> dict[str, Any]:
    """7. The dbt build after a load of the whole account (unthrottled), into each destination: the first build, then
    the build after an incremental run (Ploomes: 1% of every incremental table's rows changed, as in scenario 3, so
    deals get new versions; Hivestr: nothing changed), where incremental models would pay off."""
    figures: dict[str, Any] = {}
    for system in size.analytics_systems:
        with _unthrottled(system, size) as (sim, source), Workdirs() as workdirs:
            tables = _listed(size.analytics_tables) if system == "ploomes" else None
            change = partial(_change_one_percent, sim, tables) if system == "ploomes" else lambda: 0
            for destination in size.analytics_destinations:
                workdir = workdirs.new(f"analytics_{system}")
                figures[f"{system}_{destination}"] = _timed_builds(
                    system, workdir, source, destination, tables, change, size.analytics_rebuild
                )
    builds = [f[name] for f in figures.values() for name in ("first_build", "rebuild") if name in f]
    met = all(not build["failures"] and build["counts"].get("models") for build in builds)
    return _judged(figures, "every model and test built (timings reported, no target)", met)


@contextmanager
def _unthrottled(system: str, size: Size) -> Iterator[tuple[Simulator, dict[str, Any]]]:
    """The system's simulator at the size's account, without rate limit or budget, and the source settings for it."""
    if system == "ploomes":
        with Simulator("ploomes", "--scale", str(size.account), "--rate-limit", "0") as sim:
            yield sim, _ploomes_source(sim)
        return
    with Simulator("hivestr", "--scale", str(size.hivestr), "--requests-per-hour", "0") as sim:
        info = sim.info
        yield (
            sim,
            {
                "api_key": info["api_key"],
                "api_secret": info["api_secret"],
                "base_url": sim.base_url,
                "requests_per_hour": UNLIMITED,
            },
        )


def _timed_builds(
    system: str,
    workdir: Path,
    source: dict[str, Any],
    destination: str,
    tables: list[str] | None,
    change: Callable[[], int],
    rebuild: bool,
) -> dict[str, Any]:
    """A first load and its build; then, with `rebuild`, `change()` at the source, an incremental run and its
    build."""
    first = sync(system, workdir, source, destination, tables=tables, analytics=True)
    figures = {
        "rows_loaded": sum(t["rows"] for t in first["tables"].values()),
        "load_seconds": first["seconds"],
        "first_build": first["analytics"],
    }
    if rebuild:
        figures["rows_changed"] = change()
        again = sync(system, workdir, source, destination, tables=tables, analytics=True)
        figures.update(incremental_load_seconds=again["seconds"], rebuild=again["analytics"])
    return figures


def fleet(size: Size) -> dict[str, Any]:
    """8. Ten Ploomes accounts loaded at once (--all-accounts), each its own simulator at the real rate limit (time
    scaled as scenario 1's), against the slowest of them loaded alone; peak memory of the fleet's processes (one a
    core, pipelines/fleet_processes.py; into DuckDB taking turns on the file). Each destination is timed, and judged,
    on its own."""
    rate = round(PLOOMES_RATE * size.ploomes_speedup)
    flags = ["--scale", str(size.fleet_account), "--rate-limit", str(rate)]
    flags += ["--latency", str(0.5 / size.ploomes_speedup), "--latency-jitter", str(0.5 / size.ploomes_speedup)]
    tables = _listed(size.tables)
    by_destination = {}
    with ExitStack() as stack:
        sims = {
            f"account{n:02d}": stack.enter_context(Simulator("ploomes", *flags, "--seed", str(100 + n)))
            for n in range(size.fleet_accounts)
        }
        workdirs = stack.enter_context(Workdirs())
        accounts = {name: _ploomes_source(sim, rate) for name, sim in sims.items()}
        workdirs.datasets(*(f"ploomes_{name}" for name in accounts))  # the accounts' own, fresh in Postgres
        for destination in size.fleet_destinations:
            for sim in sims.values():
                sim.reset_rate_limit()  # each fleet starts with every account's whole minute of requests
            together = sync(
                "ploomes_fleet", workdirs.new("fleet"), {"accounts": accounts}, destination=destination, tables=tables
            )
            slowest = max(together["accounts"], key=lambda name: together["accounts"][name]["seconds"])
            sims[slowest].clear_log()
            sims[slowest].reset_rate_limit()
            alone = sync("ploomes", workdirs.new("alone"), accounts[slowest], destination=destination, tables=tables)
            bound = sum(ploomes_minimum(sims[slowest].info["rows"], size.tables).values()) / (rate / 60)
            by_destination[destination] = {
                "processes": together["processes"],
                "fleet_wall_seconds": together["seconds"],
                "fleet_peak_memory_mb": together["peak_memory_mb"],
                "fleet_rows": sum(account["rows"] for account in together["accounts"].values()),
                "by_account": together["accounts"],
                "slowest_account": slowest,
                "slowest_alone_seconds": alone["seconds"],
                "slowest_alone_bound_seconds": bound,
                "slowest_alone_peak_memory_mb": alone["peak_memory_mb"],
                "fleet_over_slowest_alone": together["seconds"] / alone["seconds"],
            }
            workdirs.datasets(*(f"ploomes_{name}" for name in accounts))  # the next destination starts afresh too
    figures = {
        "accounts": size.fleet_accounts,
        "contacts_per_account": size.fleet_account,
        "rate_per_minute": rate,
        "speedup": size.ploomes_speedup,
        "by_destination": by_destination,
    }
    met = all(d["fleet_over_slowest_alone"] <= 1.15 and d["fleet_peak_memory_mb"] < 1024 for d in by_destination.values())
    return _judged(figures, "fleet wall <= 1.15 x slowest account alone, peak < 1 GB", met)


def erp_lookups(size: Size) -> dict[str, Any]:
    """9. The ERP after a Ploomes load of contacts: a first load (its lists, a lookup per contact's CPF/CNPJ, the
    invoices of each client found) and a quiet run, at the ERP's request rate; the ERP knows every other CPF/CNPJ."""
    rate = size.erp_rate
    with ExitStack() as stack:
        crm = stack.enter_context(Simulator("ploomes", "--scale", str(size.erp_contacts), "--rate-limit", "0"))
        workdir = stack.enter_context(Workdirs()).new("erp")
        sync("ploomes", workdir, _ploomes_source(crm), tables=["contacts"], dataset="crm")
        registers = _registers(workdir / "warehouse.duckdb", "crm")
        known = workdir / "erp_registers.txt"
        known.write_text("\n".join(registers[::2]) + "\n")
        flags = ["--registers-file", str(known), "--extra-clients", "5", "--requests-per-window", str(rate)]
        erp = stack.enter_context(Simulator("erp", *flags, "--latency", str(size.erp_latency)))
        source = {
            "token": erp.info["token"],
            "base_url": erp.base_url,
            "requests_per_minute": rate,
            "crm_dataset": "crm",
        }
        first = sync("erp", workdir, source, dataset="erp")
        made = erp.counters()["total"]
        erp.clear_log()
        quiet = sync("erp", workdir, source, dataset="erp")
        quiet_made = erp.counters()["total"]
    lists = len(ERP_LISTS)
    minimum = lists + len(registers) + len(registers[::2])  # the lists, a lookup each, the invoices of each found
    bound = minimum / (rate / 60)
    figures = {
        "crm_contacts": size.erp_contacts,
        "registers_looked_up": len(registers),
        "clients_found": len(registers[::2]),
        "rate_per_minute": rate,
        "requests": made,
        "requests_minimum": minimum,
        "rows_loaded": sum(table["rows"] for table in first["tables"].values()),
        "bound_seconds": bound,
        "wall_seconds": first["seconds"],
        "bound_over_wall": bound / first["seconds"],
        "quiet_requests": quiet_made,
        "quiet_requests_minimum": lists,
        "quiet_seconds": quiet["seconds"],
    }
    met = made == minimum and quiet_made == lists and figures["bound_over_wall"] >= 0.9
    return _judged(figures, "requests = minimum, a quiet run only the lists, bound/wall >= 0.90", met)


def _registers(warehouse: Path, dataset: str) -> list[str]:
    """The distinct CPF/CNPJs of the loaded contacts, digits only (the Ploomes simulator's are all valid)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.sql(f"select distinct register from {dataset}.contacts where register is not null").fetchall()
    return sorted({"".join(ch for ch in register if ch.isdigit()) for (register,) in rows})


def _change_one_percent(sim: Simulator, tables: list[str] | None) -> int:
    """Touch 1% of the rows of every incremental table loaded (every 100th Id); returns how many."""
    endpoints = {e.path.lstrip("/") for e in _selected(tables) if e.incremental}
    changed = 0
    for endpoint, ids in sim.info["change_ids"].items():
        if endpoint in endpoints:
            for record_id in ids:
                sim.touch(endpoint, record_id)
            changed += len(ids)
    return changed


def _listed(tables: tuple[str, ...] | list[str] | None) -> list[str] | None:
    return list(tables) if tables else None


def _sleep_until_the_next_hour(scaled: ScaledTime) -> None:
    time.sleep((3600 - scaled.epoch() % 3600) / scaled.factor)


def _judged(figures: dict[str, Any], target: str, met: bool) -> dict[str, Any]:
    return {**figures, "target": target, "met": met}


SCENARIOS: dict[str, Callable[[Size], dict[str, Any]]] = {
    "first_load": first_load,
    "large_table": large_table,
    "incremental": incremental,
    "local_speed": local_speed,
    "memory": memory,
    "hivestr_budget": hivestr_budget,
    "analytics_refresh": analytics_refresh,
    "fleet": fleet,
    "erp_lookups": erp_lookups,
}
