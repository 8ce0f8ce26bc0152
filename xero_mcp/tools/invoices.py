"""Sales invoice tools (toolset `sales`), and the invoice/bill plumbing bills.py shares.

Xero keeps sales invoices (Type ACCREC) and bills (ACCPAY) in one collection, so listing, fetching, the
find-before-create lookups and the status checks are written once here for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from xero_mcp.client.errors import NotFound, ValidationError
from xero_mcp.client.pagination import Order, Where
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
    where_dated,
)
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import LineIn
from xero_mcp.tools._projections import (
    CompactView,
    InvoiceCreated,
    InvoiceDetail,
    InvoiceView,
    Paged,
    invoice_view,
    paged,
)
from xero_mcp.tools._spec import ToolSpec, replaces_lines, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import Invoice, InvoiceCreate, InvoiceUpdate, LineItem

InvoiceType = Literal["ACCREC", "ACCPAY"]
InvoiceStatusFilter = Literal["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"]
WritableStatus = Literal["DRAFT", "SUBMITTED", "AUTHORISED"]
AmountTypes = Literal["Exclusive", "Inclusive", "NoTax"]

LIVE_STATUSES: tuple[str, ...] = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED")
"""Every status but DELETED: a deleted document no longer counts as an existing copy."""

_KIND = {"ACCREC": "invoice", "ACCPAY": "bill"}


def label(invoice: Invoice) -> str:
    """How a message names a document: "invoice INV-0001" / "bill ABC-1 from Acme"."""
    kind = _KIND.get(invoice.type or "ACCREC", "invoice")
    number = invoice.invoice_number or str(invoice.invoice_id)
    supplier = f" from {invoice.contact.name}" if invoice.type == "ACCPAY" and invoice.contact else ""
    return f"{kind} {number}{supplier}"


async def fetch_invoice(org: Org, ref: str, *, field: str = "invoice") -> Invoice:
    """The invoice or bill with this InvoiceID or InvoiceNumber (UserInputError when there is none)."""
    text = ref.strip()
    if not text:
        raise UserInputError(f"{field}: give an invoice ID or number.")
    try:
        return await org.api.invoices.get(text)
    except NotFound:
        raise UserInputError(
            f"{field}: no invoice or bill has the ID or number {text!r}. Find it with list_invoices or list_bills."
        ) from None


async def list_documents(
    x: ToolContext,
    kind: InvoiceType,
    *,
    statuses: Sequence[str] | None,
    contact: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    search: str | None,
    modified_since: dt.datetime | None,
    page: int,
    page_size: int,
    tenant: str | None,
) -> Paged[InvoiceView]:
    """One page of sales invoices or bills, newest first."""
    org = await x.org(tenant)
    contact_ids = [str((await _resolve.contact(org, contact)).contact_id)] if contact else None
    result = await org.api.invoices.list(
        where=where_dated([Where.eq("Type", kind)], date_from, date_to),
        statuses=list(statuses) if statuses else None,
        contact_ids=contact_ids,
        search_term=text_or_none(search),
        order=Order.desc("Date"),
        summary_only=True,
        if_modified_since=modified_since,
        page=page,
        page_size=page_size,
    )
    short_code = await org.short_code()
    return paged(result, lambda inv: invoice_view(inv, short_code))


# --- find before create --------------------------------------------------------------------------------------------

_COMPARED = ("Description", "Quantity", "UnitAmount", "ItemCode", "AccountCode", "TaxType", "DiscountRate")
_NUMERIC = frozenset({"Quantity", "UnitAmount", "DiscountRate"})


def _same_value(field: str, wanted: Any, stored: Any) -> bool:
    if stored is None:
        return False
    if field in _NUMERIC:
        return Decimal(str(wanted)) == Decimal(str(stored))
    return _resolve.fold(str(wanted)) == _resolve.fold(str(stored))


def same_lines(requested: Sequence[Mapping[str, Any]], stored: Sequence[LineItem]) -> bool:
    """Whether stored lines are the requested ones: same count, and every field the request set has its value."""
    if len(requested) != len(stored):
        return False
    for want, got in zip(requested, stored, strict=True):
        have = got.model_dump(by_alias=True)
        for name in _COMPARED:
            value = want.get(name)
            if value is not None and not _same_value(name, value, have.get(name)):
                return False
    return True


async def find_same_document(org: Org, body: Mapping[str, Any], day: dt.date) -> Invoice | None:
    """A live document of the same type, contact, date, reference, currency and lines as `body`, or None."""
    contact_id = body["Contact"]["ContactID"]
    where = Where.all_of(
        Where.eq("Type", str(body["Type"])),
        Where.eq("Contact.ContactID", contact_id),
        Where.eq("Date", day),
    )
    page = await org.api.invoices.list(where=where, statuses=list(LIVE_STATUSES), page_size=100)
    reference = _resolve.fold(body.get("Reference"))
    for candidate in page.items:
        if _resolve.fold(candidate.reference) != reference:
            continue
        if body.get("CurrencyCode") and candidate.currency_code and candidate.currency_code != body["CurrencyCode"]:
            continue
        if same_lines(body["LineItems"], candidate.line_items):
            return candidate
    return None


async def create_document(
    x: ToolContext,
    org: Org,
    tool_name: str,
    request: InvoiceCreate,
    find_by_number: Callable[[], Awaitable[Invoice | None]] | None,
    *,
    dedupe_key: str | None,
    allow_duplicate: bool,
) -> tuple[Invoice, bool]:
    """Create a sales invoice or bill through `create_once`, with the given number lookup (or None)."""
    body = request.to_xero()
    day = request.date or await _resolve.today(org)

    async def find() -> Invoice | None:
        if find_by_number is not None:
            return await find_by_number()
        return await find_same_document(org, body, day)

    return await _resolve.create_once(
        x,
        org,
        tool_name,
        _resolve.dedupe_in(org.api.invoices, request, find),
        dedupe_key=dedupe_key,
        allow_duplicate=allow_duplicate,
        key_extra=None if request.date else {"Date": day},
    )


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


# --- tools ---------------------------------------------------------------------------------------------------------


@tool("list_invoices", toolset="sales", title="List sales invoices", read_only=True)
async def list_invoices(
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
    """List sales invoices, newest first; search matches number and reference."""
    return await list_documents(
        x,
        "ACCREC",
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


@tool("get_invoice", toolset="documents", title="Get an invoice", read_only=True)
async def get_invoice(x: ToolContext, invoice: str, tenant: Tenant = None) -> InvoiceDetail:
    """Get an invoice or bill by ID or number, with lines and payments."""
    org = await x.org(tenant)
    found = await fetch_invoice(org, invoice)
    return invoice_view(found, await org.short_code(), InvoiceDetail)


@tool("create_invoice", toolset="sales", title="Create a sales invoice", read_only=False)
async def create_invoice(
    x: ToolContext,
    contact: Contact,
    lines: list[LineIn],
    date: dt.date | None = None,
    due_date: dt.date | None = None,
    invoice_number: str | None = None,
    reference: str | None = None,
    status: WritableStatus = "DRAFT",
    line_amount_types: AmountTypes | None = None,
    currency_code: str | None = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> InvoiceCreated:
    """Create a sales invoice (status AUTHORISED approves it). Natural key: invoice_number; without one, contact,
    date, reference and lines. An existing match is returned with duplicate=true."""
    from xero_mcp.client.models import InvoiceCreate

    org = await x.org(tenant)
    request = InvoiceCreate(
        type="ACCREC",
        contact=await _resolve.contact_ref(org, contact),
        line_items=await _resolve.line_items(org, lines),
        date=date,
        due_date=due_date,
        invoice_number=text_or_none(invoice_number),
        reference=reference,
        status=status,
        line_amount_types=line_amount_types,
        currency_code=currency_code.upper() if currency_code else None,
    )
    number = request.invoice_number

    async def by_number() -> Invoice | None:
        assert number is not None
        found = await org.api.invoices.find_by_number(number)
        return found if found is not None and found.type == "ACCREC" and found.status != "DELETED" else None

    record, duplicate = await create_document(
        x,
        org,
        "create_invoice",
        request,
        by_number if number else None,
        dedupe_key=dedupe_key,
        allow_duplicate=allow_duplicate,
    )
    return invoice_view(record, await org.short_code(), InvoiceCreated, duplicate=duplicate)


async def update_document(
    x: ToolContext,
    ref: str,
    changes: InvoiceUpdate,
    tenant: str | None,
    *,
    field: str,
) -> InvoiceView:
    """Apply `changes` to an invoice or bill after checking its status allows them."""
    if not changes.to_xero():
        raise UserInputError("Give at least one field to change.")
    org = await x.org(tenant)
    current = await fetch_invoice(org, ref, field=field)
    check_editable(current, changes)
    updated = await org.api.invoices.update(str(current.invoice_id), changes)
    return invoice_view(updated, await org.short_code())


@tool(
    "update_invoice",
    toolset="sales",
    title="Update an invoice",
    read_only=False,
    destructive=True,
    idempotent=True,
    preview=replaces_lines("invoice", "invoice"),
)
async def update_invoice(
    x: ToolContext,
    invoice: str,
    contact: OptionalContact = None,
    lines: list[LineIn] | None = None,
    date: dt.date | None = None,
    due_date: dt.date | None = None,
    invoice_number: str | None = None,
    reference: str | None = None,
    status: WritableStatus | None = None,
    line_amount_types: AmountTypes | None = None,
    tenant: Tenant = None,
) -> InvoiceView:
    """Change a sales invoice (by ID or number); only the fields given change, and lines, when given, replace all
    lines."""
    from xero_mcp.client.models import InvoiceUpdate

    org = await x.org(tenant)
    changes = InvoiceUpdate(
        contact=await _resolve.contact_ref(org, contact) if contact else None,
        line_items=await _resolve.line_items(org, lines) if lines is not None else None,
        date=date,
        due_date=due_date,
        invoice_number=invoice_number,
        reference=reference,
        status=status,
        line_amount_types=line_amount_types,
    )
    return await update_document(x, invoice, changes, tenant, field="invoice")


@tool("approve_invoice", toolset="sales", title="Approve an invoice", read_only=False, idempotent=True)
async def approve_invoice(x: ToolContext, invoice: str, tenant: Tenant = None) -> InvoiceView:
    """Approve a draft or submitted invoice or bill, so it can be paid or emailed."""
    from xero_mcp.client.models import InvoiceUpdate

    org = await x.org(tenant)
    current = await fetch_invoice(org, invoice)
    refuse_if_closed(current, "be approved")
    if current.status in ("AUTHORISED", "PAID"):
        return invoice_view(current, await org.short_code())
    updated = await org.api.invoices.update(str(current.invoice_id), InvoiceUpdate(status="AUTHORISED"))
    return invoice_view(updated, await org.short_code())


def _money(amount: Decimal | None, currency: str | None) -> str:
    return f"{amount if amount is not None else 0:,.2f}{' ' + currency if currency else ''}"


async def _void_plan(org: Org, invoice: str) -> tuple[Invoice, Literal["VOIDED", "DELETED"] | None]:
    """The document and the status voiding it means (None: already void), or a UserInputError saying why not."""
    current = await fetch_invoice(org, invoice)
    if current.status in ("VOIDED", "DELETED"):
        return current, None
    paid = (current.amount_paid or Decimal(0)) + (current.amount_credited or Decimal(0))
    if current.status == "PAID" or paid > 0:
        raise UserInputError(
            f"The {label(current)} has {_money(paid, current.currency_code)} paid or credited; Xero cannot void it "
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
    return f"{verb} {label(current)}{who} for {_money(current.total, current.currency_code)}."


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
    from xero_mcp.client.models import InvoiceUpdate

    org = await x.org(tenant)
    current, target = await _void_plan(org, invoice)
    if target is None:
        return invoice_view(current, await org.short_code())
    updated = await org.api.invoices.update(str(current.invoice_id), InvoiceUpdate(status=target))
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
    list_invoices,
    get_invoice,
    create_invoice,
    update_invoice,
    approve_invoice,
    void_invoice,
    email_invoice,
    get_online_invoice_url,
)
