"""Batch payments (toolset `batch_payments`): pay several bills (or sales invoices) with one bank line, the daily
accounts-payable run; list the batches; delete one as a whole.

Every document of a batch is AUTHORISED and on one side (all bills, or all sales invoices), and each payment is at
most its document's amount due (the whole amount due when none is given). Xero makes an ordinary payment per
document; they cannot be deleted one by one, only with their batch (confirmed by the user: it makes every document
of the batch unpaid again).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import BankAccountArg, ModifiedSince, Tenant, xero_id
from xero_mcp.tools._briefs import Brief, brief
from xero_mcp.tools._context import ToolContext
from xero_mcp.tools._documents import fetch_invoice, label
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import InputModel, PositiveAmount
from xero_mcp.tools._projections import AllocationBrief, View, account_name
from xero_mcp.tools._spec import ToolSpec, tool

if TYPE_CHECKING:
    from xero_mcp.client.models.ledger import BatchPayment

MAX_PAYMENTS = 100
"""How many documents one call pays (a batch of the daily run, not the whole ledger)."""


class BatchLineIn(InputModel):
    """One document to pay and how much."""

    invoice: str = Field(max_length=255, description="Bill or invoice number or ID")
    amount: PositiveAmount | None = Field(default=None, gt=0, description="Default: its amount due")


class BatchLineView(AllocationBrief):
    """One payment of a batch: the document it paid and how much."""

    payment_id: str | None = None


class BatchView(Brief):
    """A batch payment: one bank line (type PAYBATCH for bills, RECBATCH for invoices) paying several documents."""

    batch_payment_id: str
    bank_account: str | None = None
    payments: list[BatchLineView] | None = None


class BatchList(View):
    """Batch payments, newest first."""

    items: list[BatchView]


def _view(batch: BatchPayment, *, lines: bool = True) -> BatchView:
    return BatchView(
        **brief(batch),
        batch_payment_id=str(batch.batch_payment_id),
        bank_account=account_name(batch.account),
        payments=[
            BatchLineView(
                payment_id=str(p.payment_id) if p.payment_id else None,
                invoice_id=str(p.invoice.invoice_id) if p.invoice and p.invoice.invoice_id else None,
                invoice_number=p.invoice.invoice_number if p.invoice else None,
                amount=p.amount,
            )
            for p in batch.payments
        ]
        if lines
        else None,
    )


@tool("list_batch_payments", toolset="batch_payments", title="List batch payments", read_only=True)
async def list_batch_payments(
    x: ToolContext,
    modified_since: ModifiedSince = None,
    tenant: Tenant = None,
) -> BatchList:
    """Batch payments (several bills or invoices paid by one bank line), newest first, with what each paid."""
    org = await x.org(tenant)
    found = await org.api.batch_payments.list(order="Date DESC", if_modified_since=modified_since)
    return BatchList(items=[_view(batch) for batch in found])


@tool("create_batch_payment", toolset="batch_payments", title="Pay several bills or invoices at once", read_only=False)
async def create_batch_payment(
    x: ToolContext,
    payments: Annotated[
        list[BatchLineIn], Field(min_length=1, max_length=MAX_PAYMENTS, description="The documents to pay")
    ],
    bank_account: BankAccountArg = None,
    date: dt.date | None = None,
    reference: Annotated[str | None, Field(max_length=255, description="Reference of the bank line")] = None,
    tenant: Tenant = None,
) -> BatchView:
    """Pay several approved bills (or sales invoices) from one bank account in one bank line, each at most its
    amount due (default: all of it)."""
    org = await x.org(tenant)
    lines: list[models.BatchPaymentLineInput] = []
    sides: set[str] = set()
    seen: set[str] = set()
    for index, line in enumerate(payments):
        field = f"payments[{index}].invoice"
        document = await fetch_invoice(org, line.invoice, field=field)
        name = label(document)
        if str(document.invoice_id) in seen:
            raise UserInputError(f"{field}: the {name} is in the batch twice; pay it once.")
        seen.add(str(document.invoice_id))
        if document.status != "AUTHORISED":
            raise UserInputError(f"{field}: the {name} is {document.status}; only AUTHORISED documents can be paid.")
        due = document.amount_due if document.amount_due is not None else Decimal(0)
        amount = line.amount if line.amount is not None else due
        if amount <= 0 or amount > due:
            raise UserInputError(f"payments[{index}].amount: the {name} has {due:,.2f} due; pay at most that.")
        sides.add(document.type or "")
        lines.append(
            models.BatchPaymentLineInput(invoice=models.InvoiceRef(invoice_id=document.invoice_id), amount=amount)
        )
    if len(sides) > 1:
        raise UserInputError("payments: a batch pays bills or sales invoices, not both; make one batch of each.")
    account = await _resolve.bank_account(org, bank_account)
    request = models.BatchPaymentCreate(
        account=_resolve.account_ref(account),
        date=date or await _resolve.today(org),
        reference=reference,
        payments=lines,
    )
    return _view(await org.api.batch_payments.create(request))


async def _delete_preview(x: ToolContext, batch_payment: str, **_: object) -> str:
    return (
        f"Delete batch payment {batch_payment.strip()} and every payment in it; each bill or invoice it paid "
        "becomes unpaid again by that amount."
    )


@tool(
    "delete_batch_payment",
    toolset="batch_payments",
    title="Delete a batch payment",
    read_only=False,
    destructive=True,
    idempotent=True,
    preview=_delete_preview,
)
async def delete_batch_payment(
    x: ToolContext,
    batch_payment: Annotated[str, Field(max_length=36, description="Its batch_payment_id")],
    tenant: Tenant = None,
) -> BatchView:
    """Delete a batch payment with all its payments (the user confirms); its documents are owed again."""
    ident = xero_id(batch_payment, "batch_payment", see="list_batch_payments")
    org = await x.org(tenant)
    return _view(await org.api.batch_payments.delete(ident), lines=False)


TOOLS: tuple[ToolSpec, ...] = (list_batch_payments, create_batch_payment, delete_batch_payment)
