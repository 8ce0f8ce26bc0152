"""Which operations of xero-python's AccountingApi the contract tests cover, and which the sandbox does not emulate.

``NOT_EMULATED`` maps each operation the sandbox does not serve to the reason. Every other operation must be named
by a contract test's ``sdk_operation`` marker; tests/xero_sdk/test_census.py checks both lists against the SDK.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

from xero_python.accounting import AccountingApi

_RETIRED = "Xero is retiring the classic expenses API (Receipts deprecated, ExpenseClaims disabled; reference §5.15)"
_PAYMENT_SERVICES = "payment services need the paymentservices scope and a payment gateway the sandbox has no model of"
_CIS = "the Construction Industry Scheme applies to UK organisations only; the sandbox's organisations are not UK ones"
_PUBLISHED = (
    "published reports (GST and BAS returns) are not emulated: GET /Reports lists none, so no ReportID can be read"
)
_SETUP = "POST /Setup (conversion balances for a new organisation) is outside the records the sandbox keeps"

NOT_EMULATED: dict[str, str] = {
    **dict.fromkeys(
        (
            "create_receipt",
            "get_receipt",
            "get_receipts",
            "update_receipt",
            "get_receipt_history",
            "create_receipt_history",
            "get_receipt_attachments",
            "get_receipt_attachment_by_id",
            "get_receipt_attachment_by_file_name",
            "create_receipt_attachment_by_file_name",
            "update_receipt_attachment_by_file_name",
            "create_expense_claims",
            "get_expense_claim",
            "get_expense_claims",
            "update_expense_claim",
            "get_expense_claim_history",
            "create_expense_claim_history",
        ),
        _RETIRED,
    ),
    **dict.fromkeys(
        (
            "get_payment_services",
            "create_payment_service",
            "get_branding_theme_payment_services",
            "create_branding_theme_payment_services",
        ),
        _PAYMENT_SERVICES,
    ),
    "get_contact_cis_settings": _CIS,
    "get_organisation_cis_settings": _CIS,
    "get_report_from_id": _PUBLISHED,
    "post_setup": _SETUP,
}


def _named_operations(marks: list[Any]) -> list[str]:
    """The operations ``sdk_operation`` marks name, on a test or on its parametrized cases."""
    names: list[str] = []
    for mark in marks:
        if mark.name == "sdk_operation":
            names.extend(mark.args)
        elif mark.name == "parametrize":
            for case in mark.args[1]:
                # pytest.param(...) cases carry their own marks (MarkDecorators), plain values none.
                case_marks = getattr(case, "marks", ())
                names.extend(_named_operations([getattr(m, "mark", m) for m in case_marks]))
    return names


def sdk_operations() -> set[str]:
    """Every operation of the SDK's AccountingApi (its public methods, less the two URL helpers)."""
    helpers = {"get_resource_url", "get_model_finder"}
    return {
        name
        for name, _ in inspect.getmembers(AccountingApi, inspect.isfunction)
        if not name.startswith("_") and not name.endswith("_with_http_info") and name not in helpers
    }


def operations_under_contract() -> dict[str, list[str]]:
    """Operation -> the contract tests (module::function) that name it in their ``sdk_operation`` marker."""
    import tests.xero_sdk as package

    found: dict[str, list[str]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        if not module_info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for name, function in vars(module).items():
            if not name.startswith("test_"):
                continue
            for operation in _named_operations(getattr(function, "pytestmark", [])):
                found.setdefault(operation, []).append(f"{module_info.name}::{name}")
    return found
