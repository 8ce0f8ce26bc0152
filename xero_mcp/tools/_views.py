"""The base of every result returned to the model, and deep links into the Xero web app.

Tools never return raw Xero JSON: each result is a small pydantic model with snake_case keys named after Xero's
(`InvoiceID` -> `invoice_id`), money as Decimal (serialised as a JSON number), dates as ISO strings, and a `url`
into Xero where one exists (xero-api.md §8, built from the organisation's ShortCode). The shared result models
themselves are in `_projections`; this module stays small because the registration loads it at start-up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer
from pydantic.config import JsonDict

_LOGIN = "https://go.xero.com/organisationlogin/default.aspx?shortcode={code}&redirecturl={path}"

_PATHS: dict[str, str] = {
    "ACCREC": "/AccountsReceivable/View.aspx?InvoiceID={id}",
    "ACCPAY": "/AccountsPayable/Edit.aspx?InvoiceID={id}",
    "ACCRECCREDIT": "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}",
    "ACCPAYCREDIT": "/AccountsPayable/ViewCreditNote.aspx?creditNoteID={id}",
    "purchase_order": "/Accounts/Payable/PurchaseOrders/View/{id}/",
    "contact": "/Contacts/View/{id}",
    "bank_transaction": "/Bank/ViewTransaction.aspx?bankTransactionID={id}",
}


def deep_link(short_code: str | None, kind: str, record_id: str | None) -> str | None:
    """A link that opens the record in Xero (after the user signs in), or None when none can be built.

    `kind` is a document type (ACCREC, ACCPAY, ACCRECCREDIT, ACCPAYCREDIT) or one of purchase_order, contact,
    bank_transaction, quote.
    """
    if not short_code or not record_id:
        return None
    if kind == "quote":
        return f"https://go.xero.com/app/{quote(short_code, safe='')}/quotes/view/{record_id}"
    path = _PATHS.get(kind)
    if path is None:
        return None
    return _LOGIN.format(code=quote(short_code, safe=""), path=quote(path.format(id=record_id), safe="/"))


def _no_description(schema: JsonDict) -> None:
    schema.pop("description", None)


class View(BaseModel):
    """Base of result models: no class docstring in the published schema.

    Result models are built (validator and serializer) on a tool's first result rather than at import: start-up
    only reads their field names (subclasses inherit this).
    """

    model_config = ConfigDict(json_schema_extra=_no_description, defer_build=True)


def without_null(schema: JsonDict) -> None:
    """Schema hook: no class docstring, and optional properties declared without their `null` alternative.

    For models whose absent values are left out of the output (CompactView) or may simply be omitted (inputs), the
    `null` alternative only costs schema characters.
    """
    schema.pop("description", None)
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for prop in properties.values():
        if not isinstance(prop, dict):
            continue
        variants = prop.get("anyOf")
        if not isinstance(variants, list) or {"type": "null"} not in variants:
            continue
        rest = [variant for variant in variants if variant != {"type": "null"}]
        del prop["anyOf"]
        if prop.get("default", 0) is None:
            del prop["default"]
        if len(rest) == 1 and isinstance(rest[0], dict):
            prop.update(rest[0])
        else:
            prop["anyOf"] = rest


class CompactView(View):
    """A result model whose absent (None) fields are left out of the output rather than sent as null."""

    model_config = ConfigDict(json_schema_extra=without_null)

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        return {key: value for key, value in data.items() if value is not None}
