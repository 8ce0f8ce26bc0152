"""Payments against invoices, bills and credit notes."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field, model_validator

from xero_mcp.client.models._base import Money, XeroDate, XeroRequest
from xero_mcp.client.models.common import (
    AccountRef,
    AccountSummary,
    CreditNoteRef,
    InvoiceRef,
    OverpaymentRef,
    PrepaymentRef,
    XeroRecord,
)
from xero_mcp.client.models.credit_notes import InvoiceSummary


class CreditNotePaymentSummary(InvoiceSummary):
    """A credit note as it appears inside a payment (a refund)."""

    credit_note_id: UUID | None = None
    credit_note_number: str | None = None


class Payment(XeroRecord):
    """A payment (or refund) applied to one document from one bank account."""

    payment_id: UUID | None = None
    date: XeroDate | None = None
    amount: Money | None = None
    bank_amount: Money | None = None
    currency_rate: Money | None = None
    reference: str | None = None
    is_reconciled: bool | None = None
    status: str | None = None
    payment_type: str | None = None
    invoice: InvoiceSummary | None = None
    credit_note: CreditNotePaymentSummary | None = None
    account: AccountSummary | None = None
    batch_payment_id: UUID | None = None


class PaymentCreate(XeroRequest):
    """Pay `amount` on an AUTHORISED invoice/bill (or refund a credit note, prepayment or overpayment) from a bank
    account (or an account with payments enabled). Exactly one of `invoice`, `credit_note`, `prepayment` and
    `overpayment`."""

    invoice: InvoiceRef | None = None
    credit_note: CreditNoteRef | None = None
    prepayment: PrepaymentRef | None = None
    overpayment: OverpaymentRef | None = None
    account: AccountRef
    amount: Money = Field(gt=0)
    date: XeroDate | None = None
    reference: str | None = None
    currency_rate: Money | None = None
    is_reconciled: bool | None = None

    @model_validator(mode="after")
    def _one_target(self) -> PaymentCreate:
        targets = (self.invoice, self.credit_note, self.prepayment, self.overpayment)
        if sum(target is not None for target in targets) != 1:
            raise ValueError("a payment needs exactly one of invoice, credit_note, prepayment or overpayment")
        return self
