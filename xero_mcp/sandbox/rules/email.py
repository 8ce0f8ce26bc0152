"""Emailing invoices and their online links (reference §5.8 and §5.2).

``POST /Invoices/{id}/Email`` (204): "The invoice must be of Type ACCREC and a valid Status for sending (SUBMITTED,
AUTHORISED or PAID)", and the contact needs an email address (its own or a contact person's with
IncludeInEmails). Each organisation may send a limited number of invoice emails a day, by its Class: 0 for DEMO
organisations, 20 for TRIAL ones and 1,000 for paying ones, and none for organisations on a Partner Edition plan
(Edition PARTNER), which "are not allowed to send emails"; over the limit, and for ineligible invoices, the answer
is a 400. Sending marks the invoice SentToContact and records history.

``GET /Invoices/{id}/OnlineInvoice`` gives the customer-facing link of an ACCREC invoice that is not a draft.
"""

from __future__ import annotations

import hashlib

from xero_mcp.sandbox.rules.common import Ctx, RuleError, set_updated
from xero_mcp.sandbox.state import Doc

DAILY_LIMITS = {"DEMO": 0, "TRIAL": 20}
PAYING_DAILY_LIMIT = 1000
_SENDABLE = frozenset({"SUBMITTED", "AUTHORISED", "PAID"})


def daily_limit(org: Doc) -> int:
    """How many invoice emails an organisation may send a day (none on a Partner Edition plan)."""
    if str(org.get("Edition", "")).upper() == "PARTNER":
        return 0
    return DAILY_LIMITS.get(str(org.get("Class", "")).upper(), PAYING_DAILY_LIMIT)


def recipients(ctx: Ctx, invoice: Doc) -> list[str]:
    """The addresses an invoice email goes to: the contact's, plus contact persons with IncludeInEmails."""
    contact = ctx.get("Contacts", invoice["Contact"]["ContactID"]) or {}
    found = [contact["EmailAddress"]] if contact.get("EmailAddress") else []
    found += [p["EmailAddress"] for p in contact.get("ContactPersons", []) if p.get("IncludeInEmails")]
    return [address for address in found if address]


def send(ctx: Ctx, invoice: Doc) -> None:
    """Email an invoice to its contact, within the organisation's daily limit."""
    if invoice["Type"] != "ACCREC" or invoice["Status"] not in _SENDABLE:
        raise RuleError(
            "The invoice must be of Type ACCREC and a valid Status for sending (SUBMITTED,AUTHORISED or PAID)."
        )
    addresses = recipients(ctx, invoice)
    if not addresses:
        raise RuleError("The contact on this invoice has no email address to send it to.")
    if str(ctx.org.get("Edition", "")).upper() == "PARTNER":
        raise RuleError("Organisations on a Partner Edition plan are not allowed to send invoice emails.")
    day = ctx.today().isoformat()
    limit = daily_limit(ctx.org)
    if ctx.state.emails_sent(ctx.tenant_id, day) >= limit:
        raise RuleError(f"This organisation has reached its daily limit of {limit} invoice emails.")
    ctx.state.record_email(ctx.tenant_id, day)
    if not invoice.get("SentToContact"):
        invoice = {**invoice, "SentToContact": True}
        set_updated(invoice, ctx, with_string=True)
        ctx.save("Invoices", invoice)
    ctx.history("Invoices", invoice["InvoiceID"], "Sent", f"This invoice has been sent to {', '.join(addresses)}.")


def online_invoice_url(invoice: Doc) -> str:
    """The online invoice link of an ACCREC invoice that is not a draft (RuleError otherwise)."""
    if invoice["Type"] != "ACCREC":
        raise RuleError("Online invoices are only available for sales invoices (ACCREC).")
    if invoice["Status"] in ("DRAFT", "DELETED"):
        raise RuleError(f"Online invoices are not available for {invoice['Status']} invoices.")
    token = hashlib.sha256(invoice["InvoiceID"].encode()).hexdigest()[:32]
    return f"https://in.xero.com/{token}"
