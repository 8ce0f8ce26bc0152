"""Idempotency-Key on POST/PUT (reference §3): at most 128 characters, replayed for 6 minutes, per app and tenant."""

from __future__ import annotations

import httpx2

from tests.conftest import ApiFactory
from tests.sandbox.helpers import messages
from xero_mcp.sandbox.app import Sandbox


async def _count(api: httpx2.AsyncClient, name: str) -> int:
    response = await api.get("/Contacts", params={"where": f'Name=="{name}"'})
    return len(response.json()["Contacts"])


async def test_a_retried_request_with_the_same_key_is_replayed_not_repeated(api: httpx2.AsyncClient) -> None:
    """xero-api.md §3: the stored response is replayed for the same key; nothing is written twice."""
    headers = {"Idempotency-Key": "create-once"}
    first = await api.put("/Contacts", json={"Name": "Once Only"}, headers=headers)
    second = await api.put("/Contacts", json={"Name": "Once Only"}, headers=headers)
    assert second.status_code == 200
    assert second.json() == first.json()
    assert await _count(api, "Once Only") == 1


async def test_the_same_key_with_a_different_request_is_refused(api: httpx2.AsyncClient) -> None:
    """xero-api.md §3: "Idempotency Key: KEY_VALUE is used with a different request."."""
    headers = {"Idempotency-Key": "reused-key"}
    await api.put("/Contacts", json={"Name": "First Use"}, headers=headers)
    response = await api.put("/Contacts", json={"Name": "Second Use"}, headers=headers)
    assert messages(response) == ["Idempotency Key: reused-key is used with a different request."]
    assert await _count(api, "Second Use") == 0


async def test_error_responses_are_replayed_too(api: httpx2.AsyncClient) -> None:
    """xero-api.md §3: "Errors are cached too"."""
    await api.put("/Contacts", json={"Name": "Taken Name"})
    headers = {"Idempotency-Key": "fails-once"}
    first = await api.put("/Contacts", json={"Name": "Taken Name"}, headers=headers)
    await api.post("/Contacts", json={"Contacts": [{"Name": "Taken Name", "ContactStatus": "ARCHIVED"}]})
    second = await api.put("/Contacts", json={"Name": "Taken Name"}, headers=headers)
    assert (first.status_code, second.status_code) == (400, 400)
    assert second.json() == first.json()


async def test_keys_longer_than_128_characters_are_refused(api: httpx2.AsyncClient) -> None:
    """xero-api.md §3: "128 character max"."""
    response = await api.put("/Contacts", json={"Name": "Long Key"}, headers={"Idempotency-Key": "k" * 129})
    assert messages(response) == ["Idempotency Key: must be 128 characters or fewer."]
    accepted = await api.put("/Contacts", json={"Name": "Long Key"}, headers={"Idempotency-Key": "k" * 128})
    assert accepted.status_code == 200


async def test_a_key_is_forgotten_after_six_minutes(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """xero-api.md §3: the response is cached about 6 minutes from the first call."""
    headers = {"Idempotency-Key": "short-lived"}
    await api.put("/Contacts", json={"Name": "Six Minutes"}, headers=headers)
    sandbox.clock.advance(5 * 60 + 59)
    assert (await api.put("/Contacts", json={"Name": "Six Minutes"}, headers=headers)).status_code == 200
    sandbox.clock.advance(2)
    after = await api.put("/Contacts", json={"Name": "Six Minutes"}, headers=headers)
    assert after.status_code == 400  # processed again: the name is now taken


async def test_keys_are_scoped_to_the_tenant(
    sandbox: Sandbox, api: httpx2.AsyncClient, second_tenant_id: str, api_for: ApiFactory
) -> None:
    """xero-api.md §3: a key belongs to one app and tenant."""
    headers = {"Idempotency-Key": "per-tenant"}
    await api.put("/Contacts", json={"Name": "Tenant Scoped"}, headers=headers)
    other = api_for(sandbox, second_tenant_id)
    response = await other.put("/Contacts", json={"Name": "Tenant Scoped"}, headers=headers)
    assert response.status_code == 200
    assert (
        response.json()["Contacts"][0]["ContactID"]
        != (await api.get("/Contacts", params={"where": 'Name=="Tenant Scoped"'})).json()["Contacts"][0]["ContactID"]
    )


async def test_keys_are_ignored_on_reads(api: httpx2.AsyncClient) -> None:
    """xero-api.md §3: honoured on POST/PUT only ("ignored on GET")."""
    headers = {"Idempotency-Key": "read-key"}
    before = await api.get("/Contacts", params={"where": 'Name=="Read Key"'}, headers=headers)
    await api.put("/Contacts", json={"Name": "Read Key"})
    after = await api.get("/Contacts", params={"where": 'Name=="Read Key"'}, headers=headers)
    assert (len(before.json()["Contacts"]), len(after.json()["Contacts"])) == (0, 1)
