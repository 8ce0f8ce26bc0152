"""Organisation settings: accounts, tax rates, tracking categories, currencies, the organisation."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from xero_mcp.client.models.settings import (
    Account,
    AccountCreate,
    AccountUpdate,
    Currency,
    Organisation,
    TaxRate,
    TaxRateCreate,
    TrackingCategory,
    TrackingCategoryCreate,
    TrackingCategoryUpdate,
    TrackingOption,
    TrackingOptionCreate,
    TrackingOptionUpdate,
)
from xero_mcp.client.pagination import Order, Where, items_of
from xero_mcp.client.resources._base import Resource, query, segment, uuid_segment


class AccountsResource(Resource):
    """`/Accounts`: the chart of accounts (one account per write, as Xero requires)."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> list[Account]:
        """All matching accounts, e.g. `where=Where.eq("Type", "BANK")` for bank accounts."""
        return await self._list("/Accounts", "Accounts", Account, query(where=where, order=order), if_modified_since)

    async def get(self, account_id: UUID | str) -> Account:
        """One account. Raises NotFound."""
        return await self._one(f"/Accounts/{uuid_segment(account_id, 'account_id')}", "Accounts", Account)

    async def create(self, account: AccountCreate, *, idempotency_key: str | None = None) -> Account:
        """Create one account (PUT takes a single account, not a list)."""
        return await self._write_one(
            "PUT", "/Accounts", "Accounts", account.to_xero(), Account, idempotency_key=idempotency_key, wrap=False
        )

    async def update(
        self, account_id: UUID | str, changes: AccountUpdate, *, idempotency_key: str | None = None
    ) -> Account:
        """Change an account, or archive it with `status="ARCHIVED"`."""
        ident = uuid_segment(account_id, "account_id")
        body = {"AccountID": ident, **changes.to_xero()}
        return await self._write_one(
            "POST", f"/Accounts/{ident}", "Accounts", body, Account, idempotency_key=idempotency_key
        )


class TaxRatesResource(Resource):
    """`/TaxRates`."""

    async def list(
        self, *, where: Where | None = None, order: Order | str | None = None, tax_type: str | None = None
    ) -> list[TaxRate]:
        """All matching tax rates."""
        return await self._list("/TaxRates", "TaxRates", TaxRate, query(where=where, order=order, TaxType=tax_type))

    async def get(self, tax_type: str) -> TaxRate:
        """One tax rate by its TaxType code (e.g. OUTPUT2, TAX001). Raises NotFound."""
        return await self._one(f"/TaxRates/{segment(tax_type)}", "TaxRates", TaxRate)

    async def create(self, tax_rate: TaxRateCreate, *, idempotency_key: str | None = None) -> TaxRate:
        """Create a tax rate."""
        return await self._write_one(
            "PUT", "/TaxRates", "TaxRates", tax_rate.to_xero(), TaxRate, idempotency_key=idempotency_key
        )


class TrackingCategoriesResource(Resource):
    """`/TrackingCategories` and their options."""

    async def list(
        self, *, where: Where | None = None, order: Order | str | None = None, include_archived: bool | None = None
    ) -> list[TrackingCategory]:
        """All tracking categories with their options."""
        params = query(where=where, order=order, includeArchived=include_archived)
        return await self._list("/TrackingCategories", "TrackingCategories", TrackingCategory, params)

    async def get(self, tracking_category_id: UUID | str) -> TrackingCategory:
        """One tracking category with its options. Raises NotFound."""
        ident = uuid_segment(tracking_category_id, "tracking_category_id")
        return await self._one(f"/TrackingCategories/{ident}", "TrackingCategories", TrackingCategory)

    async def create(self, category: TrackingCategoryCreate, *, idempotency_key: str | None = None) -> TrackingCategory:
        """Create a tracking category (Xero allows 2 active ones)."""
        return await self._write_one(
            "PUT",
            "/TrackingCategories",
            "TrackingCategories",
            category.to_xero(),
            TrackingCategory,
            idempotency_key=idempotency_key,
            wrap=False,
        )

    async def update(
        self,
        tracking_category_id: UUID | str,
        changes: TrackingCategoryUpdate,
        *,
        idempotency_key: str | None = None,
    ) -> TrackingCategory:
        """Rename or archive a tracking category."""
        ident = uuid_segment(tracking_category_id, "tracking_category_id")
        return await self._write_one(
            "POST",
            f"/TrackingCategories/{ident}",
            "TrackingCategories",
            changes.to_xero(),
            TrackingCategory,
            idempotency_key=idempotency_key,
            wrap=False,
        )

    async def delete(self, tracking_category_id: UUID | str) -> None:
        """Delete a tracking category (Xero refuses when it is in use; archive it instead)."""
        ident = uuid_segment(tracking_category_id, "tracking_category_id")
        await self._client.request("DELETE", f"/TrackingCategories/{ident}")

    async def add_option(
        self, tracking_category_id: UUID | str, option: TrackingOptionCreate, *, idempotency_key: str | None = None
    ) -> TrackingOption:
        """Add an option to a tracking category."""
        ident = uuid_segment(tracking_category_id, "tracking_category_id")
        return await self._write_one(
            "PUT",
            f"/TrackingCategories/{ident}/Options",
            "Options",
            option.to_xero(),
            TrackingOption,
            idempotency_key=idempotency_key,
            wrap=False,
        )

    async def update_option(
        self,
        tracking_category_id: UUID | str,
        tracking_option_id: UUID | str,
        changes: TrackingOptionUpdate,
        *,
        idempotency_key: str | None = None,
    ) -> TrackingOption:
        """Rename or archive an option."""
        category = uuid_segment(tracking_category_id, "tracking_category_id")
        option = uuid_segment(tracking_option_id, "tracking_option_id")
        return await self._write_one(
            "POST",
            f"/TrackingCategories/{category}/Options/{option}",
            "Options",
            changes.to_xero(),
            TrackingOption,
            idempotency_key=idempotency_key,
            wrap=False,
        )

    async def delete_option(self, tracking_category_id: UUID | str, tracking_option_id: UUID | str) -> None:
        """Delete an option (Xero refuses when it is in use; archive it instead)."""
        category = uuid_segment(tracking_category_id, "tracking_category_id")
        option = uuid_segment(tracking_option_id, "tracking_option_id")
        await self._client.request("DELETE", f"/TrackingCategories/{category}/Options/{option}")


class CurrenciesResource(Resource):
    """`/Currencies`: the currencies the organisation has enabled."""

    async def list(self, *, where: Where | None = None, order: Order | str | None = None) -> list[Currency]:
        """All enabled currencies."""
        return await self._list("/Currencies", "Currencies", Currency, query(where=where, order=order))


class OrganisationResource(Resource):
    """`/Organisation`: the organisation this client is bound to."""

    async def get(self) -> Organisation:
        """The organisation's details (name, base currency, ShortCode for deep links, ...)."""
        return await self._one("/Organisation", "Organisations", Organisation)

    async def actions(self) -> dict[str, str]:
        """What this connection may do in the organisation: action name -> ALLOWED / NOT-ALLOWED."""
        data = await self._get_data("/Organisation/Actions")
        return {str(item.get("Name")): str(item.get("Status")) for item in items_of(data, "Actions")}
