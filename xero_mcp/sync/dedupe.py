"""The create-once ledger: which record this server created under which natural key, per organisation, and claims
on a key while its create is under way.

Storage only, over `Store`: what a natural key is, and how a create looks for an existing copy, belong to the tools
(`xero_mcp.tools._create`). A `kind` is the kind of Xero record ("invoice", "contact"), never a tool's name.

Claims make the ledger safe across processes and replicas. Before it writes, a create claims its natural key: the
store's unique key lets exactly one claimer win. Another claimer of the same key waits (bounded) until the key is
recorded, then sees the record; a claim whose holder died (its lease ran out) is taken over as `recovered`, and the
new holder looks the record up in Xero before writing, as the single-process path does after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from xero_mcp.store.store import LOCAL_OWNER, Claim, Store
from xero_mcp.sync.xerotime import canonical_uuid, from_epoch_ms, require_aware, to_epoch_ms

CLAIM_LEASE = timedelta(seconds=15)
"""How long a claim outlives a holder that died mid-create before another caller may take it over. A live holder
renews its claim every third of this for as long as its create takes (rate-limit waits included)."""

CLAIM_WAIT = timedelta(seconds=45)
"""How long a second claimer waits for a live claim before giving up (ClaimBusyError): longer than a lease, so a
claim left by a holder that died is always outlived and recovered."""


class ClaimBusyError(RuntimeError):
    """Another caller held the key for longer than the wait allows; nothing was written."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A record this server created: of which kind (a Xero record type), under which natural key, with which Xero ID,
    when."""

    tenant_id: str
    kind: str
    natural_key: str
    xero_id: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class KeyClaim:
    """The outcome of `DedupeLedger.claim`: either the key is the caller's to create (`token`, and `recovered` when
    taken over from a holder that died), or it is recorded already (`entry`)."""

    tenant_id: str
    kind: str
    natural_key: str
    token: str | None = None
    entry: LedgerEntry | None = None
    recovered: bool = False


async def _pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


class DedupeLedger:
    """(organisation, record kind, natural key) -> the Xero ID created, for one owner (a hosted user, or the one local
    sign-in), in the store."""

    def __init__(
        self,
        store: Store,
        owner: str = LOCAL_OWNER,
        *,
        lease: timedelta = CLAIM_LEASE,
        wait: timedelta = CLAIM_WAIT,
        sleep: Callable[[float], Awaitable[None]] = _pause,
    ) -> None:
        self.store = store
        self.owner = owner
        self._lease_ms = int(lease.total_seconds() * 1000)
        self._wait_ms = int(wait.total_seconds() * 1000)
        self._sleep = sleep

    async def lookup(self, tenant_id: str, kind: str, natural_key: str) -> LedgerEntry | None:
        """The record created before under this key, or None. The tool should confirm it still exists in Xero."""
        tenant = canonical_uuid(tenant_id, "tenant_id")
        found = await self.store.recorded_key(self.owner, tenant, kind, natural_key)
        if found is None:
            return None
        return LedgerEntry(tenant, kind, natural_key, found[0], from_epoch_ms(found[1]))

    async def record(self, tenant_id: str, kind: str, natural_key: str, xero_id: str, *, now: datetime) -> LedgerEntry:
        """Remember the record created under this key (ending a claim on it); a later record replaces an earlier one."""
        entry = LedgerEntry(
            canonical_uuid(tenant_id, "tenant_id"),
            kind,
            natural_key,
            canonical_uuid(xero_id, "xero_id"),
            require_aware(now),
        )
        await self.store.record_key(
            self.owner, entry.tenant_id, kind, natural_key, entry.xero_id, to_epoch_ms(entry.recorded_at)
        )
        return entry

    async def forget(self, tenant_id: str, kind: str, natural_key: str) -> bool:
        """Drop an entry (its record is gone from Xero); True when there was one."""
        return await self.store.forget_key(self.owner, canonical_uuid(tenant_id, "tenant_id"), kind, natural_key)

    async def claim(self, tenant_id: str, kind: str, natural_key: str, *, replacing: str | None = None) -> KeyClaim:
        """Claim a key before creating its record, waiting while another caller holds it.

        Returns the key's record when it has one (unless it is `replacing`, a record gone from Xero, which is then
        claimed for a new create), otherwise a claim the caller must end with `record` or `release`. Raises
        ClaimBusyError when another holder keeps the key past the wait.
        """
        tenant = canonical_uuid(tenant_id, "tenant_id")
        waited = 0.0
        pause = 0.02
        while True:
            outcome: Claim = await self.store.claim_key(
                self.owner, tenant, kind, natural_key, lease_ms=self._lease_ms, replacing=replacing
            )
            if outcome.state == "claimed":
                return KeyClaim(tenant, kind, natural_key, token=outcome.token, recovered=outcome.recovered)
            if outcome.state == "recorded":
                assert outcome.xero_id is not None and outcome.recorded_ms is not None
                entry = LedgerEntry(tenant, kind, natural_key, outcome.xero_id, from_epoch_ms(outcome.recorded_ms))
                return KeyClaim(tenant, kind, natural_key, entry=entry)
            # Counted in pauses, not on a clock: the wait is bounded even where the clock is frozen (tests).
            if waited * 1000 >= self._wait_ms:
                raise ClaimBusyError(
                    "another request is still creating this record; try again shortly (nothing was written)"
                )
            await self._sleep(pause)
            waited += pause
            pause = min(pause * 2, 0.5)

    @asynccontextmanager
    async def holding(self, claim: KeyClaim) -> AsyncGenerator[None]:
        """Keep a claim alive while the body runs (its create, however long Xero takes), renewing its lease."""
        token = claim.token
        if token is None:
            yield
            return
        every = self._lease_ms / 3000

        async def renew() -> None:
            while True:
                await asyncio.sleep(every)
                kept = await self.store.renew_key(
                    self.owner, claim.tenant_id, claim.kind, claim.natural_key, token, self._lease_ms
                )
                if not kept:
                    return

        renewer = asyncio.create_task(renew())
        try:
            yield
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await renewer

    async def release(self, claim: KeyClaim) -> bool:
        """Give up a claim whose create wrote nothing; True when the claim was still the caller's."""
        if claim.token is None:
            return False
        return await self.store.release_key(self.owner, claim.tenant_id, claim.kind, claim.natural_key, claim.token)
