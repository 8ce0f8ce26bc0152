"""The `xero-mcp login`, `logout` and `tenants` commands.

Each command has a synchronous entry point for the CLI and an async body whose collaborators (HTTP transport,
token store, browser, prompt, output streams, redirect receiver) can be replaced, so tests drive it against the
sandbox in-process. Nothing they print contains a token or a secret.
"""

from __future__ import annotations

import asyncio
import sys
import webbrowser
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TextIO

import httpx2

from xero_mcp.auth.errors import LoginFailed, OAuthFailure, TokenStoreError
from xero_mcp.auth.login import RedirectReceiver, run_login
from xero_mcp.auth.loopback import LoopbackReceiver
from xero_mcp.auth.oauth import XeroOAuth, utc_now
from xero_mcp.auth.provider import LoginRequired, Tenant
from xero_mcp.auth.session import PRECEDENCE, UnknownTenant, build_auth_session
from xero_mcp.auth.store import TokenStore, open_store
from xero_mcp.config import Settings


def _printer(stream: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    return say


def prompt_for_default(ask: Callable[[str], str], say: Callable[[str], None]) -> Callable[[Sequence[Tenant]], Tenant]:
    """Ask the user which organisation is the default (by number or name); the first after three bad answers."""

    def choose(tenants: Sequence[Tenant]) -> Tenant:
        say("Connected organisations:")
        for number, tenant in enumerate(tenants, start=1):
            say(f"  {number}. {tenant.name} ({tenant.tenant_id})")
        for _ in range(3):
            answer = ask("Default organisation [1]: ").strip()
            if not answer:
                return tenants[0]
            if answer.isdigit() and 1 <= int(answer) <= len(tenants):
                return tenants[int(answer) - 1]
            named = [t for t in tenants if answer.casefold() in (t.name.casefold(), t.tenant_id.lower())]
            if len(named) == 1:
                return named[0]
            say("Please answer with a number from the list.")
        return tenants[0]

    return choose


async def login_command(
    settings: Settings,
    *,
    port: int = 0,
    open_browser: bool = True,
    tenant: str | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    store: TokenStore | None = None,
    receiver: RedirectReceiver | None = None,
    browser: Callable[[str], Awaitable[bool] | bool] | None = None,
    ask: Callable[[str], str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    now: Callable[[], datetime] = utc_now,
) -> int:
    """`xero-mcp login`: 0 when signed in and stored, 1 with the reason on stderr otherwise."""
    say = _printer(stdout or sys.stdout)
    complain = _printer(stderr or sys.stderr)
    try:
        chosen_store = store if store is not None else open_store(settings)
        open_url = (browser or webbrowser.open) if open_browser else None
        choose = prompt_for_default(ask, say) if ask is not None else None
        if receiver is not None:
            await run_login(
                settings,
                store=chosen_store,
                receiver=receiver,
                open_url=open_url,
                say=say,
                choose_default=choose,
                tenant=tenant,
                transport=transport,
                now=now,
            )
        else:
            async with LoopbackReceiver(port) as loopback:
                await run_login(
                    settings,
                    store=chosen_store,
                    receiver=loopback,
                    open_url=open_url,
                    say=say,
                    choose_default=choose,
                    tenant=tenant,
                    transport=transport,
                    now=now,
                )
    except (LoginRequired, LoginFailed, UnknownTenant) as exc:
        complain(f"Login failed: {exc}")
        return 1
    return 0


async def logout_command(
    settings: Settings,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    store: TokenStore | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """`xero-mcp logout`: revoke the stored login at Xero and delete it."""
    say = _printer(stdout or sys.stdout)
    complain = _printer(stderr or sys.stderr)
    try:
        chosen_store = store if store is not None else open_store(settings)
    except TokenStoreError as exc:
        complain(f"Logout failed: {exc}")
        return 1
    try:
        login = chosen_store.load()
    except TokenStoreError as exc:
        chosen_store.delete()
        complain(f"The stored login could not be read, so it was deleted without revoking it at Xero ({exc})")
        return 1
    if login is None:
        say(f"Not signed in: nothing is stored in {chosen_store.describe()}.")
        return 0
    revoke_problem: str | None = None
    if login.refresh_token is not None:
        secret = settings.client_secret if settings.client_id == login.client_id else None
        oauth = XeroOAuth(
            settings.model_copy(update={"client_id": login.client_id, "client_secret": secret}), transport=transport
        )
        try:
            await oauth.revoke(login.refresh_token.get_secret_value())
        except OAuthFailure as failure:
            revoke_problem = f"Xero refused the revocation ({failure.error})"
        except LoginRequired as exc:
            revoke_problem = str(exc)
    chosen_store.delete()
    if revoke_problem is not None:
        complain(
            f"Deleted the stored login, but it could not be revoked at Xero: {revoke_problem}. Disconnect the app "
            "under Settings > Connected apps in Xero if it should lose access now."
        )
        return 1
    say("Signed out: the sign-in was revoked at Xero (its organisations disconnected) and deleted from this machine.")
    return 0


async def tenants_command(
    settings: Settings,
    *,
    default: str | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    store: TokenStore | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    now: Callable[[], datetime] | None = None,
) -> int:
    """`xero-mcp tenants [--default NAME]`: list the organisations, mark the default, show the credentials."""
    say = _printer(stdout or sys.stdout)
    complain = _printer(stderr or sys.stderr)
    session = build_auth_session(settings, transport=transport, store=store, now=now)
    try:
        if default is not None:
            chosen = await session.set_default_tenant(default)
            say(f"Default organisation is now {chosen.name} ({chosen.tenant_id}).")
        tenants = await session.tenants()
        try:
            default_id: str | None = (await session.resolve_tenant(None)).tenant_id
        except (UnknownTenant, LoginRequired):
            default_id = None
    except (LoginRequired, UnknownTenant) as exc:
        complain(str(exc))
        complain(f"Credentials in use: {session.describe()}.")
        complain(PRECEDENCE)
        return 1
    say(f"Connected organisations ({len(tenants)}):")
    width = max((len(t.name) for t in tenants), default=0)
    for tenant in tenants:
        marker = "*" if tenant.tenant_id == default_id else " "
        suffix = "  (default)" if marker == "*" else ""
        say(f" {marker} {tenant.name.ljust(width)}  {tenant.tenant_id}{suffix}")
    if default_id is None and len(tenants) > 1:
        say("No default organisation: set one with `xero-mcp tenants --default NAME` or XERO_TENANT_ID.")
    say(f"Credentials in use: {session.describe()}.")
    say(PRECEDENCE)
    return 0


def login(settings: Settings, *, port: int = 0, open_browser: bool = True, tenant: str | None = None) -> int:
    """Entry point of `xero-mcp login`."""
    ask = input if sys.stdin.isatty() else None
    return asyncio.run(login_command(settings, port=port, open_browser=open_browser, tenant=tenant, ask=ask))


def logout(settings: Settings) -> int:
    """Entry point of `xero-mcp logout`."""
    return asyncio.run(logout_command(settings))


def tenants(settings: Settings, *, default: str | None = None) -> int:
    """Entry point of `xero-mcp tenants`."""
    return asyncio.run(tenants_command(settings, default=default))
