"""Input models shared by the document tools: a line item and its tracking, as a model writes them.

Accounts, tax rates, items and tracking options are named the way a person would (code or name); they are turned
into Xero's codes and IDs by `xero_mcp.tools._resolve.line_items`. Unknown fields are refused, so a misspelt field
(`account_code` instead of `account`) is an error rather than something silently dropped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from xero_mcp.tools._projections import without_null

AmountIn = Annotated[Decimal, WithJsonSchema({"type": "number"})]
"""A money amount or quantity as input: a JSON number (or numeric string), kept exact as Decimal."""


INPUT_CONFIG = ConfigDict(extra="forbid", json_schema_extra=without_null)
"""Config for input models: unknown fields refused; no class docstring and no `null` alternatives in the schema
(an optional field is simply left out)."""


class TrackingIn(BaseModel):
    """A tracking category and one of its options, by name (e.g. Region / North)."""

    model_config = INPUT_CONFIG

    category: str
    option: str


class LineIn(BaseModel):
    """One line of an invoice, bill, quote or credit note.

    `account`, `tax` and `item` take a code or a name. With an item, Xero fills in the description, price and account
    the item defines, unless given here.
    """

    model_config = INPUT_CONFIG

    description: str | None = None
    quantity: AmountIn | None = None
    unit_amount: AmountIn | None = None
    account: str | None = Field(default=None, description="Code or name")
    tax: str | None = Field(default=None, description="Tax type or name")
    item: str | None = Field(default=None, description="Code or name")
    discount_rate: AmountIn | None = Field(default=None, description="Percent")
    tracking: list[TrackingIn] | None = Field(default=None, max_length=2)
