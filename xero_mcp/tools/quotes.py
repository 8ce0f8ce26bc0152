"""Quote tools (toolset `sales`): list, create and update quotes, with Xero's quote status rules explained."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.client.errors import NotFound
from xero_mcp.client.pagination import Order
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import (
    DEFAULT_PAGE_SIZE,
    AllowDuplicate,
    Contact,
    DateFrom,
    DateTo,
    DedupeKey,
    ModifiedSince,
    OptionalContact,
    PageNumber,
    PageSize,
    Tenant,
    one_status,
    text_or_none,
)
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._create import Creation, create_once
from xero_mcp.tools._documents import AmountTypes, currency, first_same
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import LineIn
from xero_mcp.tools._projections import Paged, QuoteCreated, QuoteView, paged, quote_view
from xero_mcp.tools._spec import ToolSpec, replaces_lines, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import Quote, QuoteLineAmountTypes, QuoteUpdate

QuoteStatus = Literal["DRAFT", "SENT", "ACCEPTED", "DECLINED", "INVOICED"]
QuoteRef = Annotated[str, Field(description="Quote ID or number")]

# Xero's quote status moves (reference §5.3); staying in the same status is always allowed.
_MOVES: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"SENT", "DELETED"}),
    "SENT": frozenset({"ACCEPTED", "DECLINED", "DELETED"}),
    "ACCEPTED": frozenset({"INVOICED", "SENT", "DELETED"}),
    "DECLINED": frozenset({"SENT", "DELETED"}),
    "INVOICED": frozenset({"SENT", "DELETED"}),
    "DELETED": frozenset(),
}
_LOCKED = frozenset({"ACCEPTED", "DECLINED", "INVOICED"})
"""Statuses in which Xero only accepts contact changes (and status moves)."""


def _amount_types(value: AmountTypes | None) -> QuoteLineAmountTypes | None:
    if value is None:
        return None
    spelled: dict[str, QuoteLineAmountTypes] = {"Exclusive": "EXCLUSIVE", "Inclusive": "INCLUSIVE", "NoTax": "NOTAX"}
    return spelled[value]


def _label(quote: Quote) -> str:
    return f"Quote {quote.quote_number or quote.quote_id}"


async def _fetch_quote(org: Org, ref: str, *, field: str = "quote") -> Quote:
    text = ref.strip()
    if not text:
        raise UserInputError(f"{field}: give a quote ID or number.")
    if _resolve.is_id(text):
        try:
            return await org.api.quotes.get(text)
        except NotFound:
            raise UserInputError(f"{field}: no quote has the ID {text}. See list_quotes.") from None
    # Xero's QuoteNumber filter matches partially; keep the exact match.
    page = await org.api.quotes.list(quote_number=text, page_size=100)
    exact = [q for q in page.items if (q.quote_number or "").casefold() == text.casefold()]
    if not exact:
        close = _resolve.close_matches(text, [q.quote_number for q in page.items if q.quote_number])
        hint = f" Close matches: {', '.join(close)}." if close else " See list_quotes."
        raise UserInputError(f"{field}: no quote has the number {text!r}.{hint}")
    return exact[0]


@tool("list_quotes", toolset="sales", title="List quotes", read_only=True)
async def list_quotes(
    x: ToolContext,
    statuses: list[QuoteStatus] | None = None,
    contact: OptionalContact = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    quote_number: Annotated[str | None, Field(max_length=255, description="Whole or part of a quote number")] = None,
    modified_since: ModifiedSince = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    tenant: Tenant = None,
) -> Paged[QuoteView]:
    """List quotes, newest first."""
    org = await x.org(tenant)
    contact_id = str((await _resolve.contact(org, contact)).contact_id) if contact else None
    result = await org.api.quotes.list(
        status=one_status(statuses, "quotes"),
        contact_id=contact_id,
        date_from=date_from,
        date_to=date_to,
        quote_number=text_or_none(quote_number),
        order=Order.desc("Date"),
        if_modified_since=modified_since,
        page=page,
        page_size=page_size,
    )
    short_code = await org.short_code()
    return paged(result, lambda q: quote_view(q, short_code))


@tool("create_quote", toolset="sales", title="Create a quote", read_only=False)
async def create_quote(
    x: ToolContext,
    contact: Contact,
    lines: list[LineIn],
    date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    quote_number: str | None = None,
    reference: str | None = None,
    title: str | None = None,
    summary: str | None = None,
    terms: str | None = None,
    status: Literal["DRAFT", "SENT"] = "DRAFT",
    line_amount_types: AmountTypes | None = None,
    currency_code: str | None = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> QuoteCreated:
    """Create a quote (date defaults to today). Natural key: quote_number; without one, contact, date, reference,
    title and lines. An existing match is returned with duplicate=true."""
    org = await x.org(tenant)
    number = text_or_none(quote_number)
    request = models.QuoteCreate(
        contact=await _resolve.contact_ref(org, contact),
        line_items=await _resolve.line_items(org, lines, tax_from_account=True),
        date=date or await _resolve.today(org),
        expiry_date=expiry_date,
        quote_number=number,
        reference=reference,
        title=title,
        summary=summary,
        terms=terms,
        status=status,
        line_amount_types=_amount_types(line_amount_types),
        currency_code=currency(currency_code),
    )

    async def find() -> Quote | None:
        if number is not None:
            page = await org.api.quotes.list(quote_number=number, page_size=100)
        else:
            page = await org.api.quotes.list(
                contact_id=request.contact.contact_id, date_from=request.date, date_to=request.date, page_size=100
            )
        live = [q for q in page.items if q.status != "DELETED"]
        if number is not None:
            return next((q for q in live if _resolve.fold(q.quote_number) == _resolve.fold(number)), None)
        return first_same(live, request, texts=("reference", "title"))

    creation = Creation(kind="quote", records=org.api.quotes, request=request, find=find)
    record, duplicate = await create_once(x, org, creation, dedupe_key=dedupe_key, allow_duplicate=allow_duplicate)
    return quote_view(record, await org.short_code(), QuoteCreated, duplicate=duplicate)


def _check_quote_change(current: Quote, changes: QuoteUpdate) -> None:
    """Explain Xero's quote status rules before Xero refuses the change."""
    status = current.status or "DRAFT"
    label = _label(current)
    if status == "DELETED":
        raise UserInputError(f"{label} is DELETED and cannot be changed. Create a new quote instead.")
    target = changes.status
    if target is not None and target != status and target not in _MOVES.get(status, frozenset()):
        allowed = ", ".join(sorted(_MOVES.get(status, frozenset()) - {"DELETED"})) or "none"
        raise UserInputError(
            f"{label} is {status}; Xero only moves a {status} quote to {allowed} (or DELETED), not {target}."
            + (" Send it first (status SENT)." if status == "DRAFT" else "")
        )
    edited = sorted(
        name for name in changes.model_dump(exclude_none=True, by_alias=False) if name not in ("contact", "status")
    )
    if status in _LOCKED and edited:
        raise UserInputError(
            f"{label} is {status}; {status.lower()} quotes only accept contact and notes changes, not "
            f"{', '.join(edited)}. Set it back to SENT with update_quote(status='SENT') first, or create a new quote."
        )


@tool(
    "update_quote",
    toolset="sales",
    title="Update a quote",
    read_only=False,
    destructive=True,
    idempotent=True,
    preview=replaces_lines("quote", "quote"),
)
async def update_quote(
    x: ToolContext,
    quote: QuoteRef,
    contact: OptionalContact = None,
    lines: list[LineIn] | None = None,
    date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    reference: str | None = None,
    title: str | None = None,
    summary: str | None = None,
    terms: str | None = None,
    status: QuoteStatus | None = None,
    line_amount_types: AmountTypes | None = None,
    tenant: Tenant = None,
) -> QuoteView:
    """Change a quote or move its status (DRAFT > SENT > ACCEPTED/DECLINED > INVOICED); only the fields given
    change, and lines, when given, replace all lines."""
    org = await x.org(tenant)
    changes = models.QuoteUpdate(
        contact=await _resolve.contact_ref(org, contact) if contact else None,
        line_items=await _resolve.line_items(org, lines, tax_from_account=True) if lines is not None else None,
        date=date,
        expiry_date=expiry_date,
        reference=reference,
        title=title,
        summary=summary,
        terms=terms,
        status=status,
        line_amount_types=_amount_types(line_amount_types),
    )
    if not changes.to_xero():
        raise UserInputError("Give at least one field to change.")
    current = await _fetch_quote(org, quote)
    _check_quote_change(current, changes)
    updated = await org.api.quotes.update(str(current.quote_id), changes)
    return quote_view(updated, await org.short_code())


TOOLS: tuple[ToolSpec, ...] = (list_quotes, create_quote, update_quote)
