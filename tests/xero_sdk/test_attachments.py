"""Contract tests: attachments on every kind of record the sandbox keeps (reference §5.15).

Each kind gets the same three contracts, each naming the operations of that kind it covers: an upload by PUT that
the listing then shows, a re-upload by POST of the same name that replaces the file (read back by file name), and
retrieval by AttachmentID. The limits (10 files, 10 MB, Xero's file types) and IncludeOnline are checked on invoices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from xero_python.accounting import (
    Account,
    AccountType,
    Contact,
    Invoices,
    RepeatingInvoice,
    RepeatingInvoices,
    Schedule,
)
from xero_python.exceptions import ApiException

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import (
    DOC_DATE,
    lines,
    new_contact,
    new_credit_note,
    new_invoice,
    new_journal,
    new_purchase_order,
    new_quote,
    spend_money,
    transfer,
    unique,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass(frozen=True)
class Kind:
    """A kind of record that takes attachments: the SDK's name for it and how to make one (returning its ID)."""

    name: str
    make: Callable[[Xero], str]


def _account(xero: Xero) -> str:
    account = Account(code=unique("A")[-6:], name=unique("Attach"), type=AccountType.EXPENSE)
    return xero.api.create_account(xero.tenant, account).accounts[0].account_id


def _repeating_invoice(xero: Xero) -> str:
    schedule = Schedule(period=1, unit="MONTHLY", due_date=14, due_date_type="DAYSAFTERBILLDATE", start_date=DOC_DATE)
    template = RepeatingInvoice(
        type="ACCREC",
        contact=Contact(contact_id=new_contact(xero).contact_id),
        schedule=schedule,
        line_items=lines("200", "OUTPUT"),
        status="DRAFT",
    )
    made = xero.api.create_repeating_invoices(xero.tenant, RepeatingInvoices(repeating_invoices=[template]))
    return made.repeating_invoices[0].repeating_invoice_id


KINDS = (
    Kind("account", _account),
    Kind("bank_transaction", lambda x: spend_money(x).bank_transaction_id),
    Kind("bank_transfer", lambda x: transfer(x).bank_transfer_id),
    Kind("contact", lambda x: new_contact(x).contact_id),
    Kind("credit_note", lambda x: new_credit_note(x).credit_note_id),
    Kind("invoice", lambda x: new_invoice(x).invoice_id),
    Kind("manual_journal", lambda x: new_journal(x).manual_journal_id),
    Kind("purchase_order", lambda x: new_purchase_order(x).purchase_order_id),
    Kind("quote", lambda x: new_quote(x).quote_id),
    Kind("repeating_invoice", _repeating_invoice),
)


def per_kind(*operations: str) -> list[object]:
    """One parameter per kind, marked with the kind's SDK operations ("{kind}" filled in)."""
    return [
        pytest.param(kind, id=kind.name, marks=pytest.mark.sdk_operation(*(op.format(kind.name) for op in operations)))
        for kind in KINDS
    ]


def call(xero: Xero, operation: str, kind: Kind, *args: object, **kwargs: object) -> object:
    """Call the SDK's operation for this kind of record."""
    return getattr(xero.api, operation.format(kind.name))(xero.tenant, *args, **kwargs)


@pytest.mark.parametrize("kind", per_kind("create_{}_attachment_by_file_name", "get_{}_attachments"))
def test_an_uploaded_file_is_listed_with_its_type_and_size(xero: Xero, kind: Kind) -> None:
    record_id = kind.make(xero)
    uploaded = call(xero, "create_{}_attachment_by_file_name", kind, record_id, "receipt.png", PNG)
    attachment = uploaded.attachments[0]  # type: ignore[attr-defined]
    assert (attachment.file_name, attachment.mime_type, attachment.content_length) == ("receipt.png", "image/png", 72)
    assert attachment.url.endswith(f"/{record_id}/Attachments/receipt.png")
    listed = call(xero, "get_{}_attachments", kind, record_id).attachments  # type: ignore[attr-defined]
    assert [(a.attachment_id, a.file_name) for a in listed] == [(attachment.attachment_id, "receipt.png")]


@pytest.mark.parametrize("kind", per_kind("update_{}_attachment_by_file_name", "get_{}_attachment_by_file_name"))
def test_posting_a_file_of_the_same_name_replaces_it(xero: Xero, kind: Kind, tmp_path: Path) -> None:
    record_id = kind.make(xero)
    first = call(xero, "update_{}_attachment_by_file_name", kind, record_id, "notes.txt", b"first draft")
    second = call(xero, "update_{}_attachment_by_file_name", kind, record_id, "notes.txt", b"final text")
    first_id = first.attachments[0].attachment_id  # type: ignore[attr-defined]
    assert second.attachments[0].attachment_id == first_id  # type: ignore[attr-defined]
    path = call(xero, "get_{}_attachment_by_file_name", kind, record_id, "notes.txt", "text/plain")
    assert Path(str(path)).read_bytes() == b"final text"
    assert len(call(xero, "get_{}_attachments", kind, record_id).attachments) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", per_kind("get_{}_attachment_by_id"))
def test_a_file_is_returned_by_its_attachment_id(xero: Xero, kind: Kind) -> None:
    record_id = kind.make(xero)
    uploaded = call(xero, "create_{}_attachment_by_file_name", kind, record_id, "scan.pdf", b"%PDF-1.4 scan")
    attachment_id = uploaded.attachments[0].attachment_id  # type: ignore[attr-defined]
    path = call(xero, "get_{}_attachment_by_id", kind, record_id, attachment_id, "application/pdf")
    assert Path(str(path)).read_bytes() == b"%PDF-1.4 scan"


@pytest.mark.sdk_operation("create_invoice_attachment_by_file_name")
def test_an_invoice_attachment_can_be_shown_online_and_marks_the_invoice(xero: Xero) -> None:
    invoice = new_invoice(xero)
    uploaded = xero.api.create_invoice_attachment_by_file_name(
        xero.tenant, invoice.invoice_id, "terms.pdf", b"%PDF terms", include_online=True
    )
    assert uploaded.attachments[0].include_online is True
    after = xero.api.get_invoice(xero.tenant, invoice.invoice_id).invoices[0]
    assert after.has_attachments is True
    assert after.updated_date_utc == invoice.updated_date_utc
    history = xero.api.get_invoice_history(xero.tenant, invoice.invoice_id).history_records
    assert ("Attached a file", "Attached the file terms.pdf through the Xero API using sandbox-client") in [
        (r.changes, r.details) for r in history
    ]


@pytest.mark.sdk_operation("create_invoice_attachment_by_file_name")
def test_a_bill_attachment_is_never_shown_online(xero: Xero) -> None:
    bill = new_invoice(xero, kind="ACCPAY")
    uploaded = xero.api.create_invoice_attachment_by_file_name(
        xero.tenant, bill.invoice_id, "bill.pdf", b"%PDF bill", include_online=True
    )
    assert uploaded.attachments[0].include_online is None


@pytest.mark.sdk_operation("create_invoice_attachment_by_file_name")
def test_an_eleventh_attachment_is_refused(xero: Xero) -> None:
    invoice = new_invoice(xero)
    for number in range(10):
        xero.api.create_invoice_attachment_by_file_name(xero.tenant, invoice.invoice_id, f"f{number}.txt", b"x")
    with pytest.raises(ApiException) as raised:
        xero.api.create_invoice_attachment_by_file_name(xero.tenant, invoice.invoice_id, "f10.txt", b"x")
    assert raised.value.status == 400
    assert "at most 10 attachments" in raised.value.body.decode()
    # Replacing one of the ten by name is still allowed.
    xero.api.create_invoice_attachment_by_file_name(xero.tenant, invoice.invoice_id, "f3.txt", b"y")


@pytest.mark.sdk_operation("create_invoice_attachment_by_file_name")
def test_a_file_over_ten_megabytes_is_refused(xero: Xero) -> None:
    invoice = new_invoice(xero)
    with pytest.raises(ApiException) as raised:
        xero.api.create_invoice_attachment_by_file_name(
            xero.tenant, invoice.invoice_id, "huge.pdf", b"0" * (10 * 1024 * 1024 + 1)
        )
    assert raised.value.status == 400
    assert "at most 10485760 bytes" in raised.value.body.decode()


@pytest.mark.sdk_operation("create_invoice_attachment_by_file_name")
def test_a_file_type_xero_does_not_accept_is_refused(xero: Xero) -> None:
    invoice = new_invoice(xero)
    with pytest.raises(ApiException) as raised:
        xero.api.create_invoice_attachment_by_file_name(xero.tenant, invoice.invoice_id, "setup.exe", b"MZ")
    assert raised.value.status == 400
    assert "cannot be attached" in raised.value.body.decode()


@pytest.mark.sdk_operation("get_invoice_attachment_by_file_name")
def test_an_unknown_file_name_is_not_found(xero: Xero) -> None:
    invoice = new_invoice(xero)
    with pytest.raises(ApiException) as raised:
        xero.api.get_invoice_attachment_by_file_name(xero.tenant, invoice.invoice_id, "missing.pdf", "application/pdf")
    assert raised.value.status == 404


@pytest.mark.sdk_operation("get_invoice_attachments")
def test_attachments_of_an_unknown_invoice_are_not_found(xero: Xero) -> None:
    with pytest.raises(ApiException) as raised:
        xero.api.get_invoice_attachments(xero.tenant, "00000000-0000-0000-0000-000000000001")
    assert raised.value.status == 404


def test_the_invoice_list_is_unchanged_by_attachments(xero: Xero) -> None:
    """Attaching files changes no money: the invoice's totals are what they were."""
    invoice = new_invoice(xero)
    xero.api.create_invoice_attachment_by_file_name(xero.tenant, invoice.invoice_id, "a.txt", b"x")
    after = xero.api.get_invoices(xero.tenant, i_ds=[invoice.invoice_id])
    assert isinstance(after, Invoices)
    assert after.invoices[0].total == Decimal("110.00")
