"""`python -m simulators.ploomes` flags become a PloomesConfig."""

from __future__ import annotations

from simulators.ploomes.__main__ import config_from_args, parse_args
from simulators.ploomes.simulator import PloomesSimulator


def test_defaults_serve_the_demo_key_on_port_8011_at_120_requests_per_minute():
    config = config_from_args(parse_args([]))
    assert (config.port, config.scale, config.seed) == (8011, 5000, 7)
    assert config.api_keys == ("demo-user-key",) and config.rate_limit_per_minute == 120
    assert (config.latency, config.per_row_latency, config.faults) == (0.0, 0.0, ())


def test_every_flag_reaches_the_config():
    flags = (
        "--port 0 --scale 50 --seed 3 --api-key a --api-key b --rate-limit 0 --latency 0.5 --per-row-latency 0.001 "
        "--latency-jitter 0.1 --fault server_error:2 --fault drop:0.05@/Deals* --max-top 100 "
        "--context-host public5-api2.ploomes.com --forbidden /Deals --absent Leads"
    )
    args = parse_args(flags.split(" "))
    config = config_from_args(args)
    assert (config.port, config.scale, config.seed, config.api_keys) == (0, 50, 3, ("a", "b"))
    assert config.rate_limit_per_minute is None and config.max_top == 100
    assert (config.latency, config.per_row_latency, config.latency_jitter) == (0.5, 0.001, 0.1)
    assert config.forbidden_endpoints == ("Deals",) and config.absent_endpoints == ("Leads",)
    assert config.context_host == "public5-api2.ploomes.com"
    sim = PloomesSimulator(config)
    rules = sim.faults.rules()
    assert [(r.kind.value, r.count, r.probability, r.path) for r in rules] == [
        ("server_error", 2, 1.0, None),
        ("drop", None, 0.05, "/Deals*"),
    ]
    assert len(list(sim.records("Contacts"))) == 50
