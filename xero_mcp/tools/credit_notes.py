"""Credit notes: listing, creating and changing them (for the `documents` tools), and allocate_credit_note."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.client.pagination import Order, Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._allocations import Credit, allocate
from xero_mcp.tools._args import Tenant, text_or_none, where_dated
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._create import Creation, create_once
from xero_mcp.tools._documents import (
    WRITABLE,
    Document,
    Listing,
    choice,
    common_changes,
    currency,
    fetch,
    fetch_invoice,
    first_same,
    listed,
    nonempty,
)
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import PositiveAmount
from xero_mcp.tools._projections import (
    AllocationView,
    CreditNoteCreated,
    CreditNoteView,
    Paged,
    credit_note_view,
)
from xero_mcp.tools._spec import ToolSpec, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import CreditNote

CreditNoteType = Literal["ACCRECCREDIT", "ACCPAYCREDIT"]
CreditNoteRef = Annotated[str, Field(description="Credit note ID or number")]
_INVOICE_TYPE = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}


def _label(note: CreditNote) -> str:
    return f"credit note {note.credit_note_number or note.credit_note_id}"


async def _fetch(org: Org, ref: str, *, field: str = "credit_note") -> CreditNote:
    return await fetch(org.api.credit_notes.get, ref, field=field, noun="credit note", hint="See list_records.")


def _zero(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def _used(note: CreditNote) -> Decimal:
    """How much of an approved credit note is allocated or refunded already."""
    if note.status not in ("AUTHORISED", "PAID") or note.remaining_credit is None:
        return _zero(note.applied_amount)
    return max(_zero(note.applied_amount), _zero(note.total) - note.remaining_credit)


TYPES: dict[str, CreditNoteType] = {"credit_note": "ACCRECCREDIT", "supplier_credit_note": "ACCPAYCREDIT"}
"""The type of credit note each kind creates: to a customer, or from a supplier."""


async def list_credit_notes(x: ToolContext, q: Listing) -> Paged[CreditNoteView]:
    """Credit notes, newest first: every credit note, or (supplier_credit_note) those from suppliers only."""
    org = await x.org(q.tenant)
    parts: list[Where] = []
    if q.kind == "supplier_credit_note":
        parts.append(Where.eq("Type", "ACCPAYCREDIT"))
    if q.statuses:
        parts.append(Where.any_of(*(Where.eq("Status", status) for status in q.statuses)))
    if q.contact:
        parts.append(Where.eq("Contact.ContactID", (await _resolve.contact(org, q.contact)).contact_id))
    where = where_dated(parts, q.date_from, q.date_to)
    return await listed(org, q, org.api.credit_notes.list, credit_note_view, where=where, order=Order.desc("Date"))


async def create(x: ToolContext, r: Document) -> CreditNoteCreated:
    """Create a credit note (AUTHORISED to allocate it later). Natural key: type and number (plus contact for
    supplier notes); without a number, contact, date, reference and lines. A match is returned with duplicate=true."""
    contact = r.needed("contact")
    status = choice("status", r.status, WRITABLE, r.what) or "DRAFT"
    org = await x.org(r.tenant)
    note_type = TYPES[r.kind]
    number = text_or_none(r.number)
    request = models.CreditNoteCreate(
        type=note_type,
        contact=await _resolve.contact_ref(org, contact),
        line_items=await _resolve.line_items(org, r.new_lines()),
        credit_note_number=number,
        reference=r.reference,
        date=r.date or await _resolve.today(org),
        status=status,
        line_amount_types=r.line_amount_types,
        currency_code=currency(r.currency_code),
    )
    day = request.date
    contact_id = request.contact.contact_id

    async def find() -> CreditNote | None:
        parts = [Where.eq("Type", note_type)]
        if number is not None:
            parts.append(Where.eq("CreditNoteNumber", number))
            if note_type == "ACCPAYCREDIT":
                parts.append(Where.eq("Contact.ContactID", contact_id))
        else:
            parts += [Where.eq("Contact.ContactID", contact_id), Where.eq("Date", day)]
        page = await org.api.credit_notes.list(where=Where.all_of(*parts), page_size=100)
        if number is not None:
            return next((c for c in page.items if c.status != "DELETED"), None)
        return first_same(page.items, request)

    creation = Creation(kind="credit_note", records=org.api.credit_notes, request=request, find=find)
    created, duplicate = await create_once(x, org, creation, dedupe_key=r.dedupe_key, allow_duplicate=r.allow_duplicate)
    return credit_note_view(created, await org.short_code(), CreditNoteCreated, duplicate=duplicate)


async def update(x: ToolContext, r: Document) -> CreditNoteView:
    """Change a credit note, or approve it with status AUTHORISED; only the fields given change, and lines, when
    given, replace all lines."""
    status = choice("status", r.status, WRITABLE, r.what)
    org = await x.org(r.tenant)
    changes = nonempty(
        models.CreditNoteUpdate(**await common_changes(org, r), status=status, line_amount_types=r.line_amount_types)
    )
    current = await _fetch(org, r.document, field="document")
    if current.status in ("VOIDED", "DELETED"):
        raise UserInputError(f"The {_label(current)} is {current.status} and cannot be changed. Create a new one.")
    used = _used(current)
    if (used > 0 or current.status == "PAID") and (r.lines is not None or r.date is not None or r.line_amount_types):
        raise UserInputError(
            f"The {_label(current)} has {used:,.2f} allocated or refunded; its amounts and date cannot change while "
            "allocations remain."
        )
    updated = await org.api.credit_notes.update(str(current.credit_note_id), changes)
    return credit_note_view(updated, await org.short_code())


@tool("allocate_credit_note", toolset="payments", title="Allocate a credit note", read_only=False)
async def allocate_credit_note(
    x: ToolContext,
    credit_note: CreditNoteRef,
    invoice: Annotated[str, Field(description="Invoice or bill ID or number")],
    amount: Annotated[PositiveAmount | None, Field(gt=0, description="Default: as much as both allow")] = None,
    date: dt.date | None = None,
    tenant: Tenant = None,
) -> AllocationView:
    """Apply an approved credit note's credit to an outstanding invoice or bill of the same contact."""
    org = await x.org(tenant)
    note = await _fetch(org, credit_note)
    target = await fetch_invoice(org, invoice)
    credit = Credit(
        name=_label(note),
        noun="credit note",
        status=note.status,
        type=note.type,
        invoice_type=_INVOICE_TYPE.get(note.type or "", "?"),
        contact=note.contact,
        remaining=_zero(note.remaining_credit),
        date=note.date,
        approve_hint="Approve it first with update_document (status AUTHORISED).",
    )
    return await allocate(
        org,
        credit,
        target,
        amount,
        date,
        lambda request: org.api.credit_notes.allocate(str(note.credit_note_id), request),
        AllocationView,
        credit_note_id=str(note.credit_note_id),
        credit_note_number=note.credit_note_number,
    )


TOOLS: tuple[ToolSpec, ...] = (allocate_credit_note,)
