"""Bill tools (toolset `purchases`): list, find and create bills (Xero's ACCPAY invoices).

A bill's "reference" is the supplier's invoice number, which Xero keeps in InvoiceNumber (not unique: two suppliers
may use the same one), so a bill is found by supplier and reference.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.client.pagination import Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import (
    DEFAULT_PAGE_SIZE,
    AllowDuplicate,
    Contact,
    DateFrom,
    DateTo,
    DedupeKey,
    ModifiedSince,
    OptionalContact,
    PageNumber,
    PageSize,
    Search,
    Tenant,
    text_or_none,
)
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._documents import (
    LIVE_STATUSES,
    AmountTypes,
    InvoiceStatusFilter,
    WritableStatus,
    create_document,
    currency,
    fetch_invoice,
    list_documents,
)
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import LineIn
from xero_mcp.tools._projections import InvoiceCreated, InvoiceDetail, InvoiceView, Paged, invoice_view
from xero_mcp.tools._spec import ToolSpec, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import Invoice

BillRef = Annotated[str, Field(description="Bill ID, or the supplier's reference")]


async def _find_by_reference(org: Org, reference: str, supplier_id: str | None) -> list[Invoice]:
    parts = [Where.eq("Type", "ACCPAY"), Where.eq("InvoiceNumber", reference)]
    if supplier_id is not None:
        parts.append(Where.eq("Contact.ContactID", supplier_id))
    page = await org.api.invoices.list(where=Where.all_of(*parts), statuses=list(LIVE_STATUSES), page_size=100)
    return page.items


@tool("list_bills", toolset="purchases", title="List bills", read_only=True)
async def list_bills(
    x: ToolContext,
    statuses: list[InvoiceStatusFilter] | None = None,
    contact: OptionalContact = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    search: Search = None,
    modified_since: ModifiedSince = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    tenant: Tenant = None,
) -> Paged[InvoiceView]:
    """List bills (supplier invoices), newest first; search matches the reference."""
    return await list_documents(
        x,
        "ACCPAY",
        statuses=statuses,
        contact=contact,
        date_from=date_from,
        date_to=date_to,
        search=search,
        modified_since=modified_since,
        page=page,
        page_size=page_size,
        tenant=tenant,
    )


@tool("get_bill", toolset="documents", title="Find a bill", read_only=True)
async def get_bill(
    x: ToolContext, bill: BillRef, contact: OptionalContact = None, tenant: Tenant = None
) -> InvoiceDetail:
    """Get a bill by ID, or by its supplier's reference (give contact if suppliers share it), with lines and
    payments."""
    supplier = contact
    org = await x.org(tenant)
    if _resolve.is_id(bill):
        found = await fetch_invoice(org, bill, field="bill")
        return invoice_view(found, await org.short_code(), InvoiceDetail)
    supplier_id = str((await _resolve.contact(org, supplier, field="contact")).contact_id) if supplier else None
    matches = await _find_by_reference(org, bill.strip(), supplier_id)
    if not matches:
        whose = f" from {supplier}" if supplier else ""
        raise UserInputError(f"bill: no bill{whose} has the reference {bill.strip()!r}. See list_bills.")
    if len(matches) > 1:
        listed = "; ".join(
            f"{m.contact.name if m.contact else '?'} dated {m.date} ({m.status}, ID {m.invoice_id})"
            for m in matches[:5]
        )
        raise UserInputError(
            f"bill: {len(matches)} bills have the reference {bill.strip()!r}: {listed}. Give contact (the "
            "supplier), or the bill ID."
        )
    detail = await org.api.invoices.get(str(matches[0].invoice_id))
    return invoice_view(detail, await org.short_code(), InvoiceDetail)


@tool("create_bill", toolset="purchases", title="Create a bill", read_only=False)
async def create_bill(
    x: ToolContext,
    contact: Contact,
    lines: list[LineIn],
    reference: Annotated[str | None, Field(description="The supplier's invoice number")] = None,
    date: dt.date | None = None,
    due_date: dt.date | None = None,
    status: WritableStatus = "DRAFT",
    line_amount_types: AmountTypes | None = None,
    currency_code: str | None = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> InvoiceCreated:
    """Create a bill from a supplier (`contact`; status AUTHORISED approves it). Natural key: supplier and reference;
    without a reference, supplier, date and lines. An existing match is returned with duplicate=true."""
    org = await x.org(tenant)
    text = text_or_none(reference)
    request = models.InvoiceCreate(
        type="ACCPAY",
        contact=await _resolve.contact_ref(org, contact, field="contact"),
        line_items=await _resolve.line_items(org, lines),
        invoice_number=text,
        date=date or await _resolve.today(org),
        due_date=due_date,
        status=status,
        line_amount_types=line_amount_types,
        currency_code=currency(currency_code),
    )
    supplier_id = str(request.contact.contact_id)

    async def by_reference() -> Invoice | None:
        assert text is not None
        matches = await _find_by_reference(org, text, supplier_id)
        return next((m for m in matches if m.status != "DELETED"), None)

    record, duplicate = await create_document(
        x,
        org,
        request,
        by_reference if text else None,
        dedupe_key=dedupe_key,
        allow_duplicate=allow_duplicate,
    )
    return invoice_view(record, await org.short_code(), InvoiceCreated, duplicate=duplicate)


TOOLS: tuple[ToolSpec, ...] = (list_bills, get_bill, create_bill)
