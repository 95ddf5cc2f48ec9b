"""`python -m simulators.ploomes --port 8011 --scale 5000`: serve a simulated Ploomes account in the foreground."""

from __future__ import annotations

import argparse
import time

from simulators.core.config import add_common_arguments, common_options
from simulators.core.server import serve_foreground
from simulators.ploomes.config import DEFAULT_API_KEY, DEFAULT_PORT, PloomesConfig
from simulators.ploomes.simulator import PloomesSimulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulators.ploomes", description=__doc__)
    add_common_arguments(parser, default_port=DEFAULT_PORT)
    parser.add_argument("--scale", type=int, default=5000, help="number of contacts (others are proportional)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--api-key", action="append", default=[], help=f"a valid User-Key (repeatable; default {DEFAULT_API_KEY})"
    )
    parser.add_argument("--rate-limit", type=int, default=120, help="requests per minute per User-Key; 0 = off")
    parser.add_argument("--rate-window", type=float, default=60.0, help="seconds of the sliding window")
    parser.add_argument("--max-top", type=int, default=300, help="$top cap and default page size")
    parser.add_argument("--context-host", default="public6-api2.ploomes.com", help="host in @odata.context")
    parser.add_argument("--forbidden", action="append", default=[], help="endpoint answered 403, e.g. Deals")
    parser.add_argument("--absent", action="append", default=[], help="endpoint answered 404, e.g. Leads")
    parser.add_argument(
        "--render-cache-mb", type=int, default=0, help="keep this much rendered JSON, to answer repeated reads fast"
    )
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> PloomesConfig:
    return PloomesConfig(
        **common_options(args),
        scale=args.scale,
        seed=args.seed,
        api_keys=tuple(args.api_key) or (DEFAULT_API_KEY,),
        rate_limit_per_minute=args.rate_limit or None,
        rate_limit_window=args.rate_window,
        max_top=args.max_top,
        context_host=args.context_host,
        forbidden_endpoints=tuple(e.lstrip("/") for e in args.forbidden),
        absent_endpoints=tuple(e.lstrip("/") for e in args.absent),
        render_cache_mb=args.render_cache_mb,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    sim = PloomesSimulator(config_from_args(args))
    elapsed = time.monotonic() - started

    def announce(base_url: str) -> None:
        contacts = len(sim.dataset.tables["Contacts"])
        print(f"Ploomes simulator: {contacts} contacts, seed {args.seed}, ready in {elapsed:.1f}s")
        print(f"Base URL: {base_url}")
        print(f"User-Key: {sim.api_key}")
        print(f"Try: curl -H 'User-Key: {sim.api_key}' '{base_url}/Contacts?$top=2&$expand=OtherProperties'")
        print(f"Admin: {base_url}/_sim/requests, /_sim/faults, /_sim/reset, /_sim/records/{{entity}}", flush=True)

    serve_foreground(sim.app, host=args.host, port=args.port, log_level=args.log_level, on_started=announce)


if __name__ == "__main__":
    main()
