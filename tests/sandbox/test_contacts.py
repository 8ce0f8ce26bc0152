"""Contacts and contact groups through the emulated API (reference §5.1), with Xero's envelope and errors (§2)."""

from __future__ import annotations

import httpx2

from xero_mcp.sandbox.app import Sandbox


async def test_put_contact_answers_xero_envelope_with_the_new_contact(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2: Id, Status OK, ProviderName, DateTimeUTC and the plural key."""
    response = await api.put("/Contacts", json={"Contacts": [{"Name": "Harbour Bakery", "EmailAddress": "a@hb.test"}]})
    assert response.status_code == 200
    body = response.json()
    assert body["Status"] == "OK"
    assert body["DateTimeUTC"].startswith("/Date(")
    assert set(body) >= {"Id", "ProviderName", "Contacts"}
    [contact] = body["Contacts"]
    assert contact["Name"] == "Harbour Bakery"
    assert contact["ContactStatus"] == "ACTIVE"
    assert contact["UpdatedDateUTC"].startswith("/Date(") and contact["UpdatedDateUTC"].endswith("+0000)/")


async def test_contact_name_must_be_unique_among_active_contacts(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: a second active contact with the same name is a 400 ValidationException."""
    await api.put("/Contacts", json={"Name": "Buzz Lightyear"})
    response = await api.put("/Contacts", json={"Name": "Buzz Lightyear"})
    assert response.status_code == 400
    body = response.json()
    assert body["ErrorNumber"] == 10
    assert body["Type"] == "ValidationException"
    assert body["Message"] == "A validation exception occurred"
    [element] = body["Elements"]
    assert element["Name"] == "Buzz Lightyear"
    assert element["ValidationErrors"] == [
        {
            "Message": "The contact name Buzz Lightyear is already assigned to another contact. The contact name "
            "must be unique across all active contacts."
        }
    ]


async def test_archived_contact_frees_its_name_and_is_hidden_unless_include_archived(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: archived contacts may share a name and are listed only with includeArchived=true."""
    created = (await api.put("/Contacts", json={"Name": "Old Name Co"})).json()["Contacts"][0]
    archived = await api.post(f"/Contacts/{created['ContactID']}", json={"ContactStatus": "ARCHIVED"})
    assert archived.json()["Contacts"][0]["ContactStatus"] == "ARCHIVED"
    assert (await api.put("/Contacts", json={"Name": "Old Name Co"})).status_code == 200
    listed = (await api.get("/Contacts", params={"where": 'Name=="Old Name Co"'})).json()["Contacts"]
    assert [c["ContactStatus"] for c in listed] == ["ACTIVE"]
    everything = await api.get("/Contacts", params={"where": 'Name=="Old Name Co"', "includeArchived": "true"})
    assert sorted(c["ContactStatus"] for c in everything.json()["Contacts"]) == ["ACTIVE", "ARCHIVED"]


async def test_summarised_batch_with_one_bad_element_writes_nothing(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: without summarizeErrors=false any failing element fails the whole request atomically."""
    batch = {"Contacts": [{"Name": "Batch One"}, {"Name": "Batch Two", "EmailAddress": "not an email"}]}
    response = await api.put("/Contacts", json=batch)
    assert response.status_code == 400
    assert [e["Name"] for e in response.json()["Elements"]] == ["Batch Two"]
    found = await api.get("/Contacts", params={"where": 'Name.StartsWith("Batch")'})
    assert found.json()["Contacts"] == []


async def test_unsummarised_batch_reports_each_element_and_keeps_the_good_ones(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.2: summarizeErrors=false answers 200 with StatusAttributeString per element."""
    batch = {"Contacts": [{"Name": "Batch One"}, {"Name": "Batch Two", "EmailAddress": "not an email"}]}
    response = await api.put("/Contacts", params={"summarizeErrors": "false"}, json=batch)
    assert response.status_code == 200
    first, second = response.json()["Contacts"]
    assert first["StatusAttributeString"] == "OK"
    assert second["StatusAttributeString"] == "ERROR"
    assert second["ValidationErrors"] == [{"Message": "Email address must be valid."}]
    found = await api.get("/Contacts", params={"where": 'Name.StartsWith("Batch")'})
    assert [c["Name"] for c in found.json()["Contacts"]] == ["Batch One"]


async def test_put_only_creates_while_post_updates_the_matched_contact(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.1: PUT creates only; POST creates or updates (matched by ContactID or ContactNumber)."""
    created = (await api.put("/Contacts", json={"Name": "Upsert Ltd", "ContactNumber": "UP-1"})).json()["Contacts"][0]
    updated = await api.post("/Contacts", json={"Contacts": [{"ContactNumber": "UP-1", "FirstName": "Ada"}]})
    [contact] = updated.json()["Contacts"]
    assert contact["ContactID"] == created["ContactID"]
    assert contact["FirstName"] == "Ada"
    fresh = await api.post("/Contacts", json={"Name": "Brand New Ltd"})
    assert fresh.json()["Contacts"][0]["ContactID"] != created["ContactID"]


async def test_contact_is_read_by_id_or_by_contact_number(api: httpx2.AsyncClient) -> None:
    """xero-api.md §1: a GUID in the path is an ID, anything else a number."""
    created = (await api.put("/Contacts", json={"Name": "Path Rule Ltd", "ContactNumber": "PR-7"})).json()
    contact_id = created["Contacts"][0]["ContactID"]
    by_id = await api.get(f"/Contacts/{contact_id.upper()}")
    by_number = await api.get("/Contacts/PR-7")
    assert by_id.json()["Contacts"][0]["ContactID"] == contact_id
    assert by_number.json()["Contacts"][0]["ContactID"] == contact_id
    assert by_id.json()["Contacts"][0]["Balances"]["AccountsReceivable"]["Outstanding"] == 0


async def test_unknown_contact_id_and_unknown_path_answer_plain_text_404(api: httpx2.AsyncClient) -> None:
    """xero-api.md §2.3: 404 is plain text "The resource you're looking for cannot be found"."""
    for path in ("/Contacts/00000000-0000-4000-8000-000000000000", "/NoSuchThing", "/Contacts/x/Nope"):
        response = await api.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == "The resource you're looking for cannot be found"


async def test_renaming_a_contact_renames_it_on_its_invoices(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: documents embed the contact's summary, which follows the contact."""
    contact = (await api.put("/Contacts", json={"Name": "Before Rename"})).json()["Contacts"][0]
    invoice = {"Type": "ACCREC", "Contact": {"ContactID": contact["ContactID"]}, "LineItems": [{"Description": "x"}]}
    created = (await api.put("/Invoices", json=invoice)).json()["Invoices"][0]
    await api.post(f"/Contacts/{contact['ContactID']}", json={"Name": "After Rename"})
    read = await api.get(f"/Invoices/{created['InvoiceID']}")
    assert read.json()["Invoices"][0]["Contact"]["Name"] == "After Rename"


async def test_contact_persons_are_limited_to_five(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: "Max 5 ContactPersons"."""
    persons = [{"FirstName": f"P{i}", "EmailAddress": f"p{i}@x.test"} for i in range(6)]
    response = await api.put("/Contacts", json={"Name": "Crowded Ltd", "ContactPersons": persons})
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"][0]["Message"] == (
        "A contact can have a maximum of 5 contact persons."
    )


async def test_is_customer_cannot_be_set_and_follows_approved_invoices(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: IsSupplier/IsCustomer "Cannot be set via PUT or POST"."""
    contact = (await api.put("/Contacts", json={"Name": "Flagged Ltd", "IsCustomer": True})).json()["Contacts"][0]
    assert contact["IsCustomer"] is False
    invoice = {
        "Type": "ACCREC",
        "Status": "AUTHORISED",
        "Contact": {"ContactID": contact["ContactID"]},
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200"}],
    }
    await api.put("/Invoices", json=invoice)
    read = await api.get(f"/Contacts/{contact['ContactID']}")
    assert read.json()["Contacts"][0]["IsCustomer"] is True


async def test_contact_groups_gain_and_lose_members(api: httpx2.AsyncClient) -> None:
    """xero-api.md §5.1: PUT/DELETE /ContactGroups/{id}/Contacts; the contact lists its groups."""
    contact = (await api.put("/Contacts", json={"Name": "Grouped Ltd"})).json()["Contacts"][0]
    group = (await api.put("/ContactGroups", json={"ContactGroups": [{"Name": "VIP"}]})).json()["ContactGroups"][0]
    added = await api.put(
        f"/ContactGroups/{group['ContactGroupID']}/Contacts", json={"Contacts": [{"ContactID": contact["ContactID"]}]}
    )
    assert added.status_code == 200
    member = (await api.get(f"/Contacts/{contact['ContactID']}")).json()["Contacts"][0]
    assert [g["Name"] for g in member["ContactGroups"]] == ["VIP"]
    removed = await api.delete(f"/ContactGroups/{group['ContactGroupID']}/Contacts/{contact['ContactID']}")
    assert removed.status_code == 204
    member = (await api.get(f"/Contacts/{contact['ContactID']}")).json()["Contacts"][0]
    assert member["ContactGroups"] == []


async def test_every_api_response_carries_the_rate_limit_headers(sandbox: Sandbox, api: httpx2.AsyncClient) -> None:
    """xero-api.md §4: X-MinLimit-Remaining, X-DayLimit-Remaining and X-AppMinLimit-Remaining on every response."""
    del sandbox
    for response in (await api.get("/Contacts"), await api.get("/NoSuchThing"), await api.put("/Contacts", json={})):
        assert {"x-minlimit-remaining", "x-daylimit-remaining", "x-appminlimit-remaining"} <= set(response.headers)
