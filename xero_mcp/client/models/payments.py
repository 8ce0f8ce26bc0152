"""Payments against invoices, bills and credit notes."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field, model_validator

from xero_mcp.client.models._base import Money, XeroDate, XeroRequest
from xero_mcp.client.models.common import AccountRef, AccountSummary, CreditNoteRef, InvoiceRef, XeroRecord
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
    """Pay `amount` on an AUTHORISED invoice/bill (or refund a credit note) from a bank account (or an account
    with payments enabled). Exactly one of `invoice` and `credit_note`."""

    invoice: InvoiceRef | None = None
    credit_note: CreditNoteRef | None = None
    account: AccountRef
    amount: Money = Field(gt=0)
    date: XeroDate | None = None
    reference: str | None = None
    currency_rate: Money | None = None
    is_reconciled: bool | None = None

    @model_validator(mode="after")
    def _one_target(self) -> PaymentCreate:
        if (self.invoice is None) == (self.credit_note is None):
            raise ValueError("a payment needs exactly one of invoice or credit_note")
        return self
