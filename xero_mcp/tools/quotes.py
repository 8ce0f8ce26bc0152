"""Quotes: listing, creating and changing them (for the `documents` tools), with Xero's quote status rules explained."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypedDict

from xero_mcp.client import models
from xero_mcp.client.errors import NotFound
from xero_mcp.client.models.common import LineAmountTypes
from xero_mcp.client.pagination import Order
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import one_status, text_or_none
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._create import Creation, create_once
from xero_mcp.tools._documents import (
    Document,
    Listing,
    choice,
    common_changes,
    currency,
    first_same,
    listed,
    nonempty,
)
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import Paged, QuoteCreated, QuoteView, quote_view

if TYPE_CHECKING:
    import datetime as dt

    from xero_mcp.client.models import Quote, QuoteLineAmountTypes, QuoteUpdate

QuoteStatus = Literal["DRAFT", "SENT", "ACCEPTED", "DECLINED", "INVOICED"]
STATUSES: tuple[QuoteStatus, ...] = ("DRAFT", "SENT", "ACCEPTED", "DECLINED", "INVOICED")
NEW_STATUSES: tuple[QuoteStatus, ...] = ("DRAFT", "SENT")
"""The statuses a quote may be created in."""

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


def _amount_types(value: LineAmountTypes | None) -> QuoteLineAmountTypes | None:
    if value is None:
        return None
    spelled: dict[str, QuoteLineAmountTypes] = {"Exclusive": "EXCLUSIVE", "Inclusive": "INCLUSIVE", "NoTax": "NOTAX"}
    return spelled[value]


class _QuoteFields(TypedDict):
    """What only a quote has, in the words of its create and update models."""

    expiry_date: dt.date | None
    title: str | None
    summary: str | None
    terms: str | None
    line_amount_types: QuoteLineAmountTypes | None


def _quote_fields(r: Document) -> _QuoteFields:
    """The fields only a quote has, as a new quote and a change to one both take them (None: not given)."""
    return {
        "expiry_date": r.expiry_date,
        "title": r.title,
        "summary": r.summary,
        "terms": r.terms,
        "line_amount_types": _amount_types(r.line_amount_types),
    }


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
            raise UserInputError(f"{field}: no quote has the ID {text}. See list_records.") from None
    # Xero's QuoteNumber filter matches partially; keep the exact match.
    page = await org.api.quotes.list(quote_number=text, page_size=100)
    exact = [q for q in page.items if (q.quote_number or "").casefold() == text.casefold()]
    if not exact:
        close = _resolve.close_matches(text, [q.quote_number for q in page.items if q.quote_number])
        hint = f" Close matches: {', '.join(close)}." if close else " See list_records."
        raise UserInputError(f"{field}: no quote has the number {text!r}.{hint}")
    return exact[0]


async def list_quotes(x: ToolContext, q: Listing) -> Paged[QuoteView]:
    """Quotes, newest first; search matches the whole or part of a quote number."""
    org = await x.org(q.tenant)
    contact_id = str((await _resolve.contact(org, q.contact)).contact_id) if q.contact else None
    return await listed(
        org,
        q,
        org.api.quotes.list,
        quote_view,
        status=one_status(q.statuses, "quotes"),
        contact_id=contact_id,
        date_from=q.date_from,
        date_to=q.date_to,
        quote_number=text_or_none(q.search),
        order=Order.desc("Date"),
    )


async def create(x: ToolContext, r: Document) -> QuoteCreated:
    """Create a quote (date defaults to today). Natural key: its number; without one, contact, date, reference,
    title and lines. An existing match is returned with duplicate=true."""
    contact = r.needed("contact")
    status = choice("status", r.status, NEW_STATUSES, r.what) or "DRAFT"
    org = await x.org(r.tenant)
    number = text_or_none(r.number)
    request = models.QuoteCreate(
        contact=await _resolve.contact_ref(org, contact),
        line_items=await _resolve.line_items(org, r.new_lines(), tax_from_account=True),
        date=r.date or await _resolve.today(org),
        quote_number=number,
        reference=r.reference,
        status=status,
        currency_code=currency(r.currency_code),
        **_quote_fields(r),
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
    created, duplicate = await create_once(x, org, creation, dedupe_key=r.dedupe_key, allow_duplicate=r.allow_duplicate)
    return quote_view(created, await org.short_code(), QuoteCreated, duplicate=duplicate)


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
            f"{', '.join(edited)}. Set it back to SENT first (update_document with status SENT), or create a new quote."
        )


async def update(x: ToolContext, r: Document) -> QuoteView:
    """Change a quote or move its status (DRAFT > SENT > ACCEPTED/DECLINED > INVOICED); only the fields given
    change, and lines, when given, replace all lines."""
    status = choice("status", r.status, STATUSES, r.what)
    org = await x.org(r.tenant)
    changes = nonempty(
        models.QuoteUpdate(**await common_changes(org, r, tax_from_account=True), **_quote_fields(r), status=status)
    )
    current = await _fetch_quote(org, r.document, field="document")
    _check_quote_change(current, changes)
    updated = await org.api.quotes.update(str(current.quote_id), changes)
    return quote_view(updated, await org.short_code())
