"""Items (products and services)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from xero_mcp.client.models._base import REQUEST_CONFIG, RESPONSE_CONFIG, Money, XeroModel, XeroRequest
from xero_mcp.client.models.common import XeroRecord


class _PriceDetailsFields(BaseModel):
    unit_price: Money | None = None
    account_code: str | None = None
    cogs_account_code: str | None = None
    tax_type: str | None = None


class PriceDetails(_PriceDetailsFields, XeroModel):
    """An item's sales or purchase price, account and tax type (response)."""

    model_config = RESPONSE_CONFIG


class PriceDetailsInput(_PriceDetailsFields, XeroRequest):
    """An item's sales or purchase price, account and tax type."""

    model_config = REQUEST_CONFIG


class Item(XeroRecord):
    """A product or service the organisation buys or sells."""

    item_id: UUID | None = None
    code: str | None = None
    name: str | None = None
    description: str | None = None
    purchase_description: str | None = None
    is_sold: bool | None = None
    is_purchased: bool | None = None
    is_tracked_as_inventory: bool | None = None
    inventory_asset_account_code: str | None = None
    sales_details: PriceDetails | None = None
    purchase_details: PriceDetails | None = None
    quantity_on_hand: Money | None = None
    total_cost_pool: Money | None = None


class _ItemWriteFields(BaseModel):
    name: str | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=4000)
    purchase_description: str | None = Field(default=None, max_length=4000)
    is_sold: bool | None = None
    is_purchased: bool | None = None
    inventory_asset_account_code: str | None = None
    sales_details: PriceDetailsInput | None = None
    purchase_details: PriceDetailsInput | None = None


class ItemCreate(_ItemWriteFields, XeroRequest):
    """A new item; `code` must be unique."""

    model_config = REQUEST_CONFIG

    code: str = Field(min_length=1, max_length=30)


class ItemUpdate(_ItemWriteFields, XeroRequest):
    """Changes to an item (Xero needs the code on every update; the resource fills it in when left out)."""

    model_config = REQUEST_CONFIG

    code: str | None = Field(default=None, min_length=1, max_length=30)
