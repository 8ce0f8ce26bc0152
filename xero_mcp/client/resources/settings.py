"""Organisation settings: accounts, tax rates, tracking categories, currencies, the organisation."""

from __future__ import annotations

from typing import Unpack
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
from xero_mcp.client.resources._base import Collection, Resource, Updatable, WhereFilters, query, segment, uuid_segment


class AccountsResource(Updatable[Account, AccountUpdate]):
    """`/Accounts`: the chart of accounts (one account per write, as Xero requires); update with
    `status="ARCHIVED"` to archive one."""

    path = "/Accounts"
    key = "Accounts"
    model = Account
    id_name = "account_id"

    async def list(self, **filters: Unpack[WhereFilters]) -> list[Account]:
        """All matching accounts, e.g. `where=Where.eq("Type", "BANK")` for bank accounts."""
        return await self._all(filters)

    async def create(self, account: AccountCreate, *, idempotency_key: str | None = None) -> Account:
        """Create one account (PUT takes a single account, not a list)."""
        return await self._create(account, idempotency_key=idempotency_key, wrap=False)


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


class TrackingCategoriesResource(Collection[TrackingCategory]):
    """`/TrackingCategories` and their options."""

    path = "/TrackingCategories"
    key = "TrackingCategories"
    model = TrackingCategory
    id_name = "tracking_category_id"

    async def list(
        self, *, where: Where | None = None, order: Order | str | None = None, include_archived: bool | None = None
    ) -> list[TrackingCategory]:
        """All tracking categories with their options."""
        params = query(where=where, order=order, includeArchived=include_archived)
        return await self._list(self.path, self.key, self.model, params)

    async def create(self, category: TrackingCategoryCreate, *, idempotency_key: str | None = None) -> TrackingCategory:
        """Create a tracking category (Xero allows 2 active ones)."""
        return await self._create(category, idempotency_key=idempotency_key, wrap=False)

    async def update(
        self,
        tracking_category_id: UUID | str,
        changes: TrackingCategoryUpdate,
        *,
        idempotency_key: str | None = None,
    ) -> TrackingCategory:
        """Rename or archive a tracking category."""
        return await self._write_one(
            "POST",
            f"{self.path}/{self._ident(tracking_category_id)}",
            self.key,
            changes.to_xero(),
            self.model,
            idempotency_key=idempotency_key,
            wrap=False,
        )

    async def delete(self, tracking_category_id: UUID | str) -> None:
        """Delete a tracking category (Xero refuses when it is in use; archive it instead)."""
        await self._client.request("DELETE", f"{self.path}/{self._ident(tracking_category_id)}")

    async def add_option(
        self, tracking_category_id: UUID | str, option: TrackingOptionCreate, *, idempotency_key: str | None = None
    ) -> TrackingOption:
        """Add an option to a tracking category."""
        return await self._write_one(
            "PUT",
            f"{self.path}/{self._ident(tracking_category_id)}/Options",
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
        return await self._write_one(
            "POST",
            self._option_path(tracking_category_id, tracking_option_id),
            "Options",
            changes.to_xero(),
            TrackingOption,
            idempotency_key=idempotency_key,
            wrap=False,
        )

    async def delete_option(self, tracking_category_id: UUID | str, tracking_option_id: UUID | str) -> None:
        """Delete an option (Xero refuses when it is in use; archive it instead)."""
        await self._client.request("DELETE", self._option_path(tracking_category_id, tracking_option_id))

    def _option_path(self, tracking_category_id: UUID | str, tracking_option_id: UUID | str) -> str:
        category = self._ident(tracking_category_id)
        return f"{self.path}/{category}/Options/{uuid_segment(tracking_option_id, 'tracking_option_id')}"


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
