"""Records the contract tests create through the SDK itself, with values chosen so totals are easy to check.

Every line is 2 x 50.00 on account 200 (Sales) or 429 (General Expenses) with the 10% tax rate, so a document's
SubTotal is 100.00, its TotalTax 10.00 and its Total 110.00. Dates sit just before the sandbox's frozen today
(2026-03-16).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from xero_python.accounting import (
    Account,
    BankTransaction,
    BankTransactions,
    BankTransfer,
    BankTransfers,
    Contact,
    Contacts,
    CreditNote,
    CreditNotes,
    HistoryRecord,
    HistoryRecords,
    Invoice,
    Invoices,
    LineItem,
    ManualJournal,
    ManualJournalLine,
    ManualJournals,
    PurchaseOrder,
    PurchaseOrders,
    Quote,
    Quotes,
    QuoteStatusCodes,
)

from tests.xero_sdk.conftest import Xero

DOC_DATE = date(2026, 3, 10)
DUE_DATE = date(2026, 4, 9)
SUBTOTAL = Decimal("100.00")
TAX = Decimal("10.00")
TOTAL = Decimal("110.00")


def enum_text(value: object) -> str:
    """An SDK field as text, whether the SDK made it an Enum or left it a string."""
    return str(getattr(value, "value", value))


def note(text: str) -> HistoryRecords:
    """A history body with one note."""
    return HistoryRecords(history_records=[HistoryRecord(details=text)])


def unique(prefix: str) -> str:
    """A name no seeded record has."""
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def new_contact(xero: Xero, name: str | None = None, **fields: Any) -> Contact:
    """A new contact (created through PUT /Contacts)."""
    created = xero.api.create_contacts(xero.tenant, Contacts(contacts=[Contact(name=name or unique("SDK"), **fields)]))
    return created.contacts[0]


def lines(account: str, tax_type: str) -> list[LineItem]:
    """One line worth 100.00 before tax."""
    line = LineItem(
        description="Contract test work",
        quantity=Decimal("2"),
        unit_amount=Decimal("50.00"),
        account_code=account,
        tax_type=tax_type,
    )
    return [line]


def new_invoice(xero: Xero, kind: str = "ACCREC", status: str = "AUTHORISED", **fields: Any) -> Invoice:
    """A new sales invoice (ACCREC) or bill (ACCPAY) for a new contact, 110.00 in all."""
    contact = fields.pop("contact", None) or new_contact(xero)
    account, tax = ("200", "OUTPUT") if kind == "ACCREC" else ("429", "INPUT")
    invoice = Invoice(
        type=kind,
        contact=Contact(contact_id=contact.contact_id),
        date=DOC_DATE,
        due_date=DUE_DATE,
        line_items=lines(account, tax),
        status=status,
        **fields,
    )
    return xero.api.create_invoices(xero.tenant, Invoices(invoices=[invoice])).invoices[0]


def new_credit_note(xero: Xero, kind: str = "ACCRECCREDIT", status: str = "AUTHORISED", **fields: Any) -> CreditNote:
    """A new credit note for a new contact (or `contact`), 110.00 in all."""
    contact = fields.pop("contact", None) or new_contact(xero)
    account, tax = ("200", "OUTPUT") if kind == "ACCRECCREDIT" else ("429", "INPUT")
    note = CreditNote(
        type=kind,
        contact=Contact(contact_id=contact.contact_id),
        date=DOC_DATE,
        line_items=lines(account, tax),
        status=status,
        **fields,
    )
    return xero.api.create_credit_notes(xero.tenant, CreditNotes(credit_notes=[note])).credit_notes[0]


def new_quote(xero: Xero, status: str = "DRAFT", **fields: Any) -> Quote:
    """A new quote for a new contact, 110.00 in all."""
    contact = new_contact(xero)
    quote = Quote(
        contact=Contact(contact_id=contact.contact_id),
        date=DOC_DATE,
        expiry_date=DUE_DATE,
        line_items=lines("200", "OUTPUT"),
        status=QuoteStatusCodes(status),
        **fields,
    )
    return xero.api.create_quotes(xero.tenant, Quotes(quotes=[quote])).quotes[0]


def new_purchase_order(xero: Xero, status: str = "DRAFT", **fields: Any) -> PurchaseOrder:
    """A new purchase order for a new contact, 110.00 in all."""
    contact = new_contact(xero)
    order = PurchaseOrder(
        contact=Contact(contact_id=contact.contact_id),
        date=DOC_DATE,
        delivery_date=DUE_DATE,
        line_items=lines("429", "INPUT"),
        status=status,
        **fields,
    )
    return xero.api.create_purchase_orders(xero.tenant, PurchaseOrders(purchase_orders=[order])).purchase_orders[0]


def bank_account(code: str = "090") -> Account:
    """A reference to a seeded bank account by code."""
    return Account(code=code)


def spend_money(xero: Xero) -> BankTransaction:
    """A new SPEND bank transaction of 110.00 from account 090."""
    contact = new_contact(xero)
    transaction = BankTransaction(
        type="SPEND",
        contact=Contact(contact_id=contact.contact_id),
        bank_account=Account(code="090"),
        date=DOC_DATE,
        line_items=lines("429", "INPUT"),
    )
    body = BankTransactions(bank_transactions=[transaction])
    return xero.api.create_bank_transactions(xero.tenant, body).bank_transactions[0]


def transfer(xero: Xero, amount: str = "25.00") -> BankTransfer:
    """A new transfer from 090 to 091."""
    body = BankTransfers(
        bank_transfers=[
            BankTransfer(
                from_bank_account=Account(code="090"),
                to_bank_account=Account(code="091"),
                amount=Decimal(amount),
                date=DOC_DATE,
            )
        ]
    )
    return xero.api.create_bank_transfer(xero.tenant, body).bank_transfers[0]


def new_journal(xero: Xero, status: str = "POSTED") -> ManualJournal:
    """A new balanced manual journal moving 75.00 from 429 to 412."""
    journal = ManualJournal(
        narration=unique("Reclass"),
        date=DOC_DATE,
        status=status,
        journal_lines=[
            ManualJournalLine(line_amount=Decimal("75.00"), account_code="412", description="to consulting"),
            ManualJournalLine(line_amount=Decimal("-75.00"), account_code="429", description="from general"),
        ],
    )
    return xero.api.create_manual_journals(xero.tenant, ManualJournals(manual_journals=[journal])).manual_journals[0]
