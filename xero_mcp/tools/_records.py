"""Any record a tool names by kind: its Accounting API collection, and its Xero ID from what a person gives.

History notes, attachments and PDFs all act on "a record of some kind", named by its ID or, where Xero reads one,
by its number (or a contact's or account's name). Both the collection table and the lookup live here, below the
tools that use them, so a kind added for one is named the same way for all.
"""

from __future__ import annotations

from xero_mcp.client.errors import NotFound
from xero_mcp.tools import _resolve
from xero_mcp.tools._context import Org
from xero_mcp.tools._errors import UserInputError

COLLECTIONS: dict[str, str] = {
    "invoice": "Invoices",
    "bill": "Invoices",
    "credit_note": "CreditNotes",
    "quote": "Quotes",
    "contact": "Contacts",
    "account": "Accounts",
    "payment": "Payments",
    "bank_transaction": "BankTransactions",
    "bank_transfer": "BankTransfers",
    "purchase_order": "PurchaseOrders",
    "item": "Items",
    "manual_journal": "ManualJournals",
    "overpayment": "Overpayments",
    "prepayment": "Prepayments",
    "batch_payment": "BatchPayments",
    "repeating_invoice": "RepeatingInvoices",
}
"""Each kind's collection in the Accounting API's paths (a bill is an ACCPAY invoice)."""


async def record_id(org: Org, kind: str, ref: str, *, field: str) -> str:
    """The Xero ID of the `kind` record `ref` names: its ID, or the number (name) Xero or our resolver reads.

    `field` is the argument's name, which every error message starts with.
    """
    text = ref.strip()
    noun = kind.replace("_", " ")
    if _resolve.is_id(text):
        return text
    try:
        # Xero reads these by number on the same path as by ID (GET /Invoices/INV-0001, /Items/{code}).
        if kind in ("invoice", "bill"):
            return str((await org.api.invoices.get(text)).invoice_id)
        if kind == "credit_note":
            return str((await org.api.credit_notes.get(text)).credit_note_id)
        if kind == "purchase_order":
            return str((await org.api.purchase_orders.get(text)).purchase_order_id)
        if kind == "item":
            return str((await org.api.items.get(text)).item_id)
    except NotFound:
        raise UserInputError(f"{field}: no {noun} has the number {text!r}.") from None
    if kind == "contact":
        return str((await _resolve.contact(org, text, field=field)).contact_id)
    if kind == "account":
        return str((await _resolve.account(org, text, field=field)).account_id)
    if kind == "quote":  # GET /Quotes/{id} takes only the ID: find the number through the list's filter
        page = await org.api.quotes.list(quote_number=text, page_size=100)
        exact = [q for q in page.items if (q.quote_number or "").casefold() == text.casefold()]
        if exact:
            return str(exact[0].quote_id)
        raise UserInputError(f"{field}: no quote has the number {text!r}.")
    raise UserInputError(f"{field}: a {noun} is named by its Xero ID (a UUID), not {text!r}.")
