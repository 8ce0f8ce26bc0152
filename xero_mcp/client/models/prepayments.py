"""Prepayments and overpayments: money received or paid before (or beyond) an invoice, made by bank transactions of
those types, allocated to invoices and refunded by payments."""

from __future__ import annotations

from uuid import UUID

from xero_mcp.client.models.credit_notes import ContactCredit


class Prepayment(ContactCredit):
    """Money received from a customer (RECEIVE-PREPAYMENT) or paid to a supplier (SPEND-PREPAYMENT) ahead of the
    invoice it is for."""

    prepayment_id: UUID | None = None


class Overpayment(ContactCredit):
    """Money received (RECEIVE-OVERPAYMENT) or paid (SPEND-OVERPAYMENT) beyond what was owed."""

    overpayment_id: UUID | None = None
