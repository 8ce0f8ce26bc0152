"""AuthSession: credential precedence, custom connections, static tokens and choosing an organisation."""

import asyncio

import pytest

from tests.auth.conftest import DEMO, SECOND, Sandbox, sign_in
from xero_mcp.auth.errors import AuthServiceUnavailable
from xero_mcp.auth.provider import LoginRequired, StaticTokenProvider, Tenant
from xero_mcp.auth.providers import ClientCredentialsProvider, LoginTokenProvider
from xero_mcp.auth.session import AuthSession, UnknownTenant, build_auth_session, match_tenant
from xero_mcp.auth.store import MemoryStore, open_store
from xero_mcp.sandbox.faults import FaultRule
from xero_mcp.sandbox.identity import BROAD_SCOPES as SANDBOX_BROAD
from xero_mcp.sandbox.identity import USER_SCOPES


def session_for(sandbox: Sandbox, store: MemoryStore | None = None, **settings: object) -> AuthSession:
    return build_auth_session(
        sandbox.settings(**settings), transport=sandbox.transport, store=store or MemoryStore(), now=sandbox.clock.now
    )


# ---------------------------------------------------------------------------------------------------- precedence


async def test_static_access_token_wins_over_a_stored_login_and_client_credentials(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    token = sandbox.identity.issue_token()
    sandbox.secrets.add(token)
    session = session_for(sandbox, store, access_token=token, client_secret="sandbox-secret")
    assert isinstance(session.provider, StaticTokenProvider)
    assert session.needs_tenant_header
    assert await session.provider.get_token() == token
    assert "XERO_ACCESS_TOKEN" in session.describe()
    assert token not in session.describe()


async def test_stored_login_wins_over_client_credentials(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox, client_secret="sandbox-secret")
    session = session_for(sandbox, store, client_secret="sandbox-secret")
    assert isinstance(session.provider, LoginTokenProvider)
    assert session.is_login
    assert session.describe().startswith("stored login (app sandbox-client) in memory")


async def test_client_id_and_secret_without_a_login_mean_a_custom_connection(sandbox: Sandbox) -> None:
    session = session_for(sandbox, client_secret="sandbox-secret")
    assert isinstance(session.provider, ClientCredentialsProvider)
    assert not session.needs_tenant_header
    assert "custom connection" in session.describe()
    assert "sandbox-secret" not in session.describe()


async def test_no_credentials_explain_how_to_sign_in(sandbox: Sandbox) -> None:
    session = session_for(sandbox)
    with pytest.raises(LoginRequired) as failure:
        await session.provider.get_token()
    message = str(failure.value)
    assert "xero-mcp login" in message and "XERO_CLIENT_SECRET" in message and "XERO_ACCESS_TOKEN" in message
    with pytest.raises(LoginRequired):
        await session.resolve_tenant(None)


async def test_unreadable_stored_login_is_reported_not_bypassed(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    assert store.login is not None
    open_store(sandbox.settings(token_key="the-right-key-0123456789abcdef012345")).save(store.login)
    # With client credentials available too, an unreadable login must not silently become a custom connection.
    wrong = sandbox.settings(token_key="a-wrong-key-0123456789abcdef0123456789", client_secret="sandbox-secret")
    session = build_auth_session(wrong, transport=sandbox.transport)
    with pytest.raises(LoginRequired, match="cannot be decrypted") as failure:
        await session.provider.get_token()
    sandbox.seen(str(failure.value))


# ------------------------------------------------------------------------------------------- custom connections


async def test_custom_connection_reaches_its_one_organisation_without_a_tenant_header(sandbox: Sandbox) -> None:
    session = session_for(sandbox, client_secret="sandbox-secret")
    assert [t.tenant_id for t in await session.tenants()] == [DEMO[0]]
    chosen = await session.resolve_tenant(None)
    assert chosen.name == DEMO[1]
    token = await session.provider.get_token()
    assert (await sandbox.api(token, None)).json() == {"tenant": DEMO[0]}
    assert sandbox.identity.token_requests["client_credentials"] == 1
    assert sandbox.identity.token_requests["refresh_token"] == 0


async def test_custom_connection_fetches_a_new_token_once_for_concurrent_callers(sandbox: Sandbox) -> None:
    session = session_for(sandbox, client_secret="sandbox-secret")
    first = await session.provider.get_token()
    sandbox.clock.advance(1800)
    results = await asyncio.gather(*(session.provider.refresh_token(first) for _ in range(20)))
    assert len(set(results)) == 1 and results[0] != first
    assert sandbox.identity.token_requests["client_credentials"] == 2


async def test_custom_connection_falls_back_to_broad_scopes_once(sandbox: Sandbox) -> None:
    sandbox.identity.restrict_scopes(SANDBOX_BROAD | USER_SCOPES)
    session = session_for(sandbox, client_secret="sandbox-secret")
    token = await session.provider.get_token()
    assert (await sandbox.api(token, None)).status_code == 200
    assert sandbox.identity.token_requests["client_credentials"] == 2
    sandbox.clock.advance(1800)
    await session.provider.get_token()
    # Later tokens go straight to the scopes that worked.
    assert sandbox.identity.token_requests["client_credentials"] == 3


async def test_custom_connection_with_a_wrong_secret_says_which_variables_to_check(sandbox: Sandbox) -> None:
    session = session_for(sandbox, client_secret="not-the-secret")
    sandbox.secrets.add("not-the-secret")
    with pytest.raises(LoginRequired, match="XERO_CLIENT_SECRET") as failure:
        await session.provider.get_token()
    sandbox.seen(str(failure.value))


# ------------------------------------------------------------------------------------------------ static token


async def test_static_token_lists_its_organisations_and_fails_clearly_once_expired(sandbox: Sandbox) -> None:
    token = sandbox.identity.issue_token()
    sandbox.secrets.add(token)
    session = session_for(sandbox, access_token=token)
    assert [t.name for t in await session.tenants()] == [DEMO[1], SECOND[1]]
    assert (await session.resolve_tenant("second sandbox ltd")).tenant_id == SECOND[0]
    sandbox.clock.advance(1800)
    with pytest.raises(LoginRequired, match="XERO_ACCESS_TOKEN was rejected") as failure:
        await session.provider.refresh_token(token)
    sandbox.seen(str(failure.value))


async def test_static_token_with_tenant_id_defaults_to_that_organisation(sandbox: Sandbox) -> None:
    token = sandbox.identity.issue_token()
    sandbox.secrets.add(token)
    session = session_for(sandbox, access_token=token, tenant_id=SECOND[0])
    assert (await session.resolve_tenant(None)).name == SECOND[1]


# ------------------------------------------------------------------------------------------ choosing a tenant


async def test_tenant_is_selected_by_name_or_id_in_any_case(sandbox: Sandbox) -> None:
    session = session_for(sandbox, await sign_in(sandbox))
    assert (await session.resolve_tenant("demo company (nz)")).tenant_id == DEMO[0]
    assert (await session.resolve_tenant(SECOND[0].upper())).name == SECOND[1]
    assert (await session.resolve_tenant(f"  {SECOND[1]}  ")).tenant_id == SECOND[0]


async def test_default_tenant_comes_from_the_login(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    session = session_for(sandbox, store)
    assert (await session.resolve_tenant(None)).tenant_id == DEMO[0]
    await session.set_default_tenant("Second Sandbox Ltd")
    assert store.login is not None and store.login.default_tenant_id == SECOND[0]
    assert (await session.resolve_tenant(None)).tenant_id == SECOND[0]


async def test_xero_tenant_id_overrides_the_login_default(sandbox: Sandbox) -> None:
    session = session_for(sandbox, await sign_in(sandbox), tenant_id=SECOND[0])
    assert (await session.resolve_tenant(None)).tenant_id == SECOND[0]


async def test_unknown_tenant_lists_the_connected_organisations_by_name_and_id(sandbox: Sandbox) -> None:
    session = session_for(sandbox, await sign_in(sandbox))
    with pytest.raises(UnknownTenant) as failure:
        await session.resolve_tenant("Acme Widgets")
    message = str(failure.value)
    assert isinstance(failure.value, LookupError)
    assert "No connected Xero organisation matches 'Acme Widgets'" in message
    for tenant_id, name in (DEMO, SECOND):
        assert f"{name} (ID {tenant_id})" in message


async def test_unknown_tenant_rereads_connections_once_before_failing(sandbox: Sandbox) -> None:
    session = session_for(sandbox, await sign_in(sandbox))
    await session.tenants()
    before = sandbox.transport.count("/connections")
    with pytest.raises(UnknownTenant):
        await session.resolve_tenant("Acme Widgets")
    assert sandbox.transport.count("/connections") == before + 1


async def test_tenants_are_cached_per_session_and_refreshed_on_demand(sandbox: Sandbox) -> None:
    session = session_for(sandbox, await sign_in(sandbox))
    await session.tenants()
    await session.tenants()
    await session.resolve_tenant("Demo Company (NZ)")
    assert sandbox.transport.count("/connections") == 2  # one at login, one for the session
    await session.tenants(refresh=True)
    assert sandbox.transport.count("/connections") == 3


async def test_several_organisations_without_a_default_must_be_named(sandbox: Sandbox) -> None:
    token = sandbox.identity.issue_token()
    sandbox.secrets.add(token)
    session = session_for(sandbox, access_token=token)
    with pytest.raises(UnknownTenant, match="none is the default") as failure:
        await session.resolve_tenant(None)
    assert "xero-mcp tenants --default NAME" in str(failure.value)


def test_a_name_shared_by_two_organisations_must_be_given_as_an_id() -> None:
    tenants = [Tenant("a-id", "Alpha"), Tenant("b-id", "Beta"), Tenant("c-id", "ALPHA")]
    with pytest.raises(UnknownTenant, match="Several connected organisations are named 'alpha'"):
        match_tenant("alpha", tenants)
    assert match_tenant("C-ID", tenants).name == "ALPHA"


async def test_identity_service_outage_without_known_organisations_is_reported(sandbox: Sandbox) -> None:
    session = session_for(sandbox, client_secret="sandbox-secret")
    sandbox.faults.add(FaultRule("POST", "/connect/token", "503"))
    with pytest.raises(AuthServiceUnavailable, match="HTTP 503"):
        await session.tenants()


async def test_connected_organisations_are_remembered_in_the_login_for_offline_use(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    session = session_for(sandbox, store)
    sandbox.faults.add(FaultRule("GET", "/connections", "drop"))
    assert [t.tenant_id for t in await session.tenants()] == [DEMO[0], SECOND[0]]
