"""Refused elements raise Xero's error flags (xero-api.md §2.2); `where`/`order` on fields a record type lacks, or a
comparison of mismatched kinds, is Xero's 400 query-parse error instead of an empty list (§2.4)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.openapi_check import load_spec
from tests.sandbox.helpers import SALES_LINE
from tests.sandbox.spec_fields import spec_collection_type, spec_field_kinds
from xero_mcp.sandbox.fields import COLLECTION_TYPES, FIELD_KINDS

_BAD_INVOICE: dict[str, Any] = {"Type": "ACCREC", "Contact": {"Name": "Flag Test"}, "LineItems": [], "HasErrors": False}
_GOOD_INVOICE: dict[str, Any] = {"Type": "ACCREC", "Contact": {"Name": "Flag Test"}, "LineItems": [SALES_LINE]}
_BAD_CONTACT: dict[str, Any] = {"Name": "", "HasValidationErrors": False}
_BAD_PAYMENT: dict[str, Any] = {"Invoice": {"InvoiceNumber": "NO-SUCH"}, "Account": {"Code": "090"}, "Amount": 1}
_BAD_PAYMENT["HasValidationErrors"] = False


def test_the_field_table_is_the_one_xeros_spec_describes() -> None:
    """The sandbox's field kinds are derived from the spec's schemas, so a spec update shows up as a failing diff."""
    spec = load_spec()
    assert {collection: spec_collection_type(spec, collection) for collection in COLLECTION_TYPES} == COLLECTION_TYPES
    assert spec_field_kinds(spec, COLLECTION_TYPES) == FIELD_KINDS


@pytest.mark.parametrize(
    ("plural", "element", "flag"),
    [
        ("Invoices", _BAD_INVOICE, "HasErrors"),
        ("Contacts", _BAD_CONTACT, "HasValidationErrors"),
        ("Payments", _BAD_PAYMENT, "HasValidationErrors"),
    ],
)
@pytest.mark.parametrize("summarize", [None, "false"])
async def test_a_refused_element_says_it_has_errors_whatever_the_request_said(
    api: httpx2.AsyncClient, plural: str, element: dict[str, Any], flag: str, summarize: str | None
) -> None:
    """The echoed element of a failed write carries its error flag set to true, not the request's false."""
    params = {"summarizeErrors": summarize} if summarize else {}
    response = await api.put(f"/{plural}", params=params, json={plural: [element]})
    body = response.json()
    if summarize is None:
        assert response.status_code == 400
        echoed = body["Elements"][0]
    else:
        assert response.status_code == 200
        echoed = body[plural][0]
        assert echoed["StatusAttributeString"] == "ERROR"
    assert echoed[flag] is True
    assert echoed["ValidationErrors"]


async def test_a_written_element_beside_a_refused_one_keeps_its_flag_false(api: httpx2.AsyncClient) -> None:
    """With summarizeErrors=false only the refused element is flagged."""
    batch = {"Invoices": [_GOOD_INVOICE, _BAD_INVOICE]}
    response = await api.put("/Invoices", params={"summarizeErrors": "false"}, json=batch)
    good, bad = response.json()["Invoices"]
    assert (good["StatusAttributeString"], good["HasErrors"]) == ("OK", False)
    assert (bad["StatusAttributeString"], bad["HasErrors"]) == ("ERROR", True)


def _parse_error(response: httpx2.Response) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["Type"] == "QueryParseException"
    return str(body["Message"])


@pytest.mark.parametrize(
    ("path", "where", "message"),
    [
        ("/Invoices", 'Colour=="red"', "No property or field 'Colour' exists in type 'Invoice'"),
        ("/Contacts", 'Contact.Name=="x"', "No property or field 'Contact' exists in type 'Contact'"),
        ("/Invoices", 'Contact.Nickname=="x"', "No property or field 'Nickname' exists in type 'Contact'"),
        ("/Invoices", 'Total>"abc"', "Operator '>' incompatible with operand types 'Decimal' and 'String'"),
        ("/Invoices", "Status==5", "Operator '==' incompatible with operand types 'String' and 'Int32'"),
        ("/Items", 'IsSold=="yes"', "Operator '==' incompatible with operand types 'Boolean' and 'String'"),
        ("/Invoices", 'Total.Contains("1")', "No applicable method 'Contains' exists in type 'Decimal'"),
    ],
)
async def test_a_where_on_a_missing_field_or_a_mismatched_kind_is_a_query_parse_error(
    api: httpx2.AsyncClient, path: str, where: str, message: str
) -> None:
    """Xero parses `where` against the record type (System.Linq.Dynamic's wording), it does not return nothing."""
    assert _parse_error(await api.get(path, params={"where": where})) == message


async def test_an_order_on_a_missing_field_is_a_query_parse_error(api: httpx2.AsyncClient) -> None:
    """`order` names fields of the record type too."""
    message = _parse_error(await api.get("/Contacts", params={"order": "Colour DESC"}))
    assert message == "No property or field 'Colour' exists in type 'Contact'"


async def test_field_names_match_whatever_their_case_and_nested_fields_resolve(api: httpx2.AsyncClient) -> None:
    """Known fields in any case, and fields of nested records, still filter as before."""
    response = await api.get("/Invoices", params={"where": 'contact.name!=null AND total>=0 AND type=="ACCREC"'})
    assert response.status_code == 200
    assert response.json()["Invoices"]
    assert all(invoice["Type"] == "ACCREC" for invoice in response.json()["Invoices"])
