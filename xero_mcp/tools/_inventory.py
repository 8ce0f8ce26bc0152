"""ALL_TOOLS, and the pure function that picks the tools a server exposes.

Selection happens once at start-up (no dynamic tool switching): toolsets (names, `default` or `all`), plus named
tools, minus excluded tools; read-only mode, derived from each tool's readOnlyHint alone, wins over everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import get_close_matches
from typing import TypeVar

from xero_mcp.tools._spec import DEFAULT_TOOLSETS, TOOLSETS, ToolFacts, ToolSpec

SEED_OPERATIONS: tuple[tuple[str, str], ...] = (
    (
        "New or Updated Contact, Bill, Bank Transaction, Payment, Quote, Sales Invoice or Credit Note",
        "`poll_changes`",
    ),
    ("Create / Update / Get Contact; Find before create", "`save_contact`, `get_contact`, `find_or_create_contact`"),
    (
        "Create Sales Invoice, Bill, Quote, Credit Note, Purchase Order, Bank Transaction; Update Invoice, Quote",
        "`create_document`, `update_document`",
    ),
    ("Find Sales Invoice, Find Bill; Send Invoice Email", "`get_invoice`, `get_bill`, `email_invoice`"),
    (
        "Create / Delete Payment; Credit Note Allocation; Bank Transfer",
        "`create_payment`, `delete_payment`, `allocate_credit_note`, `create_bank_transfer`",
    ),
    ("Add Note to History; history of a record", "`add_history_note`, `get_history`"),
    ("Any Accounting entity: read (path, query, paging) / write", "`xero_get`, `xero_write`"),
    ("Chart of accounts and tax rates; choose the organisation", "`list_accounts`, `list_tax_rates`, `list_tenants`"),
)
"""The operations integration platforms sell for Xero, and the default-set tools doing them (docs/tools.md)."""


OPT_IN_OPERATIONS: tuple[tuple[str, str], ...] = (
    (
        "Create Prepayment / Overpayment, received or spent (kinds receive_prepayment, spend_prepayment, "
        "receive_overpayment, spend_overpayment)",
        "`create_document`",
    ),
    (
        "List, allocate and refund prepayments and overpayments",
        "`list_prepayments`, `allocate_prepayment`, `refund_prepayment`",
    ),
    (
        "Pay several bills (or invoices) at once; list and delete batch payments",
        "`create_batch_payment`, `list_batch_payments`, `delete_batch_payment`",
    ),
    ("List and create repeating invoices (schedules)", "`list_repeating_invoices`, `create_repeating_invoice`"),
    ("General ledger journals (audit trail)", "`list_journals`"),
    ("Read budgets; budget against actual (BudgetSummary)", "`list_budgets`, `get_budget`, `get_budget_summary`"),
    (
        "Attachments: list, get, upload (invoices, bills, credit notes, bank transactions, contacts ...)",
        "`list_attachments`, `get_attachment`, `upload_attachment`",
    ),
    ("Invoice, bill, quote, credit note or purchase order PDF", "`get_pdf`"),
    ("Executive summary report (report ExecutiveSummary)", "`get_report`"),
)
"""Operations beyond the seed ones, and the tools doing them (docs/tools.md lists each with its toolset)."""


def seed_tool_names() -> set[str]:
    """Every tool the seed operations name."""
    return {name for _, tools in SEED_OPERATIONS for name in tools.split("`")[1::2]}


Tool = TypeVar("Tool", bound=ToolFacts)
"""A tool as declared (ToolSpec) or as published (ToolCard): selection reads only their facts."""


class SelectionError(ValueError):
    """An unknown toolset or tool name in the selection; the message lists close matches."""


def all_tools() -> tuple[ToolSpec, ...]:
    """Every tool, in a stable order (domain modules are imported here, once)."""
    from xero_mcp.tools import (
        banking,
        batch_payments,
        bills,
        budgets,
        contacts,
        credit_notes,
        documents,
        files,
        generic,
        history,
        invoices,
        journals,
        payments,
        prepayments,
        repeating,
        reports,
        settings,
        tenants,
        triggers,
    )

    modules = (
        contacts,
        documents,
        invoices,
        bills,
        credit_notes,
        payments,
        prepayments,
        batch_payments,
        banking,
        history,
        settings,
        repeating,
        journals,
        budgets,
        files,
        reports,
        triggers,
        generic,
        tenants,
    )
    specs = tuple(spec for module in modules for spec in module.TOOLS)
    names = [spec.name for spec in specs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate tool names: {sorted(duplicates)}")
    return specs


def _unknown(kind: str, name: str, known: Iterable[str]) -> SelectionError:
    close = get_close_matches(name, list(known), n=3)
    suggestion = f" Did you mean {', '.join(close)}?" if close else ""
    return SelectionError(f"Unknown {kind} {name!r}.{suggestion}")


def select_tools(
    specs: Sequence[Tool],
    *,
    toolsets: Sequence[str] = ("default",),
    tools: Sequence[str] = (),
    exclude: Sequence[str] = (),
    read_only: bool = False,
) -> list[Tool]:
    """The tools to expose (specs or their cards), in the order of `specs`."""
    names = {spec.name for spec in specs}
    chosen_sets: set[str] = set()
    for toolset in toolsets:
        if toolset == "all":
            chosen_sets.update(TOOLSETS)
        elif toolset == "default":
            chosen_sets.update(DEFAULT_TOOLSETS)
        elif toolset in TOOLSETS:
            chosen_sets.add(toolset)
        else:
            raise _unknown("toolset", toolset, [*TOOLSETS, "default", "all"])
    for name in (*tools, *exclude):
        if name not in names:
            raise _unknown("tool", name, names)
    wanted = set(tools)
    excluded = set(exclude)
    return [
        spec
        for spec in specs
        if (spec.toolset in chosen_sets or spec.name in wanted)
        and spec.name not in excluded
        and (spec.read_only or not read_only)
    ]
