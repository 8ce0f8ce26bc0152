"""The organisation's setup: chart of accounts, tax rates, items, tracking categories, manual journals, itself.

Names stay names: accounts, tax rates and tracking options are given by code or name and resolved by `_resolve`,
whose per-organisation caches are dropped here whenever a tool changes what they hold.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field

from xero_mcp.client import models
from xero_mcp.client.models.codes import AccountType
from xero_mcp.client.pagination import Where
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import (
    DEFAULT_PAGE_SIZE,
    AllowDuplicate,
    AnyCase,
    DateFrom,
    DateTo,
    DedupeKey,
    ModifiedSince,
    PageNumber,
    PageSize,
    Tenant,
    where_dated,
)
from xero_mcp.tools._context import Org, OrgProfile, ToolContext
from xero_mcp.tools._create import Creation, create_once, status_in
from xero_mcp.tools._documents import LineTax, fetch
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import INPUT_CONFIG, AmountIn, InputModel, TrackingText
from xero_mcp.tools._projections import Amount, CompactView, Paged, View, paged
from xero_mcp.tools._resolve import fold
from xero_mcp.tools._spec import ToolSpec, tool

if TYPE_CHECKING:
    from xero_mcp.client.models import Account, Item, JournalLineInput, ManualJournal, TaxRate, TrackingCategory
    from xero_mcp.client.models.items import PriceDetails, PriceDetailsInput

# --- accounts and tax rates ----------------------------------------------------------------------------------------


class AccountView(CompactView):
    """An account of the chart of accounts."""

    account_id: str
    code: str | None = None
    name: str | None = None
    type: str | None = None
    status: str | None = None
    tax_type: str | None = None


class AccountsView(View):
    """The chart of accounts (or the part asked for)."""

    accounts: list[AccountView]


def _account_view(account: Account) -> AccountView:
    return AccountView(
        account_id=str(account.account_id),
        code=account.code,
        name=account.name,
        type=account.type,
        status=account.status,
        tax_type=account.tax_type,
    )


@tool("list_accounts", toolset="accounting", title="List accounts", read_only=True)
async def list_accounts(
    x: ToolContext,
    type: Annotated[AccountType | None, AnyCase, Field(description="Only accounts of this type")] = None,
    include_archived: bool = False,
    tenant: Tenant = None,
) -> AccountsView:
    """The chart of accounts by code; active accounts unless include_archived."""
    org = await x.org(tenant)
    filters: list[Where] = []
    if type is not None:
        filters.append(Where.eq("Type", type))
    if not include_archived:
        filters.append(Where.eq("Status", "ACTIVE"))
    accounts = await org.api.accounts.list(where=Where.all_of(*filters) if filters else None)
    accounts.sort(key=lambda a: (a.code is None, a.code or "", a.name or ""))
    return AccountsView(accounts=[_account_view(a) for a in accounts])


class TaxRateView(CompactView):
    """A tax rate: the TaxType code lines use, its name and effective rate (percent)."""

    tax_type: str
    name: str | None = None
    rate: Amount | None = None
    applies_to: list[str] = Field(default_factory=list[str])


class TaxRatesView(View):
    """The organisation's active tax rates."""

    tax_rates: list[TaxRateView]


def _applies_to(rate: TaxRate) -> list[str]:
    flags = (
        ("revenue", rate.can_apply_to_revenue),
        ("expenses", rate.can_apply_to_expenses),
        ("assets", rate.can_apply_to_assets),
        ("liabilities", rate.can_apply_to_liabilities),
        ("equity", rate.can_apply_to_equity),
    )
    return [name for name, flag in flags if flag]


@tool("list_tax_rates", toolset="accounting", title="List tax rates", read_only=True)
async def list_tax_rates(x: ToolContext, tenant: Tenant = None) -> TaxRatesView:
    """Active tax rates: type, name, rate (%) and which accounts may use them."""
    org = await x.org(tenant)
    rates = await org.api.tax_rates.list(where=Where.eq("Status", "ACTIVE"))
    return TaxRatesView(
        tax_rates=[
            TaxRateView(
                tax_type=rate.tax_type,
                name=rate.name,
                rate=rate.effective_rate if rate.effective_rate is not None else rate.display_tax_rate,
                applies_to=_applies_to(rate),
            )
            for rate in rates
            if rate.tax_type
        ]
    )


# --- items ---------------------------------------------------------------------------------------------------------


class ItemView(CompactView):
    """An item (product or service) with its sale and purchase defaults."""

    item_id: str
    code: str | None = None
    name: str | None = None
    description: str | None = None
    sale_price: Amount | None = None
    sales_account: str | None = None
    sales_tax: str | None = None
    purchase_price: Amount | None = None
    purchase_account: str | None = None
    purchase_tax: str | None = None
    is_tracked_as_inventory: bool | None = None
    quantity_on_hand: Amount | None = None


class ItemsView(View):
    """Items, by code."""

    items: list[ItemView]


class ItemCreated(ItemView):
    """create_item's result: duplicate=true when an item with that code already existed."""

    duplicate: bool = False


def _item_fields(item: Item) -> dict[str, object]:
    sales, purchase = item.sales_details, item.purchase_details
    return {
        "item_id": str(item.item_id),
        "code": item.code,
        "name": item.name,
        "description": item.description,
        "sale_price": sales.unit_price if sales else None,
        "sales_account": sales.account_code if sales else None,
        "sales_tax": sales.tax_type if sales else None,
        "purchase_price": purchase.unit_price if purchase else None,
        "purchase_account": purchase.account_code if purchase else None,
        "purchase_tax": purchase.tax_type if purchase else None,
        "is_tracked_as_inventory": item.is_tracked_as_inventory,
        "quantity_on_hand": item.quantity_on_hand,
    }


@tool("list_items", toolset="setup", title="List items", read_only=True)
async def list_items(
    x: ToolContext,
    search: Annotated[str | None, Field(max_length=500, description="In code, name or description")] = None,
    tenant: Tenant = None,
) -> ItemsView:
    """Items with their sale and purchase prices, accounts and tax types."""
    org = await x.org(tenant)
    items = await org.api.items.list(order="Code ASC")
    if search is not None and search.strip():
        wanted = fold(search)
        items = [i for i in items if any(wanted in fold(text) for text in (i.code, i.name, i.description))]
    return ItemsView(items=[ItemView.model_validate(_item_fields(i)) for i in items])


class _Prices(BaseModel):
    model_config = INPUT_CONFIG

    price: Decimal | None
    account: str | None
    tax: str | None


async def _price_details(
    org: Org, side: str, prices: _Prices, current: PriceDetails | None = None
) -> PriceDetailsInput | None:
    """Sales or purchase details: the given fields resolved to codes, the rest kept from `current`."""
    if prices.price is None and prices.account is None and prices.tax is None:
        return None
    return models.PriceDetailsInput(
        unit_price=prices.price if prices.price is not None else (current.unit_price if current else None),
        account_code=await _resolve.account_code(org, prices.account, field=f"{side}_account")
        if prices.account is not None
        else (current.account_code if current else None),
        tax_type=await _resolve.tax_type(org, prices.tax, field=f"{side}_tax")
        if prices.tax is not None
        else (current.tax_type if current else None),
        cogs_account_code=current.cogs_account_code if current else None,
    )


Price = Annotated[AmountIn | None, Field(ge=0)]
AccountName = Annotated[str | None, Field(description="Code or name")]
TaxName = Annotated[str | None, Field(description="Tax type or name")]


@tool("create_item", toolset="setup", title="Create an item", read_only=False)
async def create_item(
    x: ToolContext,
    code: Annotated[str, Field(min_length=1, max_length=30)],
    name: Annotated[str | None, Field(max_length=50)] = None,
    description: str | None = None,
    sale_price: Price = None,
    sales_account: AccountName = None,
    sales_tax: TaxName = None,
    purchase_price: Price = None,
    purchase_account: AccountName = None,
    purchase_tax: TaxName = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> ItemCreated:
    """Create an item with its sale and purchase defaults. Natural key: code (case-insensitive)."""
    org = await x.org(tenant)
    request = models.ItemCreate(
        code=code.strip(),
        name=name,
        description=description,
        sales_details=await _price_details(
            org, "sales", _Prices(price=sale_price, account=sales_account, tax=sales_tax)
        ),
        purchase_details=await _price_details(
            org, "purchase", _Prices(price=purchase_price, account=purchase_account, tax=purchase_tax)
        ),
    )
    api = org.api.items

    async def find() -> Item | None:
        items = await api.list(where=Where.eq("Code", request.code))
        return next((i for i in items if fold(i.code) == fold(request.code)), None)

    creation = Creation(
        kind="item", records=api, request=request, find=find, created=lambda _: _resolve.invalidate(org, "items")
    )
    item, duplicate = await create_once(x, org, creation, dedupe_key=dedupe_key, allow_duplicate=allow_duplicate)
    return ItemCreated.model_validate({**_item_fields(item), "duplicate": duplicate})


@tool("update_item", toolset="setup", title="Update an item", read_only=False, idempotent=True)
async def update_item(
    x: ToolContext,
    item: Annotated[str, Field(description="Code, name or ID")],
    code: Annotated[str | None, Field(description="New code", min_length=1, max_length=30)] = None,
    name: Annotated[str | None, Field(max_length=50)] = None,
    description: str | None = None,
    sale_price: Price = None,
    sales_account: AccountName = None,
    sales_tax: TaxName = None,
    purchase_price: Price = None,
    purchase_account: AccountName = None,
    purchase_tax: TaxName = None,
    tenant: Tenant = None,
) -> ItemView:
    """Change an item; fields not given are kept."""
    org = await x.org(tenant)
    current = await _find_item(org, item)
    sales = _Prices(price=sale_price, account=sales_account, tax=sales_tax)
    purchase = _Prices(price=purchase_price, account=purchase_account, tax=purchase_tax)
    changes = models.ItemUpdate(
        code=code.strip() if code else None,
        name=name,
        description=description,
        sales_details=await _price_details(org, "sales", sales, current.sales_details),
        purchase_details=await _price_details(org, "purchase", purchase, current.purchase_details),
    )
    if not changes.to_xero():
        raise UserInputError("Nothing to change: give a new code, name, description, price, account or tax.")
    updated = await org.api.items.update(str(current.item_id), changes)
    _resolve.invalidate(org, "items")
    return ItemView.model_validate(_item_fields(updated))


async def _find_item(org: Org, wanted: str) -> Item:
    """The item with this ID, code or name."""
    if _resolve.is_id(wanted):
        return await fetch(org.api.items.get, wanted, field="item", noun="item", hint="See list_items.")
    return await _resolve.item(org, wanted, field="item")


# --- tracking ------------------------------------------------------------------------------------------------------


class TrackingCategoryView(CompactView):
    """A tracking category and its option names (archived ones marked)."""

    tracking_category_id: str
    name: str | None = None
    status: str | None = None
    options: list[str] = Field(default_factory=list[str])


class TrackingCategoriesView(View):
    """The organisation's tracking categories."""

    tracking_categories: list[TrackingCategoryView]


def _tracking_view(category: TrackingCategory, *, include_archived: bool = True) -> TrackingCategoryView:
    options = [
        option.name if (option.status or "ACTIVE") == "ACTIVE" else f"{option.name} ({option.status})"
        for option in category.options
        if option.name and (include_archived or (option.status or "ACTIVE") == "ACTIVE")
    ]
    return TrackingCategoryView(
        tracking_category_id=str(category.tracking_category_id),
        name=category.name,
        status=category.status,
        options=options,
    )


@tool("list_tracking_categories", toolset="setup", title="List tracking categories", read_only=True)
async def list_tracking_categories(
    x: ToolContext, include_archived: bool = False, tenant: Tenant = None
) -> TrackingCategoriesView:
    """Tracking categories and their options (named 'Category: Option' in lines and reports)."""
    org = await x.org(tenant)
    categories = await org.api.tracking_categories.list(include_archived=include_archived or None)
    return TrackingCategoriesView(
        tracking_categories=[_tracking_view(c, include_archived=include_archived) for c in categories]
    )


async def _active_category(org: Org, name: str) -> TrackingCategory | None:
    categories = await org.api.tracking_categories.list()
    return next(
        (c for c in categories if (c.status or "ACTIVE") == "ACTIVE" and fold(c.name) == fold(name)),
        None,
    )


@tool("create_tracking_category", toolset="setup", title="Create a tracking category", read_only=False)
async def create_tracking_category(
    x: ToolContext,
    name: Annotated[str, Field(min_length=1, max_length=100)],
    options: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]] | None, Field(max_length=100)] = None,
    tenant: Tenant = None,
) -> TrackingCategoryView:
    """Create a tracking category (Xero allows two active) with its options."""
    org = await x.org(tenant)
    if await _active_category(org, name) is not None:
        raise UserInputError(
            f"name: a tracking category called {name.strip()!r} already exists; add options to it with "
            "create_tracking_option."
        )
    api = org.api.tracking_categories
    category = await api.create(models.TrackingCategoryCreate(name=name.strip()))
    _resolve.invalidate(org, "tracking")
    for option in dict.fromkeys(option.strip() for option in options or []):
        await api.add_option(str(category.tracking_category_id), models.TrackingOptionCreate(name=option))
    return _tracking_view(await api.get(str(category.tracking_category_id)))


@tool("create_tracking_option", toolset="setup", title="Add a tracking option", read_only=False)
async def create_tracking_option(
    x: ToolContext,
    category: str,
    option: Annotated[str, Field(min_length=1, max_length=100)],
    tenant: Tenant = None,
) -> TrackingCategoryView:
    """Add an option to a tracking category."""
    org = await x.org(tenant)
    found = await _active_category(org, category)
    if found is None:
        names = [str(c.name) for c in await org.api.tracking_categories.list() if c.name]
        raise _resolve.unknown("category", "tracking category", category, names, "See list_tracking_categories.")
    existing = next((o for o in found.options if fold(o.name) == fold(option)), None)
    if existing is not None:
        raise UserInputError(
            f"option: {found.name} already has an option {existing.name!r} ({existing.status or 'ACTIVE'})."
        )
    api = org.api.tracking_categories
    await api.add_option(str(found.tracking_category_id), models.TrackingOptionCreate(name=option.strip()))
    _resolve.invalidate(org, "tracking")
    return _tracking_view(await api.get(str(found.tracking_category_id)))


# --- manual journals -----------------------------------------------------------------------------------------------


_CLOSED = ("DELETED", "VOIDED")
"""Statuses of a manual journal that no longer counts as an existing copy."""


class JournalLineIn(InputModel):
    """One manual journal line: a debit (positive amount) or credit (negative amount) to an account."""

    account: str = Field(description="Account code or name")
    amount: AmountIn = Field(description="Debit +, credit -")
    description: str | None = Field(default=None, max_length=4000, description="Line text")
    tax: str | None = Field(default=None, description="Tax type or name")
    tracking: list[TrackingText] | None = Field(default=None, max_length=2, description="Tracking, 'Category: Option'")


class ManualJournalView(CompactView):
    """A manual journal in brief; total is the sum of its debits."""

    manual_journal_id: str
    narration: str | None = None
    date: dt.date | None = None
    status: str | None = None
    total: Amount | None = None


class ManualJournalCreated(ManualJournalView):
    """create_manual_journal's result: duplicate=true when an existing journal was returned instead."""

    duplicate: bool = False


def _journal_fields(journal: ManualJournal) -> dict[str, object]:
    debits = [line.line_amount for line in journal.journal_lines if line.line_amount and line.line_amount > 0]
    return {
        "manual_journal_id": str(journal.manual_journal_id),
        "narration": journal.narration,
        "date": journal.date,
        "status": journal.status,
        "total": sum(debits, Decimal(0)) if journal.journal_lines else None,
    }


@tool("list_manual_journals", toolset="setup", title="List manual journals", read_only=True)
async def list_manual_journals(
    x: ToolContext,
    statuses: list[Literal["DRAFT", "POSTED", "DELETED", "VOIDED"]] | None = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    modified_since: ModifiedSince = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    tenant: Tenant = None,
) -> Paged[ManualJournalView]:
    """Manual journals, newest first; total is the sum of the debits."""
    org = await x.org(tenant)
    filters: list[Where] = []
    if statuses:
        filters.append(Where.any_of(*(Where.eq("Status", status) for status in dict.fromkeys(statuses))))
    result = await org.api.manual_journals.list(
        where=where_dated(filters, date_from, date_to),
        order="Date DESC",
        if_modified_since=modified_since,
        page=page,
        page_size=page_size,
    )
    return paged(result, lambda j: ManualJournalView.model_validate(_journal_fields(j)))


async def _journal_lines(org: Org, lines: list[JournalLineIn]) -> list[JournalLineInput]:
    if len(lines) < 2:
        raise UserInputError("lines: a manual journal needs at least two lines (debits and credits).")
    debits = sum((line.amount for line in lines if line.amount > 0), Decimal(0))
    credits = -sum((line.amount for line in lines if line.amount < 0), Decimal(0))
    if debits != credits:
        raise UserInputError(
            f"lines: debits ({debits}) must equal credits ({credits}); amounts are positive for debits and "
            "negative for credits."
        )
    out: list[JournalLineInput] = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        out.append(
            models.JournalLineInput(
                line_amount=line.amount,
                account_code=await _resolve.account_code(org, line.account, field=f"{where}.account"),
                description=line.description,
                tax_type=await _resolve.tax_type(org, line.tax, field=f"{where}.tax") if line.tax else None,
                tracking=[
                    await _resolve.tracking(org, t.category, t.option, field=f"{where}.tracking") for t in line.tracking
                ]
                if line.tracking
                else None,
            )
        )
    return out


def _same_journal_lines(wanted: list[JournalLineInput], stored: ManualJournal) -> bool:
    mine = sorted((fold(line.account_code), line.line_amount) for line in wanted)
    theirs = sorted((fold(line.account_code), line.line_amount or Decimal(0)) for line in stored.journal_lines)
    return mine == theirs


@tool("create_manual_journal", toolset="setup", title="Create a manual journal", read_only=False)
async def create_manual_journal(
    x: ToolContext,
    narration: Annotated[str, Field(min_length=1)],
    lines: list[JournalLineIn],
    date: dt.date | None = None,
    status: Literal["DRAFT", "POSTED"] = "DRAFT",
    line_amount_types: LineTax = None,
    dedupe_key: DedupeKey = None,
    allow_duplicate: AllowDuplicate = False,
    tenant: Tenant = None,
) -> ManualJournalCreated:
    """Create a balanced manual journal (DRAFT unless POSTED). Natural key: narration, date (default today) and
    lines."""
    org = await x.org(tenant)
    request = models.ManualJournalCreate(
        narration=narration,
        journal_lines=await _journal_lines(org, lines),
        date=date or await _resolve.today(org),
        status=status,
        line_amount_types=line_amount_types,
    )
    api = org.api.manual_journals

    async def find() -> ManualJournal | None:
        candidates = await api.list(where=Where.eq("Date", request.date), page_size=100)
        for candidate in candidates.items:
            if (
                candidate.status not in _CLOSED
                and fold(candidate.narration) == fold(request.narration)
                and _same_journal_lines(request.journal_lines, candidate)
            ):
                return candidate
        return None

    creation = Creation(kind="manual_journal", records=api, request=request, find=find, gone=status_in(*_CLOSED))
    journal, duplicate = await create_once(x, org, creation, dedupe_key=dedupe_key, allow_duplicate=allow_duplicate)
    return ManualJournalCreated.model_validate({**_journal_fields(journal), "duplicate": duplicate})


# --- the organisation ----------------------------------------------------------------------------------------------


class OrganisationView(CompactView):
    """The organisation's identity and accounting settings."""

    organisation_id: str
    name: str | None = None
    legal_name: str | None = None
    short_code: str | None = None
    base_currency: str | None = None
    country_code: str | None = None
    timezone: str | None = None
    financial_year_end_day: int | None = None
    financial_year_end_month: int | None = None
    sales_tax_basis: str | None = None
    period_lock_date: dt.date | None = None
    is_demo_company: bool | None = None


@tool("get_organisation", toolset="setup", title="Get the organisation", read_only=True)
async def get_organisation(x: ToolContext, tenant: Tenant = None) -> OrganisationView:
    """The organisation: name, currency, country, year end, tax basis, lock date."""
    org = await x.org(tenant)
    found = await org.api.organisation.get()
    org.state.profile = OrgProfile(short_code=found.short_code, timezone=found.timezone)
    return OrganisationView(
        organisation_id=str(found.organisation_id),
        name=found.name,
        legal_name=found.legal_name,
        short_code=found.short_code,
        base_currency=found.base_currency,
        country_code=found.country_code,
        timezone=found.timezone,
        financial_year_end_day=found.financial_year_end_day,
        financial_year_end_month=found.financial_year_end_month,
        sales_tax_basis=found.sales_tax_basis,
        period_lock_date=found.period_lock_date,
        is_demo_company=found.is_demo_company,
    )


TOOLS: tuple[ToolSpec, ...] = (
    list_accounts,
    list_tax_rates,
    list_items,
    create_item,
    update_item,
    list_tracking_categories,
    create_tracking_category,
    create_tracking_option,
    list_manual_journals,
    create_manual_journal,
    get_organisation,
)
