"""The hosted connector end to end over HTTP: the mcp SDK's OAuth client discovers xero-mcp's authorization server,
registers, signs in with PKCE through the sandbox's Xero sign-in, and calls tools (issue 13, "Done when")."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import ClientSession

from tests.databases import ENGINES, database_url
from tests.hosted.harness import McpUser, Server, hosted_server, sign_in
from xero_mcp.sandbox.app import Sandbox


async def _list_tools(server: Server, token: str) -> httpx2.Response:
    """A raw tools/list on the MCP endpoint with this bearer token."""
    async with httpx2.AsyncClient() as http:
        return await http.post(
            server.mcp_url,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"},
        )


async def _authorize_params(server: Server, email: str, **changes: str) -> dict[str, str]:
    """An authorization request for a client signed in as `email`: its registered redirect URI, PKCE S256."""
    user = await sign_in(server, email)
    assert user.storage.client is not None
    return {
        "response_type": "code",
        "client_id": user.storage.client.client_id,
        "redirect_uri": "http://127.0.0.1:1/oauth/callback",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        "state": "s",
        **changes,
    }


@pytest.fixture
def engine() -> str:
    """The issue's measure is a server on PostgreSQL; one test also runs the whole flow on SQLite."""
    return "postgresql"


@pytest.fixture
async def server(engine: str, tmp_path: Path, sandbox: Sandbox) -> AsyncIterator[Server]:
    async with database_url(engine, tmp_path) as url, hosted_server(url, tmp_path, sandbox) as running:
        first, second = running.sandbox.tenant_ids()[:2]
        people = (("alice@example.com", "Alice Adams", [first, second]), ("bob@example.com", "Bob Brown", [second]))
        for email, name, organisations in people:
            body = {"email": email, "name": name, "organisations": organisations}
            assert (await running.sandbox_control("/identity/users", body)).status_code == 201
        yield running


async def _tenants(session: ClientSession) -> list[str]:
    result = await session.call_tool("list_tenants", {})
    assert not result.is_error, result.content
    data: Any = result.structured_content
    return sorted(t["tenant_id"] for t in data["tenants"])


async def test_an_unauthenticated_request_gets_401_pointing_at_the_resource_metadata(server: Server) -> None:
    async with httpx2.AsyncClient() as http:
        answer = await http.post(server.mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert answer.status_code == 401
        challenge = answer.headers["www-authenticate"]
        assert f'resource_metadata="{server.base}/.well-known/oauth-protected-resource/mcp"' in challenge
        resource = (await http.get(f"{server.base}/.well-known/oauth-protected-resource/mcp")).json()
        assert resource["resource"] == server.mcp_url
        assert [url.rstrip("/") for url in resource["authorization_servers"]] == [server.base]
        metadata = (await http.get(f"{server.base}/.well-known/oauth-authorization-server")).json()
    assert metadata["issuer"] == server.base
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["registration_endpoint"] == f"{server.base}/register"
    assert metadata["grant_types_supported"] == ["authorization_code", "refresh_token"]


@pytest.mark.parametrize("engine", ENGINES)
async def test_two_users_each_list_only_their_own_organisations_and_share_one(server: Server) -> None:
    first, second = server.sandbox.tenant_ids()[:2]
    alice = await sign_in(server, "alice@example.com")
    bob = await sign_in(server, "bob@example.com")
    async with alice.session() as session:
        assert await _tenants(session) == sorted([first, second])
    async with bob.session() as session:
        assert await _tenants(session) == [second]
    # The sign-in went to the sandbox's Xero authorize page and back through xero-mcp's Xero callback.
    assert any("/sandbox/identity/connect/authorize" in url for url in alice.browser.visited)
    assert any("/oauth/xero/callback" in url for url in alice.browser.visited)


async def test_one_users_token_is_refused_for_the_other_users_organisation(server: Server) -> None:
    first = server.sandbox.tenant_ids()[0]
    bob = await sign_in(server, "bob@example.com")
    async with bob.session() as session:
        by_id = await session.call_tool("list_records", {"kind": "contact", "tenant": first})
        names = dict(server.sandbox.state.organisations())
        by_name = await session.call_tool("list_tenants", {"tenant": names[first]})
    assert by_id.is_error and by_name.is_error
    text = "".join(getattr(c, "text", "") for c in by_id.content)
    assert "No connected Xero organisation matches" in text
    assert names[first] not in text  # nor is the other user's organisation named back to him


async def test_each_users_trigger_cursor_on_a_shared_organisation_is_their_own(server: Server) -> None:
    second = server.sandbox.tenant_ids()[1]
    alice = await sign_in(server, "alice@example.com")
    bob = await sign_in(server, "bob@example.com")

    async def call(user: McpUser, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        async with user.session() as session:
            result = await session.call_tool(tool, {"tenant": second, **arguments})
        assert not result.is_error, result.content
        data: Any = result.structured_content
        return data

    def names(polled: dict[str, Any]) -> list[str]:
        return [c["name"] for c in [*polled["created"], *polled["updated"]]]

    alice_start = (await call(alice, "poll_changes", {"entity": "contacts"}))["cursor"]
    bob_start = (await call(bob, "poll_changes", {"entity": "contacts"}))["cursor"]
    await call(alice, "save_contact", {"name": "Shared Customer Ltd"})

    alice_seen = await call(alice, "poll_changes", {"entity": "contacts", "cursor": alice_start})
    assert names(alice_seen) == ["Shared Customer Ltd"]
    # Alice acknowledges her delivery by passing its cursor on; Bob's subscription must not move with it.
    assert names(await call(alice, "poll_changes", {"entity": "contacts", "cursor": alice_seen["cursor"]})) == []
    assert names(await call(bob, "poll_changes", {"entity": "contacts", "cursor": bob_start})) == [
        "Shared Customer Ltd"
    ]


async def test_an_expired_access_token_is_refused_and_the_client_refreshes_it(server: Server) -> None:
    alice = await sign_in(server, "alice@example.com")
    assert alice.storage.tokens is not None
    old = alice.storage.tokens
    server.clock.offset += 3600  # past the access token's 15 minutes
    assert (await _list_tools(server, old.access_token)).status_code == 401
    # The SDK's client refreshes on the 401 and carries on, with a rotated refresh token.
    async with alice.session() as session:
        assert await _tenants(session)
    assert alice.storage.tokens is not None
    assert alice.storage.tokens.access_token != old.access_token
    assert alice.storage.tokens.refresh_token != old.refresh_token


async def test_replaying_a_used_refresh_token_revokes_the_grant(server: Server) -> None:
    alice = await sign_in(server, "alice@example.com")
    assert alice.storage.tokens is not None and alice.storage.client is not None
    stolen = alice.storage.tokens.refresh_token
    client = alice.storage.client
    assert stolen is not None and client.client_id is not None

    async def refresh(token: str) -> httpx2.Response:
        form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": client.client_id}
        if client.client_secret:
            form["client_secret"] = client.client_secret
        async with httpx2.AsyncClient() as http:
            return await http.post(f"{server.base}/token", data=form)

    first = await refresh(stolen)
    assert first.status_code == 200
    successor = first.json()
    replay = await refresh(stolen)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # The whole grant is gone: the rotated tokens issued before the replay no longer work either.
    assert (await refresh(successor["refresh_token"])).json()["error"] == "invalid_grant"
    assert (await _list_tools(server, successor["access_token"])).status_code == 401


async def test_revoking_a_user_refuses_their_token_at_once(server: Server) -> None:
    bob = await sign_in(server, "bob@example.com")
    assert bob.storage.tokens is not None
    token = bob.storage.tokens.access_token
    users = await server.store.find_users("bob@example.com")
    assert await server.store.revoke_user(users[0].user_id)
    assert (await _list_tools(server, token)).status_code == 401


async def test_a_token_for_another_resource_is_refused_at_authorize(server: Server) -> None:
    params = await _authorize_params(server, "alice@example.com", resource="https://other.example.com/mcp")
    async with httpx2.AsyncClient() as http:
        answer = await http.get(f"{server.base}/authorize", params=params)
    assert answer.status_code == 302
    assert "error=invalid_target" in answer.headers["location"]


async def test_each_write_for_a_hosted_user_adds_a_history_note_naming_them(server: Server) -> None:
    alice = await sign_in(server, "alice@example.com")
    second = server.sandbox.tenant_ids()[1]
    async with alice.session() as session:
        created = await session.call_tool("save_contact", {"name": "Noted Customer Ltd", "tenant": second})
        assert not created.is_error, created.content
        data: Any = created.structured_content
        history = await session.call_tool(
            "get_history", {"entity": "contact", "record_id": data["contact_id"], "tenant": second}
        )
    assert not history.is_error, history.content
    entries: Any = history.structured_content
    notes = [entry["details"] for entry in entries["entries"]]
    assert "Requested by Alice Adams <alice@example.com> through xero-mcp." in notes


async def test_revoking_a_refresh_token_at_the_revocation_endpoint_ends_the_grant(server: Server) -> None:
    alice = await sign_in(server, "alice@example.com")
    assert alice.storage.tokens is not None and alice.storage.client is not None
    client = alice.storage.client
    refresh = alice.storage.tokens.refresh_token
    assert refresh is not None and client.client_id is not None and client.client_secret is not None
    credentials = {"client_id": client.client_id, "client_secret": client.client_secret}
    async with httpx2.AsyncClient(base_url=server.base) as http:
        revoked = await http.post("/revoke", data={"token": refresh, **credentials})
        assert revoked.status_code == 200
        again = await http.post("/token", data={"grant_type": "refresh_token", "refresh_token": refresh, **credentials})
    assert again.json()["error"] == "invalid_grant"
    assert (await _list_tools(server, alice.storage.tokens.access_token)).status_code == 401


async def test_disconnecting_the_app_in_xero_stops_the_users_access(server: Server) -> None:
    from xero_mcp.auth.store import StoredLogin

    bob = await sign_in(server, "bob@example.com")
    async with bob.session() as session:
        assert await _tenants(session) == [server.sandbox.tenant_ids()[1]]
    # Bob revokes the app at Xero (as "Disconnect" does): Xero drops his connections and refresh token.
    user = (await server.store.find_users("bob@example.com"))[0]
    stored = await server.store.load_xero_login(user.user_id)
    assert stored is not None
    login = StoredLogin.from_bytes(stored[0])
    assert login.refresh_token is not None
    async with httpx2.AsyncClient(transport=server.sandbox.transport(), base_url="http://sandbox") as xero:
        gone = await xero.post(
            "/connect/revocation",
            data={"token": login.refresh_token.get_secret_value()},
            auth=("sandbox-client", "sandbox-secret"),
        )
        assert gone.status_code == 200
    async with bob.session() as session:
        assert await _tenants(session) == []  # no organisation reachable any more
        # Once Xero's access token lapses, the refused refresh revokes Bob's grants on this server.
        assert bob.storage.tokens is not None
        before = bob.storage.tokens.access_token
        server.sandbox.clock.advance(1801)
        failed = await session.call_tool("list_tenants", {})
    assert failed.is_error and "Sign in again" in str(failed.content)
    assert (await _list_tools(server, before)).status_code == 401


async def test_mcp_tokens_never_reach_xero_and_xero_tokens_never_reach_the_client(server: Server) -> None:
    alice = await sign_in(server, "alice@example.com")
    async with alice.session() as session:
        await _tenants(session)
        result = await session.call_tool("list_records", {"kind": "contact", "tenant": server.sandbox.tenant_ids()[0]})
    assert alice.storage.tokens is not None
    ours = {alice.storage.tokens.access_token, alice.storage.tokens.refresh_token}
    sent = [
        " ".join(f"{k}={v}" for k, v in request.headers.items()) + str(request.url)
        for request in server.to_xero.requests
    ]
    assert sent and not any(token and token in line for token in ours for line in sent)
    # What the MCP client holds and is shown contains none of Xero's tokens.
    shown = json.dumps(alice.storage.tokens.model_dump()) + json.dumps([c.model_dump() for c in result.content])
    assert not any(secret in shown for secret in server.sandbox.identity.issued_secrets())


async def test_authorize_insists_on_an_exact_registered_redirect_uri_and_pkce_s256(server: Server) -> None:
    good = await _authorize_params(server, "alice@example.com")
    async with httpx2.AsyncClient() as http:
        ok = await http.get(f"{server.base}/authorize", params=good)
        other_path = await http.get(
            f"{server.base}/authorize", params={**good, "redirect_uri": "http://127.0.0.1:1/oauth/callback/x"}
        )
        plain = await http.get(f"{server.base}/authorize", params={**good, "code_challenge_method": "plain"})
        no_pkce = await http.get(
            f"{server.base}/authorize", params={k: v for k, v in good.items() if not k.startswith("code_challenge")}
        )
    assert ok.status_code == 302 and ok.headers["location"].startswith(f"{server.base}/oauth/consent?request=")
    assert other_path.status_code == 400  # never redirected to an unregistered URI
    assert plain.status_code == 302 and "error=invalid_request" in plain.headers["location"]
    assert no_pkce.status_code == 302 and "error=invalid_request" in no_pkce.headers["location"]


async def test_our_consent_page_names_the_client_and_only_its_own_form_can_answer(server: Server) -> None:
    params = await _authorize_params(server, "alice@example.com", state="client-state")
    async with httpx2.AsyncClient() as browser, httpx2.AsyncClient() as other_site:
        consent_url = (await browser.get(f"{server.base}/authorize", params=params)).headers["location"]
        page = await browser.get(consent_url)
        assert page.status_code == 200 and "xero-mcp tests wants to use your Xero organisations" in page.text
        assert page.headers["x-frame-options"] == "DENY"
        form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        # Another site posting the same form from the person's browser carries no SameSite=Strict cookie.
        forged = await other_site.post(f"{server.base}/oauth/consent", data={**form, "decision": "allow"})
        assert forged.status_code == 400
        cancelled = await browser.post(f"{server.base}/oauth/consent", data={**form, "decision": "deny"})
    assert cancelled.status_code == 302
    location = cancelled.headers["location"]
    assert location.startswith("http://127.0.0.1:1/oauth/callback?") and "error=access_denied" in location
    assert "state=client-state" in location


async def test_two_people_in_one_organisation_spend_one_rate_budget(server: Server) -> None:
    shared = server.sandbox.tenant_ids()[1]
    alice = await sign_in(server, "alice@example.com")
    bob = await sign_in(server, "bob@example.com")
    for person in (alice, bob):
        async with person.session() as session:
            result = await session.call_tool("list_accounts", {"tenant": shared})
            assert not result.is_error, result.content
    # Xero's 60 a minute belong to the organisation and the app: both people's calls are counted in one place.
    assert server.hosted.users.coordinator.status(shared).sent_last_minute >= 2
