"""Contacts and contact groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from xero_mcp.client.batching import BatchOutcome
from xero_mcp.client.models.contacts import (
    Contact,
    ContactCreate,
    ContactGroup,
    ContactGroupCreate,
    ContactGroupUpdate,
    ContactUpdate,
)
from xero_mcp.client.pagination import Order, Page, Where, items_of
from xero_mcp.client.resources._base import Resource, query, segment, uuid_segment

PATH = "/Contacts"
KEY = "Contacts"


class ContactsResource(Resource):
    """`/Contacts`: customers and suppliers (no delete: archive with `contact_status="ARCHIVED"`)."""

    async def list(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        ids: Sequence[UUID | str] | None = None,
        include_archived: bool | None = None,
        summary_only: bool | None = None,
        search_term: str | None = None,
        if_modified_since: dt.datetime | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Contact]:
        """One page of contacts. `search_term` searches Name, FirstName, LastName, ContactNumber and EmailAddress."""
        params = query(
            where=where,
            order=order,
            IDs=ids,
            includeArchived=include_archived,
            summaryOnly=summary_only,
            searchTerm=search_term,
        )
        return await self._page(
            PATH, KEY, Contact, params, page=page, page_size=page_size, if_modified_since=if_modified_since
        )

    def iterate(
        self,
        *,
        where: Where | None = None,
        order: Order | str | None = None,
        ids: Sequence[UUID | str] | None = None,
        include_archived: bool | None = None,
        summary_only: bool | None = None,
        search_term: str | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[Contact]:
        """Every matching contact, fetched 1000 per call."""
        params = query(
            where=where,
            order=order,
            IDs=ids,
            includeArchived=include_archived,
            summaryOnly=summary_only,
            searchTerm=search_term,
        )
        return self._iterate(PATH, KEY, Contact, params, if_modified_since=if_modified_since, page_size=page_size)

    async def get(self, id_or_number: UUID | str) -> Contact:
        """One contact by ContactID or ContactNumber. Raises NotFound."""
        return await self._one(f"{PATH}/{segment(id_or_number)}", KEY, Contact)

    async def find_by_name(self, name: str, *, include_archived: bool = False) -> list[Contact]:
        """Contacts whose Name equals `name` (Xero compares case-insensitively); the name is escaped safely."""
        page = await self.list(where=Where.eq("Name", name), include_archived=include_archived, page_size=100)
        return page.items

    async def create(self, contact: ContactCreate, *, idempotency_key: str | None = None) -> Contact:
        """Create one contact (PUT: refused if the name is already used by an active contact)."""
        return await self._write_one(
            "PUT",
            PATH,
            KEY,
            contact.to_xero(),
            Contact,
            idempotency_key=idempotency_key,
            params={"summarizeErrors": "true"},
        )

    async def create_many(
        self, contacts: Sequence[ContactCreate], *, idempotency_key: str | None = None
    ) -> list[BatchOutcome[Contact]]:
        """Create many contacts, 50 per call; one outcome per input, in order."""
        return await self._create_many(PATH, KEY, contacts, Contact, idempotency_key=idempotency_key)

    async def update(
        self, contact_id: UUID | str, changes: ContactUpdate, *, idempotency_key: str | None = None
    ) -> Contact:
        """Change a contact; only the fields set in `changes` are sent."""
        ident = uuid_segment(contact_id, "contact_id")
        body = {"ContactID": ident, **changes.to_xero()}
        return await self._write_one("POST", f"{PATH}/{ident}", KEY, body, Contact, idempotency_key=idempotency_key)


class ContactGroupsResource(Resource):
    """`/ContactGroups`: named groups of contacts."""

    async def list(self, *, where: Where | None = None, order: Order | str | None = None) -> list[ContactGroup]:
        """All contact groups (without members; get() one to see its contacts)."""
        return await self._list("/ContactGroups", "ContactGroups", ContactGroup, query(where=where, order=order))

    async def get(self, group_id: UUID | str) -> ContactGroup:
        """One contact group with its contacts. Raises NotFound."""
        ident = uuid_segment(group_id, "group_id")
        return await self._one(f"/ContactGroups/{ident}", "ContactGroups", ContactGroup)

    async def create(self, group: ContactGroupCreate, *, idempotency_key: str | None = None) -> ContactGroup:
        """Create a contact group."""
        return await self._write_one(
            "PUT", "/ContactGroups", "ContactGroups", group.to_xero(), ContactGroup, idempotency_key=idempotency_key
        )

    async def update(
        self, group_id: UUID | str, changes: ContactGroupUpdate, *, idempotency_key: str | None = None
    ) -> ContactGroup:
        """Rename a group, or delete it with `status="DELETED"`."""
        ident = uuid_segment(group_id, "group_id")
        return await self._write_one(
            "POST",
            f"/ContactGroups/{ident}",
            "ContactGroups",
            {"ContactGroupID": ident, **changes.to_xero()},
            ContactGroup,
            idempotency_key=idempotency_key,
        )

    async def add_contacts(
        self, group_id: UUID | str, contact_ids: Sequence[UUID | str], *, idempotency_key: str | None = None
    ) -> list[Contact]:
        """Add contacts to a group; returns the contacts Xero added."""
        ident = uuid_segment(group_id, "group_id")
        if not contact_ids:
            raise ValueError("give at least one contact to add")
        body = {"Contacts": [{"ContactID": uuid_segment(cid, "contact_id")} for cid in contact_ids]}
        response = await self._client.request(
            "PUT", f"/ContactGroups/{ident}/Contacts", json=body, idempotency_key=idempotency_key
        )
        return [Contact.model_validate(item) for item in items_of(response.data, "Contacts")]

    async def remove_contact(self, group_id: UUID | str, contact_id: UUID | str) -> None:
        """Remove one contact from a group."""
        group = uuid_segment(group_id, "group_id")
        contact = uuid_segment(contact_id, "contact_id")
        await self._client.request("DELETE", f"/ContactGroups/{group}/Contacts/{contact}")

    async def remove_all_contacts(self, group_id: UUID | str) -> None:
        """Remove every contact from a group."""
        group = uuid_segment(group_id, "group_id")
        await self._client.request("DELETE", f"/ContactGroups/{group}/Contacts")
