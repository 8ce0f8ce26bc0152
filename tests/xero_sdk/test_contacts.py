"""Contract tests: contacts, contact groups and contact history."""

from __future__ import annotations

import pytest
from xero_python.accounting import Contact, ContactGroup, ContactGroups, Contacts
from xero_python.exceptions import ApiException

from tests.xero_sdk.conftest import Xero
from tests.xero_sdk.helpers import new_contact, unique


@pytest.mark.sdk_operation("create_contacts")
def test_creating_a_contact_returns_it_with_an_id_and_active_status(xero: Xero) -> None:
    name = unique("Acme")
    created = xero.api.create_contacts(xero.tenant, Contacts(contacts=[Contact(name=name, email_address="a@b.test")]))
    contact = created.contacts[0]
    assert contact.name == name
    assert contact.email_address == "a@b.test"
    assert contact.contact_status == "ACTIVE"
    assert contact.contact_id is not None


@pytest.mark.sdk_operation("create_contacts")
def test_creating_a_contact_with_a_taken_name_is_refused_with_the_element_flagged(xero: Xero) -> None:
    taken = new_contact(xero).name
    with pytest.raises(ApiException) as raised:
        xero.api.create_contacts(xero.tenant, Contacts(contacts=[Contact(name=taken)]))
    assert raised.value.status == 400
    assert "already assigned to another contact" in raised.value.body.decode()


@pytest.mark.sdk_operation("get_contacts")
def test_listing_contacts_pages_and_filters_by_where(xero: Xero) -> None:
    created = new_contact(xero, name=unique("Listed"))
    page = xero.api.get_contacts(xero.tenant, page=1, page_size=5)
    assert len(page.contacts) == 5
    assert page.pagination.page == 1
    assert page.pagination.item_count >= 31
    found = xero.api.get_contacts(xero.tenant, where=f'Name=="{created.name}"')
    assert [c.contact_id for c in found.contacts] == [created.contact_id]


@pytest.mark.sdk_operation("get_contact")
def test_getting_a_contact_by_id_returns_its_fields_and_balances(xero: Xero) -> None:
    created = new_contact(xero, first_name="Ada", last_name="Lovelace")
    contact = xero.api.get_contact(xero.tenant, created.contact_id).contacts[0]
    assert (contact.contact_id, contact.first_name, contact.last_name) == (created.contact_id, "Ada", "Lovelace")


@pytest.mark.sdk_operation("get_contact_by_contact_number")
def test_getting_a_contact_by_its_number_returns_that_contact(xero: Xero) -> None:
    created = new_contact(xero, contact_number="SDK-42")
    contact = xero.api.get_contact_by_contact_number(xero.tenant, "SDK-42").contacts[0]
    assert contact.contact_id == created.contact_id


@pytest.mark.sdk_operation("update_contact")
def test_updating_a_contact_changes_the_given_fields(xero: Xero) -> None:
    created = new_contact(xero)
    updated = xero.api.update_contact(
        xero.tenant, created.contact_id, Contacts(contacts=[Contact(email_address="new@b.test")])
    ).contacts[0]
    assert updated.email_address == "new@b.test"
    assert updated.name == created.name


@pytest.mark.sdk_operation("update_or_create_contacts")
def test_posting_contacts_updates_one_by_id_and_creates_another(xero: Xero) -> None:
    existing = new_contact(xero)
    fresh = unique("Fresh")
    body = Contacts(contacts=[Contact(contact_id=existing.contact_id, account_number="ACC-1"), Contact(name=fresh)])
    answered = xero.api.update_or_create_contacts(xero.tenant, body).contacts
    assert answered[0].contact_id == existing.contact_id
    assert answered[0].account_number == "ACC-1"
    assert answered[1].name == fresh
    assert answered[1].contact_id not in (None, existing.contact_id)


@pytest.mark.sdk_operation("update_or_create_contacts")
def test_posting_contacts_without_summarized_errors_flags_the_failing_element(xero: Xero) -> None:
    taken = new_contact(xero).name
    body = Contacts(contacts=[Contact(name=taken), Contact(name=unique("Fine"))])
    answered = xero.api.update_or_create_contacts(xero.tenant, body, summarize_errors=False).contacts
    assert [c.status_attribute_string for c in answered] == ["ERROR", "OK"]
    assert answered[0].validation_errors[0].message.startswith("The contact name")


@pytest.mark.sdk_operation("update_or_create_contacts")
def test_a_failing_contact_element_says_it_has_validation_errors(xero: Xero) -> None:
    taken = new_contact(xero).name
    answered = xero.api.update_or_create_contacts(
        xero.tenant, Contacts(contacts=[Contact(name=taken)]), summarize_errors=False
    ).contacts
    assert answered[0].has_validation_errors is True


@pytest.mark.sdk_operation("create_contact_group", "get_contact_groups")
def test_a_new_contact_group_is_listed_among_the_groups(xero: Xero) -> None:
    name = unique("Group")
    group = xero.api.create_contact_group(xero.tenant, ContactGroups(contact_groups=[ContactGroup(name=name)]))
    created = group.contact_groups[0]
    assert created.status == "ACTIVE"
    listed = xero.api.get_contact_groups(xero.tenant).contact_groups
    assert created.contact_group_id in [g.contact_group_id for g in listed]


@pytest.mark.sdk_operation("get_contact_group", "create_contact_group_contacts")
def test_contacts_added_to_a_group_are_listed_in_it(xero: Xero) -> None:
    group = xero.api.create_contact_group(xero.tenant, ContactGroups(contact_groups=[ContactGroup(name=unique("G"))]))
    group_id = group.contact_groups[0].contact_group_id
    member = new_contact(xero)
    added = xero.api.create_contact_group_contacts(
        xero.tenant, group_id, Contacts(contacts=[Contact(contact_id=member.contact_id)])
    )
    assert [c.contact_id for c in added.contacts] == [member.contact_id]
    fetched = xero.api.get_contact_group(xero.tenant, group_id).contact_groups[0]
    assert [c.contact_id for c in fetched.contacts] == [member.contact_id]


@pytest.mark.sdk_operation("update_contact_group")
def test_renaming_a_contact_group_returns_the_new_name(xero: Xero) -> None:
    group = xero.api.create_contact_group(xero.tenant, ContactGroups(contact_groups=[ContactGroup(name=unique("G"))]))
    group_id = group.contact_groups[0].contact_group_id
    renamed = unique("Renamed")
    body = ContactGroups(contact_groups=[ContactGroup(name=renamed)])
    assert xero.api.update_contact_group(xero.tenant, group_id, body).contact_groups[0].name == renamed


@pytest.mark.sdk_operation("delete_contact_group_contact", "delete_contact_group_contacts")
def test_removing_contacts_from_a_group_empties_it(xero: Xero) -> None:
    group = xero.api.create_contact_group(xero.tenant, ContactGroups(contact_groups=[ContactGroup(name=unique("G"))]))
    group_id = group.contact_groups[0].contact_group_id
    first, second = new_contact(xero), new_contact(xero)
    body = Contacts(contacts=[Contact(contact_id=first.contact_id), Contact(contact_id=second.contact_id)])
    xero.api.create_contact_group_contacts(xero.tenant, group_id, body)
    xero.api.delete_contact_group_contact(xero.tenant, group_id, first.contact_id)
    remaining = xero.api.get_contact_group(xero.tenant, group_id).contact_groups[0].contacts
    assert [c.contact_id for c in remaining] == [second.contact_id]
    xero.api.delete_contact_group_contacts(xero.tenant, group_id)
    assert not xero.api.get_contact_group(xero.tenant, group_id).contact_groups[0].contacts
