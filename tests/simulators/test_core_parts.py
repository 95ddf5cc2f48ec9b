"""simulators.core: fault rules, request log, latency model, config parsing."""

from __future__ import annotations

import threading

import pytest

from simulators.core.config import SimulatorConfig, parse_fault_spec
from simulators.core.faults import FaultInjector, FaultKind
from simulators.core.latency import LatencyModel, LatencySettings
from simulators.core.requestlog import RequestEntry, RequestLog


def test_next_n_rule_fires_exactly_n_times_then_disappears():
    faults = FaultInjector()
    faults.inject("server_error", 2, status=502)
    picked = [faults.pick("/Contacts") for _ in range(3)]
    assert [p.kind if p else None for p in picked] == [FaultKind.SERVER_ERROR, FaultKind.SERVER_ERROR, None]
    assert picked[0].status == 502
    assert faults.rules() == []


def test_rules_can_target_paths_and_apply_in_order():
    faults = FaultInjector()
    faults.inject("forbidden", 1, path="/Deals*")
    faults.inject("rate_limited", 1, retry_after=7)
    assert faults.pick("/Contacts").kind is FaultKind.RATE_LIMITED
    assert faults.pick("/Contacts") is None
    rule = faults.pick("/Deals@Stages")
    assert rule.kind is FaultKind.FORBIDDEN and rule.status == 403


def test_probability_rules_are_seeded_and_reproducible():
    def pattern(seed: int) -> list[bool]:
        faults = FaultInjector(seed)
        faults.inject("drop", None, probability=0.3)
        return [faults.pick("/x") is not None for _ in range(200)]

    first, again, other = pattern(5), pattern(5), pattern(6)
    assert first == again
    assert first != other
    assert 40 <= sum(first) <= 80  # about 30% of 200


def test_fault_json_is_validated():
    faults = FaultInjector()
    with pytest.raises(ValueError):
        faults.add_from_json({"kind": "server_error", "colour": "red"})
    with pytest.raises(ValueError):
        faults.add_from_json({"kind": "meteor"})
    with pytest.raises(ValueError):
        faults.add_from_json({"kind": "drop", "probability": 2})
    rule = faults.add_from_json({"kind": "slow", "count": 3, "delay": 0.5})
    assert rule.to_json()["kind"] == "slow" and rule.count == 3 and rule.delay == 0.5


def test_fault_specs_from_the_command_line():
    assert parse_fault_spec("server_error") == {"kind": "server_error"}
    assert parse_fault_spec("forbidden:5") == {"kind": "forbidden", "count": 5}
    assert parse_fault_spec("drop:0.05@/Contacts*") == {
        "kind": "drop",
        "count": None,
        "probability": 0.05,
        "path": "/Contacts*",
    }
    with pytest.raises(ValueError):
        parse_fault_spec("typo:3")
    injector = SimulatorConfig(faults=("rate_limited:2",)).fault_injector()
    assert [rule.count for rule in injector.rules()] == [2]


def _entry(path: str, status: int, rows: int | None = None, fault: str | None = None) -> RequestEntry:
    return RequestEntry("GET", path, "$top=1", status, rows, fault, 0.0, 0.0, "k")


def test_request_log_counts_by_path_and_status_and_keeps_counting_past_its_entry_cap():
    log = RequestLog(max_entries=3)
    for entry in (
        _entry("/Contacts", 200, 300),
        _entry("/Contacts", 200, 12),
        _entry("/Contacts", 429),
        _entry("/Deals", 503, fault="server_error"),
        _entry("/Deals", 200, 5),
    ):
        log.append(entry)
    assert log.count() == 5
    assert log.count(path="/Contacts") == 3
    assert log.count(status=200) == 3
    assert log.count(path="/Contacts", status=429) == 1
    assert [e.path for e in log.entries()] == ["/Contacts", "/Deals", "/Deals"]  # the three most recent
    counters = log.counters()
    assert counters["total"] == 5 and counters["rows"] == 317
    assert counters["by_status"] == {"200": 3, "429": 1, "503": 1}
    assert counters["faults"] == {"server_error": 1}
    log.clear()
    assert log.count() == 0 and log.entries() == []


def test_request_log_is_thread_safe():
    log = RequestLog()

    def hammer() -> None:
        for _ in range(2000):
            log.append(_entry("/Contacts", 200, 1))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log.count(path="/Contacts") == 8000
    assert log.counters()["rows"] == 8000


def test_latency_model_is_seeded_and_scales_with_rows():
    settings = LatencySettings(per_request=0.1, per_row=0.001, jitter=0.05, seed=3)
    first = [LatencyModel(settings).before_handler() for _ in range(1)]
    model_a, model_b = LatencyModel(settings), LatencyModel(settings)
    draws_a = [model_a.before_handler() for _ in range(5)]
    assert draws_a == [model_b.before_handler() for _ in range(5)]
    assert all(0.1 <= d <= 0.15 for d in draws_a) and first[0] == draws_a[0]
    assert model_a.after_handler(300) == pytest.approx(0.3)
    assert not LatencyModel().active and model_a.active
