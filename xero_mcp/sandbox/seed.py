"""The sandbox's demo data: a realistic trading history for each baseline organisation.

"Demo Company (Global)" gets about six months of business: 34 contacts (customers and suppliers, some with
ContactNumber, emails, phones and payment terms, one archived), a contact group, items, two tracking categories,
sales invoices and bills in every status (DRAFT, SUBMITTED, AUTHORISED, part-paid, PAID, VOIDED, DELETED) with
their payments (one deleted again), quotes and purchase orders in several statuses, credit notes (one allocated,
one with credit remaining, a supplier one), spend and receive money, a transfer between bank accounts, manual
journals and history notes, a customer's deposit (a prepayment) used on its invoice, two bills paid as one batch,
a monthly repeating invoice, a billable expense, an overall budget and a regional one, and invoice reminders
switched on. "Second Street Trading" gets a handful of each, so multi-tenant work has data.

Every record is made by the same rule functions the API uses, so the seed is valid by construction and its
reports are consistent with its ledger. Dates are days before the sandbox clock's today, so the data is always
"recent"; each write runs at its record's own time, so UpdatedDateUTC and history follow the story. IDs come from
a fixed namespace and counter, so the same clock gives the same seed, byte for byte.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xero_mcp.sandbox.rules import (
    accounts,
    bank_transactions,
    bank_transfers,
    batch_payments,
    budgets,
    common,
    contacts,
    credit_notes,
    history,
    invoices,
    items,
    linked_transactions,
    manual_journals,
    payments,
    prepayments,
    purchase_orders,
    quotes,
    reminders,
    repeating_invoices,
    tracking,
)
from xero_mcp.sandbox.rules.common import Ctx
from xero_mcp.sandbox.state import Doc, SandboxState

if TYPE_CHECKING:
    from xero_mcp.sandbox.app import Sandbox

_NAMESPACE = uuid.UUID("0b6f3c52-2d7e-4c1a-8f0e-5a9d3e71c4b8")


@contextmanager
def deterministic_ids(scope: str) -> Generator[None]:
    """Make the rules' new IDs a fixed sequence (uuid5 of `scope` and a counter) for the duration of the block.

    The rules mint IDs with ``common.new_id``; inside the block it draws them from this sequence instead of uuid4.
    """
    counter = itertools.count(1)
    with common.ids_from(lambda: uuid.uuid5(_NAMESPACE, f"{scope}/{next(counter)}")):
        yield


def seed_demo(sandbox: Sandbox) -> None:
    """Fill the sandbox's baseline organisations with demo data (called by ``create_sandbox``)."""
    tenants = sandbox.tenant_ids()
    now = sandbox.clock.now()
    with deterministic_ids(now.date().isoformat()), sandbox.state.atomic():
        if tenants:
            _demo_company(_Seeder(sandbox.state, tenants[0], now))
        if len(tenants) > 1:
            _second_street(_Seeder(sandbox.state, tenants[1], now))


# --- the seeding helper ------------------------------------------------------------------------------------------

Line = dict[str, Any]


def item_line(code: str, quantity: str | int, **extra: Any) -> Line:
    """A line selling or buying an item (price, account and tax from the item)."""
    return {"ItemCode": code, "Quantity": Decimal(str(quantity)), **extra}


def line(description: str, amount: str, account: str, quantity: str | int = 1, **extra: Any) -> Line:
    """A free-text line."""
    return {
        "Description": description,
        "Quantity": Decimal(str(quantity)),
        "UnitAmount": Decimal(amount),
        "AccountCode": account,
        **extra,
    }


@dataclass
class _Seeder:
    """Writes one organisation's records through the rules, each at its own moment `days` before today."""

    state: SandboxState
    tenant_id: str
    now: datetime

    def __post_init__(self) -> None:
        self.contacts: dict[str, str] = {}
        self._moments = itertools.count()

    def day(self, days: int) -> date:
        """The date `days` before the sandbox's today."""
        return self.now.astimezone(UTC).date() - timedelta(days=days)

    def text_day(self, days: int) -> str:
        """That date as the API writes it (YYYY-MM-DD)."""
        return self.day(days).isoformat()

    def ctx(self, days: int) -> Ctx:
        """A rules context `days` before now, during office hours, a second after the previous write."""
        start = datetime.combine(self.day(days), time(8, 0), tzinfo=UTC)
        moment = min(start + timedelta(seconds=next(self._moments)), self.now)
        return Ctx(self.state, self.tenant_id, moment)

    def contact_ref(self, name: str) -> Doc:
        """``{"ContactID": ...}`` of a seeded contact."""
        return {"ContactID": self.contacts[name]}

    # -- settings and contacts --

    def contact(self, name: str, days: int = 190, **fields: Any) -> Doc:
        """A contact."""
        doc = contacts.create(self.ctx(days), {"Name": name, **fields})
        self.contacts[name] = doc["ContactID"]
        return doc

    def archive(self, name: str, days: int) -> None:
        """Archive a contact."""
        ctx = self.ctx(days)
        existing = ctx.get("Contacts", self.contacts[name])
        assert existing is not None
        contacts.update(ctx, existing, {"ContactStatus": "ARCHIVED"})

    def group(self, name: str, members: list[str], days: int = 185) -> None:
        """A contact group with members."""
        ctx = self.ctx(days)
        group = contacts.create_group(ctx, {"Name": name})
        contacts.add_group_contacts(ctx, group, {"Contacts": [self.contact_ref(m) for m in members]})

    def account(self, code: str, name: str, account_type: str, **fields: Any) -> None:
        """An account added to the chart."""
        accounts.create(self.ctx(190), {"Code": code, "Name": name, "Type": account_type, **fields})

    def item(self, code: str, name: str, **fields: Any) -> None:
        """An item."""
        items.create(self.ctx(190), {"Code": code, "Name": name, **fields})

    def service(
        self, code: str, name: str, description: str, price: str, account: str = "200", tax: str = "OUTPUT"
    ) -> None:
        """An item that is sold and never bought."""
        sales = {"UnitPrice": Decimal(price), "AccountCode": account, "TaxType": tax}
        self.item(code, name, Description=description, SalesDetails=sales, IsPurchased=False)

    def goods(self, code: str, name: str, description: str, price: str, cost: str, **fields: Any) -> None:
        """An item bought for stock (cost of goods sold, 310) and sold (sales, 200)."""
        sales = {"UnitPrice": Decimal(price), "AccountCode": "200", "TaxType": "OUTPUT"}
        stock = {"UnitPrice": Decimal(cost), "AccountCode": "310", "TaxType": "INPUT"}
        self.item(code, name, Description=description, SalesDetails=sales, PurchaseDetails=stock, **fields)

    def tracking(self, name: str, options: list[str]) -> None:
        """A tracking category with options."""
        tracking.create(self.ctx(190), {"Name": name, "Options": [{"Name": option} for option in options]})

    # -- documents --

    def invoice(
        self,
        kind: str,
        contact: str,
        days: int,
        lines: list[Line],
        status: str = "AUTHORISED",
        *,
        changed: int | None = None,
        **fields: Any,
    ) -> Doc:
        """An invoice or bill in `status`; VOIDED ones are approved first, DELETED ones drafted first."""
        create_status = {"VOIDED": "AUTHORISED", "DELETED": "DRAFT"}.get(status, status)
        raw = {
            "Type": kind,
            "Contact": self.contact_ref(contact),
            "Date": self.text_day(days),
            "LineItems": lines,
            "Status": create_status,
            **fields,
        }
        doc = invoices.create(self.ctx(days), raw)
        if status != create_status:
            ctx = self.ctx(changed if changed is not None else max(days - 5, 1))
            doc = invoices.update(ctx, doc, {"Status": status})
        return doc

    def pay(self, doc: Doc, days: int, amount: str | None = None, account: str = "090", **fields: Any) -> Doc:
        """A payment on an invoice, bill or credit note (all that is owed unless `amount` is given)."""
        ctx = self.ctx(days)
        if "InvoiceID" in doc:
            current = ctx.get("Invoices", doc["InvoiceID"])
            assert current is not None
            owed, target = current["AmountDue"], {"Invoice": {"InvoiceID": doc["InvoiceID"]}}
        else:
            current = ctx.get("CreditNotes", doc["CreditNoteID"])
            assert current is not None
            owed, target = current["RemainingCredit"], {"CreditNote": {"CreditNoteID": doc["CreditNoteID"]}}
        raw = {
            **target,
            "Account": {"Code": account},
            "Date": self.text_day(days),
            "Amount": Decimal(amount) if amount is not None else owed,
            **fields,
        }
        return payments.create(ctx, raw)

    def delete_payment(self, payment: Doc, days: int) -> None:
        """Reverse a payment."""
        ctx = self.ctx(days)
        current = ctx.get("Payments", payment["PaymentID"])
        assert current is not None
        payments.update(ctx, current, {"Status": "DELETED"})

    def credit_note(self, kind: str, contact: str, days: int, lines: list[Line], status: str = "AUTHORISED") -> Doc:
        """A credit note."""
        raw = {
            "Type": kind,
            "Contact": self.contact_ref(contact),
            "Date": self.text_day(days),
            "LineItems": lines,
            "Status": status,
        }
        return credit_notes.create(self.ctx(days), raw)

    def allocate(self, credit: Doc, invoice: Doc, amount: str, days: int) -> None:
        """Allocate credit to an invoice."""
        ctx = self.ctx(days)
        current = ctx.get("CreditNotes", credit["CreditNoteID"])
        assert current is not None
        raw = {"Amount": Decimal(amount), "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Date": self.text_day(days)}
        credit_notes.allocate(ctx, current, raw)

    def quote(self, contact: str, days: int, lines: list[Line], statuses: list[str], **fields: Any) -> Doc:
        """A quote created in the first status and moved through the others."""
        raw = {
            "Contact": self.contact_ref(contact),
            "Date": self.text_day(days),
            "ExpiryDate": self.text_day(days - 30),
            "LineItems": lines,
            "LineAmountTypes": "EXCLUSIVE",
            **fields,
        }
        return self._moved(quotes.create, quotes.update, raw, days, statuses)

    def purchase_order(self, contact: str, days: int, lines: list[Line], statuses: list[str], **fields: Any) -> Doc:
        """A purchase order created in the first status and moved through the others."""
        raw = {"Contact": self.contact_ref(contact), "Date": self.text_day(days), "LineItems": lines, **fields}
        return self._moved(purchase_orders.create, purchase_orders.update, raw, days, statuses)

    def _moved(
        self,
        create: Callable[[Ctx, Doc], Doc],
        update: Callable[[Ctx, Doc, Doc], Doc],
        raw: Doc,
        days: int,
        statuses: list[str],
    ) -> Doc:
        """A document created in the first status and moved through the others, three days apart."""
        doc = create(self.ctx(days), {**raw, "Status": statuses[0]})
        for step, status in enumerate(statuses[1:], start=1):
            doc = update(self.ctx(max(days - 3 * step, 1)), doc, {"Status": status})
        return doc

    def bank(self, kind: str, contact: str, days: int, lines: list[Line], account: str = "090", **fields: Any) -> Doc:
        """A spend or receive money transaction."""
        raw = {
            "Type": kind,
            "Contact": self.contact_ref(contact),
            "Date": self.text_day(days),
            "BankAccount": {"Code": account},
            "LineItems": lines,
            **fields,
        }
        return bank_transactions.create(self.ctx(days), raw)

    def delete_bank(self, doc: Doc, days: int) -> None:
        """Delete a bank transaction."""
        bank_transactions.update(self.ctx(days), doc, {"Status": "DELETED"})

    def transfer(self, source: str, target: str, amount: str, days: int, reference: str) -> None:
        """A transfer between two bank accounts."""
        raw = {
            "FromBankAccount": {"Code": source},
            "ToBankAccount": {"Code": target},
            "Amount": Decimal(amount),
            "Date": self.text_day(days),
            "Reference": reference,
        }
        bank_transfers.create(self.ctx(days), raw)

    def journal(self, narration: str, days: int, lines: list[tuple[str, str, str]], status: str = "POSTED") -> None:
        """A manual journal of (account code, signed amount, description) lines."""
        raw = {
            "Narration": narration,
            "Date": self.text_day(days),
            "Status": status,
            "JournalLines": [
                {"AccountCode": code, "LineAmount": Decimal(amount), "Description": text}
                for code, amount, text in lines
            ],
        }
        manual_journals.create(self.ctx(days), raw)

    def note(self, collection: str, doc_id: str, days: int, details: str) -> None:
        """A history note on a document."""
        history.add_note(self.ctx(days), collection, doc_id, {"Details": details})

    def mark_sent(self, doc: Doc, days: int) -> None:
        """Mark an approved invoice as sent to its contact."""
        ctx = self.ctx(days)
        current = ctx.get("Invoices", doc["InvoiceID"])
        assert current is not None
        invoices.update(ctx, current, {"SentToContact": True})


# --- Demo Company (Global) ---------------------------------------------------------------------------------------

_CUSTOMERS: tuple[tuple[str, str, str], ...] = (
    # (name, contact number, email)
    ("Harbourview Dental", "CUST-0001", "accounts@harbourviewdental.example"),
    ("Northwind Traders", "CUST-0002", "ap@northwind.example"),
    ("Maple & Finch Design", "CUST-0003", "studio@maplefinch.example"),
    ("Riverside Primary School", "CUST-0004", "office@riversideprimary.example"),
    ("Summit Outdoor Gear", "CUST-0005", "finance@summitoutdoor.example"),
    ("Blue Heron Cafe", "CUST-0006", "hello@blueheron.example"),
    ("Kestrel Logistics", "", "payables@kestrel.example"),
    ("Orchard Street Pharmacy", "", "orchard.pharmacy@example.com"),
    ("Pinnacle Fitness", "", "admin@pinnaclefitness.example"),
    ("Copperleaf Architects", "", "accounts@copperleaf.example"),
    ("Lighthouse Media", "", "billing@lighthousemedia.example"),
    ("Granite Peak Construction", "", "ap@granitepeak.example"),
    ("Silverline Events", "", "events@silverline.example"),
    ("Tidewater Marina", "", ""),
    ("Willow Creek Vets", "", "reception@willowcreekvets.example"),
    ("Aurora Yoga Studio", "", "namaste@aurorayoga.example"),
    ("Redwood Legal", "", "accounts@redwoodlegal.example"),
    ("Foxglove Florists", "", ""),
)
_SUPPLIERS: tuple[tuple[str, str, str], ...] = (
    ("Parkside Property Management", "SUP-0001", "rent@parkside.example"),
    ("Metro Power & Gas", "SUP-0002", "billing@metropower.example"),
    ("Skyline Telecom", "SUP-0003", "accounts@skylinetelecom.example"),
    ("Office Supplies Co", "", "orders@officesupplies.example"),
    ("Widget Wholesale Ltd", "", "sales@widgetwholesale.example"),
    ("Brightspark IT Services", "", "invoices@brightspark.example"),
    ("Greenfield Insurance", "", "policies@greenfield.example"),
    ("Swift Couriers", "", ""),
    ("Clearview Cleaning", "", "clearview@example.com"),
    ("Print Hub", "", "jobs@printhub.example"),
    ("Evergreen Consulting", "", "team@evergreen.example"),
    ("Harbour Bank", "", ""),
)


def _demo_company(seed: _Seeder) -> None:
    _demo_settings(seed)
    _demo_contacts(seed)
    _demo_banking(seed)
    _demo_sales(seed)
    _demo_purchases(seed)
    _demo_quotes_and_orders(seed)
    _demo_journals(seed)
    _demo_ahead_and_batches(seed)
    _demo_budgets(seed)


_BUDGET_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    # (account code, monthly amount a year ago, monthly growth)
    ("200", "9000.00", "150.00"),
    ("260", "400.00", "0.00"),
    ("310", "2600.00", "40.00"),
    ("400", "300.00", "0.00"),
    ("453", "220.00", "0.00"),
    ("469", "1800.00", "0.00"),
    ("477", "4200.00", "25.00"),
    ("489", "160.00", "0.00"),
)


def _demo_budgets(seed: _Seeder) -> None:
    """The overall budget (two years of months, a year back to a year ahead) and a budget for the North region."""
    ctx = seed.ctx(60)
    first = budgets.add_months(seed.day(0), -12)
    months = [budgets.month_key(budgets.add_months(first, n)) for n in range(24)]
    overall = {
        code: [(month, Decimal(start) + Decimal(growth) * n) for n, month in enumerate(months)]
        for code, start, growth in _BUDGET_ACCOUNTS
    }
    budgets.create(ctx, "Overall Budget", overall)
    region = next(c for c in ctx.state.all(seed.tenant_id, "TrackingCategories") if c["Name"] == "Region")
    north = next(o for o in region["Options"] if o["Name"] == "North")
    tracking = [
        {
            "TrackingCategoryID": region["TrackingCategoryID"],
            "Name": "Region",
            "TrackingOptionID": north["TrackingOptionID"],
            "Option": "North",
        }
    ]
    north_sales = {"200": [(month, Decimal("2500.00")) for month in months]}
    budgets.create(seed.ctx(59), "North region", north_sales, tracking=tracking)
    reminders.configure(seed.ctx(59), enabled=True)


def _demo_settings(seed: _Seeder) -> None:
    seed.account("416", "Depreciation", "DEPRECIATN")
    seed.account("814", "Wages Payable", "CURRLIAB")
    seed.tracking("Region", ["North", "South", "East", "West"])
    seed.tracking("Department", ["Sales", "Services", "Admin"])
    seed.service("CONSULT", "Consulting hour", "Consulting (per hour)", "150.00")
    seed.service("SUPPORT-M", "Monthly support plan", "Support plan, one month", "450.00")
    seed.service("TRAINING", "Training day", "On-site training, one day", "1200.00")
    seed.service("INSTALL", "Installation", "Installation visit", "95.00", account="260")
    seed.goods("WIDGET", "Widget", "Standard widget", "25.00", "12.50", PurchaseDescription="Widget (wholesale)")
    seed.goods("GADGET", "Gadget", "Deluxe gadget", "40.00", "22.00", PurchaseDescription="Gadget (wholesale)")
    seed.goods("CABLE", "USB-C cable", "USB-C cable, 1 m", "9.90", "3.20")
    seed.item(
        "PAPER",
        "Printer paper (box)",
        PurchaseDescription="A4 printer paper, box of 5 reams",
        PurchaseDetails={"UnitPrice": Decimal("38.00"), "AccountCode": "453", "TaxType": "INPUT"},
        IsSold=False,
    )


def _demo_contacts(seed: _Seeder) -> None:
    for index, (name, number, email) in enumerate(_CUSTOMERS):
        fields: dict[str, Any] = {}
        if number:
            fields["ContactNumber"] = number
        if email:
            fields["EmailAddress"] = email
        if index % 3 == 0:
            fields["Phones"] = [{"PhoneType": "DEFAULT", "PhoneAreaCode": "555", "PhoneNumber": f"01{index:02d}"}]
            fields["Addresses"] = [
                {
                    "AddressType": "POBOX",
                    "AddressLine1": f"PO Box {100 + index}",
                    "City": "Oaktown",
                    "PostalCode": "6011",
                    "Country": "US",
                }
            ]
        if index % 4 == 1:
            fields["PaymentTerms"] = {"Sales": {"Day": 14, "Type": "DAYSAFTERBILLDATE"}}
        seed.contact(name, 195 - index, **fields)
    for index, (name, number, email) in enumerate(_SUPPLIERS):
        fields = {"ContactNumber": number} if number else {}
        if email:
            fields["EmailAddress"] = email
        seed.contact(name, 192 - index, **fields)
    seed.contact("Owner A", 192, FirstName="Alex", LastName="Owner", EmailAddress="alex.owner@example.com")
    seed.contact("Old Town Bakery", 190, EmailAddress="orders@oldtownbakery.example")
    seed.archive("Old Town Bakery", 60)
    seed.group("Key accounts", ["Harbourview Dental", "Northwind Traders", "Kestrel Logistics"])


def _demo_banking(seed: _Seeder) -> None:
    seed.bank(
        "RECEIVE",
        "Owner A",
        183,
        [line("Capital introduced", "30000.00", "970", TaxType="NONE")],
        Reference="Opening capital",
    )
    for month, days in enumerate((178, 148, 118, 88, 58, 28)):
        seed.bank(
            "SPEND",
            "Harbour Bank",
            days,
            [line("Monthly account fee", "25.00", "404", TaxType="NONE")],
            Reference=f"Fees {month + 1}",
        )
    seed.bank(
        "SPEND",
        "Brightspark IT Services",
        92,
        [line("Laptop for the office", "2400.00", "710", Tracking=[{"Name": "Department", "Option": "Admin"}])],
        Reference="Laptop",
    )
    seed.transfer("090", "091", "5000.00", 61, "To savings")
    seed.bank(
        "RECEIVE",
        "Harbour Bank",
        31,
        [line("Interest", "12.34", "270", TaxType="NONE")],
        account="091",
        Reference="Interest",
    )
    seed.bank(
        "SPEND",
        "Blue Heron Cafe",
        26,
        [line("Client lunch", "180.00", "420")],
        LineAmountTypes="Inclusive",
        Reference="Lunch with Kestrel",
    )
    mistaken = seed.bank("SPEND", "Swift Couriers", 22, [line("Courier", "45.00", "429")], Reference="Duplicate")
    seed.delete_bank(mistaken, 21)


def _demo_sales(seed: _Seeder) -> None:
    region = [{"Name": "Region", "Option": "North"}]
    services = [{"Name": "Department", "Option": "Services"}]
    acc = "ACCREC"
    paid = seed.invoice(acc, "Harbourview Dental", 175, [item_line("CONSULT", 24)], Reference="Q3 review")
    seed.pay(paid, 150)
    paid = seed.invoice(acc, "Northwind Traders", 168, [item_line("WIDGET", 40), item_line("CABLE", 40)])
    seed.pay(paid, 140)
    paid = seed.invoice(acc, "Maple & Finch Design", 160, [item_line("TRAINING", 2)])
    seed.pay(paid, 130)
    overdue = seed.invoice(acc, "Riverside Primary School", 150, [item_line("SUPPORT-M", 1)], Reference="Term 3")
    seed.mark_sent(overdue, 149)
    seed.note("Invoices", overdue["InvoiceID"], 40, "Called the school office: payment is waiting on the bursar.")
    paid = seed.invoice(acc, "Summit Outdoor Gear", 140, [item_line("GADGET", 25)])
    seed.pay(paid, 100)
    part = seed.invoice(acc, "Blue Heron Cafe", 130, [item_line("INSTALL", 3), item_line("CABLE", 10)])
    seed.pay(part, 90, "200.00", Reference="Part payment")
    paid = seed.invoice(acc, "Kestrel Logistics", 120, [item_line("CONSULT", 30, Tracking=region)])
    seed.pay(paid, 85, account="611", Reference="Cheque 1044")
    seed.invoice(acc, "Orchard Street Pharmacy", 110, [item_line("SUPPORT-M", 1)], "VOIDED", changed=104)
    overdue = seed.invoice(acc, "Pinnacle Fitness", 100, [item_line("TRAINING", 2)])
    seed.note(
        "Invoices", overdue["InvoiceID"], 20, "Customer disputes the second training day; sent the attendance sheet."
    )
    paid = seed.invoice(acc, "Copperleaf Architects", 95, [item_line("CONSULT", 20, DiscountRate=Decimal("10"))])
    seed.pay(paid, 60)
    paid = seed.invoice(acc, "Lighthouse Media", 90, [item_line("WIDGET", 100)], LineAmountTypes="Inclusive")
    seed.pay(paid, 55)
    part = seed.invoice(acc, "Granite Peak Construction", 80, [item_line("INSTALL", 10, Tracking=region)])
    seed.pay(part, 40, "500.00")
    credited = seed.invoice(acc, "Silverline Events", 75, [item_line("SUPPORT-M", 1)])
    refund = seed.credit_note(
        "ACCRECCREDIT", "Silverline Events", 72, [line("Support not used in week 1", "100.00", "200", TaxType="OUTPUT")]
    )
    seed.allocate(refund, credited, "110.00", 72)
    paid = seed.invoice(acc, "Tidewater Marina", 70, [item_line("GADGET", 10)])
    seed.pay(paid, 30)
    seed.invoice(acc, "Willow Creek Vets", 58, [item_line("CONSULT", 5)])
    paid = seed.invoice(acc, "Aurora Yoga Studio", 50, [item_line("TRAINING", 1)])
    seed.pay(paid, 20)
    seed.invoice(acc, "Redwood Legal", 45, [item_line("CONSULT", 12, Tracking=services)])
    seed.invoice(acc, "Foxglove Florists", 40, [item_line("WIDGET", 20)], "DELETED", changed=39)
    paid = seed.invoice(acc, "Harbourview Dental", 30, [item_line("SUPPORT-M", 1)])
    seed.mark_sent(paid, 30)
    seed.pay(paid, 10)
    reopened = seed.invoice(acc, "Northwind Traders", 25, [item_line("GADGET", 30)])
    payment = seed.pay(reopened, 4, Reference="Bounced")
    seed.delete_payment(payment, 2)
    seed.note("Invoices", reopened["InvoiceID"], 2, "Payment reversed: the customer's bank returned it.")
    seed.invoice(acc, "Kestrel Logistics", 20, [item_line("CONSULT", 6)], "SUBMITTED")
    seed.invoice(acc, "Maple & Finch Design", 14, [item_line("TRAINING", 1)])
    seed.invoice(acc, "Summit Outdoor Gear", 10, [item_line("WIDGET", 15)], "DRAFT")
    seed.invoice(acc, "Pinnacle Fitness", 5, [item_line("INSTALL", 2)], "DRAFT")
    seed.invoice(acc, "Lighthouse Media", 3, [item_line("SUPPORT-M", 1)], "SUBMITTED")
    seed.invoice(acc, "Granite Peak Construction", 2, [item_line("CONSULT", 4)])
    seed.credit_note("ACCRECCREDIT", "Summit Outdoor Gear", 8, [item_line("GADGET", 2)])
    seed.credit_note("ACCRECCREDIT", "Tidewater Marina", 6, [item_line("GADGET", 1)], "DRAFT")
    seed.note("Contacts", seed.contacts["Riverside Primary School"], 40, "Bursar: Ms Patel, ext. 204.")


def _demo_purchases(seed: _Seeder) -> None:
    acp = "ACCPAY"
    for month, days in enumerate((170, 140, 110, 80, 50, 20)):
        bill = seed.invoice(
            acp,
            "Parkside Property Management",
            days,
            [line("Office rent", "1800.00", "469")],
            InvoiceNumber=f"RENT-{month + 1:02d}",
            DueDate=seed.text_day(days - 10),
        )
        if days > 20:
            seed.pay(bill, days - 9, Reference="Rent")
    for days, amount in ((160, "310.00"), (100, "285.50")):
        bill = seed.invoice(
            acp, "Metro Power & Gas", days, [line("Electricity", amount, "445")], InvoiceNumber=f"MPG-{days}"
        )
        seed.pay(bill, days - 20)
    seed.invoice(acp, "Metro Power & Gas", 40, [line("Electricity", "298.75", "445")], InvoiceNumber="MPG-40")
    for days in (155, 95):
        bill = seed.invoice(
            acp, "Skyline Telecom", days, [line("Phone and internet", "149.00", "489")], InvoiceNumber=f"SKY-{days}"
        )
        seed.pay(bill, days - 25)
    bill = seed.invoice(
        acp, "Skyline Telecom", 35, [line("Phone and internet", "149.00", "489")], InvoiceNumber="SKY-35"
    )
    seed.pay(bill, 10, "100.00")
    stock = seed.invoice(
        acp, "Widget Wholesale Ltd", 150, [item_line("WIDGET", 200), item_line("GADGET", 100)], InvoiceNumber="WW-5521"
    )
    seed.pay(stock, 125)
    stock = seed.invoice(
        acp, "Widget Wholesale Ltd", 62, [item_line("WIDGET", 100), item_line("CABLE", 50)], InvoiceNumber="WW-5790"
    )
    seed.pay(stock, 35)
    paper = seed.invoice(acp, "Office Supplies Co", 120, [item_line("PAPER", 10)], InvoiceNumber="OS-1182")
    seed.pay(paper, 100)
    supplies = seed.invoice(acp, "Office Supplies Co", 60, [item_line("PAPER", 6)], InvoiceNumber="OS-1305")
    damaged = seed.credit_note("ACCPAYCREDIT", "Office Supplies Co", 55, [item_line("PAPER", 1)])
    seed.allocate(damaged, supplies, "41.80", 55)
    seed.invoice(acp, "Brightspark IT Services", 90, [line("Network setup", "1800.00", "412")], InvoiceNumber="BS-0420")
    insurance = seed.invoice(
        acp, "Greenfield Insurance", 130, [line("Annual liability cover", "2400.00", "433")], InvoiceNumber="GI-2291"
    )
    seed.pay(insurance, 115)
    seed.invoice(
        acp,
        "Swift Couriers",
        70,
        [line("Courier charges", "64.00", "429")],
        "VOIDED",
        InvoiceNumber="SC-881",
        changed=66,
    )
    seed.invoice(
        acp,
        "Clearview Cleaning",
        45,
        [line("Office cleaning", "220.00", "408")],
        "DELETED",
        InvoiceNumber="CC-310",
        changed=44,
    )
    seed.invoice(acp, "Print Hub", 25, [line("Brochures", "640.00", "400")], "DRAFT", InvoiceNumber="PH-77")
    evergreen = seed.invoice(
        acp, "Evergreen Consulting", 15, [line("Tax advice", "900.00", "412")], "SUBMITTED", InvoiceNumber="EC-19"
    )
    seed.note("Invoices", evergreen["InvoiceID"], 14, "Waiting for the director's approval.")
    seed.invoice(acp, "Office Supplies Co", 8, [item_line("PAPER", 4)], InvoiceNumber="OS-1349")


def _demo_quotes_and_orders(seed: _Seeder) -> None:
    tax = {"TaxType": "OUTPUT"}
    seed.quote("Redwood Legal", 5, [item_line("CONSULT", 20, **tax)], ["DRAFT"], Title="Contract review")
    sent = seed.quote(
        "Willow Creek Vets",
        12,
        [item_line("SUPPORT-M", 6, **tax)],
        ["SENT"],
        Title="Six months of support",
        Summary="Monthly support plan for the clinic",
    )
    seed.note("Quotes", sent["QuoteID"], 6, "Follow up next week.")
    seed.quote(
        "Copperleaf Architects", 40, [item_line("TRAINING", 2, **tax)], ["SENT", "ACCEPTED"], Title="Team training"
    )
    seed.quote("Foxglove Florists", 70, [item_line("WIDGET", 50, **tax)], ["SENT", "DECLINED"], Title="Shop fit-out")
    seed.quote(
        "Pinnacle Fitness",
        105,
        [item_line("TRAINING", 2, **tax)],
        ["SENT", "ACCEPTED", "INVOICED"],
        Title="Staff training",
        Terms="50% on acceptance",
    )
    seed.quote("Aurora Yoga Studio", 20, [item_line("INSTALL", 4, **tax)], ["DRAFT", "DELETED"])
    seed.purchase_order("Widget Wholesale Ltd", 4, [item_line("WIDGET", 150)], ["DRAFT"])
    seed.purchase_order("Office Supplies Co", 9, [item_line("PAPER", 12)], ["SUBMITTED"])
    seed.purchase_order(
        "Widget Wholesale Ltd",
        15,
        [item_line("GADGET", 80), item_line("CABLE", 100)],
        ["AUTHORISED"],
        DeliveryDate=seed.text_day(-7),
        AttentionTo="Warehouse",
        DeliveryInstructions="Deliver to the loading bay",
    )
    seed.purchase_order(
        "Widget Wholesale Ltd",
        66,
        [item_line("WIDGET", 100), item_line("CABLE", 50)],
        ["AUTHORISED", "BILLED"],
        Reference="WW-5790",
    )
    seed.purchase_order("Print Hub", 30, [line("Flyers", "300.00", "400")], ["DRAFT", "DELETED"])


def _demo_journals(seed: _Seeder) -> None:
    for days in (62, 31, 1):
        seed.journal(
            "Depreciation of office equipment",
            days,
            [("416", "66.67", "Laptop, straight line over 3 years"), ("711", "-66.67", "Laptop")],
        )
    seed.journal(
        "Accrued wages for the last week",
        1,
        [("477", "1500.00", "Wages accrued"), ("814", "-1500.00", "Wages payable")],
        status="DRAFT",
    )


# --- Second Street Trading ---------------------------------------------------------------------------------------


def _second_street(seed: _Seeder) -> None:
    seed.tracking("Project", ["Rebrand", "Website"])
    seed.service("HOURLY", "Design hour", "Design work (per hour)", "120.00", tax="OUTPUT2")
    seed.service("LOGO", "Logo package", "Logo design package", "850.00", tax="OUTPUT2")
    seed.contact("Kowhai Kitchens", 120, ContactNumber="KK-01", EmailAddress="accounts@kowhai.example")
    seed.contact("Tui Print Studio", 119, EmailAddress="studio@tuiprint.example")
    seed.contact("Pohutukawa Plumbing", 118)
    seed.contact("Southern Cross Supplies", 117, EmailAddress="sales@southerncross.example")
    seed.contact("Wellington Power Co", 116)
    seed.contact("Capital Bank", 116)
    seed.bank("RECEIVE", "Capital Bank", 115, [line("Owner funds", "10000.00", "970", TaxType="NONE")])
    seed.bank("SPEND", "Capital Bank", 60, [line("Bank fees", "12.00", "404", TaxType="NONE")])
    rebrand = [{"Name": "Project", "Option": "Rebrand"}]
    paid = seed.invoice("ACCREC", "Kowhai Kitchens", 90, [item_line("LOGO", 1, Tracking=rebrand)])
    seed.pay(paid, 70)
    part = seed.invoice("ACCREC", "Tui Print Studio", 45, [item_line("HOURLY", 12)])
    seed.pay(part, 20, "500.00")
    seed.invoice("ACCREC", "Pohutukawa Plumbing", 15, [item_line("HOURLY", 6)])
    seed.invoice("ACCREC", "Kowhai Kitchens", 3, [item_line("HOURLY", 4)], "DRAFT")
    bill = seed.invoice("ACCPAY", "Wellington Power Co", 40, [line("Power", "180.00", "445")], InvoiceNumber="WP-40")
    seed.pay(bill, 25)
    seed.invoice("ACCPAY", "Southern Cross Supplies", 12, [line("Stationery", "95.00", "453")], InvoiceNumber="SCS-12")
    seed.credit_note("ACCRECCREDIT", "Tui Print Studio", 10, [item_line("HOURLY", 1)])
    seed.quote("Pohutukawa Plumbing", 20, [item_line("LOGO", 1, TaxType="OUTPUT2")], ["SENT"], Title="New logo")
    seed.quote("Tui Print Studio", 50, [item_line("HOURLY", 10, TaxType="OUTPUT2")], ["SENT", "ACCEPTED"])
    seed.purchase_order(
        "Southern Cross Supplies", 8, [line("Sketch pads", "12.50", "453", quantity=20)], ["AUTHORISED"]
    )
    seed.journal(
        "Equipment contributed by the owner",
        100,
        [("710", "1500.00", "Drawing tablet"), ("970", "-1500.00", "Owner contribution")],
    )


def _demo_ahead_and_batches(seed: _Seeder) -> None:
    """A deposit used on its invoice, a supplier run paid in one batch, a repeating invoice and a billable expense."""
    seed.contact("Lakeside Weddings", 70, EmailAddress="hello@lakeside.example")
    seed.contact("Rapid Freight", 70)
    seed.contact("Inkwell Printing", 70)
    deposit = seed.bank(
        "RECEIVE-PREPAYMENT", "Lakeside Weddings", 60, [line("Deposit for the June wedding", "500.00", "200")]
    )
    record = seed.ctx(45).get("Prepayments", deposit["PrepaymentID"])
    assert record is not None
    invoice = seed.invoice("ACCREC", "Lakeside Weddings", 45, [line("Wedding venue and catering", "500.00", "200")])
    allocation = {"Amount": invoice["Total"], "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Date": seed.text_day(45)}
    prepayments.allocate(seed.ctx(45), prepayments.PREPAYMENT, record, allocation)
    freight = seed.invoice(
        "ACCPAY", "Rapid Freight", 30, [line("Freight, May", "200.00", "429")], InvoiceNumber="RF-88"
    )
    printing = seed.invoice(
        "ACCPAY", "Inkwell Printing", 28, [line("Brochures", "300.00", "461")], InvoiceNumber="IP-12"
    )
    run = [{"Invoice": {"InvoiceID": bill["InvoiceID"]}, "Amount": bill["Total"]} for bill in (freight, printing)]
    batch = {"Account": {"Code": "090"}, "Date": seed.text_day(15), "Reference": "Supplier run", "Payments": run}
    batch_payments.create(seed.ctx(15), batch)
    schedule = {
        "Period": 1,
        "Unit": "MONTHLY",
        "DueDate": 20,
        "DueDateType": "DAYSAFTERBILLDATE",
        "StartDate": (seed.day(0) + timedelta(days=14)).isoformat(),
    }
    template = {
        "Type": "ACCREC",
        "Contact": seed.contact_ref("Lakeside Weddings"),
        "Status": "AUTHORISED",
        "Reference": "Monthly venue retainer",
        "LineItems": [line("Venue retainer", "250.00", "200")],
        "Schedule": schedule,
    }
    repeating_invoices.create(seed.ctx(5), template)
    courier = seed.invoice(
        "ACCPAY", "Rapid Freight", 8, [line("Courier to Lakeside Weddings", "45.00", "429")], InvoiceNumber="RF-95"
    )
    link = {
        "SourceTransactionID": courier["InvoiceID"],
        "SourceLineItemID": courier["LineItems"][0]["LineItemID"],
        "ContactID": seed.contacts["Lakeside Weddings"],
    }
    linked_transactions.create(seed.ctx(8), link)
