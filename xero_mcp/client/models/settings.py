"""Organisation settings: accounts, tax rates, tracking categories, currencies and the organisation itself."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from xero_mcp.client.models._base import (
    REQUEST_CONFIG,
    RESPONSE_CONFIG,
    Money,
    XeroDate,
    XeroDateTime,
    XeroModel,
    XeroRequest,
)
from xero_mcp.client.models.codes import AccountType
from xero_mcp.client.models.common import XeroRecord
from xero_mcp.client.models.contacts import Address, Phone


class Account(XeroRecord):
    """An account of the chart of accounts."""

    account_id: UUID | None = None
    code: str | None = None
    name: str | None = None
    type: str | None = None
    status: str | None = None
    description: str | None = None
    class_: str | None = Field(default=None, alias="Class")
    system_account: str | None = None
    tax_type: str | None = None
    bank_account_number: str | None = None
    bank_account_type: str | None = None
    currency_code: str | None = None
    enable_payments_to_account: bool | None = None
    show_in_expense_claims: bool | None = None
    reporting_code: str | None = None
    reporting_code_name: str | None = None
    has_attachments: bool | None = None


class _AccountWriteFields(BaseModel):
    description: str | None = Field(default=None, max_length=4000)
    tax_type: str | None = None
    bank_account_number: str | None = None
    bank_account_type: Literal["BANK", "CREDITCARD", "PAYPAL"] | None = None
    currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    enable_payments_to_account: bool | None = None
    show_in_expense_claims: bool | None = None
    reporting_code: str | None = None
    add_to_watchlist: bool | None = None


class AccountCreate(_AccountWriteFields, XeroRequest):
    """A new account; a BANK account needs `bank_account_number`."""

    model_config = REQUEST_CONFIG

    code: str | None = Field(default=None, max_length=10)
    name: str = Field(min_length=1, max_length=150)
    type: AccountType


class AccountUpdate(_AccountWriteFields, XeroRequest):
    """Changes to an account; `status="ARCHIVED"` archives it."""

    model_config = REQUEST_CONFIG

    code: str | None = Field(default=None, max_length=10)
    name: str | None = Field(default=None, min_length=1, max_length=150)
    type: AccountType | None = None
    status: Literal["ACTIVE", "ARCHIVED"] | None = None


class _TaxComponentFields(BaseModel):
    name: str | None = None
    rate: Money | None = None
    is_compound: bool | None = None
    is_non_recoverable: bool | None = None


class TaxComponent(_TaxComponentFields, XeroModel):
    """One component of a tax rate (response)."""

    model_config = RESPONSE_CONFIG


class TaxComponentInput(_TaxComponentFields, XeroRequest):
    """One component of a tax rate."""

    model_config = REQUEST_CONFIG


class TaxRate(XeroModel):
    """A tax rate and the TaxType code lines use to refer to it."""

    name: str | None = None
    tax_type: str | None = None
    status: str | None = None
    report_tax_type: str | None = None
    display_tax_rate: Money | None = None
    effective_rate: Money | None = None
    tax_components: list[TaxComponent] = Field(default_factory=list[TaxComponent])
    can_apply_to_assets: bool | None = None
    can_apply_to_equity: bool | None = None
    can_apply_to_expenses: bool | None = None
    can_apply_to_liabilities: bool | None = None
    can_apply_to_revenue: bool | None = None


class TaxRateCreate(XeroRequest):
    """A new tax rate (Xero gives it a TaxType code such as TAX001)."""

    name: str = Field(min_length=1)
    tax_components: list[TaxComponentInput] = Field(min_length=1)
    report_tax_type: str | None = None


class TrackingOption(XeroModel):
    """One option of a tracking category (a region, a department)."""

    tracking_option_id: UUID | None = None
    name: str | None = None
    status: str | None = None
    tracking_category_id: UUID | None = None


class TrackingCategory(XeroModel):
    """A tracking category (at most 2 active per organisation) with its options."""

    tracking_category_id: UUID | None = None
    name: str | None = None
    status: str | None = None
    options: list[TrackingOption] = Field(default_factory=list[TrackingOption])


class TrackingCategoryCreate(XeroRequest):
    """A new tracking category."""

    name: str = Field(min_length=1, max_length=100)


class TrackingCategoryUpdate(XeroRequest):
    """A tracking category's new name, or `status="ARCHIVED"`."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    status: Literal["ACTIVE", "ARCHIVED"] | None = None


class TrackingOptionCreate(XeroRequest):
    """A new option of a tracking category."""

    name: str = Field(min_length=1, max_length=100)


class TrackingOptionUpdate(XeroRequest):
    """An option's new name, or `status="ARCHIVED"`."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    status: Literal["ACTIVE", "ARCHIVED"] | None = None


class Currency(XeroModel):
    """A currency the organisation uses."""

    code: str | None = None
    description: str | None = None


class Organisation(XeroModel):
    """The organisation (the Xero 'tenant') itself."""

    organisation_id: UUID | None = None
    name: str | None = None
    legal_name: str | None = None
    short_code: str | None = None
    base_currency: str | None = None
    country_code: str | None = None
    version: str | None = None
    organisation_type: str | None = None
    organisation_status: str | None = None
    organisation_entity_type: str | None = None
    is_demo_company: bool | None = None
    pays_tax: bool | None = None
    tax_number: str | None = None
    registration_number: str | None = None
    financial_year_end_day: int | None = None
    financial_year_end_month: int | None = None
    sales_tax_basis: str | None = None
    sales_tax_period: str | None = None
    default_sales_tax: str | None = None
    default_purchases_tax: str | None = None
    period_lock_date: XeroDate | None = None
    end_of_year_lock_date: XeroDate | None = None
    created_date_utc: XeroDateTime | None = None
    timezone: str | None = None
    class_: str | None = Field(default=None, alias="Class")
    edition: str | None = None
    line_of_business: str | None = None
    addresses: list[Address] = Field(default_factory=list[Address])
    phones: list[Phone] = Field(default_factory=list[Phone])
