"""get_report: Xero's financial reports as compact tables.

Xero returns a report as nested rows of text cells (a Header row, Sections holding Rows and SummaryRows). The tool
returns the column labels once and, per section, rows of a label and one value per column: amounts as numbers, dates
as YYYY-MM-DD, other text as is. Each report's own parameters are checked before calling Xero, so a parameter the
report does not take is named in the error instead of being silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict, cast

from mcp.server.mcpserver import Context
from pydantic import ConfigDict, Field, SerializerFunctionWrapHandler, WithJsonSchema, model_serializer

from xero_mcp.tools import _resolve
from xero_mcp.tools._args import DateFrom, DateTo, OptionalContact, Tenant
from xero_mcp.tools._context import Org, ToolContext
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._projections import Amount, View
from xero_mcp.tools._spec import ToolSpec, tool
from xero_mcp.tools._views import without_null

if TYPE_CHECKING:
    from xero_mcp.client.models.reports import Report, ReportCell, ReportRow
    from xero_mcp.client.models.settings import TrackingCategory

ReportName = Literal[
    "ProfitAndLoss",
    "BalanceSheet",
    "TrialBalance",
    "AgedReceivablesByContact",
    "AgedPayablesByContact",
    "BankSummary",
    "ExecutiveSummary",
]

PARAMETERS: Mapping[str, tuple[str, ...]] = {
    "ProfitAndLoss": ("date_from", "date_to", "periods", "timeframe", "tracking", "payments_only"),
    "BalanceSheet": ("date", "periods", "timeframe", "tracking", "payments_only"),
    "TrialBalance": ("date", "payments_only"),
    "AgedReceivablesByContact": ("contact", "date", "date_from", "date_to"),
    "AgedPayablesByContact": ("contact", "date", "date_from", "date_to"),
    "BankSummary": ("date_from", "date_to"),
    "ExecutiveSummary": ("date",),
}
"""The tool arguments each report takes (Xero's query parameters, in the tool's names)."""

_REPORT_DESCRIPTION = "Takes only: " + ". ".join(
    f"{name}: {', '.join(params)}" for name, params in PARAMETERS.items() if name != "AgedPayablesByContact"
).replace("AgedReceivablesByContact", "Aged*ByContact")

Periods = Annotated[int | None, Field(ge=1, le=12, description="Periods to compare")]
PeriodLength = Literal["MONTH", "QUARTER", "YEAR"]
Timeframe = Annotated[PeriodLength | None, Field(description="Period length")]


class ReportArguments(TypedDict):
    """get_report's arguments for the report itself (the names `PARAMETERS` lists), as the model gave them."""

    date_from: dt.date | None
    date_to: dt.date | None
    date: dt.date | None
    periods: int | None
    timeframe: PeriodLength | None
    contact: str | None
    tracking: list[str] | None
    payments_only: bool


_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00$")
_ROW_IDS = {"account": "account_id", "accountid": "account_id", "invoiceid": "invoice_id"}


Value = Annotated[Amount | str | None, WithJsonSchema({"type": ["number", "string", "null"]})]
"""One cell: an amount (exact Decimal, written as a JSON number), a date or other text, or null when blank."""


class ReportRowView(View):
    """One row: its label and one value per column; `total` marks Xero's summary rows."""

    model_config = ConfigDict(json_schema_extra=without_null)

    label: str
    values: list[Value]
    total: bool = False
    account_id: str | None = None
    invoice_id: str | None = None

    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler) -> Any:
        # A report has many rows: leaving out `total: false` and null IDs keeps the result small.
        data = handler(self)
        if isinstance(data, dict):
            return {
                key: value
                for key, value in cast("dict[str, Any]", data).items()
                if value is not None and value is not False
            }
        return data


class ReportSectionView(View):
    """A titled group of rows."""

    title: str
    rows: list[ReportRowView]


class ReportView(View):
    """A report as a table: column labels, then sections of rows."""

    report: str
    titles: list[str]
    columns: list[str]
    sections: list[ReportSectionView]


def _value(cell: ReportCell) -> Decimal | str | None:
    text = (cell.value or "").strip()
    if not text:
        return None
    if _AMOUNT.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    midnight = _MIDNIGHT.match(text)
    return midnight.group(1) if midnight else text


def _row(row: ReportRow) -> ReportRowView:
    cells = row.cells
    first = _value(cells[0]) if cells else None
    label = "" if first is None else str(first)
    ids: dict[str, str] = {}
    for cell in cells:
        for attribute in cell.attributes:
            name = _ROW_IDS.get((attribute.id or "").lower())
            if name is not None and attribute.value and name not in ids:
                ids[name] = attribute.value
    return ReportRowView(
        label=label,
        values=[_value(cell) for cell in cells[1:]],
        total=row.row_type == "SummaryRow",
        account_id=ids.get("account_id"),
        invoice_id=ids.get("invoice_id"),
    )


def compact_report(report: Report) -> ReportView:
    """Xero's nested rows as column labels and sections of rows (untitled empty sections dropped)."""
    columns: list[str] = []
    sections: list[ReportSectionView] = []
    loose: list[ReportRowView] = []
    for row in report.rows:
        if row.row_type == "Header":
            columns = [(cell.value or "").strip() for cell in row.cells[1:]]
        elif row.row_type == "Section":
            rows = [_row(inner) for inner in row.rows if inner.row_type in ("Row", "SummaryRow")]
            title = (row.title or "").strip()
            if rows or title:
                sections.append(ReportSectionView(title=title, rows=rows))
        else:
            loose.append(_row(row))
    if loose:
        sections.append(ReportSectionView(title="", rows=loose))
    name = report.report_type or report.report_id or report.report_name or ""
    return ReportView(report=name, titles=[t for t in report.report_titles if t], columns=columns, sections=sections)


def _check_parameters(report: str, given: Mapping[str, object]) -> None:
    allowed = PARAMETERS[report]
    extra = [name for name, value in given.items() if value not in (None, False, []) and name not in allowed]
    if extra:
        raise UserInputError(
            f"{', '.join(extra)}: {report} does not take {'these' if len(extra) > 1 else 'this'}; "
            f"its parameters are {', '.join(allowed)}."
        )


def _check_dates(from_date: dt.date | None, to_date: dt.date | None) -> None:
    if from_date is not None and to_date is not None and from_date > to_date:
        raise UserInputError(f"date_from: {from_date.isoformat()} is after date_to {to_date.isoformat()}.")


def _split_tracking(entries: Sequence[str], report: str) -> list[tuple[str, str | None]]:
    if len(entries) > 2:
        raise UserInputError("tracking: give at most 2 entries (Xero reports filter by up to two tracking categories).")
    pairs: list[tuple[str, str | None]] = []
    for index, entry in enumerate(entries):
        category, colon, option = entry.partition(":")
        category, option = category.strip(), option.strip()
        if not category or (colon and not option):
            raise UserInputError(f"tracking[{index}]: write 'Category: Option' (or just 'Category' for ProfitAndLoss).")
        if not colon and report != "ProfitAndLoss":
            raise UserInputError(
                f"tracking[{index}]: {report} filters by tracking options only; write 'Category: Option'."
            )
        pairs.append((category, option or None))
    return pairs


async def _category(org: Org, name: str, field: str) -> TrackingCategory:
    categories = await org.api.tracking_categories.list()
    wanted = _resolve.fold(name)
    for category in categories:
        if (category.status or "ACTIVE") == "ACTIVE" and _resolve.fold(category.name) == wanted:
            return category
    names = [str(c.name) for c in categories if (c.status or "ACTIVE") == "ACTIVE" and c.name]
    raise _resolve.unknown(field, "tracking category", name, names, "See list_tracking_categories.")


async def _tracking_ids(org: Org, pairs: Iterable[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """(category ID, option ID or None) for each 'Category[: Option]' entry."""
    ids: list[tuple[str, str | None]] = []
    for index, (category, option) in enumerate(pairs):
        field = f"tracking[{index}]"
        if option is None:
            found = await _category(org, category, field)
            ids.append((str(found.tracking_category_id), None))
        else:
            ref = await _resolve.tracking(org, category, option, field=field)
            ids.append((str(ref.tracking_category_id), str(ref.tracking_option_id)))
    return ids


async def _run(
    org: Org,
    report: str,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    date: dt.date | None,
    periods: int | None,
    timeframe: PeriodLength | None,
    contact: str | None,
    tracking: Sequence[str] | None,
    payments_only: bool,
) -> Report:
    reports = org.api.reports
    cash = payments_only or None
    if report in ("AgedReceivablesByContact", "AgedPayablesByContact"):
        if contact is None or not contact.strip():
            raise UserInputError(f"contact: {report} is for one contact; give its name, number or ID.")
        found = await _resolve.contact(org, contact, field="contact")
        run = reports.aged_receivables if report == "AgedReceivablesByContact" else reports.aged_payables
        return await run(str(found.contact_id), date=date, from_date=date_from, to_date=date_to)
    if report == "TrialBalance":
        return await reports.trial_balance(date=date, payments_only=cash)
    if report == "BankSummary":
        return await reports.bank_summary(from_date=date_from, to_date=date_to)
    if report == "ExecutiveSummary":
        return await reports.executive_summary(date=date)
    ids = await _tracking_ids(org, _split_tracking(tracking or [], report))
    if report == "BalanceSheet":
        options = [option for _, option in ids] + [None, None]
        return await reports.balance_sheet(
            date=date,
            periods=periods,
            timeframe=timeframe,
            tracking_option_id1=options[0],
            tracking_option_id2=options[1],
            payments_only=cash,
        )
    slots = [*ids, (None, None), (None, None)]
    return await reports.profit_and_loss(
        from_date=date_from,
        to_date=date_to,
        periods=periods,
        timeframe=timeframe,
        tracking_category_id=slots[0][0],
        tracking_option_id=slots[0][1],
        tracking_category_id2=slots[1][0],
        tracking_option_id2=slots[1][1],
        payments_only=cash,
    )


@tool("get_report", toolset="reports", title="Run a financial report", read_only=True)
async def get_report(
    x: ToolContext,
    ctx: Context[Any, Any],
    report: Annotated[ReportName, Field(description=_REPORT_DESCRIPTION)],
    date_from: DateFrom = None,
    date_to: DateTo = None,
    date: Annotated[dt.date | None, Field(description="As-at date")] = None,
    periods: Periods = None,
    timeframe: Timeframe = None,
    contact: OptionalContact = None,
    tracking: Annotated[
        list[str] | None,
        Field(description="'Category: Option' (max 2); 'Category' splits P&L"),
    ] = None,
    payments_only: Annotated[bool, Field(description="Cash basis")] = False,
    tenant: Tenant = None,
) -> ReportView:
    """A financial report: columns, then sections of labelled rows."""
    given: ReportArguments = {
        "date_from": date_from,
        "date_to": date_to,
        "date": date,
        "periods": periods,
        "timeframe": timeframe,
        "contact": contact,
        "tracking": tracking,
        "payments_only": payments_only,
    }
    _check_parameters(report, given)
    _check_dates(date_from, date_to)
    if timeframe is not None and periods is None:
        raise UserInputError("timeframe: give periods too (how many earlier periods of that length to compare).")
    org = await x.org(tenant)
    await ctx.report_progress(0, 1, f"Running {report}")
    raw = await _run(org, report, **given)
    await ctx.report_progress(1, 1, f"{report} ready")
    return compact_report(raw)


TOOLS: tuple[ToolSpec, ...] = (get_report,)
