"""Contract tests: payments, bank transactions, bank transfers, items and manual journals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from xero_python.accounting import (
    Account,
    BankTransactions,
    BankTransferDelete,
    BankTransferDeleteByUrlParam,
    BankTransfersDelete,
    Invoice,
    Item,
    Items,
    ManualJournal,
    ManualJournalLine,
    ManualJournals,
    Payment,
    PaymentDelete,
    Payments,
    Purchase,
)
from xero_python.exceptions import ApiException

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import (
    DOC_DATE,
    TOTAL,
    enum_text,
    new_invoice,
    new_journal,
    note,
    spend_money,
    transfer,
    unique,
)


def payment_for(invoice_id: str, amount: str) -> Payment:
    """A payment from the business bank account (090)."""
    return Payment(
        invoice=Invoice(invoice_id=invoice_id), account=Account(code="090"), date=DOC_DATE, amount=Decimal(amount)
    )


# --- payments -----------------------------------------------------------------------------------------------------


@pytest.mark.sdk_operation("create_payment")
def test_paying_part_of_an_invoice_leaves_the_rest_due(xero: Xero) -> None:
    invoice = new_invoice(xero)
    payment = xero.api.create_payment(xero.tenant, payment_for(invoice.invoice_id, "30.00")).payments[0]
    assert (payment.amount, enum_text(payment.status)) == (Decimal("30.00"), "AUTHORISED")
    assert enum_text(payment.payment_type) == "ACCRECPAYMENT"
    assert xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0].amount_due == Decimal("80.00")


@pytest.mark.sdk_operation("create_payments")
def test_paying_an_invoice_in_full_marks_it_paid(xero: Xero) -> None:
    invoice = new_invoice(xero)
    body = Payments(payments=[payment_for(invoice.invoice_id, "110.00")])
    assert xero.api.create_payments(xero.tenant, body).payments[0].amount == TOTAL
    assert enum_text(xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0].status) == "PAID"


@pytest.mark.sdk_operation("create_payments")
def test_overpaying_an_invoice_is_refused_with_xeros_message(xero: Xero) -> None:
    invoice = new_invoice(xero)
    with pytest.raises(ApiException) as raised:
        xero.api.create_payments(xero.tenant, Payments(payments=[payment_for(invoice.invoice_id, "500.00")]))
    assert raised.value.status == 400
    assert "Payment amount exceeds the amount outstanding on this document" in raised.value.body.decode()


@pytest.mark.sdk_operation("get_payments", "get_payment")
def test_payments_are_listed_and_readable_by_id(xero: Xero) -> None:
    invoice = new_invoice(xero)
    made = xero.api.create_payment(xero.tenant, payment_for(invoice.invoice_id, "10.00")).payments[0]
    listed = xero.api.get_payments(xero.tenant, page=1).payments
    assert made.payment_id in [p.payment_id for p in listed]
    fetched = xero.api.get_payment(xero.tenant, made.payment_id).payments[0]
    assert (fetched.invoice.invoice_id, fetched.amount) == (invoice.invoice_id, Decimal("10.00"))


@pytest.mark.sdk_operation("delete_payment")
def test_deleting_a_payment_restores_the_amount_due(xero: Xero) -> None:
    invoice = new_invoice(xero)
    made = xero.api.create_payment(xero.tenant, payment_for(invoice.invoice_id, "110.00")).payments[0]
    deleted = xero.api.delete_payment(xero.tenant, made.payment_id, PaymentDelete(status="DELETED")).payments[0]
    assert enum_text(deleted.status) == "DELETED"
    after = xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0]
    assert (enum_text(after.status), after.amount_due) == ("AUTHORISED", TOTAL)


@pytest.mark.sdk_operation("get_payment_history", "create_payment_history")
def test_payment_history_keeps_notes(xero: Xero) -> None:
    invoice = new_invoice(xero)
    made = xero.api.create_payment(xero.tenant, payment_for(invoice.invoice_id, "10.00")).payments[0]
    xero.api.create_payment_history(xero.tenant, made.payment_id, note("Cheque banked"))
    records = xero.api.get_payment_history(xero.tenant, made.payment_id).history_records
    assert "Cheque banked" in [r.details for r in records]


# --- bank transactions and transfers ------------------------------------------------------------------------------


@pytest.mark.sdk_operation("create_bank_transactions")
def test_spend_money_is_totalled_from_its_lines(xero: Xero) -> None:
    spent = spend_money(xero)
    assert (enum_text(spent.type), spent.total, enum_text(spent.status)) == ("SPEND", TOTAL, "AUTHORISED")


@pytest.mark.sdk_operation("get_bank_transactions", "get_bank_transaction")
def test_bank_transactions_are_listed_and_readable_by_id(xero: Xero) -> None:
    spent = spend_money(xero)
    listed = xero.api.get_bank_transactions(xero.tenant, page=1, page_size=200).bank_transactions
    assert spent.bank_transaction_id in [t.bank_transaction_id for t in listed]
    fetched = xero.api.get_bank_transaction(xero.tenant, spent.bank_transaction_id).bank_transactions[0]
    assert fetched.bank_account.code == "090"


@pytest.mark.sdk_operation("update_bank_transaction")
def test_a_bank_transaction_reference_can_be_changed(xero: Xero) -> None:
    spent = spend_money(xero)
    spent.reference = "Receipt 12"
    body = BankTransactions(bank_transactions=[spent])
    changed = xero.api.update_bank_transaction(xero.tenant, spent.bank_transaction_id, body).bank_transactions[0]
    assert changed.reference == "Receipt 12"


@pytest.mark.sdk_operation("update_or_create_bank_transactions")
def test_posting_bank_transactions_deletes_one_by_status(xero: Xero) -> None:
    spent = spend_money(xero)
    spent.status = "DELETED"
    body = BankTransactions(bank_transactions=[spent])
    answered = xero.api.update_or_create_bank_transactions(xero.tenant, body).bank_transactions[0]
    assert enum_text(answered.status) == "DELETED"


@pytest.mark.sdk_operation("create_bank_transfer")
def test_a_transfer_records_both_sides(xero: Xero) -> None:
    made = transfer(xero)
    assert made.amount == Decimal("25.00")
    assert made.from_bank_account.code == "090"
    assert made.from_bank_transaction_id and made.to_bank_transaction_id


@pytest.mark.sdk_operation("get_bank_transfers", "get_bank_transfer")
def test_transfers_are_listed_and_readable_by_id(xero: Xero) -> None:
    made = transfer(xero)
    listed = xero.api.get_bank_transfers(xero.tenant).bank_transfers
    assert made.bank_transfer_id in [t.bank_transfer_id for t in listed]
    fetched = xero.api.get_bank_transfer(xero.tenant, made.bank_transfer_id).bank_transfers[0]
    assert fetched.to_bank_account.code == "091"


@pytest.mark.sdk_operation("delete_bank_transfer")
def test_deleting_a_transfer_by_its_url(xero: Xero) -> None:
    made = transfer(xero)
    body = BankTransferDeleteByUrlParam(status="DELETED")
    deleted = xero.api.delete_bank_transfer(xero.tenant, made.bank_transfer_id, body).bank_transfers[0]
    assert deleted.status == "DELETED"


@pytest.mark.sdk_operation("delete_bank_transfers")
def test_deleting_transfers_in_bulk(xero: Xero) -> None:
    made = transfer(xero)
    body = BankTransfersDelete(
        bank_transfers=[BankTransferDelete(bank_transfer_id=made.bank_transfer_id, status="DELETED")]
    )
    deleted = xero.api.delete_bank_transfers(xero.tenant, body).bank_transfers[0]
    assert (deleted.bank_transfer_id, deleted.status) == (made.bank_transfer_id, "DELETED")


# --- items --------------------------------------------------------------------------------------------------------


def new_item(xero: Xero, code: str) -> Item:
    """A new item bought at 20.00."""
    item = Item(code=code, name=unique("Widget"), purchase_details=Purchase(unit_price=Decimal("20.00")))
    return xero.api.create_items(xero.tenant, Items(items=[item])).items[0]


@pytest.mark.sdk_operation("create_items")
def test_a_new_item_keeps_its_code_and_price(xero: Xero) -> None:
    item = new_item(xero, "SDK-W1")
    assert (item.code, item.purchase_details.unit_price) == ("SDK-W1", Decimal("20.00"))


@pytest.mark.sdk_operation("get_items", "get_item")
def test_items_are_listed_and_readable_by_id(xero: Xero) -> None:
    item = new_item(xero, "SDK-W2")
    listed = xero.api.get_items(xero.tenant, where='Code=="SDK-W2"').items
    assert [i.item_id for i in listed] == [item.item_id]
    assert xero.api.get_item(xero.tenant, item.item_id).items[0].code == "SDK-W2"


@pytest.mark.sdk_operation("update_item")
def test_renaming_an_item(xero: Xero) -> None:
    item = new_item(xero, "SDK-W3")
    body = Items(items=[Item(code="SDK-W3", name="Blue widget")])
    assert xero.api.update_item(xero.tenant, item.item_id, body).items[0].name == "Blue widget"


@pytest.mark.sdk_operation("update_or_create_items")
def test_posting_items_creates_and_updates_by_code(xero: Xero) -> None:
    new_item(xero, "SDK-W4")
    body = Items(items=[Item(code="SDK-W4", description="Updated"), Item(code="SDK-W5", name="Other")])
    answered = xero.api.update_or_create_items(xero.tenant, body).items
    assert (answered[0].code, answered[0].description) == ("SDK-W4", "Updated")
    assert answered[1].code == "SDK-W5"


@pytest.mark.sdk_operation("delete_item")
def test_deleting_an_item_makes_it_unreadable(xero: Xero) -> None:
    item = new_item(xero, "SDK-W6")
    xero.api.delete_item(xero.tenant, item.item_id)
    with pytest.raises(ApiException) as raised:
        xero.api.get_item(xero.tenant, item.item_id)
    assert raised.value.status == 404


@pytest.mark.sdk_operation("get_item_history", "create_item_history")
def test_item_history_keeps_notes(xero: Xero) -> None:
    item = new_item(xero, "SDK-W7")
    xero.api.create_item_history(xero.tenant, item.item_id, note("Supplier changed"))
    records = xero.api.get_item_history(xero.tenant, item.item_id).history_records
    assert "Supplier changed" in [r.details for r in records]


# --- manual journals ----------------------------------------------------------------------------------------------


@pytest.mark.sdk_operation("create_manual_journals")
def test_a_balanced_manual_journal_is_posted(xero: Xero) -> None:
    journal = new_journal(xero)
    assert enum_text(journal.status) == "POSTED"
    assert sum(line.line_amount for line in journal.journal_lines) == 0


@pytest.mark.sdk_operation("create_manual_journals")
def test_an_unbalanced_manual_journal_is_refused(xero: Xero) -> None:
    journal = ManualJournal(
        narration="Bad",
        date=DOC_DATE,
        journal_lines=[
            ManualJournalLine(line_amount=Decimal("100.00"), account_code="412"),
            ManualJournalLine(line_amount=Decimal("-10.00"), account_code="429"),
        ],
    )
    with pytest.raises(ApiException) as raised:
        xero.api.create_manual_journals(xero.tenant, ManualJournals(manual_journals=[journal]))
    assert raised.value.status == 400
    assert "must equal total credits" in raised.value.body.decode()


@pytest.mark.sdk_operation("get_manual_journals", "get_manual_journal")
def test_manual_journals_are_listed_and_readable_by_id(xero: Xero) -> None:
    journal = new_journal(xero)
    listed = xero.api.get_manual_journals(xero.tenant, page=1).manual_journals
    assert journal.manual_journal_id in [j.manual_journal_id for j in listed]
    fetched = xero.api.get_manual_journal(xero.tenant, journal.manual_journal_id).manual_journals[0]
    assert fetched.narration == journal.narration


@pytest.mark.sdk_operation("update_manual_journal")
def test_posting_a_draft_manual_journal(xero: Xero) -> None:
    journal = new_journal(xero, status="DRAFT")
    body = ManualJournals(manual_journals=[ManualJournal(narration=journal.narration, status="POSTED")])
    answered = xero.api.update_manual_journal(xero.tenant, journal.manual_journal_id, body).manual_journals[0]
    assert enum_text(answered.status) == "POSTED"


@pytest.mark.sdk_operation("update_or_create_manual_journals")
def test_posting_manual_journals_changes_a_narration(xero: Xero) -> None:
    journal = new_journal(xero, status="DRAFT")
    change = ManualJournal(manual_journal_id=journal.manual_journal_id, narration="Renamed")
    body = ManualJournals(manual_journals=[change])
    assert xero.api.update_or_create_manual_journals(xero.tenant, body).manual_journals[0].narration == "Renamed"
