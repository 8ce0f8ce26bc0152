"""Payments against invoices and bills: list (for list_records), create (duplicate-safe), delete (confirmed).

Xero applies payments only to AUTHORISED documents and never more than the amount due; payments cannot be changed,
only deleted (which puts the amount back on the document). The tools check those rules first, so the model is told
what to do instead of getting a bare refusal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.client.errors import NotFound
from xero_mcp.client.pagination import Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import AllowDuplicate, BankAccountArg, DedupeKey, Tenant, where_dated, xero_id
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._create import Creation, create_once, fetch_live
from xero_mcp.tools._documents import Listing, fetch_invoice, listed
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import PositiveAmount
from xero_mcp.tools._projections import Paged, PaymentCreated, PaymentView, payment_view
from xero_mcp.tools._spec import ToolSpec, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import Account, Invoice, Payment

InvoiceArg = Annotated[str, Field(description="Number or ID")]


STATUSES: tuple[str, ...] = ("AUTHORISED", "DELETED")


async def list_payments(x: ToolContext, q: Listing) -> Paged[PaymentView]:
    """Payments on invoices and bills, newest first; search names the invoice or bill (number or ID)."""
    org = await x.org(q.tenant)
    filters: list[Where] = []
    if q.search is not None:
        found = await fetch_invoice(org, q.search, field="search")
        filters.append(Where.eq("Invoice.InvoiceID", found.invoice_id))
    if q.statuses:
        filters.append(Where.any_of(*(Where.eq("Status", status) for status in dict.fromkeys(q.statuses))))
    where = where_dated(filters, q.date_from, q.date_to)
    return await listed(org, q, org.api.payments.list, lambda p, _: payment_view(p), where=where, order="Date DESC")


async def _payment_account(org: Org, wanted: str | None) -> Account:
    """The account a payment is paid from or into: a bank account, or one with payments enabled."""
    if wanted is None or not wanted.strip():
        return await _resolve.bank_account(org, None, field="account")
    found = await _resolve.account(org, wanted, field="account")
    if found.type != "BANK" and not found.enable_payments_to_account:
        raise UserInputError(
            f"bank_account: {found.name} ({found.code}) is not a bank account and does not accept payments; use a bank "
            "account (see list_accounts with type BANK)."
        )
    return found


def _payable(invoice: Invoice, amount: Decimal) -> None:
    """Xero's payment rules, explained: AUTHORISED documents only, at most the amount due."""
    label = invoice.invoice_number or str(invoice.invoice_id)
    kind = "Bill" if invoice.type == "ACCPAY" else "Invoice"
    status = invoice.status or "DRAFT"
    if status == "PAID":
        raise UserInputError(f"{kind} {label} is already PAID; there is nothing left to pay.")
    if status != "AUTHORISED":
        raise UserInputError(
            f"{kind} {label} is {status}; payments apply only to AUTHORISED documents. "
            + (
                "Approve it first (approve_invoice), then pay it."
                if status in ("DRAFT", "SUBMITTED")
                else "A voided or deleted document cannot be paid."
            )
        )
    due = invoice.amount_due
    if due is not None and amount > due:
        raise UserInputError(
            f"amount: {amount} is more than the {due} due on {kind.lower()} {label}; pay at most {due}."
        )


@tool("create_payment", toolset="payments", title="Pay an invoice or bill", read_only=False)
async def create_payment(
    x: ToolContext,
    invoice: InvoiceArg,
    amount: Annotated[PositiveAmount, Field(gt=0, description="At most the amount due")],
    date: dt.date | None = None,
    bank_account: BankAccountArg = None,
    reference: str | None = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> PaymentCreated:
    """Pay an approved invoice or bill, at most its amount due. Natural key: invoice, amount, date."""

    org = await x.org(tenant)
    target = await fetch_invoice(org, invoice)
    paid_from = await _payment_account(org, bank_account)
    request = models.PaymentCreate(
        invoice=models.InvoiceRef(invoice_id=target.invoice_id),
        account=_resolve.account_ref(paid_from),
        amount=amount,
        date=date or await _resolve.today(org),
        reference=reference,
    )
    api = org.api.payments

    async def find() -> Payment | None:
        # The invoice lists its payments: one with the same amount and date is this payment.
        for existing in target.payments:
            if existing.payment_id and existing.amount == request.amount and existing.date == request.date:
                return await fetch_live(api.get, str(existing.payment_id))
        return None

    # Checked only when about to write: a retry of a payment that went through finds it instead.
    creation = Creation(kind="payment", records=api, request=request, find=find, check=lambda: _payable(target, amount))
    created, duplicate = await create_once(x, org, creation, dedupe_key=dedupe_key, allow_duplicate=allow_duplicate)
    return payment_view(created, PaymentCreated, duplicate=duplicate)


async def _deletable(org: Org, payment: str) -> Payment:
    ident = xero_id(payment, "payment", see="list_records")
    try:
        found = await org.api.payments.get(ident)
    except NotFound:
        raise UserInputError(f"payment: no payment has the ID {ident}; see list_records.") from None
    if (found.status or "AUTHORISED") == "DELETED":
        raise UserInputError(f"Payment {ident} is already deleted.")
    if found.batch_payment_id is not None:
        raise UserInputError(
            f"Payment {ident} is part of a batch payment; Xero deletes those only as a whole batch, in Xero itself."
        )
    return found


async def _preview_delete(x: ToolContext, payment: str, tenant: str | None = None) -> str:
    """One sentence: which payment would be deleted and what happens to its document."""
    org = await x.org(tenant)
    found = await _deletable(org, payment)
    document = found.invoice.invoice_number if found.invoice and found.invoice.invoice_number else "its document"
    who = found.invoice.contact.name if found.invoice and found.invoice.contact else None
    on = f"{document} ({who})" if who else document
    return (
        f"Delete the payment of {found.amount} on {on} dated {found.date}; {document}'s amount due goes back up "
        f"by {found.amount}."
    )


@tool(
    "delete_payment",
    toolset="payments",
    title="Delete a payment",
    read_only=False,
    destructive=True,
    idempotent=True,
    preview=_preview_delete,
)
async def delete_payment(
    x: ToolContext,
    payment: Annotated[str, Field(description="Payment ID")],
    tenant: Tenant = None,
) -> PaymentView:
    """Delete a payment; its invoice or bill is due again. The user confirms first."""
    org = await x.org(tenant)
    found = await _deletable(org, payment)
    deleted = await org.api.payments.delete(str(found.payment_id))
    # Xero's answer to a delete may omit the document; fall back to what was read before.
    if deleted.invoice is None:
        deleted = found.model_copy(update={"status": deleted.status or "DELETED"})
    return payment_view(deleted)


TOOLS: tuple[ToolSpec, ...] = (create_payment, delete_payment)
