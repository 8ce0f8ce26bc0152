"""The tools' argument contract: one vocabulary, the arguments base model, and argument types shared by the tools.

The same idea has the same name, type and description in every tool (VOCABULARY; docs/tool-contract.md is the
table for people). Every character of every input schema is sent in every conversation, so the descriptions are a
few words each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from difflib import get_close_matches
from typing import Annotated, Any, cast
from uuid import UUID

from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from pydantic import AwareDatetime, BeforeValidator, ConfigDict, Field, model_validator

from xero_mcp.client.pagination import Where
from xero_mcp.tools._errors import UserInputError

VOCABULARY: dict[str, str] = {
    "tenant": "Organisation name or ID",
    "contact": "Contact ID, number or name",
    "page": "Page, from 1",
    "page_size": "Per page, up to 1000",
    "modified_since": "Changed since (ISO 8601)",
    "date_from": "From date",
    "date_to": "To date",
    "date": "Date; default today",
    "due_date": "Due date",
    "reference": "Reference",
    "search": "Text to search for",
    "lines": "Line items",
    "line_amount_types": "Are unit amounts tax inclusive?",
    "currency_code": "ISO currency code; default the organisation's",
    "dedupe_key": "Your own unique key for it",
    "allow_duplicate": "Skip the duplicate check",
    "create_anyway": "Create even if contacts with similar names exist",
    "include_archived": "Include archived records",
    "invoice": "Invoice or bill: ID or number",
    "bill": "Bill: ID or number",
    "quote": "Quote: ID or number",
    "credit_note": "Credit note: ID or number",
    "bank_account": "Bank account: code or name; default the only one",
    "amount": "Amount",
    "name": "Name",
    "description": "Description",
    "code": "Code",
    "status": "Status to set",
    "statuses": "Only these statuses",
    "email_address": "Email address",
    "first_name": "First name",
    "last_name": "Last name",
    "phone": "Phone number",
    "contact_number": "Your own ID for the contact",
    "tax_number": "Tax or VAT number",
    "address": "Postal address",
    "category": "Tracking category: name or ID",
    "option": "Option name",
    "options": "Option names",
    "entity": "Kind of record",
    "note": "Note text",
    "narration": "What the journal is for",
    "title": "Title",
    "summary": "Summary",
    "terms": "Terms",
    "expiry_date": "Expiry date",
    "delivery_date": "Delivery date",
    "invoice_number": "Invoice number; default Xero's next",
    "quote_number": "Quote number; default Xero's next",
    "credit_note_number": "Credit note number; default Xero's next",
    "purchase_order_number": "Purchase order number; default Xero's next",
    "sale_price": "Unit sale price",
    "purchase_price": "Unit purchase price",
    "bank_transaction": "Bank transaction ID",
    "report": "Report",
    "cursor": "Cursor from the previous result; omit to start",
}
"""Descriptions of the parameters most tools share, used wherever a parameter does not describe itself."""

BLANK_IS_ABSENT = "An empty or blank string means the same as leaving the argument out."


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


AnyCase = BeforeValidator(_upper)
"""For a closed set of upper-case codes: any spelling of a valid code is read as that code."""


def one_status(statuses: Sequence[str] | None, what: str) -> str | None:
    """The one status of a `statuses` filter Xero applies to `what` one status at a time (UserInputError if more)."""
    chosen = list(dict.fromkeys(statuses or ()))
    if len(chosen) > 1:
        raise UserInputError(f"statuses: Xero filters {what} by one status at a time.")
    return chosen[0] if chosen else None


def drop_blanks(data: Any) -> Any:
    """Arguments without those whose value is an empty or blank string: such a value means "not given"."""
    if not isinstance(data, Mapping):
        return data
    items = cast("Mapping[str, Any]", data).items()
    return {key: value for key, value in items if not (isinstance(value, str) and not value.strip())}


class ToolArguments(ArgModelBase):
    """Base of every tool's arguments: unknown names are refused, and a blank string is read as not given."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        return drop_blanks(data)


def unknown_arguments(schema: Mapping[str, Any], arguments: Any, where: str = "") -> list[str]:
    """Messages for every argument (or nested field) `schema` does not know, each with the closest valid names."""
    problems: list[str] = []
    if isinstance(arguments, Mapping) and schema.get("type") == "object":
        properties = cast("Mapping[str, Any]", schema.get("properties") or {})
        for key, value in cast("Mapping[str, Any]", arguments).items():
            sub = properties.get(key)
            if sub is None:
                kind = "argument" if not where else f"field in {where}"
                close = get_close_matches(key, list(properties), n=3, cutoff=0.5)
                hint = f"; did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
                problems.append(f"unknown {kind} {key!r}{hint} (valid: {', '.join(properties)})")
            else:
                problems += unknown_arguments(sub, value, f"{where}.{key}" if where else key)
    elif isinstance(arguments, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(cast("list[Any]", arguments)):
            problems += unknown_arguments(cast("Mapping[str, Any]", schema["items"]), item, f"{where}[{index}]")
    return problems


Tenant = str | None
"""Which connected organisation to work in; every tool takes it, optional, last."""

PageNumber = Annotated[int, Field(ge=1, le=100_000)]
"""1-based page number of a list."""

PageSize = Annotated[int, Field(ge=1, le=1000)]
"""Records per page (Xero allows up to 1000)."""

Search = Annotated[str | None, Field(max_length=500)]
"""Free text to search for; Xero puts it in the URL, so it is capped well below the URL's length limit."""

DEFAULT_PAGE_SIZE = 100
"""The one default page size of every list."""

ModifiedSince = AwareDatetime | None
"""Sent as If-Modified-Since: Xero returns records created or changed at or after this moment."""

DateFrom = date | None
"""Inclusive lower bound on a document's date (the name says enough; no description is sent)."""

DateTo = date | None
"""Inclusive upper bound on a document's date."""


def text_or_none(value: str | None) -> str | None:
    """An optional text argument without surrounding spaces; None when that leaves nothing."""
    text = (value or "").strip()
    return text or None


def xero_id(value: str, field: str, *, see: str = "") -> str:
    """The Xero ID (a UUID, spelt canonically) that `value` is; else a UserInputError naming `field` and, when given,
    the tool that lists such IDs (`see`)."""
    try:
        return str(UUID(value.strip()))
    except ValueError:
        hint = f"; see {see}" if see else ""
        raise UserInputError(f"{field}: {value!r} is not a Xero ID (a UUID){hint}.") from None


def where_dated(filters: Sequence[Where], date_from: date | None, date_to: date | None) -> Where | None:
    """A list's `filters` and its DateFrom/DateTo range as one where clause; None when nothing is filtered."""
    parts = list(filters)
    if date_from is not None:
        parts.append(Where.gte("Date", date_from))
    if date_to is not None:
        parts.append(Where.lte("Date", date_to))
    return Where.all_of(*parts) if parts else None


Contact = str
"""A contact, resolved by `xero_mcp.tools._resolve.contact_ref`."""

OptionalContact = str | None
"""A contact filter or change, resolved like `Contact`."""

DedupeKey = str | None
"""A caller's key for find-before-create (see xero_mcp.tools._create.natural_key)."""

BankAccountArg = Annotated[str | None, Field(description="Bank account code or name; default: the only one")]
"""A bank account, resolved by `xero_mcp.tools._resolve.bank_account`."""

CreateAnyway = bool
"""A deliberate new contact beside near matches the duplicate check found (exact matches still count)."""

AllowDuplicate = bool
"""Turns find-before-create off for one call."""
