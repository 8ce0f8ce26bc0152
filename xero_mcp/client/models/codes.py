"""Closed sets of Xero codes that the tools publish in their schemas as well as the client's models use.

Kept apart from the models so that the tools can name them at start-up without building any pydantic model (see the
package docstring). tests/test_startup.py checks each against Xero's OpenAPI spec.
"""

from __future__ import annotations

from typing import Literal

AccountType = Literal[
    "BANK",
    "CURRENT",
    "CURRLIAB",
    "DEPRECIATN",
    "DIRECTCOSTS",
    "EQUITY",
    "EXPENSE",
    "FIXED",
    "INVENTORY",
    "LIABILITY",
    "NONCURRENT",
    "OTHERINCOME",
    "OVERHEADS",
    "PREPAYMENT",
    "REVENUE",
    "SALES",
    "TERMLIAB",
    "PAYG",
]
"""Xero's account types (the spec's `AccountType` enum, in its order)."""
