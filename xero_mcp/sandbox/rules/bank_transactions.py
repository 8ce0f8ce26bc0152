"""Bank transactions: spend and receive money, prepayments and overpayments (reference §5.6).

The API creates RECEIVE and SPEND transactions, and RECEIVE-/SPEND-PREPAYMENT and RECEIVE-/SPEND-OVERPAYMENT ones
(each of which creates its Prepayment or Overpayment, see ``prepayments``), AUTHORISED, against a BANK account, with
a contact and line items that name their accounts (an overpayment's lines name the AR or AP account and carry no
tax). RECEIVE-TRANSFER and SPEND-TRANSFER transactions are made only by bank transfers and change only with them. A
transaction is deleted with ``Status: DELETED``; deleted and voided ones cannot change. A prepayment's or
overpayment's transaction can only be deleted, which voids its record, and only while nothing of it is allocated
or refunded.

Stored fields beyond the request's: BankAccount {AccountID, Code, Name, CurrencyCode}, SubTotal, TotalTax, Total,
DateString, UpdatedDateUTC, PrepaymentID/OverpaymentID. The lines' tax is computed as on invoices.
"""

from __future__ import annotations

from decimal import Decimal

from xero_mcp.sandbox.rules import contacts, prepayments
from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    RuleError,
    as_doc,
    date_field,
    flag,
    iso_date,
    new_id,
    save_change,
    text,
    upper,
)
from xero_mcp.sandbox.rules.invoices import currency, set_date
from xero_mcp.sandbox.rules.lines import LineRules, apply_lines, find_account
from xero_mcp.sandbox.state import Doc

CREATE_TYPES = (
    "RECEIVE",
    "RECEIVE-OVERPAYMENT",
    "RECEIVE-PREPAYMENT",
    "SPEND",
    "SPEND-OVERPAYMENT",
    "SPEND-PREPAYMENT",
)
TRANSFER_TYPES = frozenset({"RECEIVE-TRANSFER", "SPEND-TRANSFER"})
ALL_TYPES = frozenset(CREATE_TYPES) | TRANSFER_TYPES


def bank_account(ctx: Ctx, raw: object, label: str = "BankAccount") -> Doc:
    """The BANK account a request names (by AccountID or Code); RuleError otherwise."""
    ref = as_doc(raw)
    account = find_account(ctx, ref) if ref is not None else None
    if account is None:
        raise RuleError(f"{label} must name a bank account by AccountID or Code.")
    if account["Type"] != "BANK":
        raise RuleError(f"Account code '{account.get('Code', '')}' is not a bank account.")
    if account["Status"] != "ACTIVE":
        raise RuleError(f"Bank account '{account['Name']}' is archived.")
    return account


def account_summary(account: Doc) -> Doc:
    """The bank account as embedded in transactions and transfers."""
    return {
        "AccountID": account["AccountID"],
        "Code": account.get("Code", ""),
        "Name": account["Name"],
        "CurrencyCode": account.get("CurrencyCode", ""),
    }


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new transaction (AUTHORISED); a prepayment or overpayment type creates its record too."""
    kind = upper(raw, "Type")
    if kind not in CREATE_TYPES:
        if kind in TRANSFER_TYPES:
            raise RuleError(f"Bank transactions of type {kind} are made by bank transfers; use BankTransfers.")
        raise RuleError(f"Type must be one of {', '.join(CREATE_TYPES)}.")
    status = upper(raw, "Status") or "AUTHORISED"
    if status != "AUTHORISED":
        raise RuleError("A new bank transaction must be AUTHORISED.")
    account = bank_account(ctx, raw.get("BankAccount"))
    if raw.get("Contact") is None:
        raise RuleError("A Contact must be specified for this type of transaction")
    doc: Doc = {
        "BankTransactionID": new_id(),
        "Type": kind,
        "Status": "AUTHORISED",
        "Contact": contacts.resolve(ctx, raw["Contact"], create_missing=True),
        "BankAccount": account_summary(account),
        "IsReconciled": bool(flag(raw, "IsReconciled")),
        "Reference": text(raw, "Reference", max_length=255) or "",
        "HasAttachments": False,
    }
    if raw.get("Url"):
        doc["Url"] = text(raw, "Url")
    set_date(doc, "Date", date_field(raw, "Date") or iso_date(ctx.today()))
    doc["CurrencyCode"], doc["CurrencyRate"] = currency(ctx, {"CurrencyCode": account.get("CurrencyCode")}, None)
    _lines(ctx, doc, raw, None)
    credit = prepayments.kind_of_type(kind)
    if credit is not None:
        doc[credit.id_field] = prepayments.from_bank_transaction(ctx, credit, doc)[credit.id_field]
    return save_change(ctx, "BankTransactions", doc, None, "Created", _details(doc))


def _lines(ctx: Ctx, doc: Doc, raw: Doc, existing: Doc | None) -> None:
    receive = doc["Type"].startswith("RECEIVE")
    side = "sales" if receive else "purchases"
    if existing is None and not raw.get("LineItems"):
        raise RuleError("A bank transaction must have at least one line item.")
    rules = LineRules(side=side, require_accounts=True)
    if prepayments.kind_of_type(doc["Type"]) is prepayments.OVERPAYMENT:
        rules = LineRules(
            side=side,
            require_accounts=True,
            tax_from_account=False,
            control_account="DEBTORS" if receive else "CREDITORS",
        )
        if "LineAmountTypes" not in raw:
            raw = {**raw, "LineAmountTypes": "NoTax"}
    apply_lines(ctx, doc, raw, existing, rules)
    if rules.control_account is not None and Decimal(doc["TotalTax"]) != ZERO:
        raise RuleError("An overpayment cannot carry tax.")
    if Decimal(doc["Total"]) < ZERO:
        raise RuleError("The total of a bank transaction cannot be negative.")


def _details(doc: Doc) -> str:
    return f"{doc['Type'].capitalize()} {doc['Total']} from {doc['BankAccount']['Name']}."


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a RECEIVE or SPEND transaction, or delete it with ``Status: DELETED``."""
    if existing["Type"] in TRANSFER_TYPES:
        raise RuleError("This bank transaction belongs to a bank transfer; change the bank transfer instead.")
    if existing["Status"] != "AUTHORISED":
        raise RuleError(f"A {existing['Status']} bank transaction cannot be changed.")
    doc = dict(existing)
    status = upper(raw, "Status")
    credit = prepayments.kind_of_type(existing["Type"])
    if credit is not None:
        if status != "DELETED":
            raise RuleError(f"The bank transaction of a {credit.label} cannot be changed, only deleted.")
        prepayments.void_with_transaction(ctx, credit, existing[credit.id_field])
        doc["Status"] = "DELETED"
        return save_change(ctx, "BankTransactions", doc, existing, "Deleted", _details(doc))
    if status is not None and status not in ("AUTHORISED", "DELETED"):
        raise RuleError("A bank transaction's Status can only be set to DELETED.")
    if upper(raw, "Type") not in (None, existing["Type"]):
        raise RuleError("The Type of an existing bank transaction cannot be changed.")
    if raw.get("BankAccount") is not None:
        doc["BankAccount"] = account_summary(bank_account(ctx, raw["BankAccount"]))
    if raw.get("Contact") is not None:
        doc["Contact"] = contacts.resolve(ctx, raw["Contact"], create_missing=True)
    for key in ("Reference", "Url"):
        if key in raw:
            doc[key] = text(raw, key, max_length=255) or ""
    reconciled = flag(raw, "IsReconciled")
    if reconciled is not None:
        doc["IsReconciled"] = reconciled
    if "Date" in raw:
        set_date(doc, "Date", date_field(raw, "Date") or existing["Date"])
    _lines(ctx, doc, raw, existing)
    if status == "DELETED":
        doc["Status"] = "DELETED"
    change = "Deleted" if status == "DELETED" else "Edited"
    return save_change(ctx, "BankTransactions", doc, existing, change, _details(doc))
