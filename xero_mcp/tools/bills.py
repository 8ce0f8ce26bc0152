"""Bills (Xero's ACCPAY invoices): creating one (for `create_document`) and the get_bill tool.

A bill's "reference" is the supplier's invoice number, which Xero keeps in InvoiceNumber (not unique: two suppliers
may use the same one), so a bill is found by supplier and reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.client.pagination import Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import OptionalContact, Tenant, text_or_none
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._documents import (
    LIVE_STATUSES,
    WRITABLE,
    Document,
    choice,
    create_document,
    currency,
    fetch_invoice,
)
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import InvoiceCreated, InvoiceDetail, invoice_view
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
        raise UserInputError(f"bill: no bill{whose} has the reference {bill.strip()!r}. See list_records.")
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


async def create(x: ToolContext, r: Document) -> InvoiceCreated:
    """Create a bill from a supplier (`contact`; status AUTHORISED approves it). Natural key: supplier and reference;
    without a reference, supplier, date and lines. An existing match is returned with duplicate=true."""
    contact = r.needed("contact")
    status = choice("status", r.status, WRITABLE, r.what) or "DRAFT"
    org = await x.org(r.tenant)
    text = text_or_none(r.reference)
    request = models.InvoiceCreate(
        type="ACCPAY",
        contact=await _resolve.contact_ref(org, contact, field="contact"),
        line_items=await _resolve.line_items(org, r.new_lines()),
        invoice_number=text,
        date=r.date or await _resolve.today(org),
        due_date=r.due_date,
        status=status,
        line_amount_types=r.line_amount_types,
        currency_code=currency(r.currency_code),
    )
    supplier_id = str(request.contact.contact_id)

    async def by_reference() -> Invoice | None:
        assert text is not None
        matches = await _find_by_reference(org, text, supplier_id)
        return next((m for m in matches if m.status != "DELETED"), None)

    return await create_document(x, org, request, by_reference if text else None, r)


TOOLS: tuple[ToolSpec, ...] = (get_bill,)
