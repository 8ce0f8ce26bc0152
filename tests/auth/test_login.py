"""`xero-mcp login` against the sandbox: the authorization code flow with PKCE and state (issue 5)."""

import asyncio
import io
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests.auth.conftest import DEMO, SECOND, Sandbox
from xero_mcp.auth.commands import login_command
from xero_mcp.auth.loopback import LoopbackReceiver
from xero_mcp.auth.scopes import BROAD_SCOPES, GRANULAR_SCOPES
from xero_mcp.auth.store import MemoryStore
from xero_mcp.sandbox.identity import BROAD_SCOPES as SANDBOX_BROAD
from xero_mcp.sandbox.identity import USER_SCOPES, s256

Params = dict[str, str]


class BrowserReceiver:
    """Plays the browser: follows the sign-in URL against the sandbox and delivers the redirect."""

    redirect_uri = "http://localhost:53682/callback"

    def __init__(self, sandbox: Sandbox, tamper: Callable[[Params], Params] | None = None) -> None:
        self.sandbox = sandbox
        self.tamper = tamper
        self.opened: list[str] = []
        self._queue: asyncio.Queue[Params] = asyncio.Queue()

    async def open(self, url: str) -> bool:
        self.opened.append(url)
        params = await self.sandbox.follow(url)
        self._queue.put_nowait(self.tamper(params) if self.tamper else params)
        return True

    def expect(self, state: str) -> None:
        # Plays a browser, not the listener: a tampered state must reach run_login's own check.
        self.expected_state = state

    async def wait(self, seconds: float) -> Params:
        return await asyncio.wait_for(self._queue.get(), seconds)


async def run(
    sandbox: Sandbox,
    receiver: BrowserReceiver,
    store: MemoryStore,
    *,
    tenant: str | None = None,
    answers: list[str] | None = None,
    **settings: object,
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    replies = iter(answers or [])
    code = await login_command(
        sandbox.settings(**settings),
        tenant=tenant,
        transport=sandbox.transport,
        store=store,
        receiver=receiver,
        browser=receiver.open,
        ask=(lambda prompt: next(replies)) if answers is not None else None,
        stdout=out,
        stderr=err,
        now=sandbox.clock.now,
    )
    sandbox.seen(out.getvalue(), err.getvalue())
    return code, out.getvalue(), err.getvalue()


async def test_full_login_stores_tokens_and_both_organisations(sandbox: Sandbox) -> None:
    store = MemoryStore()
    receiver = BrowserReceiver(sandbox)
    code, out, err = await run(sandbox, receiver, store)
    assert (code, err) == (0, "")
    login = store.login
    assert login is not None
    assert [(t.tenant_id, t.name) for t in login.tenants] == [DEMO, SECOND]
    assert login.default_tenant_id == DEMO[0]
    assert login.client_id == "sandbox-client"
    assert login.refresh_token is not None
    assert set(login.scopes) == set(GRANULAR_SCOPES)
    assert login.expires_at == sandbox.clock.now().replace(minute=30)
    assert "Demo Company (NZ), Second Sandbox Ltd" in out
    assert "memory" in out
    # The stored access token works against the API for either organisation.
    for tenant_id, _ in (DEMO, SECOND):
        assert (await sandbox.api(login.access_token.get_secret_value(), tenant_id)).json() == {"tenant": tenant_id}


async def test_sign_in_url_carries_pkce_s256_and_state_and_the_exchange_sends_the_verifier(sandbox: Sandbox) -> None:
    receiver = BrowserReceiver(sandbox)
    assert (await run(sandbox, receiver, MemoryStore()))[0] == 0
    query = {k: v[0] for k, v in parse_qs(urlsplit(receiver.opened[0]).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == receiver.redirect_uri
    assert len(query["state"]) >= 20
    [exchange] = [r for r in sandbox.transport.requests if r.url.path == "/connect/token"]
    form = {k: v[0] for k, v in parse_qs(exchange.content.decode()).items()}
    assert form["grant_type"] == "authorization_code"
    assert 43 <= len(form["code_verifier"]) <= 128
    assert s256(form["code_verifier"]) == query["code_challenge"]
    assert "client_secret" not in form


async def test_state_mismatch_is_rejected_before_the_code_is_used(sandbox: Sandbox) -> None:
    store = MemoryStore()
    receiver = BrowserReceiver(sandbox, tamper=lambda p: {**p, "state": "forged-by-someone-else"})
    code, _, err = await run(sandbox, receiver, store)
    assert code == 1
    assert "state mismatch" in err
    assert store.login is None
    assert sandbox.identity.token_requests["authorization_code"] == 0


async def test_code_from_another_pkce_flow_is_rejected(sandbox: Sandbox) -> None:
    # An attacker's code (bound to the attacker's own code challenge) smuggled in with our state.
    attacker_challenge = s256("attacker-verifier-" + "a" * 40)
    attacker_url = (
        "http://sandbox.test/identity/connect/authorize?response_type=code&client_id=sandbox-client"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A53682%2Fcallback&scope=offline_access+accounting.invoices"
        f"&state=theirs&code_challenge={attacker_challenge}&code_challenge_method=S256"
    )
    stolen = (await sandbox.follow(attacker_url))["code"]
    store = MemoryStore()
    receiver = BrowserReceiver(sandbox, tamper=lambda p: {**p, "code": stolen})
    code, _, err = await run(sandbox, receiver, store)
    assert code == 1
    assert "invalid_grant" in err
    assert "PKCE" in err
    assert store.login is None


async def test_tenant_option_chooses_the_default_by_name(sandbox: Sandbox) -> None:
    store = MemoryStore()
    code, out, _ = await run(sandbox, BrowserReceiver(sandbox), store, tenant="second sandbox ltd")
    assert code == 0
    assert store.login is not None and store.login.default_tenant_id == SECOND[0]
    assert f"Default organisation: Second Sandbox Ltd ({SECOND[0]})" in out


async def test_unknown_tenant_option_keeps_the_login_and_says_how_to_choose(sandbox: Sandbox) -> None:
    store = MemoryStore()
    code, out, _ = await run(sandbox, BrowserReceiver(sandbox), store, tenant="Nonexistent Ltd")
    assert code == 0
    assert store.login is not None and store.login.default_tenant_id == DEMO[0]
    assert "No connected Xero organisation matches 'Nonexistent Ltd'" in out
    assert "xero-mcp tenants --default NAME" in out


async def test_interactive_prompt_chooses_the_default(sandbox: Sandbox) -> None:
    store = MemoryStore()
    code, out, _ = await run(sandbox, BrowserReceiver(sandbox), store, answers=["7", "2"])
    assert code == 0
    assert store.login is not None and store.login.default_tenant_id == SECOND[0]
    assert "1. Demo Company (NZ)" in out
    assert "Please answer with a number" in out


async def test_invalid_scope_falls_back_to_broad_scopes_once_and_says_so(sandbox: Sandbox) -> None:
    sandbox.identity.restrict_scopes(SANDBOX_BROAD | USER_SCOPES)
    store = MemoryStore()
    receiver = BrowserReceiver(sandbox)
    code, out, _ = await run(sandbox, receiver, store)
    assert code == 0
    assert len(receiver.opened) == 2
    assert "invalid_scope" in out and "broad scopes" in out
    assert store.login is not None and set(store.login.scopes) == set(BROAD_SCOPES)


async def test_xero_scopes_override_is_used_as_is_without_fallback(sandbox: Sandbox) -> None:
    sandbox.identity.restrict_scopes(SANDBOX_BROAD | USER_SCOPES)
    receiver = BrowserReceiver(sandbox)
    code, _, err = await run(sandbox, receiver, MemoryStore(), scopes=("offline_access", "accounting.invoices"))
    assert code == 1
    assert len(receiver.opened) == 1
    assert "invalid_scope" in err


async def test_refused_consent_is_reported(sandbox: Sandbox) -> None:
    receiver = BrowserReceiver(sandbox, tamper=lambda p: {"state": p["state"], "error": "access_denied"})
    code, _, err = await run(sandbox, receiver, MemoryStore())
    assert code == 1
    assert "access_denied" in err


async def test_login_without_a_client_id_says_what_to_set(sandbox: Sandbox) -> None:
    code, _, err = await run(sandbox, BrowserReceiver(sandbox), MemoryStore(), client_id=None)
    assert code == 1
    assert "XERO_CLIENT_ID" in err


async def test_login_with_a_client_secret_uses_basic_authentication(sandbox: Sandbox) -> None:
    store = MemoryStore()
    code, _, _ = await run(sandbox, BrowserReceiver(sandbox), store, client_secret="sandbox-secret")
    assert code == 0
    [exchange] = [r for r in sandbox.transport.requests if r.url.path == "/connect/token"]
    assert exchange.headers["authorization"].startswith("Basic ")


async def test_no_browser_prints_the_url_which_completes_the_login_when_opened(sandbox: Sandbox) -> None:
    store = MemoryStore()
    out, err = io.StringIO(), io.StringIO()

    class PrintedUrlReceiver:
        redirect_uri = "http://localhost:53682/callback"

        def expect(self, state: str) -> None:
            pass  # the redirect comes straight from the sandbox; run_login checks its state

        async def wait(self, seconds: float) -> Params:
            # The user copies the printed URL into a browser (here: an HTTP client).
            [url] = re.findall(r"^  (http\S+)$", out.getvalue(), flags=re.MULTILINE)
            return await sandbox.follow(url)

    code = await login_command(
        sandbox.settings(),
        open_browser=False,
        transport=sandbox.transport,
        store=store,
        receiver=PrintedUrlReceiver(),
        browser=lambda url: pytest.fail("no browser may be opened"),
        stdout=out,
        stderr=err,
        now=sandbox.clock.now,
    )
    sandbox.seen(out.getvalue(), err.getvalue())
    assert code == 0
    assert "Open this URL in a browser" in out.getvalue()
    assert store.login is not None


async def test_loopback_listener_receives_the_redirect_from_a_real_http_client(sandbox: Sandbox) -> None:
    store = MemoryStore()
    out, err = io.StringIO(), io.StringIO()
    visits: list[asyncio.Task[None]] = []

    async def browser(url: str) -> bool:
        async def visit() -> None:
            async with httpx2.AsyncClient(transport=sandbox.transport) as identity:
                location = (await identity.get(url)).headers["location"]
            assert location.startswith("http://localhost:")
            # The loopback step goes over a real socket on 127.0.0.1.
            async with httpx2.AsyncClient() as real:
                assert (await real.get(location.replace("localhost", "127.0.0.1"))).status_code == 200

        visits.append(asyncio.get_running_loop().create_task(visit()))
        return True

    async with LoopbackReceiver(0) as receiver:
        async with httpx2.AsyncClient() as real:
            stray = await real.get(f"http://127.0.0.1:{receiver.port}/favicon.ico")
        assert stray.status_code == 404
        code = await login_command(
            sandbox.settings(),
            transport=sandbox.transport,
            store=store,
            receiver=receiver,
            browser=browser,
            stdout=out,
            stderr=err,
            now=sandbox.clock.now,
        )
        await asyncio.gather(*visits)
    sandbox.seen(out.getvalue(), err.getvalue())
    assert (code, err.getvalue()) == (0, "")
    assert store.login is not None
    assert f"http://localhost:{receiver.port}/callback" in out.getvalue()


async def test_loopback_listener_gives_up_after_the_wait() -> None:
    from xero_mcp.auth.errors import LoginFailed

    async with LoopbackReceiver(0) as receiver:
        with pytest.raises(LoginFailed, match="No sign-in arrived within 0 seconds"):
            await receiver.wait(0.01)


async def test_loopback_listener_reports_a_port_in_use() -> None:
    from xero_mcp.auth.errors import LoginFailed

    async with LoopbackReceiver(0) as first:
        with pytest.raises(LoginFailed, match="--port"):
            await LoopbackReceiver(first.port).start()


async def test_a_callback_with_a_wrong_or_missing_state_gets_400_and_the_listener_keeps_waiting() -> None:
    async with LoopbackReceiver(0) as receiver:
        receiver.expect("the-real-state")
        base = f"http://127.0.0.1:{receiver.port}/callback"
        async with httpx2.AsyncClient() as page:
            forged = await page.get(base, params={"code": "x", "state": "forged"})
            missing = await page.get(base, params={"error": "access_denied"})
            real = await page.get(base, params={"code": "the-code", "state": "the-real-state"})
        params = await receiver.wait(5)
    assert (forged.status_code, missing.status_code, real.status_code) == (400, 400, 200)
    assert params == {"code": "the-code", "state": "the-real-state"}


async def test_a_web_page_hitting_the_callback_does_not_end_a_pending_login(sandbox: Sandbox) -> None:
    store = MemoryStore()
    out, err = io.StringIO(), io.StringIO()
    visits: list[asyncio.Task[None]] = []
    answered: list[int] = []

    async def browser(url: str) -> bool:
        async def visit() -> None:
            # A page in another tab fires an image request at the callback first, with a state of its own.
            async with httpx2.AsyncClient() as page:
                callback = f"http://127.0.0.1:{port}/callback"
                answered.append((await page.get(callback, params={"state": "abort", "code": "x"})).status_code)
                answered.append((await page.get(callback)).status_code)
            async with httpx2.AsyncClient(transport=sandbox.transport) as identity:
                location = (await identity.get(url)).headers["location"]
            async with httpx2.AsyncClient() as real:
                answered.append((await real.get(location.replace("localhost", "127.0.0.1"))).status_code)

        visits.append(asyncio.get_running_loop().create_task(visit()))
        return True

    async with LoopbackReceiver(0) as receiver:
        port = receiver.port
        code = await login_command(
            sandbox.settings(),
            transport=sandbox.transport,
            store=store,
            receiver=receiver,
            browser=browser,
            stdout=out,
            stderr=err,
            now=sandbox.clock.now,
        )
        await asyncio.gather(*visits)
    sandbox.seen(out.getvalue(), err.getvalue())
    assert answered == [400, 400, 200]
    assert (code, err.getvalue()) == (0, "")
    assert store.login is not None
