"""The baseline every sandbox organisation starts with: its Organisation record, chart of accounts (bank accounts
and the system accounts), tax rates, currencies, a branding theme and a user.

The default sandbox has two organisations, "Demo Company (Global)" (USD, 10% sales tax) and "Second Street
Trading" (NZD, 15% GST), so multi-tenant work can be tried. Both are paying organisations (Class PREMIUM) so the
demo can email invoices. IDs are derived from the organisation and the record, so they are the same on every run.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from xero_mcp.sandbox.state import Doc, SandboxState, iso_instant

_NAMESPACE = uuid.UUID("4f1f4e0c-5a0e-4f7b-9b7e-6a3f0c1d2e55")

ACCOUNT_CLASSES: dict[str, str] = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}
"""Xero's account Class for each account Type."""

CURRENCY_NAMES: dict[str, str] = {
    "USD": "United States Dollar",
    "EUR": "Euro",
    "GBP": "British Pound",
    "NZD": "New Zealand Dollar",
    "AUD": "Australian Dollar",
    "CAD": "Canadian Dollar",
}


@dataclass(frozen=True)
class TaxProfile:
    """One tax rate an organisation offers."""

    name: str
    tax_type: str
    rate: Decimal
    report_tax_type: str
    component: str


@dataclass(frozen=True)
class OrgProfile:
    """What differs between the baseline organisations."""

    name: str
    legal_name: str
    short_code: str
    version: str
    country: str
    currency: str
    timezone: str
    currencies: tuple[str, ...]
    taxes: tuple[TaxProfile, ...]
    sales_tax: str
    purchases_tax: str
    city: str
    org_class: str = "PREMIUM"

    @property
    def tenant_id(self) -> str:
        """The organisation's fixed ID (Xero's tenantId is the OrganisationID)."""
        return str(uuid.uuid5(_NAMESPACE, self.name))


DEFAULT_ORGANISATIONS: tuple[OrgProfile, ...] = (
    OrgProfile(
        name="Demo Company (Global)",
        legal_name="Demo Company (Global) Limited",
        short_code="!sbx01",
        version="GLOBAL",
        country="US",
        currency="USD",
        timezone="UTC",
        currencies=("USD", "EUR", "GBP"),
        taxes=(
            TaxProfile("Tax on Sales", "OUTPUT", Decimal("10.0000"), "OUTPUT", "Sales Tax"),
            TaxProfile("Tax on Purchases", "INPUT", Decimal("10.0000"), "INPUT", "Sales Tax"),
            TaxProfile("Tax Exempt", "NONE", Decimal("0.0000"), "NONE", "Exempt"),
        ),
        sales_tax="OUTPUT",
        purchases_tax="INPUT",
        city="Oaktown",
    ),
    OrgProfile(
        name="Second Street Trading",
        legal_name="Second Street Trading Limited",
        short_code="!sbx02",
        version="NZ",
        country="NZ",
        currency="NZD",
        timezone="NEWZEALANDSTANDARDTIME",
        currencies=("NZD", "AUD", "USD"),
        taxes=(
            TaxProfile("15% GST on Income", "OUTPUT2", Decimal("15.0000"), "OUTPUT", "GST"),
            TaxProfile("15% GST on Expenses", "INPUT2", Decimal("15.0000"), "INPUT", "GST"),
            TaxProfile("No GST", "NONE", Decimal("0.0000"), "NONE", "GST"),
        ),
        sales_tax="OUTPUT2",
        purchases_tax="INPUT2",
        city="Wellington",
    ),
)


# (code, name, type, system account, flags) — flags: "sales"/"purchases" pick the default tax, "pay" enables
# payments to the account, "foreign" makes a bank account hold the organisation's second currency.
_CHART: tuple[tuple[str, str, str, str, str], ...] = (
    ("090", "Business Bank Account", "BANK", "", ""),
    ("091", "Business Savings Account", "BANK", "", ""),
    ("092", "Foreign Currency Account", "BANK", "", "foreign"),
    ("200", "Sales", "REVENUE", "", "sales"),
    ("260", "Other Revenue", "REVENUE", "", "sales"),
    ("270", "Interest Income", "REVENUE", "", ""),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "", "purchases"),
    ("400", "Advertising", "OVERHEADS", "", "purchases"),
    ("404", "Bank Fees", "OVERHEADS", "", ""),
    ("408", "Cleaning", "OVERHEADS", "", "purchases"),
    ("412", "Consulting & Accounting", "EXPENSE", "", "purchases"),
    ("420", "Entertainment", "EXPENSE", "", "purchases"),
    ("429", "General Expenses", "EXPENSE", "", "purchases"),
    ("433", "Insurance", "EXPENSE", "", "purchases"),
    ("445", "Light, Power, Heating", "EXPENSE", "", "purchases"),
    ("453", "Office Expenses", "EXPENSE", "", "purchases"),
    ("461", "Printing & Stationery", "EXPENSE", "", "purchases"),
    ("469", "Rent", "EXPENSE", "", "purchases"),
    ("473", "Repairs and Maintenance", "EXPENSE", "", "purchases"),
    ("477", "Wages and Salaries", "EXPENSE", "", ""),
    ("489", "Telephone & Internet", "EXPENSE", "", "purchases"),
    ("493", "Travel - National", "EXPENSE", "", "purchases"),
    ("610", "Accounts Receivable", "CURRENT", "DEBTORS", ""),
    ("611", "Undeposited Funds", "CURRENT", "", "pay"),
    ("620", "Prepayments", "PREPAYMENT", "", ""),
    ("630", "Inventory", "INVENTORY", "", ""),
    ("710", "Office Equipment", "FIXED", "", "purchases"),
    ("711", "Less Accumulated Depreciation on Office Equipment", "FIXED", "", ""),
    ("800", "Accounts Payable", "CURRLIAB", "CREDITORS", ""),
    ("820", "Sales Tax", "CURRLIAB", "GST", ""),
    ("840", "Historical Adjustment", "CURRLIAB", "HISTORICAL", ""),
    ("860", "Rounding", "CURRLIAB", "ROUNDING", ""),
    ("877", "Tracking Transfers", "CURRLIAB", "TRACKINGTRANSFERS", ""),
    ("900", "Loan", "TERMLIAB", "", ""),
    ("960", "Retained Earnings", "EQUITY", "RETAINEDEARNINGS", ""),
    ("970", "Owner A Funds Introduced", "EQUITY", "", ""),
)


def _id(profile: OrgProfile, *parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join((profile.name, *parts))))


def organisation_document(profile: OrgProfile, created: str) -> Doc:
    """The Organisation record of a baseline organisation."""
    return {
        "OrganisationID": profile.tenant_id,
        "APIKey": _id(profile, "apikey").replace("-", "")[:30].upper(),
        "Name": profile.name,
        "LegalName": profile.legal_name,
        "PaysTax": True,
        "Version": profile.version,
        "OrganisationType": "COMPANY",
        "BaseCurrency": profile.currency,
        "CountryCode": profile.country,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "RegistrationNumber": "",
        "TaxNumber": "",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 12,
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": created,
        "Timezone": profile.timezone,
        "OrganisationEntityType": "COMPANY",
        "ShortCode": profile.short_code,
        "Class": profile.org_class,
        "Edition": "BUSINESS",
        "LineOfBusiness": "Professional services",
        "Addresses": [
            {
                "AddressType": "STREET",
                "AddressLine1": "23 Main Street",
                "City": profile.city,
                "PostalCode": "6011",
                "Country": profile.country,
            }
        ],
        "Phones": [{"PhoneType": "OFFICE", "PhoneNumber": "800 1234"}],
        "ExternalLinks": [],
        "PaymentTerms": {
            "Bills": {"Day": 30, "Type": "DAYSAFTERBILLDATE"},
            "Sales": {"Day": 30, "Type": "DAYSAFTERBILLDATE"},
        },
    }


def _account(profile: OrgProfile, row: tuple[str, str, str, str, str], stamp: str) -> Doc:
    code, name, account_type, system, flags = row
    tax = "NONE"
    if flags == "sales":
        tax = profile.sales_tax
    elif flags == "purchases":
        tax = profile.purchases_tax
    doc: Doc = {
        "AccountID": _id(profile, "account", code),
        "Code": code,
        "Name": name,
        "Status": "ACTIVE",
        "Type": account_type,
        "TaxType": tax,
        "Description": "",
        "Class": ACCOUNT_CLASSES[account_type],
        "EnablePaymentsToAccount": flags == "pay",
        "ShowInExpenseClaims": account_type in ("EXPENSE", "OVERHEADS"),
        "ReportingCode": "",
        "ReportingCodeName": "",
        "HasAttachments": False,
        "UpdatedDateUTC": stamp,
        "AddToWatchlist": account_type == "BANK",
    }
    if system:
        doc["SystemAccount"] = system
    if account_type == "BANK":
        doc["BankAccountNumber"] = f"12-3456-{code}0000-00"
        doc["BankAccountType"] = "BANK"
        doc["CurrencyCode"] = profile.currencies[1] if flags == "foreign" else profile.currency
        if flags == "foreign":
            doc["Name"] = f"{profile.currencies[1]} Account"
    return doc


def _tax_rate(tax: TaxProfile) -> Doc:
    return {
        "Name": tax.name,
        "TaxType": tax.tax_type,
        "ReportTaxType": tax.report_tax_type,
        "CanApplyToAssets": True,
        "CanApplyToEquity": True,
        "CanApplyToExpenses": True,
        "CanApplyToLiabilities": True,
        "CanApplyToRevenue": True,
        "DisplayTaxRate": tax.rate,
        "EffectiveRate": tax.rate,
        "Status": "ACTIVE",
        "TaxComponents": [{"Name": tax.component, "Rate": tax.rate, "IsCompound": False, "IsNonRecoverable": False}],
    }


def setup_organisation(state: SandboxState, profile: OrgProfile, now: datetime) -> str:
    """Create one organisation with its baseline records; returns its tenant ID."""
    stamp = iso_instant(now)
    tenant = profile.tenant_id
    with state.atomic():
        state.add_organisation(tenant, profile.name, organisation_document(profile, stamp))
        for row in _CHART:
            state.put(tenant, "Accounts", _account(profile, row, stamp))
        for tax in profile.taxes:
            state.put(tenant, "TaxRates", _tax_rate(tax), updated=stamp)
        for code in profile.currencies:
            state.put(tenant, "Currencies", {"Code": code, "Description": CURRENCY_NAMES[code]}, updated=stamp)
        state.put(
            tenant,
            "BrandingThemes",
            {
                "BrandingThemeID": _id(profile, "branding", "standard"),
                "Name": "Standard",
                "Type": "INVOICE",
                "SortOrder": 0,
                "CreatedDateUTC": stamp,
            },
            updated=stamp,
        )
        state.put(
            tenant,
            "Users",
            {
                "UserID": _id(profile, "user", "owner"),
                "EmailAddress": "owner@example.com",
                "FirstName": "Sandbox",
                "LastName": "Owner",
                "UpdatedDateUTC": stamp,
                "IsSubscriber": True,
                "OrganisationRole": "FINANCIALADVISER",
            },
        )
    return tenant


def setup_default_organisations(state: SandboxState, now: datetime) -> list[str]:
    """Create the sandbox's two baseline organisations; returns their tenant IDs."""
    return [setup_organisation(state, profile, now) for profile in DEFAULT_ORGANISATIONS]
