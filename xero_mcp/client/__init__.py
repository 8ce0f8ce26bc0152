"""The async Xero Accounting API client (httpx2).

    from xero_mcp.client import XeroClient, Where

    async with XeroClient(settings, tokens) as client:
        org = client.tenant(tenant_id)
        page = await org.contacts.list(where=Where.eq("Name", name))

See _base.py for the request path (auth, limits, retries, idempotency), pagination.py for paging and safe `where`
filters, models/ for the entities and resources/ for the typed methods per Xero area.

The names below are exported lazily (PEP 562): importing one light module of this package, `errors` say, must not
load the HTTP client, the resources and every pydantic model, because the MCP server imports the errors and the
argument types at start-up and everything else on the first tool call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xero_mcp.client._base import TenantClient, XeroClient
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
    from xero_mcp.coordination import LimitStatus

_EXPORTS: dict[str, str] = {
    "APIConnectionError": "errors",
    "APIStatusError": "errors",
    "APITimeoutError": "errors",
    "AuthenticationError": "errors",
    "BatchOutcome": "batching",
    "ElementError": "errors",
    "LimitStatus": "xero_mcp.coordination",
    "NotFound": "errors",
    "Order": "pagination",
    "Page": "pagination",
    "PermissionDenied": "errors",
    "RateLimited": "errors",
    "ServerError": "errors",
    "TenantClient": "_base",
    "ValidationError": "errors",
    "Where": "pagination",
    "XeroClient": "_base",
    "XeroError": "errors",
    "XeroResponse": "_response",
    "enable_debug_logging": "_logging",
    "redact": "_logging",
}

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


def __getattr__(name: str) -> Any:
    """Import the module that defines an exported name on first access, and keep the name here from then on."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module if "." in module else f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily exported ones included."""
    return sorted({*globals(), *__all__})
