"""Quotes."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from xero_mcp.client.models._base import REQUEST_CONFIG, Money, XeroDate, XeroRequest
from xero_mcp.client.models.common import ContactRef, ContactSummary, LineItem, LineItemInput, XeroRecord

QuoteStatus = Literal["DRAFT", "SENT", "ACCEPTED", "DECLINED", "INVOICED", "DELETED"]
QuoteLineAmountTypes = Literal["EXCLUSIVE", "INCLUSIVE", "NOTAX"]
"""Quotes spell these in capitals, unlike invoices."""


class Quote(XeroRecord):
    """A quote to a customer."""

    quote_id: UUID | None = None
    quote_number: str | None = None
    reference: str | None = None
    terms: str | None = None
    title: str | None = None
    summary: str | None = None
    contact: ContactSummary | None = None
    date: XeroDate | None = None
    expiry_date: XeroDate | None = None
    status: str | None = None
    line_amount_types: str | None = None
    line_items: list[LineItem] = Field(default_factory=list[LineItem])
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    total_discount: Money | None = None
    currency_code: str | None = None
    currency_rate: Money | None = None
    branding_theme_id: UUID | None = None


class _QuoteWriteFields(BaseModel):
    quote_number: str | None = Field(default=None, max_length=255)
    reference: str | None = Field(default=None, max_length=4000)
    terms: str | None = Field(default=None, max_length=4000)
    title: str | None = Field(default=None, max_length=100)
    summary: str | None = Field(default=None, max_length=3000)
    expiry_date: XeroDate | None = None
    status: QuoteStatus | None = None
    line_amount_types: QuoteLineAmountTypes | None = None
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    currency_rate: Money | None = None
    branding_theme_id: UUID | None = None


class QuoteCreate(_QuoteWriteFields, XeroRequest):
    """A new quote: Xero needs Contact, Date and LineItems."""

    model_config = REQUEST_CONFIG

    contact: ContactRef
    date: XeroDate
    line_items: list[LineItemInput] = Field(min_length=1)


class QuoteUpdate(_QuoteWriteFields, XeroRequest):
    """Changes to a quote. Xero's update needs Contact and Date even when unchanged; the resource fills them from
    the current quote when they are left out. `line_items`, when given, replaces the lines."""

    model_config = REQUEST_CONFIG

    contact: ContactRef | None = None
    date: XeroDate | None = None
    line_items: list[LineItemInput] | None = None
