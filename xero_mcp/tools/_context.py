"""ToolContext: what every tool handler is given, built once by the composition root (`xero_mcp.server`).

The expensive collaborators (the HTTP client, the sign-in session, the SQLite stores, the in-process sandbox for
`serve --sandbox`) are created on the first tool call rather than at start-up, so `initialize` and `tools/list`
answer as fast as a bare MCP server.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from xero_mcp.config import Settings
from xero_mcp.tools._confirm import ConfirmationTokens

if TYPE_CHECKING:
    from xero_mcp.auth.provider import Tenant
    from xero_mcp.auth.session import AuthSession
    from xero_mcp.client import TenantClient, XeroClient
    from xero_mcp.coordination import Coordinator
    from xero_mcp.sync.cursors import CursorStore
    from xero_mcp.sync.dedupe import DedupeLedger


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


_CLOCK_OFFSET = "xero_clock_offset"


@dataclass
class Org:
    """One organisation as a tool sees it: its tenant, a client bound to it, per-organisation caches, and the
    coordinator whose locks hold across every process serving this app."""

    tenant: Tenant
    api: TenantClient
    cache: dict[str, Any]
    coordinator: Coordinator

    @property
    def tenant_id(self) -> str:
        return self.tenant.tenant_id

    async def _learn(self) -> None:
        """Read GET /Organisation once per organisation (see measure_clock)."""
        if _CLOCK_OFFSET not in self.cache:
            await self.measure_clock()

    async def measure_clock(self) -> None:
        """Read GET /Organisation now: the organisation's ShortCode and Timezone, and how far Xero's clock is from
        ours (from the envelope's DateTimeUTC)."""
        sent = datetime.now(UTC)
        response = await self.api.request("GET", "/Organisation")
        data = cast("dict[str, Any]", response.data) if isinstance(response.data, dict) else {}
        organisations = cast("list[Any]", data.get("Organisations") or [])
        first = cast("dict[str, Any]", organisations[0]) if organisations and isinstance(organisations[0], dict) else {}
        self.cache.setdefault("short_code", first.get("ShortCode"))
        self.cache["timezone"] = first.get("Timezone")
        self.note_clock(data, sent)
        self.cache.setdefault(_CLOCK_OFFSET, timedelta(0))

    def note_clock(self, data: Any, sent: datetime) -> None:
        """Remember how far Xero's clock is from ours, from an answer's DateTimeUTC to a request sent at `sent`."""
        from xero_mcp.sync.xerotime import parse_xero_datetime

        if isinstance(data, dict):
            with contextlib.suppress(ValueError):  # no readable time: keep the last offset
                stamp = parse_xero_datetime(cast("dict[str, Any]", data).get("DateTimeUTC"))
                self.cache[_CLOCK_OFFSET] = stamp - sent

    async def short_code(self) -> str | None:
        """The organisation's ShortCode (for deep links), fetched once per organisation."""
        if "short_code" not in self.cache:
            await self._learn()
        code = self.cache.get("short_code")
        return code if isinstance(code, str) else None

    def clock_offset(self) -> timedelta:
        """How far Xero's clock is ahead of ours, as last seen (zero before any answer)."""
        offset = self.cache.get(_CLOCK_OFFSET)
        return offset if isinstance(offset, timedelta) else timedelta(0)

    async def xero_now(self) -> datetime:
        """Xero's current time: our clock plus the offset Xero's answers show (read once if none seen yet)."""
        await self._learn()
        return datetime.now(UTC) + self.clock_offset()

    async def today(self) -> date:
        """Today in the organisation's own time zone by Xero's clock (how Xero dates a document given none)."""
        from xero_mcp.tools._timezones import local_date

        now = await self.xero_now()
        zone = self.cache.get("timezone")
        return local_date(now, zone if isinstance(zone, str) else None)


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
        # Per server: a preview's token is only honoured by the server that issued it.
        self.confirmations = confirmations or ConfirmationTokens()
        self._factory = backend_factory
        self._resolver = resolver
        self._backend: Backend | None = None
        self._lock = asyncio.Lock()
        # Keyed by user and tenant ID so nothing cached for one organisation (or person) is used for another.
        self._caches: dict[tuple[str | None, str], dict[str, Any]] = {}

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
        cache = self._caches.setdefault((backend.owner, chosen.tenant_id), {})
        return Org(
            tenant=chosen, api=backend.client.tenant(header_id), cache=cache, coordinator=backend.client.coordinator
        )

    async def aclose(self) -> None:
        """Close what the backend opened (HTTP clients, databases)."""
        if self._backend is not None:
            for close in reversed(self._backend.closers):
                await close()
            self._backend = None
