"""Names a person would use, turned into the codes and IDs Xero needs; and find-before-create for the create tools.

Accounts (code or name), tax rates (TaxType or name), items (code or name), tracking options (category + option name)
and contacts (ID, number or exact name) are resolved here. Comparison ignores letter case and surrounding spaces; a
name that matches nothing, or more than one thing, is a UserInputError naming the field and listing close matches
(difflib), so a model can pick the right one instead of guessing again.

The chart of accounts, tax rates, items and tracking categories are cached per organisation in `org.cache` and
re-read once when a name is not found (someone may have just added it). Contacts change too often to cache.

`create_once` is the duplicate-safe create every create tool runs (see xero_mcp.sync.dedupe for the four layers).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from uuid import UUID

from xero_mcp.client.errors import NotFound
from xero_mcp.client.pagination import Where
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import LineIn

if TYPE_CHECKING:
    # The client's models and the sync stores load on the first tool call (imported where used), not at start-up.
    from xero_mcp.client.models import (
        Account,
        Contact,
        ContactRef,
        Item,
        LineItemInput,
        TaxRate,
        TrackingCategory,
        TrackingInput,
        TrackingOption,
        XeroRequest,
    )

T = TypeVar("T")
Q = TypeVar("Q", bound="XeroRequest")
T_co = TypeVar("T_co", covariant=True)
Q_contra = TypeVar("Q_contra", contravariant=True)

_MAX_SUGGESTIONS = 5


def fold(text: str | None) -> str:
    """How names, codes and references are compared: runs of spaces as one, letter case ignored."""
    return " ".join((text or "").split()).casefold()


def close_matches(wanted: str, choices: Iterable[str], n: int = _MAX_SUGGESTIONS) -> list[str]:
    """The choices most like `wanted`: those containing it (or contained in it) first, then similar spellings.

    A choice labelled "Name (CODE)" is also compared by its name alone, so a code does not hide a near miss.
    """
    options = list(dict.fromkeys(choice for choice in choices if choice))
    target = fold(wanted)
    if not target:
        return []
    found = [choice for choice in options if target in fold(choice) or fold(choice) in target]
    scored: list[tuple[float, int, str]] = []
    for index, choice in enumerate(options):
        if choice in found:
            continue
        forms = {fold(choice), fold(choice.split(" (")[0])}
        score = max(difflib.SequenceMatcher(None, target, form).ratio() for form in forms)
        if score >= 0.6:
            scored.append((-score, index, choice))
    found += [choice for _, _, choice in sorted(scored)]
    return found[:n]


def unknown(field: str, kind: str, wanted: str, choices: Iterable[str], hint: str = "") -> UserInputError:
    """The error for a name that matches nothing: names the field, lists close matches and where to look."""
    close = close_matches(wanted, choices)
    suggestion = f" Close matches: {', '.join(close)}." if close else ""
    return UserInputError(f"{field}: no {kind} matches {wanted!r}.{suggestion}{(' ' + hint) if hint else ''}")


# --- cached reference data ---------------------------------------------------------------------------------------


_KINDS = ("accounts", "tax_rates", "items", "tracking")


async def _read(org: Org, kind: str) -> list[Any]:
    if kind == "accounts":
        return await org.api.accounts.list()
    if kind == "tax_rates":
        return await org.api.tax_rates.list()
    if kind == "items":
        return await org.api.items.list()
    return await org.api.tracking_categories.list()


async def _cached(org: Org, kind: str, *, refresh: bool = False) -> list[Any]:
    slot = f"resolve:{kind}"
    if refresh or slot not in org.cache:
        org.cache[slot] = await _read(org, kind)
    return org.cache[slot]


def invalidate(org: Org, *kinds: str) -> None:
    """Forget cached reference data ("accounts", "tax_rates", "items", "tracking") after changing it."""
    for kind in kinds or _KINDS:
        if kind not in _KINDS:
            raise ValueError(f"unknown reference data {kind!r}")
        org.cache.pop(f"resolve:{kind}", None)


async def _lookup(org: Org, kind: str, pick: Callable[[list[Any]], T | None]) -> tuple[T | None, list[Any]]:
    """Pick from the cached list; on a miss, read the list again once (it may have changed since it was cached)."""
    records = await _cached(org, kind)
    found = pick(records)
    if found is None:
        records = await _cached(org, kind, refresh=True)
        found = pick(records)
    return found, records


# --- the organisation's clock ----------------------------------------------------------------------------------


async def today(org: Org) -> dt.date:
    """Today in the organisation's own time zone by Xero's clock, for documents that need a date when the caller
    gives none (Xero itself dates them so; see _timezones)."""
    return await org.today()


# --- accounts ------------------------------------------------------------------------------------------------------

_CODE_AND_NAME = re.compile(r"^\s*(?P<code>[^\s\-–:]+)\s*[-–:]\s*(?P<name>.+?)\s*$")


def _account_label(account: Account) -> str:
    return f"{account.name} ({account.code})" if account.code else str(account.name)


async def account(org: Org, wanted: str, *, field: str = "account", bank: bool = False) -> Account:
    """The account with this code or name (or "code - name"); `bank=True` accepts only bank accounts.

    Raises UserInputError for an unknown, archived or (with `bank`) non-bank account.
    """
    text = fold(wanted)
    if not text:
        raise UserInputError(f"{field}: give an account code or name.")
    split = _CODE_AND_NAME.match(wanted)
    split_code, split_name = (fold(split.group("code")), fold(split.group("name"))) if split else ("", "")

    def rank(a: Account) -> int | None:
        # By code first, then by name, then as "code - name"; None when the account does not match at all.
        if a.code is not None and fold(a.code) == text:
            return 0
        if a.name is not None and fold(a.name) == text:
            return 1
        if split_code and fold(a.code or "") == split_code and fold(a.name or "") == split_name:
            return 2
        return None

    def pick(accounts: list[Account]) -> Account | None:
        live = [a for a in accounts if (a.status or "ACTIVE") != "DELETED" and (not bank or a.type == "BANK")]
        ranked = [(r, (a.status or "ACTIVE") != "ACTIVE", i) for i, a in enumerate(live) if (r := rank(a)) is not None]
        return live[min(ranked)[2]] if ranked else None

    found, accounts = await _lookup(org, "accounts", pick)
    usable = [a for a in accounts if (a.status or "ACTIVE") == "ACTIVE" and (not bank or a.type == "BANK")]
    if found is None:
        kind = "bank account" if bank else "account"
        labels = [_account_label(a) for a in usable] + [a.code for a in usable if a.code]
        raise unknown(field, kind, wanted, labels, "See list_accounts.")
    if (found.status or "ACTIVE") != "ACTIVE":
        close = close_matches(str(found.name), [_account_label(a) for a in usable])
        others = f" Active accounts with similar names: {', '.join(close)}." if close else ""
        raise UserInputError(f"{field}: account {_account_label(found)} is archived and cannot be used.{others}")
    return found


async def account_code(org: Org, wanted: str, *, field: str = "account") -> str:
    """The code of the account with this code or name (see `account`)."""
    found = await account(org, wanted, field=field)
    if not found.code:
        raise UserInputError(f"{field}: account {found.name} has no code and cannot be used on a line.")
    return found.code


# --- tax rates, items, tracking ------------------------------------------------------------------------------------


async def tax_type(org: Org, wanted: str, *, field: str = "tax") -> str:
    """The TaxType code for a tax type or tax rate name (e.g. "OUTPUT2" or "15% GST on Income")."""
    text = fold(wanted)

    def pick(rates: list[TaxRate]) -> TaxRate | None:
        live = [r for r in rates if (r.status or "ACTIVE") == "ACTIVE"]
        for hits in (
            [r for r in live if r.tax_type is not None and fold(r.tax_type) == text],
            [r for r in live if r.name is not None and fold(r.name) == text],
        ):
            if hits:
                return hits[0]
        return None

    found, rates = await _lookup(org, "tax_rates", pick)
    if found is None or found.tax_type is None:
        live = [r for r in rates if (r.status or "ACTIVE") == "ACTIVE"]
        labels = [f"{r.name} ({r.tax_type})" for r in live] + [str(r.tax_type) for r in live if r.tax_type]
        raise unknown(field, "tax rate", wanted, labels, "See list_tax_rates.")
    return found.tax_type


async def item(org: Org, wanted: str, *, field: str = "item") -> Item:
    """The item with this code or name."""
    text = fold(wanted)

    def pick(items: list[Item]) -> Item | None:
        for hits in (
            [i for i in items if i.code is not None and fold(i.code) == text],
            [i for i in items if i.name is not None and fold(i.name) == text],
        ):
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                codes = ", ".join(str(i.code) for i in hits)
                raise UserInputError(f"{field}: {len(hits)} items are called {wanted!r} (codes {codes}); use a code.")
        return None

    found, items = await _lookup(org, "items", pick)
    if found is None:
        labels = [f"{i.name} ({i.code})" if i.name else str(i.code) for i in items] + [str(i.code) for i in items]
        raise unknown(field, "item", wanted, labels, "See list_items.")
    return found


async def item_code(org: Org, wanted: str, *, field: str = "item") -> str:
    """The code of the item with this code or name."""
    found = await item(org, wanted, field=field)
    assert found.code is not None  # items are found by code or name; Xero requires every item to have a code
    return found.code


async def tracking(org: Org, category: str, option: str, *, field: str = "tracking") -> TrackingInput:
    """A tracking reference (category and option IDs and names) for an active category and option, by name."""
    from xero_mcp.client.models import TrackingInput

    wanted_category, wanted_option = fold(category), fold(option)

    def active_category(categories: list[TrackingCategory]) -> TrackingCategory | None:
        return next(
            (
                c
                for c in categories
                if (c.status or "ACTIVE") == "ACTIVE" and c.name is not None and fold(c.name) == wanted_category
            ),
            None,
        )

    def active_options(found: TrackingCategory) -> list[TrackingOption]:
        return [o for o in found.options if (o.status or "ACTIVE") == "ACTIVE"]

    def pick(categories: list[TrackingCategory]) -> tuple[TrackingCategory, TrackingOption] | None:
        found = active_category(categories)
        if found is None:
            return None
        chosen = next((o for o in active_options(found) if o.name and fold(o.name) == wanted_option), None)
        return (found, chosen) if chosen is not None else None

    pair, categories = await _lookup(org, "tracking", pick)
    if pair is None:
        found = active_category(categories)
        if found is None:
            names = [str(c.name) for c in categories if (c.status or "ACTIVE") == "ACTIVE"]
            raise unknown(f"{field}.category", "tracking category", category, names, "See list_tracking_categories.")
        options = [str(o.name) for o in active_options(found)]
        raise unknown(f"{field}.option", f"option of {found.name!r}", option, options)
    found, chosen = pair
    return TrackingInput(
        tracking_category_id=found.tracking_category_id,
        tracking_option_id=chosen.tracking_option_id,
        name=found.name,
        option=chosen.name,
    )


# --- contacts ------------------------------------------------------------------------------------------------------


def _as_uuid(text: str) -> UUID | None:
    try:
        return UUID(text.strip())
    except ValueError:
        return None


def is_id(text: str) -> bool:
    """Whether `text` is a Xero ID (a UUID) rather than a number, code or name."""
    return _as_uuid(text) is not None


async def contact(org: Org, wanted: str, *, field: str = "contact") -> Contact:
    """The contact with this ContactID, ContactNumber or exact name (case-insensitive), read from Xero.

    An ACTIVE contact is preferred over an archived one with the same name. Unknown: a UserInputError listing
    contacts with similar names and pointing at find_or_create_contact.
    """
    from xero_mcp.client.models import Contact
    from xero_mcp.sync.dedupe import contact_where, match_contact

    text = wanted.strip()
    if not text:
        raise UserInputError(f"{field}: give a contact ID, number or name.")
    ident = _as_uuid(text)
    if ident is not None:
        try:
            return await org.api.contacts.get(ident)
        except NotFound:
            raise UserInputError(f"{field}: no contact has the ID {ident}.") from None
    # contact_where escapes quotes the way Xero's where parser reads them; Where.raw takes that text as written.
    where = Where.raw(contact_where(contact_number=text, name=text))
    page = await org.api.contacts.list(where=where, include_archived=True)
    match = match_contact([c.model_dump(by_alias=True) for c in page.items], contact_number=text, name=text)
    if match is not None:
        return Contact.model_validate(dict(match.contact))
    raise await _unknown_contact(org, field, text)


async def _unknown_contact(org: Org, field: str, text: str) -> UserInputError:
    # One search for similar names, so the error can offer them (only on this error path).
    words = sorted(text.split(), key=len, reverse=True)
    names: list[str] = []
    if words:
        page = await org.api.contacts.list(search_term=words[0], page_size=50)
        names = [c.name for c in page.items if c.name]
    return unknown(
        field, "contact", text, names, "Use find_or_create_contact to find it by email or create it, then retry."
    )


async def contact_ref(org: Org, wanted: str, *, field: str = "contact") -> ContactRef:
    """A reference to an existing, active contact by ContactID (see `contact`), for a document's Contact field."""
    from xero_mcp.client.models import ContactRef

    found = await contact(org, wanted, field=field)
    if found.contact_status == "ARCHIVED":
        raise UserInputError(
            f"{field}: {found.name} is archived. Restore it with update_contact(status='ACTIVE') first, or use "
            "another contact."
        )
    return ContactRef(contact_id=found.contact_id)


# --- line items ----------------------------------------------------------------------------------------------------


async def line_items(
    org: Org, lines: Sequence[LineIn], *, field: str = "lines", tax_from_account: bool = False
) -> list[LineItemInput]:
    """Xero line items for the tool's lines: accounts, tax rates, items and tracking resolved to codes and IDs.

    `tax_from_account` fills a line's tax type from its account's default when none is given: quotes need this,
    since Xero does not default a quote line's tax from its account as it does on other documents.
    """
    from xero_mcp.client.models import LineItemInput

    if not lines:
        raise UserInputError(f"{field}: give at least one line.")
    out: list[LineItemInput] = []
    for index, line in enumerate(lines):
        where = f"{field}[{index}]"
        if line.description is None and line.item is None and line.unit_amount is None:
            raise UserInputError(f"{where}: give at least a description, an item or a unit_amount.")
        code: str | None = None
        tax: str | None = await tax_type(org, line.tax, field=f"{where}.tax") if line.tax else None
        if line.account:
            found = await account(org, line.account, field=f"{where}.account")
            if not found.code:
                raise UserInputError(f"{where}.account: account {found.name} has no code and cannot be used on a line.")
            code = found.code
            if tax is None and tax_from_account:
                tax = found.tax_type
        out.append(
            LineItemInput(
                description=line.description,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                account_code=code,
                tax_type=tax,
                item_code=await item_code(org, line.item, field=f"{where}.item") if line.item else None,
                discount_rate=line.discount_rate,
                tracking=[await tracking(org, t.category, t.option, field=f"{where}.tracking") for t in line.tracking]
                if line.tracking
                else None,
            )
        )
    return out


# --- find before create --------------------------------------------------------------------------------------------


def status_in(*statuses: str) -> Callable[[object], bool]:
    """A `gone` test for `fetch_live`: the record's Status is one of `statuses` (a record without one never is)."""
    return lambda record: getattr(record, "status", None) in statuses


DELETED = status_in("DELETED")
"""The usual `gone` test: a deleted record no longer counts as an existing copy."""


async def fetch_live(
    get: Callable[[str], Awaitable[T]], record_id: str, gone: Callable[[T], bool] = DELETED
) -> T | None:
    """The record `get` reads for this ID (or number), or None when Xero has none or `gone` says it no longer counts."""
    try:
        found = await get(record_id)
    except NotFound:
        return None
    return None if gone(found) else found


class Records(Protocol[T_co, Q_contra]):
    """A client collection a create tool writes to: records read by Xero ID, created with an Idempotency-Key."""

    @property
    def id_name(self) -> str:
        """The snake_case name of the records' ID field ("invoice_id")."""
        ...

    async def get(self, record_id: str) -> T_co:
        """The record with this ID; raises NotFound."""
        ...

    async def create(self, record: Q_contra, /, *, idempotency_key: str | None = None) -> T_co:
        """Create the record with this Idempotency-Key."""
        ...


@dataclass(frozen=True, slots=True)
class Dedupe(Generic[T]):
    """What a create tool writes, and how it recognises and fetches its records, for `create_once`.

    `body` is the request as sent to Xero (its natural key is read from it); `fetch(xero_id)` reads a record by ID
    (None when it is gone or deleted); `find()` looks the natural key up in Xero (None when nothing matches; may be
    None itself when Xero cannot be searched by that key); `create(key)` writes with the given Idempotency-Key;
    `record_id(record)` is the record's Xero ID.
    """

    body: Mapping[str, Any]
    fetch: Callable[[str], Awaitable[T | None]]
    find: Callable[[], Awaitable[T | None]] | None
    create: Callable[[str | None], Awaitable[T]]
    record_id: Callable[[T], str]


def dedupe_in(
    records: Records[T, Q],
    request: Q,
    find: Callable[[], Awaitable[T | None]] | None,
    *,
    gone: Callable[[T], bool] = DELETED,
    create: Callable[[str | None], Awaitable[T]] | None = None,
) -> Dedupe[T]:
    """The Dedupe of creating `request` in `records`: fetched by ID unless `gone`, created as it is unless `create`
    does more (a check first, a cache to drop after)."""
    id_name = records.id_name
    return Dedupe(
        body=request.to_xero(),
        fetch=lambda xero_id: fetch_live(records.get, xero_id, gone),
        find=find,
        create=create or (lambda key: records.create(request, idempotency_key=key)),
        record_id=lambda record: str(getattr(record, id_name)),
    )


CREATE_LOCK_TTL = 120.0
"""How long a create-once lock outlives a holder that died (a replica killed mid-create) before another may enter."""


def create_lock(org: Org, tool: str, key: str) -> AbstractAsyncContextManager[None]:
    """The lock for creating the record with this natural key in this organisation, held by one caller at a time
    on every process that shares the coordinator (one process, or every replica on one Redis)."""
    digest = hashlib.sha256(f"{org.tenant_id.lower()}\x1f{tool}\x1f{key}".encode()).hexdigest()
    return org.coordinator.lock(f"create:{digest}", ttl=CREATE_LOCK_TTL)


def key_of(tool: str, body: Mapping[str, Any], dedupe_key: str | None) -> str:
    """The natural key of a create request; UserInputError when the request lacks what the key is made of."""
    from xero_mcp.sync.dedupe import natural_key

    try:
        return natural_key(tool, body, dedupe_key=dedupe_key)
    except ValueError as exc:
        raise UserInputError(f"Cannot check for duplicates: {exc}. Pass dedupe_key, or allow_duplicate=true.") from None


async def create_once(
    x: ToolContext,
    org: Org,
    tool: str,
    how: Dedupe[T],
    *,
    dedupe_key: str | None = None,
    allow_duplicate: bool = False,
    key_extra: Mapping[str, Any] | None = None,
) -> tuple[T, bool]:
    """Create the record unless it exists already: returns (record, duplicate).

    Under a per-key lock: the ledger (records this server created), then Xero itself (`how.find`), then the create
    with a deterministic Idempotency-Key, then the ledger entry. `allow_duplicate` skips the lookups and sends a
    fresh key, so a deliberate second copy is never answered from Xero's replay cache. `key_extra` adds fields to
    the natural key that the request leaves to Xero (a document's date when Xero defaults it to today).
    """
    from xero_mcp.sync.dedupe import idempotency_key

    if allow_duplicate:
        return await how.create(None), False
    body = how.body
    key = key_of(tool, {**body, **(key_extra or {})}, dedupe_key)
    backend = await x.backend()
    tenant_id = org.tenant_id
    async with create_lock(org, tool, key):
        entry = backend.ledger.lookup(tenant_id, tool, key)
        if entry is not None:
            existing = await how.fetch(entry.xero_id)
            if existing is not None:
                return existing, True
            backend.ledger.forget(tenant_id, tool, key)
        if how.find is not None:
            existing = await how.find()
            if existing is not None:
                backend.ledger.record(tenant_id, tool, key, how.record_id(existing), now=datetime.now(UTC))
                return existing, True
        created = await how.create(idempotency_key(tenant_id, tool, key, body))
        backend.ledger.record(tenant_id, tool, key, how.record_id(created), now=datetime.now(UTC))
        return created, False
