"""One create-once path for every create tool: lock -> ledger -> find -> idempotent create -> record.

A create tool states what it writes as a `Creation`: the kind of record (which names its natural key, see
`NATURAL_KEYS`), the typed request sent to Xero, and its finder (how Xero is searched for an existing copy).
`create_once` then avoids duplicates in four layers, all driven by that natural key:

1. a keyed lock serialises creates of the same key in this process, so two concurrent calls cannot both miss;
2. the ledger finds a record this server created before under the same key (any process, any restart);
3. the finder looks the record up in Xero itself, which catches records created elsewhere and writes whose
   response was lost after Xero committed them;
4. the write carries a deterministic Idempotency-Key, so a retry of the same request within Xero's replay window
   (about six minutes) is answered from Xero's cache instead of creating a second record.

The ledger (with its claims, see `xero_mcp.sync.dedupe`) is storage; everything that knows what a record is lives
here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, cast

from mcp.server.mcpserver.exceptions import ToolError

from xero_mcp.client.errors import NotFound
from xero_mcp.sync.dedupe import ClaimBusyError
from xero_mcp.sync.xerotime import canonical_uuid, parse_xero_date
from xero_mcp.tools._errors import UserInputError

if TYPE_CHECKING:
    from xero_mcp.client.models import XeroRequest
    from xero_mcp.tools._context import Org, ToolContext

T = TypeVar("T")
Q = TypeVar("Q", bound="XeroRequest")
T_co = TypeVar("T_co", covariant=True)
Q_contra = TypeVar("Q_contra", contravariant=True)

RecordKind = Literal[
    "invoice",
    "bill",
    "credit_note",
    "quote",
    "contact",
    "payment",
    "bank_transaction",
    "bank_transfer",
    "purchase_order",
    "item",
    "manual_journal",
]
"""The kinds of record the create tools make; each has one natural-key rule. History's `Entity` starts with them, so
this order is the order its schema publishes."""

NATURAL_KEYS: Mapping[RecordKind, str] = MappingProxyType(
    {
        "contact": "ContactNumber if given, otherwise the name (case-insensitive, trimmed)",
        "invoice": "the invoice number; without one: contact, date, reference, currency and line items",
        "bill": "the supplier (contact) and the bill's reference (its InvoiceNumber); without one: supplier, "
        "date and line items",
        "quote": "the quote number; without one: contact, date, reference, title and line items",
        "credit_note": "type and credit note number (plus contact for a bill credit note); without a number: "
        "type, contact, date, reference and line items",
        "payment": "the invoice (or credit note, prepayment, overpayment), amount and date",
        "bank_transaction": "type, bank account, contact, date, reference and line items",
        "bank_transfer": "from account, to account, amount, date and reference",
        "purchase_order": "the purchase order number; without one: contact, date, reference and line items",
        "item": "the item code (case-insensitive)",
        "manual_journal": "narration, date and journal lines",
    }
)
"""How each kind of record is recognised as a duplicate, in words for tool descriptions and the README."""

IDEMPOTENCY_KEY_MAX = 128
"""Xero's limit on the Idempotency-Key header."""


def _text(value: object) -> str:
    return str(value).strip()


def _folded(value: object) -> str:
    return _text(value).casefold()


def _spaced(value: object) -> str:
    """Text compared as the contact lookup compares names: runs of spaces as one, letter case ignored."""
    return " ".join(str(value).split()).casefold()


def _amount(value: object, what: str) -> str:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} is not an amount: {value!r}")
    try:
        # Through str(), so a float from decoded JSON keeps the digits it was written with.
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{what} is not an amount: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{what} is not an amount: {value!r}")
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def _date(value: object, what: str) -> str:
    if value is None or value == "":
        return ""
    try:
        return parse_xero_date(value).isoformat()
    except ValueError:
        raise ValueError(f"{what} is not a date: {value!r}") from None


# Numbers Xero also accepts as strings; codes ("090") stay text, since "090" and "90" are different accounts.
_NUMERIC_FIELDS = frozenset(
    {"Quantity", "UnitAmount", "LineAmount", "DiscountRate", "DiscountAmount", "TaxAmount", "Amount", "CurrencyRate"}
)


def _canonical(value: object) -> Any:
    """A JSON-ready form in which equal requests are equal: amounts normalised, text trimmed, empty fields dropped."""
    if isinstance(value, Mapping):
        mapping = cast(Mapping[object, object], value)
        return {
            str(key): _amount(item, str(key)) if key in _NUMERIC_FIELDS and item is not None else _canonical(item)
            for key, item in sorted(mapping.items(), key=lambda kv: str(kv[0]))
        }
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in cast(Sequence[object], value)]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return _amount(value, "number")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return _text(value)


def _fingerprint(value: object) -> str:
    text = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _get(body: Mapping[str, Any], field: str) -> Any:
    value = body.get(field)
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _party(body: Mapping[str, Any], field: str, id_field: str, kinds: Sequence[tuple[str, str]]) -> str:
    """A reference to a related record (a contact, an account) that does not depend on letter case or spacing."""
    raw = body.get(field)
    if not isinstance(raw, Mapping):
        raise ValueError(f"{field} is required to recognise a duplicate")
    ref = cast(Mapping[str, Any], raw)
    if _get(ref, id_field) is not None:
        return "id:" + canonical_uuid(ref[id_field], f"{field}.{id_field}")
    for key, label in kinds:
        if _get(ref, key) is not None:
            return f"{label}:{_folded(ref[key])}"
    raise ValueError(f"{field} needs {id_field} or {' or '.join(key for key, _ in kinds)} to recognise a duplicate")


def _contact(body: Mapping[str, Any]) -> str:
    return _party(body, "Contact", "ContactID", (("ContactNumber", "number"), ("Name", "name")))


def _account(body: Mapping[str, Any], field: str) -> str:
    return _party(body, field, "AccountID", (("Code", "code"),))


def _join(**parts: str) -> str:
    return "|".join(f"{name}={value}" for name, value in parts.items())


def _document(body: Mapping[str, Any], *extra: str) -> dict[str, str]:
    """The parts shared by documents without a number of their own: contact, date, reference, lines, and `extra`."""
    parts = {
        "contact": _contact(body),
        "date": _date(body.get("Date"), "Date"),
        "reference": _folded(body.get("Reference") or ""),
    }
    for name in extra:
        parts[name.lower()] = _folded(body.get(name) or "")
    parts["lines"] = _fingerprint(body.get("LineItems") or [])
    return parts


def _payment_target(body: Mapping[str, Any]) -> str:
    for field, id_field, number_field in (
        ("Invoice", "InvoiceID", "InvoiceNumber"),
        ("CreditNote", "CreditNoteID", "CreditNoteNumber"),
        ("Prepayment", "PrepaymentID", None),
        ("Overpayment", "OverpaymentID", None),
    ):
        ref = body.get(field)
        label = field.lower()
        if isinstance(ref, Mapping):
            target = cast(Mapping[str, Any], ref)
            if _get(target, id_field) is not None:
                return f"{label}=id:" + canonical_uuid(target[id_field], f"{field}.{id_field}")
            if number_field and _get(target, number_field) is not None:
                return f"{label}=number:{_folded(target[number_field])}"
        if number_field and _get(body, number_field) is not None:
            return f"{label}=number:{_folded(body[number_field])}"
    raise ValueError("a payment needs Invoice, CreditNote, Prepayment or Overpayment to recognise a duplicate")


def _key_contact(body: Mapping[str, Any]) -> str:
    # Folded exactly as the lookup's exact match folds them, so the ledger never answers for a name the lookup would
    # call another contact (a near name, a legal suffix more or less), nor misses one it would call the same.
    if _get(body, "ContactNumber") is not None:
        return _join(contact_number=_spaced(body["ContactNumber"]))
    if _get(body, "Name") is not None:
        return _join(name=_spaced(body["Name"]))
    raise ValueError("a contact needs Name or ContactNumber to recognise a duplicate")


def _key_invoice(body: Mapping[str, Any]) -> str:
    if _get(body, "InvoiceNumber") is not None:
        return _join(invoice_number=_folded(body["InvoiceNumber"]))
    return _join(**_document(body, "CurrencyCode"))


def _key_bill(body: Mapping[str, Any]) -> str:
    # Xero keeps a bill's supplier reference in InvoiceNumber (shown as "Reference"); Reference is ACCREC-only.
    reference = _get(body, "InvoiceNumber") or _get(body, "Reference")
    if reference is not None:
        return _join(supplier=_contact(body), reference=_folded(reference))
    return _join(
        supplier=_contact(body),
        date=_date(body.get("Date"), "Date"),
        lines=_fingerprint(body.get("LineItems") or []),
    )


def _key_quote(body: Mapping[str, Any]) -> str:
    if _get(body, "QuoteNumber") is not None:
        return _join(quote_number=_folded(body["QuoteNumber"]))
    return _join(**_document(body, "Title"))


def _key_credit_note(body: Mapping[str, Any]) -> str:
    note_type = _text(body.get("Type") or "").upper()
    if _get(body, "CreditNoteNumber") is not None:
        number = _folded(body["CreditNoteNumber"])
        if note_type == "ACCPAYCREDIT":
            # Supplier credit note numbers are the supplier's, unique only per supplier.
            return _join(type=note_type, contact=_contact(body), number=number)
        return _join(type=note_type, number=number)
    return _join(type=note_type, **_document(body))


def _key_payment(body: Mapping[str, Any]) -> str:
    return "|".join(
        (
            _payment_target(body),
            _join(amount=_amount(body.get("Amount"), "Amount"), date=_date(body.get("Date"), "Date")),
        )
    )


def _key_bank_transaction(body: Mapping[str, Any]) -> str:
    contact = _contact(body) if isinstance(body.get("Contact"), Mapping) else ""
    return _join(
        type=_text(body.get("Type") or "").upper(),
        account=_account(body, "BankAccount"),
        contact=contact,
        date=_date(body.get("Date"), "Date"),
        reference=_folded(body.get("Reference") or ""),
        lines=_fingerprint(body.get("LineItems") or []),
    )


def _key_bank_transfer(body: Mapping[str, Any]) -> str:
    return _join(
        from_account=_account(body, "FromBankAccount"),
        to_account=_account(body, "ToBankAccount"),
        amount=_amount(body.get("Amount"), "Amount"),
        date=_date(body.get("Date"), "Date"),
        reference=_folded(body.get("Reference") or ""),
    )


def _key_purchase_order(body: Mapping[str, Any]) -> str:
    if _get(body, "PurchaseOrderNumber") is not None:
        return _join(purchase_order_number=_folded(body["PurchaseOrderNumber"]))
    return _join(**_document(body))


def _key_item(body: Mapping[str, Any]) -> str:
    if _get(body, "Code") is None:
        raise ValueError("an item needs Code to recognise a duplicate")
    return _join(code=_folded(body["Code"]))


def _key_manual_journal(body: Mapping[str, Any]) -> str:
    return _join(
        narration=_folded(body.get("Narration") or ""),
        date=_date(body.get("Date"), "Date"),
        lines=_fingerprint(body.get("JournalLines") or []),
    )


_KEYS: dict[RecordKind, Callable[[Mapping[str, Any]], str]] = {
    "contact": _key_contact,
    "invoice": _key_invoice,
    "bill": _key_bill,
    "quote": _key_quote,
    "credit_note": _key_credit_note,
    "payment": _key_payment,
    "bank_transaction": _key_bank_transaction,
    "bank_transfer": _key_bank_transfer,
    "purchase_order": _key_purchase_order,
    "item": _key_item,
    "manual_journal": _key_manual_journal,
}


def natural_key(kind: RecordKind, body: Mapping[str, Any], *, dedupe_key: str | None = None) -> str:
    """The natural key of a create request: equal for requests that would create the same record.

    `body` is the Xero request body as sent (PascalCase fields, one record). Letter case, surrounding spaces and
    amount formatting (`100`, `100.00`) do not change the key. A caller's `dedupe_key` replaces the derived key.
    Raises ValueError, naming the field, when the body lacks what the key is made of.
    """
    if dedupe_key is not None:
        if not dedupe_key.strip():
            raise ValueError("dedupe_key must not be empty")
        return _join(dedupe_key=dedupe_key.strip())
    return _KEYS[kind](body)


def idempotency_key(tenant_id: str, kind: RecordKind, natural_key: str, body: Mapping[str, Any] | None = None) -> str:
    """The Idempotency-Key for a create: deterministic, at most 128 characters, `xero-mcp-<kind>-<sha256 hex>`.

    The same organisation, kind and natural key always give the same key, so a retried create is replayed by Xero
    rather than performed twice. With `body`, the request's content is part of the key too: Xero answers a reused key
    with a *different* request by a 400 for several minutes (and caches errors), so a corrected retry after a
    validation error needs a fresh key; the find-before-create lookup still stops it from duplicating a record.
    """
    parts = [canonical_uuid(tenant_id, "tenant_id"), kind, natural_key]
    if body is not None:
        parts.append(json.dumps(_canonical(body), sort_keys=True, separators=(",", ":")))
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    readable = "".join(ch if ch.isalnum() or ch in "_-" else "-" for ch in kind)[:48]
    return f"xero-mcp-{readable}-{digest}"[:IDEMPOTENCY_KEY_MAX]


# --- the path ------------------------------------------------------------------------------------------------------


def status_in(*statuses: str) -> Callable[[object], bool]:
    """A `gone` test: the record's Status is one of `statuses` (a record without one never is)."""
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


Finder = Callable[[], Awaitable[T | None]]
"""Looks Xero up for an existing copy of the record about to be created; None when there is none."""


@dataclass(frozen=True, slots=True)
class Creation(Generic[T, Q]):
    """A create tool's typed request: the kind of record (its natural-key rule), what is sent, how to find a copy.

    `gone` says when a record read back by ID no longer counts as an existing copy (deleted, archived); `check` runs
    just before the write, once the lookups have found nothing (a rule only worth checking for a real write);
    `created` runs after it (to drop a cache the new record makes stale). `ledger_first` False lets the finder
    answer before the ledger, for a finder whose rules outrank the natural key (find-or-create's email match
    outranks the contact's name). `find_despite_key` keeps the finder when a caller's dedupe_key replaces the
    natural key: a contact is one by its name whatever key the caller gives it (Xero keeps active names unique), and
    its finder is also what offers near names as candidates, which no key may skip.
    """

    kind: RecordKind
    records: Records[T, Q]
    request: Q
    find: Finder[T] | None
    gone: Callable[[T], bool] = DELETED
    check: Callable[[], None] | None = None
    created: Callable[[T], None] | None = None
    ledger_first: bool = True
    find_despite_key: bool = False

    def record_id(self, record: T) -> str:
        """The record's Xero ID."""
        return str(getattr(record, self.records.id_name))

    async def fetch(self, record_id: str) -> T | None:
        """The record with this Xero ID, unless Xero has none or it no longer counts."""
        return await fetch_live(self.records.get, record_id, self.gone)

    async def write(self, key: str | None) -> T:
        """Send the request with this Idempotency-Key (checks first; the after-create hook after)."""
        if self.check is not None:
            self.check()
        record = await self.records.create(self.request, idempotency_key=key)
        if self.created is not None:
            self.created(record)
        return record


CREATE_LOCK_TTL = 120.0
"""How long a create-once lock outlives a holder that died (a replica killed mid-create) before another may enter."""


def create_lock(org: Org, kind: RecordKind, key: str) -> AbstractAsyncContextManager[None]:
    """The lock for creating the record with this natural key in this organisation, held by one caller at a time
    on every process that shares the coordinator (one process, or every replica on one Redis)."""
    digest = hashlib.sha256(f"{org.tenant_id.lower()}\x1f{kind}\x1f{key}".encode()).hexdigest()
    return org.coordinator.lock(f"create:{digest}", ttl=CREATE_LOCK_TTL)


def key_of(creation: Creation[Any, Any], dedupe_key: str | None) -> str:
    """The natural key of a creation; UserInputError when the request lacks what the key is made of."""
    try:
        return natural_key(creation.kind, creation.request.to_xero(), dedupe_key=dedupe_key)
    except ValueError as exc:
        raise UserInputError(f"Cannot check for duplicates: {exc}. Pass dedupe_key, or allow_duplicate=true.") from None


async def create_once(
    x: ToolContext,
    org: Org,
    creation: Creation[T, Any],
    *,
    dedupe_key: str | None = None,
    allow_duplicate: bool = False,
) -> tuple[T, bool]:
    """Create the record unless it exists already: returns (record, duplicate).

    Under a per-key lock: a claim on the key in the ledger (atomic in the store, so it holds across processes and
    replicas even where the lock does not; a second claimer waits for the first's result), the ledger's record of
    this key (a record this server created), then Xero itself (the finder, skipped when the caller's `dedupe_key`
    replaces the natural key, since Xero cannot be searched by it, unless the creation says `find_despite_key`),
    then the create with a deterministic
    Idempotency-Key, then the ledger entry, which ends the claim. A claim left by a process that died is taken over
    once its lease runs out, and the finder's lookup in Xero then finds what that process may have created.
    `allow_duplicate` skips the lookups and sends a fresh key, so a deliberate second copy is never answered from
    Xero's replay cache.
    """
    if allow_duplicate:
        return await creation.write(None), False
    key = key_of(creation, dedupe_key)
    ledger = (await x.backend()).ledger
    tenant_id, kind = org.tenant_id, creation.kind
    async with create_lock(org, kind, key):
        try:
            claim = await ledger.claim(tenant_id, kind, key)
            while claim.entry is not None:
                if creation.ledger_first:
                    existing = await creation.fetch(claim.entry.xero_id)
                    if existing is not None:
                        return existing, True
                # Gone from Xero (or the finder outranks the ledger): the key is claimed for a new create.
                claim = await ledger.claim(tenant_id, kind, key, replacing=claim.entry.xero_id)
        except ClaimBusyError as exc:
            raise ToolError(str(exc)) from None
        try:
            async with ledger.holding(claim):
                if creation.find is not None and (dedupe_key is None or creation.find_despite_key):
                    existing = await creation.find()
                    if existing is not None:
                        await ledger.record(tenant_id, kind, key, creation.record_id(existing), now=datetime.now(UTC))
                        return existing, True
                body = creation.request.to_xero()
                created = await creation.write(idempotency_key(tenant_id, kind, key, body))
        except BaseException:
            # Nothing recorded: free the key now rather than when the lease runs out (if this fails, the lease does).
            with contextlib.suppress(Exception):
                await ledger.release(claim)
            raise
        await ledger.record(tenant_id, kind, key, creation.record_id(created), now=datetime.now(UTC))
        return created, False
