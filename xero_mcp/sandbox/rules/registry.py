"""Which operations each emulated collection supports, and the rule functions behind them.

The app routes every collection through the same few operations (list, get, create, update, history); a
``Resource`` says which of them a collection has and which rule functions implement them. Collection-specific
sub-resources (allocations, email, tracking options, contact group members, ...) are routed by the app directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from xero_mcp.sandbox.rules import (
    accounts,
    bank_transactions,
    bank_transfers,
    batch_payments,
    budgets,
    contacts,
    credit_notes,
    currencies,
    invoices,
    items,
    linked_transactions,
    manual_journals,
    payments,
    purchase_orders,
    quotes,
    repeating_invoices,
    tax_rates,
    tracking,
)
from xero_mcp.sandbox.rules.common import Ctx, RuleError, find_addressed, is_guid, round_to
from xero_mcp.sandbox.state import COLLECTIONS, Collection, Doc

Create = Callable[[Ctx, Doc], Doc]
Update = Callable[[Ctx, Doc, Doc], Doc]
Match = Callable[[Ctx, Doc], Doc | None]
View = Callable[[Ctx, Doc, Mapping[str, str]], Doc]


@dataclass(frozen=True)
class Resource:
    """One collection of the emulated API and the operations it supports.

    - ``create``: PUT on the collection (and POST elements that match nothing, when ``post_creates``);
    - ``update``: POST on ``/{plural}/{id}`` and POST elements that ``match`` an existing document;
    - ``match``: which existing document a POSTed element addresses (default: by its ID field);
    - ``paged``: lists are always paged and carry a ``pagination`` object; ``paged_by``: instead, whether this
      request's list is so paged (Invoices: only some are); ``page_on_request``: paged, without a ``pagination``
      object, only when ``page`` is given; ``unpaged_omits``: fields an unpaged list leaves out (Invoices:
      "When you retrieve multiple invoices ... no line details are returned", unless paged or by Statuses);
      ``default_order``: SQL order when the request gives none;
    - ``by_number``: ``GET /{plural}/{value}`` looks a non-GUID value up by number (or code);
    - ``history``: ``GET``/``PUT /{plural}/{id}/History`` exist;
    - ``view``/``list_view``: how a document is shown by a single GET / in a list (``list_view`` defaults to ``view``).
    """

    plural: str
    create: Create | None = None
    update: Update | None = None
    match: Match | None = None
    paged: bool = False
    paged_by: Callable[[Mapping[str, str]], bool] | None = None
    page_on_request: bool = False
    unpaged_omits: tuple[str, ...] = ()
    default_order: str = "updated, id"
    by_number: bool = False
    history: bool = False
    post_creates: bool = True
    view: View | None = None
    list_view: View | None = None

    def is_paged(self, params: Mapping[str, str]) -> bool:
        """Whether a list request (lower-case query parameters) is paged and answered with ``pagination``."""
        return self.paged if self.paged_by is None else self.paged_by(params)

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
    # Line items show UnitAmount at 2 dp unless the request asked for unitdp=4.
    if ctx.unitdp == 4 or not doc.get("LineItems"):
        return doc
    lines = [{**line, "UnitAmount": round_to(Decimal(line["UnitAmount"]), 2)} for line in doc["LineItems"]]
    return {**doc, "LineItems": lines}


def _transaction_view(ctx: Ctx, doc: Doc, params: Mapping[str, str]) -> Doc:
    del params
    return _unit_dp(ctx, doc)


def _invoices_paged(params: Mapping[str, str]) -> bool:
    # [DOC-INV]: 100 a page "when the page parameter is used"; "pagination is enforced by default" when querying by
    # Statuses or with summaryOnly. Otherwise every matching invoice comes back in one answer.
    return any(params.get(key) for key in ("page", "statuses")) or params.get("summaryonly", "").lower() == "true"


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


_BY_NAME = "name COLLATE NOCASE, id"


class _RuleModule(Protocol):
    """A rule module with the usual entry points; its ``match``, when it has one, is looked up separately."""

    def create(self, ctx: Ctx, raw: Doc, /) -> Doc:
        """A new document from a request element."""
        ...

    def update(self, ctx: Ctx, existing: Doc, raw: Doc, /) -> Doc:
        """An existing document changed by a request element."""
        ...


def _from_rules(plural: str, rules: _RuleModule, **options: Any) -> Resource:
    """The resource whose create, update and (when the module has one) match are the rule module's own."""
    match: Match | None = getattr(rules, "match", None)
    return Resource(plural, create=rules.create, update=rules.update, match=match, **options)


RESOURCES: dict[str, Resource] = {
    r.plural: r
    for r in (
        _from_rules(
            "Contacts",
            contacts,
            paged=True,
            by_number=True,
            history=True,
            view=_contact_view,
            list_view=_contact_list_view,
        ),
        Resource("ContactGroups", create=contacts.create_group, update=contacts.update_group, default_order=_BY_NAME),
        _from_rules(
            "Invoices",
            invoices,
            paged_by=_invoices_paged,
            unpaged_omits=("LineItems",),
            by_number=True,
            history=True,
            view=_transaction_view,
            list_view=_invoice_list_view,
        ),
        _from_rules("CreditNotes", credit_notes, paged=True, by_number=True, history=True, view=_transaction_view),
        _from_rules("Quotes", quotes, page_on_request=True, by_number=True, history=True),
        _from_rules("PurchaseOrders", purchase_orders, paged=True, by_number=True, history=True),
        _from_rules("Payments", payments, paged=True, history=True),
        _from_rules("BankTransactions", bank_transactions, paged=True, history=True, view=_transaction_view),
        _from_rules("BankTransfers", bank_transfers, history=True, post_creates=False),
        _from_rules("BatchPayments", batch_payments, history=True, post_creates=False),
        _from_rules("RepeatingInvoices", repeating_invoices, history=True, view=_transaction_view),
        _from_rules("LinkedTransactions", linked_transactions, page_on_request=True, post_creates=False),
        # Read-only collections: bank transactions create them, allocations and refunds change them.
        Resource("Prepayments", paged=True, history=True, view=_transaction_view),
        Resource("Overpayments", paged=True, history=True, view=_transaction_view),
        _from_rules("ManualJournals", manual_journals, paged=True, history=True),
        _from_rules("Items", items, by_number=True, history=True, default_order="number COLLATE NOCASE, id"),
        _from_rules(
            "Accounts", accounts, post_creates=False, default_order="number COLLATE NOCASE, name COLLATE NOCASE, id"
        ),
        _from_rules("TaxRates", tax_rates, post_creates=False, by_number=True, default_order=_BY_NAME),
        _from_rules("TrackingCategories", tracking, default_order=_BY_NAME, view=_tracking_view),
        Resource("Currencies", create=currencies.create, default_order="id"),
        Resource("BrandingThemes", default_order=_BY_NAME),
        Resource("Users", default_order=_BY_NAME),
        Resource("Budgets", default_order=_BY_NAME, view=budgets.view, list_view=budgets.list_view),
    )
}
"""Every emulated collection, by its URL segment."""

HISTORY_COLLECTIONS = frozenset(r.plural for r in RESOURCES.values() if r.history)
