"""Bank transactions (spend and receive money, prepayments, overpayments: listed and created through the `documents`
tools, changed with update_bank_transaction) and transfers between the organisation's bank accounts.

Bank accounts are named by code or name; when the organisation has exactly one bank account it is the default.
A prepayment (money before its invoice) or overpayment (money beyond it) is made by a bank transaction of that type
("Creation of prepayments and overpayments is still done via the BankTransactions endpoint", xero-api.md §5.6); the
result names the PrepaymentID or OverpaymentID it made. A prepayment's lines are coded like any money in or out; an
overpayment's lines are coded by Xero to accounts receivable (payable) and carry no tax, so they take neither an
account nor a tax and are NoTax.
Creates are duplicate-safe (`_create.create_once`): a bank transaction is recognised by its type, bank account,
contact, date, reference and lines, a transfer by its two accounts, amount, date and reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from xero_mcp.client import models
from xero_mcp.client.errors import NotFound
from xero_mcp.client.pagination import Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import AllowDuplicate, DedupeKey, OptionalContact, Tenant, where_dated, xero_id
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._create import Creation, create_once, status_in
from xero_mcp.tools._documents import Document, LineTax, Listing, first_same, listed
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import LineIn, PositiveAmount
from xero_mcp.tools._projections import (
    BankTransactionCreated,
    BankTransactionView,
    BankTransferCreated,
    Paged,
    bank_transaction_view,
    bank_transfer_view,
)
from xero_mcp.tools._resolve import fold
from xero_mcp.tools._spec import ToolSpec, replaces_lines, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import BankTransaction, BankTransfer


_CLOSED = ("DELETED", "VOIDED")
"""Statuses of a bank transaction that can no longer change and no longer count as an existing copy."""


def _same_amount(a: Decimal | None, b: Decimal | None) -> bool:
    return (a or Decimal(0)) == (b or Decimal(0))


# --- bank transactions ---------------------------------------------------------------------------------------------


BankType = Literal[
    "SPEND", "RECEIVE", "SPEND-PREPAYMENT", "RECEIVE-PREPAYMENT", "SPEND-OVERPAYMENT", "RECEIVE-OVERPAYMENT"
]
"""Every type Xero creates through BankTransactions (the two transfer types come only from bank transfers)."""

TYPES: dict[str, BankType] = {
    "spend_money": "SPEND",
    "receive_money": "RECEIVE",
    "receive_prepayment": "RECEIVE-PREPAYMENT",
    "spend_prepayment": "SPEND-PREPAYMENT",
    "receive_overpayment": "RECEIVE-OVERPAYMENT",
    "spend_overpayment": "SPEND-OVERPAYMENT",
}
"""The bank transaction type of each kind: money out or in, or a prepayment or overpayment."""


async def list_bank_transactions(x: ToolContext, q: Listing) -> Paged[BankTransactionView]:
    """Bank transactions (spend and receive money, or one of the two), newest first."""
    org = await x.org(q.tenant)
    filters: list[Where] = []
    if q.bank_account is not None:
        account = await _resolve.account(org, q.bank_account, field="bank_account", bank=True)
        filters.append(Where.eq("BankAccount.AccountID", account.account_id))
    if q.kind in TYPES:
        filters.append(Where.eq("Type", TYPES[q.kind]))
    if q.contact is not None:
        found = await _resolve.contact(org, q.contact)
        filters.append(Where.eq("Contact.ContactID", found.contact_id))
    where = where_dated(filters, q.date_from, q.date_to)
    return await listed(org, q, org.api.bank_transactions.list, bank_transaction_view, where=where, order="Date DESC")


async def create(x: ToolContext, r: Document) -> BankTransactionCreated:
    """Record money spent or received in a bank account, or a prepayment or overpayment (its lines take no account
    or tax). Natural key: type, bank account, contact, date (default today), reference and lines."""
    bank_type = TYPES[r.kind]
    line_amount_types = r.line_amount_types
    if bank_type.endswith("-OVERPAYMENT"):
        line_amount_types = _overpayment_lines(r.new_lines(), line_amount_types)
    org = await x.org(r.tenant)
    account = await _resolve.bank_account(org, r.bank_account)
    contact_ref = await _resolve.contact_ref(org, r.contact) if r.contact is not None else None
    request = models.BankTransactionCreate(
        type=bank_type,
        bank_account=_resolve.account_ref(account),
        contact=contact_ref,
        line_items=await _resolve.line_items(org, r.new_lines()),
        date=r.date or await _resolve.today(org),
        reference=r.reference,
        line_amount_types=line_amount_types,
    )
    api = org.api.bank_transactions

    async def find() -> BankTransaction | None:
        clauses = [
            Where.eq("Type", request.type),
            Where.eq("BankAccount.AccountID", account.account_id),
            Where.eq("Date", request.date),
            Where.eq("Status", "AUTHORISED"),
        ]
        if contact_ref is not None:
            clauses.append(Where.eq("Contact.ContactID", contact_ref.contact_id))
        candidates = await api.list(where=Where.all_of(*clauses), page_size=100)
        return first_same(candidates.items, request)

    creation = Creation(kind="bank_transaction", records=api, request=request, find=find, gone=status_in(*_CLOSED))
    created, duplicate = await create_once(x, org, creation, dedupe_key=r.dedupe_key, allow_duplicate=r.allow_duplicate)
    return bank_transaction_view(created, await org.short_code(), BankTransactionCreated, duplicate=duplicate)


def _overpayment_lines(lines: Sequence[LineIn], line_amount_types: LineTax) -> LineTax:
    """An overpayment's LineAmountTypes (NoTax), refusing what Xero decides itself: its lines' account (accounts
    receivable or payable) and tax (none)."""
    for index, line in enumerate(lines):
        for name in ("account", "tax", "item"):
            if getattr(line, name) is not None:
                raise UserInputError(
                    f"lines[{index}].{name}: an overpayment's lines are coded by Xero to accounts receivable (or "
                    f"payable) and carry no tax; give only description, quantity and unit_amount."
                )
    if line_amount_types not in (None, "NoTax"):
        raise UserInputError("line_amount_types: an overpayment carries no tax; leave it out (NoTax).")
    return "NoTax"


def _editable(transaction: BankTransaction, ident: str) -> None:
    status = transaction.status or "AUTHORISED"
    if status in _CLOSED:
        raise UserInputError(
            f"Bank transaction {ident} is {status} and cannot be changed; create a new one with "
            "create_document instead."
        )
    if transaction.is_reconciled:
        raise UserInputError(
            f"Bank transaction {ident} is reconciled, and Xero does not allow changes to reconciled transactions. "
            "Unreconcile it in Xero first (Bank accounts > Reconcile), or record a correcting transaction."
        )
    if (transaction.type or "").endswith("TRANSFER"):
        raise UserInputError(
            f"Bank transaction {ident} is one side of a bank transfer; transfers cannot be edited through "
            "bank transactions."
        )


@tool(
    "update_bank_transaction",
    toolset="banking",
    title="Update a bank transaction",
    read_only=False,
    destructive=True,
    preview=replaces_lines("bank transaction", "bank_transaction"),
)
async def update_bank_transaction(
    x: ToolContext,
    bank_transaction: str,
    reference: str | None = None,
    date: dt.date | None = None,
    contact: OptionalContact = None,
    lines: Annotated[list[LineIn] | None, Field(description="Replace all lines")] = None,
    line_amount_types: LineTax = None,
    tenant: Tenant = None,
) -> BankTransactionView:
    """Change an unreconciled bank transaction; lines, if given, replace all its lines."""
    ident = xero_id(bank_transaction, "bank_transaction")
    if all(value is None for value in (reference, date, contact, lines, line_amount_types)):
        raise UserInputError("Nothing to change: give reference, date, contact, lines or line_amount_types.")
    org = await x.org(tenant)
    current = await _fetch_transaction_any(org, ident)
    _editable(current, ident)
    changes = models.BankTransactionUpdate(
        reference=reference,
        date=date,
        contact=await _resolve.contact_ref(org, contact) if contact is not None else None,
        line_items=await _resolve.line_items(org, lines) if lines is not None else None,
        line_amount_types=line_amount_types,
    )
    updated = await org.api.bank_transactions.update(ident, changes)
    return bank_transaction_view(updated, await org.short_code())


async def _fetch_transaction_any(org: Org, ident: str) -> BankTransaction:
    try:
        return await org.api.bank_transactions.get(ident)
    except NotFound:
        raise UserInputError(f"bank_transaction: no bank transaction has the ID {ident}.") from None


# --- bank transfers ------------------------------------------------------------------------------------------------


@tool("create_bank_transfer", toolset="payments", title="Transfer between bank accounts", read_only=False)
async def create_bank_transfer(
    x: ToolContext,
    from_bank_account: Annotated[str, Field(description="Code or name")],
    to_bank_account: Annotated[str, Field(description="Code or name")],
    amount: Annotated[PositiveAmount, Field(gt=0)],
    date: dt.date | None = None,
    reference: str | None = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> BankTransferCreated:
    """Move money between two bank accounts of one currency. Natural key: accounts, amount, date, reference."""
    org = await x.org(tenant)
    source = await _resolve.account(org, from_bank_account, field="from_bank_account", bank=True)
    target = await _resolve.account(org, to_bank_account, field="to_bank_account", bank=True)
    if source.account_id == target.account_id:
        raise UserInputError("to_bank_account: choose a different account from from_bank_account.")
    if source.currency_code and target.currency_code and source.currency_code != target.currency_code:
        raise UserInputError(
            f"to_bank_account: {target.name} is in {target.currency_code} but {source.name} is in "
            f"{source.currency_code}; Xero transfers only between accounts in the same currency."
        )
    request = models.BankTransferCreate(
        from_bank_account=_resolve.account_ref(source),
        to_bank_account=_resolve.account_ref(target),
        amount=amount,
        date=date or await _resolve.today(org),
        reference=reference,
    )
    api = org.api.bank_transfers

    async def find() -> BankTransfer | None:
        candidates = await api.list(
            where=Where.eq("FromBankAccount.AccountID", source.account_id)
            & Where.eq("ToBankAccount.AccountID", target.account_id)
            & Where.eq("Date", request.date)
        )
        for candidate in candidates:
            if (
                (candidate.status or "AUTHORISED") != "DELETED"
                and _same_amount(candidate.amount, request.amount)
                and fold(candidate.reference) == fold(request.reference)
            ):
                return candidate
        return None

    creation = Creation(kind="bank_transfer", records=api, request=request, find=find)
    created, duplicate = await create_once(x, org, creation, dedupe_key=dedupe_key, allow_duplicate=allow_duplicate)
    return bank_transfer_view(created, duplicate)


TOOLS: tuple[ToolSpec, ...] = (update_bank_transaction, create_bank_transfer)
