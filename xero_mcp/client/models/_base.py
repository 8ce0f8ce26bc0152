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
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

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

    def to_xero(self) -> dict[str, Any]:
        """The body Xero expects: PascalCase names, unset fields left out, Decimals kept as Decimal."""
        return self.model_dump(by_alias=True, exclude_none=True)


class ValidationMessage(XeroModel):
    """One message Xero attached to an element (`ValidationErrors` / `Warnings` entries)."""

    message: str | None = None
