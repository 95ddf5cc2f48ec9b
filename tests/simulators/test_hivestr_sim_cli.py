"""`python -m simulators.hivestr` flags become a HivestrConfig."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulators.hivestr import DEFAULT_API_KEY, DEFAULT_API_SECRET, HivestrSimulator
from simulators.hivestr.__main__ import config_from_args, parse_args


def test_defaults_serve_the_demo_credentials_on_port_8012_with_the_basic_plan():
    config = config_from_args(parse_args([]))
    assert (config.port, config.scale, config.seed) == (8012, 5000, 7)
    assert config.credentials == ((DEFAULT_API_KEY, DEFAULT_API_SECRET),)
    assert (config.requests_per_hour, config.rate_window_seconds, config.token_ttl_seconds) == (1000, 3600.0, 3600.0)
    assert config.data_end is None and config.faults == ()
    assert not config.parent_updated_at_ignores_children and not config.omit_pagination
    assert config.limit_cap is None and not config.hide_lost_deals and config.lists_ignoring_page == ()
    assert not config.lists_recently_changed_first


def test_every_flag_reaches_the_config():
    flags = (
        "--port 0 --scale 60 --seed 3 --credential k1:s1 --credential k2:s2 --requests-per-hour 0 "
        "--rate-window 60 --token-ttl 5 --data-end 2025-01-01T00:00:00Z --latency 0.2 --fault server_error:2 "
        "--fault drop:0.5@/api/v1/public/clients* --parent-updated-at-ignores-children --omit-pagination "
        "--limit-cap 40 --hide-lost-deals --list-ignoring-page clients --list-ignoring-page tasks "
        "--lists-recently-changed-first"
    )
    config = config_from_args(parse_args(flags.split(" ")))
    assert (config.port, config.scale, config.seed) == (0, 60, 3)
    assert config.credentials == (("k1", "s1"), ("k2", "s2"))
    assert (config.requests_per_hour, config.rate_window_seconds, config.token_ttl_seconds) == (None, 60.0, 5.0)
    assert config.data_end == datetime(2025, 1, 1, tzinfo=timezone.utc) and config.latency == 0.2
    assert config.parent_updated_at_ignores_children and config.omit_pagination and config.hide_lost_deals
    assert config.limit_cap == 40 and config.lists_ignoring_page == ("clients", "tasks")
    assert config.lists_recently_changed_first
    sim = HivestrSimulator(config)
    assert [(r.kind.value, r.count, r.probability, r.path) for r in sim.faults.rules()] == [
        ("server_error", 2, 1.0, None),
        ("drop", None, 0.5, "/api/v1/public/clients*"),
    ]
    assert sim.counts()["clients"] == 60 and sim.api_key == "k1"


def test_plans_set_the_hourly_budget_unless_it_is_given():
    assert config_from_args(parse_args(["--plan", "professional"])).requests_per_hour == 5000
    assert config_from_args(parse_args(["--plan", "enterprise"])).requests_per_hour is None
    assert config_from_args(parse_args(["--plan", "enterprise", "--requests-per-hour", "10"])).requests_per_hour == 10


def test_a_credential_needs_key_and_secret():
    with pytest.raises(SystemExit):
        parse_args(["--credential", "only-a-key"])
