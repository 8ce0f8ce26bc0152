"""Credit notes and their allocations to invoices."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from xero_mcp.client.models._base import REQUEST_CONFIG, Money, XeroDate, XeroModel, XeroRequest
from xero_mcp.client.models.common import (
    ContactRef,
    ContactSummary,
    InvoiceRef,
    LineAmountTypes,
    LineItem,
    LineItemInput,
    XeroRecord,
)
from xero_mcp.client.models.invoices import PaymentSummary

CreditNoteType = Literal["ACCRECCREDIT", "ACCPAYCREDIT"]
CreditNoteStatus = Literal["DRAFT", "SUBMITTED", "AUTHORISED", "DELETED", "VOIDED"]


class InvoiceSummary(XeroModel):
    """An invoice as it appears inside an allocation or payment."""

    invoice_id: UUID | None = None
    invoice_number: str | None = None
    type: str | None = None
    status: str | None = None
    contact: ContactSummary | None = None


class Allocation(XeroRecord):
    """Part of a credit note (or prepayment/overpayment) applied to an invoice."""

    allocation_id: UUID | None = None
    amount: Money | None = None
    date: XeroDate | None = None
    invoice: InvoiceSummary | None = None
    is_deleted: bool | None = None


class AllocationCreate(XeroRequest):
    """Apply `amount` of an AUTHORISED credit note to an outstanding invoice of the same contact on `date`
    (Xero's spec requires the date)."""

    invoice: InvoiceRef
    amount: Money = Field(gt=0)
    date: dt.date


class ContactCredit(XeroRecord):
    """What a contact's credits share (credit notes, prepayments, overpayments): its lines and totals, the credit
    left, and the allocations and refunds that used the rest."""

    type: str | None = None
    reference: str | None = None
    contact: ContactSummary | None = None
    date: XeroDate | None = None
    status: str | None = None
    line_amount_types: str | None = None
    line_items: list[LineItem] = Field(default_factory=list[LineItem])
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    remaining_credit: Money | None = None
    currency_code: str | None = None
    currency_rate: Money | None = None
    allocations: list[Allocation] = Field(default_factory=list[Allocation])
    payments: list[PaymentSummary] = Field(default_factory=list[PaymentSummary])
    has_attachments: bool | None = None


class CreditNote(ContactCredit):
    """A credit note (ACCRECCREDIT for customers, ACCPAYCREDIT from suppliers)."""

    credit_note_id: UUID | None = None
    credit_note_number: str | None = None
    due_date: XeroDate | None = None
    fully_paid_on_date: XeroDate | None = None
    applied_amount: Money | None = None
    sent_to_contact: bool | None = None
    branding_theme_id: UUID | None = None


class _CreditNoteWriteFields(BaseModel):
    credit_note_number: str | None = None
    reference: str | None = None
    date: XeroDate | None = None
    status: CreditNoteStatus | None = None
    line_amount_types: LineAmountTypes | None = None
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    currency_rate: Money | None = None
    branding_theme_id: UUID | None = None


class CreditNoteCreate(_CreditNoteWriteFields, XeroRequest):
    """A new credit note: Type, Contact and LineItems. It must be AUTHORISED before it can be allocated."""

    model_config = REQUEST_CONFIG

    type: CreditNoteType
    contact: ContactRef
    line_items: list[LineItemInput] = Field(min_length=1)


class CreditNoteUpdate(_CreditNoteWriteFields, XeroRequest):
    """Changes to a credit note; `line_items`, when given, replaces the lines."""

    model_config = REQUEST_CONFIG

    contact: ContactRef | None = None
    line_items: list[LineItemInput] | None = None
