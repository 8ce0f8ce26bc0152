"""Pieces several Xero entities share: line items, tracking, and references to contacts, accounts and documents."""

from __future__ import annotations

from typing import ClassVar, Literal, Self
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from xero_mcp.client.models._base import (
    REQUEST_CONFIG,
    RESPONSE_CONFIG,
    Money,
    ValidationMessage,
    XeroDateTime,
    XeroModel,
    XeroRequest,
)

LineAmountTypes = Literal["Exclusive", "Inclusive", "NoTax"]
"""How line amounts treat tax on invoices, credit notes, bank transactions, purchase orders and journals."""


class _TrackingFields(BaseModel):
    tracking_category_id: UUID | None = None
    tracking_option_id: UUID | None = None
    name: str | None = None
    option: str | None = None


class LineItemTracking(_TrackingFields, XeroModel):
    """A tracking category and option on a line (response)."""

    model_config = RESPONSE_CONFIG


class TrackingInput(_TrackingFields, XeroRequest):
    """A tracking category and option for a line: by IDs, or by category `name` and `option` name."""

    model_config = REQUEST_CONFIG

    @model_validator(mode="after")
    def _identified(self) -> TrackingInput:
        if self.tracking_option_id is None and (self.name is None or self.option is None):
            raise ValueError("tracking needs tracking_option_id, or both the category name and the option name")
        return self


class LineItemItem(XeroModel):
    """The item a line was created from."""

    item_id: UUID | None = None
    code: str | None = None
    name: str | None = None


class _LineFields(BaseModel):
    line_item_id: UUID | None = None
    description: str | None = None
    quantity: Money | None = None
    unit_amount: Money | None = None
    item_code: str | None = None
    account_code: str | None = None
    account_id: UUID | None = None
    tax_type: str | None = None
    tax_amount: Money | None = None
    line_amount: Money | None = None
    discount_rate: Money | None = None
    discount_amount: Money | None = None


class LineItem(_LineFields, XeroModel):
    """A line of an invoice, bill, credit note, quote, purchase order or bank transaction (response)."""

    model_config = RESPONSE_CONFIG

    item: LineItemItem | None = None
    tracking: list[LineItemTracking] = Field(default_factory=list[LineItemTracking])


class LineItemInput(_LineFields, XeroRequest):
    """A line to create or keep. On update, a line with `line_item_id` updates that line, a line without one is
    added, and existing lines left out are deleted (Xero's rule)."""

    model_config = REQUEST_CONFIG

    tracking: list[TrackingInput] | None = None


class _Reference(XeroRequest):
    """Which record: by any one of the fields in `identified_by`."""

    identified_by: ClassVar[tuple[str, ...]]
    noun: ClassVar[str]
    """How the error for a reference with none of them names it ("a contact reference")."""

    @model_validator(mode="after")
    def _identified(self) -> Self:
        # Any() rather than "is not None": an empty number or name identifies nothing either.
        if not any(getattr(self, name) for name in self.identified_by):
            *first, last = self.identified_by
            choices = f"{', '.join(first)} or {last}" if first else last
            raise ValueError(f"{self.noun} needs {choices}")
        return self


class ContactRef(_Reference):
    """Which contact a document is for: by ContactID (preferred), ContactNumber or exact Name.

    Only identifying fields are allowed: other contact fields sent inside a document would update the contact.
    """

    identified_by = ("contact_id", "contact_number", "name")
    noun = "a contact reference"

    contact_id: UUID | None = None
    contact_number: str | None = None
    name: str | None = None


class AccountRef(_Reference):
    """Which account: by Code or AccountID."""

    identified_by = ("code", "account_id")
    noun = "an account reference"

    code: str | None = None
    account_id: UUID | None = None


class InvoiceRef(_Reference):
    """Which invoice or bill: by InvoiceID or InvoiceNumber."""

    identified_by = ("invoice_id", "invoice_number")
    noun = "an invoice reference"

    invoice_id: UUID | None = None
    invoice_number: str | None = None


class CreditNoteRef(_Reference):
    """Which credit note: by CreditNoteID or CreditNoteNumber."""

    identified_by = ("credit_note_id", "credit_note_number")
    noun = "a credit note reference"

    credit_note_id: UUID | None = None
    credit_note_number: str | None = None


class PrepaymentRef(_Reference):
    """Which prepayment a payment refunds: by PrepaymentID."""

    identified_by = ("prepayment_id",)
    noun = "a prepayment reference"

    prepayment_id: UUID | None = None


class OverpaymentRef(_Reference):
    """Which overpayment a payment refunds: by OverpaymentID."""

    identified_by = ("overpayment_id",)
    noun = "an overpayment reference"

    overpayment_id: UUID | None = None


class AccountSummary(XeroModel):
    """An account as it appears inside another record (a payment's or bank transaction's account)."""

    account_id: UUID | None = None
    code: str | None = None
    name: str | None = None


class ContactSummary(XeroModel):
    """A contact as it appears inside a document (lists return only a summary of it)."""

    contact_id: UUID | None = None
    contact_number: str | None = None
    name: str | None = None
    email_address: str | None = None
    contact_status: str | None = None


class Attachment(XeroModel):
    """A file attached to a record."""

    attachment_id: UUID | None = None
    file_name: str | None = None
    url: str | None = None
    mime_type: str | None = None
    content_length: int | None = None
    include_online: bool | None = None


class XeroRecord(XeroModel):
    """Fields Xero puts on every record it returns from a write: the per-element outcome of a batch."""

    status_attribute_string: str | None = None
    validation_errors: list[ValidationMessage] = Field(default_factory=list[ValidationMessage])
    warnings: list[ValidationMessage] | None = None
    updated_date_utc: XeroDateTime | None = None

    @property
    def error_messages(self) -> tuple[str, ...]:
        """Xero's validation messages for this record (empty when it was accepted)."""
        return tuple(m.message for m in self.validation_errors if m.message)

    @property
    def warning_messages(self) -> tuple[str, ...]:
        """Xero's warnings for this record."""
        return tuple(m.message for m in self.warnings or [] if m.message)
