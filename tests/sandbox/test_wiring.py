"""How every emulated request is handled (reference §9): identity, injected faults, rate limits, counts."""

from __future__ import annotations

import httpx2
import pytest

from tests.conftest import ApiFactory
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.sandbox.faults import FaultRule


async def test_a_request_without_a_valid_token_gets_xeros_401(
    sandbox: Sandbox, tenant_id: str, api_for: ApiFactory
) -> None:
    """xero-api.md §2.3: 401 with Title Unauthorized and Detail AuthenticationUnsuccessful."""
    client = api_for(sandbox, tenant_id, token="not-a-token")
    response = await client.get("/Contacts")
    assert response.status_code == 401
    assert (response.json()["Title"], response.json()["Detail"]) == ("Unauthorized", "AuthenticationUnsuccessful")


async def test_a_tenant_the_token_is_not_connected_to_gets_xeros_403(
    sandbox: Sandbox, tenant_id: str, second_tenant_id: str, api_for: ApiFactory
) -> None:
    """xero-api.md §2.3: 403 Forbidden when xero-tenant-id is not connected to the token."""
    token = sandbox.identity.issue_token([tenant_id])
    response = await api_for(sandbox, second_tenant_id, token=token).get("/Contacts")
    assert response.status_code == 403
    assert response.json()["Title"] == "Forbidden"


async def test_an_injected_503_answers_before_anything_is_processed(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """Faults: "503" is answered at once, for the next N matching requests only."""
    sandbox.faults.add(FaultRule("PUT", "/api.xro/2.0/Contacts*", "503", count=1))
    failed = await api.put("/Contacts", json={"Name": "Unavailable"})
    assert failed.status_code == 503
    assert (await api.get("/Contacts", params={"where": 'Name=="Unavailable"'})).json()["Contacts"] == []
    assert (await api.put("/Contacts", json={"Name": "Unavailable"})).status_code == 200


async def test_a_dropped_connection_processes_nothing(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """Faults: "drop" closes the connection before the request is processed."""
    sandbox.faults.add(FaultRule("PUT", "/api.xro/2.0/Contacts", "drop"))
    with pytest.raises(httpx2.RemoteProtocolError):
        await api.put("/Contacts", json={"Name": "Never Written"})
    assert (await api.get("/Contacts", params={"where": 'Name=="Never Written"'})).json()["Contacts"] == []


async def test_commit_then_drop_keeps_the_write_and_the_key_replays_it(
    sandbox: Sandbox, api: httpx2.AsyncClient
) -> None:
    """Faults + xero-api.md §3: the write commits, the response is lost; a keyed retry replays it."""
    sandbox.faults.add(FaultRule("PUT", "/api.xro/2.0/Contacts", "commit_then_drop"))
    headers = {"Idempotency-Key": "lost-response"}
    with pytest.raises(httpx2.RemoteProtocolError):
        await api.put("/Contacts", json={"Name": "Committed"}, headers=headers)
    retry = await api.put("/Contacts", json={"Name": "Committed"}, headers=headers)
    assert retry.status_code == 200
    assert len((await api.get("/Contacts", params={"where": 'Name=="Committed"'})).json()["Contacts"]) == 1


async def test_a_slow_response_is_processed_then_times_out_in_process(
    sandbox: Sandbox, api: httpx2.AsyncClient
) -> None:
    """Faults: "slow" processes the request, then the client's read times out."""
    sandbox.faults.add(FaultRule("PUT", "/api.xro/2.0/Contacts", "slow", delay=30))
    with pytest.raises(httpx2.ReadTimeout):
        await api.put("/Contacts", json={"Name": "Slow Poke"})
    assert len((await api.get("/Contacts", params={"where": 'Name=="Slow Poke"'})).json()["Contacts"]) == 1


async def test_the_61st_call_in_a_minute_gets_429_with_retry_after(
    sandbox_limited: Sandbox, api_for: ApiFactory
) -> None:
    """xero-api.md §4: 60 calls per minute per tenant; then 429 with Retry-After and X-Rate-Limit-Problem."""
    client = api_for(sandbox_limited, sandbox_limited.tenant_ids()[0])
    for expected_remaining in range(59, -1, -1):
        response = await client.get("/Currencies")
        assert response.headers["X-MinLimit-Remaining"] == str(expected_remaining)
    refused = await client.get("/Currencies")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert int(refused.headers["Retry-After"]) > 0
    sandbox_limited.clock.advance(61)
    assert (await client.get("/Currencies")).status_code == 200


async def test_request_counts_are_kept_per_tenant_and_route(
    sandbox: Sandbox, api: httpx2.AsyncClient, tenant_id: str
) -> None:
    """Sandbox.request_counts: what benchmarks count API calls with."""
    sandbox.request_counts.reset()
    await api.get("/Invoices")
    await api.get("/Invoices/INV-9999")
    await api.get("/Invoices/00000000-0000-4000-8000-000000000000/History")
    counts = sandbox.request_counts
    assert counts.total == 3
    assert counts.by_tenant[tenant_id] == 3
    assert counts.by_route[("GET", "/Invoices")] == 1
    assert counts.by_route[("GET", "/Invoices/{id}")] == 1
    assert counts.by_route[("GET", "/Invoices/{id}/History")] == 1


async def test_invalid_json_is_xeros_post_data_invalid_exception(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: a body that is not JSON is a 400 PostDataInvalidException."""
    response = await api.put("/Contacts", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["Type"] == "PostDataInvalidException"


async def test_reports_are_served_from_the_same_api(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.14: GET /Reports/{name} is routed to the report engine; unknown reports are 404."""
    response = await api.get("/Reports/TrialBalance")
    assert response.status_code == 200
    assert response.json()["Reports"][0]["ReportID"] == "TrialBalance"
    assert (await api.get("/Reports/NoSuchReport")).status_code == 404
