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
from xero_mcp.tools._views import without_null

AmountIn = Annotated[Decimal, WithJsonSchema({"type": "number"})]
"""A money amount or quantity as input: a JSON number (or numeric string), kept exact as Decimal."""

Percent = Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100})]
"""A percentage as input, 0 to 100 (the bounds are checked by the field and published here)."""

PositiveAmount = Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0.01})]
"""A money amount that must be more than zero (a payment, a transfer): at least one cent."""


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
    """A tracking category and one of its options, by name (e.g. Region / North).

    Written as "Category: Option" (the same words get_report takes); the object form is accepted too.
    """

    category: str = Field(description="Category")
    option: str = Field(description="Option")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: object) -> object:
        if isinstance(data, str):
            category, colon, option = data.partition(":")
            if not colon or not category.strip() or not option.strip():
                raise ValueError(f"write a tracking option as 'Category: Option', not {data!r}")
            return {"category": category.strip(), "option": option.strip()}
        return data


TrackingText = Annotated[TrackingIn, WithJsonSchema({"type": "string"})]
"""A tracking option as a model writes it: "Region: North"."""


class LineIn(InputModel):
    """One line of an invoice, bill, quote or credit note.

    `account`, `tax` and `item` take a code or a name. With an item, Xero fills in the description, price and account
    the item defines, unless given here.
    """

    description: str | None = Field(default=None, description="Text")
    quantity: AmountIn | None = Field(default=None, description="Quantity")
    unit_amount: AmountIn | None = Field(default=None, description="Unit price")
    account: str | None = Field(default=None, description="Account code or name")
    tax: str | None = Field(default=None, description="Tax type or name")
    item: str | None = Field(default=None, description="Item code or name")
    discount_rate: Percent | None = Field(default=None, ge=0, le=100, description="Discount %")
    tracking: list[TrackingText] | None = Field(default=None, max_length=2, description="Tracking, 'Category: Option'")
