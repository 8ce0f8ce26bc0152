"""Contacts (customers and suppliers) and contact groups."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from xero_mcp.client.models._base import REQUEST_CONFIG, RESPONSE_CONFIG, Money, XeroModel, XeroRequest
from xero_mcp.client.models.common import Attachment, XeroRecord

ContactStatus = Literal["ACTIVE", "ARCHIVED"]


class _AddressFields(BaseModel):
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    address_line4: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    attention_to: str | None = None


class Address(_AddressFields, XeroModel):
    """A postal or street address (response)."""

    model_config = RESPONSE_CONFIG

    address_type: str | None = None


class AddressInput(_AddressFields, XeroRequest):
    """A postal (POBOX) or street (STREET) address to set."""

    model_config = REQUEST_CONFIG

    address_type: Literal["POBOX", "STREET", "DELIVERY"] | None = None


class _PhoneFields(BaseModel):
    phone_number: str | None = None
    phone_area_code: str | None = None
    phone_country_code: str | None = None


class Phone(_PhoneFields, XeroModel):
    """A phone number (response)."""

    model_config = RESPONSE_CONFIG

    phone_type: str | None = None


class PhoneInput(_PhoneFields, XeroRequest):
    """A phone number to set."""

    model_config = REQUEST_CONFIG

    phone_type: Literal["DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE"] | None = None


class _ContactPersonFields(BaseModel):
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    include_in_emails: bool | None = None


class ContactPerson(_ContactPersonFields, XeroModel):
    """An additional person at a contact (response)."""

    model_config = RESPONSE_CONFIG


class ContactPersonInput(_ContactPersonFields, XeroRequest):
    """An additional person at a contact (Xero allows up to 5)."""

    model_config = REQUEST_CONFIG


class OutstandingOverdue(XeroModel):
    """Amounts outstanding and overdue."""

    outstanding: Money | None = None
    overdue: Money | None = None


class Balances(XeroModel):
    """A contact's receivable and payable balances."""

    accounts_receivable: OutstandingOverdue | None = None
    accounts_payable: OutstandingOverdue | None = None


class ContactGroupSummary(XeroModel):
    """A group as listed on a contact."""

    contact_group_id: UUID | None = None
    name: str | None = None
    status: str | None = None


class Contact(XeroRecord):
    """A customer or supplier."""

    contact_id: UUID | None = None
    contact_number: str | None = None
    account_number: str | None = None
    contact_status: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_number: str | None = None
    email_address: str | None = None
    bank_account_details: str | None = None
    tax_number: str | None = None
    accounts_receivable_tax_type: str | None = None
    accounts_payable_tax_type: str | None = None
    addresses: list[Address] = Field(default_factory=list[Address])
    phones: list[Phone] = Field(default_factory=list[Phone])
    contact_persons: list[ContactPerson] = Field(default_factory=list[ContactPerson])
    is_supplier: bool | None = None
    is_customer: bool | None = None
    default_currency: str | None = None
    sales_default_account_code: str | None = None
    purchases_default_account_code: str | None = None
    website: str | None = None
    balances: Balances | None = None
    contact_groups: list[ContactGroupSummary] = Field(default_factory=list[ContactGroupSummary])
    has_attachments: bool | None = None
    attachments: list[Attachment] | None = None
    merged_to_contact_id: UUID | None = None


class _ContactWriteFields(BaseModel):
    contact_number: str | None = Field(default=None, max_length=50)
    account_number: str | None = Field(default=None, max_length=50)
    first_name: str | None = Field(default=None, max_length=255)
    last_name: str | None = Field(default=None, max_length=255)
    company_number: str | None = Field(default=None, max_length=50)
    email_address: str | None = Field(default=None, max_length=255)
    bank_account_details: str | None = None
    tax_number: str | None = Field(default=None, max_length=50)
    accounts_receivable_tax_type: str | None = None
    accounts_payable_tax_type: str | None = None
    addresses: list[AddressInput] | None = None
    phones: list[PhoneInput] | None = None
    contact_persons: list[ContactPersonInput] | None = Field(default=None, max_length=5)
    default_currency: str | None = None
    sales_default_account_code: str | None = None
    purchases_default_account_code: str | None = None


class ContactCreate(_ContactWriteFields, XeroRequest):
    """A new contact; `name` must be unique among active contacts."""

    model_config = REQUEST_CONFIG

    name: str = Field(min_length=1, max_length=255)


class ContactUpdate(_ContactWriteFields, XeroRequest):
    """Changes to a contact: only the fields given are changed. `contact_status="ARCHIVED"` archives it."""

    model_config = REQUEST_CONFIG

    name: str | None = Field(default=None, min_length=1, max_length=255)
    contact_status: ContactStatus | None = None


class ContactGroup(XeroModel):
    """A named group of contacts."""

    contact_group_id: UUID | None = None
    name: str | None = None
    status: str | None = None
    contacts: list[Contact] = Field(default_factory=list[Contact])


class ContactGroupCreate(XeroRequest):
    """A new contact group."""

    name: str = Field(min_length=1, max_length=50)


class ContactGroupUpdate(XeroRequest):
    """A contact group's new name, or `status="DELETED"` to delete it."""

    name: str | None = Field(default=None, min_length=1, max_length=50)
    status: Literal["ACTIVE", "DELETED"] | None = None
