"""Bank transactions and bank transfers."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.bank import (
    BankTransaction,
    BankTransactionCreate,
    BankTransactionUpdate,
    BankTransfer,
    BankTransferCreate,
)
from xero_mcp.client.pagination import Order, Page, Where, items_of
from xero_mcp.client.resources._base import Resource, line_items_as_input, query, uuid_segment


class BankTransactionsResource(Resource):
    """`/BankTransactions`: spend and receive money."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        unitdp: int | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[BankTransaction]:
        """One page of bank transactions."""
        params = query(where=where, order=order, unitdp=unitdp)
        return await self._page(
            "/BankTransactions",
            "BankTransactions",
            BankTransaction,
            params,
            page=page,
            page_size=page_size,
            if_modified_since=if_modified_since,
        )

    def iterate(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        unitdp: int | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[BankTransaction]:
        """Every matching bank transaction, fetched 1000 per call."""
        params = query(where=where, order=order, unitdp=unitdp)
        return self._iterate(
            "/BankTransactions",
            "BankTransactions",
            BankTransaction,
            params,
            if_modified_since=if_modified_since,
            page_size=page_size,
        )

    async def get(self, bank_transaction_id: UUID | str) -> BankTransaction:
        """One bank transaction. Raises NotFound."""
        ident = uuid_segment(bank_transaction_id, "bank_transaction_id")
        return await self._one(f"/BankTransactions/{ident}", "BankTransactions", BankTransaction)

    async def create(
        self, transaction: BankTransactionCreate, *, idempotency_key: str | None = None
    ) -> BankTransaction:
        """Create one spend or receive."""
        return await self._write_one(
            "PUT",
            "/BankTransactions",
            "BankTransactions",
            transaction.to_xero(),
            BankTransaction,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, transactions: Sequence[BankTransactionCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[BankTransaction]]:
        """Create many bank transactions, 50 per call; one outcome per input, in order."""
        return await self._create_many(
            "/BankTransactions", "BankTransactions", transactions, BankTransaction, idempotency_key=idempotency_key
        )

    async def update(
        self,
        bank_transaction_id: UUID | str,
        changes: BankTransactionUpdate,
        *,
        idempotency_key: str | None = None,
        current: BankTransaction | None = None,
    ) -> BankTransaction:
        """Change a bank transaction, or delete it with `status="DELETED"`.

        Xero's schema requires Type, BankAccount and LineItems on every update: those `changes` leaves out are
        copied unchanged from `current` (the transaction as last read; read here, costing one call, when not given).
        """
        ident = uuid_segment(bank_transaction_id, "bank_transaction_id")
        body: dict[str, Any] = {"BankTransactionID": ident, **changes.to_xero()}
        if not {"Type", "BankAccount", "LineItems"} <= body.keys():
            if current is None:
                current = await self.get(ident)
            if "Type" not in body and current.type is not None:
                body["Type"] = current.type
            if "BankAccount" not in body and current.bank_account is not None:
                account = current.bank_account
                body["BankAccount"] = (
                    {"AccountID": str(account.account_id)} if account.account_id else {"Code": account.code}
                )
            if "LineItems" not in body:
                body["LineItems"] = line_items_as_input(current.line_items)
        return await self._write_one(
            "POST",
            f"/BankTransactions/{ident}",
            "BankTransactions",
            body,
            BankTransaction,
            idempotency_key=idempotency_key,
        )


class BankTransfersResource(Resource):
    """`/BankTransfers`: money moved between the organisation's bank accounts."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        include_deleted: bool | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> list[BankTransfer]:
        """All matching bank transfers (this endpoint is not paged)."""
        params = query(where=where, order=order, includeDeleted=include_deleted)
        return await self._list("/BankTransfers", "BankTransfers", BankTransfer, params, if_modified_since)

    async def get(self, bank_transfer_id: UUID | str) -> BankTransfer:
        """One bank transfer. Raises NotFound."""
        ident = uuid_segment(bank_transfer_id, "bank_transfer_id")
        return await self._one(f"/BankTransfers/{ident}", "BankTransfers", BankTransfer)

    async def create(self, transfer: BankTransferCreate, *, idempotency_key: str | None = None) -> BankTransfer:
        """Move money between two bank accounts (Xero records a SPEND-TRANSFER and a RECEIVE-TRANSFER)."""
        return await self._write_one(
            "PUT", "/BankTransfers", "BankTransfers", transfer.to_xero(), BankTransfer, idempotency_key=idempotency_key
        )

    async def delete(self, bank_transfer_id: UUID | str, *, idempotency_key: str | None = None) -> BankTransfer:
        """Delete a bank transfer (Xero keeps it with status DELETED, and deletes its two bank transactions)."""
        ident = uuid_segment(bank_transfer_id, "bank_transfer_id")
        response = await self._client.request(
            "POST", f"/BankTransfers/{ident}", json={"Status": "DELETED"}, idempotency_key=idempotency_key
        )
        items = items_of(response.data, "BankTransfers")
        return (
            BankTransfer.model_validate(items[0])
            if items
            else BankTransfer(bank_transfer_id=UUID(ident), status="DELETED")
        )
