"""Contract tests: repeating invoice templates, their schedules and the invoices they make."""

from __future__ import annotations

from decimal import Decimal

import pytest
from xero_python.accounting import (
    Contact,
    HistoryRecord,
    HistoryRecords,
    RepeatingInvoice,
    RepeatingInvoices,
    Schedule,
)

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import DOC_DATE, lines, new_contact


def _template(xero: Xero, **fields: object) -> RepeatingInvoice:
    """A monthly AUTHORISED template starting on DOC_DATE (before the sandbox's today), 110.00 an invoice."""
    contact = new_contact(xero)
    template = RepeatingInvoice(
        type="ACCREC",
        contact=Contact(contact_id=contact.contact_id),
        schedule=Schedule(
            period=1, unit="MONTHLY", due_date=14, due_date_type="DAYSAFTERBILLDATE", start_date=DOC_DATE
        ),
        line_items=lines("200", "OUTPUT"),
        status="AUTHORISED",
        reference="Retainer",
        **fields,
    )
    made = xero.api.create_repeating_invoices(xero.tenant, RepeatingInvoices(repeating_invoices=[template]))
    return made.repeating_invoices[0]


@pytest.mark.sdk_operation("create_repeating_invoices")
def test_create_repeating_invoices_returns_the_template_with_its_schedule(xero: Xero) -> None:
    template = _template(xero)
    assert (str(template.status), template.total, template.reference) == ("AUTHORISED", Decimal("110.00"), "Retainer")
    assert (template.schedule.period, str(template.schedule.unit), template.schedule.start_date) == (
        1,
        "MONTHLY",
        DOC_DATE,
    )
    assert template.schedule.next_scheduled_date == DOC_DATE
    assert template.id == template.repeating_invoice_id


@pytest.mark.sdk_operation("get_repeating_invoice", "get_repeating_invoices")
def test_a_due_template_has_made_its_invoice_by_the_next_read(xero: Xero) -> None:
    template = _template(xero)
    read = xero.api.get_repeating_invoice(xero.tenant, template.repeating_invoice_id).repeating_invoices[0]
    assert read.schedule.next_scheduled_date.isoformat() == "2026-04-10"
    listed = xero.api.get_repeating_invoices(xero.tenant, where='Status=="AUTHORISED"').repeating_invoices
    assert template.repeating_invoice_id in {t.repeating_invoice_id for t in listed}
    made = xero.api.get_invoices(xero.tenant, where=f'Contact.ContactID==guid("{template.contact.contact_id}")')
    assert [(str(i.status), i.date, i.due_date.isoformat(), i.total) for i in made.invoices] == [
        ("AUTHORISED", DOC_DATE, "2026-03-24", Decimal("110.00"))
    ]
    assert made.invoices[0].repeating_invoice_id == template.repeating_invoice_id


@pytest.mark.sdk_operation("update_repeating_invoice")
def test_update_repeating_invoice_changes_the_template(xero: Xero) -> None:
    template = _template(xero)
    change = RepeatingInvoices(repeating_invoices=[RepeatingInvoice(reference="Quarterly retainer")])
    updated = xero.api.update_repeating_invoice(xero.tenant, template.repeating_invoice_id, change)
    assert updated.repeating_invoices[0].reference == "Quarterly retainer"


@pytest.mark.sdk_operation("update_or_create_repeating_invoices")
def test_update_or_create_repeating_invoices_deletes_by_id(xero: Xero) -> None:
    template = _template(xero)
    change = RepeatingInvoice(repeating_invoice_id=template.repeating_invoice_id, status="DELETED")
    done = xero.api.update_or_create_repeating_invoices(xero.tenant, RepeatingInvoices(repeating_invoices=[change]))
    assert str(done.repeating_invoices[0].status) == "DELETED"


@pytest.mark.sdk_operation("create_repeating_invoice_history", "get_repeating_invoice_history")
def test_repeating_invoice_history_takes_and_lists_notes(xero: Xero) -> None:
    template = _template(xero)
    notes = HistoryRecords(history_records=[HistoryRecord(details="Agreed by phone")])
    xero.api.create_repeating_invoice_history(xero.tenant, template.repeating_invoice_id, notes)
    records = xero.api.get_repeating_invoice_history(xero.tenant, template.repeating_invoice_id).history_records
    assert records[0].changes == "Created"
    assert records[-1].details == "Agreed by phone"
