"""Repeating invoices (reference Appendix A ``/RepeatingInvoices``): templates whose schedule makes invoices or bills.

A template has a Type (ACCREC or ACCPAY), a Contact, LineItems (worked out as on invoices), and a Schedule: every
Period weeks or months (Unit WEEKLY or MONTHLY) from StartDate, until EndDate when given, each invoice due DueDate
days after its date (DAYSAFTERBILLDATE / DAYSAFTERINVOICEDATE), after the end of its month (DAYSAFTERBILLMONTH /
DAYSAFTERINVOICEMONTH), or on that day of its month (OFCURRENTMONTH) or of the next (OFFOLLOWINGMONTH).
NextScheduledDate is StartDate at first and moves on by one period per invoice made.

Status is DRAFT (the invoices it makes are drafts) or AUTHORISED (they are approved); ``Status: DELETED`` deletes the
template, which then makes nothing and cannot change. ApprovedForSending (AUTHORISED templates only) with
MarkAsSent marks the invoices it makes as sent; the sandbox sends no email, so SendCopy and IncludePDF are kept but
do nothing.

``make_due_invoices`` runs before every API request: each DRAFT or AUTHORISED template whose NextScheduledDate is
on or before the organisation's today (by the sandbox clock) makes its invoices, one per scheduled date that has
passed, each carrying the template's RepeatingInvoiceID. When the next date would fall after EndDate the schedule
has ended: NextScheduledDate is dropped. A template that no longer makes a valid invoice (an account archived since)
makes nothing and waits at its date; the request goes on.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from xero_mcp.sandbox.rules import contacts, invoices
from xero_mcp.sandbox.rules.common import (
    Ctx,
    RuleError,
    as_doc,
    date_field,
    decimal,
    flag,
    guid,
    iso_date,
    new_id,
    next_status,
    save_change,
    set_updated,
    status_change,
    stored_date,
    text,
    upper,
)
from xero_mcp.sandbox.rules.lines import LineRules, apply_lines
from xero_mcp.sandbox.state import Doc

TRANSITIONS: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"DRAFT", "AUTHORISED", "DELETED"}),
    "AUTHORISED": frozenset({"AUTHORISED", "DRAFT", "DELETED"}),
    "DELETED": frozenset(),
}
_SIDES = {"ACCREC": "sales", "ACCPAY": "purchases"}
# Xero's schedule spells the due-date rules two ways; the invoice terms use the "BILL" spelling.
_DUE_TYPES = {
    "DAYSAFTERBILLDATE": "DAYSAFTERBILLDATE",
    "DAYSAFTERINVOICEDATE": "DAYSAFTERBILLDATE",
    "DAYSAFTERBILLMONTH": "DAYSAFTERBILLMONTH",
    "DAYSAFTERINVOICEMONTH": "DAYSAFTERBILLMONTH",
    "OFCURRENTMONTH": "OFCURRENTMONTH",
    "OFFOLLOWINGMONTH": "OFFOLLOWINGMONTH",
}
_FLAGS = ("ApprovedForSending", "SendCopy", "MarkAsSent", "IncludePDF")
_MAX_CATCH_UP = 1000  # invoices one template may make in one go (a schedule far in the past)


def _occurrence(start: date, unit: str, period: int, index: int) -> date:
    """The `index`-th scheduled date (0 = StartDate); months keep StartDate's day, or the month's last day."""
    if unit == "WEEKLY":
        return start + timedelta(weeks=period * index)
    months = start.month - 1 + period * index
    year, month = start.year + months // 12, months % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _schedule(raw: Doc, existing: Doc | None) -> Doc:
    given = as_doc(raw.get("Schedule"))
    if given is None:
        if existing is not None:
            return dict(existing["Schedule"])
        raise RuleError("A repeating invoice needs a Schedule.")
    merged: Doc = {**(existing["Schedule"] if existing else {}), **given}
    period = merged.get("Period")
    if period is None or decimal(period, "Schedule.Period") != int(decimal(period, "Schedule.Period")):
        raise RuleError("Schedule.Period must be a whole number of weeks or months.")
    if int(period) < 1:
        raise RuleError("Schedule.Period must be 1 or more.")
    unit = upper(merged, "Unit")
    if unit not in ("WEEKLY", "MONTHLY"):
        raise RuleError("Schedule.Unit must be WEEKLY or MONTHLY.")
    due_type = upper(merged, "DueDateType")
    if due_type not in _DUE_TYPES:
        raise RuleError(f"Schedule.DueDateType must be one of {', '.join(_DUE_TYPES)}.")
    due = merged.get("DueDate")
    if due is None or decimal(due, "Schedule.DueDate") < 0:
        raise RuleError("Schedule.DueDate must be a number of days (0 or more).")
    start = date_field(merged, "StartDate")
    if start is None:
        raise RuleError("Schedule.StartDate is required.")
    end = date_field(merged, "EndDate")
    if end is not None and end < start:
        raise RuleError("Schedule.EndDate cannot be before its StartDate.")
    schedule: Doc = {
        "Period": int(period),
        "Unit": unit,
        "DueDate": int(decimal(due, "Schedule.DueDate")),
        "DueDateType": due_type,
        "StartDate": start,
    }
    next_date: str | None = start
    if existing is not None and start == existing["Schedule"]["StartDate"]:
        next_date = existing["Schedule"].get("NextScheduledDate")  # the schedule goes on (or has ended)
    if next_date is not None:
        schedule["NextScheduledDate"] = next_date
    if end is not None:
        schedule["EndDate"] = end
    return schedule


def _build(ctx: Ctx, raw: Doc, existing: Doc | None) -> Doc:
    doc: Doc = dict(existing) if existing else {"RepeatingInvoiceID": new_id()}
    doc["ID"] = doc["RepeatingInvoiceID"]
    kind = upper(raw, "Type") or (existing["Type"] if existing else None)
    if kind not in _SIDES:
        raise RuleError("Type must be ACCREC or ACCPAY.")
    if existing is not None and kind != existing["Type"]:
        raise RuleError("The Type of an existing repeating invoice cannot be changed.")
    doc["Type"] = kind
    status = next_status(raw, existing, TRANSITIONS, "repeating invoice", ("DRAFT", "AUTHORISED"))
    doc["Status"] = status
    contacts.set_contact(ctx, doc, raw, existing, create_missing=True)
    doc["Schedule"] = _schedule(raw, existing)
    if "Reference" in raw:
        doc["Reference"] = text(raw, "Reference", max_length=255) or ""
    if raw.get("BrandingThemeID"):
        doc["BrandingThemeID"] = guid(raw["BrandingThemeID"], "BrandingThemeID")
    doc["CurrencyCode"] = invoices.currency(ctx, raw, existing)[0]
    rules = LineRules(side=_SIDES[kind], allow_discount=kind == "ACCREC", require_accounts=status == "AUTHORISED")
    apply_lines(ctx, doc, raw, existing, rules, revalidate=status == "AUTHORISED")
    if not doc["LineItems"]:
        raise RuleError("A repeating invoice needs at least one line item.")
    for key in _FLAGS:
        value = flag(raw, key)
        doc[key] = value if value is not None else doc.get(key, False)
    if doc["ApprovedForSending"] and status != "AUTHORISED":
        raise RuleError("ApprovedForSending can only be set on an AUTHORISED repeating invoice.")
    doc.setdefault("HasAttachments", False)
    return doc


def _details(doc: Doc) -> str:
    schedule = doc["Schedule"]
    every = f"every {schedule['Period']} {'week' if schedule['Unit'] == 'WEEKLY' else 'month'}(s)"
    return f"{doc['Contact']['Name']} for {doc['Total']}, {every} from {schedule['StartDate'][:10]}."


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new repeating invoice template (PUT, or POST without a match)."""
    doc = _build(ctx, raw, None)
    return save_change(ctx, "RepeatingInvoices", doc, None, "Created", _details(doc))


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a template, or delete it with ``Status: DELETED``."""
    doc = _build(ctx, raw, existing)
    return save_change(ctx, "RepeatingInvoices", doc, existing, status_change(existing, doc), _details(doc))


def _invoice_from(ctx: Ctx, template: Doc, day: date) -> Doc:
    schedule = template["Schedule"]
    terms = {"Day": schedule["DueDate"], "Type": _DUE_TYPES[schedule["DueDateType"]]}
    due = invoices.due_from_terms(day, terms)
    raw: Doc = {
        "Type": template["Type"],
        "Contact": {"ContactID": template["Contact"]["ContactID"]},
        "Date": iso_date(day),
        "DueDate": iso_date(due) if due is not None else None,
        "LineAmountTypes": template["LineAmountTypes"],
        "LineItems": [{k: v for k, v in line.items() if k != "LineItemID"} for line in template["LineItems"]],
        "CurrencyCode": template["CurrencyCode"],
        "Status": template["Status"],
    }
    for key in ("Reference", "BrandingThemeID"):
        if template.get(key):
            raw[key] = template[key]
    invoice = invoices.create(ctx, raw)
    invoice["RepeatingInvoiceID"] = template["RepeatingInvoiceID"]
    if template["Status"] == "AUTHORISED" and template.get("ApprovedForSending") and template.get("MarkAsSent"):
        invoice["SentToContact"] = True
    ctx.save("Invoices", invoice)
    return invoice


_LIVE = "status IN ('DRAFT', 'AUTHORISED') AND date <= ?"


def make_due_invoices(ctx: Ctx) -> None:
    """Make the invoices of every live template whose next scheduled date has come (see the module docstring)."""
    # No organisation's today is later than tomorrow in UTC: when nothing is due by then, nothing is due.
    tomorrow = iso_date(ctx.now.date() + timedelta(days=1))
    if not ctx.state.count(ctx.tenant_id, "RepeatingInvoices", where=_LIVE, params=(tomorrow,)):
        return
    due = ctx.state.select(ctx.tenant_id, "RepeatingInvoices", where=_LIVE, params=(iso_date(ctx.today()),))
    for template in due:
        try:
            with ctx.state.atomic():
                _catch_up(ctx, template)
        except RuleError:
            # The template no longer makes a valid invoice (an account archived since, say): it waits at this date,
            # making nothing, until it is corrected; the request that found it goes on.
            continue


def _catch_up(ctx: Ctx, template: Doc) -> None:
    """Make one template's invoices for every scheduled date up to today, and move NextScheduledDate on."""
    schedule = dict(template["Schedule"])
    start = stored_date(schedule["StartDate"])
    end = stored_date(schedule["EndDate"]) if schedule.get("EndDate") else None
    next_day = stored_date(schedule["NextScheduledDate"])
    index = 0
    while _occurrence(start, schedule["Unit"], schedule["Period"], index) < next_day:
        index += 1
    made = 0
    while next_day <= ctx.today() and made < _MAX_CATCH_UP:
        if end is not None and next_day > end:
            break
        invoice = _invoice_from(ctx, template, next_day)
        ctx.history(
            "RepeatingInvoices",
            template["RepeatingInvoiceID"],
            "Invoice Created",
            f"{invoice.get('InvoiceNumber') or 'Bill'} created for {next_day.isoformat()}.",
        )
        made += 1
        index += 1
        next_day = _occurrence(start, schedule["Unit"], schedule["Period"], index)
    if end is not None and next_day > end:
        schedule.pop("NextScheduledDate", None)
    else:
        schedule["NextScheduledDate"] = iso_date(next_day)
    template["Schedule"] = schedule
    set_updated(template, ctx)
    ctx.save("RepeatingInvoices", template)
