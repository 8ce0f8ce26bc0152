"""Batch creates: chunks of 50 under 3.5 MB, summarizeErrors=false, every element's outcome in input order."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx2

from tests.client.helpers import TENANT, json_response, make_client
from xero_mcp.client import models as m
from xero_mcp.client.batching import chunk_elements


def invoice(n: int) -> m.InvoiceCreate:
    return m.InvoiceCreate(
        type="ACCREC",
        contact=m.ContactRef(name=f"Customer {n}"),
        line_items=[m.LineItemInput(description=f"Line {n}", quantity=Decimal(1), unit_amount=Decimal("10.00"))],
    )


def echo_handler(calls: list[httpx2.Request], *, bad_reference: str = "BAD") -> Any:
    """Answer like Xero with summarizeErrors=false: each element echoed with its own status."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        body = json.loads(request.content)
        answered: list[dict[str, Any]] = []
        for element in body["Invoices"]:
            if element.get("Reference") == bad_reference:
                answered.append(
                    {**element, "StatusAttributeString": "ERROR", "ValidationErrors": [{"Message": "Bad reference"}]}
                )
            else:
                invoice_id = f"3b1d5d2e-0000-4000-8000-{len(answered):012d}"
                answered.append({**element, "InvoiceID": invoice_id, "Status": "DRAFT"})
        return json_response(200, {"Invoices": answered})

    return handler


def test_elements_are_chunked_at_fifty_and_under_the_size_limit() -> None:
    small = [{"n": i} for i in range(120)]
    chunks, oversized = chunk_elements(small)
    assert [len(chunk) for chunk in chunks] == [50, 50, 20]
    assert [index for chunk in chunks for index in chunk] == list(range(120))
    assert oversized == []

    big = [{"Description": "x" * 1_000_000} for _ in range(5)] + [{"Description": "y" * 4_000_000}]
    chunks, oversized = chunk_elements(big)
    assert [len(chunk) for chunk in chunks] == [3, 2]
    assert oversized == [5]


async def test_creating_120_invoices_costs_three_calls_and_reports_each_outcome_in_order() -> None:
    calls: list[httpx2.Request] = []
    client, _, _ = make_client(echo_handler(calls))
    inputs = [invoice(n) for n in range(120)]
    inputs[77] = inputs[77].model_copy(update={"reference": "BAD"})
    async with client:
        outcomes = await client.tenant(TENANT).invoices.create_many(inputs)
    assert len(calls) == 3
    assert all(c.method == "PUT" and c.url.params["summarizeErrors"] == "false" for c in calls)
    assert [len(json.loads(c.content)["Invoices"]) for c in calls] == [50, 50, 20]
    assert len({c.headers["idempotency-key"] for c in calls}) == 3
    assert [o.index for o in outcomes] == list(range(120))
    assert [o.status for o in outcomes].count("OK") == 119
    bad = outcomes[77]
    assert bad.status == "ERROR" and not bad.ok
    assert bad.errors == ("Bad reference",)
    assert outcomes[78].ok and outcomes[78].record is not None
    assert outcomes[78].record.line_items[0].description == "Line 78"


async def test_a_callers_key_gives_each_chunk_its_own_derived_key() -> None:
    calls: list[httpx2.Request] = []
    client, _, _ = make_client(echo_handler(calls))
    async with client:
        outcomes = await client.tenant(TENANT).invoices.create_many(
            [invoice(n) for n in range(60)], idempotency_key="import-7"
        )
    assert [c.headers["idempotency-key"] for c in calls] == ["import-7-0", "import-7-1"]
    assert outcomes[0].idempotency_key == "import-7-0"
    assert outcomes[59].idempotency_key == "import-7-1"


async def test_a_chunk_refused_as_a_whole_marks_each_of_its_elements() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        elements = json.loads(request.content)["Invoices"]
        echoed: list[dict[str, Any]] = [dict(e) for e in elements]
        echoed[1]["ValidationErrors"] = [{"Message": "Invoice # must be unique."}]
        return json_response(
            400,
            {
                "ErrorNumber": 10,
                "Type": "ValidationException",
                "Message": "A validation exception occurred",
                "Elements": echoed,
            },
        )

    client, _, _ = make_client(handler)
    async with client:
        outcomes = await client.tenant(TENANT).invoices.create_many([invoice(n) for n in range(3)])
    assert [o.status for o in outcomes] == ["ERROR", "ERROR", "ERROR"]
    assert outcomes[1].errors == ("Invoice # must be unique.",)
    assert "refused the request" in outcomes[0].errors[0]


async def test_a_lost_answer_leaves_its_chunk_unknown_and_later_chunks_unsent() -> None:
    calls: list[httpx2.Request] = []
    ok = echo_handler(calls)

    def handler(request: httpx2.Request) -> httpx2.Response:
        if len(calls) >= 1:
            calls.append(request)
            raise httpx2.RemoteProtocolError("Server disconnected without sending a response.")
        return ok(request)

    client, _, _ = make_client(handler, max_retries=1)
    async with client:
        outcomes = await client.tenant(TENANT).invoices.create_many([invoice(n) for n in range(120)])
    assert [o.status for o in outcomes[:50]] == ["OK"] * 50
    assert {o.status for o in outcomes[50:100]} == {"UNKNOWN"}
    assert {o.status for o in outcomes[100:]} == {"NOT_SENT"}
    assert len(calls) == 3  # chunk 1, then chunk 2 twice (one retry, same key)
    assert calls[1].headers["idempotency-key"] == calls[2].headers["idempotency-key"]
    assert outcomes[60].idempotency_key == calls[1].headers["idempotency-key"]
