"""Xero's webhooks in hosted mode reach only the people connected to the event's organisation."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2

from tests.databases import database_url
from tests.hosted.harness import hosted_server, sign_in
from xero_mcp.sandbox.app import Sandbox
from xero_mcp.store import Store
from xero_mcp.sync.webhooks import SIGNATURE_HEADER, sign

KEY = "webhook-signing-key-for-tests"


def _event(tenant: str, resource: str) -> dict[str, str]:
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{resource}",
        "resourceId": resource,
        "eventDateUtc": "2026-03-16T09:31:00.000",
        "eventType": "UPDATE",
        "eventCategory": "CONTACT",
        "tenantId": tenant,
        "tenantType": "ORGANISATION",
    }


async def _events_seen(store: Store, user_id: str, tenants: list[str]) -> set[str]:
    return {tenant for tenant in tenants if await store.events_after(user_id, tenant, "CONTACT", 0)}


async def test_an_event_is_recorded_only_for_people_connected_to_its_organisation(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    first, second = sandbox.tenant_ids()[:2]
    async with (
        database_url("sqlite", tmp_path) as url,
        hosted_server(url, tmp_path, sandbox, webhook_key=KEY) as server,
    ):
        for email, organisations in (("alice@example.com", [first, second]), ("bob@example.com", [second])):
            body = {"email": email, "organisations": organisations}
            assert (await server.sandbox_control("/identity/users", body)).status_code == 201
        await sign_in(server, "alice@example.com")
        await sign_in(server, "bob@example.com")
        payload = json.dumps(
            {
                "events": [
                    _event(first, "11111111-1111-4111-8111-111111111111"),
                    _event(second, "22222222-2222-4222-8222-222222222222"),
                ],
                "firstEventSequence": 1,
                "lastEventSequence": 2,
                "entropy": "ABCDEFGHIJ",
            }
        ).encode()
        async with httpx2.AsyncClient(base_url=server.base) as http:
            forged = await http.post("/webhooks/xero", content=payload, headers={SIGNATURE_HEADER: "bad"})
            signed = await http.post("/webhooks/xero", content=payload, headers={SIGNATURE_HEADER: sign(payload, KEY)})
        alice = (await server.store.find_users("alice@example.com"))[0].user_id
        bob = (await server.store.find_users("bob@example.com"))[0].user_id
        alice_saw = await _events_seen(server.store, alice, [first, second])
        bob_saw = await _events_seen(server.store, bob, [first, second])
    assert forged.status_code == 401
    assert signed.status_code == 200 and signed.content == b""
    assert alice_saw == {first, second}
    assert bob_saw == {second}


async def test_a_chunked_body_over_the_cap_is_refused_without_reading_it_whole_in_hosted_mode() -> None:
    from typing import Any, cast

    from pydantic import SecretStr
    from starlette.applications import Starlette
    from starlette.routing import Route

    from xero_mcp.hosted.webhooks import HostedWebhooks
    from xero_mcp.sync.webhooks import MAX_BODY_BYTES

    sent = 0

    async def flood():
        nonlocal sent
        for _ in range((50 * MAX_BODY_BYTES) // 65_536):
            sent += 65_536
            yield b" " * 65_536

    # Refused before the store or the people are looked at, so neither is needed.
    receiver = HostedWebhooks(cast(Any, None), SecretStr(KEY))
    app = Starlette(routes=[Route("/webhooks/xero", receiver.receive, methods=["POST"])])
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://hosted.test") as http:
        response = await http.post("/webhooks/xero", content=flood(), headers={SIGNATURE_HEADER: "irrelevant"})
    assert response.status_code == 413
    assert sent <= MAX_BODY_BYTES + 65_536
