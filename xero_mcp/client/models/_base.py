"""What every Xero model shares: PascalCase aliases, Xero's date formats, Decimal money.

Response models (`XeroModel`) keep fields they do not declare (`extra="allow"`), so nothing Xero adds is lost.
Request models (`XeroRequest`) refuse unknown fields (`extra="forbid"`), so a misspelt field is an error here rather
than something Xero silently ignores. Both accept snake_case names or Xero's PascalCase names, and dump to Xero's
names.

Xero writes dates as MS-JSON (`/Date(1518685950940+0000)/`, epoch milliseconds) or ISO strings
(`2009-05-27T00:00:00`, `2018-11-02T16:31:30Z`). `XeroDateTime` parses both to an aware UTC datetime (Xero's naive
ISO strings are UTC); `XeroDate` parses both to a date, for fields that mean a calendar day (invoice date, due date).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Self, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

_SPECIAL = {"id": "ID", "ids": "IDs", "utc": "UTC", "cis": "CIS", "cogs": "COGS"}
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def xero_alias(name: str) -> str:
    """snake_case -> Xero's PascalCase: contact_id -> ContactID, updated_date_utc -> UpdatedDateUTC."""
    return "".join(_SPECIAL.get(part, part[:1].upper() + part[1:]) for part in name.rstrip("_").split("_"))


def _ms_json(text: str) -> dt.datetime | None:
    match = _MS_DATE.match(text.strip())
    if match is None:
        return None
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=int(match.group(1)))


def parse_xero_datetime(value: Any) -> Any:
    """MS-JSON or ISO text -> aware UTC datetime; other values pass through to pydantic's own checks."""
    if isinstance(value, str):
        parsed = _ms_json(value)
        if parsed is not None:
            return parsed
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def parse_xero_date(value: Any) -> Any:
    """MS-JSON or ISO text (date or date-time) -> date; other values pass through to pydantic's own checks."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        parsed = _ms_json(value)
        if parsed is not None:
            return parsed.date()
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else value
        except ValueError:
            return value
    return value


XeroDateTime = Annotated[dt.datetime, BeforeValidator(parse_xero_datetime)]
"""An aware UTC datetime read from MS-JSON or ISO text."""

XeroDate = Annotated[dt.date, BeforeValidator(parse_xero_date)]
"""A calendar date read from MS-JSON or ISO text."""

Money = Decimal
"""Amounts are Decimal, parsed from JSON without passing through float."""

# What Xero accepts, checked on every request model so a request that cannot succeed is never sent (nor retried):
# - amounts: a line amount "can't exceed 9,999,999,999.99" (Xero's Invoices documentation; reference section
#   "Wire conventions", Numbers). No Xero amount, quantity or rate can be larger than the largest line amount,
#   so every number in a request is held to it, and so is a line's quantity x unit amount.
# - dates: Xero stores dates as SQL Server datetime, whose range starts at 1753-01-01 (an If-Modified-Since before
#   it is answered with a 500: XeroAPI/XeroAPI.Net#16) and ends at 9999-12-31. Xero adds terms to document dates
#   (due dates, repeating schedules, report periods), so the range's last year is left out as well.
LARGEST_AMOUNT = Decimal("9999999999.99")
EARLIEST_DATE = dt.date(1753, 1, 1)
LATEST_DATE = dt.date(9998, 12, 31)


def _limit_problem(name: str, value: object) -> str | None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return f"{name} must be a finite number"
        if abs(value) > LARGEST_AMOUNT:
            return f"{name} must be between -9,999,999,999.99 and 9,999,999,999.99 (Xero's largest amount)"
    elif isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            return f"{name} must be between {EARLIEST_DATE} and {LATEST_DATE} (the dates Xero can store)"
    elif isinstance(value, list | tuple):
        for item in cast("list[object] | tuple[object, ...]", value):
            problem = _limit_problem(name, item)
            if problem is not None:
                return problem
    return None


def _config(extra: Literal["allow", "forbid"]) -> ConfigDict:
    return ConfigDict(
        alias_generator=xero_alias, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True, extra=extra
    )


RESPONSE_CONFIG = _config(extra="allow")
REQUEST_CONFIG = _config(extra="forbid")


class XeroModel(BaseModel):
    """Base of response models: tolerant of fields Xero adds, PascalCase on the wire."""

    model_config = RESPONSE_CONFIG


class XeroRequest(BaseModel):
    """Base of request models: unknown fields are errors, PascalCase on the wire.

    A value object used both ways (an address, a phone) declares its fields once on a plain BaseModel and is
    subclassed twice, once with XeroModel and once with XeroRequest, each class restating its own `model_config`.
    """

    model_config = REQUEST_CONFIG

    @model_validator(mode="after")
    def _within_xero_limits(self) -> Self:
        # Nested request models check themselves; this looks at this model's own numbers and dates.
        problems = [problem for name, value in self if (problem := _limit_problem(name, value)) is not None]
        quantity, unit_amount = getattr(self, "quantity", None), getattr(self, "unit_amount", None)
        if (
            not problems
            and isinstance(quantity, Decimal)
            and isinstance(unit_amount, Decimal)
            and abs(quantity * unit_amount) > LARGEST_AMOUNT
        ):
            problems.append("quantity x unit_amount must not exceed 9,999,999,999.99 (Xero's largest line amount)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def to_xero(self) -> dict[str, Any]:
        """The body Xero expects: PascalCase names, unset fields left out, Decimals kept as Decimal."""
        return self.model_dump(by_alias=True, exclude_none=True)


class ValidationMessage(XeroModel):
    """One message Xero attached to an element (`ValidationErrors` / `Warnings` entries)."""

    message: str | None = None
