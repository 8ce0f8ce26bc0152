"""Invoices (ACCREC, sales) and bills (ACCPAY), and the online invoice link."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from xero_mcp.client.models._base import REQUEST_CONFIG, Money, XeroDate, XeroModel, XeroRequest
from xero_mcp.client.models.common import (
    Attachment,
    ContactRef,
    ContactSummary,
    LineAmountTypes,
    LineItem,
    LineItemInput,
    XeroRecord,
)

InvoiceType = Literal["ACCREC", "ACCPAY"]
"""ACCREC: a sales invoice (money owed to the organisation); ACCPAY: a bill (money it owes)."""

InvoiceStatus = Literal["DRAFT", "SUBMITTED", "AUTHORISED", "DELETED", "VOIDED"]
"""Statuses a write may set (PAID is set by Xero when payments cover the total)."""


class PaymentSummary(XeroModel):
    """A payment as listed on an invoice or credit note."""

    payment_id: UUID | None = None
    date: XeroDate | None = None
    amount: Money | None = None
    reference: str | None = None
    currency_rate: Money | None = None


class CreditNoteSummary(XeroModel):
    """A credit note as listed on an invoice."""

    credit_note_id: UUID | None = None
    credit_note_number: str | None = None
    applied_amount: Money | None = None
    total: Money | None = None


class Invoice(XeroRecord):
    """A sales invoice (ACCREC) or bill (ACCPAY)."""

    invoice_id: UUID | None = None
    type: str | None = None
    invoice_number: str | None = None
    reference: str | None = None
    contact: ContactSummary | None = None
    date: XeroDate | None = None
    due_date: XeroDate | None = None
    expected_payment_date: XeroDate | None = None
    planned_payment_date: XeroDate | None = None
    fully_paid_on_date: XeroDate | None = None
    status: str | None = None
    line_amount_types: str | None = None
    line_items: list[LineItem] = Field(default_factory=list[LineItem])
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    total_discount: Money | None = None
    amount_due: Money | None = None
    amount_paid: Money | None = None
    amount_credited: Money | None = None
    currency_code: str | None = None
    currency_rate: Money | None = None
    branding_theme_id: UUID | None = None
    url: str | None = None
    sent_to_contact: bool | None = None
    has_attachments: bool | None = None
    attachments: list[Attachment] | None = None
    payments: list[PaymentSummary] = Field(default_factory=list[PaymentSummary])
    credit_notes: list[CreditNoteSummary] = Field(default_factory=list[CreditNoteSummary])
    repeating_invoice_id: UUID | None = None
    has_errors: bool | None = None


class _InvoiceWriteFields(BaseModel):
    invoice_number: str | None = Field(default=None, max_length=255)
    reference: str | None = None
    date: XeroDate | None = None
    due_date: XeroDate | None = None
    expected_payment_date: XeroDate | None = None
    planned_payment_date: XeroDate | None = None
    line_amount_types: LineAmountTypes | None = None
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    currency_rate: Money | None = None
    branding_theme_id: UUID | None = None
    url: str | None = None
    sent_to_contact: bool | None = None
    status: InvoiceStatus | None = None


class InvoiceCreate(_InvoiceWriteFields, XeroRequest):
    """A new invoice or bill. Xero needs Type, Contact and LineItems; Date defaults to today, Status to DRAFT."""

    model_config = REQUEST_CONFIG

    type: InvoiceType
    contact: ContactRef
    line_items: list[LineItemInput] = Field(min_length=1)


class InvoiceUpdate(_InvoiceWriteFields, XeroRequest):
    """Changes to an invoice or bill; only the fields given are sent.

    Leave `line_items` unset to keep the lines: when given, it replaces them (lines with a LineItemID are updated,
    lines without one added, lines left out deleted). Status changes follow Xero's rules (DRAFT/SUBMITTED ->
    AUTHORISED or DELETED; AUTHORISED -> VOIDED when unpaid).
    """

    model_config = REQUEST_CONFIG

    contact: ContactRef | None = None
    line_items: list[LineItemInput] | None = None


class OnlineInvoice(XeroModel):
    """The customer-facing link of an invoice."""

    online_invoice_url: str | None = None
