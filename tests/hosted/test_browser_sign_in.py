"""A person signs in through the sandbox's login and consent pages in a real headless Chromium (Debian's chromium
package, driven by Playwright), from an MCP client's authorization request to tools answering for that person."""

from __future__ import annotations

import base64
import hashlib
import secrets
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2
import pytest
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata
from pydantic import AnyUrl

from tests.databases import database_url
from tests.hosted.harness import CLIENT_REDIRECT, MemoryTokens, bearer_session, hosted_server
from xero_mcp.sandbox.app import Sandbox

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian's chromium package; .ci/run installs it)"
)


async def test_a_person_chooses_their_user_and_ticks_an_organisation_in_the_browser(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from playwright.async_api import async_playwright

    assert CHROMIUM is not None
    first, second = sandbox.tenant_ids()[:2]
    names = dict(sandbox.state.organisations())
    async with database_url("sqlite", tmp_path) as url, hosted_server(url, tmp_path, sandbox) as server:
        for email, name, organisations in (
            ("alice@example.com", "Alice Adams", [first, second]),
            ("bob@example.com", "Bob Brown", [first, second]),
        ):
            body = {"email": email, "name": name, "organisations": organisations}
            assert (await server.sandbox_control("/identity/users", body)).status_code == 201
        callback = f"{server.base}/client-callback"
        async with httpx2.AsyncClient(base_url=server.base) as http:
            registered = (
                await http.post("/register", json={"redirect_uris": [callback], "client_name": "browser test"})
            ).json()
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        authorize = f"{server.base}/authorize?" + urlencode(
            {
                "response_type": "code",
                "client_id": registered["client_id"],
                "redirect_uri": callback,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "state": "browser-state",
                "resource": server.mcp_url,
            }
        )

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = await browser.new_page()
                await page.goto(authorize)
                # xero-mcp's own consent page names the client before anything is sent to Xero.
                assert "browser test wants to use your Xero organisations" in await page.inner_text("h1")
                await page.get_by_role("button", name="Continue to Xero").click()
                await page.wait_for_selector("text=Log in to Xero")
                assert await page.title() == "Log in to Xero (sandbox)"
                await page.get_by_label("Bob Brown <bob@example.com>").check()
                await page.get_by_role("button", name="Log in").click()
                await page.wait_for_selector("text=Organisations to connect")
                assert "Signed in as Bob Brown" in await page.inner_text("body")
                # Bob connects only the second organisation: untick the first.
                await page.get_by_label(names[first]).uncheck()
                await page.get_by_role("button", name="Allow access").click()
                await page.wait_for_url(f"{callback}?**")
                landed = page.url
            finally:
                await browser.close()

        query = parse_qs(urlsplit(landed).query)
        assert query["state"] == ["browser-state"] and query["iss"] == [server.base]
        async with httpx2.AsyncClient(base_url=server.base) as http:
            form = {
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": callback,
                "code_verifier": verifier,
                "client_id": registered["client_id"],
                "client_secret": registered["client_secret"],
            }
            tokens = (await http.post("/token", data=form)).json()
        async with bearer_session(server.mcp_url, tokens["access_token"]) as session:
            result = await session.call_tool("list_tenants", {})
        data: Any = result.structured_content
        assert [t["tenant_id"] for t in data["tenants"]] == [second]


async def test_the_sdks_oauth_client_signs_in_through_the_pages_in_chromium_and_lists_the_chosen_tenants(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """What a desktop MCP client does against `serve --sandbox`: the mcp SDK's OAuth client discovers the server,
    registers and opens the authorization URL (PKCE S256, `resource`) in the person's browser; the person answers
    xero-mcp's consent page and the sandbox's login and consent pages; the browser lands on the client's loopback
    redirect, and the client exchanges the code and calls tools."""
    from playwright.async_api import Route, async_playwright

    assert CHROMIUM is not None
    first, second = sandbox.tenant_ids()[:2]
    names = dict(sandbox.state.organisations())
    landed: list[str] = []
    async with (
        database_url("sqlite", tmp_path) as url,
        hosted_server(url, tmp_path, sandbox) as server,
        async_playwright() as playwright,
    ):
        body = {"email": "bob@example.com", "name": "Bob Brown", "organisations": [first, second]}
        assert (await server.sandbox_control("/identity/users", body)).status_code == 201
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = await browser.new_page()

            async def client_listener(route: Route) -> None:
                # The MCP client's own loopback listener: it answers the redirect the person's browser lands on.
                landed.append(route.request.url)
                await route.fulfill(status=200, body="Signed in. You can close this window.")

            await page.route(f"{CLIENT_REDIRECT}**", client_listener)

            async def open_in_browser(authorization_url: str) -> None:
                assert urlsplit(authorization_url).path == "/authorize"
                query = parse_qs(urlsplit(authorization_url).query)
                assert query["code_challenge_method"] == ["S256"] and query["resource"] == [server.mcp_url]
                await page.goto(authorization_url)
                await page.get_by_role("button", name="Continue to Xero").click()
                await page.get_by_label("Bob Brown <bob@example.com>").check()
                await page.get_by_role("button", name="Log in").click()
                await page.get_by_label(names[first]).uncheck()
                await page.get_by_role("button", name="Allow access").click()
                await page.wait_for_url(f"{CLIENT_REDIRECT}?**")

            async def redirected() -> AuthorizationCodeResult:
                query = {k: v[0] for k, v in parse_qs(urlsplit(landed[-1]).query).items()}
                assert query["iss"] == server.base
                return AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query["iss"])

            storage = MemoryTokens()
            auth = OAuthClientProvider(
                server.mcp_url,
                OAuthClientMetadata(client_name="Browser client", redirect_uris=[AnyUrl(CLIENT_REDIRECT)]),
                storage,
                redirect_handler=open_in_browser,
                callback_handler=redirected,
            )
            async with (
                httpx2.AsyncClient(auth=auth, timeout=30.0) as http,
                streamable_http_client(server.mcp_url, http_client=http) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                result = await session.call_tool("list_tenants", {})
        finally:
            await browser.close()
    assert len(landed) == 1 and storage.client is not None and storage.tokens is not None
    data: Any = result.structured_content
    assert [t["tenant_id"] for t in data["tenants"]] == [second]
