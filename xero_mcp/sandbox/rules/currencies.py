"""Currencies an organisation is subscribed to (reference §5.12).

``PUT /Currencies`` with ``{"Code": "EUR"}`` subscribes the organisation to a currency (an ISO 4217 code); a
document in a currency the organisation lacks is refused with "Organisation is not subscribed to currency EUR".
"""

from __future__ import annotations

import re

from xero_mcp.sandbox.orgsetup import CURRENCY_NAMES
from xero_mcp.sandbox.rules.common import Ctx, RuleError, text, upper
from xero_mcp.sandbox.state import Doc

_CODE = re.compile(r"[A-Z]{3}")


def create(ctx: Ctx, raw: Doc) -> Doc:
    """Subscribe the organisation to a currency (already subscribed: the existing entry)."""
    code = upper(raw, "Code") or ""
    if _CODE.fullmatch(code) is None:
        raise RuleError("Code must be a three-letter ISO 4217 currency code.")
    existing = ctx.get("Currencies", code)
    if existing is not None:
        return existing
    doc = {"Code": code, "Description": text(raw, "Description") or CURRENCY_NAMES.get(code, code)}
    return ctx.save("Currencies", doc)
