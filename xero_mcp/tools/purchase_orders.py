"""Purchase orders: list them, and create one to an existing supplier without creating it twice (for the
`documents` tools).

A purchase order is recognised by its number; without one, by supplier, date, reference and lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xero_mcp.client import models
from xero_mcp.client.models.purchase_orders import PurchaseOrderStatus
from xero_mcp.tools import _resolve
from xero_mcp.tools._args import one_status
from xero_mcp.tools._context import ToolContext
from xero_mcp.tools._create import Creation, create_once, fetch_live
from xero_mcp.tools._documents import Document, Listing, choice, first_same, listed
from xero_mcp.tools._projections import Paged, PurchaseOrderCreated, PurchaseOrderView, purchase_order_view

if TYPE_CHECKING:
    from xero_mcp.client.models import PurchaseOrder

STATUSES: tuple[PurchaseOrderStatus, ...] = ("DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED")
NEW_STATUSES: tuple[PurchaseOrderStatus, ...] = ("DRAFT", "SUBMITTED", "AUTHORISED")
"""The statuses a purchase order may be created in."""


async def list_purchase_orders(x: ToolContext, q: Listing) -> Paged[PurchaseOrderView]:
    """Purchase orders, newest first."""
    org = await x.org(q.tenant)
    return await listed(
        org,
        q,
        org.api.purchase_orders.list,
        purchase_order_view,
        status=one_status(q.statuses, "purchase orders"),
        date_from=q.date_from,
        date_to=q.date_to,
        order="Date DESC",
    )


async def create(x: ToolContext, r: Document) -> PurchaseOrderCreated:
    """Create a purchase order to a supplier. Natural key: its number; without one, supplier, date (default today),
    reference and lines."""
    contact = r.needed("contact")
    status = choice("status", r.status, NEW_STATUSES, r.what) or "DRAFT"
    org = await x.org(r.tenant)
    supplier = await _resolve.contact_ref(org, contact)
    request = models.PurchaseOrderCreate(
        contact=supplier,
        line_items=await _resolve.line_items(org, r.new_lines()),
        purchase_order_number=r.number,
        reference=r.reference,
        date=r.date or await _resolve.today(org),
        delivery_date=r.delivery_date,
        status=status,
        line_amount_types=r.line_amount_types,
    )
    api = org.api.purchase_orders

    async def find() -> PurchaseOrder | None:
        if request.purchase_order_number:
            return await fetch_live(api.get, request.purchase_order_number)
        candidates = await api.list(date_from=request.date, date_to=request.date, page_size=100)
        theirs = [c for c in candidates.items if c.contact is not None and c.contact.contact_id == supplier.contact_id]
        return first_same(theirs, request)

    creation = Creation(kind="purchase_order", records=api, request=request, find=find)
    created, duplicate = await create_once(x, org, creation, dedupe_key=r.dedupe_key, allow_duplicate=r.allow_duplicate)
    return purchase_order_view(created, await org.short_code(), PurchaseOrderCreated, duplicate=duplicate)
