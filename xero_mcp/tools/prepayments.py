"""Prepayments and overpayments (toolset `prepayments`): list them, allocate them to invoices and bills, refund the
rest.

Both are made by bank transactions (create_document kind=receive_prepayment, spend_overpayment, ...). A customer's
(RECEIVE-) credit applies to sales invoices, a supplier's (SPEND-) to bills, within the credit left and the amount
due (the rules shared with credit notes, `_allocations`). A refund is a payment against the prepayment or
overpayment (``PUT /Payments`` naming its PrepaymentID or OverpaymentID): money back out of (or into) a bank account,
at most the credit left, duplicate-safe like every payment.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Annotated, Literal, cast
from uuid import UUID

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.client.errors import NotFound
from xero_mcp.client.pagination import Order, Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._allocations import Credit, allocate
from xero_mcp.tools._args import (
    DEFAULT_PAGE_SIZE,
    AllowDuplicate,
    BankAccountArg,
    DedupeKey,
    ModifiedSince,
    OptionalContact,
    PageNumber,
    PageSize,
    Tenant,
)
from xero_mcp.tools._briefs import Brief, brief
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._create import Creation, create_once
from xero_mcp.tools._documents import fetch_invoice
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import PositiveAmount
from xero_mcp.tools._projections import Allocated, Amount, Paged, PaymentBrief, paged
from xero_mcp.tools._spec import ToolSpec, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import Overpayment, Payment, Prepayment
    from xero_mcp.client.pagination import Page
    from xero_mcp.client.resources import OverpaymentsResource, PrepaymentsResource

CreditKind = Literal["prepayment", "overpayment"]
KindArg = Annotated[CreditKind, Field(description="Prepayment or overpayment")]
CreditArg = Annotated[str, Field(max_length=36, description="Its ID (prepayment_id or overpayment_id)")]
_SIDES = {"RECEIVE": "ACCREC", "SPEND": "ACCPAY"}


class CreditView(Brief):
    """A prepayment or overpayment: what it was, what is left, and where the rest went."""

    kind: CreditKind
    id: str
    remaining_credit: Amount | None = None
    allocated: Amount | None = None
    refunded: Amount | None = None
    currency_code: str | None = None


class CreditAllocated(Allocated):
    """A prepayment's or overpayment's allocation just made: both records' remaining amounts after it."""

    kind: CreditKind
    id: str


class CreditRefunded(PaymentBrief):
    """A refund just made (duplicate=true when an existing one was returned instead)."""

    kind: CreditKind
    id: str
    bank_account: str | None = None
    remaining_credit: Amount | None = None
    duplicate: bool = False


def _api(org: Org, kind: CreditKind) -> PrepaymentsResource | OverpaymentsResource:
    return org.api.prepayments if kind == "prepayment" else org.api.overpayments


def _ident(record: Prepayment | Overpayment) -> str:
    return str(getattr(record, "prepayment_id", None) or getattr(record, "overpayment_id", None))


def _view(kind: CreditKind, record: Prepayment | Overpayment) -> CreditView:
    return CreditView(
        **brief(record),
        kind=kind,
        id=_ident(record),
        remaining_credit=record.remaining_credit,
        allocated=sum((a.amount or Decimal(0) for a in record.allocations), Decimal(0)),
        refunded=sum((p.amount or Decimal(0) for p in record.payments), Decimal(0)),
        currency_code=record.currency_code,
    )


async def _fetch(org: Org, kind: CreditKind, ident: str) -> Prepayment | Overpayment:
    text = ident.strip()
    try:
        return await _api(org, kind).get(text)
    except (NotFound, ValueError):
        raise UserInputError(f"prepayment: no {kind} has the ID {text!r}. Find it with list_prepayments.") from None


@tool("list_prepayments", toolset="prepayments", title="List prepayments or overpayments", read_only=True)
async def list_prepayments(
    x: ToolContext,
    kind: KindArg,
    side: Annotated[
        Literal["RECEIVE", "SPEND"] | None, Field(description="RECEIVE: from customers; SPEND: to suppliers")
    ] = None,
    statuses: Annotated[
        list[Literal["AUTHORISED", "PAID", "VOIDED"]] | None, Field(description="AUTHORISED: credit left")
    ] = None,
    contact: OptionalContact = None,
    modified_since: ModifiedSince = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    tenant: Tenant = None,
) -> Paged[CreditView]:
    """Prepayments or overpayments, newest first, with the credit each has left to allocate or refund."""
    org = await x.org(tenant)
    filters: list[Where] = []
    if side is not None:
        filters.append(Where.eq("Type", f"{side}-{kind.upper()}"))
    if statuses:
        filters.append(Where.any_of(*(Where.eq("Status", status) for status in dict.fromkeys(statuses))))
    if contact is not None:
        filters.append(Where.eq("Contact.ContactID", (await _resolve.contact(org, contact)).contact_id))
    result = await _api(org, kind).list(
        where=Where.all_of(*filters) if filters else None,
        order=Order.desc("Date"),
        if_modified_since=modified_since,
        page=page,
        page_size=page_size,
    )
    return paged(cast("Page[Prepayment | Overpayment]", result), lambda record: _view(kind, record))


@tool("allocate_prepayment", toolset="prepayments", title="Allocate a prepayment or overpayment", read_only=False)
async def allocate_prepayment(
    x: ToolContext,
    kind: KindArg,
    prepayment: CreditArg,
    invoice: Annotated[str, Field(description="Invoice or bill ID or number")],
    amount: Annotated[PositiveAmount | None, Field(gt=0, description="Default: as much as both allow")] = None,
    date: dt.date | None = None,
    tenant: Tenant = None,
) -> CreditAllocated:
    """Apply a prepayment's or overpayment's credit to an outstanding invoice (customer's) or bill (supplier's) of
    the same contact."""
    org = await x.org(tenant)
    record = await _fetch(org, kind, prepayment)
    target = await fetch_invoice(org, invoice)
    ident = _ident(record)
    credit = Credit(
        name=f"{kind} {ident}",
        noun=kind,
        status=record.status,
        type=record.type,
        invoice_type=_SIDES.get((record.type or "").split("-")[0], "?"),
        contact=record.contact,
        remaining=record.remaining_credit or Decimal(0),
        date=record.date,
    )
    send = partial(_api(org, kind).allocate, ident)
    return await allocate(org, credit, target, amount, date, send, CreditAllocated, kind=kind, id=ident)


@tool("refund_prepayment", toolset="prepayments", title="Refund a prepayment or overpayment", read_only=False)
async def refund_prepayment(
    x: ToolContext,
    kind: KindArg,
    prepayment: CreditArg,
    amount: Annotated[PositiveAmount | None, Field(gt=0, description="Default: all the credit left")] = None,
    bank_account: BankAccountArg = None,
    date: dt.date | None = None,
    reference: str | None = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> CreditRefunded:
    """Pay back a prepayment's or overpayment's credit (to the customer, or from the supplier), at most what is
    left. Natural key: the record, amount, date."""
    org = await x.org(tenant)
    record = await _fetch(org, kind, prepayment)
    ident = _ident(record)
    remaining = record.remaining_credit or Decimal(0)
    if record.status != "AUTHORISED" or remaining <= 0:
        raise UserInputError(f"The {kind} {ident} is {record.status} and has no credit left to refund.")
    chosen = amount if amount is not None else remaining
    if chosen > remaining:
        raise UserInputError(f"amount: {chosen:,.2f} is more than the {kind}'s remaining credit of {remaining:,.2f}.")
    account = await _resolve.bank_account(org, bank_account)
    request = models.PaymentCreate(
        prepayment=models.PrepaymentRef(prepayment_id=UUID(ident)) if kind == "prepayment" else None,
        overpayment=models.OverpaymentRef(overpayment_id=UUID(ident)) if kind == "overpayment" else None,
        account=_resolve.account_ref(account),
        amount=chosen,
        date=date or await _resolve.today(org),
        reference=reference,
    )

    async def find() -> Payment | None:
        current = await _fetch(org, kind, ident)
        for earlier in current.payments:
            if earlier.amount == request.amount and earlier.date == request.date and earlier.payment_id:
                return await org.api.payments.get(str(earlier.payment_id))
        return None

    creation = Creation(kind="payment", records=org.api.payments, request=request, find=find)
    payment, duplicate = await create_once(x, org, creation, dedupe_key=dedupe_key, allow_duplicate=allow_duplicate)
    paid = payment.amount if payment.amount is not None else chosen
    return CreditRefunded(
        kind=kind,
        id=ident,
        payment_id=str(payment.payment_id),
        amount=paid,
        date=payment.date,
        bank_account=account.name or account.code,
        remaining_credit=remaining if duplicate else remaining - paid,
        duplicate=duplicate,
    )


TOOLS: tuple[ToolSpec, ...] = (list_prepayments, allocate_prepayment, refund_prepayment)
