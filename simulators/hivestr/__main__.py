"""`python -m simulators.hivestr --port 8012 --scale 5000`: serve a simulated Hivestr account in the foreground."""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone

from simulators.core.config import add_common_arguments, common_options
from simulators.core.server import serve_foreground
from simulators.hivestr.config import (
    API_PREFIX,
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    DEFAULT_PORT,
    LISTS,
    PLANS,
    HivestrConfig,
)
from simulators.hivestr.simulator import HivestrSimulator


def _credential(text: str) -> tuple[str, str]:
    key, sep, secret = text.partition(":")
    if not sep or not key or not secret:
        raise argparse.ArgumentTypeError("expected API_KEY:API_SECRET")
    return key, secret


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulators.hivestr", description=__doc__)
    add_common_arguments(parser, default_port=DEFAULT_PORT)
    parser.add_argument("--scale", type=int, default=5000, help="number of clients (others are proportional)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--credential",
        type=_credential,
        action="append",
        default=[],
        metavar="API_KEY:API_SECRET",
        help=f"valid credentials (repeatable; default {DEFAULT_API_KEY}:{DEFAULT_API_SECRET})",
    )
    parser.add_argument(
        "--plan", choices=sorted(PLANS), default="basic", help="the hourly budget of a plan (default basic: 1000)"
    )
    parser.add_argument("--requests-per-hour", type=int, help="budget per api_key, overriding --plan; 0 = unlimited")
    parser.add_argument("--rate-window", type=float, default=3600.0, help="seconds of the budget's fixed window")
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="access token lifetime in seconds")
    parser.add_argument(
        "--data-end", type=_instant, default=None, help="end of the generated history (default: today 00:00 UTC)"
    )
    variants = parser.add_argument_group("real-API variants (the docs leave these open; all off by default)")
    variants.add_argument(
        "--parent-updated-at-ignores-children",
        action="store_true",
        help="a note, schedule, proposal item or task changed leaves its owner's updated_at as it was",
    )
    variants.add_argument("--omit-pagination", action="store_true", help="list pages carry no `pagination` object")
    variants.add_argument("--limit-cap", type=int, help="lists serve at most this many rows a page (docs: 100)")
    variants.add_argument(
        "--hide-lost-deals", action="store_true", help="the deals list leaves out Perdido cards unless asked for"
    )
    variants.add_argument(
        "--list-ignoring-page",
        action="append",
        default=[],
        choices=LISTS,
        help="this list ignores `page` and always answers the first page (repeatable)",
    )
    variants.add_argument(
        "--lists-recently-changed-first",
        action="store_true",
        help="lists show the most recently changed rows first, so every change reorders them",
    )
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> HivestrConfig:
    return HivestrConfig(
        **common_options(args),
        scale=args.scale,
        seed=args.seed,
        credentials=tuple(args.credential) or ((DEFAULT_API_KEY, DEFAULT_API_SECRET),),
        requests_per_hour=PLANS[args.plan] if args.requests_per_hour is None else args.requests_per_hour or None,
        rate_window_seconds=args.rate_window,
        token_ttl_seconds=args.token_ttl,
        data_end=args.data_end,
        parent_updated_at_ignores_children=args.parent_updated_at_ignores_children,
        omit_pagination=args.omit_pagination,
        limit_cap=args.limit_cap,
        hide_lost_deals=args.hide_lost_deals,
        lists_ignoring_page=tuple(args.list_ignoring_page),
        lists_recently_changed_first=args.lists_recently_changed_first,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    sim = HivestrSimulator(config_from_args(args))
    elapsed = time.monotonic() - started

    def announce(server_url: str) -> None:
        base_url = server_url + API_PREFIX
        counts = sim.counts()
        print(f"Hivestr simulator: {counts['clients']} clients, seed {args.seed}, ready in {elapsed:.2f}s")
        print(", ".join(f"{name} {count}" for name, count in counts.items()))
        print(f"Base URL: {base_url}")
        print(f"api_key: {sim.api_key}  api_secret: {sim.api_secret}")
        print(
            f"Try: TOKEN=$(curl -s -X POST {base_url}/auth/token -H 'Content-Type: application/json' "
            f"""-d '{{"api_key":"{sim.api_key}","api_secret":"{sim.api_secret}"}}' | """
            "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
        )
        print(f"     curl -H \"Authorization: Bearer $TOKEN\" '{base_url}/public/clients?status=all&limit=2'")
        print(f"Admin: {server_url}/_sim/info, /_sim/requests, /_sim/faults, /_sim/reset, /_sim/records/{{entity}}")
        print(flush=True)

    serve_foreground(sim.app, host=args.host, port=args.port, log_level=args.log_level, on_started=announce)


if __name__ == "__main__":
    main()
