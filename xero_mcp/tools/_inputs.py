"""Input models shared by the document tools: a line item and its tracking, as a model writes them.

Accounts, tax rates, items and tracking options are named the way a person would (code or name); they are turned
into Xero's codes and IDs by `xero_mcp.tools._resolve.line_items`. Unknown fields are refused, so a misspelt field
(`account_code` instead of `account`) is an error rather than something silently dropped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from xero_mcp.tools._args import drop_blanks
from xero_mcp.tools._projections import without_null

AmountIn = Annotated[Decimal, WithJsonSchema({"type": "number"})]
"""A money amount or quantity as input: a JSON number (or numeric string), kept exact as Decimal."""


INPUT_CONFIG = ConfigDict(extra="forbid", json_schema_extra=without_null)
"""Config for input models: unknown fields refused; no class docstring and no `null` alternatives in the schema
(an optional field is simply left out)."""


class InputModel(BaseModel):
    """Base of nested input shapes: unknown fields refused, and a blank string read as not given (as at the top)."""

    model_config = INPUT_CONFIG

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: object) -> object:
        return drop_blanks(data)


class TrackingIn(InputModel):
    """A tracking category and one of its options, by name (e.g. Region / North)."""

    category: str = Field(description="Tracking category name")
    option: str = Field(description="Option name")


class LineIn(InputModel):
    """One line of an invoice, bill, quote or credit note.

    `account`, `tax` and `item` take a code or a name. With an item, Xero fills in the description, price and account
    the item defines, unless given here.
    """

    description: str | None = Field(default=None, max_length=4000, description="Line text")
    quantity: AmountIn | None = Field(default=None, description="Number of units")
    unit_amount: AmountIn | None = Field(default=None, description="Price per unit")
    account: str | None = Field(default=None, description="Account code or name")
    tax: str | None = Field(default=None, description="Tax type or name")
    item: str | None = Field(default=None, description="Item code or name")
    discount_rate: AmountIn | None = Field(default=None, ge=0, le=100, description="Discount percent")
    tracking: list[TrackingIn] | None = Field(default=None, max_length=2, description="Up to 2 tracking options")
