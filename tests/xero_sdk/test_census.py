"""The census: every xero-python AccountingApi operation has a contract test or a stated reason it is not emulated."""

from __future__ import annotations

from tests.xero_sdk.census import NOT_EMULATED, operations_under_contract, sdk_operations


def test_every_sdk_operation_is_either_contract_tested_or_listed_as_not_emulated() -> None:
    missing = sdk_operations() - set(operations_under_contract()) - set(NOT_EMULATED)
    assert not missing, f"operations with neither a contract test nor a reason: {sorted(missing)}"


def test_no_operation_is_both_contract_tested_and_listed_as_not_emulated() -> None:
    assert not set(operations_under_contract()) & set(NOT_EMULATED)


def test_the_census_names_only_operations_the_sdk_has() -> None:
    unknown = (set(operations_under_contract()) | set(NOT_EMULATED)) - sdk_operations()
    assert not unknown, f"not operations of AccountingApi: {sorted(unknown)}"
