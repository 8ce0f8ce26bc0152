"""Contract tests: documents as PDFs (``Accept: application/pdf`` on the document's own path, reference §5.2).

The SDK asks for the PDF with that Accept header and saves the body to a file; pypdf reads the text back, which must
show the document's number, its contact and its totals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import new_contact, new_credit_note, new_invoice, new_purchase_order, new_quote


@dataclass(frozen=True)
class Printable:
    """A kind of document with a PDF: how to make one, its ID and number fields, and its title on the PDF."""

    operation: str
    make: Callable[[Xero, Any], Any]
    id_field: str
    number_field: str
    title: str


PRINTABLE = (
    Printable(
        "get_invoice_as_pdf", lambda x, c: new_invoice(x, contact=c), "invoice_id", "invoice_number", "TAX INVOICE"
    ),
    Printable(
        "get_credit_note_as_pdf",
        lambda x, c: new_credit_note(x, contact=c),
        "credit_note_id",
        "credit_note_number",
        "CREDIT NOTE",
    ),
    Printable("get_quote_as_pdf", lambda x, c: new_quote(x), "quote_id", "quote_number", "QUOTE"),
    Printable(
        "get_purchase_order_as_pdf",
        lambda x, c: new_purchase_order(x),
        "purchase_order_id",
        "purchase_order_number",
        "PURCHASE ORDER",
    ),
)


def pdf_text(path: object) -> str:
    """The text of every page of the PDF file the SDK saved."""
    data = Path(str(path)).read_bytes()
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.mark.parametrize(
    "kind", [pytest.param(k, id=k.operation, marks=pytest.mark.sdk_operation(k.operation)) for k in PRINTABLE]
)
def test_a_document_pdf_shows_its_number_contact_lines_and_totals(xero: Xero, kind: Printable) -> None:
    document = kind.make(xero, new_contact(xero))
    contact = xero.api.get_contact(xero.tenant, document.contact.contact_id).contacts[0]
    text = pdf_text(getattr(xero.api, kind.operation)(xero.tenant, getattr(document, kind.id_field)))
    assert kind.title in text
    assert getattr(document, kind.number_field) in text
    assert contact.name in text
    assert "Contract test work" in text
    assert "100.00" in text
    assert "10.00" in text
    assert "110.00" in text


@pytest.mark.sdk_operation("get_invoice_as_pdf")
def test_an_invoice_pdf_shows_the_amount_still_due(xero: Xero) -> None:
    invoice = new_invoice(xero)
    text = pdf_text(xero.api.get_invoice_as_pdf(xero.tenant, invoice.invoice_id))
    assert "AMOUNT DUE USD 110.00" in text
    assert "Demo Company (Global)" in text


@pytest.mark.sdk_operation("get_invoice")
def test_an_invoice_read_without_asking_for_a_pdf_is_json(xero: Xero) -> None:
    invoice = new_invoice(xero)
    assert xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0].total == invoice.total
