"""Allocating a credit to an invoice or bill: Xero's rules, checked once for credit notes, prepayments and
overpayments alike.

Xero allocates (``PUT /{CreditNotes|Prepayments|Overpayments}/{id}/Allocations``) only an AUTHORISED credit, to an
AUTHORISED invoice of the matching side (a customer's credit to a sales invoice, a supplier's to a bill) and the same
contact, and never more than both the credit left and the amount due. `allocate` explains each refusal in
words a model can act on and picks the amount (default: as much as both allow) and the date (default: the later of
the two documents' dates, what Xero's own screen proposes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from xero_mcp.client import models
from xero_mcp.tools import _resolve
from xero_mcp.tools._context import Org
from xero_mcp.tools._documents import label
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import Allocated

if TYPE_CHECKING:
    from xero_mcp.client.models import Allocation, AllocationCreate, ContactSummary, Invoice

A = TypeVar("A", bound=Allocated)


@dataclass(frozen=True, slots=True)
class Credit:
    """A credit about to be allocated, as the rules need it."""

    name: str
    """How messages name it: "credit note CN-0001", "prepayment 5f1c..."."""
    noun: str
    """What kind of credit it is, for "a credit note only applies to its own contact"."""
    status: str | None
    type: str | None
    invoice_type: str
    """The invoice type it applies to: ACCREC or ACCPAY."""
    contact: ContactSummary | None
    remaining: Decimal
    date: dt.date | None
    approve_hint: str | None = None
    """What to do with a DRAFT or SUBMITTED one (credit notes only; the others are born AUTHORISED)."""


def _refuse_credit(credit: Credit) -> None:
    if credit.status == "AUTHORISED":
        return
    if credit.status in ("DRAFT", "SUBMITTED") and credit.approve_hint:
        raise UserInputError(
            f"The {credit.name} is {credit.status}; only AUTHORISED {credit.noun}s can be allocated. "
            f"{credit.approve_hint}"
        )
    raise UserInputError(f"The {credit.name} is {credit.status} and has no credit left to allocate.")


def _refuse_target(credit: Credit, target: Invoice) -> None:
    if target.type != credit.invoice_type:
        raise UserInputError(
            f"The {credit.name} is {credit.type} and applies to {credit.invoice_type} documents; the {label(target)} "
            f"is {target.type}."
        )
    mine = credit.contact.contact_id if credit.contact else None
    theirs = target.contact.contact_id if target.contact else None
    if mine is not None and theirs is not None and mine != theirs:
        raise UserInputError(
            f"The {credit.name} is for {credit.contact.name if credit.contact else '?'} but the {label(target)} is "
            f"for {target.contact.name if target.contact else '?'}; a {credit.noun} only applies to its own contact."
        )
    if target.status != "AUTHORISED":
        raise UserInputError(
            f"The {label(target)} is {target.status}; credit can only be applied to an AUTHORISED document with an "
            "amount due."
            + (" Approve it first with approve_invoice." if target.status in ("DRAFT", "SUBMITTED") else "")
        )


async def _checked(
    org: Org, credit: Credit, target: Invoice, amount: Decimal | None, date: dt.date | None
) -> tuple[Decimal, dt.date]:
    """The amount and date of an allocation of `credit` to `target` that Xero will accept (UserInputError, saying
    why and what to do, for one it would refuse)."""
    _refuse_credit(credit)
    _refuse_target(credit, target)
    remaining = credit.remaining
    due = target.amount_due if target.amount_due is not None else Decimal(0)
    chosen = amount if amount is not None else min(remaining, due)
    if chosen <= 0:
        raise UserInputError(f"amount: nothing to allocate (credit left {remaining:,.2f}, amount due {due:,.2f}).")
    if chosen > remaining:
        raise UserInputError(
            f"amount: {chosen:,.2f} is more than the {credit.name}'s remaining credit of {remaining:,.2f}."
        )
    if chosen > due:
        raise UserInputError(f"amount: {chosen:,.2f} is more than the {label(target)}'s amount due of {due:,.2f}.")
    dates = [d for d in (credit.date, target.date) if d is not None]
    return chosen, date or (max(dates) if dates else await _resolve.today(org))


async def allocate(
    org: Org,
    credit: Credit,
    target: Invoice,
    amount: Decimal | None,
    date: dt.date | None,
    send: Callable[[AllocationCreate], Awaitable[Allocation]],
    view: type[A],
    **extra: Any,
) -> A:
    """Allocate `credit` to `target` once Xero's rules allow it (`send` makes the call), as a `view` (with `extra`
    fields naming the credit) showing what both have left."""
    chosen, when = await _checked(org, credit, target, amount, date)
    made = await send(
        models.AllocationCreate(invoice=models.InvoiceRef(invoice_id=target.invoice_id), amount=chosen, date=when)
    )
    return view(
        invoice_id=str(target.invoice_id),
        invoice_number=target.invoice_number,
        amount=made.amount if made.amount is not None else chosen,
        date=made.date or when,
        remaining_credit=credit.remaining - chosen,
        invoice_amount_due=(target.amount_due or Decimal(0)) - chosen,
        **extra,
    )
