"""Sales invoices: creating and changing them (for `create_document` / `update_document`), and the tools that get,
approve, void and email invoices and bills and give an invoice's online link.

What invoices share with bills and the other documents (listing, fetching, find-before-create, status rules) is in
`_documents`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from xero_mcp.client import models
from xero_mcp.client.errors import ValidationError
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import Tenant, text_or_none
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._documents import (
    WRITABLE,
    Document,
    choice,
    common_changes,
    create_document,
    currency,
    fetch_invoice,
    label,
    money,
    refuse_if_closed,
    update_document,
)
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import CompactView, InvoiceCreated, InvoiceDetail, InvoiceView, invoice_view
from xero_mcp.tools._spec import ToolSpec, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import Invoice


async def create(x: ToolContext, r: Document) -> InvoiceCreated:
    """Create a sales invoice (status AUTHORISED approves it). Natural key: its number; without one, contact, date,
    reference and lines. An existing match is returned with duplicate=true."""
    contact = r.needed("contact")
    status = choice("status", r.status, WRITABLE, r.what) or "DRAFT"
    org = await x.org(r.tenant)
    request = models.InvoiceCreate(
        type="ACCREC",
        contact=await _resolve.contact_ref(org, contact),
        line_items=await _resolve.line_items(org, r.new_lines()),
        date=r.date or await _resolve.today(org),
        due_date=r.due_date,
        invoice_number=text_or_none(r.number),
        reference=r.reference,
        status=status,
        line_amount_types=r.line_amount_types,
        currency_code=currency(r.currency_code),
    )
    number = request.invoice_number

    async def by_number() -> Invoice | None:
        assert number is not None
        found = await org.api.invoices.find_by_number(number)
        return found if found is not None and found.type == "ACCREC" and found.status != "DELETED" else None

    return await create_document(x, org, request, by_number if number else None, r)


async def update(x: ToolContext, r: Document) -> InvoiceView:
    """Change a sales invoice or bill (by ID or number); only the fields given change, and lines, when given,
    replace all lines."""
    status = choice("status", r.status, WRITABLE, r.what)
    org = await x.org(r.tenant)
    changes = models.InvoiceUpdate(
        **await common_changes(org, r),
        due_date=r.due_date,
        invoice_number=r.number,
        status=status,
        line_amount_types=r.line_amount_types,
    )
    return await update_document(x, r.document, changes, r.tenant, field="document")


@tool("get_invoice", toolset="documents", title="Get an invoice", read_only=True)
async def get_invoice(x: ToolContext, invoice: str, tenant: Tenant = None) -> InvoiceDetail:
    """Get an invoice or bill by ID or number, with lines and payments."""
    org = await x.org(tenant)
    found = await fetch_invoice(org, invoice)
    return invoice_view(found, await org.short_code(), InvoiceDetail)


@tool("approve_invoice", toolset="sales", title="Approve an invoice", read_only=False, idempotent=True)
async def approve_invoice(x: ToolContext, invoice: str, tenant: Tenant = None) -> InvoiceView:
    """Approve a draft or submitted invoice or bill, so it can be paid or emailed."""
    org = await x.org(tenant)
    current = await fetch_invoice(org, invoice)
    refuse_if_closed(current, "be approved")
    if current.status in ("AUTHORISED", "PAID"):
        return invoice_view(current, await org.short_code())
    updated = await org.api.invoices.update(str(current.invoice_id), models.InvoiceUpdate(status="AUTHORISED"))
    return invoice_view(updated, await org.short_code())


async def _void_plan(org: Org, invoice: str) -> tuple[Invoice, Literal["VOIDED", "DELETED"] | None]:
    """The document and the status voiding it means (None: already void), or a UserInputError saying why not."""
    current = await fetch_invoice(org, invoice)
    if current.status in ("VOIDED", "DELETED"):
        return current, None
    paid = (current.amount_paid or Decimal(0)) + (current.amount_credited or Decimal(0))
    if current.status == "PAID" or paid > 0:
        raise UserInputError(
            f"The {label(current)} has {money(paid, current.currency_code)} paid or credited; Xero cannot void it "
            "while payments or allocations remain. Delete its payments first (delete_payment), then void it."
        )
    # Drafts and submitted documents are deleted rather than voided (Xero's rule); the effect is the same.
    return current, "VOIDED" if current.status == "AUTHORISED" else "DELETED"


async def _preview_void(x: ToolContext, invoice: str, tenant: Tenant = None) -> str:
    org = await x.org(tenant)
    current, target = await _void_plan(org, invoice)
    if target is None:
        return f"The {label(current)} is already {current.status}; nothing would change."
    who = f" to {current.contact.name}" if current.contact and current.type == "ACCREC" else ""
    verb = "Void" if target == "VOIDED" else f"Delete the {(current.status or 'DRAFT').lower()}"
    return f"{verb} {label(current)}{who} for {money(current.total, current.currency_code)}."


@tool(
    "void_invoice",
    toolset="documents",
    title="Void an invoice",
    read_only=False,
    destructive=True,
    idempotent=True,
    preview=_preview_void,
)
async def void_invoice(x: ToolContext, invoice: str, tenant: Tenant = None) -> InvoiceView:
    """Void an approved, unpaid invoice or bill (a draft is deleted). The user confirms first."""
    org = await x.org(tenant)
    current, target = await _void_plan(org, invoice)
    if target is None:
        return invoice_view(current, await org.short_code())
    updated = await org.api.invoices.update(str(current.invoice_id), models.InvoiceUpdate(status=target))
    return invoice_view(updated, await org.short_code())


async def _sales_invoice(org: Org, invoice: str, only_sales: str) -> Invoice:
    """The sales invoice with this ID or number; a bill is refused, `only_sales` saying what bills lack."""
    current = await fetch_invoice(org, invoice)
    if current.type != "ACCREC":
        raise UserInputError(f"The {label(current)} is a bill; {only_sales}")
    return current


class EmailSent(CompactView):
    """email_invoice's result."""

    invoice_id: str
    invoice_number: str | None = None
    status: str | None = None
    sent_to: str | None = None


async def _preview_email(x: ToolContext, invoice: str, tenant: Tenant = None) -> str:
    # Worded from the arguments alone: asking must not cost an API call (the read happens only if sending fails).
    return f"Have Xero email sales invoice {invoice.strip()} to its contact; sent mail cannot be recalled."


@tool(
    "email_invoice",
    toolset="documents",
    title="Email an invoice",
    read_only=False,
    destructive=True,
    preview=_preview_email,
)
async def email_invoice(x: ToolContext, invoice: str, tenant: Tenant = None) -> EmailSent:
    """Have Xero email an approved sales invoice to its contact. Mail cannot be unsent: the user confirms first."""
    org = await x.org(tenant)
    if _resolve.is_id(invoice):
        # Send first and read only to explain a refusal: one API call when all is well (60 a minute are shared).
        try:
            await org.api.invoices.email(invoice)
        except ValidationError:
            pass  # read the invoice below and say why in words a model can act on
        else:
            return EmailSent(invoice_id=invoice)
    current = await _sales_invoice(org, invoice, "Xero only emails sales invoices.")
    if current.status not in ("SUBMITTED", "AUTHORISED", "PAID"):
        raise UserInputError(
            f"The {label(current)} is {current.status}; Xero only emails SUBMITTED, AUTHORISED or PAID invoices. "
            "Approve it first with approve_invoice, then email it."
        )
    await org.api.invoices.email(str(current.invoice_id))
    email = current.contact.email_address if current.contact else None
    return EmailSent(
        invoice_id=str(current.invoice_id), invoice_number=current.invoice_number, status=current.status, sent_to=email
    )


class OnlineInvoice(CompactView):
    """get_online_invoice_url's result."""

    invoice_id: str
    invoice_number: str | None = None
    online_invoice_url: str


@tool("get_online_invoice_url", toolset="sales", title="Get an invoice's online link", read_only=True)
async def get_online_invoice_url(x: ToolContext, invoice: str, tenant: Tenant = None) -> OnlineInvoice:
    """Get the customer-facing link to view and pay an approved sales invoice."""
    org = await x.org(tenant)
    current = await _sales_invoice(org, invoice, "only sales invoices have an online link.")
    if current.status in ("DRAFT", "DELETED"):
        raise UserInputError(
            f"The {label(current)} is {current.status}; Xero has no online link for it. Approve it first "
            "(approve_invoice)."
        )
    url = await org.api.invoices.online_url(str(current.invoice_id))
    return OnlineInvoice(
        invoice_id=str(current.invoice_id), invoice_number=current.invoice_number, online_invoice_url=url
    )


TOOLS: tuple[ToolSpec, ...] = (
    get_invoice,
    approve_invoice,
    void_invoice,
    email_invoice,
    get_online_invoice_url,
)
