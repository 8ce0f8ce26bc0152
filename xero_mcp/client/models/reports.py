"""Reports: Xero's generic row/cell structure (profit and loss, balance sheet, aged receivables, ...)."""

from __future__ import annotations

from pydantic import Field

from xero_mcp.client.models._base import XeroDateTime, XeroModel


class ReportAttribute(XeroModel):
    """A drill-down attribute of a cell, e.g. {Id: "account", Value: <AccountID>}."""

    id: str | None = Field(default=None, alias="Id")
    value: str | None = None


class ReportCell(XeroModel):
    """One cell: its text value (amounts arrive as text) and drill-down attributes."""

    value: str | None = None
    attributes: list[ReportAttribute] = Field(default_factory=list[ReportAttribute])


class ReportRow(XeroModel):
    """A row: Header, Section (with nested rows), Row or SummaryRow."""

    row_type: str | None = None
    title: str | None = None
    cells: list[ReportCell] = Field(default_factory=list[ReportCell])
    rows: list[ReportRow] = Field(default_factory=lambda: list[ReportRow]())


class ReportField(XeroModel):
    """A report-level field (name/value)."""

    field_id: str | None = None
    description: str | None = None
    value: str | None = None


class Report(XeroModel):
    """A report with its titles and rows."""

    report_id: str | None = None
    report_name: str | None = None
    report_title: str | None = None
    report_type: str | None = None
    report_titles: list[str] = Field(default_factory=list[str])
    report_date: str | None = None
    updated_date_utc: XeroDateTime | None = None
    fields: list[ReportField] = Field(default_factory=list[ReportField])
    rows: list[ReportRow] = Field(default_factory=lambda: list[ReportRow]())
