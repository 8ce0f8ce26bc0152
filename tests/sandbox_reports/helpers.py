"""Reading the sandbox's report bodies in tests: fetch a report, find rows by label, read amounts as Decimal."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx2

Report = dict[str, Any]


async def fetch_report(api: httpx2.AsyncClient, name: str, **params: str) -> Report:
    """GET /Reports/{name} (the request must succeed) and return the one report in the envelope."""
    response = await api.get(f"/Reports/{name}", params=params)
    assert response.status_code == 200, response.text
    reports = response.json()["Reports"]
    assert len(reports) == 1
    return reports[0]


def all_rows(report: Report) -> Iterator[dict[str, Any]]:
    """Every row of a report, sections' rows included, in order."""
    for row in report["Rows"]:
        yield row
        yield from row.get("Rows", [])


def amount(text: str) -> Decimal:
    """A report cell's amount ("" counts as zero)."""
    return Decimal(text) if text else Decimal("0.00")


def row_values(report: Report, label: str, *, section: str | None = None) -> list[Decimal]:
    """The amounts of the (first) row whose first cell is `label`, optionally inside a titled section."""
    for row in report["Rows"]:
        if section is not None and row.get("Title") != section:
            continue
        for inner in [row, *row.get("Rows", [])]:
            cells = inner.get("Cells", [])
            if inner["RowType"] != "Header" and cells and cells[0]["Value"] == label:
                return [amount(cell["Value"]) for cell in cells[1:]]
    raise AssertionError(f"no row {label!r} in {report['ReportType']}")


def first_value_or_zero(report: Report, label: str) -> Decimal:
    """The first amount of the row `label`, or zero when the report leaves that row out (a zero balance)."""
    return row_values(report, label)[0] if has_row(report, label) else Decimal("0.00")


def has_row(report: Report, label: str) -> bool:
    """Whether any row's first cell is `label`."""
    return any(row.get("Cells") and row["Cells"][0]["Value"] == label for row in all_rows(report))


def header(report: Report) -> list[str]:
    """The header row's cell values."""
    first = report["Rows"][0]
    assert first["RowType"] == "Header"
    return [cell["Value"] for cell in first["Cells"]]


def account_rows(report: Report) -> dict[str, list[str]]:
    """AccountID -> the row's cell values, for every row carrying an account attribute."""
    found: dict[str, list[str]] = {}
    for row in all_rows(report):
        cells = row.get("Cells", [])
        if row["RowType"] == "Row" and cells:
            for attribute in cells[0].get("Attributes", []):
                if attribute["Id"] in ("account", "accountID"):
                    found[attribute["Value"]] = [cell["Value"] for cell in cells]
    return found


def money(value: Any) -> Decimal:
    """A JSON number from an API document as Decimal money."""
    return Decimal(str(value)).quantize(Decimal("0.01"))
