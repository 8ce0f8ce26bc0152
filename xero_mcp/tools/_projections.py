"""Result models shared by the tools, and converters from the client's Xero models to them.

Results are small on purpose (design practice 7): IDs, numbers, names, statuses, dates, totals and a deep link; a
`*Detail` model adds the lines and amounts for the get_* tools; a `*Created` model adds `duplicate` for the create
tools. Money is Decimal, sent as a JSON number (amounts Xero handles have at most 15 significant digits, so the
number's shortest form is exactly the decimal). Class docstrings are kept out of the published schemas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from xero_mcp.tools._views import CompactView, View, deep_link

if TYPE_CHECKING:
    # Only the converters' parameters name the client's models; the result models load without them.
    from xero_mcp.client.models import (
        AccountSummary,
        Allocation,
        BankTransaction,
        BankTransfer,
        Contact,
        CreditNote,
        HistoryRecord,
        Invoice,
        LineItem,
        Payment,
        PaymentSummary,
        PurchaseOrder,
        Quote,
    )
    from xero_mcp.client.pagination import Page


def _as_number(value: Decimal) -> float | int:
    # Integral amounts stay integers; others become the float whose shortest repr is the same decimal.
    return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)


Amount = Annotated[
    Decimal,
    PlainSerializer(_as_number, return_type=float | int, when_used="json"),
    WithJsonSchema({"type": "number"}),
]
"""A money amount (or quantity) in a result: Decimal in Python, a JSON number on the wire."""


V = TypeVar("V", bound=BaseModel)
R = TypeVar("R")


class Paged(View, Generic[V]):
    """One page of a list, with explicit paging."""

    items: list[V]
    page: int
    page_size: int
    has_more: bool


def paged(page: Page[R], convert: Callable[[R], V]) -> Paged[V]:
    """A client Page converted item by item into a Paged result."""
    return Paged[V](
        items=[convert(item) for item in page.items],
        page=page.page,
        page_size=page.page_size,
        has_more=page.has_more,
    )


def _id(value: object) -> str | None:
    return str(value) if value is not None else None


def account_name(account: AccountSummary | None) -> str | None:
    """How a result names an account a record was paid from or into: its name, or its code when it has none."""
    return (account.name or account.code) if account else None


# --- lines, payments, allocations ----------------------------------------------------------------------------------


class LineView(CompactView):
    """A document line as stored by Xero (tracking as "Category: Option")."""

    line_item_id: str | None = None
    description: str | None = None
    quantity: Amount | None = None
    unit_amount: Amount | None = None
    item_code: str | None = None
    account_code: str | None = None
    tax_type: str | None = None
    discount_rate: Amount | None = None
    line_amount: Amount | None = None
    tracking: list[str] = Field(default_factory=list[str])


def line_view(line: LineItem) -> LineView:
    """A LineView of a client LineItem."""
    return LineView(
        line_item_id=_id(line.line_item_id),
        description=line.description,
        quantity=line.quantity,
        unit_amount=line.unit_amount,
        item_code=line.item_code,
        account_code=line.account_code,
        tax_type=line.tax_type,
        discount_rate=line.discount_rate,
        line_amount=line.line_amount,
        tracking=[f"{t.name}: {t.option}" for t in line.tracking if t.name],
    )


class PaymentBrief(CompactView):
    """A payment applied to a document."""

    payment_id: str | None = None
    date: dt.date | None = None
    amount: Amount | None = None


def _payments(payments: Iterable[PaymentSummary]) -> list[PaymentBrief]:
    return [PaymentBrief(payment_id=_id(p.payment_id), date=p.date, amount=p.amount) for p in payments]


class AllocationBrief(CompactView):
    """Part of a credit note applied to an invoice or bill."""

    invoice_id: str | None = None
    invoice_number: str | None = None
    amount: Amount | None = None
    date: dt.date | None = None


def _allocations(allocations: Iterable[Allocation]) -> list[AllocationBrief]:
    return [
        AllocationBrief(
            invoice_id=_id(a.invoice.invoice_id) if a.invoice else None,
            invoice_number=a.invoice.invoice_number if a.invoice else None,
            amount=a.amount,
            date=a.date,
        )
        for a in allocations
        if not a.is_deleted
    ]


# --- contacts ------------------------------------------------------------------------------------------------------


class ContactView(CompactView):
    """A contact in brief."""

    contact_id: str
    name: str | None = None
    contact_number: str | None = None
    email_address: str | None = None
    contact_status: str | None = None
    url: str | None = None


class ContactDetail(ContactView):
    """A contact with its details and balances."""

    first_name: str | None = None
    last_name: str | None = None
    account_number: str | None = None
    tax_number: str | None = None
    phone: str | None = None
    address: str | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    default_currency: str | None = None
    receivable_outstanding: Amount | None = None
    payable_outstanding: Amount | None = None
    groups: list[str] = Field(default_factory=list[str])


class ContactCreated(ContactView):
    """save_contact's result when it creates: duplicate=true when an existing contact was returned instead."""

    duplicate: bool = False


class ContactMatch(ContactView):
    """find_or_create_contact's result: the rule that matched, or created=true."""

    created: bool
    matched_by: Literal["contact_number", "email", "name"] | None = None


C = TypeVar("C", bound=ContactView)


def contact_view(contact: Contact, short_code: str | None, model: type[C] = ContactView, **extra: Any) -> C:
    """A contact result (ContactView or a subclass, with `extra` fields) from a client Contact."""
    fields: dict[str, Any] = {
        "contact_id": str(contact.contact_id),
        "name": contact.name,
        # Xero sends "" for a contact without a number or email; absent is clearer.
        "contact_number": contact.contact_number or None,
        "email_address": contact.email_address or None,
        "contact_status": contact.contact_status,
        "url": deep_link(short_code, "contact", _id(contact.contact_id)),
    }
    if issubclass(model, ContactDetail):
        phone = next((p for p in contact.phones if p.phone_number), None)
        address = next((a for a in contact.addresses if a.address_line1 or a.city), None)
        balances = contact.balances
        fields.update(
            first_name=contact.first_name,
            last_name=contact.last_name,
            account_number=contact.account_number,
            tax_number=contact.tax_number,
            phone=" ".join(
                part for part in (phone.phone_country_code, phone.phone_area_code, phone.phone_number) if part
            )
            if phone
            else None,
            address=", ".join(
                part
                for part in (
                    address.address_line1,
                    address.address_line2,
                    address.city,
                    address.region,
                    address.postal_code,
                    address.country,
                )
                if part
            )
            if address
            else None,
            is_customer=contact.is_customer,
            is_supplier=contact.is_supplier,
            default_currency=contact.default_currency,
            receivable_outstanding=balances.accounts_receivable.outstanding
            if balances and balances.accounts_receivable
            else None,
            payable_outstanding=balances.accounts_payable.outstanding
            if balances and balances.accounts_payable
            else None,
            groups=[g.name for g in contact.contact_groups if g.name],
        )
    fields.update(extra)
    return model(**fields)


# --- invoices and bills --------------------------------------------------------------------------------------------


class InvoiceView(CompactView):
    """A sales invoice (type ACCREC) or bill (ACCPAY) in brief."""

    invoice_id: str
    type: str | None = None
    invoice_number: str | None = None
    reference: str | None = None
    status: str | None = None
    contact_name: str | None = None
    date: dt.date | None = None
    due_date: dt.date | None = None
    currency_code: str | None = None
    total: Amount | None = None
    amount_due: Amount | None = None
    url: str | None = None


class InvoiceDetail(InvoiceView):
    """An invoice or bill with its contact ID, lines, payments and amounts."""

    contact_id: str | None = None
    line_amount_types: str | None = None
    sub_total: Amount | None = None
    total_tax: Amount | None = None
    amount_paid: Amount | None = None
    amount_credited: Amount | None = None
    lines: list[LineView] = Field(default_factory=list[LineView])
    payments: list[PaymentBrief] = Field(default_factory=list[PaymentBrief])


class InvoiceCreated(InvoiceView):
    """A create tool's result: duplicate=true when an existing invoice or bill was returned instead."""

    duplicate: bool = False


IV = TypeVar("IV", bound=InvoiceView)


def invoice_view(invoice: Invoice, short_code: str | None, model: type[IV] = InvoiceView, **extra: Any) -> IV:
    """An invoice result (InvoiceView or a subclass, with `extra` fields) from a client Invoice."""
    fields: dict[str, Any] = {
        "invoice_id": str(invoice.invoice_id),
        "type": invoice.type,
        "invoice_number": invoice.invoice_number,
        "reference": invoice.reference,
        "status": invoice.status,
        "contact_name": invoice.contact.name if invoice.contact else None,
        "date": invoice.date,
        "due_date": invoice.due_date,
        "currency_code": invoice.currency_code,
        "total": invoice.total,
        "amount_due": invoice.amount_due,
        "url": deep_link(short_code, invoice.type or "ACCREC", _id(invoice.invoice_id)),
    }
    if issubclass(model, InvoiceDetail):
        fields.update(
            contact_id=_id(invoice.contact.contact_id) if invoice.contact else None,
            line_amount_types=invoice.line_amount_types,
            sub_total=invoice.sub_total,
            total_tax=invoice.total_tax,
            amount_paid=invoice.amount_paid,
            amount_credited=invoice.amount_credited,
            lines=[line_view(line) for line in invoice.line_items],
            payments=_payments(invoice.payments),
        )
    fields.update(extra)
    return model(**fields)


# --- quotes --------------------------------------------------------------------------------------------------------


class QuoteView(CompactView):
    """A quote in brief."""

    quote_id: str
    quote_number: str | None = None
    reference: str | None = None
    title: str | None = None
    status: str | None = None
    contact_name: str | None = None
    date: dt.date | None = None
    expiry_date: dt.date | None = None
    total: Amount | None = None
    url: str | None = None


class QuoteDetail(QuoteView):
    """A quote with its contact ID, lines and texts."""

    contact_id: str | None = None
    currency_code: str | None = None
    total_tax: Amount | None = None
    summary: str | None = None
    terms: str | None = None
    line_amount_types: str | None = None
    sub_total: Amount | None = None
    lines: list[LineView] = Field(default_factory=list[LineView])


class QuoteCreated(QuoteView):
    """A created quote (create_document): duplicate=true when an existing quote was returned instead."""

    duplicate: bool = False


QV = TypeVar("QV", bound=QuoteView)


def quote_view(quote: Quote, short_code: str | None, model: type[QV] = QuoteView, **extra: Any) -> QV:
    """A quote result (QuoteView or a subclass, with `extra` fields) from a client Quote."""
    fields: dict[str, Any] = {
        "quote_id": str(quote.quote_id),
        "quote_number": quote.quote_number,
        "reference": quote.reference,
        "title": quote.title,
        "status": quote.status,
        "contact_name": quote.contact.name if quote.contact else None,
        "date": quote.date,
        "expiry_date": quote.expiry_date,
        "total": quote.total,
        "url": deep_link(short_code, "quote", _id(quote.quote_id)),
    }
    if issubclass(model, QuoteDetail):
        fields.update(
            contact_id=_id(quote.contact.contact_id) if quote.contact else None,
            currency_code=quote.currency_code,
            total_tax=quote.total_tax,
            summary=quote.summary,
            terms=quote.terms,
            line_amount_types=quote.line_amount_types,
            sub_total=quote.sub_total,
            lines=[line_view(line) for line in quote.line_items],
        )
    fields.update(extra)
    return model(**fields)


# --- credit notes --------------------------------------------------------------------------------------------------


class CreditNoteView(CompactView):
    """A credit note (ACCRECCREDIT to a customer, ACCPAYCREDIT from a supplier) in brief."""

    credit_note_id: str
    type: str | None = None
    credit_note_number: str | None = None
    reference: str | None = None
    status: str | None = None
    contact_name: str | None = None
    date: dt.date | None = None
    total: Amount | None = None
    remaining_credit: Amount | None = None
    url: str | None = None


class CreditNoteDetail(CreditNoteView):
    """A credit note with its contact ID, lines and allocations."""

    contact_id: str | None = None
    currency_code: str | None = None
    line_amount_types: str | None = None
    sub_total: Amount | None = None
    total_tax: Amount | None = None
    lines: list[LineView] = Field(default_factory=list[LineView])
    allocations: list[AllocationBrief] = Field(default_factory=list[AllocationBrief])


class CreditNoteCreated(CreditNoteView):
    """A created credit note (create_document): duplicate=true when an existing credit note was returned instead."""

    duplicate: bool = False


CV = TypeVar("CV", bound=CreditNoteView)


def credit_note_view(note: CreditNote, short_code: str | None, model: type[CV] = CreditNoteView, **extra: Any) -> CV:
    """A credit note result (CreditNoteView or a subclass, with `extra` fields) from a client CreditNote."""
    fields: dict[str, Any] = {
        "credit_note_id": str(note.credit_note_id),
        "type": note.type,
        "credit_note_number": note.credit_note_number,
        "reference": note.reference,
        "status": note.status,
        "contact_name": note.contact.name if note.contact else None,
        "date": note.date,
        "total": note.total,
        "remaining_credit": note.remaining_credit,
        "url": deep_link(short_code, note.type or "ACCRECCREDIT", _id(note.credit_note_id)),
    }
    if issubclass(model, CreditNoteDetail):
        fields.update(
            contact_id=_id(note.contact.contact_id) if note.contact else None,
            currency_code=note.currency_code,
            line_amount_types=note.line_amount_types,
            sub_total=note.sub_total,
            total_tax=note.total_tax,
            lines=[line_view(line) for line in note.line_items],
            allocations=_allocations(note.allocations),
        )
    fields.update(extra)
    return model(**fields)


class Allocated(CompactView):
    """An allocation of a credit just made: both documents' remaining amounts after it."""

    invoice_id: str
    invoice_number: str | None = None
    amount: Amount
    date: dt.date | None = None
    remaining_credit: Amount | None = None
    invoice_amount_due: Amount | None = None


class AllocationView(Allocated):
    """A credit note's allocation just made: both documents' remaining amounts after it."""

    credit_note_id: str
    credit_note_number: str | None = None


# --- purchase orders -----------------------------------------------------------------------------------------------


class PurchaseOrderView(CompactView):
    """A purchase order in brief."""

    purchase_order_id: str
    purchase_order_number: str | None = None
    reference: str | None = None
    status: str | None = None
    contact_name: str | None = None
    date: dt.date | None = None
    delivery_date: dt.date | None = None
    total: Amount | None = None
    url: str | None = None


class PurchaseOrderCreated(PurchaseOrderView):
    """A created purchase order (create_document): duplicate=true when an existing order was returned instead."""

    duplicate: bool = False


POV = TypeVar("POV", bound=PurchaseOrderView)


def purchase_order_view(
    order: PurchaseOrder, short_code: str | None, model: type[POV] = PurchaseOrderView, **extra: Any
) -> POV:
    """A purchase order result (PurchaseOrderView or a subclass, with `extra` fields) of a client PurchaseOrder."""
    ident = str(order.purchase_order_id)
    return model(
        purchase_order_id=ident,
        purchase_order_number=order.purchase_order_number,
        reference=order.reference,
        status=order.status,
        contact_name=order.contact.name if order.contact else None,
        date=order.date,
        delivery_date=order.delivery_date,
        total=order.total,
        url=deep_link(short_code, "purchase_order", ident),
        **extra,
    )


# --- bank transactions and payments --------------------------------------------------------------------------------


class BankTransactionView(CompactView):
    """A bank transaction in brief."""

    bank_transaction_id: str
    type: str | None = None
    status: str | None = None
    contact_name: str | None = None
    bank_account: str | None = None
    date: dt.date | None = None
    reference: str | None = None
    total: Amount | None = None
    is_reconciled: bool | None = None
    prepayment_id: str | None = None
    overpayment_id: str | None = None
    url: str | None = None


class BankTransactionCreated(BankTransactionView):
    """A create tool's result: duplicate=true when an existing transaction was returned instead."""

    duplicate: bool = False


BV = TypeVar("BV", bound=BankTransactionView)


def bank_transaction_view(
    transaction: BankTransaction, short_code: str | None, model: type[BV] = BankTransactionView, **extra: Any
) -> BV:
    """A bank transaction result (BankTransactionView or a subclass, with `extra` fields) of a client one."""
    ident = str(transaction.bank_transaction_id)
    return model(
        bank_transaction_id=ident,
        type=transaction.type,
        status=transaction.status,
        contact_name=transaction.contact.name if transaction.contact else None,
        bank_account=account_name(transaction.bank_account),
        date=transaction.date,
        reference=transaction.reference,
        total=transaction.total,
        is_reconciled=transaction.is_reconciled,
        prepayment_id=str(transaction.prepayment_id) if transaction.prepayment_id else None,
        overpayment_id=str(transaction.overpayment_id) if transaction.overpayment_id else None,
        url=deep_link(short_code, "bank_transaction", ident),
        **extra,
    )


class BankTransferCreated(CompactView):
    """A bank transfer; duplicate=true when an existing transfer was returned instead of creating one."""

    bank_transfer_id: str
    from_bank_account: str | None = None
    to_bank_account: str | None = None
    amount: Amount | None = None
    date: dt.date | None = None
    reference: str | None = None
    status: str | None = None
    duplicate: bool = False


def bank_transfer_view(transfer: BankTransfer, duplicate: bool) -> BankTransferCreated:
    """create_bank_transfer's result of a client BankTransfer."""
    return BankTransferCreated(
        bank_transfer_id=str(transfer.bank_transfer_id),
        from_bank_account=account_name(transfer.from_bank_account),
        to_bank_account=account_name(transfer.to_bank_account),
        amount=transfer.amount,
        date=transfer.date,
        reference=transfer.reference,
        status=transfer.status,
        duplicate=duplicate,
    )


class PaymentView(CompactView):
    """A payment in brief: what it paid, how much, when, from which account."""

    payment_id: str
    date: dt.date | None = None
    amount: Amount | None = None
    status: str | None = None
    payment_type: str | None = None
    reference: str | None = None
    invoice_id: str | None = None
    invoice_number: str | None = None
    contact_name: str | None = None
    account: str | None = None


class PaymentCreated(PaymentView):
    """create_payment's result: duplicate=true when an existing payment was returned instead."""

    duplicate: bool = False


PV = TypeVar("PV", bound=PaymentView)


def payment_view(payment: Payment, model: type[PV] = PaymentView, **extra: Any) -> PV:
    """A payment result (PaymentView or a subclass, with `extra` fields) of a client Payment."""
    document = payment.invoice or payment.credit_note
    return model(
        payment_id=str(payment.payment_id),
        date=payment.date,
        amount=payment.amount,
        status=payment.status,
        payment_type=payment.payment_type,
        reference=payment.reference,
        invoice_id=str(payment.invoice.invoice_id) if payment.invoice and payment.invoice.invoice_id else None,
        invoice_number=payment.invoice.invoice_number if payment.invoice else None,
        contact_name=document.contact.name if document and document.contact else None,
        account=account_name(payment.account),
        **extra,
    )


# --- history -------------------------------------------------------------------------------------------------------


class HistoryEntryView(CompactView):
    """One entry of a record's history: a change Xero logged, or a note."""

    date_utc: dt.datetime | None = None
    user: str | None = None
    changes: str | None = None
    details: str | None = None


def history_entry_view(record: HistoryRecord) -> HistoryEntryView:
    """A HistoryEntryView of a client HistoryRecord."""
    return HistoryEntryView(date_utc=record.date_utc, user=record.user, changes=record.changes, details=record.details)


class HistoryView(View):
    """A record's history, oldest first."""

    entity: str
    record_id: str
    entries: list[HistoryEntryView]
