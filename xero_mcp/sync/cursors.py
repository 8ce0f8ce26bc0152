"""Durable trigger cursors: "new or updated" polling over If-Modified-Since that never misses and never repeats.

A subscription is one consumer's view of one (organisation tenant ID, entity) pair, for example (tenant,
"sales_invoices"). Its state lives in the store (`xero_mcp.store`: SQLite in the state dir, or the hosted database),
so it survives restarts and is shared by every replica, and it belongs to one owner (a hosted user) and one consumer.

Consumers. A consumer is one reader of changes that must see each of them once: an automation, an agent, a
dashboard. Each consumer has its own cursor per organisation and entity, so one consumer's acknowledgement never
moves another's (two servers on one state dir, or two consumers of one organisation, each get every change). The
consumer of a poll is, in order: the consumer its cursor was issued to (a cursor carries it, so a consumer passing
its cursor back always continues its own subscription, on whichever replica); the `consumer` the caller names; or
the default the tools give (the MCP client's name, from `initialize`).

How a poll works (`poll()`):

- Starting. The first poll of a subscription, without `since`, records a baseline and returns nothing old: it reads
  the last safety margin of changes once and marks them as seen, so only what changes afterwards is delivered. With
  `since`, the subscription starts at `since` and the first poll returns everything changed since then.
- Window. Later polls ask Xero for every page of records modified since `cursor - margin` (5 minutes by default):
  Xero's timestamps, commit order and clocks are not exact, so the windows overlap on purpose.
- Exactly once. The subscription remembers, per record ID, the `UpdatedDateUTC` it last delivered. A fetched record is
  delivered only if it is newer than that, so the overlap never repeats a change, and a record changed twice between
  polls (or during one) is delivered once, as its latest version.
- New vs updated. A record is `created` the first time the subscription sees its ID after the baseline, `updated`
  after that; deleted, voided and archived records come through as changes with their status. Limitation: Xero
  records carry no creation time, so a record that existed before the baseline but was never seen by the subscription
  is reported as `created` the first time it changes. With webhooks on, Xero's own event type (UPDATE without a CREATE)
  corrects this for contacts, invoices and credit notes.
- Cursor. The next cursor is the newest `UpdatedDateUTC` the poll read, never the local clock (only the baseline uses
  it), and it is held back when a record changed while its pages were read, because a record moving to the end of
  Xero's `UpdatedDateUTC ASC` order shifts the pages after it and can push another record past a page boundary.

Two-phase acknowledgement: a poll commits nothing it delivers. It returns the changes and a cursor token, and stores
them as a pending delivery. The delivery is committed when the caller hands the token back, as `cursor=` on its next
poll or through `CursorStore.acknowledge()`. A tool result that never reached the caller is therefore delivered again:
the caller's next poll carries the previous token (or none), so the lost delivery is never committed and its changes
are recomputed from the last committed state. A poll that fails half way raises before anything is stored, so it
delivers nothing and loses nothing. Committing is a merge (per-ID maximum, cursor maximum), so acknowledging tokens
late, twice or out of order is safe.

Replicas. Every step above is a transaction on the shared store, so a consumer's polls may land on any replica: a
delivery stored by a replica that died before answering is never acknowledged and comes again; an acknowledged one
never does. Webhook events are an accelerator with one gap on PostgreSQL: an event numbered before another but
committed after a poll read the later one is passed over by the event path, and its record then arrives through the
If-Modified-Since window (unless it is older than the window).

Memory stays bounded: one 16-byte ID and one timestamp per record the subscription has seen (no per-change history),
the last few deliveries, and webhook events for a week at most.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

from xero_mcp.store.store import LOCAL_OWNER, EventRow, Store, SubscriptionStart
from xero_mcp.sync.xerotime import (
    canonical_uuid,
    from_epoch_ms,
    parse_xero_datetime,
    require_aware,
    to_epoch_ms,
    uuid_bytes,
)

DEFAULT_MARGIN = timedelta(minutes=5)
"""How far each If-Modified-Since window reaches back before the cursor."""

IDS_PER_FETCH = 50
"""Record IDs per fetch-by-ID call: Xero's `IDs=` filter stops working at about 52 GUIDs (URL length)."""

MAX_EVENT_IDS_PER_POLL = 500
"""Webhook-notified records fetched by ID in one poll; the rest wait for the next one."""

KEEP_DELIVERIES = 16
"""Deliveries (acknowledged or not) remembered per subscription; an older token is no longer recognised."""

DEFAULT_CONSUMER = "default"
"""The consumer of a poll that names none and carries no cursor."""

EVENT_RETENTION = timedelta(days=7)
"""Webhook events older than this are dropped, consumed or not (a poll's window covers them anyway)."""

WEBHOOK_CATEGORIES = frozenset({"CONTACT", "INVOICE", "CREDITNOTE"})
"""Xero webhook event categories that map to a poll subscription."""

Page = Sequence[Mapping[str, Any]]
FetchChanged = Callable[[datetime | None], AsyncIterator[Page]]
"""fetch_changed(if_modified_since) yields every page of raw Xero records modified since then."""
FetchByIds = Callable[[Sequence[str]], AsyncIterator[Page]]
"""fetch_ids(ids) yields the records with these IDs that belong to the subscription (same filter as fetch_changed)."""

AckStatus = Literal["none", "committed", "already_committed", "unknown"]
"""What the `cursor` passed to a poll did: none given, committed now, committed before, or not recognised."""


@dataclass(frozen=True, slots=True)
class EntityKind:
    """What the poll engine needs to know about one kind of record."""

    name: str
    id_field: str
    webhook_category: str | None = None


ENTITIES: Mapping[str, EntityKind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            EntityKind("contacts", "ContactID", "CONTACT"),
            EntityKind("sales_invoices", "InvoiceID", "INVOICE"),
            EntityKind("bills", "InvoiceID", "INVOICE"),
            EntityKind("credit_notes", "CreditNoteID", "CREDITNOTE"),
            EntityKind("quotes", "QuoteID"),
            EntityKind("payments", "PaymentID"),
            EntityKind("bank_transactions", "BankTransactionID"),
            EntityKind("bank_transfers", "BankTransferID"),
            EntityKind("purchase_orders", "PurchaseOrderID"),
            EntityKind("items", "ItemID"),
            EntityKind("manual_journals", "ManualJournalID"),
        )
    }
)
"""Known subscriptions by name (`poll_changes`' entity) and the ID field of their records."""


class PollError(Exception):
    """A fetched record cannot be tracked (no ID or no UpdatedDateUTC); the poll delivers nothing."""


class CursorMismatchError(ValueError):
    """A cursor token was issued for a different tenant or entity than the poll or acknowledgement names."""


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """A notification that a record changed (a Xero webhook event), kept until the next poll fetches the record."""

    tenant_id: str
    category: str
    resource_id: str
    event_type: str
    event_at: datetime


@dataclass(frozen=True, slots=True)
class SubscriptionState:
    """The committed state of one subscription."""

    tenant_id: str
    entity: str
    consumer: str
    floor: datetime
    cursor: datetime
    event_seq: int
    seen_count: int
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class PollResult:
    """One poll's changes and the token that acknowledges them.

    `created` and `updated` hold the raw Xero records, oldest change first. Pass `cursor` to the next poll (or to
    `CursorStore.acknowledge`) once the changes are safely received; until then they are delivered again.
    """

    tenant_id: str
    entity: str
    consumer: str
    created: tuple[Mapping[str, Any], ...]
    updated: tuple[Mapping[str, Any], ...]
    cursor: str
    started: bool
    replay: bool
    acknowledged: AckStatus
    window_start: datetime
    next_cursor_at: datetime
    pages: int
    fetched: int
    from_events: int = 0

    @property
    def changes(self) -> int:
        """How many records this result delivers."""
        return len(self.created) + len(self.updated)


class CursorStore:
    """The trigger state of one owner (a hosted user, or the one local sign-in) in the store: every consumer's
    subscriptions, their pending deliveries, and the owner's webhook events. No SQL here: this is the poll algorithm
    over `Store`, bound to its owner so that no call can reach another owner's rows."""

    def __init__(self, store: Store, owner: str = LOCAL_OWNER) -> None:
        self.store = store
        self.owner = owner

    async def ping(self) -> None:
        """Raise when the database cannot be reached (readiness checks)."""
        await self.store.ping()

    async def subscription(
        self, tenant_id: str, entity: str, consumer: str = DEFAULT_CONSUMER
    ) -> SubscriptionState | None:
        """The committed state of a consumer's subscription, or None when it has not started."""
        tenant = canonical_uuid(tenant_id, "tenant_id")
        row = await self.store.subscription(self.owner, consumer, tenant, entity)
        if row is None:
            return None
        return SubscriptionState(
            tenant_id=tenant,
            entity=entity,
            consumer=consumer,
            floor=from_epoch_ms(row.floor_ms),
            cursor=from_epoch_ms(row.cursor_ms),
            event_seq=row.event_seq,
            seen_count=row.seen_count,
            acknowledged_at=None if row.acked_ms is None else from_epoch_ms(row.acked_ms),
        )

    async def acknowledge(
        self, tenant_id: str, entity: str, token: str, *, now: datetime, consumer: str | None = None
    ) -> AckStatus:
        """Commit the delivery a poll returned with `token`: its changes will not be delivered again to its consumer.

        Returns "committed", "already_committed", or "unknown" (never issued to this owner, or pruned after
        KEEP_DELIVERIES newer ones; its changes are then simply delivered again). Raises CursorMismatchError for a token
        of another subscription (another organisation or entity, or another consumer than `consumer` names).
        """
        status, _ = await self._acknowledge(canonical_uuid(tenant_id, "tenant_id"), entity, token, now, consumer)
        return status

    async def _acknowledge(
        self, tenant: str, entity: str, token: str, now: datetime, consumer: str | None
    ) -> tuple[AckStatus, str | None]:
        now_ms = to_epoch_ms(require_aware(now))
        ack = await self.store.acknowledge_delivery(self.owner, token, tenant, entity, consumer, now_ms)
        if ack.outcome == "mismatch":
            raise CursorMismatchError(f"this cursor belongs to another subscription, not {entity}")
        return ack.outcome, ack.consumer

    async def reset(self, tenant_id: str, entity: str, consumer: str = DEFAULT_CONSUMER) -> bool:
        """Forget a consumer's subscription entirely (its next poll starts a new one). True when there was one."""
        return await self.store.reset_subscription(self.owner, consumer, canonical_uuid(tenant_id, "tenant_id"), entity)

    async def record_events(self, events: Iterable[ChangeEvent], *, now: datetime) -> int:
        """Store change notifications for the next polls of their tenant and category; returns how many were new.

        Categories other than CONTACT, INVOICE and CREDITNOTE are ignored; a redelivered event (same tenant,
        resource, type and time, as Xero resends batches it got no 200 for) is stored once. Every consumer of this
        owner reads them, each from its own position.
        """
        rows = [
            EventRow(
                canonical_uuid(event.tenant_id, "tenantId"),
                event.category,
                canonical_uuid(event.resource_id, "resourceId"),
                event.event_type.upper(),
                to_epoch_ms(require_aware(event.event_at)),
            )
            for event in events
            if event.category in WEBHOOK_CATEGORIES
        ]
        keep_ms = int(EVENT_RETENTION.total_seconds() * 1000)
        return await self.store.record_events(self.owner, rows, to_epoch_ms(require_aware(now)), keep_ms)

    async def _pending_events(self, tenant: str, category: str, after: int) -> tuple[dict[str, set[str]], int]:
        """Event types per resource ID for events newer than `after`, capped; and the last event sequence read."""
        types: dict[str, set[str]] = {}
        last = after
        for seq, resource_id, event_type in await self.store.events_after(self.owner, tenant, category, after):
            if resource_id not in types and len(types) >= MAX_EVENT_IDS_PER_POLL:
                break
            types.setdefault(resource_id, set()).add(event_type)
            last = seq
        return types, last

    async def _issue(
        self,
        tenant: str,
        entity: str,
        consumer: str,
        *,
        now_ms: int,
        cursor_ms: int,
        event_seq: int,
        items: Sequence[tuple[bytes, int]],
        start: SubscriptionStart | None = None,
    ) -> str:
        """Store a delivery and return its token. A baseline start is committed at once: it delivers nothing."""
        token = "xc1_" + secrets.token_urlsafe(18)
        await self.store.issue_delivery(
            self.owner,
            consumer,
            tenant,
            entity,
            token=token,
            now_ms=now_ms,
            cursor_ms=cursor_ms,
            event_seq=event_seq,
            items=items,
            start=start,
            keep=KEEP_DELIVERIES,
        )
        return token

    async def poll(
        self,
        tenant_id: str,
        entity: str,
        fetch_changed: FetchChanged,
        *,
        now: Callable[[], datetime],
        cursor: str | None = None,
        since: datetime | None = None,
        fetch_ids: FetchByIds | None = None,
        id_field: str | None = None,
        margin: timedelta = DEFAULT_MARGIN,
        consumer: str | None = None,
        default_consumer: str = DEFAULT_CONSUMER,
    ) -> PollResult:
        """Return what changed in one consumer's subscription since its last acknowledged poll (module docstring).

        - `cursor`: the token of the previous result, which this call acknowledges first. Omit it (or pass an older one)
          and the unacknowledged changes are delivered again.
        - `consumer`: who is reading. A cursor carries the consumer it was issued to, so a poll with a cursor
          continues that consumer's subscription; `consumer`, when given, must be the same (CursorMismatchError
          otherwise). Without a recognised cursor, the subscription is `consumer`'s, or `default_consumer`'s.
        - `since`: on a new subscription, where it starts (default: now, returning nothing old). On an existing one, a
          replay: everything changed since then, including changes delivered before (records this subscription has
          seen count as updated); the cursor does not move back.
        - `fetch_changed(if_modified_since)`: yields every page of raw Xero records of this subscription (for sales
          invoices, only ACCREC), in Xero's default `UpdatedDateUTC ASC` order.
        - `fetch_ids(ids)`: optional; when given, records named by webhook events since the last poll are fetched by ID
          too: a notified record is delivered even outside the If-Modified-Since window (unless this subscription
          already delivered that very version), and Xero's event type tells an old record from a new one.
        - `now`: the clock (aware datetimes); used for the baseline and bookkeeping, never to move a cursor.

        An exception from a fetcher propagates and nothing is stored.
        """
        kind = _resolve_kind(entity, id_field)
        tenant = canonical_uuid(tenant_id, "tenant_id")
        if since is not None:
            require_aware(since)
        now_ms = to_epoch_ms(require_aware(now()))
        margin_ms = int(margin.total_seconds() * 1000)

        acknowledged: AckStatus = "none"
        reader = consumer
        if cursor is not None:
            acknowledged, issued_to = await self._acknowledge(tenant, entity, cursor, from_epoch_ms(now_ms), consumer)
            reader = reader or issued_to
        reader = reader or default_consumer
        state = await self.subscription(tenant, entity, reader)

        if state is None and since is None:
            return await self._start_baseline(kind, tenant, reader, fetch_changed, now_ms, margin_ms, acknowledged)

        start: SubscriptionStart | None = None
        replay = False
        if state is None:
            assert since is not None
            window_ms = cursor_ms = to_epoch_ms(since)
            event_seq = await self.store.last_event_seq(self.owner)
            start = SubscriptionStart(floor_ms=window_ms, event_seq=event_seq, baseline=False)
        else:
            cursor_ms = to_epoch_ms(state.cursor)
            event_seq = state.event_seq
            if since is not None:
                replay = True
                window_ms = to_epoch_ms(since)
            else:
                window_ms = max(to_epoch_ms(state.floor), cursor_ms - margin_ms)

        batch = _Batch(kind)
        await batch.read(fetch_changed(from_epoch_ms(window_ms)))

        event_types: dict[str, set[str]] = {}
        next_event_seq = event_seq
        if fetch_ids is not None and kind.webhook_category is not None:
            event_types, next_event_seq = await self._pending_events(tenant, kind.webhook_category, event_seq)
            ids = list(event_types)
            for start_at in range(0, len(ids), IDS_PER_FETCH):
                await batch.read(fetch_ids(ids[start_at : start_at + IDS_PER_FETCH]), via_event=True)
        event_types_by_id = {uuid_bytes(resource_id): types for resource_id, types in event_types.items()}

        seen = await self.store.seen_versions(self.owner, reader, tenant, entity, list(batch.latest))
        created: list[Mapping[str, Any]] = []
        updated: list[Mapping[str, Any]] = []
        items: list[tuple[bytes, int]] = []
        from_events = 0
        for record_id, version in sorted(batch.latest.items(), key=lambda pair: (pair[1].updated_ms, pair[0])):
            if version.updated_ms < window_ms and not version.via_event:
                continue  # outside the window: the fetcher ignored If-Modified-Since, and this is old or pre-baseline
            previous = seen.get(record_id)
            if not replay and previous is not None and version.updated_ms <= previous:
                continue
            types = event_types_by_id.get(record_id, set())
            # Xero's own UPDATE event (with no CREATE) proves the record existed before: not new, even if unseen.
            is_new = previous is None and not (types and "CREATE" not in types)
            (created if is_new else updated).append(version.record)
            items.append((record_id, version.updated_ms))
            if version.via_event and not version.in_window:
                from_events += 1

        candidate = batch.newest_ms
        if candidate is not None and batch.moved_from_ms is not None:
            candidate = min(candidate, batch.moved_from_ms)
        next_cursor_ms = cursor_ms if candidate is None else max(cursor_ms, candidate)
        token = await self._issue(
            tenant,
            entity,
            reader,
            now_ms=now_ms,
            cursor_ms=next_cursor_ms,
            event_seq=next_event_seq,
            items=items,
            start=start,
        )
        return PollResult(
            tenant_id=tenant,
            entity=entity,
            consumer=reader,
            created=tuple(created),
            updated=tuple(updated),
            cursor=token,
            started=start is not None,
            replay=replay,
            acknowledged=acknowledged,
            window_start=from_epoch_ms(window_ms),
            next_cursor_at=from_epoch_ms(next_cursor_ms),
            pages=batch.pages,
            fetched=batch.fetched,
            from_events=from_events,
        )

    async def _start_baseline(
        self,
        kind: EntityKind,
        tenant: str,
        consumer: str,
        fetch_changed: FetchChanged,
        now_ms: int,
        margin_ms: int,
        acknowledged: AckStatus,
    ) -> PollResult:
        """Start a subscription at now: what changed within the margin is marked seen rather than delivered.

        Without this read, records changed just before the baseline would reappear as `created` in the first overlapping
        window. The cursor is at least the local now, so later windows never reach below what this read covered.
        """
        window_ms = now_ms - margin_ms
        event_seq = await self.store.last_event_seq(self.owner)
        batch = _Batch(kind)
        await batch.read(fetch_changed(from_epoch_ms(window_ms)))
        cursor_ms = now_ms if batch.newest_ms is None else max(now_ms, batch.newest_ms)
        token = await self._issue(
            tenant,
            kind.name,
            consumer,
            now_ms=now_ms,
            cursor_ms=cursor_ms,
            event_seq=event_seq,
            items=[(record_id, version.updated_ms) for record_id, version in batch.latest.items()],
            start=SubscriptionStart(floor_ms=window_ms, event_seq=event_seq, baseline=True),
        )
        return PollResult(
            tenant_id=tenant,
            entity=kind.name,
            consumer=consumer,
            created=(),
            updated=(),
            cursor=token,
            started=True,
            replay=False,
            acknowledged=acknowledged,
            window_start=from_epoch_ms(window_ms),
            next_cursor_at=from_epoch_ms(cursor_ms),
            pages=batch.pages,
            fetched=batch.fetched,
        )


@dataclass(slots=True)
class _Version:
    updated_ms: int
    record: Mapping[str, Any]
    in_window: bool
    via_event: bool


@dataclass(slots=True)
class _Batch:
    """Every record a poll read, reduced to the latest version per ID."""

    kind: EntityKind
    latest: dict[bytes, _Version] = field(default_factory=lambda: {})
    pages: int = 0
    fetched: int = 0
    newest_ms: int | None = None
    moved_from_ms: int | None = None

    async def read(self, pages: AsyncIterator[Page], *, via_event: bool = False) -> None:
        async for page in pages:
            self.pages += 1
            for record in page:
                self.fetched += 1
                self._add(record, via_event=via_event)

    def _add(self, record: Mapping[str, Any], *, via_event: bool) -> None:
        id_field = self.kind.id_field
        try:
            record_id = uuid_bytes(record.get(id_field), id_field)
        except ValueError as exc:
            raise PollError(f"a {self.kind.name} record has no valid {id_field}") from exc
        updated_ms = _updated_ms(record, self.kind)
        if not via_event:
            self.newest_ms = updated_ms if self.newest_ms is None else max(self.newest_ms, updated_ms)
        known = self.latest.get(record_id)
        if known is None:
            self.latest[record_id] = _Version(updated_ms, record, in_window=not via_event, via_event=via_event)
            return
        if updated_ms > known.updated_ms:
            if not via_event and known.in_window:
                # It changed while its pages were being read: later pages may have shifted under us.
                moved = known.updated_ms
                self.moved_from_ms = moved if self.moved_from_ms is None else min(self.moved_from_ms, moved)
            known.updated_ms = updated_ms
            known.record = record
        known.in_window = known.in_window or not via_event
        known.via_event = known.via_event or via_event


def _updated_ms(record: Mapping[str, Any], kind: EntityKind) -> int:
    raw = record.get("UpdatedDateUTC") or record.get("UpdatedDateUTCString")
    try:
        return to_epoch_ms(parse_xero_datetime(raw))
    except ValueError as exc:
        raise PollError(
            f"{kind.name} record {record.get(kind.id_field)} has no readable UpdatedDateUTC; "
            "it cannot be delivered exactly once"
        ) from exc


def _resolve_kind(entity: str, id_field: str | None) -> EntityKind:
    known = ENTITIES.get(entity)
    if id_field is not None:
        return EntityKind(entity, id_field, known.webhook_category if known else None)
    if known is None:
        raise ValueError(f"unknown subscription {entity!r}: pass id_field, or use one of {', '.join(ENTITIES)}")
    return known


async def poll(
    store: CursorStore,
    tenant_id: str,
    entity: str,
    fetch_changed: FetchChanged,
    *,
    now: Callable[[], datetime],
    cursor: str | None = None,
    since: datetime | None = None,
    fetch_ids: FetchByIds | None = None,
    id_field: str | None = None,
    margin: timedelta = DEFAULT_MARGIN,
    consumer: str | None = None,
) -> PollResult:
    """Poll one subscription in `store`: the same as `CursorStore.poll` (see there and the module docstring)."""
    return await store.poll(
        tenant_id,
        entity,
        fetch_changed,
        now=now,
        cursor=cursor,
        since=since,
        fetch_ids=fetch_ids,
        id_field=id_field,
        margin=margin,
        consumer=consumer,
    )
