"""Bank transactions and bank transfers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Unpack
from uuid import UUID

from xero_mcp.client.models.bank import (
    BankTransaction,
    BankTransactionCreate,
    BankTransactionUpdate,
    BankTransfer,
    BankTransferCreate,
)
from xero_mcp.client.pagination import Page
from xero_mcp.client.resources._base import (
    Batched,
    Collection,
    UnitdpFilters,
    Updatable,
    WhereFilters,
    line_items_as_input,
    query,
)


class BankTransactionsResource(
    Batched[BankTransaction, BankTransactionCreate], Updatable[BankTransaction, BankTransactionUpdate]
):
    """`/BankTransactions`: spend and receive money; update with `status="DELETED"` to delete one."""

    path = "/BankTransactions"
    key = "BankTransactions"
    model = BankTransaction
    id_name = "bank_transaction_id"
    filter_type = UnitdpFilters
    # Xero's schema requires these on every update.
    update_needs = frozenset({"Type", "BankAccount", "LineItems"})

    def _carried(self, current: BankTransaction) -> dict[str, Any]:
        account = current.bank_account
        account_ref = None
        if account is not None:
            account_ref = {"AccountID": str(account.account_id)} if account.account_id else {"Code": account.code}
        return {"Type": current.type, "BankAccount": account_ref, "LineItems": line_items_as_input(current.line_items)}

    async def list(
        self, *, page: int = 1, page_size: int = 100, **filters: Unpack[UnitdpFilters]
    ) -> Page[BankTransaction]:
        """One page of bank transactions."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(self, *, page_size: int = 1000, **filters: Unpack[UnitdpFilters]) -> AsyncIterator[BankTransaction]:
        """Every matching bank transaction, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)


class BankTransferFilters(WhereFilters, total=False):
    """Adds `include_deleted`, for transfers deleted since."""

    include_deleted: bool | None


class BankTransfersResource(Collection[BankTransfer]):
    """`/BankTransfers`: money moved between the organisation's bank accounts."""

    path = "/BankTransfers"
    key = "BankTransfers"
    model = BankTransfer
    id_name = "bank_transfer_id"
    filter_type = BankTransferFilters

    def _params(self, filters: BankTransferFilters) -> dict[str, str]:
        return query(
            where=filters.get("where"), order=filters.get("order"), includeDeleted=filters.get("include_deleted")
        )

    async def list(self, **filters: Unpack[BankTransferFilters]) -> list[BankTransfer]:
        """All matching bank transfers (this endpoint is not paged)."""
        return await self._all(filters)

    async def create(self, transfer: BankTransferCreate, *, idempotency_key: str | None = None) -> BankTransfer:
        """Move money between two bank accounts (Xero records a SPEND-TRANSFER and a RECEIVE-TRANSFER)."""
        return await self._create(transfer, idempotency_key=idempotency_key)

    async def delete(self, bank_transfer_id: UUID | str, *, idempotency_key: str | None = None) -> BankTransfer:
        """Delete a bank transfer (Xero keeps it with status DELETED, and deletes its two bank transactions)."""
        return await self._delete_by_status(bank_transfer_id, idempotency_key=idempotency_key)
