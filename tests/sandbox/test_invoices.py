"""Invoices and bills (reference §5.2): totals in Decimal, numbering, the status machine and editing rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx2

from tests.conftest import ApiFactory
from tests.sandbox.helpers import PURCHASE_LINE, SALES_LINE, get_one, messages, new_contact, new_invoice, pay, put_one
from xero_mcp.sandbox.app import Sandbox


async def test_line_amount_applies_the_discount_rate_and_rounds_to_cents(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: LineAmount = Quantity x UnitAmount x (100 - DiscountRate)/100, 2 dp."""
    line = {"Description": "Widgets", "Quantity": 3, "UnitAmount": 19.99, "DiscountRate": 12.5, "AccountCode": "200"}
    invoice = await new_invoice(api, status="DRAFT", lines=[line])
    [item] = invoice["LineItems"]
    assert item["LineAmount"] == 52.47  # 3 x 19.99 = 59.97, less 12.5% = 52.47375
    assert invoice["TotalDiscount"] == 7.50
    assert invoice["IsDiscounted"] is True


async def test_exclusive_tax_is_rounded_per_line_then_summed(api: httpx2.AsyncClient) -> None:
    """xero-api.md §9.7: per-line tax rounding; 10% on 0.05 and 0.05 is 0.01 + 0.01, not round(0.01)."""
    lines = [{"Description": f"L{i}", "Quantity": 1, "UnitAmount": 0.05, "AccountCode": "200"} for i in range(2)]
    invoice = await new_invoice(api, status="DRAFT", lines=lines)
    assert [line["TaxAmount"] for line in invoice["LineItems"]] == [0.01, 0.01]
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (0.10, 0.02, 0.12)


async def test_inclusive_tax_is_taken_out_of_the_line_amount(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: Inclusive tax = round(line - line / (1 + rate)); SubTotal is net of it."""
    line = {"Description": "Gross", "Quantity": 1, "UnitAmount": 110, "AccountCode": "200"}
    invoice = await new_invoice(api, status="DRAFT", lines=[line], LineAmountTypes="Inclusive")
    assert invoice["LineItems"][0]["TaxAmount"] == 10.00
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (100.00, 10.00, 110.00)


async def test_no_tax_lines_carry_no_tax(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: NoTax documents have no tax."""
    invoice = await new_invoice(api, status="DRAFT", LineAmountTypes="NoTax")
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (100.00, 0.00, 100.00)


async def test_money_is_written_exactly_as_decimal(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2: amounts are serialised from Decimal, never through float rounding."""
    line = {"Description": "Exact", "Quantity": 3, "UnitAmount": 0.1, "AccountCode": "200"}
    invoice = await api.put("/Invoices", json={"Type": "ACCREC", "Contact": {"Name": "Exact"}, "LineItems": [line]})
    assert '"LineAmount":0.30' in invoice.text
    assert '"Total":0.33' in invoice.text


async def test_tax_that_rounds_to_nothing_on_a_negative_line_is_written_as_zero(api: httpx2.AsyncClient) -> None:
    """xero-api.md §9.7: per-line tax rounded to 2 dp; 10% of -0.04 is -0.004, which is 0.00 (Xero writes no
    negative zero)."""
    lines = [{**SALES_LINE, "UnitAmount": 10}, {**SALES_LINE, "Description": "Rounding", "UnitAmount": -0.04}]
    response = await api.put("/Invoices", json={"Type": "ACCREC", "Contact": {"Name": "Neg Zero"}, "LineItems": lines})
    assert '"LineAmount":-0.04,"TaxAmount":0.00,' in response.text
    assert "-0.00" not in response.text


async def test_accrec_numbers_are_generated_in_sequence(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: ACCREC numbers are auto-generated when absent (INV-0001, ...)."""
    first = await new_invoice(api, status="DRAFT")
    second = await new_invoice(api, status="DRAFT")
    first_number = re.fullmatch(r"INV-(\d{4,})", first["InvoiceNumber"])
    second_number = re.fullmatch(r"INV-(\d{4,})", second["InvoiceNumber"])
    assert first_number and second_number
    assert int(second_number.group(1)) == int(first_number.group(1)) + 1


async def test_duplicate_sales_invoice_number_is_rejected(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: "Invoice # must be unique." for ACCREC."""
    await new_invoice(api, status="DRAFT", InvoiceNumber="UNIQUE-1")
    response = await api.put(
        "/Invoices",
        json={"Type": "ACCREC", "InvoiceNumber": "UNIQUE-1", "Contact": {"Name": "X"}, "LineItems": [SALES_LINE]},
    )
    assert messages(response) == ["Invoice # must be unique."]


async def test_bill_numbers_may_repeat(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: ACCPAY InvoiceNumber is the supplier's reference and need not be unique."""
    first = await new_invoice(api, kind="ACCPAY", status="DRAFT", InvoiceNumber="SUP-9")
    second = await new_invoice(api, kind="ACCPAY", status="DRAFT", InvoiceNumber="SUP-9")
    assert first["InvoiceID"] != second["InvoiceID"]


async def test_draft_moves_to_submitted_then_authorised(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: DRAFT -> SUBMITTED -> AUTHORISED."""
    invoice = await new_invoice(api, status="DRAFT")
    for status in ("SUBMITTED", "AUTHORISED"):
        response = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": status})
        assert response.json()["Invoices"][0]["Status"] == status


async def test_draft_invoice_can_be_deleted(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: "You can delete a DRAFT or SUBMITTED invoice by updating the Status to DELETED"."""
    invoice = await new_invoice(api, status="DRAFT")
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "DELETED"})
    assert response.json()["Invoices"][0]["Status"] == "DELETED"
    assert response.json()["Invoices"][0]["AmountDue"] == 0


async def test_authorised_invoice_can_be_voided_but_not_deleted_or_sent_back_to_draft(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: AUTHORISED -> AUTHORISED|VOIDED only."""
    invoice = await new_invoice(api)
    for status in ("DELETED", "DRAFT"):
        response = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": status})
        assert messages(response) == [f"The status of the invoice cannot be changed from AUTHORISED to {status}."]
    voided = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "VOIDED"})
    assert voided.json()["Invoices"][0]["Status"] == "VOIDED"


async def test_voided_invoice_cannot_be_modified(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: nothing leaves VOIDED; Xero says "Invoice not of valid status for modification"."""
    invoice = await new_invoice(api)
    await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "VOIDED"})
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Reference": "late edit"})
    assert messages(response) == ["Invoice not of valid status for modification"]


async def test_paid_status_cannot_be_set_by_a_client(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: PAID is set by the system only."""
    invoice = await new_invoice(api)
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "PAID"})
    assert messages(response) == ["PAID is set when payments or credit cover the invoice; it cannot be set directly."]


async def test_invoice_with_a_payment_cannot_be_voided(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: an AUTHORISED invoice with payments cannot be voided."""
    invoice = await new_invoice(api)
    await pay(api, invoice, 10)
    response = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "VOIDED"})
    assert messages(response) == [
        "The status VOIDED cannot be applied to the invoice because it has payments or credit notes allocated to it."
    ]


async def test_part_paid_invoice_changes_only_its_non_financial_fields(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: paid in part or full, only Reference, DueDate, number, Contact, line descriptions..."""
    invoice = await new_invoice(api)
    await pay(api, invoice, 10)
    line_id = invoice["LineItems"][0]["LineItemID"]
    allowed = await api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        json={
            "Reference": "PO 77",
            "DueDate": "2026-05-01",
            "LineItems": [{"LineItemID": line_id, "Description": "New"}],
        },
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["Invoices"][0]["LineItems"][0]["Description"] == "New"
    refused = await api.post(
        f"/Invoices/{invoice['InvoiceID']}", json={"LineItems": [{"LineItemID": line_id, "UnitAmount": 500}]}
    )
    assert messages(refused) == ["This document cannot be edited as it has a payment or credit note allocated to it."]
    no_line_id = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"LineItems": [{"Description": "x"}]})
    assert messages(no_line_id) == ["To update fields on a paid invoice line item, you must supply a LineItemID"]


async def test_planned_payment_date_of_a_part_paid_bill_can_still_be_set(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: Xero's changelog of 19 Mar 2026 made the non-financial fields of part- or fully-paid
    bills editable, PlannedPaymentDate included (a date sets its *String twin too, which must not count as a change
    to a financial field)."""
    bill = await new_invoice(api, kind="ACCPAY", InvoiceNumber="SUP-88")
    assert (await pay(api, bill, 10)).status_code == 200
    response = await api.post(f"/Invoices/{bill['InvoiceID']}", json={"PlannedPaymentDate": "2026-04-20"})
    assert response.status_code == 200, response.text
    assert response.json()["Invoices"][0]["PlannedPaymentDate"] == "/Date(1776643200000+0000)/"


async def test_line_items_update_by_id_add_without_id_and_drop_when_omitted(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: a LineItemID updates that line, no ID adds one, an omitted line is deleted."""
    lines = [SALES_LINE, {**SALES_LINE, "Description": "Second"}]
    invoice = await new_invoice(api, status="DRAFT", lines=lines)
    first_id = invoice["LineItems"][0]["LineItemID"]
    response = await api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        json={"LineItems": [{"LineItemID": first_id, "Quantity": 2}, {**SALES_LINE, "Description": "Third"}]},
    )
    updated = response.json()["Invoices"][0]
    assert [(line["Description"], line["Quantity"]) for line in updated["LineItems"]] == [
        ("Consulting", 2.0),
        ("Third", 1.0),
    ]
    assert updated["LineItems"][0]["LineItemID"] == first_id
    assert updated["SubTotal"] == 300.00


async def test_approving_needs_an_account_on_every_line(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: drafts may hold incomplete lines; approved invoices may not."""
    draft = await new_invoice(
        api, status="DRAFT", lines=[{"Description": "No account", "Quantity": 1, "UnitAmount": 5}]
    )
    response = await api.post(f"/Invoices/{draft['InvoiceID']}", json={"Status": "AUTHORISED"})
    assert messages(response) == [
        "Each line item must have an AccountCode or an ItemCode with a sales or purchase account."
    ]


async def test_unknown_account_code_uses_xeros_message(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: Xero names the code that is not valid for the document."""
    line = {**SALES_LINE, "AccountCode": "999"}
    response = await api.put("/Invoices", json={"Type": "ACCREC", "Contact": {"Name": "X"}, "LineItems": [line]})
    assert messages(response) == ["Account code '999' is not a valid code for this document."]


async def test_invoice_without_contact_is_refused(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: Type, Contact and LineItems are required to create a draft."""
    response = await api.put("/Invoices", json={"Type": "ACCREC", "LineItems": [SALES_LINE]})
    assert messages(response) == ["A Contact must be specified for this type of transaction"]


async def test_invoice_without_line_items_is_refused_even_as_a_draft(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: "Required to create a draft: Type, Contact, LineItems" (a draft's lines may be incomplete:
    a description alone will do)."""
    no_lines: list[dict[str, Any]] = []
    for lines in ({}, {"LineItems": no_lines}):
        response = await api.put("/Invoices", json={"Type": "ACCREC", "Contact": {"Name": "No Lines"}, **lines})
        assert messages(response) == ["An invoice needs at least one line item."]
    credit = await api.put("/CreditNotes", json={"Type": "ACCRECCREDIT", "Contact": {"Name": "No Lines"}})
    assert messages(credit) == ["A credit note needs at least one line item."]
    sketch = await new_invoice(api, status="DRAFT", lines=[{"Description": "To be priced"}])
    assert (sketch["Status"], sketch["Total"]) == ("DRAFT", 0.0)


async def test_invoice_creates_a_contact_named_in_it(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: a Contact given by name only is created when it does not exist."""
    invoice = await new_invoice(api, status="DRAFT", contact="Walk-in Customer")
    contact = await get_one(api, "Contacts", invoice["Contact"]["ContactID"])
    assert contact["Name"] == "Walk-in Customer"


async def test_discounts_are_refused_on_bills(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: DiscountRate "Only supported on ACCREC invoices and quotes"."""
    response = await api.put(
        "/Invoices",
        json={"Type": "ACCPAY", "Contact": {"Name": "S"}, "LineItems": [{**PURCHASE_LINE, "DiscountRate": 10}]},
    )
    assert messages(response) == ["Discounts are only supported on ACCREC invoices and quotes."]


async def test_currency_the_organisation_lacks_is_refused(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: "Organisation is not subscribed to currency JPY"."""
    body = {"Type": "ACCREC", "Contact": {"Name": "X"}, "CurrencyCode": "JPY", "LineItems": [SALES_LINE]}
    assert messages(await api.put("/Invoices", json=body)) == ["Organisation is not subscribed to currency JPY"]


async def test_due_date_defaults_from_the_contacts_payment_terms(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: PaymentTerms (Sales) decide an invoice's default DueDate."""
    terms = {"Sales": {"Day": 20, "Type": "OFFOLLOWINGMONTH"}}
    contact = await new_contact(api, "Terms Ltd", PaymentTerms=terms)
    invoice = await new_invoice(
        api, status="DRAFT", contact="Terms Ltd", Date="2026-03-05", Contact={"ContactID": contact["ContactID"]}
    )
    assert invoice["DueDateString"] == "2026-04-20T00:00:00"
    assert invoice["DateString"] == "2026-03-05T00:00:00"


async def test_updated_date_utc_moves_on_every_change(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: UpdatedDateUTC is maintained on every change."""
    invoice = await new_invoice(api, status="DRAFT")
    sandbox.clock.advance(90)
    changed = await api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Reference": "changed"})
    before = int(invoice["UpdatedDateUTC"][6:19])
    after = int(changed.json()["Invoices"][0]["UpdatedDateUTC"][6:19])
    assert after - before == 90_000


async def test_sent_to_contact_can_be_set_only_on_approved_invoices(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.2: SentToContact "can be set only on invoices that have been approved"."""
    draft = await new_invoice(api, status="DRAFT")
    refused = await api.post(f"/Invoices/{draft['InvoiceID']}", json={"SentToContact": True})
    assert messages(refused) == ["SentToContact can only be set on invoices that have been approved."]
    approved = await new_invoice(api)
    marked = await api.post(f"/Invoices/{approved['InvoiceID']}", json={"SentToContact": True})
    assert marked.json()["Invoices"][0]["SentToContact"] is True


async def test_invoice_is_read_and_updated_by_its_number(api: httpx2.AsyncClient) -> None:
    """xero-api.md §1: GET and POST /Invoices/{InvoiceNumber} (a non-GUID path value is a number)."""
    invoice = await new_invoice(api, status="DRAFT", InvoiceNumber="INV-239")
    updated = await api.post("/Invoices/INV-239", json={"Reference": "by number"})
    assert updated.json()["Invoices"][0]["InvoiceID"] == invoice["InvoiceID"]
    read = await api.get("/Invoices/INV-239")
    assert read.json()["Invoices"][0]["Reference"] == "by number"


async def test_unit_amount_keeps_four_places_only_with_unitdp_4(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2: UnitAmount is rounded to 2 dp unless unitdp=4."""
    line = {**SALES_LINE, "UnitAmount": 1.23456}
    body = {"Type": "ACCREC", "Contact": {"Name": "Precise"}, "LineItems": [line]}
    four = await put_one(api, "Invoices", body, unitdp="4")
    two = await put_one(api, "Invoices", body)
    assert four["LineItems"][0]["UnitAmount"] == 1.2346
    assert two["LineItems"][0]["UnitAmount"] == 1.23


async def test_summary_only_omits_line_items_and_payments(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.4: summaryOnly excludes Payments, HasAttachments, LineItems and CISDeduction."""
    invoice = await new_invoice(api, status="DRAFT")
    response = await api.get("/Invoices", params={"summaryOnly": "true", "IDs": invoice["InvoiceID"]})
    [summary] = response.json()["Invoices"]
    assert "LineItems" not in summary and "Payments" not in summary
    assert summary["Total"] == invoice["Total"]


async def test_invoice_list_without_paging_or_statuses_has_no_line_items_and_no_page_limit(
    api: httpx2.AsyncClient,
) -> None:
    """xero-api.md §2.4: "When you retrieve multiple invoices ... no line details are returned"; they are returned
    "by specifying Invoice ID, Invoice Number, querying by Statuses or by using the optional paging parameter", and
    paging (100 a page) applies "when the page parameter is used" or when querying by Statuses."""
    batch = {"Invoices": [{"Type": "ACCPAY", "Contact": {"Name": "Many Bills"}, "LineItems": [PURCHASE_LINE]}] * 101}
    assert (await api.put("/Invoices", json=batch)).status_code == 200
    where = {"where": 'Contact.Name=="Many Bills"'}
    unpaged = (await api.get("/Invoices", params=where)).json()
    assert "pagination" not in unpaged and len(unpaged["Invoices"]) == 101
    assert not any("LineItems" in invoice for invoice in unpaged["Invoices"])
    for params in ({"page": "2"}, {"Statuses": "DRAFT"}):
        paged = (await api.get("/Invoices", params={**where, **params})).json()
        assert paged["pagination"]["itemCount"] == 101
        assert all(invoice["LineItems"][0]["Description"] == "Paper" for invoice in paged["Invoices"])
    assert len(paged["Invoices"]) == 100
    single = await get_one(api, "Invoices", unpaged["Invoices"][0]["InvoiceID"])
    assert single["LineItems"][0]["Description"] == "Paper"


async def test_item_code_on_a_line_supplies_description_price_and_account(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.11: "Item code on an invoice line supplies default description/price/account"."""
    item = {
        "Code": "T-WIDGET",
        "Name": "Widget",
        "Description": "A widget",
        "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200"},
    }
    await put_one(api, "Items", item)
    invoice = await new_invoice(api, lines=[{"ItemCode": "T-WIDGET", "Quantity": 2}])
    [line] = invoice["LineItems"]
    assert (line["Description"], line["UnitAmount"], line["AccountCode"], line["LineAmount"]) == (
        "A widget",
        12.5,
        "200",
        25.0,
    )


async def test_put_carrying_the_id_of_an_existing_invoice_is_refused_and_creates_nothing(
    api: httpx2.AsyncClient,
) -> None:
    """xero-api.md §2.1: "you can only create new invoices with this method"; the element fails, the others pass."""
    existing = await new_invoice(api, status="DRAFT", Reference="original")
    invoice_id = existing["InvoiceID"]
    before = (await api.get("/Invoices", params={"page": "1"})).json()["pagination"]["itemCount"]
    new = {"Type": "ACCREC", "Contact": {"Name": "Invoice Customer"}, "LineItems": [SALES_LINE]}
    batch = {"Invoices": [{**new, "InvoiceID": invoice_id, "Reference": "changed by PUT"}, new]}
    response = await api.put("/Invoices", params={"summarizeErrors": "false"}, json=batch)
    refused, created = response.json()["Invoices"]
    refusal = "names an existing record: PUT only creates; use POST to update it."
    assert refused["StatusAttributeString"] == "ERROR"
    assert refused["ValidationErrors"] == [{"Message": f"InvoiceID {invoice_id} {refusal}"}]
    assert created["StatusAttributeString"] == "OK"
    after = (await api.get("/Invoices", params={"page": "1"})).json()["pagination"]["itemCount"]
    assert after == before + 1
    assert (await get_one(api, "Invoices", invoice_id))["Reference"] == "original"
    summarised = await api.put("/Invoices", json={**new, "InvoiceID": invoice_id.upper()})
    assert messages(summarised) == [f"InvoiceID {invoice_id.upper()} {refusal}"]


async def test_an_invoice_sent_without_a_date_is_dated_today_in_the_organisations_time_zone(
    sandbox: Sandbox, second_tenant_id: str, api_for: ApiFactory
) -> None:
    """xero-api.md §5.2: "Date defaults to today (org timezone)"; the second organisation keeps Auckland time."""
    sandbox.clock.set(datetime(2026, 11, 21, 20, 0, tzinfo=UTC))  # 09:00 on 22 November in Auckland (UTC+13)
    auckland = api_for(sandbox, second_tenant_id)
    contact = await new_contact(auckland, "Dateless Customer")
    body = {"Type": "ACCREC", "Contact": {"ContactID": contact["ContactID"]}, "LineItems": [SALES_LINE]}
    invoice = await put_one(auckland, "Invoices", body)
    assert invoice["DateString"].startswith("2026-11-22")
