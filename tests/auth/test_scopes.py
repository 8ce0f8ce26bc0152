"""The scopes a sign-in asks for follow the tools it serves: opt-in toolsets that read attachments, journals or
budgets add their scopes only when selected."""

from __future__ import annotations

from xero_mcp.auth.scopes import BROAD_SCOPES, GRANULAR_SCOPES, login_scope_plan
from xero_mcp.config import Settings


def test_the_default_tools_ask_for_no_attachment_journal_or_budget_scope() -> None:
    granular, broad = login_scope_plan(Settings())
    assert (granular, broad) == (GRANULAR_SCOPES, BROAD_SCOPES)
    assert "accounting.reports.executivesummary.read" in granular  # get_report's ExecutiveSummary


def test_selected_opt_in_toolsets_add_their_scopes_to_both_plans() -> None:
    granular, broad = login_scope_plan(Settings(toolsets=("default", "files", "budgets")))
    added = ("accounting.attachments", "accounting.budgets.read")
    assert granular == (*GRANULAR_SCOPES, *added) and broad == (*BROAD_SCOPES, *added)
    everything = login_scope_plan(Settings(toolsets=("all",)))[0]
    assert "accounting.journals.read" in everything


def test_xero_scopes_still_replace_the_plan() -> None:
    assert login_scope_plan(Settings(scopes=("accounting.invoices",), toolsets=("all",))) == [("accounting.invoices",)]
