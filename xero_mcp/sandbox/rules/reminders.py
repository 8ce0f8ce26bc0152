"""Invoice reminder settings: ``GET /InvoiceReminders/Settings`` (read-only in Xero's API).

Xero answers ``{"InvoiceReminders": [{"Enabled": <bool>}]}``: whether the organisation sends automatic reminders
for overdue sales invoices. Reminders are set up in Xero's web app, so here the seed sets them (on for the demo
company, off elsewhere: off is Xero's default for a new organisation).
"""

from __future__ import annotations

from xero_mcp.sandbox.rules.common import Ctx
from xero_mcp.sandbox.state import Doc

SETTINGS_ID = "settings"


def settings(ctx: Ctx) -> list[Doc]:
    """The organisation's invoice reminder settings, as the API lists them."""
    stored = ctx.get("InvoiceReminders", SETTINGS_ID)
    return [{"Enabled": bool(stored and stored.get("Enabled"))}]


def configure(ctx: Ctx, *, enabled: bool) -> None:
    """Turn the organisation's automatic invoice reminders on or off."""
    ctx.state.put(
        ctx.tenant_id, "InvoiceReminders", {"SettingsID": SETTINGS_ID, "Enabled": enabled}, updated=ctx.stamp()
    )
