"""Contacts and contact groups."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Unpack
from uuid import UUID

from xero_mcp.client.models.contacts import (
    Contact,
    ContactCreate,
    ContactGroup,
    ContactGroupCreate,
    ContactGroupUpdate,
    ContactUpdate,
)
from xero_mcp.client.pagination import Order, Page, Where, items_of
from xero_mcp.client.resources._base import Batched, Updatable, WhereFilters, query, uuid_segment


class ContactFilters(WhereFilters, total=False):
    """`search_term` searches Name, FirstName, LastName, ContactNumber and EmailAddress."""

    ids: Sequence[UUID | str] | None
    include_archived: bool | None
    summary_only: bool | None
    search_term: str | None


class ContactsResource(Batched[Contact, ContactCreate], Updatable[Contact, ContactUpdate]):
    """`/Contacts`: customers and suppliers, read by ContactID or ContactNumber.

    A create is refused when the name is already used by an active contact. There is no delete: archive with
    `contact_status="ARCHIVED"`.
    """

    path = "/Contacts"
    key = "Contacts"
    model = Contact
    id_name = "contact_id"
    by_number = True
    filter_type = ContactFilters

    def _params(self, filters: ContactFilters) -> dict[str, str]:
        return query(
            where=filters.get("where"),
            order=filters.get("order"),
            IDs=filters.get("ids"),
            includeArchived=filters.get("include_archived"),
            summaryOnly=filters.get("summary_only"),
            searchTerm=filters.get("search_term"),
        )

    async def list(self, *, page: int = 1, page_size: int = 100, **filters: Unpack[ContactFilters]) -> Page[Contact]:
        """One page of contacts."""
        return await self._page_of(filters, page=page, page_size=page_size)

    def iterate(self, *, page_size: int = 1000, **filters: Unpack[ContactFilters]) -> AsyncIterator[Contact]:
        """Every matching contact, fetched 1000 per call."""
        return self._each(filters, page_size=page_size)

    async def find_by_name(self, name: str, *, include_archived: bool = False) -> list[Contact]:
        """Contacts whose Name equals `name` (Xero compares case-insensitively); the name is escaped safely."""
        page = await self.list(where=Where.eq("Name", name), include_archived=include_archived, page_size=100)
        return page.items


class ContactGroupsResource(Updatable[ContactGroup, ContactGroupUpdate]):
    """`/ContactGroups`: named groups of contacts; update renames a group, or deletes it with `status="DELETED"`."""

    path = "/ContactGroups"
    key = "ContactGroups"
    model = ContactGroup
    id_name = "contact_group_id"

    async def list(self, *, where: Where | None = None, order: Order | str | None = None) -> list[ContactGroup]:
        """All contact groups (without members; get() one to see its contacts)."""
        return await self._list(self.path, self.key, self.model, query(where=where, order=order))

    async def create(self, group: ContactGroupCreate, *, idempotency_key: str | None = None) -> ContactGroup:
        """Create a contact group."""
        return await self._create(group, idempotency_key=idempotency_key)

    async def add_contacts(
        self, group_id: UUID | str, contact_ids: Sequence[UUID | str], *, idempotency_key: str | None = None
    ) -> list[Contact]:
        """Add contacts to a group; returns the contacts Xero added."""
        ident = self._ident(group_id)
        if not contact_ids:
            raise ValueError("give at least one contact to add")
        body = {"Contacts": [{"ContactID": uuid_segment(cid, "contact_id")} for cid in contact_ids]}
        response = await self._client.request(
            "PUT", f"{self.path}/{ident}/Contacts", json=body, idempotency_key=idempotency_key
        )
        return [Contact.model_validate(item) for item in items_of(response.data, "Contacts")]

    async def remove_contact(self, group_id: UUID | str, contact_id: UUID | str) -> None:
        """Remove one contact from a group."""
        group = self._ident(group_id)
        contact = uuid_segment(contact_id, "contact_id")
        await self._client.request("DELETE", f"{self.path}/{group}/Contacts/{contact}")

    async def remove_all_contacts(self, group_id: UUID | str) -> None:
        """Remove every contact from a group."""
        await self._client.request("DELETE", f"{self.path}/{self._ident(group_id)}/Contacts")
