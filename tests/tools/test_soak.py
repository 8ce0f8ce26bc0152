"""Soak: 500 writes through the MCP tools while about 10% of requests fail -> every intended record exactly once.

Faults are the ones a real network and Xero produce: 429 with Retry-After, 503, a connection dropped before the
request arrives, and the worst one, a write committed by Xero whose response is lost. The run is then repeated in
full: it must create nothing new. The figures are printed for the closing note (`pytest -s` shows them).
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from mcp import Client

from tests.tools.conftest import MakeClient
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.sandbox.faults import FaultRule

CONTACTS = 200
INVOICES = 200
BILLS = 100
FAULT_RATE = 0.10
KINDS = ("429", "503", "drop", "commit_then_drop")


def _plan() -> list[tuple[str, dict[str, Any]]]:
    """The intended writes: unique contacts, sales invoices with their own numbers, bills with their references."""
    calls: list[tuple[str, dict[str, Any]]] = []
    for n in range(CONTACTS):
        calls.append(("save_contact", {"name": f"Soak Customer {n:03d}", "email_address": f"soak{n}@example.com"}))
    for n in range(INVOICES):
        line = {"description": f"Soak service {n}", "quantity": 1, "unit_amount": f"{100 + n}.25", "account": "200"}
        calls.append(
            (
                "create_document",
                {
                    "kind": "invoice",
                    "contact": f"Soak Customer {n % CONTACTS:03d}",
                    "number": f"SOAK-{n:04d}",
                    "lines": [line],
                },
            )
        )
    for n in range(BILLS):
        line = {"description": f"Soak supply {n}", "quantity": 2, "unit_amount": "40.10", "account": "429"}
        calls.append(
            (
                "create_document",
                {
                    "kind": "bill",
                    "contact": f"Soak Customer {n:03d}",
                    "reference": f"SOAK-BILL-{n:04d}",
                    "lines": [line],
                },
            )
        )
    return calls


async def _run(client: Client, sandbox: Sandbox, rng: random.Random) -> tuple[int, Counter[str]]:
    """Every planned write once, a one-shot fault armed before about 10% of them; returns (tool errors, faults)."""
    armed: Counter[str] = Counter()
    errors = 0
    for tool, arguments in _plan():
        if rng.random() < FAULT_RATE:
            kind = rng.choice(KINDS)
            # Mostly on the write itself; sometimes on whatever request comes first (the duplicate lookup).
            method = rng.choice(("*", "PUT", "PUT"))
            sandbox.faults.add(FaultRule(method=method, path="/api.xro/2.0/*", kind=kind, retry_after=1))
            armed[kind] += 1
        result = await client.call_tool(tool, arguments)
        if result.is_error:
            errors += 1
        sandbox.faults.clear()
    return errors, armed


def _count(docs: list[dict[str, Any]], field: str, prefix: str, **match: str) -> Counter[str]:
    """How many records carry each value of `field` that starts with `prefix` (among those matching `match`)."""
    return Counter(
        str(doc[field])
        for doc in docs
        if str(doc.get(field, "")).startswith(prefix) and all(doc.get(k) == v for k, v in match.items())
    )


async def test_500_writes_under_injected_faults_create_every_record_exactly_once(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    tenant = sandbox.tenant_ids()[0]
    before = {name: len(sandbox.state.all(tenant, name)) for name in ("Contacts", "Invoices")}
    rng = random.Random(20261121)
    async with make_client() as client:
        errors, armed = await _run(client, sandbox, rng)
        first_calls = sandbox.request_counts.total
        served = dict(sandbox.faults.injected)
        repeat_errors, repeat_armed = await _run(client, sandbox, rng)

    documents = sandbox.state.all(tenant, "Invoices")
    contacts = _count(sandbox.state.all(tenant, "Contacts"), "Name", "Soak Customer ")
    invoices = _count(documents, "InvoiceNumber", "SOAK-", Type="ACCREC")
    # A bill's supplier reference is its InvoiceNumber in Xero's API (xero-api.md §5.2).
    bills = _count(documents, "InvoiceNumber", "SOAK-BILL-", Type="ACCPAY")
    created = {
        "Contacts": len(sandbox.state.all(tenant, "Contacts")) - before["Contacts"],
        "Invoices": len(sandbox.state.all(tenant, "Invoices")) - before["Invoices"],
    }
    duplicates = sum(n - 1 for n in (*contacts.values(), *invoices.values(), *bills.values()) if n > 1)
    missing = (CONTACTS - len(contacts)) + (INVOICES - len(invoices)) + (BILLS - len(bills))
    print(
        f"\nsoak: writes attempted {len(_plan())} (+{len(_plan())} repeated); faults armed {sum(armed.values())} "
        f"{dict(armed)}, served {served}; records created {created}; duplicates {duplicates}; missing {missing}; "
        f"tool errors {errors}+{repeat_errors}; API calls admitted first run {first_calls}, "
        f"both runs {sandbox.request_counts.total}; repeat faults {sum(repeat_armed.values())}"
    )
    assert sum(served.values()) >= 35  # about 10% of the 500 writes hit a fault
    assert errors == 0 and repeat_errors == 0
    assert duplicates == 0 and missing == 0
    assert created == {"Contacts": CONTACTS, "Invoices": INVOICES + BILLS}
