"""Which operations each emulated collection supports, and the rule functions behind them.

The app routes every collection through the same few operations (list, get, create, update, history); a
``Resource`` says which of them a collection has and which rule functions implement them. Collection-specific
sub-resources (allocations, email, tracking options, contact group members, ...) are routed by the app directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from xero_mcp.sandbox.rules import (
    accounts,
    bank_transactions,
    bank_transfers,
    contacts,
    credit_notes,
    currencies,
    invoices,
    items,
    manual_journals,
    payments,
    purchase_orders,
    quotes,
    tax_rates,
    tracking,
)
from xero_mcp.sandbox.rules.common import Ctx, RuleError, find_addressed, is_guid, round_to
from xero_mcp.sandbox.state import COLLECTIONS, Collection, Doc

Create = Callable[[Ctx, Doc], Doc]
Update = Callable[[Ctx, Doc, Doc], Doc]
Match = Callable[[Ctx, Doc], Doc | None]
View = Callable[[Ctx, Doc, Mapping[str, str]], Doc]

# Collections whose documents have line items with a UnitAmount shown at 2 dp unless unitdp=4.
_UNIT_DP_COLLECTIONS = frozenset({"Invoices", "CreditNotes", "BankTransactions"})


@dataclass(frozen=True)
class Resource:
    """One collection of the emulated API and the operations it supports.

    - ``create``: PUT on the collection (and POST elements that match nothing, when ``post_creates``);
    - ``update``: POST on ``/{plural}/{id}`` and POST elements that ``match`` an existing document;
    - ``match``: which existing document a POSTed element addresses (default: by its ID field);
    - ``paged``: lists are always paged and carry a ``pagination`` object; ``page_on_request``: paged only when
      ``page`` is given; ``default_order``: SQL order when the request gives none;
    - ``by_number``: ``GET /{plural}/{value}`` looks a non-GUID value up by number (or code);
    - ``history``: ``GET``/``PUT /{plural}/{id}/History`` exist;
    - ``view``/``list_view``: how a document is shown by a single GET / in a list.
    """

    plural: str
    create: Create | None = None
    update: Update | None = None
    match: Match | None = None
    paged: bool = False
    page_on_request: bool = False
    default_order: str = "updated, id"
    by_number: bool = False
    history: bool = False
    post_creates: bool = True
    view: View | None = None
    list_view: View | None = None

    @property
    def collection(self) -> Collection:
        """The store collection behind this resource."""
        return COLLECTIONS[self.plural]

    def find_existing(self, ctx: Ctx, raw: Doc) -> Doc | None:
        """The document a POSTed element addresses, or None when it addresses none."""
        if self.match is not None:
            return self.match(ctx, raw)
        return find_addressed(ctx, raw, self.plural, self.plural[:-1], by_number=False)

    def refuse_existing(self, ctx: Ctx, raw: Doc) -> None:
        """Refuse a create-only (PUT) element that carries the ID of an existing document, instead of creating."""
        id_field = self.collection.id_field
        value = raw.get(id_field)
        if is_guid(value) and ctx.get(self.plural, str(value).lower()) is not None:
            # Xero says only that PUT cannot update ("you can only create new invoices with this method",
            # reference §2.1); the message is the sandbox's own wording, not one Xero is known to send.
            raise RuleError(f"{id_field} {value} names an existing record: PUT only creates; use POST to update it.")


def _unit_dp(ctx: Ctx, doc: Doc) -> Doc:
    if ctx.unitdp == 4 or not doc.get("LineItems"):
        return doc
    lines = [{**line, "UnitAmount": round_to(Decimal(line["UnitAmount"]), 2)} for line in doc["LineItems"]]
    return {**doc, "LineItems": lines}


def _transaction_view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    del params
    return _unit_dp(ctx, doc)


def _invoice_list_view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    if params.get("summaryonly", "").lower() == "true":
        return invoices.summary_only(doc)
    return _unit_dp(ctx, doc)


def _contact_view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    del params
    return contacts.with_balances(ctx, doc)


def _contact_list_view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    del ctx
    return contacts.summary_only(doc) if params.get("summaryonly", "").lower() == "true" else doc


def _tracking_view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    del ctx
    return tracking.visible_options(doc, include_archived=params.get("includearchived", "").lower() == "true")


RESOURCES: dict[str, Resource] = {
    r.plural: r
    for r in (
        Resource(
            "Contacts",
            create=contacts.create,
            update=contacts.update,
            match=contacts.match,
            paged=True,
            by_number=True,
            history=True,
            view=_contact_view,
            list_view=_contact_list_view,
        ),
        Resource(
            "ContactGroups",
            create=contacts.create_group,
            update=contacts.update_group,
            default_order="name COLLATE NOCASE, id",
        ),
        Resource(
            "Invoices",
            create=invoices.create,
            update=invoices.update,
            match=invoices.match,
            paged=True,
            by_number=True,
            history=True,
            view=_transaction_view,
            list_view=_invoice_list_view,
        ),
        Resource(
            "CreditNotes",
            create=credit_notes.create,
            update=credit_notes.update,
            match=credit_notes.match,
            paged=True,
            by_number=True,
            history=True,
            view=_transaction_view,
            list_view=_transaction_view,
        ),
        Resource(
            "Quotes",
            create=quotes.create,
            update=quotes.update,
            match=quotes.match,
            page_on_request=True,
            by_number=True,
            history=True,
        ),
        Resource(
            "PurchaseOrders",
            create=purchase_orders.create,
            update=purchase_orders.update,
            match=purchase_orders.match,
            paged=True,
            by_number=True,
            history=True,
        ),
        Resource(
            "Payments",
            create=payments.create,
            update=payments.update,
            paged=True,
            history=True,
        ),
        Resource(
            "BankTransactions",
            create=bank_transactions.create,
            update=bank_transactions.update,
            paged=True,
            history=True,
            view=_transaction_view,
            list_view=_transaction_view,
        ),
        Resource(
            "BankTransfers",
            create=bank_transfers.create,
            update=bank_transfers.update,
            history=True,
            post_creates=False,
        ),
        Resource(
            "ManualJournals",
            create=manual_journals.create,
            update=manual_journals.update,
            paged=True,
            history=True,
        ),
        Resource(
            "Items",
            create=items.create,
            update=items.update,
            match=items.match,
            by_number=True,
            history=True,
            default_order="number COLLATE NOCASE, id",
        ),
        Resource(
            "Accounts",
            create=accounts.create,
            update=accounts.update,
            post_creates=False,
            default_order="number COLLATE NOCASE, name COLLATE NOCASE, id",
        ),
        Resource(
            "TaxRates",
            create=tax_rates.create,
            update=tax_rates.update,
            match=tax_rates.match,
            post_creates=False,
            by_number=True,
            default_order="name COLLATE NOCASE, id",
        ),
        Resource(
            "TrackingCategories",
            create=tracking.create,
            update=tracking.update,
            default_order="name COLLATE NOCASE, id",
            view=_tracking_view,
            list_view=_tracking_view,
        ),
        Resource("Currencies", create=currencies.create, default_order="id"),
        Resource("BrandingThemes", default_order="name COLLATE NOCASE, id"),
        Resource("Users", default_order="name COLLATE NOCASE, id"),
    )
}
"""Every emulated collection, by its URL segment."""

HISTORY_COLLECTIONS = frozenset(r.plural for r in RESOURCES.values() if r.history)
