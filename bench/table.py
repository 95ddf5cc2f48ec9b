"""The one table `python -m bench` prints (and bench/README.md records): the figures each target is judged on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Lines = Iterator[tuple[str, str]]


def _paced(s: dict[str, Any]) -> Lines:
    yield "rows loaded", f"{s['rows_loaded']:,}"
    yield "requests made / minimum", f"{s['requests']:,} / {s['requests_minimum']:,} ({s['probes']} highest-Id probes)"
    yield "bound / wall time", f"{s['bound_seconds']:.1f} s / {s['wall_seconds']:.1f} s = {s['bound_over_wall']:.2f}"
    yield (
        "bound / reading (1st to last request)",
        f"{s['bound_seconds']:.1f} s / {s['reading_seconds']:.1f} s = {s['bound_over_reading']:.2f}",
    )
    yield (
        "run's time before / after reading",
        f"{s['seconds_before_reading']:.1f} s / {s['seconds_after_reading']:.1f} s",
    )


def _incremental(s: dict[str, Any]) -> Lines:
    for label in ("no_change", "one_percent"):
        run = s[label]
        yield (
            f"{label.replace('_', ' ')}: requests / minimum",
            f"{run['requests']} / {run['requests_minimum']} (of which {run['metadata_requests']} /Fields; "
            f"{run['probes']} probes; {run['rows_changed']:,} rows changed, {run['rows_returned']:,} read)",
        )


def _local(s: dict[str, Any]) -> Lines:
    for destination in ("duckdb", "postgres", "postgres_live"):
        ours, theirs = s[f"ploomes_{destination}"], s[f"rest_api_{destination}"]
        if destination == "postgres_live":
            label, ratio = "postgres, simulator rendering live", f"{s['speedup_postgres_live']:.1f}x"
        else:
            runs = s[f"speedups_{destination}"]
            label = f"{destination}, median of {len(runs)} round{'s' if len(runs) > 1 else ''}"
            ratio = f"{s[f'speedup_{destination}']:.1f}x (rounds: {', '.join(f'{r:.1f}' for r in runs)})"
        yield (
            f"{label}: rows/s ours vs rest_api",
            f"{ours['rows_per_second']:,.0f} ({ours['rows']:,} rows) vs {theirs['rows_per_second']:,.0f} "
            f"({theirs['rows']:,} rows) = {ratio}",
        )


def _memory(s: dict[str, Any]) -> Lines:
    for label in ("smaller", "larger"):
        yield f"peak memory, {s[label]['rows']:,} rows", f"{s[label]['peak_memory_mb']:.0f} MB ({s[label]['seconds']:.1f} s)"
    yield "larger / smaller", f"{s['larger_over_smaller']:.2f}"


def _hivestr(s: dict[str, Any]) -> Lines:
    for label in ("first_load", "no_change"):
        run = s[label]
        yield (
            f"{label.replace('_', ' ')}: made / minimum",
            f"data {run['data_requests']:,} / {run['data_minimum']:,}, tokens {run['token_requests']} / "
            f"{run['tokens_minimum']}, refused {run['refused_429']} / {run['refused_minimum']}",
        )
    run = s["no_change"]
    yield (
        "no change: of which children re-read",
        f"{run['children_refreshed']} (the staleness bound's share: at most {run['refresh_share_at_most']}), "
        f"lists {run['data_requests'] - run['children_refreshed']} / {run['lists_minimum']}",
    )


def _analytics(s: dict[str, Any]) -> Lines:
    for key, run in s.items():
        if not isinstance(run, dict):
            continue  # target, met, scenario_seconds
        first = run["first_build"]
        built = f"{first['counts'].get('models', 0)} models, {first['counts'].get('tests', 0)} tests"
        loaded = f"{run['rows_loaded']:,} rows loaded in {run['load_seconds']:.1f} s"
        if "rebuild" not in run:
            yield f"{key.replace('_', ' into ', 1)}: dbt build", f"{first['seconds']:.1f} s ({built}; {loaded})"
            continue
        yield (
            f"{key.replace('_', ' into ', 1)}: dbt build, first / after an incremental run",
            f"{first['seconds']:.1f} s / {run['rebuild']['seconds']:.1f} s ({built}; {loaded}, "
            f"then {run['rows_changed']:,} changed)",
        )


def _fleet(s: dict[str, Any]) -> Lines:
    for destination, d in s["by_destination"].items():
        spread = f"{d['processes']} processes" if d["processes"] > 1 else "one process"
        yield (
            f"{s['accounts']} accounts x {s['contacts_per_account']:,} contacts into {destination} ({spread}): "
            "wall / slowest alone",
            f"{d['fleet_wall_seconds']:.1f} s / {d['slowest_alone_seconds']:.1f} s = "
            f"{d['fleet_over_slowest_alone']:.2f}x ({d['fleet_rows']:,} rows; the slowest alone's bound "
            f"{d['slowest_alone_bound_seconds']:.1f} s)",
        )
        yield (
            f"peak memory into {destination}: fleet (all its processes) / one account alone",
            f"{d['fleet_peak_memory_mb']:.0f} MB / {d['slowest_alone_peak_memory_mb']:.0f} MB",
        )


def _erp(s: dict[str, Any]) -> Lines:
    yield (
        f"first load, {s['registers_looked_up']:,} CPF/CNPJs looked up: requests / minimum",
        f"{s['requests']:,} / {s['requests_minimum']:,} ({s['clients_found']:,} clients, {s['rows_loaded']:,} rows)",
    )
    yield (
        f"bound / wall at {s['rate_per_minute']} requests/minute",
        f"{s['bound_seconds']:.1f} s / {s['wall_seconds']:.1f} s = {s['bound_over_wall']:.2f}",
    )
    yield "quiet run: requests / minimum", f"{s['quiet_requests']} / {s['quiet_requests_minimum']}"


FORMATTERS: dict[str, Callable[[dict[str, Any]], Lines]] = {
    "first_load": _paced,
    "large_table": _paced,
    "incremental": _incremental,
    "local_speed": _local,
    "memory": _memory,
    "hivestr_budget": _hivestr,
    "analytics_refresh": _analytics,
    "fleet": _fleet,
    "erp_lookups": _erp,
}


def render(results: dict[str, Any]) -> str:
    rows = [("scenario", "figure", "value", "target", "met")]
    for name, figures in results["scenarios"].items():
        for i, (label, value) in enumerate(FORMATTERS[name](figures)):
            first = i == 0
            rows.append(
                (
                    name if first else "",
                    label,
                    value,
                    figures["target"] if first else "",
                    "" if not first else ("yes" if figures["met"] else "NO"),
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    before, after = results["machine_before"], results["machine_after"]
    lines.append(
        f"\n{results['size']} size, {results['total_seconds']:.0f} s; {before['nproc']} x {before['cpu']}, "
        f"load average {before['load_average'][0]:.1f} before, {after['load_average'][0]:.1f} after"
    )
    return "\n".join(lines)
