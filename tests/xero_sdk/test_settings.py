"""Contract tests: organisation, accounts, tax rates, currencies, tracking, branding themes and users."""

from __future__ import annotations

from decimal import Decimal

import pytest
from xero_python.accounting import (
    Account,
    Accounts,
    AccountType,
    Currency,
    CurrencyCode,
    TaxComponent,
    TaxRate,
    TaxRates,
    TrackingCategory,
    TrackingOption,
)

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import enum_text, unique


@pytest.mark.sdk_operation("get_organisations")
def test_the_organisation_deserializes_with_its_name_and_base_currency(xero: Xero) -> None:
    organisations = xero.api.get_organisations(xero.tenant).organisations
    assert [org.name for org in organisations] == ["Demo Company (Global)"]
    assert enum_text(organisations[0].base_currency) == "USD"
    assert organisations[0].short_code


@pytest.mark.sdk_operation("get_organisation_actions")
def test_organisation_actions_say_which_actions_are_allowed(xero: Xero) -> None:
    actions = xero.api.get_organisation_actions(xero.tenant).actions
    statuses = {action.name: action.status for action in actions}
    assert statuses["CreateApprovedInvoice"] == "ALLOWED"


@pytest.mark.sdk_operation("get_accounts")
def test_the_chart_of_accounts_lists_the_sales_account(xero: Xero) -> None:
    accounts = xero.api.get_accounts(xero.tenant).accounts
    sales = next(a for a in accounts if a.code == "200")
    assert (sales.name, enum_text(sales.type), enum_text(sales._class)) == ("Sales", "REVENUE", "REVENUE")
    banks = xero.api.get_accounts(xero.tenant, where='Type=="BANK"').accounts
    assert {a.code for a in banks} >= {"090", "091"}


@pytest.mark.sdk_operation("create_account", "get_account")
def test_a_new_account_can_be_read_back_by_id(xero: Xero) -> None:
    created = xero.api.create_account(
        xero.tenant, Account(code="4999", name=unique("Misc"), type=AccountType.EXPENSE)
    ).accounts[0]
    fetched = xero.api.get_account(xero.tenant, created.account_id).accounts[0]
    assert (fetched.code, fetched.name, enum_text(fetched.status)) == ("4999", created.name, "ACTIVE")


@pytest.mark.sdk_operation("update_account")
def test_renaming_an_account_returns_the_new_name(xero: Xero) -> None:
    created = xero.api.create_account(
        xero.tenant, Account(code="4998", name=unique("Misc"), type=AccountType.EXPENSE)
    ).accounts[0]
    name = unique("Renamed")
    body = Accounts(accounts=[Account(name=name)])
    assert xero.api.update_account(xero.tenant, created.account_id, body).accounts[0].name == name


@pytest.mark.sdk_operation("delete_account")
def test_deleting_an_unused_account_marks_it_deleted(xero: Xero) -> None:
    created = xero.api.create_account(
        xero.tenant, Account(code="4997", name=unique("Misc"), type=AccountType.EXPENSE)
    ).accounts[0]
    deleted = xero.api.delete_account(xero.tenant, created.account_id).accounts[0]
    assert enum_text(deleted.status) == "DELETED"


@pytest.mark.sdk_operation("get_tax_rates", "get_tax_rate_by_tax_type")
def test_tax_rates_list_the_sales_rate_and_it_can_be_read_by_tax_type(xero: Xero) -> None:
    rates = {r.tax_type: r for r in xero.api.get_tax_rates(xero.tenant).tax_rates}
    assert rates["OUTPUT"].effective_rate == Decimal("10.0")
    single = xero.api.get_tax_rate_by_tax_type(xero.tenant, "OUTPUT").tax_rates
    assert [r.name for r in single] == [rates["OUTPUT"].name]


@pytest.mark.sdk_operation("create_tax_rates", "update_tax_rate")
def test_a_new_tax_rate_gets_a_tax_type_and_can_be_renamed(xero: Xero) -> None:
    component = TaxComponent(name="State", rate=Decimal("7.5"), is_compound=False, is_non_recoverable=False)
    rate = TaxRate(name=unique("State tax"), tax_components=[component], report_tax_type="OUTPUT")
    created = xero.api.create_tax_rates(xero.tenant, TaxRates(tax_rates=[rate])).tax_rates[0]
    assert created.tax_type.startswith("TAX")
    assert created.effective_rate == Decimal("7.5")
    renamed = unique("Renamed tax")
    body = TaxRates(tax_rates=[TaxRate(name=renamed, tax_type=created.tax_type, tax_components=[component])])
    assert xero.api.update_tax_rate(xero.tenant, body).tax_rates[0].name == renamed


@pytest.mark.sdk_operation("get_currencies")
def test_currencies_list_the_base_currency(xero: Xero) -> None:
    codes = [enum_text(c.code) for c in xero.api.get_currencies(xero.tenant).currencies]
    assert "USD" in codes


@pytest.mark.sdk_operation("create_currency")
def test_adding_a_currency_lists_it_among_the_currencies(xero: Xero) -> None:
    added = xero.api.create_currency(xero.tenant, Currency(code=CurrencyCode.JPY)).currencies[0]
    assert enum_text(added.code) == "JPY"
    assert "JPY" in [enum_text(c.code) for c in xero.api.get_currencies(xero.tenant).currencies]


@pytest.mark.sdk_operation("get_tracking_categories", "get_tracking_category")
def test_tracking_categories_list_the_seeded_ones_with_their_options(xero: Xero) -> None:
    categories = xero.api.get_tracking_categories(xero.tenant).tracking_categories
    assert len(categories) == 2
    first = xero.api.get_tracking_category(xero.tenant, categories[0].tracking_category_id).tracking_categories[0]
    assert first.name == categories[0].name
    assert first.options


@pytest.mark.sdk_operation("create_tracking_category", "update_tracking_category", "delete_tracking_category")
def test_a_tracking_category_can_be_created_renamed_and_deleted(xero: Xero) -> None:
    # The seed has the two active categories Xero allows; archive neither, so make room by deleting one first.
    existing = xero.api.get_tracking_categories(xero.tenant).tracking_categories
    xero.api.delete_tracking_category(xero.tenant, existing[0].tracking_category_id)
    created = xero.api.create_tracking_category(xero.tenant, TrackingCategory(name=unique("Dept")))
    category = created.tracking_categories[0]
    renamed = unique("Division")
    body = TrackingCategory(name=renamed)
    answered = xero.api.update_tracking_category(xero.tenant, category.tracking_category_id, body)
    assert answered.tracking_categories[0].name == renamed
    deleted = xero.api.delete_tracking_category(xero.tenant, category.tracking_category_id)
    assert enum_text(deleted.tracking_categories[0].status) == "DELETED"


@pytest.mark.sdk_operation("create_tracking_options", "update_tracking_options", "delete_tracking_options")
def test_tracking_options_can_be_added_renamed_and_deleted(xero: Xero) -> None:
    category = xero.api.get_tracking_categories(xero.tenant).tracking_categories[0]
    category_id = category.tracking_category_id
    added = xero.api.create_tracking_options(xero.tenant, category_id, TrackingOption(name="Far North")).options[0]
    assert added.name == "Far North"
    renamed = xero.api.update_tracking_options(
        xero.tenant, category_id, added.tracking_option_id, TrackingOption(name="Far South")
    ).options[0]
    assert renamed.name == "Far South"
    deleted = xero.api.delete_tracking_options(xero.tenant, category_id, added.tracking_option_id).options[0]
    assert enum_text(deleted.status) == "DELETED"


@pytest.mark.sdk_operation("get_branding_themes", "get_branding_theme")
def test_branding_themes_list_the_standard_theme(xero: Xero) -> None:
    themes = xero.api.get_branding_themes(xero.tenant).branding_themes
    assert "Standard" in [t.name for t in themes]
    single = xero.api.get_branding_theme(xero.tenant, themes[0].branding_theme_id).branding_themes[0]
    assert single.name == themes[0].name


@pytest.mark.sdk_operation("get_users", "get_user")
def test_users_are_listed_and_readable_by_id(xero: Xero) -> None:
    users = xero.api.get_users(xero.tenant).users
    assert users
    single = xero.api.get_user(xero.tenant, users[0].user_id).users[0]
    assert single.email_address == users[0].email_address
