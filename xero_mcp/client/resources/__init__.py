"""One module per Xero area: typed methods over the base client.

Each TenantClient carries one instance of each (`org.invoices`, `org.contacts`, ...). Methods take keyword
arguments and return models: `list(...) -> Page[Model]` (or a plain list for endpoints Xero does not page),
`iterate(...)` over every page, `get(id_or_number)`, `create(ModelCreate)`, `create_many([...]) ->
list[BatchOutcome]`, `update(id, ModelUpdate)`, and each area's special verbs. The shared verbs come from one
generic `Collection` (with `Batched` and `Updatable`) in _base.py, set up per area by its path, envelope key and
models.
"""

from xero_mcp.client.resources.bank import BankTransactionsResource, BankTransfersResource
from xero_mcp.client.resources.contacts import ContactGroupsResource, ContactsResource
from xero_mcp.client.resources.credit_notes import CreditNotesResource
from xero_mcp.client.resources.files import FilesResource
from xero_mcp.client.resources.history import HistoryResource, history_entity
from xero_mcp.client.resources.invoices import InvoicesResource
from xero_mcp.client.resources.items import ItemsResource
from xero_mcp.client.resources.ledger import (
    BatchPaymentsResource,
    BudgetsResource,
    JournalsResource,
    RepeatingInvoicesResource,
)
from xero_mcp.client.resources.manual_journals import ManualJournalsResource
from xero_mcp.client.resources.payments import PaymentsResource
from xero_mcp.client.resources.prepayments import OverpaymentsResource, PrepaymentsResource
from xero_mcp.client.resources.purchase_orders import PurchaseOrdersResource
from xero_mcp.client.resources.quotes import QuotesResource
from xero_mcp.client.resources.reports import ReportsResource
from xero_mcp.client.resources.settings import (
    AccountsResource,
    CurrenciesResource,
    OrganisationResource,
    TaxRatesResource,
    TrackingCategoriesResource,
)

__all__ = [
    "AccountsResource",
    "BankTransactionsResource",
    "BankTransfersResource",
    "BatchPaymentsResource",
    "BudgetsResource",
    "ContactGroupsResource",
    "ContactsResource",
    "CreditNotesResource",
    "CurrenciesResource",
    "FilesResource",
    "HistoryResource",
    "InvoicesResource",
    "ItemsResource",
    "JournalsResource",
    "ManualJournalsResource",
    "OrganisationResource",
    "OverpaymentsResource",
    "PaymentsResource",
    "PrepaymentsResource",
    "PurchaseOrdersResource",
    "QuotesResource",
    "RepeatingInvoicesResource",
    "ReportsResource",
    "TaxRatesResource",
    "TrackingCategoriesResource",
    "history_entity",
]
