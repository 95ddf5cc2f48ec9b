"""`python -m simulators.erp --port 8013 --register 123.456.789-09`: serve a simulated ERP in the foreground."""

from __future__ import annotations

import argparse

from simulators.core.config import add_common_arguments, common_options
from simulators.core.server import serve_foreground
from simulators.erp.config import API_PREFIX, DEFAULT_PORT, DEFAULT_TOKEN, ErpConfig
from simulators.erp.simulator import ErpSimulator
from simulators.erp.switches import CHOICES


def _on_off(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError("expected true or false")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulators.erp", description=__doc__)
    add_common_arguments(parser, default_port=DEFAULT_PORT)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--register",
        action="append",
        default=[],
        metavar="CPF_OR_CNPJ",
        help="a CPF/CNPJ the ERP has as a client (repeatable; formatted or digits only)",
    )
    parser.add_argument("--registers-file", type=argparse.FileType(encoding="utf-8"), help="more CPF/CNPJs, one a line")
    parser.add_argument("--extra-clients", type=int, default=20, help="generated clients besides the registers")
    for name, default in (("products", 12), ("resellers", 6), ("departments", 8), ("due-dates", 6)):
        parser.add_argument(f"--{name}", type=int, default=default, help=f"number of {name.replace('-', ' ')}")
    parser.add_argument("--origins", type=int, default=8, help="number of commercial origins")
    parser.add_argument("--cities", type=int, default=20, help="number of cities")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--token-header", default="Authorization")
    parser.add_argument("--token-scheme", default="Bearer", help='"" expects the bare token')
    parser.add_argument("--requests-per-window", type=int, default=600, help="budget per token; 0 = unlimited")
    parser.add_argument("--rate-window", type=float, default=60.0, help="seconds of the budget's sliding window")
    wire = parser.add_argument_group("wire shape (the contract's samples leave these open)")
    for name, choices in CHOICES.items():
        wire.add_argument(f"--{name.replace('_', '-')}", choices=choices, default=choices[0])
    wire.add_argument("--list-wrapper-key", default="dados", help="the wrapping object's key (--list-shape wrapped)")
    wire.add_argument("--values-as-strings", type=_on_off, default=True, metavar="true|false")
    wire.add_argument("--null-as-blank", type=_on_off, default=True, metavar="true|false")
    wire.add_argument("--extra-fields", type=_on_off, default=False, metavar="true|false")
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> ErpConfig:
    registers = list(args.register)
    if args.registers_file is not None:
        registers += [line.strip() for line in args.registers_file if line.strip()]
    return ErpConfig(
        **common_options(args),
        seed=args.seed,
        registers=tuple(registers),
        extra_clients=args.extra_clients,
        products=args.products,
        resellers=args.resellers,
        departments=args.departments,
        due_dates=args.due_dates,
        origins=args.origins,
        cities=args.cities,
        token=args.token,
        token_header=args.token_header,
        token_scheme=args.token_scheme,
        requests_per_window=args.requests_per_window or None,
        rate_window_seconds=args.rate_window,
        list_wrapper_key=args.list_wrapper_key,
        values_as_strings=args.values_as_strings,
        null_as_blank=args.null_as_blank,
        extra_fields=args.extra_fields,
        **{name: getattr(args, name) for name in CHOICES},
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sim = ErpSimulator(config_from_args(args))

    def announce(server_url: str) -> None:
        base_url = server_url + API_PREFIX
        counts = sim.counts()
        header, value = next(iter(sim.auth_headers.items()))
        example = next(iter(sim.clients_by_register()), "00000000000")
        print(f"ERP simulator: seed {args.seed}, " + ", ".join(f"{name} {n}" for name, n in counts.items()))
        print(f"Base URL: {base_url}")
        print(f"Try: curl -H '{header}: {value}' '{base_url}/clientes/{example}'")
        print(f"Admin: {server_url}/_sim/info, /_sim/switches, /_sim/truth/{{table}}, /_sim/requests, /_sim/faults")
        print(flush=True)

    serve_foreground(sim.app, host=args.host, port=args.port, log_level=args.log_level, on_started=announce)


if __name__ == "__main__":
    main()
