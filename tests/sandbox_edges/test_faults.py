"""Injected faults: matching, consumption, tally and the responses they stand for."""

import json

import pytest

from xero_mcp.sandbox.faults import FaultInjector, FaultRule, fault_response

INVOICES = "/api.xro/2.0/Invoices"


def test_rule_applies_to_the_next_count_matching_requests_only() -> None:
    faults = FaultInjector()
    faults.add(FaultRule("post", "/api.xro/2.0/Invoices*", "500", count=2))
    assert faults.take("GET", INVOICES) is None
    assert faults.take("POST", "/api.xro/2.0/Contacts") is None
    first = faults.take("POST", INVOICES)
    second = faults.take("POST", f"{INVOICES}/8f9e3a1c-7a2f-4c64-9c1e-2d6a54b1c0aa")
    assert first is not None and first.kind == "500"
    assert second is not None and second.kind == "500"
    assert faults.take("POST", INVOICES) is None
    assert faults.rules() == []


def test_star_method_matches_any_method() -> None:
    faults = FaultInjector()
    faults.add(FaultRule("*", "/api.xro/2.0/*", "drop", count=3))
    assert [faults.take(m, INVOICES) is not None for m in ("GET", "PUT", "DELETE", "GET")] == [True, True, True, False]


def test_first_matching_rule_wins_and_later_rules_wait_their_turn() -> None:
    faults = FaultInjector()
    faults.add(FaultRule("GET", INVOICES, "429", retry_after=7))
    faults.add(FaultRule("GET", "*", "503"))
    first = faults.take("GET", INVOICES)
    second = faults.take("GET", INVOICES)
    assert first is not None and (first.kind, first.retry_after) == ("429", 7)
    assert second is not None and second.kind == "503"


def test_rules_lists_pending_rules_with_remaining_uses() -> None:
    faults = FaultInjector()
    faults.add(FaultRule("PUT", "/api.xro/2.0/Contacts", "commit_then_drop", count=3))
    faults.take("PUT", "/api.xro/2.0/Contacts")
    [rule] = faults.rules()
    assert (rule.method, rule.kind, rule.count) == ("PUT", "commit_then_drop", 2)
    rule.count = 99  # a copy: changing it does not change the injector
    assert faults.rules()[0].count == 2


def test_injected_tallies_each_kind_served() -> None:
    faults = FaultInjector()
    faults.add(FaultRule("*", "*", "slow", count=2, delay=3.0))
    faults.add(FaultRule("*", "*", "429"))
    for _ in range(4):
        faults.take("GET", INVOICES)
    assert faults.injected["slow"] == 2
    assert faults.injected["429"] == 1
    assert faults.injected["500"] == 0


def test_clear_drops_pending_rules_but_keeps_the_tally() -> None:
    faults = FaultInjector()
    faults.add(FaultRule("*", "*", "500", count=5))
    faults.take("GET", INVOICES)
    faults.clear()
    assert faults.take("GET", INVOICES) is None
    assert faults.rules() == []
    assert faults.injected["500"] == 1


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (FaultRule("GET", "*", "418"), "unknown fault kind '418'"),  # type: ignore[arg-type]
        (FaultRule("GET", "*", "500", count=0), "count"),
        (FaultRule("GET", "*", "500", count=True), "count"),
        (FaultRule("GET", "*", "slow", delay=-1.0), "delay"),
        (FaultRule("GET", "*", "429", retry_after=-5), "retry_after"),
        (FaultRule("", "*", "500"), "method"),
    ],
)
def test_invalid_rules_are_rejected(rule: FaultRule, message: str) -> None:
    faults = FaultInjector()
    with pytest.raises(ValueError, match=message):
        faults.add(rule)
    assert faults.rules() == []


def test_429_fault_response_carries_retry_after_and_the_minute_problem() -> None:
    response = fault_response(FaultRule("GET", "*", "429", retry_after=12))
    assert response is not None
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "12"
    assert response.headers["X-Rate-Limit-Problem"] == "minute"


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_fault_responses_are_xero_shaped_json(status: int) -> None:
    response = fault_response(FaultRule("GET", "*", str(status)))  # type: ignore[arg-type]
    assert response is not None
    assert response.status_code == status
    body = json.loads(bytes(response.body))
    assert body["Status"] == status
    assert set(body) == {"Type", "Title", "Status", "Detail", "Instance", "Extensions"}


@pytest.mark.parametrize("kind", ["drop", "slow", "commit_then_drop"])
def test_network_faults_have_no_response(kind: str) -> None:
    assert fault_response(FaultRule("GET", "*", kind)) is None  # type: ignore[arg-type]
