"""The general ledger's audit trail (Journals), schedules that make invoices (RepeatingInvoices), batch payments
(BatchPayments) and budgets (Budgets)."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from pydantic import Field

from xero_mcp.client.models._base import Money, XeroDate, XeroDateTime, XeroModel, XeroRequest
from xero_mcp.client.models.common import (
    AccountRef,
    AccountSummary,
    ContactRef,
    ContactSummary,
    InvoiceRef,
    LineAmountTypes,
    LineItem,
    LineItemInput,
    LineItemTracking,
    XeroRecord,
)
from xero_mcp.client.models.credit_notes import InvoiceSummary

# --- journals ------------------------------------------------------------------------------------------------------


class JournalEntryLine(XeroModel):
    """One account's posting in a journal: positive is a debit, negative a credit."""

    journal_line_id: UUID | None = None
    account_id: UUID | None = None
    account_code: str | None = None
    account_type: str | None = None
    account_name: str | None = None
    description: str | None = None
    net_amount: Money | None = None
    gross_amount: Money | None = None
    tax_amount: Money | None = None
    tax_type: str | None = None
    tax_name: str | None = None
    tracking_categories: list[LineItemTracking] = Field(default_factory=list[LineItemTracking])


class Journal(XeroModel):
    """A numbered entry of the general ledger, made by a document (SourceType, SourceID) and never changed."""

    journal_id: UUID | None = None
    journal_date: XeroDate | None = None
    journal_number: int | None = None
    created_date_utc: XeroDateTime | None = None
    reference: str | None = None
    source_id: UUID | None = None
    source_type: str | None = None
    journal_lines: list[JournalEntryLine] = Field(default_factory=list[JournalEntryLine])


# --- repeating invoices --------------------------------------------------------------------------------------------


class Schedule(XeroModel):
    """When a repeating invoice makes its invoices, and when each is due."""

    period: int | None = None
    unit: str | None = None
    due_date: int | None = None
    due_date_type: str | None = None
    start_date: XeroDate | None = None
    next_scheduled_date: XeroDate | None = None
    end_date: XeroDate | None = None


class ScheduleInput(XeroRequest):
    """Every `period` weeks or months (`unit` WEEKLY or MONTHLY) from `start_date` (until `end_date`), each invoice
    due per `due_date_type` (DAYSAFTERBILLDATE, OFFOLLOWINGMONTH, ...: Xero checks the value)."""

    period: int = Field(ge=1)
    unit: str
    due_date: int = Field(ge=0)
    due_date_type: str
    start_date: dt.date
    end_date: dt.date | None = None


class RepeatingInvoice(XeroRecord):
    """A template that makes a sales invoice (ACCREC) or bill (ACCPAY) on every date of its schedule."""

    repeating_invoice_id: UUID | None = None
    type: str | None = None
    contact: ContactSummary | None = None
    schedule: Schedule | None = None
    line_items: list[LineItem] = Field(default_factory=list[LineItem])
    line_amount_types: str | None = None
    reference: str | None = None
    currency_code: str | None = None
    status: str | None = None
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    has_attachments: bool | None = None
    approved_for_sending: bool | None = None


class RepeatingInvoiceCreate(XeroRequest):
    """A new template: DRAFT makes draft invoices, AUTHORISED approved ones."""

    type: Literal["ACCREC", "ACCPAY"]
    contact: ContactRef
    schedule: ScheduleInput
    line_items: list[LineItemInput] = Field(min_length=1)
    line_amount_types: LineAmountTypes | None = None
    reference: str | None = None
    currency_code: str | None = None
    status: Literal["DRAFT", "AUTHORISED"]


# --- batch payments ------------------------------------------------------------------------------------------------


class BatchPaymentLine(XeroModel):
    """One payment of a batch."""

    payment_id: UUID | None = None
    invoice: InvoiceSummary | None = None
    amount: Money | None = None
    reference: str | None = None


class BatchPayment(XeroRecord):
    """Several invoices (RECBATCH) or bills (PAYBATCH) paid by one bank line."""

    batch_payment_id: UUID | None = None
    account: AccountSummary | None = None
    date: XeroDate | None = None
    reference: str | None = None
    type: str | None = None
    status: str | None = None
    total_amount: Money | None = None
    is_reconciled: bool | None = None
    payments: list[BatchPaymentLine] = Field(default_factory=list[BatchPaymentLine])


class BatchPaymentLineInput(XeroRequest):
    """Pay `amount` of one AUTHORISED invoice or bill."""

    invoice: InvoiceRef
    amount: Money = Field(gt=0)


class BatchPaymentCreate(XeroRequest):
    """Several invoices or bills of one side, paid from one bank account on one date."""

    account: AccountRef
    date: dt.date
    reference: str | None = Field(default=None, max_length=255)
    payments: list[BatchPaymentLineInput] = Field(min_length=1)


# --- budgets -------------------------------------------------------------------------------------------------------


class BudgetBalance(XeroModel):
    """One month of a budget line."""

    period: str | None = None
    amount: Money | None = None
    unit_amount: Money | None = None
    notes: str | None = None


class BudgetLine(XeroModel):
    """An account's budgeted amounts, month by month."""

    account_id: UUID | None = None
    account_code: str | None = None
    budget_balances: list[BudgetBalance] = Field(default_factory=list[BudgetBalance])


class Budget(XeroModel):
    """An OVERALL budget or one for a TRACKING option (lines only when read one at a time)."""

    budget_id: UUID | None = None
    type: str | None = None
    description: str | None = None
    updated_date_utc: XeroDateTime | None = None
    budget_lines: list[BudgetLine] = Field(default_factory=list[BudgetLine])
    tracking: list[LineItemTracking] = Field(default_factory=list[LineItemTracking])
