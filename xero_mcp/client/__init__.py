"""The async Xero Accounting API client (httpx2).

    from xero_mcp.client import XeroClient, Where

    async with XeroClient(settings, tokens) as client:
        org = client.tenant(tenant_id)
        page = await org.contacts.list(where=Where.eq("Name", name))

See _base.py for the request path (auth, limits, retries, idempotency), pagination.py for paging and safe `where`
filters, models/ for the entities and resources/ for the typed methods per Xero area.
"""

from xero_mcp.client._base import TenantClient, XeroClient
from xero_mcp.client._limits import LimitStatus
from xero_mcp.client._logging import enable_debug_logging, redact
from xero_mcp.client._response import XeroResponse
from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ElementError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
    XeroError,
)
from xero_mcp.client.pagination import Order, Page, Where

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BatchOutcome",
    "ElementError",
    "LimitStatus",
    "NotFound",
    "Order",
    "Page",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "TenantClient",
    "ValidationError",
    "Where",
    "XeroClient",
    "XeroError",
    "XeroResponse",
    "enable_debug_logging",
    "redact",
]
