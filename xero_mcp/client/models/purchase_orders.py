"""Purchase orders."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from xero_mcp.client.models._base import REQUEST_CONFIG, Money, XeroDate, XeroRequest
from xero_mcp.client.models.common import (
    ContactRef,
    ContactSummary,
    LineAmountTypes,
    LineItem,
    LineItemInput,
    XeroRecord,
)

PurchaseOrderStatus = Literal["DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED"]


class PurchaseOrder(XeroRecord):
    """An order to a supplier."""

    purchase_order_id: UUID | None = None
    purchase_order_number: str | None = None
    reference: str | None = None
    contact: ContactSummary | None = None
    date: XeroDate | None = None
    delivery_date: XeroDate | None = None
    expected_arrival_date: XeroDate | None = None
    status: str | None = None
    line_amount_types: str | None = None
    line_items: list[LineItem] = Field(default_factory=list[LineItem])
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    total_discount: Money | None = None
    currency_code: str | None = None
    currency_rate: Money | None = None
    delivery_address: str | None = None
    attention_to: str | None = None
    telephone: str | None = None
    delivery_instructions: str | None = None
    sent_to_contact: bool | None = None
    branding_theme_id: UUID | None = None
    has_attachments: bool | None = None


class _PurchaseOrderWriteFields(BaseModel):
    purchase_order_number: str | None = None
    reference: str | None = None
    date: XeroDate | None = None
    delivery_date: XeroDate | None = None
    expected_arrival_date: XeroDate | None = None
    status: PurchaseOrderStatus | None = None
    line_amount_types: LineAmountTypes | None = None
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    currency_rate: Money | None = None
    delivery_address: str | None = None
    attention_to: str | None = None
    telephone: str | None = None
    delivery_instructions: str | None = Field(default=None, max_length=500)
    sent_to_contact: bool | None = None
    branding_theme_id: UUID | None = None


class PurchaseOrderCreate(_PurchaseOrderWriteFields, XeroRequest):
    """A new purchase order to an existing supplier contact."""

    model_config = REQUEST_CONFIG

    contact: ContactRef
    line_items: list[LineItemInput] = Field(min_length=1)


class PurchaseOrderUpdate(_PurchaseOrderWriteFields, XeroRequest):
    """Changes to a purchase order; `line_items`, when given, replaces the lines."""

    model_config = REQUEST_CONFIG

    contact: ContactRef | None = None
    line_items: list[LineItemInput] | None = None
