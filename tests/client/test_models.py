"""Models: Xero's names and date formats, Decimal money, strict requests and tolerant responses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import pytest
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from tests.openapi_check import MISSING, spec_path
from xero_mcp.client import _json
from xero_mcp.client import models as m

CONTACT_ID = "96988e67-ecf9-466d-bfbf-0afa1725a649"


def test_ms_json_and_iso_timestamps_become_aware_utc_datetimes() -> None:
    invoice = m.Invoice.model_validate(
        {
            "InvoiceID": "243216c5-369e-4056-ac67-05388f86dc81",
            "UpdatedDateUTC": "/Date(1518685950940+0000)/",
            "Date": "/Date(1518652800000+0000)/",
            "DueDate": "2018-02-28T00:00:00",
        }
    )
    assert invoice.updated_date_utc == dt.datetime(2018, 2, 15, 9, 12, 30, 940000, tzinfo=dt.UTC)
    assert invoice.date == dt.date(2018, 2, 15)
    assert invoice.due_date == dt.date(2018, 2, 28)
    record = m.HistoryRecord.model_validate({"DateUTC": "2018-11-08T15:01:21"})
    assert record.date_utc == dt.datetime(2018, 11, 8, 15, 1, 21, tzinfo=dt.UTC)
    offset = m.Organisation.model_validate({"CreatedDateUTC": "2018-11-02T16:31:30+13:00"})
    assert offset.created_date_utc == dt.datetime(2018, 11, 2, 3, 31, 30, tzinfo=dt.UTC)


def test_money_is_decimal_and_exact() -> None:
    body = _json.loads(b'{"Total": 1234567890.12, "SubTotal": 0.1, "AmountDue": 0.30}')
    invoice = m.Invoice.model_validate(body)
    assert invoice.total == Decimal("1234567890.12")
    assert invoice.sub_total == Decimal("0.1")
    assert invoice.amount_due == Decimal("0.30")
    assert isinstance(invoice.amount_due, Decimal)


def test_response_models_keep_fields_they_do_not_declare() -> None:
    contact = m.Contact.model_validate({"ContactID": CONTACT_ID, "Name": "ACME", "XeroNetworkKey": "abc", "New": 1})
    assert contact.model_extra == {"XeroNetworkKey": "abc", "New": 1}
    assert contact.model_dump(by_alias=True, exclude_none=True)["New"] == 1


def test_request_models_refuse_unknown_fields_in_either_spelling() -> None:
    with pytest.raises(PydanticValidationError):
        m.ContactCreate.model_validate({"Name": "ACME", "Nmae": "typo"})
    with pytest.raises(PydanticValidationError):
        m.InvoiceCreate.model_validate(
            {"type": "ACCREC", "contact": {"name": "ACME"}, "line_items": [{"description": "x", "colour": "red"}]}
        )


def test_request_models_dump_to_xeros_names_without_unset_fields() -> None:
    invoice = m.InvoiceCreate(
        type="ACCREC",
        contact=m.ContactRef(contact_id=UUID(CONTACT_ID)),
        date=dt.date(2026, 1, 31),
        line_items=[
            m.LineItemInput(
                description="Consulting",
                quantity=Decimal(2),
                unit_amount=Decimal("150.00"),
                account_code="200",
                tracking=[m.TrackingInput(name="Region", option="North")],
            )
        ],
    )
    body = invoice.to_xero()
    assert body == {
        "Type": "ACCREC",
        "Contact": {"ContactID": UUID(CONTACT_ID)},
        "Date": dt.date(2026, 1, 31),
        "LineItems": [
            {
                "Description": "Consulting",
                "Quantity": Decimal(2),
                "UnitAmount": Decimal("150.00"),
                "AccountCode": "200",
                "Tracking": [{"Name": "Region", "Option": "North"}],
            }
        ],
    }
    wire = _json.dumps(body)
    assert b'"UnitAmount":150.00' in wire
    assert b'"Date":"2026-01-31"' in wire


def test_special_words_keep_xeros_capitals() -> None:
    assert m.xero_alias("updated_date_utc") == "UpdatedDateUTC"
    assert m.xero_alias("cogs_account_code") == "COGSAccountCode"
    assert m.xero_alias("cis_deduction") == "CISDeduction"
    assert m.xero_alias("address_line1") == "AddressLine1"
    assert m.Account.model_validate({"Class": "ASSET"}).class_ == "ASSET"


def test_requests_check_what_xero_would_refuse_before_sending() -> None:
    with pytest.raises(PydanticValidationError, match="contact reference"):
        m.ContactRef()
    with pytest.raises(PydanticValidationError, match="balance"):
        m.ManualJournalCreate(
            narration="Accrual",
            journal_lines=[
                m.JournalLineInput(line_amount=Decimal("100.00"), account_code="400"),
                m.JournalLineInput(line_amount=Decimal("-10.00"), account_code="800"),
            ],
        )
    with pytest.raises(PydanticValidationError, match="exactly one"):
        m.PaymentCreate(
            invoice=m.InvoiceRef(invoice_number="INV-1"),
            credit_note=m.CreditNoteRef(credit_note_number="CN-1"),
            account=m.AccountRef(code="090"),
            amount=Decimal(10),
        )
    with pytest.raises(PydanticValidationError, match="different bank accounts"):
        m.BankTransferCreate(
            from_bank_account=m.AccountRef(code="090"), to_bank_account=m.AccountRef(code="090"), amount=Decimal(5)
        )
    with pytest.raises(PydanticValidationError):
        m.PaymentCreate(
            invoice=m.InvoiceRef(invoice_number="INV-1"), account=m.AccountRef(code="090"), amount=Decimal(0)
        )


def test_reports_parse_nested_rows_and_cells() -> None:
    report = m.Report.model_validate(
        {
            "ReportID": "ProfitAndLoss",
            "ReportTitles": ["Profit & Loss", "Demo Company", "1 January 2026 to 31 January 2026"],
            "Rows": [
                {"RowType": "Header", "Cells": [{"Value": ""}, {"Value": "31 Jan 26"}]},
                {
                    "RowType": "Section",
                    "Title": "Income",
                    "Rows": [
                        {
                            "RowType": "Row",
                            "Cells": [
                                {"Value": "Sales", "Attributes": [{"Id": "account", "Value": CONTACT_ID}]},
                                {"Value": "1000.00"},
                            ],
                        }
                    ],
                },
            ],
        }
    )
    cell = report.rows[1].rows[0].cells[0]
    assert cell.value == "Sales"
    assert cell.attributes[0].id == "account"


# --- contract with Xero's OpenAPI spec ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec_schemas() -> dict[str, Any]:
    path = spec_path()
    if path is None:
        pytest.skip(MISSING)
    yaml = pytest.importorskip("yaml")
    with path.open(encoding="utf-8") as handle:
        spec = cast("dict[str, Any]", yaml.safe_load(handle))
    return cast("dict[str, Any]", spec["components"]["schemas"])


MODEL_SCHEMAS: list[tuple[type[BaseModel], str]] = [
    (m.ContactCreate, "Contact"),
    (m.ContactUpdate, "Contact"),
    (m.Contact, "Contact"),
    (m.AddressInput, "Address"),
    (m.Address, "Address"),
    (m.PhoneInput, "Phone"),
    (m.ContactPersonInput, "ContactPerson"),
    (m.ContactRef, "Contact"),
    (m.ContactGroupCreate, "ContactGroup"),
    (m.ContactGroupUpdate, "ContactGroup"),
    (m.ContactGroup, "ContactGroup"),
    (m.InvoiceCreate, "Invoice"),
    (m.InvoiceUpdate, "Invoice"),
    (m.Invoice, "Invoice"),
    (m.InvoiceRef, "Invoice"),
    (m.LineItemInput, "LineItem"),
    (m.LineItem, "LineItem"),
    (m.TrackingInput, "LineItemTracking"),
    (m.LineItemTracking, "LineItemTracking"),
    (m.OnlineInvoice, "OnlineInvoice"),
    (m.QuoteCreate, "Quote"),
    (m.QuoteUpdate, "Quote"),
    (m.Quote, "Quote"),
    (m.CreditNoteCreate, "CreditNote"),
    (m.CreditNoteUpdate, "CreditNote"),
    (m.CreditNote, "CreditNote"),
    (m.CreditNoteRef, "CreditNote"),
    (m.AllocationCreate, "Allocation"),
    (m.Allocation, "Allocation"),
    (m.PaymentCreate, "Payment"),
    (m.Payment, "Payment"),
    (m.BankTransactionCreate, "BankTransaction"),
    (m.BankTransactionUpdate, "BankTransaction"),
    (m.BankTransaction, "BankTransaction"),
    (m.BankTransferCreate, "BankTransfer"),
    (m.BankTransfer, "BankTransfer"),
    (m.TrackingReferenceInput, "TrackingReference"),
    (m.PurchaseOrderCreate, "PurchaseOrder"),
    (m.PurchaseOrderUpdate, "PurchaseOrder"),
    (m.PurchaseOrder, "PurchaseOrder"),
    (m.HistoryRecord, "HistoryRecord"),
    (m.ItemCreate, "Item"),
    (m.ItemUpdate, "Item"),
    (m.Item, "Item"),
    (m.PriceDetailsInput, "Purchase"),
    (m.AccountCreate, "Account"),
    (m.AccountUpdate, "Account"),
    (m.Account, "Account"),
    (m.AccountRef, "Account"),
    (m.TaxRateCreate, "TaxRate"),
    (m.TaxRate, "TaxRate"),
    (m.TaxComponentInput, "TaxComponent"),
    (m.TrackingCategoryCreate, "TrackingCategory"),
    (m.TrackingCategoryUpdate, "TrackingCategory"),
    (m.TrackingCategory, "TrackingCategory"),
    (m.TrackingOptionCreate, "TrackingOption"),
    (m.TrackingOptionUpdate, "TrackingOption"),
    (m.TrackingOption, "TrackingOption"),
    (m.Currency, "Currency"),
    (m.Organisation, "Organisation"),
    (m.ManualJournalCreate, "ManualJournal"),
    (m.ManualJournalUpdate, "ManualJournal"),
    (m.ManualJournal, "ManualJournal"),
    (m.JournalLineInput, "ManualJournalLine"),
    (m.JournalLine, "ManualJournalLine"),
    (m.Report, "ReportWithRow"),
    (m.ReportCell, "ReportCell"),
    (m.ReportAttribute, "ReportAttribute"),
]

# Fields Xero sends that its spec leaves out of the schema (documented on the API pages instead).
UNDOCUMENTED = {("Organisation", "Addresses"), ("ReportWithRow", "Fields")}
# The per-element outcome fields every response model reads (XeroRecord); the spec lists them on most schemas only.
OUTCOME_FIELDS = {field.alias or name for name, field in m.XeroRecord.model_fields.items()}


@pytest.mark.parametrize(("model", "schema"), MODEL_SCHEMAS, ids=[model.__name__ for model, _ in MODEL_SCHEMAS])
def test_every_field_name_is_one_xeros_spec_defines(
    model: type[BaseModel], schema: str, spec_schemas: dict[str, Any]
) -> None:
    properties = set(spec_schemas[schema].get("properties", {}))
    names = {field.alias or name for name, field in model.model_fields.items()}
    if issubclass(model, m.XeroRecord):
        names -= OUTCOME_FIELDS
    unknown = {name for name in names - properties if (schema, name) not in UNDOCUMENTED}
    assert not unknown, f"{model.__name__} uses names the spec's {schema} does not have: {sorted(unknown)}"
