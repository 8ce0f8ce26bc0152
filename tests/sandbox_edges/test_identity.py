"""The sandbox identity service: Xero's OAuth 2.0 flows, token checks and /connections (xero-api.md §2.3, §6)."""

import base64
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from xero_mcp.sandbox.clock import SandboxClock
from xero_mcp.sandbox.identity import AuthContext, IdentityService, required_scopes, s256
from xero_mcp.sandbox.transport import SandboxTransport

DEMO = ("9f2a1d4e-0c3b-4d6a-8e7f-1a2b3c4d5e6f", "Demo Company (NZ)")
SECOND = ("3c1b2a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "Second Sandbox Ltd")
REDIRECT = "http://127.0.0.1:8765/callback"
SCOPES = "openid profile email offline_access accounting.invoices accounting.contacts.read accounting.settings.read"
BASIC = "Basic " + base64.b64encode(b"sandbox-client:sandbox-secret").decode()


@dataclass
class Sandbox:
    clock: SandboxClock
    identity: IdentityService
    http: httpx2.AsyncClient


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    clock = SandboxClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), frozen=True)
    identity = IdentityService(clock, lambda: [DEMO, SECOND])

    async def api(request: Request) -> Response:
        # The Accounting API's first step for every request, as the sandbox app takes it.
        outcome = identity.authenticate(
            request.headers.get("authorization"),
            request.headers.get("xero-tenant-id"),
            request.method,
            request.url.path,
        )
        if isinstance(outcome, Response):
            return outcome
        assert isinstance(outcome, AuthContext)
        return JSONResponse({"tenant": outcome.tenant_id, "app": outcome.app_id})

    app = Starlette(
        routes=[*identity.routes(), Route("/api.xro/2.0/{rest:path}", api, methods=["GET", "PUT", "POST", "DELETE"])]
    )
    async with httpx2.AsyncClient(transport=SandboxTransport(app), base_url="http://sandbox") as http:
        yield Sandbox(clock, identity, http)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)[:64]
    return verifier, s256(verifier)


async def authorize(sandbox: Sandbox, **overrides: str) -> httpx2.Response:
    params = {
        "response_type": "code",
        "client_id": "sandbox-client",
        "redirect_uri": REDIRECT,
        "scope": SCOPES,
        "state": "st-123",
    }
    params.update(overrides)
    return await sandbox.http.get("/identity/connect/authorize", params=params)


def redirect_params(response: httpx2.Response) -> dict[str, str]:
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def login(sandbox: Sandbox, scope: str = SCOPES) -> dict[str, object]:
    verifier, challenge = pkce()
    params = redirect_params(
        await authorize(sandbox, scope=scope, code_challenge=challenge, code_challenge_method="S256")
    )
    response = await sandbox.http.post(
        "/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": "sandbox-client",
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


async def refresh(sandbox: Sandbox, refresh_token: object) -> httpx2.Response:
    return await sandbox.http.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": str(refresh_token), "client_id": "sandbox-client"},
    )


async def api_get(
    sandbox: Sandbox, token: object, tenant: str | None = DEMO[0], path: str = "Invoices"
) -> httpx2.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if tenant is not None:
        headers["xero-tenant-id"] = tenant
    return await sandbox.http.get(f"/api.xro/2.0/{path}", headers=headers)


# ------------------------------------------------------------------------------------------ authorization code


async def test_pkce_login_redirects_with_code_and_state_then_issues_xero_shaped_tokens(sandbox: Sandbox) -> None:
    verifier, challenge = pkce()
    params = redirect_params(await authorize(sandbox, code_challenge=challenge, code_challenge_method="S256"))
    assert params["state"] == "st-123"
    assert params["code"]
    response = await sandbox.http.post(
        "/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": "sandbox-client",
        },
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 1800
    assert set(body["scope"].split()) == set(SCOPES.split())
    assert body["refresh_token"] and body["access_token"] and body["id_token"].count(".") == 2
    assert (await api_get(sandbox, body["access_token"])).json() == {"tenant": DEMO[0], "app": "sandbox-client"}


async def test_wrong_pkce_verifier_is_invalid_grant(sandbox: Sandbox) -> None:
    _, challenge = pkce()
    params = redirect_params(await authorize(sandbox, code_challenge=challenge, code_challenge_method="S256"))
    other_verifier, _ = pkce()
    response = await sandbox.http.post(
        "/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REDIRECT,
            "code_verifier": other_verifier,
            "client_id": "sandbox-client",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_missing_pkce_verifier_is_invalid_grant(sandbox: Sandbox) -> None:
    _, challenge = pkce()
    params = redirect_params(await authorize(sandbox, code_challenge=challenge, code_challenge_method="S256"))
    response = await sandbox.http.post(
        "/connect/token",
        data={"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT},
        headers={"Authorization": BASIC},
    )
    assert response.json()["error"] == "invalid_grant"


async def test_authorization_code_is_single_use(sandbox: Sandbox) -> None:
    params = redirect_params(await authorize(sandbox))
    data = {"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT}
    first = await sandbox.http.post("/connect/token", data=data, headers={"Authorization": BASIC})
    second = await sandbox.http.post("/connect/token", data=data, headers={"Authorization": BASIC})
    assert first.status_code == 200
    assert (second.status_code, second.json()["error"]) == (400, "invalid_grant")


async def test_authorization_code_expires_after_five_minutes(sandbox: Sandbox) -> None:
    params = redirect_params(await authorize(sandbox))
    sandbox.clock.advance(301)
    response = await sandbox.http.post(
        "/connect/token",
        data={"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT},
        headers={"Authorization": BASIC},
    )
    assert response.json() == {"error": "invalid_grant"}


async def test_confidential_client_may_exchange_without_pkce_using_its_secret_in_the_body(sandbox: Sandbox) -> None:
    params = redirect_params(await authorize(sandbox))
    response = await sandbox.http.post(
        "/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REDIRECT,
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
        },
    )
    assert response.status_code == 200


async def test_exchange_without_secret_or_pkce_is_invalid_client(sandbox: Sandbox) -> None:
    params = redirect_params(await authorize(sandbox))
    response = await sandbox.http.post(
        "/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REDIRECT,
            "client_id": "sandbox-client",
        },
    )
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


async def test_redirect_uri_must_match_the_authorization_request(sandbox: Sandbox) -> None:
    params = redirect_params(await authorize(sandbox))
    response = await sandbox.http.post(
        "/connect/token",
        data={"grant_type": "authorization_code", "code": params["code"], "redirect_uri": "http://localhost:1/x"},
        headers={"Authorization": BASIC},
    )
    assert response.json()["error"] == "invalid_grant"


async def test_wrong_client_secret_is_invalid_client(sandbox: Sandbox) -> None:
    wrong = "Basic " + base64.b64encode(b"sandbox-client:not-the-secret").decode()
    response = await sandbox.http.post(
        "/connect/token", data={"grant_type": "client_credentials"}, headers={"Authorization": wrong}
    )
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert "not-the-secret" not in response.text


async def test_unknown_client_gets_an_error_page_not_a_redirect(sandbox: Sandbox) -> None:
    response = await authorize(sandbox, client_id="who-is-this")
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "client_id" in response.text


@pytest.mark.parametrize(
    "redirect_uri", ["http://evil.example.com/callback", "ftp://127.0.0.1/cb", "/relative", "http://localhost/cb#frag"]
)
async def test_unacceptable_redirect_uri_gets_an_error_page(sandbox: Sandbox, redirect_uri: str) -> None:
    response = await authorize(sandbox, redirect_uri=redirect_uri)
    assert response.status_code == 400
    assert "location" not in response.headers


async def test_https_and_localhost_redirect_uris_are_accepted(sandbox: Sandbox) -> None:
    for uri in ("https://app.example.com/cb", "http://localhost:9000/cb", "http://[::1]:9000/cb"):
        response = await authorize(sandbox, redirect_uri=uri)
        assert response.status_code == 302
        assert response.headers["location"].startswith(uri + "?code=")


async def test_unknown_scope_is_reported_to_the_redirect_uri_as_invalid_scope(sandbox: Sandbox) -> None:
    params = redirect_params(await authorize(sandbox, scope="openid accounting.everything"))
    assert params["error"] == "invalid_scope"
    assert params["state"] == "st-123"
    assert "code" not in params


async def test_app_limited_to_broad_scopes_rejects_granular_ones(sandbox: Sandbox) -> None:
    sandbox.identity.restrict_scopes({"openid", "offline_access", "accounting.transactions", "accounting.contacts"})
    assert redirect_params(await authorize(sandbox, scope="offline_access accounting.invoices"))["error"] == (
        "invalid_scope"
    )
    assert "code" in redirect_params(await authorize(sandbox, scope="offline_access accounting.transactions"))


async def test_pkce_app_without_secret_must_send_a_challenge(sandbox: Sandbox) -> None:
    sandbox.identity.register_client("pkce-app")
    params = redirect_params(await authorize(sandbox, client_id="pkce-app"))
    assert params["error"] == "invalid_request"
    _, challenge = pkce()
    plain = redirect_params(
        await authorize(sandbox, client_id="pkce-app", code_challenge=challenge, code_challenge_method="plain")
    )
    assert plain["error"] == "invalid_request"


async def test_registered_redirect_uris_are_enforced(sandbox: Sandbox) -> None:
    sandbox.identity.register_client("web-app", "web-secret", redirect_uris=["https://web.example.com/cb"])
    assert (await authorize(sandbox, client_id="web-app")).status_code == 400
    assert (await authorize(sandbox, client_id="web-app", redirect_uri="https://web.example.com/cb")).status_code == 302


async def test_unsupported_grant_type_is_rejected(sandbox: Sandbox) -> None:
    response = await sandbox.http.post(
        "/connect/token", data={"grant_type": "password"}, headers={"Authorization": BASIC}
    )
    assert (response.status_code, response.json()["error"]) == (400, "unsupported_grant_type")


async def test_no_refresh_token_without_offline_access(sandbox: Sandbox) -> None:
    body = await login(sandbox, scope="openid accounting.invoices")
    assert "refresh_token" not in body


# ----------------------------------------------------------------------------------------------- refresh tokens


async def test_refresh_rotates_the_refresh_token(sandbox: Sandbox) -> None:
    first = await login(sandbox)
    second = (await refresh(sandbox, first["refresh_token"])).json()
    third = (await refresh(sandbox, second["refresh_token"])).json()
    tokens = {first["refresh_token"], second["refresh_token"], third["refresh_token"]}
    assert len(tokens) == 3
    assert third["expires_in"] == 1800
    assert (await api_get(sandbox, third["access_token"])).status_code == 200


async def test_previous_refresh_token_works_within_thirty_minutes_of_its_use(sandbox: Sandbox) -> None:
    first = await login(sandbox)
    assert (await refresh(sandbox, first["refresh_token"])).status_code == 200
    sandbox.clock.advance(29 * 60)
    retried = await refresh(sandbox, first["refresh_token"])
    assert retried.status_code == 200
    assert (await api_get(sandbox, retried.json()["access_token"])).status_code == 200


async def test_previous_refresh_token_is_invalid_grant_after_the_grace_period(sandbox: Sandbox) -> None:
    first = await login(sandbox)
    rotated = (await refresh(sandbox, first["refresh_token"])).json()
    sandbox.clock.advance(30 * 60 + 1)
    stale = await refresh(sandbox, first["refresh_token"])
    assert (stale.status_code, stale.json()) == (400, {"error": "invalid_grant"})
    assert (await refresh(sandbox, rotated["refresh_token"])).status_code == 200


async def test_refresh_token_unused_for_sixty_days_expires(sandbox: Sandbox) -> None:
    first = await login(sandbox)
    sandbox.clock.advance(60 * 24 * 3600)
    assert (await refresh(sandbox, first["refresh_token"])).json()["error"] == "invalid_grant"


async def test_refresh_token_used_within_sixty_days_still_works(sandbox: Sandbox) -> None:
    first = await login(sandbox)
    sandbox.clock.advance(59 * 24 * 3600)
    assert (await refresh(sandbox, first["refresh_token"])).status_code == 200


async def test_refresh_of_a_confidential_login_needs_the_secret(sandbox: Sandbox) -> None:
    params = redirect_params(await authorize(sandbox))
    body = (
        await sandbox.http.post(
            "/connect/token",
            data={"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT},
            headers={"Authorization": BASIC},
        )
    ).json()
    assert (await refresh(sandbox, body["refresh_token"])).json()["error"] == "invalid_client"
    with_secret = await sandbox.http.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        headers={"Authorization": BASIC},
    )
    assert with_secret.status_code == 200


async def test_token_requests_are_counted_by_grant_type(sandbox: Sandbox) -> None:
    first = await login(sandbox)
    await refresh(sandbox, first["refresh_token"])
    await refresh(sandbox, "not-a-token")
    assert sandbox.identity.token_requests["authorization_code"] == 1
    assert sandbox.identity.token_requests["refresh_token"] == 2


# ------------------------------------------------------------------------------------------ client credentials


async def test_custom_connection_token_reaches_the_first_organisation_without_a_tenant_header(
    sandbox: Sandbox,
) -> None:
    response = await sandbox.http.post(
        "/connect/token",
        data={"grant_type": "client_credentials", "scope": "accounting.invoices accounting.contacts"},
        headers={"Authorization": BASIC},
    )
    body = response.json()
    assert "refresh_token" not in body
    assert body["expires_in"] == 1800
    assert (await api_get(sandbox, body["access_token"], tenant=None)).json()["tenant"] == DEMO[0]
    assert (await api_get(sandbox, body["access_token"], tenant=DEMO[0])).status_code == 200
    assert (await api_get(sandbox, body["access_token"], tenant=SECOND[0])).status_code == 403
    connections = (
        await sandbox.http.get("/connections", headers={"Authorization": f"Bearer {body['access_token']}"})
    ).json()
    assert [c["tenantId"] for c in connections] == [DEMO[0]]


async def test_custom_connection_rejects_unknown_scopes_as_invalid_scope(sandbox: Sandbox) -> None:
    response = await sandbox.http.post(
        "/connect/token",
        data={"grant_type": "client_credentials", "scope": "accounting.transactions accounting.nonsense"},
        headers={"Authorization": BASIC},
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_scope")


async def test_custom_connection_needs_the_client_secret(sandbox: Sandbox) -> None:
    response = await sandbox.http.post(
        "/connect/token", data={"grant_type": "client_credentials", "client_id": "sandbox-client"}
    )
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


# ------------------------------------------------------------------------------------------------ authenticate


async def test_missing_or_unknown_token_gets_xeros_401_body(sandbox: Sandbox) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        response = await sandbox.http.get("/api.xro/2.0/Invoices", headers={**headers, "xero-tenant-id": DEMO[0]})
        body = response.json()
        assert response.status_code == 401
        assert body["Type"] is None
        assert body["Title"] == "Unauthorized"
        assert body["Status"] == 401
        assert body["Detail"] == "AuthenticationUnsuccessful"
        assert body["Extensions"] == {}
        assert re.fullmatch(r"[0-9a-f-]{36}", body["Instance"])


async def test_access_token_expires_after_1800_seconds_with_token_expired_detail(sandbox: Sandbox) -> None:
    token = sandbox.identity.issue_token()
    sandbox.clock.advance(1799)
    assert (await api_get(sandbox, token)).status_code == 200
    sandbox.clock.advance(1)
    response = await api_get(sandbox, token)
    assert response.status_code == 401
    assert response.json()["Detail"] == "TokenExpired: token expired at 03/01/2026 09:30:00"


async def test_tenant_not_connected_to_the_token_gets_403(sandbox: Sandbox) -> None:
    token = sandbox.identity.issue_token(tenant_ids=[DEMO[0]])
    response = await api_get(sandbox, token, tenant=SECOND[0])
    assert response.status_code == 403
    assert response.json()["Title"] == "Forbidden"
    assert response.json()["Detail"] == "AuthenticationUnsuccessful"
    assert (await api_get(sandbox, token, tenant=None)).status_code == 403
    assert (await api_get(sandbox, token, tenant=DEMO[0].upper())).json()["tenant"] == DEMO[0]


async def test_token_lacking_the_entity_scope_gets_authorization_unsuccessful(sandbox: Sandbox) -> None:
    token = sandbox.identity.issue_token(scopes=["accounting.contacts"])
    assert (await api_get(sandbox, token, path="Contacts")).status_code == 200
    response = await api_get(sandbox, token, path="Invoices")
    assert response.status_code == 401
    assert response.json()["Detail"] == "AuthorizationUnsuccessful"


async def test_read_only_scope_cannot_write(sandbox: Sandbox) -> None:
    token = sandbox.identity.issue_token(scopes=["accounting.invoices.read"])
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": DEMO[0]}
    assert (await sandbox.http.get("/api.xro/2.0/Invoices", headers=headers)).status_code == 200
    put = await sandbox.http.put("/api.xro/2.0/Invoices", headers=headers, json={})
    assert put.json()["Detail"] == "AuthorizationUnsuccessful"


@pytest.mark.parametrize(
    ("method", "path", "scope", "allowed"),
    [
        ("PUT", "Invoices", "accounting.transactions", True),
        ("PUT", "Invoices", "accounting.invoices", True),
        ("GET", "Invoices/abc/History", "accounting.transactions.read", True),
        ("POST", "Payments", "accounting.payments", True),
        ("POST", "Payments", "accounting.invoices", False),
        ("PUT", "BankTransfers", "accounting.banktransactions", True),
        ("GET", "Items", "accounting.invoices.read", True),
        ("GET", "Items", "accounting.settings.read", True),
        ("GET", "Accounts", "accounting.contacts.read", False),
        ("GET", "Reports/BalanceSheet", "accounting.reports.balancesheet.read", True),
        ("GET", "Reports/BalanceSheet", "accounting.reports.profitandloss.read", False),
        ("GET", "Reports/ProfitAndLoss", "accounting.reports.read", True),
        ("GET", "Journals", "accounting.journals.read", True),
        ("PUT", "Invoices/abc/Attachments/a.pdf", "accounting.attachments", True),
        ("GET", "Organisation", "accounting.settings.read", True),
    ],
)
def test_entities_map_to_broad_and_granular_scopes(method: str, path: str, scope: str, allowed: bool) -> None:
    needed = required_scopes(method, f"/api.xro/2.0/{path}")
    assert needed is not None
    assert (scope in needed) is allowed


def test_paths_outside_the_accounting_api_need_no_scope() -> None:
    assert required_scopes("GET", "/connections") is None


# ------------------------------------------------------------------------------------ connections, revocation


async def test_connections_lists_every_sandbox_organisation_in_xeros_shape(sandbox: Sandbox) -> None:
    body = await login(sandbox)
    response = await sandbox.http.get("/connections", headers={"Authorization": f"Bearer {body['access_token']}"})
    connections = response.json()
    assert [(c["tenantId"], c["tenantName"]) for c in connections] == [DEMO, SECOND]
    for connection in connections:
        assert set(connection) == {
            "id",
            "authEventId",
            "tenantId",
            "tenantType",
            "tenantName",
            "createdDateUtc",
            "updatedDateUtc",
        }
        assert connection["tenantType"] == "ORGANISATION"
        assert connection["createdDateUtc"] == "2026-03-01T09:00:00.0000000"
    event = connections[0]["authEventId"]
    filtered = await sandbox.http.get(
        "/connections", params={"authEventId": event}, headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert len(filtered.json()) == 2


async def test_connections_needs_a_valid_bearer_token(sandbox: Sandbox) -> None:
    response = await sandbox.http.get("/connections")
    assert response.status_code == 401
    assert response.json()["Detail"] == "AuthenticationUnsuccessful"


async def test_deleting_a_connection_disconnects_that_tenant(sandbox: Sandbox) -> None:
    body = await login(sandbox)
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    second = next(
        c for c in (await sandbox.http.get("/connections", headers=headers)).json() if c["tenantId"] == SECOND[0]
    )
    assert (await sandbox.http.delete(f"/connections/{second['id']}", headers=headers)).status_code == 204
    assert (await sandbox.http.delete(f"/connections/{second['id']}", headers=headers)).status_code == 404
    assert (await api_get(sandbox, body["access_token"], tenant=SECOND[0])).status_code == 403
    assert (await api_get(sandbox, body["access_token"], tenant=DEMO[0])).status_code == 200


async def test_reauthorizing_keeps_connection_ids_and_updates_them(sandbox: Sandbox) -> None:
    first = await login(sandbox)
    headers = {"Authorization": f"Bearer {first['access_token']}"}
    before = (await sandbox.http.get("/connections", headers=headers)).json()
    sandbox.clock.advance(60)
    await login(sandbox)
    after = (await sandbox.http.get("/connections", headers=headers)).json()
    assert [c["id"] for c in after] == [c["id"] for c in before]
    assert after[0]["updatedDateUtc"] == "2026-03-01T09:01:00.0000000"
    assert after[0]["createdDateUtc"] == before[0]["createdDateUtc"]


async def test_revocation_invalidates_the_refresh_token_and_removes_connections(sandbox: Sandbox) -> None:
    body = await login(sandbox)
    response = await sandbox.http.post(
        "/connect/revocation", data={"token": str(body["refresh_token"]), "client_id": "sandbox-client"}
    )
    assert response.status_code == 200
    assert (await refresh(sandbox, body["refresh_token"])).json()["error"] == "invalid_grant"
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await sandbox.http.get("/connections", headers=headers)).json() == []
    assert (await api_get(sandbox, body["access_token"])).status_code == 403


async def test_revoking_an_unknown_token_is_not_an_error(sandbox: Sandbox) -> None:
    response = await sandbox.http.post(
        "/connect/revocation", data={"token": "never-issued"}, headers={"Authorization": BASIC}
    )
    assert response.status_code == 200


async def test_reset_forgets_every_token(sandbox: Sandbox) -> None:
    body = await login(sandbox)
    sandbox.identity.reset()
    assert (await api_get(sandbox, body["access_token"])).status_code == 401
    assert (await refresh(sandbox, body["refresh_token"])).json()["error"] == "invalid_grant"
    assert sandbox.identity.token_requests["refresh_token"] == 1


def test_issue_token_rejects_unknown_scopes() -> None:
    identity = IdentityService(SandboxClock(frozen=True), lambda: [DEMO])
    with pytest.raises(ValueError, match=r"unknown scopes: accounting\.magic"):
        identity.issue_token(scopes=["accounting.magic"])
