"""Contacts and contact groups (reference §5.1).

Rules: a contact's Name is unique among active contacts (archived ones may share it) and so is its ContactNumber;
at most 5 ContactPersons; IsSupplier/IsCustomer cannot be set through the API (they follow the contact's
approved bills and invoices); there is no DELETE, a contact is archived with ``ContactStatus: ARCHIVED`` and
archived contacts are hidden from lists unless ``includeArchived=true``. Documents that embed a contact
(invoices, quotes, ...) carry a summary that follows the contact when it is renamed. Contact groups: at most 100,
deleted with ``Status: DELETED``, membership through ``/ContactGroups/{id}/Contacts``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from xero_mcp.sandbox.rules.common import (
    ZERO,
    Ctx,
    NotFound,
    RuleError,
    as_doc,
    check_unique_number,
    element_list,
    find_addressed,
    flag,
    is_guid,
    new_id,
    required_text,
    save_change,
    set_updated,
    stored_date,
    text,
    upper,
)
from xero_mcp.sandbox.state import Doc, dump_json

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TEXT_FIELDS: tuple[tuple[str, int | None], ...] = (
    ("FirstName", 255),
    ("LastName", 255),
    ("CompanyNumber", 50),
    ("AccountNumber", 50),
    ("BankAccountDetails", None),
    ("TaxNumber", 50),
    ("AccountsReceivableTaxType", None),
    ("AccountsPayableTaxType", None),
    ("XeroNetworkKey", None),
    ("SalesDefaultAccountCode", None),
    ("PurchasesDefaultAccountCode", None),
    ("Website", None),
)
_ADDRESS_FIELDS = (
    "AddressType",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "AddressLine4",
    "City",
    "Region",
    "PostalCode",
    "Country",
    "AttentionTo",
)
_PHONE_FIELDS = ("PhoneType", "PhoneNumber", "PhoneAreaCode", "PhoneCountryCode")
# Documents that embed a contact summary, refreshed when the contact changes.
EMBEDDING_COLLECTIONS = ("Invoices", "CreditNotes", "Quotes", "PurchaseOrders", "BankTransactions")


def _objects(value: Any, name: str) -> list[Doc]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):  # pyright: ignore[reportUnknownVariableType]
        raise RuleError(f"{name} must be a list of objects.")
    return list(value)  # pyright: ignore[reportUnknownArgumentType]


def _typed_entries(
    value: Any, name: str, fields: tuple[str, ...], kinds: tuple[str, ...], max_length: int, hint: str = ""
) -> list[Doc]:
    """Addresses or phones: objects whose type (the first of `fields`) is one of `kinds`, the first by default."""
    type_key = fields[0]
    result: list[Doc] = []
    for raw in _objects(value, name):
        kind = upper(raw, type_key) or kinds[0]
        if kind not in kinds:
            raise RuleError(f"{type_key} '{kind}' is not valid{hint}.")
        entry = {key: text(raw, key, max_length=max_length) for key in fields if raw.get(key) is not None}
        entry[type_key] = kind
        result.append(entry)
    return result


def _addresses(value: Any) -> list[Doc]:
    kinds = ("POBOX", "STREET", "DELIVERY")
    return _typed_entries(value, "Addresses", _ADDRESS_FIELDS, kinds, 500, hint=": use POBOX or STREET")


def _phones(value: Any) -> list[Doc]:
    return _typed_entries(value, "Phones", _PHONE_FIELDS, ("DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE"), 50)


def _persons(value: Any) -> list[Doc]:
    persons = _objects(value, "ContactPersons")
    if len(persons) > 5:
        raise RuleError("A contact can have a maximum of 5 contact persons.")
    result: list[Doc] = []
    for raw in persons:
        email = text(raw, "EmailAddress", max_length=255)
        if email and _EMAIL.fullmatch(email) is None:
            raise RuleError("Email address must be valid.")
        person: Doc = {key: text(raw, key, max_length=255) for key in ("FirstName", "LastName") if raw.get(key)}
        if email is not None:
            person["EmailAddress"] = email
        person["IncludeInEmails"] = bool(flag(raw, "IncludeInEmails"))
        result.append(person)
    return result


def _active_named(ctx: Ctx, name: str, exclude: str | None) -> bool:
    for other in ctx.state.find(ctx.tenant_id, "Contacts", "name", name):
        if other["ContactID"] != exclude and other["ContactStatus"] == "ACTIVE":
            return True
    return False


def _apply(ctx: Ctx, doc: Doc, raw: Doc) -> None:
    if "Name" in raw:
        doc["Name"] = required_text(raw, "Name", 255, "The contact name must not be empty.")
    for key, limit in _TEXT_FIELDS:
        if key in raw:
            value = text(raw, key, max_length=limit)
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
    if "ContactNumber" in raw:
        number = text(raw, "ContactNumber", max_length=50)
        if number:
            doc["ContactNumber"] = number
            check_unique_number(
                ctx, "Contacts", doc, f"The contact number {number} is already assigned to another contact."
            )
    if "EmailAddress" in raw:
        email = text(raw, "EmailAddress", max_length=255) or ""
        if email and _EMAIL.fullmatch(email) is None:
            raise RuleError("Email address must be valid.")
        doc["EmailAddress"] = email
    if "ContactStatus" in raw:
        status = upper(raw, "ContactStatus")
        if status not in ("ACTIVE", "ARCHIVED", "GDPRREQUEST"):
            raise RuleError(f"ContactStatus '{status}' is not valid: use ACTIVE or ARCHIVED.")
        doc["ContactStatus"] = status
    if "Addresses" in raw:
        doc["Addresses"] = _addresses(raw["Addresses"])
    if "Phones" in raw:
        doc["Phones"] = _phones(raw["Phones"])
    if "ContactPersons" in raw:
        doc["ContactPersons"] = _persons(raw["ContactPersons"])
    if raw.get("DefaultCurrency"):
        code = upper(raw, "DefaultCurrency") or ""
        if ctx.get("Currencies", code) is None:
            raise RuleError(f"Organisation is not subscribed to currency {code}")
        doc["DefaultCurrency"] = code
    for key in ("SalesDefaultLineAmountType", "PurchasesDefaultLineAmountType"):
        if key in raw and raw[key] is not None:
            value = upper(raw, key)
            if value not in ("INCLUSIVE", "EXCLUSIVE", "NONE"):
                raise RuleError(f"{key} '{value}' is not valid.")
            doc[key] = value
    if isinstance(raw.get("PaymentTerms"), dict):
        doc["PaymentTerms"] = raw["PaymentTerms"]
    if doc["ContactStatus"] == "ACTIVE" and _active_named(ctx, doc["Name"], doc["ContactID"]):
        raise RuleError(
            f"The contact name {doc['Name']} is already assigned to another contact. The contact name must be "
            "unique across all active contacts."
        )


def create(ctx: Ctx, raw: Doc) -> Doc:
    """A new contact (PUT, or POST without a match). Name is required."""
    if not text(raw, "Name"):
        raise RuleError("The Contact must contain at least 1 of the following elements to identify the contact: Name")
    doc: Doc = {
        "ContactID": new_id(),
        "ContactStatus": "ACTIVE",
        "Name": "",
        "EmailAddress": "",
        "Addresses": [],
        "Phones": [],
        "ContactPersons": [],
        "IsSupplier": False,
        "IsCustomer": False,
        "ContactGroups": [],
        "HasAttachments": False,
        "HasValidationErrors": False,
    }
    _apply(ctx, doc, raw)
    return save_change(ctx, "Contacts", doc, None, "Created", f"Contact {doc['Name']} created.")


def update(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Change a contact; renaming refreshes the summary embedded in its documents."""
    doc = dict(existing)
    _apply(ctx, doc, raw)
    saved = save_change(ctx, "Contacts", doc, existing, "Updated", f"Contact {doc['Name']} updated.")
    if summary(existing) != summary(saved):
        refresh_embedded(ctx, saved)
    return saved


def match(ctx: Ctx, raw: Doc) -> Doc | None:
    """The contact a POST element addresses: by ContactID, else by ContactNumber."""
    return find_addressed(ctx, raw, "Contacts", "Contact")


def summary(contact: Doc) -> Doc:
    """The contact as embedded in invoices, quotes and other documents."""
    result: Doc = {"ContactID": contact["ContactID"]}
    if contact.get("ContactNumber"):
        result["ContactNumber"] = contact["ContactNumber"]
    result["Name"] = contact["Name"]
    if contact.get("EmailAddress"):
        result["EmailAddress"] = contact["EmailAddress"]
    result["ContactStatus"] = contact["ContactStatus"]
    result["HasValidationErrors"] = False
    return result


def refresh_embedded(ctx: Ctx, contact: Doc) -> None:
    """Rewrite the contact summary inside every document that embeds this contact (one indexed UPDATE)."""
    ctx.state.conn.execute(
        "UPDATE documents SET doc = json_set(doc, '$.Contact', json(?)) "  # noqa: S608 - placeholders only
        f"WHERE tenant_id = ? AND contact_id = ? AND kind IN ({', '.join('?' for _ in EMBEDDING_COLLECTIONS)})",
        (dump_json(summary(contact)), ctx.tenant_id, contact["ContactID"], *EMBEDDING_COLLECTIONS),
    )


def resolve(ctx: Ctx, raw: Any, *, create_missing: bool) -> Doc:
    """The contact a document's ``Contact`` names (by ContactID, ContactNumber or Name); its summary.

    Invoices, credit notes, quotes and bank transactions create a contact named in the request when none exists
    (and extra fields sent with an existing contact update it); purchase orders do not create contacts.
    """
    element = as_doc(raw)
    if element is None or not any(element.get(k) for k in ("ContactID", "ContactNumber", "Name")):
        raise RuleError(
            "The Contact must contain at least 1 of the following elements to identify the contact: Name, "
            "ContactID, ContactNumber"
        )
    found = match(ctx, element)
    if found is None and element.get("Name"):
        active = [c for c in ctx.state.find(ctx.tenant_id, "Contacts", "name", str(element["Name"]))]
        active.sort(key=lambda c: c["ContactStatus"] != "ACTIVE")
        found = active[0] if active else None
    if found is None:
        if not create_missing or not element.get("Name"):
            raise RuleError("The contact could not be found. Provide an existing ContactID, ContactNumber or Name.")
        found = create(ctx, element)
    else:
        changes = {k: v for k, v in element.items() if k not in ("ContactID", "ContactNumber") and k in _UPDATABLE}
        if changes and create_missing:
            found = update(ctx, found, changes)
    return summary(found)


def set_contact(ctx: Ctx, doc: Doc, raw: Doc, existing: Doc | None, *, create_missing: bool) -> None:
    """Set a document's Contact from the element's: required on a new document, changed on an old one when sent."""
    if "Contact" in raw or existing is None:
        if raw.get("Contact") is None:
            raise RuleError("A Contact must be specified for this type of transaction")
        doc["Contact"] = resolve(ctx, raw["Contact"], create_missing=create_missing)


_UPDATABLE = frozenset(
    {"EmailAddress", "FirstName", "LastName", "Addresses", "Phones", "ContactPersons", "AccountNumber", "TaxNumber"}
)


def mark_trading(ctx: Ctx, contact_id: str, invoice_type: str) -> None:
    """Flag a contact as customer (ACCREC) or supplier (ACCPAY); Xero does not bump UpdatedDateUTC for this."""
    contact = ctx.get("Contacts", contact_id)
    if contact is None:
        return
    key = "IsCustomer" if invoice_type in ("ACCREC", "ACCRECCREDIT") else "IsSupplier"
    if not contact.get(key):
        contact[key] = True
        ctx.state.put(ctx.tenant_id, "Contacts", contact)


def with_balances(ctx: Ctx, contact: Doc) -> Doc:
    """A contact with Balances (outstanding and overdue receivables and payables), as a single GET returns it."""
    rows = ctx.state.conn.execute(
        "SELECT type, json_extract(doc, '$.AmountDue'), json_extract(doc, '$.DueDate') FROM documents "
        "WHERE tenant_id = ? AND kind = 'Invoices' AND contact_id = ? AND status = 'AUTHORISED'",
        (ctx.tenant_id, contact["ContactID"]),
    ).fetchall()
    today = ctx.today()
    balances = {"ACCREC": [ZERO, ZERO], "ACCPAY": [ZERO, ZERO]}
    for invoice_type, due, due_date in rows:
        amount = Decimal(str(due or 0))
        bucket = balances.get(invoice_type)
        if bucket is None:
            continue
        bucket[0] += amount
        if due_date and stored_date(due_date) < today:
            bucket[1] += amount
    result = dict(contact)
    result["Balances"] = {
        "AccountsReceivable": {"Outstanding": balances["ACCREC"][0], "Overdue": balances["ACCREC"][1]},
        "AccountsPayable": {"Outstanding": balances["ACCPAY"][0], "Overdue": balances["ACCPAY"][1]},
    }
    return result


def summary_only(contact: Doc) -> Doc:
    """The lightweight list form (summaryOnly=true): no addresses, phones, persons or groups."""
    return {k: v for k, v in contact.items() if k not in ("Addresses", "Phones", "ContactPersons", "ContactGroups")}


# --- contact groups ----------------------------------------------------------------------------------------------


def _group_entry(group: Doc) -> Doc:
    return {"ContactGroupID": group["ContactGroupID"], "Name": group["Name"], "Status": group["Status"], "Contacts": []}


def _set_membership(ctx: Ctx, group: Doc, contact_id: str, member: bool) -> None:
    contact = ctx.get("Contacts", contact_id)
    if contact is None:
        return
    groups = [g for g in contact.get("ContactGroups", []) if g["ContactGroupID"] != group["ContactGroupID"]]
    if member and group["Status"] == "ACTIVE":
        groups.append(_group_entry(group))
    if groups != contact.get("ContactGroups", []):
        contact["ContactGroups"] = groups
        set_updated(contact, ctx)
        ctx.save("Contacts", contact)


def create_group(ctx: Ctx, raw: Doc) -> Doc:
    """A new contact group; at most 100 per organisation."""
    name = required_text(raw, "Name", 255, "A contact group needs a Name.")
    if ctx.state.count(ctx.tenant_id, "ContactGroups", where="status = 'ACTIVE'") >= 100:
        raise RuleError("You’ve reached the limit of 100 contact groups.")
    for other in ctx.state.find(ctx.tenant_id, "ContactGroups", "name", name):
        if other["Status"] == "ACTIVE":
            raise RuleError(f"A contact group named {name} already exists.")
    group: Doc = {"ContactGroupID": new_id(), "Name": name, "Status": "ACTIVE", "Contacts": []}
    ctx.save("ContactGroups", group)
    return group


def update_group(ctx: Ctx, existing: Doc, raw: Doc) -> Doc:
    """Rename a contact group, or delete it with Status DELETED (its contacts leave it)."""
    group = dict(existing)
    if existing["Status"] == "DELETED":
        raise RuleError("This contact group has been deleted.")
    if raw.get("Name"):
        group["Name"] = text(raw, "Name", max_length=255)
    status = upper(raw, "Status")
    if status is not None:
        if status not in ("ACTIVE", "DELETED"):
            raise RuleError(f"Status '{status}' is not valid for a contact group.")
        group["Status"] = status
    ctx.save("ContactGroups", group)
    for member in group.get("Contacts", []):
        _set_membership(ctx, group, member["ContactID"], group["Status"] == "ACTIVE")
    return group


def add_group_contacts(ctx: Ctx, group: Doc, body: Any) -> list[Doc]:
    """Add contacts (by ContactID) to a group; returns the contacts added."""
    if group["Status"] != "ACTIVE":
        raise RuleError("Contacts cannot be added to a deleted contact group.")
    added: list[Doc] = []
    members = list(group.get("Contacts", []))
    for raw in element_list(body, "Contacts"):
        contact_id = (as_doc(raw) or {}).get("ContactID")
        contact = ctx.get("Contacts", str(contact_id)) if is_guid(contact_id) else None
        if contact is None:
            raise RuleError(f"The contact with ContactID {contact_id} could not be found.")
        entry = {"ContactID": contact["ContactID"], "Name": contact["Name"]}
        if all(m["ContactID"] != contact["ContactID"] for m in members):
            members.append(entry)
        added.append(entry)
    group["Contacts"] = members
    ctx.save("ContactGroups", group)
    for entry in added:
        _set_membership(ctx, group, entry["ContactID"], True)
    return added


def remove_group_contacts(ctx: Ctx, group: Doc, contact_id: str | None) -> None:
    """Remove one contact (or, with None, every contact) from a group."""
    members = group.get("Contacts", [])
    if contact_id is not None and all(m["ContactID"] != contact_id.lower() for m in members):
        raise NotFound(contact_id)
    leaving = [m for m in members if contact_id is None or m["ContactID"] == contact_id.lower()]
    group["Contacts"] = [m for m in members if m not in leaving]
    ctx.save("ContactGroups", group)
    for member in leaving:
        _set_membership(ctx, group, member["ContactID"], False)
