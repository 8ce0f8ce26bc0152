"""ToolContext: what every tool handler is given, built once by the composition root (`xero_mcp.server`).

The expensive collaborators (the HTTP client, the sign-in session, the SQLite stores, the in-process sandbox for
`serve --sandbox`) are created on the first tool call rather than at start-up, so `initialize` and `tools/list`
answer as fast as a bare MCP server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from xero_mcp.client.errors import NotFound, PermissionDenied, XeroError
from xero_mcp.config import Settings
from xero_mcp.sync.xerotime import parse_xero_datetime
from xero_mcp.tools._confirm import ConfirmationTokens
from xero_mcp.tools._timezones import local_date

if TYPE_CHECKING:
    from xero_mcp.auth.provider import Tenant
    from xero_mcp.auth.session import AuthSession
    from xero_mcp.client import TenantClient, XeroClient
    from xero_mcp.client.models import Account, Item, TaxRate, TrackingCategory
    from xero_mcp.coordination import Coordinator
    from xero_mcp.sync.cursors import CursorStore
    from xero_mcp.sync.dedupe import DedupeLedger

logger = logging.getLogger(__name__)


@dataclass
class Backend:
    """The live collaborators behind the tools."""

    client: XeroClient
    auth: AuthSession
    cursors: CursorStore
    ledger: DedupeLedger
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list[Callable[[], Awaitable[None]]])
    # The hosted user these collaborators act for (None: the one local sign-in).
    owner: str | None = None


BackendFactory = Callable[[], Awaitable[Backend]]
# Hosted mode: the backend of the user the current request is for (resolved on every call, never cached here).
BackendResolver = Callable[[], Awaitable[Backend]]

NEW_CONTACT_WINDOW = timedelta(minutes=5)
"""How long a contact this server created counts as new: shorter than Xero's idempotency replay window (about six
minutes), so every document this server sent for it since is still answered from Xero's replay cache if sent again."""


@dataclass
class OrgState:
    """What this server learns about one organisation and keeps between tool calls (never shared across them).

    `profile` is None until GET /Organisation has been tried; the reference lists (accounts, tax rates, items,
    tracking categories) are None until first read and again after a tool changes them.
    """

    profile: OrgProfile | None = None
    clock_offset: timedelta | None = None
    polled: bool = False
    accounts: list[Account] | None = None
    tax_rates: list[TaxRate] | None = None
    items: list[Item] | None = None
    tracking: list[TrackingCategory] | None = None
    created_contacts: dict[UUID, datetime] = field(default_factory=dict[UUID, datetime])

    def note_created_contact(self, contact_id: UUID, now: datetime) -> None:
        """Remember that this server created the contact at `now` (see `contact_is_new`)."""
        self.created_contacts = {
            ident: at for ident, at in self.created_contacts.items() if now - at < NEW_CONTACT_WINDOW
        }
        self.created_contacts[contact_id] = now

    def contact_is_new(self, contact_id: UUID | None, now: datetime) -> bool:
        """Whether this server created the contact less than NEW_CONTACT_WINDOW ago."""
        created = self.created_contacts.get(contact_id) if contact_id is not None else None
        return created is not None and now - created < NEW_CONTACT_WINDOW


@dataclass(frozen=True, slots=True)
class OrgProfile:
    """The organisation's ShortCode (for deep links) and Timezone, from GET /Organisation; None where unknown."""

    short_code: str | None
    timezone: str | None


@dataclass
class Org:
    """One organisation as a tool sees it: its tenant, a client bound to it, what is known about it, and the
    coordinator whose locks hold across every process serving this app."""

    tenant: Tenant
    api: TenantClient
    state: OrgState
    coordinator: Coordinator

    @property
    def tenant_id(self) -> str:
        """The organisation's Xero tenant ID."""
        return self.tenant.tenant_id

    async def profile(self) -> OrgProfile:
        """The organisation's ShortCode and Timezone, read once; both None when Xero will not say.

        This is a lookup on the side of the call that needs it: GET /Organisation needs a settings scope a narrower
        sign-in lacks, and Xero may be briefly unavailable, so a failure is logged and the caller carries on with a
        plain link and the UTC day. A refusal (403, 404) is final for this organisation; anything else is tried
        again by the next call.
        """
        if self.state.profile is None:
            await self.measure_clock()
        return self.state.profile or OrgProfile(short_code=None, timezone=None)

    async def measure_clock(self) -> None:
        """Read GET /Organisation now: the organisation's profile, and how far Xero's clock is from ours (from the
        envelope's DateTimeUTC)."""
        sent = datetime.now(UTC)
        try:
            response = await self.api.request("GET", "/Organisation")
        except (PermissionDenied, NotFound) as exc:
            logger.warning("GET /Organisation refused (%s); deep links stay plain and dates use UTC", exc.status_code)
            self.state.profile = OrgProfile(short_code=None, timezone=None)
            return
        except XeroError as exc:
            logger.warning("GET /Organisation failed (%s); tried again on a later call", type(exc).__name__)
            return
        data = cast("dict[str, Any]", response.data) if isinstance(response.data, dict) else {}
        organisations = cast("list[Any]", data.get("Organisations") or [])
        first = cast("dict[str, Any]", organisations[0]) if organisations and isinstance(organisations[0], dict) else {}
        short_code, timezone = first.get("ShortCode"), first.get("Timezone")
        self.state.profile = OrgProfile(
            short_code=short_code if isinstance(short_code, str) else None,
            timezone=timezone if isinstance(timezone, str) else None,
        )
        self.note_clock(data, sent)

    def note_clock(self, data: Any, sent: datetime) -> None:
        """Remember how far Xero's clock is from ours, from an answer's DateTimeUTC to a request sent at `sent`."""
        if isinstance(data, dict):
            with contextlib.suppress(ValueError):  # no readable time: keep the last offset
                stamp = parse_xero_datetime(cast("dict[str, Any]", data).get("DateTimeUTC"))
                self.state.clock_offset = stamp - sent

    async def short_code(self) -> str | None:
        """The organisation's ShortCode (for deep links), fetched once per organisation; None when unknown."""
        return (await self.profile()).short_code

    def clock_offset(self) -> timedelta:
        """How far Xero's clock is ahead of ours, as last seen (zero before any answer)."""
        return self.state.clock_offset or timedelta(0)

    async def xero_now(self) -> datetime:
        """Xero's current time: our clock plus the offset Xero's answers show (read once if none seen yet)."""
        if self.state.clock_offset is None:
            await self.profile()
        return datetime.now(UTC) + self.clock_offset()

    async def today(self) -> date:
        """Today in the organisation's own time zone by Xero's clock (how Xero dates a document given none)."""
        now = await self.xero_now()
        return local_date(now, (await self.profile()).timezone)


class ToolContext:
    """Per-server state shared by tool calls: settings, the lazily built backend, per-organisation caches."""

    def __init__(
        self,
        settings: Settings,
        backend_factory: BackendFactory,
        confirmations: ConfirmationTokens | None = None,
        *,
        resolver: BackendResolver | None = None,
    ) -> None:
        self.settings = settings
        # Per server unless hosted mode passes tokens shared by its replicas (see _confirm).
        self.confirmations = confirmations or ConfirmationTokens()
        self._factory = backend_factory
        self._resolver = resolver
        self._backend: Backend | None = None
        self._lock = asyncio.Lock()
        # Keyed by user and tenant ID so nothing learnt about one organisation (or person) is used for another.
        self._states: dict[tuple[str | None, str], OrgState] = {}

    def forget_owner(self, owner: str) -> None:
        """Drop what was learnt about a hosted user's organisations (their backend left memory): it is learnt again
        on their next call, and memory does not grow with everyone who ever signed in."""
        for key in [key for key in self._states if key[0] == owner]:
            del self._states[key]

    async def backend(self) -> Backend:
        """The backend, built on first use (single flight); in hosted mode, the calling user's."""
        if self._resolver is not None:
            return await self._resolver()
        if self._backend is None:
            async with self._lock:
                if self._backend is None:
                    self._backend = await self._factory()
        return self._backend

    async def org(self, tenant: str | None) -> Org:
        """Resolve `tenant` (name, ID, or None for the default) to an organisation handle."""
        backend = await self.backend()
        chosen = await backend.auth.resolve_tenant(tenant or self.settings.tenant)
        header_id = chosen.tenant_id if backend.auth.needs_tenant_header else None
        state = self._states.setdefault((backend.owner, chosen.tenant_id), OrgState())
        return Org(
            tenant=chosen, api=backend.client.tenant(header_id), state=state, coordinator=backend.client.coordinator
        )

    async def aclose(self) -> None:
        """Close what the backend opened (HTTP clients, databases)."""
        if self._backend is not None:
            for close in reversed(self._backend.closers):
                await close()
            self._backend = None
