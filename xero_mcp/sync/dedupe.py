"""Duplicate-safe writes: natural keys, idempotency keys, the natural-key ledger, the contact matcher, keyed locks.

A create tool avoids duplicates in four layers, all driven by the record's natural key (`natural_key()`):

1. `KeyedLocks` serialises creates of the same key in this process, so two concurrent calls cannot both miss.
2. `DedupeLedger.lookup()` finds a record this server created before under the same key (any process, any restart).
3. The tool looks the key up in Xero itself (for contacts, `contact_where()` + `match_contact()`), which catches
   records created elsewhere and writes whose response was lost after Xero committed them.
4. The write carries `idempotency_key()`, so a retry of the same request within Xero's replay window (about six
   minutes) is answered from Xero's cache instead of creating a second record.

After a create the tool calls `DedupeLedger.record()`. The natural key of each create tool is in `NATURAL_KEYS`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncGenerator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from xero_mcp.sync._db import Database, sync_db_path
from xero_mcp.sync.xerotime import canonical_uuid, from_epoch_ms, parse_xero_date, require_aware, to_epoch_ms

NATURAL_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "create_contact": "ContactNumber if given, otherwise the name (case-insensitive, trimmed)",
        "create_invoice": "the invoice number; without one: contact, date, reference, currency and line items",
        "create_bill": "the supplier (contact) and the bill's reference (its InvoiceNumber); without one: supplier, "
        "date and line items",
        "create_quote": "the quote number; without one: contact, date, reference, title and line items",
        "create_credit_note": "type and credit note number (plus contact for a bill credit note); without a number: "
        "type, contact, date, reference and line items",
        "create_payment": "the invoice (or credit note, prepayment, overpayment), amount and date",
        "create_bank_transaction": "type, bank account, contact, date, reference and line items",
        "create_bank_transfer": "from account, to account, amount, date and reference",
        "create_purchase_order": "the purchase order number; without one: contact, date, reference and line items",
        "create_item": "the item code (case-insensitive)",
        "create_manual_journal": "narration, date and journal lines",
    }
)
"""How each create tool recognises a duplicate, in words for tool descriptions and the README."""

IDEMPOTENCY_KEY_MAX = 128
"""Xero's limit on the Idempotency-Key header."""

MatchRule = Literal["contact_number", "email", "name"]


def _text(value: object) -> str:
    return str(value).strip()


def _folded(value: object) -> str:
    return _text(value).casefold()


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
    if _get(body, "ContactNumber") is not None:
        return _join(contact_number=_folded(body["ContactNumber"]))
    if _get(body, "Name") is not None:
        return _join(name=_folded(body["Name"]))
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


_KEYS = {
    "create_contact": _key_contact,
    "create_invoice": _key_invoice,
    "create_bill": _key_bill,
    "create_quote": _key_quote,
    "create_credit_note": _key_credit_note,
    "create_payment": _key_payment,
    "create_bank_transaction": _key_bank_transaction,
    "create_bank_transfer": _key_bank_transfer,
    "create_purchase_order": _key_purchase_order,
    "create_item": _key_item,
    "create_manual_journal": _key_manual_journal,
}


def natural_key(tool: str, body: Mapping[str, Any], *, dedupe_key: str | None = None) -> str:
    """The natural key of a create request: equal for requests that would create the same record.

    `body` is the Xero request body as sent (PascalCase fields, one record). Letter case, surrounding spaces and
    amount formatting (`100`, `100.00`) do not change the key. A caller's `dedupe_key` replaces the derived key.
    Raises ValueError, naming the field, when the body lacks what the key is made of.
    """
    if dedupe_key is not None:
        if not dedupe_key.strip():
            raise ValueError("dedupe_key must not be empty")
        return _join(dedupe_key=dedupe_key.strip())
    try:
        derive = _KEYS[tool]
    except KeyError:
        raise ValueError(f"{tool!r} is not a create tool with a natural key") from None
    return derive(body)


def idempotency_key(tenant_id: str, tool: str, natural_key: str, body: Mapping[str, Any] | None = None) -> str:
    """The Idempotency-Key for a create: deterministic, at most 128 characters, `xero-mcp-<tool>-<sha256 hex>`.

    The same organisation, tool and natural key always give the same key, so a retried create is replayed by Xero
    rather than performed twice. With `body`, the request's content is part of the key too: Xero answers a reused key
    with a *different* request by a 400 for several minutes (and caches errors), so a corrected retry after a
    validation error needs a fresh key; the find-before-create lookup still stops it from duplicating a record.
    """
    parts = [canonical_uuid(tenant_id, "tenant_id"), tool, natural_key]
    if body is not None:
        parts.append(json.dumps(_canonical(body), sort_keys=True, separators=(",", ":")))
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    readable = "".join(ch if ch.isalnum() or ch in "_-" else "-" for ch in tool)[:48]
    return f"xero-mcp-{readable}-{digest}"[:IDEMPOTENCY_KEY_MAX]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A record this server created: under which natural key, with which Xero ID, when."""

    tenant_id: str
    tool: str
    natural_key: str
    xero_id: str
    recorded_at: datetime


_LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS dedupe_ledger (
    tenant_id TEXT NOT NULL,
    tool TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    xero_id TEXT NOT NULL,
    recorded_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, tool, natural_key)
) WITHOUT ROWID;
"""


class DedupeLedger:
    """(organisation, create tool, natural key) -> the Xero ID created, in the sync database."""

    def __init__(self, path: Path | str) -> None:
        self._db = Database(path, _LEDGER_SCHEMA)

    @classmethod
    def open(cls, state_dir: Path | str) -> DedupeLedger:
        """Open (creating if needed) the ledger in the state dir's sync database."""
        return cls(sync_db_path(state_dir))

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def lookup(self, tenant_id: str, tool: str, natural_key: str) -> LedgerEntry | None:
        """The record created before under this key, or None. The tool should confirm it still exists in Xero."""
        tenant = canonical_uuid(tenant_id, "tenant_id")
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT xero_id, recorded_ms FROM dedupe_ledger WHERE tenant_id = ? AND tool = ? AND natural_key = ?",
                (tenant, tool, natural_key),
            ).fetchone()
        if row is None:
            return None
        return LedgerEntry(tenant, tool, natural_key, row[0], from_epoch_ms(row[1]))

    def record(self, tenant_id: str, tool: str, natural_key: str, xero_id: str, *, now: datetime) -> LedgerEntry:
        """Remember the record created under this key; a later record (the first was deleted in Xero) replaces it."""
        entry = LedgerEntry(
            canonical_uuid(tenant_id, "tenant_id"),
            tool,
            natural_key,
            canonical_uuid(xero_id, "xero_id"),
            require_aware(now),
        )
        with self._db.write() as conn:
            conn.execute(
                "INSERT INTO dedupe_ledger (tenant_id, tool, natural_key, xero_id, recorded_ms) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (tenant_id, tool, natural_key) DO UPDATE "
                "SET xero_id = excluded.xero_id, recorded_ms = excluded.recorded_ms",
                (entry.tenant_id, tool, natural_key, entry.xero_id, to_epoch_ms(entry.recorded_at)),
            )
        return entry

    def forget(self, tenant_id: str, tool: str, natural_key: str) -> bool:
        """Drop an entry (its record is gone from Xero); True when there was one."""
        tenant = canonical_uuid(tenant_id, "tenant_id")
        with self._db.write() as conn:
            return (
                conn.execute(
                    "DELETE FROM dedupe_ledger WHERE tenant_id = ? AND tool = ? AND natural_key = ?",
                    (tenant, tool, natural_key),
                ).rowcount
                > 0
            )


def quote_where_string(value: str) -> str:
    """A string literal for Xero's `where` filter: double-quoted, with double quotes doubled.

    Xero's filter parser follows Dynamic LINQ, where `""` inside a literal is a quote and a backslash is an
    ordinary character, so user text can never end the literal early.
    """
    return '"' + value.replace('"', '""') + '"'


def contact_where(*, contact_number: str | None = None, email: str | None = None, name: str | None = None) -> str:
    """The one `where` expression that finds every candidate contact for find-or-create.

    `ContactNumber == "x" OR EmailAddress == "y" OR Name == "z"`, with only the fields given (trimmed).
    Raises ValueError when none is given.
    """
    clauses = [
        f"{field}=={quote_where_string(value.strip())}"
        for field, value in (("ContactNumber", contact_number), ("EmailAddress", email), ("Name", name))
        if value is not None and value.strip()
    ]
    if not clauses:
        raise ValueError("give at least one of contact_number, email or name to find a contact")
    return " OR ".join(clauses)


@dataclass(frozen=True, slots=True)
class ContactMatch:
    """The contact find-or-create settled on, the rule that matched, and how many others matched it too."""

    contact: Mapping[str, Any]
    rule: MatchRule
    others: int


def match_contact(
    candidates: Iterable[Mapping[str, Any]],
    *,
    contact_number: str | None = None,
    email: str | None = None,
    name: str | None = None,
) -> ContactMatch | None:
    """Pick the contact that matches, by priority: ContactNumber, then email address, then exact name.

    Comparisons ignore letter case and surrounding spaces. Among several contacts
    matching the same rule an ACTIVE one is preferred, then Xero's order. None when nothing matches.
    """
    pool = list(candidates)
    for rule, field, wanted in (
        ("contact_number", "ContactNumber", contact_number),
        ("email", "EmailAddress", email),
        ("name", "Name", name),
    ):
        if wanted is None or not wanted.strip():
            continue
        target = _folded(wanted)
        hits = [contact for contact in pool if contact.get(field) is not None and _folded(contact[field]) == target]
        if hits:
            hits.sort(key=lambda contact: str(contact.get("ContactStatus", "ACTIVE")).upper() != "ACTIVE")
            return ContactMatch(contact=hits[0], rule=cast(MatchRule, rule), others=len(hits) - 1)
    return None


class KeyedLocks:
    """One asyncio lock per (organisation, key), created on demand and dropped when nobody holds or awaits it.

    The create tools hold it around lookup + create, so concurrent calls for the same record in one process create it
    once: the second call waits, then finds the first call's record.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def hold(self, tenant_id: str, key: str) -> AsyncGenerator[None]:
        """Hold the lock for this organisation and key for the duration of the block."""
        slot = (canonical_uuid(tenant_id, "tenant_id"), key)
        lock, users = self._entries.setdefault(slot, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._entries[slot]

    def __len__(self) -> int:
        """How many keys currently have a holder or a waiter."""
        return len(self._entries)
