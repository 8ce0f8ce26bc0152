"""`xero-mcp tenants` and `xero-mcp logout` against the sandbox; no command prints a token or secret."""

import io

import httpx2

from tests.auth.conftest import DEMO, SECOND, Sandbox, sign_in
from xero_mcp.auth.commands import logout_command, tenants_command
from xero_mcp.auth.store import EncryptedFileStore, MemoryStore, open_store
from xero_mcp.sandbox.faults import FaultRule


async def tenants(sandbox: Sandbox, store: MemoryStore | None, **settings: object) -> tuple[int, str, str]:
    default = settings.pop("default", None)
    out, err = io.StringIO(), io.StringIO()
    code = await tenants_command(
        sandbox.settings(**settings),
        default=default if isinstance(default, str) else None,
        transport=sandbox.transport,
        store=store if store is not None else MemoryStore(),
        stdout=out,
        stderr=err,
        now=sandbox.clock.now,
    )
    sandbox.seen(out.getvalue(), err.getvalue())
    return code, out.getvalue(), err.getvalue()


async def logout(sandbox: Sandbox, store: MemoryStore | EncryptedFileStore, **settings: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await logout_command(
        sandbox.settings(**settings), transport=sandbox.transport, store=store, stdout=out, stderr=err
    )
    sandbox.seen(out.getvalue(), err.getvalue())
    return code, out.getvalue(), err.getvalue()


async def test_tenants_lists_both_organisations_marks_the_default_and_prints_the_precedence(sandbox: Sandbox) -> None:
    code, out, err = await tenants(sandbox, await sign_in(sandbox))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Connected organisations (2):"
    assert lines[1].startswith(" * Demo Company (NZ)") and lines[1].endswith(f"{DEMO[0]}  (default)")
    assert lines[2].startswith("   Second Sandbox Ltd") and lines[2].endswith(SECOND[0])
    assert "Credentials in use: stored login (app sandbox-client) in memory" in out
    assert "Credential precedence: 1. XERO_ACCESS_TOKEN" in out


async def test_tenants_default_changes_the_stored_default(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    code, out, _ = await tenants(sandbox, store, default="second sandbox ltd")
    assert code == 0
    assert f"Default organisation is now Second Sandbox Ltd ({SECOND[0]})." in out
    assert store.login is not None and store.login.default_tenant_id == SECOND[0]
    assert " * Second Sandbox Ltd" in out


async def test_tenants_default_with_an_unknown_name_lists_the_organisations(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    code, _, err = await tenants(sandbox, store, default="Acme")
    assert code == 1
    assert f"Demo Company (NZ) (ID {DEMO[0]})" in err
    assert store.login is not None and store.login.default_tenant_id == DEMO[0]


async def test_tenants_default_is_refused_for_a_custom_connection(sandbox: Sandbox) -> None:
    code, _, err = await tenants(sandbox, None, client_secret="sandbox-secret", default="Demo Company (NZ)")
    assert code == 1
    assert "XERO_TENANT_ID" in err


async def test_tenants_for_a_custom_connection_shows_its_one_organisation(sandbox: Sandbox) -> None:
    code, out, _ = await tenants(sandbox, None, client_secret="sandbox-secret")
    assert code == 0
    assert "Connected organisations (1):" in out
    assert " * Demo Company (NZ)" in out
    assert "custom connection" in out


async def test_tenants_without_credentials_explains_and_prints_the_precedence(sandbox: Sandbox) -> None:
    code, out, err = await tenants(sandbox, None)
    assert (code, out) == (1, "")
    assert "xero-mcp login" in err
    assert "Credential precedence" in err


async def test_logout_revokes_at_xero_and_deletes_the_login(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    assert store.login is not None and store.login.refresh_token is not None
    access = store.login.access_token.get_secret_value()
    refresh = store.login.refresh_token.get_secret_value()
    code, out, err = await logout(sandbox, store)
    assert (code, err) == (0, "")
    assert "Signed out" in out
    assert store.login is None
    # Xero no longer honours the refresh token, and the user's organisations are disconnected.
    async with httpx2.AsyncClient(transport=sandbox.transport, base_url="http://sandbox.test") as http:
        refreshed = await http.post(
            "/connect/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "sandbox-client"},
        )
        connections = await http.get("/connections", headers={"Authorization": f"Bearer {access}"})
    assert refreshed.json()["error"] == "invalid_grant"
    assert connections.json() == []


async def test_logout_deletes_the_encrypted_file(sandbox: Sandbox) -> None:
    settings = sandbox.settings(token_key="a-long-random-secret-0123456789abc")
    store = open_store(settings)
    assert isinstance(store, EncryptedFileStore)
    await sign_in(sandbox, store, token_key="a-long-random-secret-0123456789abc")
    assert store.path.exists()
    code, _, _ = await logout(sandbox, store, token_key="a-long-random-secret-0123456789abc")
    assert code == 0
    assert not store.path.exists()


async def test_logout_when_not_signed_in_is_a_no_op(sandbox: Sandbox) -> None:
    code, out, _ = await logout(sandbox, MemoryStore())
    assert code == 0
    assert "Not signed in" in out


async def test_logout_still_deletes_when_xero_cannot_be_reached(sandbox: Sandbox) -> None:
    store = await sign_in(sandbox)
    sandbox.faults.add(FaultRule("POST", "/connect/revocation", "drop"))
    code, _, err = await logout(sandbox, store)
    assert code == 1
    assert "Deleted the stored login" in err
    assert store.login is None
