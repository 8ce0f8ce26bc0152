"""Every resource's methods against the sandbox: what the client sends is what a Xero-shaped server accepts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xero_mcp.client import NotFound, TenantClient, ValidationError, Where
from xero_mcp.client import models as m

TODAY = dt.date(2026, 11, 2)


def line(amount: str, account: str = "200", description: str = "Services") -> m.LineItemInput:
    return m.LineItemInput(
        description=description, quantity=Decimal(1), unit_amount=Decimal(amount), account_code=account
    )


async def authorised_invoice(org: TenantClient, contact: str, amount: str = "115.00") -> m.Invoice:
    return await org.invoices.create(
        m.InvoiceCreate(
            type="ACCREC",
            contact=m.ContactRef(name=contact),
            date=TODAY,
            due_date=TODAY + dt.timedelta(days=20),
            status="AUTHORISED",
            line_amount_types="Inclusive",
            line_items=[line(amount)],
        )
    )


async def test_contacts_and_groups(org: TenantClient) -> None:
    contact = await org.contacts.create(
        m.ContactCreate(
            name="Tour Contact",
            email_address="tour@example.com",
            addresses=[m.AddressInput(address_type="POBOX", city="Wellington")],
            phones=[m.PhoneInput(phone_type="MOBILE", phone_number="021 555 0100")],
        )
    )
    assert contact.contact_id is not None
    same = await org.contacts.get(contact.contact_id)
    assert same.email_address == "tour@example.com"
    renamed = await org.contacts.update(contact.contact_id, m.ContactUpdate(name="Tour Contact Renamed"))
    assert renamed.name == "Tour Contact Renamed"
    page = await org.contacts.list(search_term="Renamed", page_size=10)
    assert [c.contact_id for c in page.items] == [contact.contact_id]

    group = await org.contact_groups.create(m.ContactGroupCreate(name="Tour Group"))
    assert group.contact_group_id is not None
    await org.contact_groups.add_contacts(group.contact_group_id, [contact.contact_id])
    with_members = await org.contact_groups.get(group.contact_group_id)
    assert [c.contact_id for c in with_members.contacts] == [contact.contact_id]
    await org.contact_groups.remove_contact(group.contact_group_id, contact.contact_id)
    assert (await org.contact_groups.get(group.contact_group_id)).contacts == []
    assert any(g.name == "Tour Group" for g in await org.contact_groups.list())


async def test_invoices_email_online_link_payments_and_history(org: TenantClient) -> None:
    await org.contacts.create(m.ContactCreate(name="Paying Customer", email_address="pay@example.com"))
    invoice = await authorised_invoice(org, "Paying Customer")
    assert invoice.invoice_id is not None and invoice.invoice_number
    assert invoice.total == Decimal("115.00")
    assert (await org.invoices.get(invoice.invoice_number)).invoice_id == invoice.invoice_id
    assert (await org.invoices.find_by_number(invoice.invoice_number)) is not None

    await org.invoices.email(invoice.invoice_id)
    url = await org.invoices.online_url(invoice.invoice_id)
    assert url.startswith("http")

    payment = await org.payments.create(
        m.PaymentCreate(
            invoice=m.InvoiceRef(invoice_id=invoice.invoice_id),
            account=m.AccountRef(code="090"),
            amount=Decimal("115.00"),
            date=TODAY,
        )
    )
    assert payment.payment_id is not None
    assert (await org.invoices.get(invoice.invoice_id)).status == "PAID"
    deleted = await org.payments.delete(payment.payment_id)
    assert deleted.status == "DELETED"
    reopened = await org.invoices.get(invoice.invoice_id)
    assert (reopened.status, reopened.amount_due) == ("AUTHORISED", Decimal("115.00"))

    await org.history.add("invoice", invoice.invoice_id, "Customer promised to pay Friday")
    notes = await org.history.get("Invoices", invoice.invoice_id)
    assert any(record.details == "Customer promised to pay Friday" for record in notes)

    voided = await org.invoices.update(invoice.invoice_id, m.InvoiceUpdate(status="VOIDED"))
    assert voided.status == "VOIDED"
    statuses = await org.invoices.list(
        statuses=["VOIDED"],
        contact_ids=[invoice.contact.contact_id] if invoice.contact and invoice.contact.contact_id else None,
    )
    assert [i.invoice_id for i in statuses.items] == [invoice.invoice_id]


async def test_credit_notes_are_allocated_to_invoices(org: TenantClient) -> None:
    await org.contacts.create(m.ContactCreate(name="Credited Customer"))
    invoice = await authorised_invoice(org, "Credited Customer", "230.00")
    assert invoice.invoice_id is not None
    credit = await org.credit_notes.create(
        m.CreditNoteCreate(
            type="ACCRECCREDIT",
            contact=m.ContactRef(name="Credited Customer"),
            date=TODAY,
            status="AUTHORISED",
            line_amount_types="Inclusive",
            line_items=[line("57.50")],
        )
    )
    assert credit.credit_note_id is not None
    allocation = await org.credit_notes.allocate(
        credit.credit_note_id,
        m.AllocationCreate(invoice=m.InvoiceRef(invoice_id=invoice.invoice_id), amount=Decimal("57.50"), date=TODAY),
    )
    assert allocation.amount == Decimal("57.50")
    assert (await org.invoices.get(invoice.invoice_id)).amount_due == Decimal("172.50")
    assert (await org.credit_notes.get(credit.credit_note_id)).remaining_credit == Decimal("0.00")


async def test_quotes_move_through_their_statuses(org: TenantClient) -> None:
    await org.contacts.create(m.ContactCreate(name="Quoted Customer"))
    quote = await org.quotes.create(
        m.QuoteCreate(contact=m.ContactRef(name="Quoted Customer"), date=TODAY, line_items=[line("500.00")])
    )
    assert quote.quote_id is not None and quote.status == "DRAFT"
    sent = await org.quotes.update(quote.quote_id, m.QuoteUpdate(status="SENT"))
    assert sent.status == "SENT"
    page = await org.quotes.list(status="SENT")
    assert quote.quote_id in [q.quote_id for q in page.items]
    assert all(q.status == "SENT" for q in page.items)


async def test_bank_transactions_and_transfers(org: TenantClient) -> None:
    spend = await org.bank_transactions.create(
        m.BankTransactionCreate(
            type="SPEND",
            bank_account=m.AccountRef(code="090"),
            contact=m.ContactRef(name="Stationery Shop"),
            date=TODAY,
            line_items=[line("23.00", account="461", description="Paper")],
        )
    )
    assert spend.bank_transaction_id is not None and spend.total is not None
    assert (await org.bank_transactions.get(spend.bank_transaction_id)).type == "SPEND"
    updated = await org.bank_transactions.update(spend.bank_transaction_id, m.BankTransactionUpdate(reference="PO 7"))
    assert (updated.reference, updated.total, len(updated.line_items)) == ("PO 7", spend.total, 1)
    assert updated.line_items[0].line_item_id == spend.line_items[0].line_item_id

    transfer = await org.bank_transfers.create(
        m.BankTransferCreate(
            from_bank_account=m.AccountRef(code="090"),
            to_bank_account=m.AccountRef(code="091"),
            amount=Decimal("250.00"),
            date=TODAY,
        )
    )
    assert transfer.bank_transfer_id is not None and transfer.amount == Decimal("250.00")
    assert any(t.bank_transfer_id == transfer.bank_transfer_id for t in await org.bank_transfers.list())
    deleted = await org.bank_transfers.delete(transfer.bank_transfer_id)
    assert deleted.status == "DELETED"


async def test_purchase_orders_items_and_manual_journals(org: TenantClient) -> None:
    await org.contacts.create(m.ContactCreate(name="Supplier Co"))
    order = await org.purchase_orders.create(
        m.PurchaseOrderCreate(contact=m.ContactRef(name="Supplier Co"), date=TODAY, line_items=[line("80.00", "310")])
    )
    assert order.purchase_order_id is not None and order.purchase_order_number
    assert (await org.purchase_orders.get(order.purchase_order_number)).purchase_order_id == order.purchase_order_id
    submitted = await org.purchase_orders.update(order.purchase_order_id, m.PurchaseOrderUpdate(status="SUBMITTED"))
    assert submitted.status == "SUBMITTED"

    item = await org.items.create(
        m.ItemCreate(
            code="TOUR-1",
            name="Tour widget",
            sales_details=m.PriceDetailsInput(unit_price=Decimal("12.50"), account_code="200"),
        )
    )
    assert item.item_id is not None
    renamed = await org.items.update(item.item_id, m.ItemUpdate(name="Tour widget v2"))
    assert (renamed.code, renamed.name) == ("TOUR-1", "Tour widget v2")
    assert (await org.items.get("TOUR-1")).item_id == item.item_id
    await org.items.delete(item.item_id)
    with pytest.raises(NotFound):
        await org.items.get(item.item_id)

    journal = await org.manual_journals.create(
        m.ManualJournalCreate(
            narration="Accrue rent",
            date=TODAY,
            journal_lines=[
                m.JournalLineInput(line_amount=Decimal("100.00"), account_code="469"),
                m.JournalLineInput(line_amount=Decimal("-100.00"), account_code="900"),
            ],
        )
    )
    assert journal.manual_journal_id is not None
    posted = await org.manual_journals.update(journal.manual_journal_id, m.ManualJournalUpdate(status="POSTED"))
    assert posted.status == "POSTED"


async def test_settings_tracking_and_reports(org: TenantClient) -> None:
    organisation = await org.organisation.get()
    assert organisation.short_code and organisation.base_currency
    banks = await org.accounts.list(where=Where.eq("Type", "BANK"))
    assert {a.code for a in banks} >= {"090", "091"}
    account = await org.accounts.create(m.AccountCreate(code="277", name="Tour Income", type="REVENUE"))
    assert account.account_id is not None
    archived = await org.accounts.update(account.account_id, m.AccountUpdate(status="ARCHIVED"))
    assert archived.status == "ARCHIVED"
    rates = await org.tax_rates.list()
    assert rates and all(rate.tax_type for rate in rates)
    currencies = await org.currencies.list()
    assert organisation.base_currency in {c.code for c in currencies}

    # The seeded organisation already has Xero's maximum of two active categories: archive one to make room.
    seeded = [c for c in await org.tracking_categories.list() if c.status == "ACTIVE"]
    for existing in seeded[1:]:
        assert existing.tracking_category_id is not None
        await org.tracking_categories.update(existing.tracking_category_id, m.TrackingCategoryUpdate(status="ARCHIVED"))
    category = await org.tracking_categories.create(m.TrackingCategoryCreate(name="Sales Channel"))
    assert category.tracking_category_id is not None
    option = await org.tracking_categories.add_option(
        category.tracking_category_id, m.TrackingOptionCreate(name="North")
    )
    assert option.tracking_option_id is not None
    listed = await org.tracking_categories.get(category.tracking_category_id)
    assert [o.name for o in listed.options] == ["North"]

    pnl = await org.reports.profit_and_loss(from_date=TODAY.replace(day=1), to_date=TODAY)
    assert pnl.rows
    balance = await org.reports.balance_sheet(date=TODAY)
    assert balance.report_titles
    trial = await org.reports.trial_balance(date=TODAY)
    assert trial.rows


async def test_a_refused_single_create_raises_with_xeros_message(org: TenantClient) -> None:
    with pytest.raises(ValidationError) as caught:
        await org.invoices.create(
            m.InvoiceCreate(type="ACCREC", contact=m.ContactRef(name="Nobody"), line_items=[line("1.00", "99999")])
        )
    assert caught.value.messages
