"""Bank transactions (spend and receive money) and transfers between bank accounts."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from xero_mcp.client.models._base import REQUEST_CONFIG, Money, XeroDate, XeroDateTime, XeroModel, XeroRequest
from xero_mcp.client.models.common import (
    AccountRef,
    AccountSummary,
    ContactRef,
    ContactSummary,
    LineAmountTypes,
    LineItem,
    LineItemInput,
    XeroRecord,
)

BankTransactionType = Literal[
    "RECEIVE", "RECEIVE-OVERPAYMENT", "RECEIVE-PREPAYMENT", "SPEND", "SPEND-OVERPAYMENT", "SPEND-PREPAYMENT"
]
"""Types a write may use (RECEIVE-TRANSFER / SPEND-TRANSFER come only from bank transfers)."""


class BankTransaction(XeroRecord):
    """Money spent from or received into a bank account."""

    bank_transaction_id: UUID | None = None
    type: str | None = None
    contact: ContactSummary | None = None
    bank_account: AccountSummary | None = None
    date: XeroDate | None = None
    reference: str | None = None
    status: str | None = None
    is_reconciled: bool | None = None
    line_amount_types: str | None = None
    line_items: list[LineItem] = Field(default_factory=list[LineItem])
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    currency_code: str | None = None
    currency_rate: Money | None = None
    url: str | None = None
    has_attachments: bool | None = None
    prepayment_id: UUID | None = None
    overpayment_id: UUID | None = None


class _BankTransactionWriteFields(BaseModel):
    date: XeroDate | None = None
    reference: str | None = None
    is_reconciled: bool | None = None
    line_amount_types: LineAmountTypes | None = None
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    currency_rate: Money | None = None
    url: str | None = None


class BankTransactionCreate(_BankTransactionWriteFields, XeroRequest):
    """A new spend or receive: Type, BankAccount and LineItems (and a Contact)."""

    model_config = REQUEST_CONFIG

    type: BankTransactionType
    bank_account: AccountRef
    contact: ContactRef | None = None
    line_items: list[LineItemInput] = Field(min_length=1)


class BankTransactionUpdate(_BankTransactionWriteFields, XeroRequest):
    """Changes to a bank transaction; `status="DELETED"` deletes it."""

    model_config = REQUEST_CONFIG

    contact: ContactRef | None = None
    bank_account: AccountRef | None = None
    line_items: list[LineItemInput] | None = None
    status: Literal["AUTHORISED", "DELETED"] | None = None


class TrackingReference(XeroModel):
    """A tracking option on one side of a bank transfer."""

    tracking_category_id: UUID | None = None
    tracking_option_id: UUID | None = None
    name: str | None = None
    option: str | None = None


class TrackingReferenceInput(XeroRequest):
    """A tracking option for one side of a bank transfer."""

    tracking_category_id: UUID
    tracking_option_id: UUID


class BankTransfer(XeroRecord):
    """Money moved between two bank accounts of the organisation."""

    bank_transfer_id: UUID | None = None
    from_bank_account: AccountSummary | None = None
    to_bank_account: AccountSummary | None = None
    amount: Money | None = None
    date: XeroDate | None = None
    reference: str | None = None
    status: str | None = None
    currency_rate: Money | None = None
    from_bank_transaction_id: UUID | None = None
    to_bank_transaction_id: UUID | None = None
    from_is_reconciled: bool | None = None
    to_is_reconciled: bool | None = None
    has_attachments: bool | None = None
    created_date_utc: XeroDateTime | None = None
    from_tracking: list[TrackingReference] = Field(default_factory=list[TrackingReference])
    to_tracking: list[TrackingReference] = Field(default_factory=list[TrackingReference])


class BankTransferCreate(XeroRequest):
    """A transfer between two different bank accounts in the same currency."""

    from_bank_account: AccountRef
    to_bank_account: AccountRef
    amount: Money = Field(gt=0)
    date: XeroDate | None = None
    reference: str | None = None
    from_is_reconciled: bool | None = None
    to_is_reconciled: bool | None = None
    from_tracking: list[TrackingReferenceInput] | None = Field(default=None, max_length=2)
    to_tracking: list[TrackingReferenceInput] | None = Field(default=None, max_length=2)

    @model_validator(mode="after")
    def _two_accounts(self) -> BankTransferCreate:
        same_code = self.from_bank_account.code is not None and self.from_bank_account.code == self.to_bank_account.code
        same_id = (
            self.from_bank_account.account_id is not None
            and self.from_bank_account.account_id == self.to_bank_account.account_id
        )
        if same_code or same_id:
            raise ValueError("a bank transfer needs two different bank accounts")
        return self
