"""Names a person would use, turned into the codes and IDs Xero needs; and find-before-create for the create tools.

Accounts (code or name), tax rates (TaxType or name), items (code or name), tracking options (category + option name)
and contacts (ID, number or exact name) are resolved here. Comparison ignores letter case and surrounding spaces; a
name that matches nothing, or more than one thing, is a UserInputError naming the field and listing close matches,
so a model can pick the right one instead of guessing again.

Contacts are looked up in one place, `lookup_contact`: one GET /Contacts finds the exact match (by number, email or
name) and the near matches beside it, compared after folding case, spacing, punctuation and legal suffixes (Ltd,
Inc, GmbH, ...) and scored with rapidfuzz, so "Granite Peak Constructon" or "Granite Peak Construction Ltd" finds
"Granite Peak Construction" as a candidate instead of passing for a new customer.

The chart of accounts, tax rates, items and tracking categories are cached per organisation (`OrgState`) and
re-read once when a name is not found (someone may have just added it). Contacts change too often to cache.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from uuid import UUID

from rapidfuzz import fuzz

from xero_mcp.client import models
from xero_mcp.client.errors import NotFound
from xero_mcp.client.pagination import Where
from xero_mcp.tools._context import Org
from xero_mcp.tools._errors import UserInputError
from xero_mcp.tools._inputs import LineIn

if TYPE_CHECKING:
    # The client's models and the sync stores load on the first tool call (imported where used), not at start-up.
    from xero_mcp.client.models import (
        Account,
        AccountRef,
        Contact,
        ContactRef,
        Item,
        LineItemInput,
        TaxRate,
        TrackingCategory,
        TrackingInput,
        TrackingOption,
    )

T = TypeVar("T")

_MAX_SUGGESTIONS = 5


def fold(text: str | None) -> str:
    """How names, codes and references are compared: runs of spaces as one, letter case ignored."""
    return " ".join((text or "").split()).casefold()


def close_matches(wanted: str, choices: Iterable[str], n: int = _MAX_SUGGESTIONS) -> list[str]:
    """The choices most like `wanted`: those containing it (or contained in it) first, then similar spellings.

    A choice labelled "Name (CODE)" is also compared by its name alone, so a code does not hide a near miss.
    """
    options = list(dict.fromkeys(choice for choice in choices if choice))
    target = fold(wanted)
    if not target:
        return []
    found = [choice for choice in options if target in fold(choice) or fold(choice) in target]
    scored: list[tuple[float, int, str]] = []
    for index, choice in enumerate(options):
        if choice in found:
            continue
        forms = {fold(choice), fold(choice.split(" (")[0])}
        score = max(difflib.SequenceMatcher(None, target, form).ratio() for form in forms)
        if score >= 0.6:
            scored.append((-score, index, choice))
    found += [choice for _, _, choice in sorted(scored)]
    return found[:n]


def unknown(field: str, kind: str, wanted: str, choices: Iterable[str], hint: str = "") -> UserInputError:
    """The error for a name that matches nothing: names the field, lists close matches and where to look."""
    close = close_matches(wanted, choices)
    suggestion = f" Close matches: {', '.join(close)}." if close else ""
    return UserInputError(f"{field}: no {kind} matches {wanted!r}.{suggestion}{(' ' + hint) if hint else ''}")


# --- cached reference data ---------------------------------------------------------------------------------------


Reference = Literal["accounts", "tax_rates", "items", "tracking"]
_KINDS: tuple[Reference, ...] = ("accounts", "tax_rates", "items", "tracking")


async def _read(org: Org, kind: Reference) -> list[Any]:
    if kind == "accounts":
        return await org.api.accounts.list()
    if kind == "tax_rates":
        return await org.api.tax_rates.list()
    if kind == "items":
        return await org.api.items.list()
    return await org.api.tracking_categories.list()


async def _cached(org: Org, kind: Reference, *, refresh: bool = False) -> list[Any]:
    records: list[Any] | None = getattr(org.state, kind)
    if refresh or records is None:
        records = await _read(org, kind)
        setattr(org.state, kind, records)
    return records


def invalidate(org: Org, *kinds: Reference) -> None:
    """Forget cached reference data ("accounts", "tax_rates", "items", "tracking") after changing it."""
    for kind in kinds or _KINDS:
        setattr(org.state, kind, None)


async def _lookup(org: Org, kind: Reference, pick: Callable[[list[Any]], T | None]) -> tuple[T | None, list[Any]]:
    """Pick from the cached list; on a miss, read the list again once (it may have changed since it was cached)."""
    records = await _cached(org, kind)
    found = pick(records)
    if found is None:
        records = await _cached(org, kind, refresh=True)
        found = pick(records)
    return found, records


# --- the organisation's clock ----------------------------------------------------------------------------------


async def today(org: Org) -> dt.date:
    """Today in the organisation's own time zone by Xero's clock, for documents that need a date when the caller
    gives none (Xero itself dates them so; see _timezones)."""
    return await org.today()


# --- accounts ------------------------------------------------------------------------------------------------------

_CODE_AND_NAME = re.compile(r"^\s*(?P<code>[^\s\-–:]+)\s*[-–:]\s*(?P<name>.+?)\s*$")


def _account_label(account: Account) -> str:
    return f"{account.name} ({account.code})" if account.code else str(account.name)


async def account(org: Org, wanted: str, *, field: str = "account", bank: bool = False) -> Account:
    """The account with this code or name (or "code - name"); `bank=True` accepts only bank accounts.

    Raises UserInputError for an unknown, archived or (with `bank`) non-bank account.
    """
    text = fold(wanted)
    if not text:
        raise UserInputError(f"{field}: give an account code or name.")
    split = _CODE_AND_NAME.match(wanted)
    split_code, split_name = (fold(split.group("code")), fold(split.group("name"))) if split else ("", "")

    def rank(a: Account) -> int | None:
        # By code first, then by name, then as "code - name"; None when the account does not match at all.
        if a.code is not None and fold(a.code) == text:
            return 0
        if a.name is not None and fold(a.name) == text:
            return 1
        if split_code and fold(a.code or "") == split_code and fold(a.name or "") == split_name:
            return 2
        return None

    def pick(accounts: list[Account]) -> Account | None:
        live = [a for a in accounts if (a.status or "ACTIVE") != "DELETED" and (not bank or a.type == "BANK")]
        ranked = [(r, (a.status or "ACTIVE") != "ACTIVE", i) for i, a in enumerate(live) if (r := rank(a)) is not None]
        return live[min(ranked)[2]] if ranked else None

    found, accounts = await _lookup(org, "accounts", pick)
    usable = [a for a in accounts if (a.status or "ACTIVE") == "ACTIVE" and (not bank or a.type == "BANK")]
    if found is None:
        kind = "bank account" if bank else "account"
        labels = [_account_label(a) for a in usable] + [a.code for a in usable if a.code]
        raise unknown(field, kind, wanted, labels, "See list_accounts.")
    if (found.status or "ACTIVE") != "ACTIVE":
        close = close_matches(str(found.name), [_account_label(a) for a in usable])
        others = f" Active accounts with similar names: {', '.join(close)}." if close else ""
        raise UserInputError(f"{field}: account {_account_label(found)} is archived and cannot be used.{others}")
    return found


async def account_code(org: Org, wanted: str, *, field: str = "account") -> str:
    """The code of the account with this code or name (see `account`)."""
    found = await account(org, wanted, field=field)
    if not found.code:
        raise UserInputError(f"{field}: account {found.name} has no code and cannot be used on a line.")
    return found.code


async def bank_account(org: Org, wanted: str | None, *, field: str = "bank_account") -> Account:
    """The bank account with this code or name; without one, the organisation's only active bank account."""
    if wanted is not None and wanted.strip():
        return await account(org, wanted, field=field, bank=True)
    accounts = await _cached(org, "accounts")
    banks = [a for a in accounts if a.type == "BANK" and (a.status or "ACTIVE") == "ACTIVE"]
    if len(banks) == 1:
        return banks[0]
    if not banks:
        raise UserInputError(f"{field}: this organisation has no active bank account.")
    names = ", ".join(_account_label(a) for a in banks)
    raise UserInputError(f"{field}: this organisation has {len(banks)} bank accounts; name one: {names}.")


def account_ref(found: Account) -> AccountRef:
    """A reference to a resolved account, by ID (codes are optional on bank accounts)."""
    return models.AccountRef(account_id=found.account_id) if found.account_id else models.AccountRef(code=found.code)


# --- tax rates, items, tracking ------------------------------------------------------------------------------------


async def tax_type(org: Org, wanted: str, *, field: str = "tax") -> str:
    """The TaxType code for a tax type or tax rate name (e.g. "OUTPUT2" or "15% GST on Income")."""
    text = fold(wanted)

    def pick(rates: list[TaxRate]) -> TaxRate | None:
        live = [r for r in rates if (r.status or "ACTIVE") == "ACTIVE"]
        for hits in (
            [r for r in live if r.tax_type is not None and fold(r.tax_type) == text],
            [r for r in live if r.name is not None and fold(r.name) == text],
        ):
            if hits:
                return hits[0]
        return None

    found, rates = await _lookup(org, "tax_rates", pick)
    if found is None or found.tax_type is None:
        live = [r for r in rates if (r.status or "ACTIVE") == "ACTIVE"]
        labels = [f"{r.name} ({r.tax_type})" for r in live] + [str(r.tax_type) for r in live if r.tax_type]
        raise unknown(field, "tax rate", wanted, labels, "See list_tax_rates.")
    return found.tax_type


async def item(org: Org, wanted: str, *, field: str = "item") -> Item:
    """The item with this code or name."""
    text = fold(wanted)

    def pick(items: list[Item]) -> Item | None:
        for hits in (
            [i for i in items if i.code is not None and fold(i.code) == text],
            [i for i in items if i.name is not None and fold(i.name) == text],
        ):
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                codes = ", ".join(str(i.code) for i in hits)
                raise UserInputError(f"{field}: {len(hits)} items are called {wanted!r} (codes {codes}); use a code.")
        return None

    found, items = await _lookup(org, "items", pick)
    if found is None:
        labels = [f"{i.name} ({i.code})" if i.name else str(i.code) for i in items] + [str(i.code) for i in items]
        raise unknown(field, "item", wanted, labels, "See list_items.")
    return found


async def item_code(org: Org, wanted: str, *, field: str = "item") -> str:
    """The code of the item with this code or name."""
    found = await item(org, wanted, field=field)
    assert found.code is not None  # items are found by code or name; Xero requires every item to have a code
    return found.code


async def tracking(org: Org, category: str, option: str, *, field: str = "tracking") -> TrackingInput:
    """A tracking reference (category and option IDs and names) for an active category and option, by name."""
    wanted_category, wanted_option = fold(category), fold(option)

    def active_category(categories: list[TrackingCategory]) -> TrackingCategory | None:
        return next(
            (
                c
                for c in categories
                if (c.status or "ACTIVE") == "ACTIVE" and c.name is not None and fold(c.name) == wanted_category
            ),
            None,
        )

    def active_options(found: TrackingCategory) -> list[TrackingOption]:
        return [o for o in found.options if (o.status or "ACTIVE") == "ACTIVE"]

    def pick(categories: list[TrackingCategory]) -> tuple[TrackingCategory, TrackingOption] | None:
        found = active_category(categories)
        if found is None:
            return None
        chosen = next((o for o in active_options(found) if o.name and fold(o.name) == wanted_option), None)
        return (found, chosen) if chosen is not None else None

    pair, categories = await _lookup(org, "tracking", pick)
    if pair is None:
        found = active_category(categories)
        if found is None:
            names = [str(c.name) for c in categories if (c.status or "ACTIVE") == "ACTIVE"]
            raise unknown(f"{field}.category", "tracking category", category, names, "See list_tracking_categories.")
        options = [str(o.name) for o in active_options(found)]
        raise unknown(f"{field}.option", f"option of {found.name!r}", option, options)
    found, chosen = pair
    return models.TrackingInput(
        tracking_category_id=found.tracking_category_id,
        tracking_option_id=chosen.tracking_option_id,
        name=found.name,
        option=chosen.name,
    )


# --- contacts ------------------------------------------------------------------------------------------------------

MatchRule = Literal["contact_number", "email", "name"]

SIMILAR_SCORE = 85
"""How alike (0-100, rapidfuzz) two folded contact names must be for one to be offered as a candidate for the other."""

_LEGAL_SUFFIXES = frozenset(
    [
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "plc",
        "pty",
        "pte",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "co",
        "corp",
        "corporation",
        "company",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "aps",
        "kk",
        "and",
    ]
)
"""Words a company name may end in without naming another company ("and" for "Smith & Co")."""

_MAX_TERMS = 4
_TERM_LENGTH = 5


def _as_uuid(text: str) -> UUID | None:
    try:
        return UUID(text.strip())
    except ValueError:
        return None


def is_id(text: str) -> bool:
    """Whether `text` is a Xero ID (a UUID) rather than a number, code or name."""
    return _as_uuid(text) is not None


def _words(name: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", name.replace("&", " and ")).split()


def plain_name(name: str | None) -> str:
    """A company name folded for comparison: letter case, spacing, punctuation and trailing legal suffixes dropped
    ("Granite Peak Construction Ltd." -> "granite peak construction")."""
    words = [word.casefold() for word in _words(name or "")]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def name_similarity(a: str | None, b: str | None) -> float:
    """How alike two contact names are (0-100) once folded by `plain_name`, word order aside."""
    left, right = plain_name(a), plain_name(b)
    if not left or not right:
        return 0.0
    # Names that differ only in a number or a letter or two ("Store 1", "Branch B", "Acme NZ") are siblings, not
    # misspellings of each other.
    words_left, words_right = left.split(), right.split()
    differing = [w for w in words_left if w not in words_right] + [w for w in words_right if w not in words_left]
    if differing and all(len(word) <= 2 or word.isdigit() for word in differing):
        return 0.0
    return max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right))


def _search_terms(name: str) -> list[str]:
    """Word beginnings to search contact names by, so a typo late in a word or a different suffix still finds it."""
    words = [word for word in _words(name) if len(word) >= 3 and word.casefold() not in _LEGAL_SUFFIXES]
    words.sort(key=len, reverse=True)
    return list(dict.fromkeys(word[:_TERM_LENGTH] for word in words))[:_MAX_TERMS]


def _is_active(found: Contact) -> bool:
    return (found.contact_status or "ACTIVE") == "ACTIVE"


@dataclass(frozen=True, slots=True)
class _Rule:
    rule: MatchRule
    field: str
    value: str | None
    read: Callable[[Contact], str | None]


_LOOKUP_PAGE = 100


def _exact_match(pool: Sequence[Contact], wanted: Sequence[_Rule]) -> ContactLookup | None:
    """The contact equal to the first rule any contact meets (case and spacing ignored), active ones first."""
    for rule in wanted:
        hits = [c for c in pool if fold(rule.read(c)) == fold(rule.value)]
        if hits:
            hits = sorted(hits, key=lambda c: not _is_active(c))
            return ContactLookup(match=hits[0], rule=rule.rule, similar=())
    return None


@dataclass(frozen=True, slots=True)
class ContactLookup:
    """What one contact search found: the contact that matches (and by which rule), and the near matches."""

    match: Contact | None
    rule: MatchRule | None
    similar: tuple[Contact, ...]
    searched: tuple[Contact, ...] = ()


async def lookup_contact(
    org: Org,
    *,
    contact_number: str | None = None,
    email: str | None = None,
    name: str | None = None,
    active_only: bool = False,
) -> ContactLookup:
    """The contact matching by ContactNumber, then email address, then name (case and spacing ignored), preferring an
    active one; and, when none matches, the contacts whose names are near `name`, best first. One GET /Contacts.

    `active_only` leaves archived contacts out (they no longer count when creating: Xero lets a new contact take an
    archived one's name).
    """
    rules: list[_Rule] = [
        _Rule("contact_number", "ContactNumber", contact_number, lambda c: c.contact_number),
        _Rule("email", "EmailAddress", email, lambda c: c.email_address),
        _Rule("name", "Name", name, lambda c: c.name),
    ]
    wanted = [rule for rule in rules if rule.value is not None and rule.value.strip()]
    if not wanted:
        raise ValueError("give at least one of contact_number, email or name to find a contact")
    exact = [Where.eq(rule.field, str(rule.value).strip()) for rule in wanted]
    near = [Where.contains("Name", term) for term in _search_terms(name or "")]
    page = await org.api.contacts.list(
        where=Where.any_of(*exact, *near), include_archived=not active_only, page_size=_LOOKUP_PAGE
    )
    pool = [c for c in page.items if _is_active(c)] if active_only else list(page.items)
    found = _exact_match(pool, wanted)
    if found is None and near and len(page.items) >= _LOOKUP_PAGE:
        # The near-name net filled the page, which may have left the exact match out: ask for it alone.
        exact_page = await org.api.contacts.list(
            where=Where.any_of(*exact), include_archived=not active_only, page_size=_LOOKUP_PAGE
        )
        found = _exact_match([c for c in exact_page.items if not active_only or _is_active(c)], wanted)
    if found is not None:
        return found
    scored = [(name_similarity(name, c.name), index, c) for index, c in enumerate(pool) if c.name]
    similar = tuple(c for score, _, c in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= SIMILAR_SCORE)
    return ContactLookup(match=None, rule=None, similar=similar[:_MAX_SUGGESTIONS], searched=tuple(pool))


def describe_similar(similar: Sequence[Contact]) -> str:
    """The near matches, as a model can name them back: "Granite Peak Construction (ID ...)"."""
    return "; ".join(f"{c.name} (ID {c.contact_id}{', ARCHIVED' if not _is_active(c) else ''})" for c in similar)


async def contact(org: Org, wanted: str, *, field: str = "contact") -> Contact:
    """The contact with this ContactID, ContactNumber or exact name (case-insensitive), read from Xero.

    An ACTIVE contact is preferred over an archived one with the same name. Unknown: a UserInputError listing
    contacts with similar names and pointing at find_or_create_contact.
    """
    text = wanted.strip()
    if not text:
        raise UserInputError(f"{field}: give a contact ID, number or name.")
    ident = _as_uuid(text)
    if ident is not None:
        try:
            return await org.api.contacts.get(ident)
        except NotFound:
            raise UserInputError(f"{field}: no contact has the ID {ident}.") from None
    found = await lookup_contact(org, contact_number=text, name=text)
    if found.match is not None:
        return found.match
    # Near spellings first; otherwise names that contain the text or look like it (a shortened name, say).
    names = close_matches(text, [str(c.name) for c in found.searched if c.name])
    close = found.similar or tuple(c for name in names for c in found.searched if c.name == name)[:_MAX_SUGGESTIONS]
    suggestion = f" Close matches: {describe_similar(close)}; pass one's ID if it is meant." if close else ""
    raise UserInputError(
        f"{field}: no contact matches {text!r}.{suggestion} For a new customer or supplier, create it with "
        "find_or_create_contact (create_anyway=true when similar names exist), then retry."
    )


async def contact_ref(org: Org, wanted: str, *, field: str = "contact") -> ContactRef:
    """A reference to an existing, active contact by ContactID (see `contact`), for a document's Contact field.

    A contact this server created moments ago is referred to without reading it again: it is known to be active.
    """
    ident = _as_uuid(wanted)
    if ident is not None and org.state.contact_is_new(ident, datetime.now(UTC)):
        return models.ContactRef(contact_id=ident)
    found = await contact(org, wanted, field=field)
    if found.contact_status == "ARCHIVED":
        raise UserInputError(
            f"{field}: {found.name} is archived. Restore it with save_contact (status ACTIVE) first, or use "
            "another contact."
        )
    return models.ContactRef(contact_id=found.contact_id)


# --- line items ----------------------------------------------------------------------------------------------------


async def line_items(
    org: Org, lines: Sequence[LineIn], *, field: str = "lines", tax_from_account: bool = False
) -> list[LineItemInput]:
    """Xero line items for the tool's lines: accounts, tax rates, items and tracking resolved to codes and IDs.

    `tax_from_account` fills a line's tax type from its account's default when none is given: quotes need this,
    since Xero does not default a quote line's tax from its account as it does on other documents.
    """
    if not lines:
        raise UserInputError(f"{field}: give at least one line.")
    out: list[LineItemInput] = []
    for index, line in enumerate(lines):
        where = f"{field}[{index}]"
        if line.description is None and line.item is None and line.unit_amount is None:
            raise UserInputError(f"{where}: give at least a description, an item or a unit_amount.")
        code: str | None = None
        tax: str | None = await tax_type(org, line.tax, field=f"{where}.tax") if line.tax else None
        if line.account:
            found = await account(org, line.account, field=f"{where}.account")
            if not found.code:
                raise UserInputError(f"{where}.account: account {found.name} has no code and cannot be used on a line.")
            code = found.code
            if tax is None and tax_from_account:
                tax = found.tax_type
        out.append(
            models.LineItemInput(
                description=line.description,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                account_code=code,
                tax_type=tax,
                item_code=await item_code(org, line.item, field=f"{where}.item") if line.item else None,
                discount_rate=line.discount_rate,
                tracking=[await tracking(org, t.category, t.option, field=f"{where}.tracking") for t in line.tracking]
                if line.tracking
                else None,
            )
        )
    return out
