"""Plumbing shared by the document family: sales invoices, bills, quotes, credit notes and purchase orders.

Xero keeps sales invoices (Type ACCREC) and bills (ACCPAY) in one collection, and every document of the family has
a contact, dated lines and a status that limits what may change. What the domain modules share about that lives
here, below them, so that no domain module imports another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, TypeVar

from pydantic import BaseModel

from xero_mcp.client.errors import NotFound
from xero_mcp.client.models.common import LineAmountTypes
from xero_mcp.client.pagination import Order, Page, Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import text_or_none, where_dated
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._create import Creation, create_once
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import InvoiceCreated, InvoiceView, Paged, invoice_view, paged
from xero_mcp.tools._resolve import fold

if TYPE_CHECKING:
    from xero_mcp.client.models import (
        ContactRef,
        Invoice,
        InvoiceCreate,
        InvoiceUpdate,
        LineItem,
        LineItemInput,
        XeroRequest,
    )
    from xero_mcp.tools._inputs import LineIn

InvoiceType = Literal["ACCREC", "ACCPAY"]
InvoiceStatusFilter = Literal["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"]
INVOICE_STATUSES: tuple[InvoiceStatusFilter, ...] = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")
"""The statuses invoices, bills and credit notes can be listed by."""
WritableStatus = Literal["DRAFT", "SUBMITTED", "AUTHORISED"]
WRITABLE: tuple[WritableStatus, ...] = ("DRAFT", "SUBMITTED", "AUTHORISED")
"""The statuses an invoice, bill or credit note may be created in or set to."""
LineTax = LineAmountTypes | None

D = TypeVar("D", bound="_Stored")
T = TypeVar("T")
V = TypeVar("V", bound=BaseModel)
S = TypeVar("S", bound=str)
U = TypeVar("U", bound="XeroRequest")

LIVE_STATUSES: tuple[str, ...] = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED")
"""Every status but DELETED: a deleted document no longer counts as an existing copy."""

_KIND = {"ACCREC": "invoice", "ACCPAY": "bill"}


# --- the typed requests the consolidated tools build once and hand to each kind -----------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """What `list_records` asks of a kind: filters and paging, as the model gave them (blank means not given)."""

    kind: str
    statuses: Sequence[str] | None = None
    contact: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str | None = None
    modified_since: dt.datetime | None = None
    bank_account: str | None = None
    page: int = 1
    page_size: int = 100
    tenant: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """What `create_document` or `update_document` asks of a kind: a new document, or the changes to the one
    `document` names (there, only the fields given change and `lines` replace every line)."""

    kind: str
    document: str = ""
    contact: str | None = None
    lines: Sequence[LineIn] | None = None
    date: dt.date | None = None
    due_date: dt.date | None = None
    expiry_date: dt.date | None = None
    delivery_date: dt.date | None = None
    number: str | None = None
    reference: str | None = None
    title: str | None = None
    summary: str | None = None
    terms: str | None = None
    status: str | None = None
    line_amount_types: LineAmountTypes | None = None
    currency_code: str | None = None
    bank_account: str | None = None
    dedupe_key: str | None = None
    allow_duplicate: bool = False
    tenant: str | None = None

    @property
    def what(self) -> str:
        """The kind in words: "supplier credit note"."""
        return self.kind.replace("_", " ")

    def needed(self, name: str) -> str:
        """A field this kind cannot do without (UserInputError when it was not given)."""
        value = getattr(self, name)
        if value is None:
            raise UserInputError(f"{name}: {a(self.what)} needs this.")
        return value

    def new_lines(self) -> Sequence[LineIn]:
        """The lines of a new document (the router's schema requires at least one)."""
        assert self.lines is not None
        return self.lines


def a(what: str) -> str:
    """`what` with its indefinite article: "an invoice", "a bill"."""
    return f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"


def choice(name: str, value: str | None, allowed: Sequence[S], what: str) -> S | None:
    """The one of `allowed` that `value` is (None when not given), else a UserInputError listing what `what`
    takes."""
    if value is None:
        return None
    for option in allowed:
        if option == value:
            return option
    raise UserInputError(f"{name}: {a(what)} takes {', '.join(allowed)}, not {value}.")


async def listed(
    org: Org, q: Listing, fetch: Callable[..., Awaitable[Page[T]]], view: Callable[[T, str | None], V], **filters: Any
) -> Paged[V]:
    """The page `q` asks for of the list `fetch` reads with `filters` (changed since `q.modified_since`), each record
    projected by `view` with the organisation's deep links."""
    result = await fetch(**filters, if_modified_since=q.modified_since, page=q.page, page_size=q.page_size)
    short_code = await org.short_code()
    return paged(result, lambda record: view(record, short_code))


async def fetch(get: Callable[[str], Awaitable[T]], ref: str, *, field: str, noun: str, hint: str) -> T:
    """The record `get` reads by this ID or number, or a UserInputError naming the `noun` and where to look."""
    text = ref.strip()
    if not text:
        raise UserInputError(f"{field}: give the {noun}'s ID or number.")
    try:
        return await get(text)
    except NotFound:
        raise UserInputError(f"{field}: no {noun} has the ID or number {text!r}. {hint}") from None


async def contact_change(org: Org, r: Document) -> ContactRef | None:
    """The contact an update names, resolved; None when it changes no contact."""
    return await _resolve.contact_ref(org, r.contact) if r.contact else None


async def lines_change(org: Org, r: Document, *, tax_from_account: bool = False) -> list[LineItemInput] | None:
    """The lines that replace every line of a document, resolved; None when an update keeps its lines."""
    if r.lines is None:
        return None
    return await _resolve.line_items(org, r.lines, tax_from_account=tax_from_account)


class CommonChanges(TypedDict):
    """What an update changes that every kind of document takes the same way (None: kept as it is)."""

    contact: ContactRef | None
    line_items: list[LineItemInput] | None
    date: dt.date | None
    reference: str | None


async def common_changes(org: Org, r: Document, *, tax_from_account: bool = False) -> CommonChanges:
    """The contact, lines, date and reference an update names, resolved, for the kind's own update model:
    `models.CreditNoteUpdate(**await common_changes(org, r), status=...)`."""
    return {
        "contact": await contact_change(org, r),
        "line_items": await lines_change(org, r, tax_from_account=tax_from_account),
        "date": r.date,
        "reference": r.reference,
    }


def nonempty(changes: U) -> U:
    """An update's changes when they change something; a UserInputError asking for a field when they are empty."""
    if not changes.to_xero():
        raise UserInputError("Give at least one field to change.")
    return changes


def currency(code: str | None) -> str | None:
    """A currency code as Xero spells it (upper case); None when not given."""
    text = text_or_none(code)
    return text.upper() if text else None


def money(amount: Decimal | None, currency_code: str | None) -> str:
    """An amount for a message: "1,250.00 NZD"."""
    return f"{amount if amount is not None else 0:,.2f}{' ' + currency_code if currency_code else ''}"


def label(invoice: Invoice) -> str:
    """How a message names a document: "invoice INV-0001" / "bill ABC-1 from Acme"."""
    kind = _KIND.get(invoice.type or "ACCREC", "invoice")
    number = invoice.invoice_number or str(invoice.invoice_id)
    supplier = f" from {invoice.contact.name}" if invoice.type == "ACCPAY" and invoice.contact else ""
    return f"{kind} {number}{supplier}"


def _same_amount(a: Decimal | None, b: Decimal | None) -> bool:
    return (a or Decimal(0)) == (b or Decimal(0))


def same_lines(wanted: Sequence[LineItemInput], stored: Sequence[LineItem]) -> bool:
    """Whether stored lines are the requested ones: same count, and every field the request set agrees (Xero fills in
    the rest)."""
    if len(wanted) != len(stored):
        return False
    for mine, theirs in zip(wanted, stored, strict=True):
        texts = (
            (mine.description, theirs.description),
            (mine.account_code, theirs.account_code),
            (mine.item_code, theirs.item_code),
            (mine.tax_type, theirs.tax_type),
        )
        if any(want is not None and fold(want) != fold(got) for want, got in texts):
            return False
        amounts = (
            (mine.quantity, theirs.quantity),
            (mine.unit_amount, theirs.unit_amount),
            (mine.discount_rate, theirs.discount_rate),
        )
        if any(want is not None and not _same_amount(want, got) for want, got in amounts):
            return False
    return True


class _Stored(Protocol):
    @property
    def line_items(self) -> Sequence[LineItem]: ...


class _Requested(Protocol):
    @property
    def line_items(self) -> Sequence[LineItemInput]: ...


def first_same(
    candidates: Iterable[D], request: _Requested, *, texts: Sequence[str] = ("reference",), gone: str = "DELETED"
) -> D | None:
    """The first candidate Xero holds that is the requested document: not `gone`, the same `texts` (case and spacing
    aside) and the same lines as `request`."""
    for candidate in candidates:
        if getattr(candidate, "status", None) == gone:
            continue
        if any(fold(getattr(candidate, name)) != fold(getattr(request, name)) for name in texts):
            continue
        if same_lines(request.line_items, candidate.line_items):
            return candidate
    return None


# --- invoices and bills --------------------------------------------------------------------------------------------


async def fetch_invoice(org: Org, ref: str, *, field: str = "invoice") -> Invoice:
    """The invoice or bill with this InvoiceID or InvoiceNumber (UserInputError when there is none)."""
    return await fetch(
        org.api.invoices.get, ref, field=field, noun="invoice or bill", hint="Find it with list_records."
    )


async def list_documents(x: ToolContext, q: Listing) -> Paged[InvoiceView]:
    """One page of sales invoices (kind invoice) or bills, newest first; search matches number and reference."""
    kind: InvoiceType = "ACCPAY" if q.kind == "bill" else "ACCREC"
    org = await x.org(q.tenant)
    contact_ids = [str((await _resolve.contact(org, q.contact)).contact_id)] if q.contact else None
    return await listed(
        org,
        q,
        org.api.invoices.list,
        invoice_view,
        where=where_dated([Where.eq("Type", kind)], q.date_from, q.date_to),
        statuses=list(q.statuses) if q.statuses else None,
        contact_ids=contact_ids,
        search_term=text_or_none(q.search),
        order=Order.desc("Date"),
        summary_only=True,
    )


async def find_same_document(org: Org, request: InvoiceCreate) -> Invoice | None:
    """A live document of the same type, contact, date, reference, currency and lines as `request`, or None."""
    assert request.date is not None  # the create tools date every document before looking for a copy of it
    if org.state.contact_is_new(request.contact.contact_id, datetime.now(UTC)):
        # This server created the contact moments ago, within Xero's idempotency window: any document for it is one
        # this server sent, which the ledger or Xero's replay of the same Idempotency-Key answers without a search.
        return None
    where = Where.all_of(
        Where.eq("Type", request.type),
        Where.eq("Contact.ContactID", request.contact.contact_id),
        Where.eq("Date", request.date),
    )
    page = await org.api.invoices.list(where=where, statuses=list(LIVE_STATUSES), page_size=100)
    currency_code = request.currency_code
    same_currency = [
        c for c in page.items if not currency_code or not c.currency_code or c.currency_code == currency_code
    ]
    return first_same(same_currency, request)


async def create_document(
    x: ToolContext,
    org: Org,
    request: InvoiceCreate,
    find_by_number: Callable[[], Awaitable[Invoice | None]] | None,
    r: Document,
) -> InvoiceCreated:
    """Create a dated sales invoice or bill through `create_once`, found by the given number lookup or, without
    one, by its contact, date, reference and lines (`r` says how duplicates are avoided)."""

    async def find() -> Invoice | None:
        if find_by_number is not None:
            return await find_by_number()
        return await find_same_document(org, request)

    creation = Creation(
        kind="bill" if request.type == "ACCPAY" else "invoice", records=org.api.invoices, request=request, find=find
    )
    record, duplicate = await create_once(x, org, creation, dedupe_key=r.dedupe_key, allow_duplicate=r.allow_duplicate)
    return invoice_view(record, await org.short_code(), InvoiceCreated, duplicate=duplicate)


# --- status rules --------------------------------------------------------------------------------------------------


def refuse_if_closed(invoice: Invoice, action: str) -> None:
    """Explain why a VOIDED or DELETED document cannot be changed, and what to do instead."""
    if invoice.status in ("VOIDED", "DELETED"):
        raise UserInputError(
            f"The {label(invoice)} is {invoice.status}; {invoice.status.lower()} documents cannot be changed, so it "
            f"cannot {action}. Create a new one instead."
        )


def check_editable(invoice: Invoice, changes: InvoiceUpdate) -> None:
    """Refuse, in words a model can act on, changes Xero would reject because of the document's status."""
    refuse_if_closed(invoice, "be updated")
    paid = (
        invoice.status == "PAID"
        or (invoice.amount_paid or Decimal(0)) > 0
        or (invoice.amount_credited or Decimal(0)) > 0
    )
    if not paid:
        return
    blocked = [name for name in ("date", "line_amount_types", "currency_code", "status") if getattr(changes, name)]
    if changes.line_items is not None and any(
        line.quantity is not None or line.unit_amount is not None or line.tax_type is not None
        for line in changes.line_items
    ):
        blocked.append("line amounts")
    if blocked:
        raise UserInputError(
            f"The {label(invoice)} has payments or credits applied ({invoice.status}); Xero then only accepts changes "
            f"to reference, due date, number, contact and line descriptions, accounts and tracking, not "
            f"{', '.join(blocked)}. Delete the payments first (delete_payment) to change amounts."
        )


async def update_document(
    x: ToolContext, ref: str, changes: InvoiceUpdate, tenant: str | None, *, field: str
) -> InvoiceView:
    """Apply `changes` to an invoice or bill after checking its status allows them."""
    nonempty(changes)
    org = await x.org(tenant)
    current = await fetch_invoice(org, ref, field=field)
    check_editable(current, changes)
    updated = await org.api.invoices.update(str(current.invoice_id), changes)
    return invoice_view(updated, await org.short_code())
