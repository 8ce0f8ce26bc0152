"""Documents as PDFs: ``GET /Invoices|Quotes|CreditNotes|PurchaseOrders/{id}`` with ``Accept: application/pdf``.

The spec's PDF operations carry ``x-path`` = the document's own path, and Xero's docs say to ask for the PDF with the
Accept header (reference §5.2), so the app negotiates: JSON unless the request prefers ``application/pdf``. The PDF is
a real one, drawn with fpdf2: the organisation, the document's title and number, its dates and reference, the
contact and address, one table row per line (description, quantity, unit price, tax, amount) and the totals, as on
Xero's standard branding theme. fpdf2's core fonts cover Latin-1 only; other characters are shown as "?".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from xero_mcp.sandbox.rules.common import as_doc
from xero_mcp.sandbox.state import Doc

PDF_TYPE = "application/pdf"
PDF_COLLECTIONS = frozenset({"Invoices", "Quotes", "CreditNotes", "PurchaseOrders"})
"""The collections whose documents Xero renders as PDFs."""

_TITLES = {
    "ACCREC": "TAX INVOICE",
    "ACCPAY": "BILL",
    "ACCRECCREDIT": "CREDIT NOTE",
    "ACCPAYCREDIT": "CREDIT NOTE",
}
_NUMBER_FIELDS = {
    "Invoices": "InvoiceNumber",
    "Quotes": "QuoteNumber",
    "CreditNotes": "CreditNoteNumber",
    "PurchaseOrders": "PurchaseOrderNumber",
}
_NUMBER_LABELS = {
    "Invoices": "Invoice Number",
    "Quotes": "Quote Number",
    "CreditNotes": "Credit Note Number",
    "PurchaseOrders": "Order Number",
}


def prefers_pdf(accept: str | None) -> bool:
    """Whether an Accept header ranks ``application/pdf`` above JSON (ties go to the type listed first)."""
    if not accept:
        return False
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept.split(",")):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0 or media not in (PDF_TYPE, "application/json", "text/json", "*/*", "application/*"):
            continue
        if best is None or quality > best[0]:
            best = (quality, position, media)
    return best is not None and best[2] == PDF_TYPE


def _latin(text: object) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _money(value: object) -> str:
    return f"{Decimal(str(value)):,.2f}"


def _quantity(value: object) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def _day(value: object) -> str:
    if not value:
        return ""
    return date.fromisoformat(str(value)[:10]).strftime("%d %b %Y")


def _title(collection: str, doc: Doc) -> str:
    if collection == "Quotes":
        return "QUOTE"
    if collection == "PurchaseOrders":
        return "PURCHASE ORDER"
    return _TITLES.get(str(doc.get("Type")), "INVOICE")


def _address_lines(contact: Doc) -> list[str]:
    listed: list[object] = list(contact.get("Addresses") or [])
    addresses = [found for found in (as_doc(a) for a in listed) if found is not None]
    chosen = next((a for a in addresses if a.get("AddressType") == "POBOX"), None) or next(iter(addresses), None)
    if not chosen:
        return []
    parts: list[object] = [chosen.get(f"AddressLine{n}") for n in range(1, 5)]
    city = " ".join(str(p) for p in (chosen.get("City"), chosen.get("Region"), chosen.get("PostalCode")) if p)
    parts += [city, chosen.get("Country")]
    return [str(p) for p in parts if p]


def _facts(collection: str, doc: Doc) -> list[tuple[str, str]]:
    facts = [("Date", _day(doc.get("Date")))]
    if collection == "Quotes":
        facts.append(("Expiry", _day(doc.get("ExpiryDate"))))
    elif collection == "PurchaseOrders":
        facts.append(("Delivery Date", _day(doc.get("DeliveryDate"))))
    elif doc.get("DueDate"):
        facts.append(("Due Date", _day(doc.get("DueDate"))))
    facts.append((_NUMBER_LABELS[collection], str(doc.get(_NUMBER_FIELDS[collection]) or "")))
    if doc.get("Reference"):
        facts.append(("Reference", str(doc["Reference"])))
    return [(label, value) for label, value in facts if value]


def _totals(collection: str, doc: Doc) -> list[tuple[str, str]]:
    currency = str(doc.get("CurrencyCode") or "")
    rows = [("Subtotal", _money(doc.get("SubTotal", 0)))]
    if Decimal(str(doc.get("TotalDiscount") or 0)):
        rows.append(("Includes discount of", _money(doc["TotalDiscount"])))
    rows.append(("Total Tax", _money(doc.get("TotalTax", 0))))
    rows.append((f"TOTAL {currency}".strip(), _money(doc.get("Total", 0))))
    if collection == "Invoices" and doc.get("Status") in ("AUTHORISED", "PAID"):
        rows.append(("Amount Paid", _money(doc.get("AmountPaid", 0))))
        rows.append((f"AMOUNT DUE {currency}".strip(), _money(doc.get("AmountDue", 0))))
    if collection == "CreditNotes" and doc.get("Status") in ("AUTHORISED", "PAID"):
        rows.append((f"CREDIT REMAINING {currency}".strip(), _money(doc.get("RemainingCredit", 0))))
    return rows


def render(collection: str, doc: Doc, contact: Doc | None, organisation: Doc, now: datetime) -> bytes:
    """The PDF of one invoice, quote, credit note or purchase order."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(now)
    pdf.set_title(_latin(f"{_title(collection, doc)} {doc.get(_NUMBER_FIELDS[collection]) or ''}".strip()))
    pdf.set_author(_latin(organisation.get("Name") or ""))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 10, _latin(_title(collection, doc)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _latin(organisation.get("Name") or ""), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    shown_contact = contact or doc.get("Contact") or {}
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, _latin(shown_contact.get("Name") or ""), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in _address_lines(shown_contact):
        pdf.cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for label, value in _facts(collection, doc):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(40, 5, _latin(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 5, _latin(value), new_x="LMARGIN", new_y="NEXT")
    if collection == "Quotes" and doc.get("Title"):
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin(doc["Title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _line_table(pdf, doc.get("LineItems") or [])
    pdf.ln(3)
    for label, value in _totals(collection, doc):
        bold = label.isupper() or label.startswith(("TOTAL", "AMOUNT"))
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(140, 6, _latin(label), align="R")
        pdf.cell(0, 6, _latin(value), align="R", new_x="LMARGIN", new_y="NEXT")
    if collection == "Quotes" and doc.get("Terms"):
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, "Terms", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 5, _latin(doc["Terms"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _line_table(pdf: FPDF, lines: Sequence[Doc]) -> None:
    headings = ("Description", "Quantity", "Unit Price", "Tax", "Amount")
    with pdf.table(
        col_widths=(80, 22, 28, 24, 28),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=6,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        row = table.row()
        for heading in headings:
            row.cell(heading)
        for line in lines:
            row = table.row()
            row.cell(_latin(line.get("Description") or ""))
            row.cell(_quantity(line.get("Quantity", 0)) if line.get("Quantity") is not None else "")
            row.cell(_money(line["UnitAmount"]) if line.get("UnitAmount") is not None else "")
            row.cell(_money(line.get("TaxAmount") or 0))
            row.cell(_money(line.get("LineAmount") or 0))
