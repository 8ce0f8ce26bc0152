"""list_tenants: the Xero organisations this server is connected to, and which one tools use by default."""

from __future__ import annotations

from xero_mcp.auth.provider import LoginRequired, UnknownTenant, match_tenant
from xero_mcp.tools._args import Tenant
from xero_mcp.tools._context import ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import View
from xero_mcp.tools._spec import ToolSpec, tool


class TenantView(View):
    """One connected organisation."""

    tenant_id: str
    name: str
    default: bool


class TenantsView(View):
    """The connected organisations; `default` marks the one used when a tool's tenant is omitted."""

    tenants: list[TenantView]


@tool("list_tenants", toolset="tenants", title="List organisations", read_only=True)
async def list_tenants(x: ToolContext, tenant: Tenant = None) -> TenantsView:
    """The connected organisations (or the one `tenant` names), marking the default."""
    auth = (await x.backend()).auth
    # Read /connections afresh: an organisation may have been connected or disconnected since start-up.
    connected = await auth.tenants(refresh=True)
    try:
        default_id: str | None = (await auth.resolve_tenant(x.settings.tenant)).tenant_id
    except (UnknownTenant, LoginRequired):
        default_id = None  # several organisations and none chosen: there is no default to mark
    if tenant is not None and tenant.strip():
        try:
            connected = [match_tenant(tenant, connected)]
        except UnknownTenant as exc:
            raise UserInputError(f"tenant: {exc}") from None
    return TenantsView(
        tenants=[TenantView(tenant_id=t.tenant_id, name=t.name, default=t.tenant_id == default_id) for t in connected]
    )


TOOLS: tuple[ToolSpec, ...] = (list_tenants,)
