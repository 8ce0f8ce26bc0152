"""Manual journals."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from xero_mcp.client.models._base import REQUEST_CONFIG, Money, XeroDate, XeroModel, XeroRequest
from xero_mcp.client.models.common import LineAmountTypes, LineItemTracking, TrackingInput, XeroRecord

ManualJournalStatus = Literal["DRAFT", "POSTED", "DELETED", "VOIDED"]


class JournalLine(XeroModel):
    """A journal line: positive LineAmount is a debit, negative a credit."""

    line_amount: Money | None = None
    account_code: str | None = None
    account_id: UUID | None = None
    description: str | None = None
    tax_type: str | None = None
    tax_amount: Money | None = None
    tracking: list[LineItemTracking] = Field(default_factory=list[LineItemTracking])
    is_blank: bool | None = None


class JournalLineInput(XeroRequest):
    """A journal line to post: positive `line_amount` debits, negative credits the account."""

    line_amount: Money
    account_code: str | None = None
    account_id: UUID | None = None
    description: str | None = None
    tax_type: str | None = None
    tracking: list[TrackingInput] | None = Field(default=None, max_length=2)


class ManualJournal(XeroRecord):
    """A manual journal."""

    manual_journal_id: UUID | None = None
    narration: str | None = None
    date: XeroDate | None = None
    status: str | None = None
    line_amount_types: str | None = None
    journal_lines: list[JournalLine] = Field(default_factory=list[JournalLine])
    url: str | None = None
    show_on_cash_basis_reports: bool | None = None
    has_attachments: bool | None = None


class _ManualJournalWriteFields(BaseModel):
    date: XeroDate | None = None
    status: ManualJournalStatus | None = None
    line_amount_types: LineAmountTypes | None = None
    url: str | None = None
    show_on_cash_basis_reports: bool | None = None


def _balanced(lines: list[JournalLineInput] | None) -> None:
    if lines is None:
        return
    if len(lines) < 2:
        raise ValueError("a manual journal needs at least two lines")
    total = sum((line.line_amount for line in lines), Money(0))
    if total != 0:
        raise ValueError(f"journal lines must balance (debits minus credits is {total}, not 0)")


class ManualJournalCreate(_ManualJournalWriteFields, XeroRequest):
    """A new manual journal: a narration and at least two lines whose amounts sum to zero."""

    model_config = REQUEST_CONFIG

    narration: str = Field(min_length=1)
    journal_lines: list[JournalLineInput]

    @model_validator(mode="after")
    def _check_balance(self) -> ManualJournalCreate:
        _balanced(self.journal_lines)
        return self


class ManualJournalUpdate(_ManualJournalWriteFields, XeroRequest):
    """Changes to a manual journal; `journal_lines`, when given, replaces the lines and must balance."""

    model_config = REQUEST_CONFIG

    narration: str | None = Field(default=None, min_length=1)
    journal_lines: list[JournalLineInput] | None = None

    @model_validator(mode="after")
    def _check_balance(self) -> ManualJournalUpdate:
        _balanced(self.journal_lines)
        return self
