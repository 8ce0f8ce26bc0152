"""The OAuth scopes xero-mcp asks Xero for (reference §6.4).

Apps created since March 2026 have granular scopes only; older apps may still have only the broad ones until
September 2027. Login asks for the granular set the tools need and, when Xero answers `invalid_scope`, retries once
with the broad equivalents. XERO_SCOPES replaces both. Opt-in toolsets that read what no default tool reads
(attachments, journals, budgets) add their scopes only when they are selected, so a default sign-in asks for no more
than the default tools use.
"""

from __future__ import annotations

from xero_mcp.config import Settings

# offline_access yields a refresh token, so one login lasts beyond the 30-minute access token.
GRANULAR_SCOPES: tuple[str, ...] = (
    "offline_access",
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.manualjournals",
    "accounting.settings",
    "accounting.reports.aged.read",
    "accounting.reports.balancesheet.read",
    "accounting.reports.banksummary.read",
    "accounting.reports.profitandloss.read",
    "accounting.reports.trialbalance.read",
    "accounting.reports.executivesummary.read",
    "accounting.reports.budgetsummary.read",
)
BROAD_SCOPES: tuple[str, ...] = (
    "offline_access",
    "accounting.contacts",
    "accounting.transactions",
    "accounting.settings",
    "accounting.reports.read",
)
# A custom connection has no user and no refresh token.
_USER_ONLY = {"offline_access", "openid", "profile", "email"}


TOOLSET_SCOPES: dict[str, tuple[str, ...]] = {
    "files": ("accounting.attachments",),
    "ledger": ("accounting.journals.read",),
    "budgets": ("accounting.budgets.read",),
}
"""The scopes an opt-in toolset needs beyond the default tools' (the same in Xero's granular and broad sets)."""


def _toolset_scopes(settings: Settings) -> tuple[str, ...]:
    chosen = set(TOOLSET_SCOPES) if "all" in settings.toolsets else set(settings.toolsets)
    return tuple(scope for name, scopes in TOOLSET_SCOPES.items() if name in chosen for scope in scopes)


def login_scope_plan(settings: Settings) -> list[tuple[str, ...]]:
    """The scope sets to try for a user login, in order: XERO_SCOPES alone, or granular then broad (each with the
    selected opt-in toolsets' scopes)."""
    if settings.scopes:
        return [settings.scopes]
    extra = _toolset_scopes(settings)
    return [GRANULAR_SCOPES + extra, BROAD_SCOPES + extra]


def client_credentials_scope_plan(settings: Settings) -> list[tuple[str, ...]]:
    """The scope sets to try for a custom connection, in order."""
    return [tuple(s for s in scopes if s not in _USER_ONLY) for scopes in login_scope_plan(settings)]
