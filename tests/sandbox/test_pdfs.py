"""PDFs by content negotiation (reference §5.2): the document's own path, JSON unless Accept prefers a PDF."""

from __future__ import annotations

from io import BytesIO

import httpx2
import pytest
from pypdf import PdfReader

from tests.sandbox.helpers import new_invoice
from xero_mcp.sandbox.pdf import prefers_pdf


@pytest.mark.parametrize(
    ("accept", "pdf"),
    [
        ("application/pdf", True),
        ("application/pdf, application/json", True),
        ("application/json, application/pdf", False),
        ("application/json;q=0.5, application/pdf", True),
        ("application/pdf;q=0.2, application/json;q=0.9", False),
        ("application/pdf;q=0", False),
        ("*/*", False),
        ("", False),
        (None, False),
    ],
)
def test_a_pdf_is_chosen_only_when_the_accept_header_prefers_it(accept: str | None, pdf: bool) -> None:
    assert prefers_pdf(accept) is pdf


async def test_an_invoice_asked_for_as_pdf_is_a_pdf_with_its_number_and_total(api: httpx2.AsyncClient) -> None:
    invoice = await new_invoice(api, contact="Printed Customer Ltd")
    response = await api.get(f"/Invoices/{invoice['InvoiceID']}", headers={"Accept": "application/pdf"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert invoice["InvoiceNumber"] in text
    assert "Printed Customer Ltd" in text
    assert f"{invoice['Total']:,.2f}" in text


async def test_an_invoice_asked_for_as_json_is_json(api: httpx2.AsyncClient) -> None:
    invoice = await new_invoice(api)
    response = await api.get(f"/Invoices/{invoice['InvoiceID']}")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["Invoices"][0]["InvoiceID"] == invoice["InvoiceID"]


async def test_a_contact_asked_for_as_pdf_is_still_json(api: httpx2.AsyncClient) -> None:
    listed = (await api.get("/Contacts", params={"page": 1})).json()["Contacts"]
    response = await api.get(f"/Contacts/{listed[0]['ContactID']}", headers={"Accept": "application/pdf"})
    assert response.headers["content-type"].startswith("application/json")


async def test_a_pdf_of_an_unknown_invoice_is_not_found(api: httpx2.AsyncClient) -> None:
    response = await api.get("/Invoices/00000000-0000-0000-0000-000000000009", headers={"Accept": "application/pdf"})
    assert response.status_code == 404
