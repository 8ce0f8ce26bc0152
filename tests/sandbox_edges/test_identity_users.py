"""The sandbox's identity service with several people in it: users with their own organisations, the login and
consent pages, and the control API tests use instead of a browser (issue 13, part 4)."""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2
import pytest

from xero_mcp.sandbox.app import Sandbox
from xero_mcp.sandbox.identity import DEFAULT_USER_EMAIL, s256

REDIRECT = "http://127.0.0.1:8765/callback"
BASIC = "Basic " + base64.b64encode(b"sandbox-client:sandbox-secret").decode()


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox") as client:
        yield client


def _authorize_params(verifier: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "sandbox-client",
        "redirect_uri": REDIRECT,
        "scope": "openid profile email offline_access accounting.contacts",
        "state": "s1",
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
    }


class _Form(HTMLParser):
    """The inputs of a page's form, as a browser would submit them (checked boxes and radios only)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.options: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        a = {k: v or "" for k, v in attrs}
        self.options.setdefault(a.get("name", ""), []).append(a.get("value", ""))
        if a.get("type") == "hidden" or ("checked" in a and a.get("type") in ("checkbox", "radio")):
            self.fields.append((a["name"], a.get("value", "")))


def _form(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


async def _sign_in(http: httpx2.AsyncClient) -> tuple[str, list[str]]:
    """Follow an authorize redirect that needs no page; the token's email and its connected tenant IDs."""
    verifier = secrets.token_urlsafe(48)
    answer = await http.get("/identity/connect/authorize", params=_authorize_params(verifier))
    assert answer.status_code == 302, answer.text
    return await _exchange(http, answer.headers["location"], verifier)


async def _exchange(http: httpx2.AsyncClient, location: str, verifier: str) -> tuple[str, list[str]]:
    code = parse_qs(urlsplit(location).query)["code"][0]
    token = await http.post(
        "/connect/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier},
        headers={"Authorization": BASIC},
    )
    body = token.json()
    claims = json.loads(base64.urlsafe_b64decode(body["id_token"].split(".")[1] + "=="))
    connections = await http.get("/connections", headers={"Authorization": f"Bearer {body['access_token']}"})
    return claims["email"], sorted(c["tenantId"] for c in connections.json())


async def test_with_only_the_built_in_user_sign_in_connects_every_organisation_without_a_page(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    email, tenants = await _sign_in(http)
    assert (email, tenants) == (DEFAULT_USER_EMAIL, sorted(sandbox.tenant_ids()))


async def test_a_user_added_through_the_control_api_owns_only_the_organisations_named(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    first, second = sandbox.tenant_ids()[:2]
    names = dict(sandbox.state.organisations())
    added = await http.post(
        "/_sandbox/identity/users", json={"email": "bob@example.com", "organisations": [names[second]]}
    )
    assert added.status_code == 201
    assert added.json()["organisations"] == [{"tenantId": second, "name": names[second]}]
    assert (await http.post("/_sandbox/identity/login-as", json={"email": "bob@example.com"})).status_code == 200
    assert await _sign_in(http) == ("bob@example.com", [second])
    assert first not in (await _sign_in(http))[1]  # the next sign-ins are Bob's too


async def test_a_shared_organisation_connects_for_each_user_who_owns_it(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    first, second = sandbox.tenant_ids()[:2]
    await http.post("/_sandbox/identity/users", json={"email": "alice@example.com", "organisations": [first, second]})
    await http.post("/_sandbox/identity/users", json={"email": "bob@example.com", "organisations": [second]})
    await http.post("/_sandbox/identity/login-as", json={"email": "alice@example.com"})
    assert await _sign_in(http) == ("alice@example.com", sorted([first, second]))
    await http.post("/_sandbox/identity/login-as", json={"email": "bob@example.com"})
    assert await _sign_in(http) == ("bob@example.com", [second])


async def test_the_control_api_refuses_unknown_organisations_and_users(http: httpx2.AsyncClient) -> None:
    unknown_org = await http.post(
        "/_sandbox/identity/users", json={"email": "x@example.com", "organisations": ["Nope"]}
    )
    assert unknown_org.status_code == 400 and "Nope" in unknown_org.json()["error"]
    unknown_user = await http.post("/_sandbox/identity/login-as", json={"email": "nobody@example.com"})
    assert unknown_user.status_code == 400


async def test_once_users_exist_sign_in_shows_the_login_then_the_consent_page(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    first, second = sandbox.tenant_ids()[:2]
    await http.post("/_sandbox/identity/users", json={"email": "alice@example.com", "organisations": [first, second]})
    verifier = secrets.token_urlsafe(48)
    login = await http.get("/identity/connect/authorize", params=_authorize_params(verifier))
    assert login.status_code == 200 and "Log in to Xero" in login.text
    assert _form(login.text).options["user"] == [DEFAULT_USER_EMAIL, "alice@example.com"]

    chosen = [(k, v) for k, v in _form(login.text).fields if k != "user"] + [("user", "alice@example.com")]
    consent = await http.post("/identity/connect/authorize", content=urlencode(chosen), headers=_FORM)
    assert consent.status_code == 200 and "alice@example.com" in consent.text
    assert _form(consent.text).options["tenant"] == [first, second]

    # Untick the first organisation, as a person would, and allow.
    ticked = [(k, v) for k, v in _form(consent.text).fields if (k, v) != ("tenant", first)] + [("decision", "allow")]
    allowed = await http.post("/identity/connect/authorize", content=urlencode(ticked), headers=_FORM)
    assert allowed.status_code == 302
    assert parse_qs(urlsplit(allowed.headers["location"]).query)["state"] == ["s1"]
    assert await _exchange(http, allowed.headers["location"], verifier) == ("alice@example.com", [second])


async def test_cancelling_on_the_consent_page_returns_access_denied(http: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    await http.post(
        "/_sandbox/identity/users", json={"email": "alice@example.com", "organisations": [sandbox.tenant_ids()[0]]}
    )
    fields = [*_authorize_params(secrets.token_urlsafe(48)).items(), ("step", "consent"), ("user", "alice@example.com")]
    denied = await http.post(
        "/identity/connect/authorize", content=urlencode([*fields, ("decision", "deny")]), headers=_FORM
    )
    assert denied.status_code == 302
    assert re.search(r"[?&]error=access_denied", denied.headers["location"])


_FORM = {"content-type": "application/x-www-form-urlencoded"}
