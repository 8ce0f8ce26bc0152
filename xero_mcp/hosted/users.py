"""Each request's own backend: the Xero sign-in, organisations, cursors and ledger of the person whose MCP token it
carries, and nobody else's.

The person is the `subject` of the access token the SDK's bearer middleware verified for this request
(`get_access_token()`). Their Xero login lives sealed in the store; `StoredLoginTokens` runs the same refresh code as
a local `xero-mcp login` (single flight, rotation, the 30-minute grace for a lost answer) over an in-memory copy, and
writes every rotation back to the store before the new access token is used. When Xero refuses the refresh (the
person disconnected the app, or the login expired), the person's MCP grants are revoked at once, so their client is
sent to sign in again rather than failing tool by tool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import httpx2
from mcp.server.auth.middleware.auth_context import get_access_token

from xero_mcp.auth.oauth import XeroOAuth, utc_now
from xero_mcp.auth.provider import LoginRequired
from xero_mcp.auth.providers import LOGIN_EXPIRED, REFRESH_MARGIN, LoginTokenProvider
from xero_mcp.auth.session import AuthSession
from xero_mcp.auth.store import StoredLogin
from xero_mcp.config import Settings
from xero_mcp.coordination import Coordinator, InProcessCoordinator
from xero_mcp.store import Store
from xero_mcp.tools._context import Backend

if TYPE_CHECKING:
    from xero_mcp.metrics import Metrics

logger = logging.getLogger(__name__)

SIGN_IN_AGAIN = "Your Xero sign-in for this server has ended. Sign in again from your MCP client."


class _Snapshot:
    """The TokenStore the refresh code reads and writes: one user's login in memory, marked dirty when saved."""

    def __init__(self, login: StoredLogin) -> None:
        self.login: StoredLogin | None = login
        self.dirty = False

    def load(self) -> StoredLogin | None:
        return self.login

    def save(self, login: StoredLogin) -> None:
        self.login = login
        self.dirty = True

    def delete(self) -> None:
        self.login = None
        self.dirty = True

    def describe(self) -> str:
        return "the hosted store (encrypted)"


class StoredLoginTokens:
    """A TokenProvider for one hosted user (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        user_id: str,
        snapshot: _Snapshot,
        inner: LoginTokenProvider,
        *,
        now: Callable[[], datetime],
        fleet_lock: Callable[[], AbstractAsyncContextManager[None]] = contextlib.nullcontext,
    ) -> None:
        self._store = store
        self._user_id = user_id
        self._snapshot = snapshot
        self.inner = inner
        self._now = now
        self._lock = asyncio.Lock()
        self._fleet_lock = fleet_lock

    async def get_token(self) -> str:
        """A valid Xero access token for this user, refreshed (and the rotation stored) first when due."""
        async with self._lock:
            login = self._snapshot.login
            if login is not None and self._now() < login.expires_at - REFRESH_MARGIN:
                return await self._guard(self.inner.get_token())
            # A refresh is due: one at a time across replicas, reading the rotation another may have stored.
            async with self._fleet_lock():
                await self._reload()
                return await self._guard(self.inner.get_token())

    async def refresh_token(self, rejected: str) -> str:
        """A new access token after Xero rejected `rejected`."""
        async with self._lock, self._fleet_lock():
            await self._reload()
            return await self._guard(self.inner.refresh_token(rejected))

    async def _reload(self) -> None:
        # Another replica may have refreshed already: its rotation is the one to build on.
        loaded = await self._store.load_xero_login(self._user_id)
        if loaded is None:
            raise LoginRequired(SIGN_IN_AGAIN)
        self._snapshot.login = StoredLogin.from_bytes(loaded[0])
        self._snapshot.dirty = False

    async def _guard(self, call: Awaitable[str]) -> str:
        try:
            token = await call
        except LoginRequired as exc:
            if str(exc) == LOGIN_EXPIRED:
                # Xero refused the refresh token: the app was disconnected or the login lapsed. Stop at once.
                await self._store.revoke_user_grants(self._user_id, "Xero refused the refresh")
                await self._store.delete_xero_login(self._user_id)
                raise LoginRequired(SIGN_IN_AGAIN) from None
            raise
        await self.flush()
        return token

    async def flush(self) -> None:
        """Write the login back to the store if the refresh code changed it."""
        if self._snapshot.dirty and self._snapshot.login is not None:
            await self._store.save_xero_login(self._user_id, self._snapshot.login.to_bytes())
            self._snapshot.dirty = False


RETIRE_GRACE_SECONDS = 300.0
"""How long a backend dropped from memory stays open after its last use: calls already running on it (waiting on
Xero's rate limits, retrying) finish before its client is closed."""


@dataclass
class _Held:
    backend: Backend
    last_used: float


class UserBackends:
    """Per-user backends, built on a user's first request and dropped when they sign in again or are revoked.

    Memory stays bounded however many people sign in: a backend idle for `idle_timeout` seconds is dropped, and so is
    the least recently used one when more than `max_backends` are held. A dropped backend is closed once
    `RETIRE_GRACE_SECONDS` have passed since its last use; the person's next call builds a new one from the store.
    `on_drop(user_id)` is told, so per-person caches elsewhere go too.

    Every user's client asks one `coordinator`: Xero's limits belong to the organisation and the app, not to the
    person, so two people working in one organisation share its 60 calls a minute (and, with Redis, so do replicas).
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = utc_now,
        coordinator: Coordinator | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_drop: Callable[[str], None] | None = None,
    ) -> None:
        # One coordinator for everyone: an organisation shared by two people has one rate budget at Xero, and the
        # app's own limit spans every person (with Redis, every replica too).
        self.coordinator: Coordinator = coordinator or InProcessCoordinator()
        self.on_drop = on_drop
        self._store = store
        self._settings = settings
        self._transport = transport
        self._now = now
        self._clock = clock
        self._metrics = metrics
        self._max = settings.max_user_backends
        self._idle = settings.user_idle_timeout
        self._held: OrderedDict[str, _Held] = OrderedDict()  # least recently used first
        self._retired: list[_Held] = []
        self._locks: dict[str, asyncio.Lock] = {}

    def held(self) -> tuple[str, ...]:
        """The users whose backends are in memory, least recently used first."""
        return tuple(self._held)

    async def current(self) -> Backend:
        """The backend of the user whose verified token this request carries."""
        token = get_access_token()
        if token is None or not token.subject:
            raise LoginRequired("This request carries no signed-in user: sign in from your MCP client.")
        return await self.for_user(token.subject)

    async def for_user(self, user_id: str) -> Backend:
        """A user's backend, built once (single flight per user)."""
        held = self._held.get(user_id)
        if held is None:
            lock = self._locks.setdefault(user_id, asyncio.Lock())
            async with lock:
                held = self._held.get(user_id)
                if held is None:
                    held = _Held(await self._build(user_id), self._clock())
                    self._held[user_id] = held
        held.last_used = self._clock()
        self._held.move_to_end(user_id)
        await self._sweep()
        return held.backend

    async def _sweep(self) -> None:
        """Drop the idle and the least recently used beyond the cap; close dropped ones past their grace."""
        now = self._clock()
        while self._held:
            user_id, oldest = next(iter(self._held.items()))
            if len(self._held) <= self._max and now - oldest.last_used < self._idle:
                break
            self._drop(user_id)
        due = [held for held in self._retired if now - held.last_used >= RETIRE_GRACE_SECONDS]
        self._retired = [held for held in self._retired if now - held.last_used < RETIRE_GRACE_SECONDS]
        for held in due:
            await _close(held.backend)

    def _drop(self, user_id: str) -> None:
        held = self._held.pop(user_id)
        self._retired.append(held)
        lock = self._locks.get(user_id)
        if lock is not None and not lock.locked():
            del self._locks[user_id]
        if self.on_drop is not None:
            self.on_drop(user_id)

    async def forget(self, user_id: str) -> None:
        """Drop a user's backend (a new sign-in replaced their Xero login, or they were revoked)."""
        held = self._held.pop(user_id, None)
        if held is not None:
            await _close(held.backend)

    async def aclose(self) -> None:
        """Close every backend, then the coordinator they shared."""
        for user_id in list(self._held):
            await self.forget(user_id)
        retired, self._retired = self._retired, []
        for held in retired:
            await _close(held.backend)
        await self.coordinator.aclose()

    async def _build(self, user_id: str) -> Backend:
        from xero_mcp.client import XeroClient
        from xero_mcp.server import client_pacing
        from xero_mcp.sync.cursors import CursorStore
        from xero_mcp.sync.dedupe import DedupeLedger

        loaded = await self._store.load_xero_login(user_id)
        if loaded is None:
            raise LoginRequired(SIGN_IN_AGAIN)
        login = StoredLogin.from_bytes(loaded[0])
        snapshot = _Snapshot(login)
        oauth = XeroOAuth(self._settings, client_id=login.client_id, transport=self._transport, now=self._now)
        metrics = self._metrics
        inner = LoginTokenProvider(
            snapshot, oauth, login=login, now=self._now, on_refresh=metrics.refresh if metrics is not None else None
        )
        coordinator = self.coordinator
        refresh_lock = f"refresh:{login.client_id}:{user_id}"
        tokens = StoredLoginTokens(
            self._store,
            user_id,
            snapshot,
            inner,
            now=self._now,
            fleet_lock=lambda: coordinator.lock(refresh_lock, ttl=60.0),
        )
        auth = AuthSession(
            tokens,
            source="hosted Xero sign-in",
            connections_url=self._settings.connections_url,
            transport=self._transport,
            timeout=self._settings.request_timeout,
            login_provider=inner,
        )
        client: XeroClient
        pacing = client_pacing(self._settings, metrics)
        if self._settings.history_notes:
            from xero_mcp.hosted.notes import NotingXeroClient, requester_note

            user = await self._store.get_user(user_id)
            who = requester_note(user.name, user.email) if user else requester_note(user_id, "")
            client = NotingXeroClient(
                self._settings, tokens, transport=self._transport, coordinator=coordinator, note=who, **pacing
            )
        else:
            client = XeroClient(self._settings, tokens, transport=self._transport, coordinator=coordinator, **pacing)
        # Each user's trigger cursors and dedupe ledger are their own (the store scopes every row by its owner): two
        # people polling one shared organisation never advance each other's cursor, and nobody reaches another's
        # ledger, whatever IDs or cursor tokens they send.
        cursors, ledger = CursorStore(self._store, user_id), DedupeLedger(self._store, user_id)

        async def close() -> None:
            await tokens.flush()
            await client.aclose()

        return Backend(client=client, auth=auth, cursors=cursors, ledger=ledger, closers=[close], owner=user_id)


async def _close(backend: Backend) -> None:
    for close in reversed(backend.closers):
        await close()
