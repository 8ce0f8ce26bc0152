"""Compact projections returned to the model, and deep links into the Xero web app.

Tools never return raw Xero JSON: each result is a small pydantic model with snake_case keys named after Xero's
(`InvoiceID` -> `invoice_id`), money as Decimal (serialised as a JSON number), dates as ISO strings, and a `url`
into Xero where one exists (xero-api.md §8, built from the organisation's ShortCode).
"""

from __future__ import annotations

from urllib.parse import quote

_LOGIN = "https://go.xero.com/organisationlogin/default.aspx?shortcode={code}&redirecturl={path}"

_PATHS: dict[str, str] = {
    "ACCREC": "/AccountsReceivable/View.aspx?InvoiceID={id}",
    "ACCPAY": "/AccountsPayable/Edit.aspx?InvoiceID={id}",
    "ACCRECCREDIT": "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}",
    "ACCPAYCREDIT": "/AccountsPayable/ViewCreditNote.aspx?creditNoteID={id}",
    "purchase_order": "/Accounts/Payable/PurchaseOrders/View/{id}/",
    "contact": "/Contacts/View/{id}",
    "bank_transaction": "/Bank/ViewTransaction.aspx?bankTransactionID={id}",
}


def deep_link(short_code: str | None, kind: str, record_id: str | None) -> str | None:
    """A link that opens the record in Xero (after the user signs in), or None when none can be built.

    `kind` is a document type (ACCREC, ACCPAY, ACCRECCREDIT, ACCPAYCREDIT) or one of purchase_order, contact,
    bank_transaction, quote.
    """
    if not short_code or not record_id:
        return None
    if kind == "quote":
        return f"https://go.xero.com/app/{quote(short_code, safe='')}/quotes/view/{record_id}"
    path = _PATHS.get(kind)
    if path is None:
        return None
    return _LOGIN.format(code=quote(short_code, safe=""), path=quote(path.format(id=record_id), safe="/"))
