"""Settings every simulator shares, as a dataclass to extend and as CLI flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from simulators.core.faults import FaultInjector, FaultKind
from simulators.core.latency import LatencyModel, LatencySettings
from simulators.core.requestlog import RequestLog


@dataclass(frozen=True)
class SimulatorConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0 picks a free port
    latency: float = 0.0  # seconds per request
    per_row_latency: float = 0.0  # seconds per row returned
    latency_jitter: float = 0.0  # up to this many extra seconds per request
    latency_seed: int = 0
    fault_seed: int = 0
    faults: tuple[str, ...] = ()  # active from the start, as FAULT specs (see parse_fault_spec)
    shapes: tuple[str, ...] = ()  # shape variations on from the start (simulators/core/shapes.py)
    max_log_entries: int = 100_000

    def latency_model(self) -> LatencyModel:
        return LatencyModel(LatencySettings(self.latency, self.per_row_latency, self.latency_jitter, self.latency_seed))

    def fault_injector(self) -> FaultInjector:
        injector = FaultInjector(self.fault_seed)
        for spec in self.faults:
            injector.add_from_json(parse_fault_spec(spec))
        return injector

    def request_log(self) -> RequestLog:
        return RequestLog(self.max_log_entries)


def parse_fault_spec(spec: str) -> dict[str, Any]:
    """`KIND` (next request), `KIND:N` (next N requests) or `KIND:P` with a decimal point (each request with
    probability P, seeded, until cleared); an optional `@/Path*` glob limits it to some paths."""
    spec, _, path = spec.partition("@")
    kind, _, amount = spec.partition(":")
    FaultKind(kind)  # fail early on a typo
    rule: dict[str, Any] = {"kind": kind}
    if "." in amount:
        rule.update(count=None, probability=float(amount))
    elif amount:
        rule["count"] = int(amount)
    if path:
        rule["path"] = path
    return rule


def add_common_arguments(parser: argparse.ArgumentParser, default_port: int) -> None:
    kinds = ", ".join(kind.value for kind in FaultKind)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    parser.add_argument("--per-row-latency", type=float, default=0.0, help="seconds added per row returned")
    parser.add_argument("--latency-jitter", type=float, default=0.0, help="up to this many extra seconds")
    parser.add_argument("--latency-seed", type=int, default=0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:N|:P][@PATH]",
        help=f"inject a fault from the start ({kinds}); e.g. server_error:3 or drop:0.05@/Contacts*",
    )
    parser.add_argument(
        "--shape",
        action="append",
        default=[],
        metavar="NAME",
        help="answer in a shape variation of the real API (repeatable; GET /_sim/shapes lists them)",
    )
    parser.add_argument("--log-level", default="info")


def common_options(args: argparse.Namespace) -> dict[str, Any]:
    """The SimulatorConfig fields from parsed CLI flags."""
    for spec in args.fault:
        parse_fault_spec(spec)
    return {
        "host": args.host,
        "port": args.port,
        "latency": args.latency,
        "per_row_latency": args.per_row_latency,
        "latency_jitter": args.latency_jitter,
        "latency_seed": args.latency_seed,
        "fault_seed": args.fault_seed,
        "faults": tuple(args.fault),
        "shapes": tuple(args.shape),
    }
