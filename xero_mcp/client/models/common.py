"""Pieces several Xero entities share: line items, tracking, and references to contacts, accounts and documents."""

from __future__ import annotations

from typing import Literal
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


class LineItem(XeroModel):
    """A line of an invoice, bill, credit note, quote, purchase order or bank transaction (response)."""

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
    item: LineItemItem | None = None
    tracking: list[LineItemTracking] = Field(default_factory=list[LineItemTracking])


class LineItemInput(XeroRequest):
    """A line to create or keep. On update, a line with `line_item_id` updates that line, a line without one is
    added, and existing lines left out are deleted (Xero's rule)."""

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
    tracking: list[TrackingInput] | None = None


class ContactRef(XeroRequest):
    """Which contact a document is for: by ContactID (preferred), ContactNumber or exact Name.

    Only identifying fields are allowed: other contact fields sent inside a document would update the contact.
    """

    contact_id: UUID | None = None
    contact_number: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _identified(self) -> ContactRef:
        if self.contact_id is None and not self.contact_number and not self.name:
            raise ValueError("a contact reference needs contact_id, contact_number or name")
        return self


class AccountRef(XeroRequest):
    """Which account: by Code or AccountID."""

    code: str | None = None
    account_id: UUID | None = None

    @model_validator(mode="after")
    def _identified(self) -> AccountRef:
        if self.account_id is None and not self.code:
            raise ValueError("an account reference needs code or account_id")
        return self


class InvoiceRef(XeroRequest):
    """Which invoice or bill: by InvoiceID or InvoiceNumber."""

    invoice_id: UUID | None = None
    invoice_number: str | None = None

    @model_validator(mode="after")
    def _identified(self) -> InvoiceRef:
        if self.invoice_id is None and not self.invoice_number:
            raise ValueError("an invoice reference needs invoice_id or invoice_number")
        return self


class CreditNoteRef(XeroRequest):
    """Which credit note: by CreditNoteID or CreditNoteNumber."""

    credit_note_id: UUID | None = None
    credit_note_number: str | None = None

    @model_validator(mode="after")
    def _identified(self) -> CreditNoteRef:
        if self.credit_note_id is None and not self.credit_note_number:
            raise ValueError("a credit note reference needs credit_note_id or credit_note_number")
        return self


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
