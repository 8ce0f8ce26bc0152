"""The sandbox ASGI app: Xero's Accounting API under ``/api.xro/2.0``, identity, and the ``/_sandbox`` controls.

Every emulated API request goes through the same steps (reference §9): the identity service checks the bearer
token and tenant (401/403), an injected fault may answer or break the request, the rate limiter admits it (or
answers 429), then the request is routed to a collection operation. Responses use Xero's envelope
(``Id``, ``Status``, ``ProviderName``, ``DateTimeUTC`` and the plural key), MS-JSON dates, Xero's exact error bodies
(400 ValidationException, plain-text 404) and always the limiter's ``X-*Limit-Remaining`` headers.

Writes take a single object or the plural wrapper. PUT creates, POST creates or updates (matching elements by ID
or number), ``POST /{plural}/{id}`` updates. With ``summarizeErrors`` absent or true any failing element makes the
request a 400 and nothing is written; with ``summarizeErrors=false`` the answer is 200 and every element carries
``StatusAttributeString`` (OK, WARNING, ERROR) and its ValidationErrors, the good ones written.
``Idempotency-Key`` on POST/PUT (at most 128 characters, per app and tenant) replays the first response for
6 minutes of sandbox time, errors included; the same key with a different request is a 400.

``create_sandbox`` builds a ``Sandbox``: state, clock, limiter, faults, identity and this app, with the two
baseline organisations and (when ``xero_mcp.sandbox.seed`` exists) the demo seed.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import importlib.util
import math
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from xero_mcp.sandbox import journals, pdf
from xero_mcp.sandbox.clock import SandboxClock
from xero_mcp.sandbox.faults import ConnectionDropped, FaultInjector, ResponseTimedOut, fault_response
from xero_mcp.sandbox.identity import IdentityService
from xero_mcp.sandbox.limits import LimitConfig, RateLimiter, refusal_response
from xero_mcp.sandbox.orgsetup import setup_default_organisations
from xero_mcp.sandbox.query import QueryError, build_list_query, parse_if_modified_since
from xero_mcp.sandbox.rules import accounts as account_rules
from xero_mcp.sandbox.rules import (
    attachments,
    contacts,
    credit_notes,
    email,
    history,
    linked_transactions,
    prepayments,
    reminders,
    repeating_invoices,
    tracking,
)
from xero_mcp.sandbox.rules import items as item_rules
from xero_mcp.sandbox.rules.common import Ctx, NotFound, RuleError, as_doc, element_list, is_guid
from xero_mcp.sandbox.rules.registry import HISTORY_COLLECTIONS, RESOURCES, Resource
from xero_mcp.sandbox.state import (
    Doc,
    SandboxState,
    StoredAttachment,
    StoredResponse,
    load_json,
    ms_date,
    to_wire,
)
from xero_mcp.sandbox.transport import SandboxTransport

API_PREFIX = "/api.xro/2.0"
NOT_FOUND_TEXT = "The resource you're looking for cannot be found"
PROVIDER_NAME = "Xero MCP Sandbox"
IDEMPOTENCY_WINDOW = timedelta(minutes=6)
IDEMPOTENCY_KEY_MAX = 128
JSON_TYPE = "application/json; charset=utf-8"
_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"]
_RESOURCE_NAMES = {
    name.lower(): name for name in [*RESOURCES, "Organisation", "Reports", "Journals", "InvoiceReminders"]
}

Handler = Callable[[], Response]


@dataclass
class SandboxConfig:
    """How to build a sandbox.

    ``db``: SQLite file (None: in memory). ``limits``: rate limits (None: Xero's). ``real_time_delays``: a "slow"
    fault sleeps its delay (served over HTTP) instead of raising ResponseTimedOut (in-process). ``seed``: run the
    demo seed after the baseline organisations. ``start``/``frozen_clock``/``clock_rate``: the sandbox clock.
    """

    db: str | None = None
    limits: LimitConfig | None = None
    real_time_delays: bool = False
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"  # noqa: S105 - the sandbox demo app's published secret
    seed: bool = True
    start: datetime | None = None
    frozen_clock: bool = False
    clock_rate: float = 1.0


@dataclass
class RequestCounts:
    """Emulated API requests served (admitted past the rate limiter): in all, per tenant, per method and route."""

    total: int = 0
    by_tenant: Counter[str] = field(default_factory=Counter[str])
    by_route: Counter[tuple[str, str]] = field(default_factory=Counter[tuple[str, str]])
    refused: Counter[str] = field(default_factory=Counter[str])

    def refuse(self, problem: str) -> None:
        """Count one request refused with a 429, by the limit it hit (minute, day, concurrent, appminute)."""
        self.refused[problem] += 1

    def record(self, tenant_id: str, method: str, route: str) -> None:
        """Count one request, e.g. ``record(tenant, "GET", "/Invoices/{id}")``."""
        self.total += 1
        self.by_tenant[tenant_id] += 1
        self.by_route[(method, route)] += 1

    def reset(self) -> None:
        """Start counting from zero."""
        self.total = 0
        self.by_tenant.clear()
        self.by_route.clear()
        self.refused.clear()

    def as_json(self) -> dict[str, Any]:
        """The counts as JSON-ready data."""
        return {
            "total": self.total,
            "byTenant": dict(self.by_tenant),
            "refused": dict(self.refused),
            "byRoute": [
                {"method": method, "route": route, "count": count}
                for (method, route), count in sorted(self.by_route.items())
            ],
        }


# --- responses ---------------------------------------------------------------------------------------------------


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response with Decimal numbers exact and stored dates as MS-JSON."""
    return Response(to_wire(body), status_code=status, media_type=JSON_TYPE)


def not_found() -> Response:
    """Xero's plain-text 404."""
    return PlainTextResponse(NOT_FOUND_TEXT, status_code=404)


def validation_error(elements: list[Doc]) -> Response:
    """Xero's 400 ValidationException with the failing elements and their ValidationErrors."""
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": elements,
    }
    return json_response(body, 400)


def validation_message(*messages: str, element: Doc | None = None) -> Response:
    """A 400 ValidationException about one element (or the request as a whole)."""
    return validation_error([_with_errors(element or {}, list(messages))])


# The flag Xero raises on an element it refused (the spec's schemas carry one or the other, or neither): the echo
# never keeps the request's own "false".
_ERROR_FLAGS = {
    "Invoices": "HasErrors",
    "CreditNotes": "HasErrors",
    "Contacts": "HasValidationErrors",
    "Payments": "HasValidationErrors",
}


def _with_errors(element: Any, messages: list[str], plural: str | None = None) -> Doc:
    echoed = dict(as_doc(element) or {})
    flag = _ERROR_FLAGS.get(plural or "")
    if flag is not None:
        echoed[flag] = True
    echoed["ValidationErrors"] = [{"Message": message} for message in messages]
    return echoed


def _query_error(message: str) -> Response:
    return json_response({"ErrorNumber": 16, "Type": "QueryParseException", "Message": message}, 400)


def _post_data_error(message: str) -> Response:
    return json_response({"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": message}, 400)


class _Abort(Exception):
    """Unwinds a summarised batch's savepoint when an element failed."""


@dataclass
class _Outcome:
    doc: Doc | None = None
    echo: Any = None
    errors: list[str] = field(default_factory=list[str])
    warnings: list[str] = field(default_factory=list[str])


@dataclass
class ApiRequest:
    """One emulated API request, parsed: who, what, and the context rules run in."""

    method: str
    path: str
    segments: list[str]
    params: dict[str, str]
    raw_params: dict[str, str]
    headers: Mapping[str, str]
    body: bytes
    ctx: Ctx
    base_url: str = ""

    def json_body(self) -> Any:
        """The request body as JSON (Decimal numbers); ValueError when it is not JSON."""
        if not self.body.strip():
            raise ValueError("The request body is empty.")
        return load_json(self.body)


# --- the sandbox ------------------------------------------------------------------------------------------------


class Sandbox:
    """Everything one sandbox instance holds: state, clock, limiter, faults, identity and the ASGI app.

    ``request_counts`` counts the emulated API requests served, per tenant and per (method, route template):
    benchmarks count API calls with it.
    """

    def __init__(self, config: SandboxConfig, state: SandboxState, clock: SandboxClock) -> None:
        self.config = config
        self.state = state
        self.clock = clock
        self.limiter = RateLimiter(clock, config.limits if config.limits is not None else LimitConfig())
        self.faults = FaultInjector()
        self.identity = IdentityService(
            clock, state.organisations, client_id=config.client_id, client_secret=config.client_secret
        )
        self.request_counts = RequestCounts()
        self._baseline: SandboxState | None = None
        self.app = self._build_app()

    # -- public helpers --

    def tenant_ids(self) -> list[str]:
        """The organisations' tenant IDs, in creation order."""
        return [tenant for tenant, _ in self.state.organisations()]

    def transport(self) -> SandboxTransport:
        """An in-process httpx2 transport into this sandbox (network faults surface as httpx2 errors)."""
        return SandboxTransport(self.app)

    def context(self, tenant_id: str) -> Ctx:
        """A rules context for an organisation at the current sandbox time (for seeding and tests)."""
        return Ctx(self.state, tenant_id, self.clock.now(), app_id=self.config.client_id)

    def reset(self) -> None:
        """Go back to the state captured when the sandbox was created (or last seeded); clear limits and faults."""
        self.state.restore(self.baseline())
        self.limiter.reset()
        self.faults.clear()
        self.request_counts.reset()

    def seed(self) -> None:
        """Rebuild the organisations from scratch and run the demo seed; the result becomes the reset baseline."""
        fresh = SandboxState()
        setup_default_organisations(fresh, self.clock.now())
        self.state.restore(fresh)
        fresh.close()
        run_seed(self)
        self.capture_baseline()
        self.limiter.reset()
        self.faults.clear()
        self.request_counts.reset()

    def capture_baseline(self, snapshot: SandboxState | None = None) -> None:
        """Make `snapshot` (default: a copy of the current state) what ``reset`` returns to."""
        self._baseline = snapshot if snapshot is not None else self.state.clone()

    def baseline(self) -> SandboxState:
        """The state ``reset`` returns to."""
        if self._baseline is None:
            # A sandbox opened on an existing database file: rebuild the seeded state it would have started from.
            other = create_sandbox(SandboxConfig(seed=self.config.seed, start=self.clock.now(), frozen_clock=True))
            self._baseline = other.state
        return self._baseline

    # -- the app --

    def _build_app(self) -> Starlette:
        from xero_mcp.sandbox.control import control_routes

        async def not_found_handler(request: Request, exc: Exception) -> Response:
            del request, exc
            return not_found()

        routes = [
            *self.identity.routes(),
            Mount("/_sandbox", routes=control_routes(self)),
            Route(API_PREFIX, self._api, methods=_METHODS),
            Route(API_PREFIX + "/{path:path}", self._api, methods=_METHODS),
        ]
        return Starlette(routes=routes, exception_handlers={404: not_found_handler, 405: not_found_handler})

    async def _api(self, request: Request) -> Response:
        method = request.method.upper()
        path = request.url.path
        auth = self.identity.authenticate(
            request.headers.get("authorization"), request.headers.get("xero-tenant-id"), method, path
        )
        if isinstance(auth, Response):
            return auth
        fault = self.faults.take(method, path)
        if fault is not None:
            answer = fault_response(fault)
            if answer is not None:
                return answer
            if fault.kind == "drop":
                request.scope["sandbox.dropped"] = True
                raise ConnectionDropped(f"{method} {path} dropped before processing")
        admission = self.limiter.admit(auth.tenant_id, auth.app_id)
        try:
            if not admission.allowed:
                self.request_counts.refuse(admission.problem or "unknown")
                return refusal_response(admission)
            body = await request.body()
            response = self._serve(request, auth.tenant_id, auth.app_id, body)
            response.headers.update(admission.headers)
            if fault is not None and fault.kind == "commit_then_drop":
                request.scope["sandbox.dropped"] = True
                raise ConnectionDropped(f"{method} {path} dropped after it was committed")
            if fault is not None and fault.kind == "slow":
                if not self.config.real_time_delays:
                    raise ResponseTimedOut(f"{method} {path} took longer than the client waits")
                await asyncio.sleep(fault.delay)
            return response
        finally:
            admission.release()

    def _serve(self, request: Request, tenant_id: str, app_id: str, body: bytes) -> Response:
        method = request.method.upper()
        relative = request.url.path[len(API_PREFIX) :]
        raw_params = dict(request.query_params)
        params = {key.lower(): value for key, value in raw_params.items()}
        unitdp = 4 if params.get("unitdp") == "4" else 2
        ctx = Ctx(self.state, tenant_id, self.clock.now(), app_id=app_id, unitdp=unitdp)
        api_request = ApiRequest(
            method=method,
            path=relative,
            segments=[part for part in relative.split("/") if part],
            params=params,
            raw_params=raw_params,
            headers=request.headers,
            body=body,
            ctx=ctx,
            base_url=str(request.base_url).rstrip("/") + API_PREFIX,
        )
        with self.state.atomic():
            # Time has passed since the last request: schedules that have come due make their invoices first.
            repeating_invoices.make_due_invoices(ctx)
        route, handler = _Router(self, api_request).resolve()
        self.request_counts.record(tenant_id, method, route)
        key = request.headers.get("idempotency-key")
        if key is None or method not in ("POST", "PUT"):
            return self._run(handler)
        return self._idempotent(api_request, key, request.url.query, handler)

    @staticmethod
    def _run(handler: Handler) -> Response:
        try:
            return handler()
        except NotFound:
            return not_found()
        except QueryError as error:
            return _query_error(str(error))
        except RuleError as error:
            return validation_message(*error.messages)

    def _idempotent(self, request: ApiRequest, key: str, query: str, handler: Handler) -> Response:
        ctx = request.ctx
        if len(key) > IDEMPOTENCY_KEY_MAX:
            return validation_message(f"Idempotency Key: must be {IDEMPOTENCY_KEY_MAX} characters or fewer.")
        digest = hashlib.sha256()
        for part in (request.method, request.path, "&".join(sorted(query.split("&")))):
            digest.update(part.encode() + b"\0")
        digest.update(request.body)
        fingerprint = digest.hexdigest()
        self.state.forget_responses_before(ctx.now - IDEMPOTENCY_WINDOW)
        stored = self.state.stored_response(ctx.app_id, ctx.tenant_id, key)
        if stored is not None:
            if stored.fingerprint != fingerprint:
                return validation_message(f"Idempotency Key: {key} is used with a different request.")
            return Response(stored.body, status_code=stored.status, media_type=stored.media_type)
        response = self._run(handler)
        if response.status_code < 500:
            media_type = response.headers.get("content-type")
            self.state.store_response(
                ctx.app_id,
                ctx.tenant_id,
                key,
                StoredResponse(fingerprint, response.status_code, media_type, bytes(response.body), ctx.now),
            )
        return response


# --- routing ------------------------------------------------------------------------------------------------------


class _Router:
    """Maps one API request to a route template and the handler that answers it."""

    def __init__(self, sandbox: Sandbox, request: ApiRequest) -> None:
        self.sandbox = sandbox
        self.request = request
        self.ctx = request.ctx
        self.state = sandbox.state

    def resolve(self) -> tuple[str, Handler]:
        """(route template, handler); unknown routes get the plain-text 404."""
        segments = self.request.segments
        name = _RESOURCE_NAMES.get(segments[0].lower()) if segments else None
        if name is None:
            return "(unknown)", not_found
        method = self.request.method
        rest = segments[1:]
        if name == "Organisation":
            return self._organisation(rest)
        if name == "Reports":
            return self._reports(rest)
        if name == "Journals":
            return self._journals(rest)
        if name == "LinkedTransactions":
            with self.state.atomic():
                # A link's status follows its bill and invoice, which other requests may have changed.
                linked_transactions.refresh(self.ctx)
        if name == "InvoiceReminders":
            if method == "GET" and len(rest) == 1 and rest[0].lower() == "settings":
                return "/InvoiceReminders/Settings", lambda: self.respond(
                    "InvoiceReminders", reminders.settings(self.ctx)
                )
            return "/InvoiceReminders/{sub}", not_found
        template = "/" + name
        if rest:
            template += "/{id}"
        if len(rest) >= 2:
            template += "/" + _canonical_sub(rest[1])
        if len(rest) >= 3:
            template += "/{sub_id}"
        handler = self._handler(RESOURCES[name], method, rest)
        return template, handler if handler is not None else not_found

    def _handler(self, resource: Resource, method: str, rest: list[str]) -> Handler | None:
        plural = resource.plural
        if not rest:
            if method == "GET":
                return lambda: self.list(resource)
            if method == "PUT" and resource.create is not None:
                return lambda: self.write_all(resource, create_only=True)
            if method == "POST" and resource.update is not None:
                return lambda: self.write_all(resource, create_only=False)
            return None
        value = rest[0]
        if len(rest) == 1:
            if method == "GET":
                return lambda: self.get(resource, value)
            if method == "POST" and resource.update is not None:
                return lambda: self.update_one(resource, value)
            if method == "DELETE":
                return self._delete(plural, value)
            return None
        sub = rest[1].lower()
        if sub == "attachments" and plural in attachments.PARENTS and len(rest) <= 3:
            return self._attachments(resource, method, value, rest[2] if len(rest) == 3 else None)
        if len(rest) == 2:
            if sub == "history" and plural in HISTORY_COLLECTIONS:
                if method == "GET":
                    return lambda: self.history(resource, value)
                if method == "PUT":
                    return lambda: self.add_history(resource, value)
            return self._sub_resource(plural, method, value, sub)
        if len(rest) == 3:
            return self._sub_item(plural, method, value, sub, rest[2])
        return None

    def _attachments(self, resource: Resource, method: str, value: str, name: str | None) -> Handler | None:
        if name is None:
            return (lambda: self.list_attachments(resource, value)) if method == "GET" else None
        if method == "GET":
            return lambda: self.attachment_file(resource, value, name)
        if method in ("PUT", "POST"):
            return lambda: self.upload_attachment(resource, value, name)
        return None

    def _delete(self, plural: str, value: str) -> Handler | None:
        if plural == "Items":
            return lambda: self.delete_item(value)
        if plural == "Accounts":
            return lambda: self.delete_account(value)
        if plural == "TrackingCategories":
            return lambda: self.delete_tracking_category(value)
        if plural == "LinkedTransactions":
            return lambda: self.delete_linked_transaction(value)
        return None

    def _sub_resource(self, plural: str, method: str, value: str, sub: str) -> Handler | None:
        handlers: dict[tuple[str, str, str], Handler] = {
            ("Invoices", "POST", "email"): lambda: self.email_invoice(value),
            ("Invoices", "GET", "onlineinvoice"): lambda: self.online_invoice(value),
            ("CreditNotes", "PUT", "allocations"): lambda: self.allocate(value),
            ("Prepayments", "PUT", "allocations"): lambda: self.allocate_credit(plural, value),
            ("Overpayments", "PUT", "allocations"): lambda: self.allocate_credit(plural, value),
            ("TrackingCategories", "PUT", "options"): lambda: self.add_options(value),
            ("ContactGroups", "PUT", "contacts"): lambda: self.add_group_contacts(value),
            ("ContactGroups", "DELETE", "contacts"): lambda: self.remove_group_contacts(value, None),
        }
        return handlers.get((plural, method, sub))

    def _sub_item(self, plural: str, method: str, value: str, sub: str, item: str) -> Handler | None:
        handlers: dict[tuple[str, str, str], Handler] = {
            ("CreditNotes", "DELETE", "allocations"): lambda: self.delete_allocation(value, item),
            ("Prepayments", "DELETE", "allocations"): lambda: self.delete_credit_allocation(plural, value, item),
            ("Overpayments", "DELETE", "allocations"): lambda: self.delete_credit_allocation(plural, value, item),
            ("TrackingCategories", "POST", "options"): lambda: self.update_option(value, item),
            ("TrackingCategories", "DELETE", "options"): lambda: self.delete_option(value, item),
            ("ContactGroups", "DELETE", "contacts"): lambda: self.remove_group_contacts(value, item),
        }
        return handlers.get((plural, method, sub))

    # -- envelopes --

    def envelope(self, key: str, items: list[Doc], **extra: Any) -> Doc:
        """Xero's response envelope around `items`."""
        body: Doc = {
            "Id": str(uuid.uuid4()),
            "Status": "OK",
            "ProviderName": PROVIDER_NAME,
            "DateTimeUTC": ms_date(self.ctx.now, offset=False),
        }
        body.update(extra)
        body[key] = items
        return body

    def respond(self, key: str, items: list[Doc], **extra: Any) -> Response:
        """A 200 with the envelope."""
        return json_response(self.envelope(key, items, **extra))

    def _shown(self, resource: Resource, doc: Doc, *, single: bool = False) -> Doc:
        view = resource.view if single else resource.list_view or resource.view
        return view(self.ctx, doc, self.request.params) if view is not None else doc

    # -- reads --

    def list(self, resource: Resource) -> Response:
        """GET /{plural}: where, order, paging, If-Modified-Since and the collection's own filters."""
        paged = resource.is_paged(self.request.params)
        query = build_list_query(
            resource.collection,
            self.request.params,
            if_modified_since=self.request.headers.get("if-modified-since"),
            paged=paged,
            default_order=resource.default_order,
            pageable=resource.page_on_request,
        )
        tenant, plural = self.ctx.tenant_id, resource.plural
        paging = query.paging
        docs = self.state.select(
            tenant,
            plural,
            where=query.where,
            params=query.params,
            order=query.order,
            limit=paging.page_size if paging else None,
            offset=paging.offset if paging else 0,
        )
        shown = [self._shown(resource, doc) for doc in docs]
        if not paged and resource.unpaged_omits:
            shown = [{k: v for k, v in doc.items() if k not in resource.unpaged_omits} for doc in shown]
        if not paged or paging is None:
            return self.respond(plural, shown)
        count = self.state.count(tenant, plural, where=query.where, params=query.params)
        pagination = {
            "page": paging.page,
            "pageSize": paging.page_size,
            "pageCount": math.ceil(count / paging.page_size),
            "itemCount": count,
        }
        return self.respond(plural, shown, pagination=pagination)

    def find(self, resource: Resource, value: str) -> Doc:
        """The document a path value names: a GUID is an ID, anything else a number or code."""
        plural = resource.plural
        if plural == "TaxRates":
            doc = self.ctx.get(plural, value.upper())
        elif is_guid(value):
            doc = self.ctx.get(plural, value)
        elif resource.by_number:
            found = self.state.find(self.ctx.tenant_id, plural, "number", value)
            doc = found[0] if found else None
        else:
            doc = None
        if doc is None:
            raise NotFound(value)
        return doc

    def get(self, resource: Resource, value: str) -> Response:
        """GET /{plural}/{id or number}: JSON, or the document's PDF when the request's Accept prefers one."""
        doc = self.find(resource, value)
        if resource.plural in pdf.PDF_COLLECTIONS and pdf.prefers_pdf(self.request.headers.get("accept")):
            return self.document_pdf(resource.plural, doc)
        return self.respond(resource.plural, [self._shown(resource, doc, single=True)])

    def document_pdf(self, plural: str, doc: Doc) -> Response:
        """An invoice, quote, credit note or purchase order rendered as a PDF."""
        contact_id = (as_doc(doc.get("Contact")) or {}).get("ContactID")
        contact = self.ctx.get("Contacts", str(contact_id)) if contact_id else None
        content = pdf.render(plural, doc, contact, self.ctx.org, self.ctx.now)
        return Response(content, media_type=pdf.PDF_TYPE)

    def _organisation(self, rest: list[str]) -> tuple[str, Handler]:
        if self.request.method != "GET":
            return "/Organisation", not_found
        if not rest:
            return "/Organisation", lambda: self.respond("Organisations", [self.ctx.org])
        if len(rest) == 1 and rest[0].lower() == "actions":
            return "/Organisation/Actions", self.organisation_actions
        return "/Organisation/{id}", not_found

    def organisation_actions(self) -> Response:
        """GET /Organisation/Actions: what the app may do in this organisation."""
        names = (
            "UseMulticurrency",
            "CreateApprovedInvoice",
            "CreateApprovedBill",
            "CreateApprovedPayment",
            "CreateApprovedPurchaseOrder",
            "CreateApprovedCreditNote",
            "CreateApprovedQuote",
            "CreateBankTransfer",
            "CreateSpendMoney",
            "CreateReceiveMoney",
            "EmailInvoice",
        )
        allowed = email.daily_limit(self.ctx.org) > 0
        actions = [{"Name": n, "Status": "ALLOWED" if n != "EmailInvoice" or allowed else "NOT-ALLOWED"} for n in names]
        return self.respond("Actions", actions)

    def _journals(self, rest: list[str]) -> tuple[str, Handler]:
        if self.request.method != "GET" or len(rest) > 1:
            return "/Journals/{id}", not_found
        if not rest:
            return "/Journals", self.list_journals
        return "/Journals/{id}", lambda: self.get_journal(rest[0])

    def list_journals(self) -> Response:
        """GET /Journals: 100 journals numbered above ``offset``, issued first from the ledger (see ``journals``)."""
        params = self.request.params
        raw_offset = params.get("offset", "0") or "0"
        try:
            offset = int(raw_offset)
        except ValueError:
            raise QueryError("offset must be a whole number") from None
        cash = params.get("paymentsonly", "").lower() == "true"
        since = self.request.headers.get("if-modified-since")
        with self.state.atomic():
            series = journals.sync(self.state, self.ctx.tenant_id, self.ctx.now, cash_basis=cash)
        modified = parse_if_modified_since(since) if since else None
        found = journals.page(self.state, self.ctx.tenant_id, series, offset=offset, modified_since=modified)
        return self.respond("Journals", found)

    def get_journal(self, value: str) -> Response:
        """GET /Journals/{JournalID} or /Journals/{JournalNumber}."""
        with self.state.atomic():
            journals.sync(self.state, self.ctx.tenant_id, self.ctx.now)
        found = journals.find(self.state, self.ctx.tenant_id, value)
        if found is None:
            raise NotFound(value)
        return self.respond("Journals", [found])

    def _reports(self, rest: list[str]) -> tuple[str, Handler]:
        if self.request.method == "GET" and not rest:
            # The organisation's published reports (GST and BAS returns); the sandbox's organisations publish none.
            return "/Reports", lambda: self.respond("Reports", [])
        if (
            self.request.method != "GET"
            or len(rest) != 1
            or importlib.util.find_spec("xero_mcp.sandbox.reports") is None
        ):
            return "/Reports/{name}", not_found
        return f"/Reports/{rest[0]}", lambda: self.report(rest[0])

    def report(self, name: str) -> Response:
        """GET /Reports/{name}: computed by ``xero_mcp.sandbox.reports`` from the organisation's ledger."""
        reports = importlib.import_module("xero_mcp.sandbox.reports")
        context = reports.ReportContext(self.state, self.ctx.tenant_id, self.ctx.now)
        try:
            body = reports.run_report(context, name, self.request.raw_params)
        except reports.ReportParameterError as error:
            return validation_message(str(error.message))
        if body is None:
            return not_found()
        return self.respond("Reports", list(body["Reports"]))

    # -- writes --

    def elements(self, plural: str) -> list[Any]:
        """The elements of the request body (single object or plural wrapper)."""
        try:
            body = self.request.json_body()
        except ValueError as error:
            raise _BadBody(str(error)) from None
        return element_list(body, plural)

    def write_all(self, resource: Resource, *, create_only: bool) -> Response:
        """PUT /{plural} (create) or POST /{plural} (create or update each element)."""
        try:
            elements = self.elements(resource.plural)
        except _BadBody as error:
            return _post_data_error(str(error))

        def apply(ctx: Ctx, raw: Doc) -> Doc:
            create = resource.create
            if create_only:
                resource.refuse_existing(ctx, raw)
            existing = None if create_only else resource.find_existing(ctx, raw)
            if existing is not None and resource.update is not None:
                return resource.update(ctx, existing, raw)
            if create is None or not (create_only or resource.post_creates):
                raise RuleError(f"{resource.collection.id_field} is required to change an existing record.")
            return create(ctx, raw)

        return self.write(resource.plural, elements, apply, lambda doc: self._shown(resource, doc))

    def update_one(self, resource: Resource, value: str) -> Response:
        """POST /{plural}/{id}: update one document."""
        existing = self.find(resource, value)
        try:
            elements = self.elements(resource.plural)
        except _BadBody as error:
            return _post_data_error(str(error))
        update = resource.update
        assert update is not None
        doc_id = existing[resource.collection.id_field]

        def apply(ctx: Ctx, raw: Doc) -> Doc:
            current = ctx.get(resource.plural, doc_id) or existing
            return update(ctx, current, raw)

        return self.write(resource.plural, elements[:1], apply, lambda doc: self._shown(resource, doc))

    def write(
        self,
        key: str,
        elements: list[Any],
        apply: Callable[[Ctx, Doc], Doc],
        show: Callable[[Doc], Doc],
    ) -> Response:
        """Apply each element in its own savepoint, with summarizeErrors deciding what a failure means."""
        summarize = self.request.params.get("summarizeerrors", "true").lower() != "false"
        outcomes: list[_Outcome] = []
        state, ctx = self.state, self.ctx
        try:
            with state.atomic():
                for raw in elements:
                    ctx.warnings = []
                    element = as_doc(raw)
                    try:
                        if element is None:
                            raise RuleError("Each element must be a JSON object.")
                        with state.atomic():
                            doc = apply(ctx, element)
                        outcomes.append(_Outcome(doc=doc, warnings=list(ctx.warnings)))
                    except RuleError as error:
                        outcomes.append(_Outcome(echo=raw, errors=error.messages, warnings=list(ctx.warnings)))
                if summarize and any(outcome.errors for outcome in outcomes):
                    raise _Abort
        except _Abort:
            return validation_error([_with_errors(o.echo, o.errors, key) for o in outcomes if o.errors])
        shown: list[Doc] = []
        for outcome in outcomes:
            if outcome.doc is None:
                item = _with_errors(outcome.echo, outcome.errors, key)
                status = "ERROR"
            else:
                item = dict(show(outcome.doc))
                status = "WARNING" if outcome.warnings else "OK"
            if outcome.warnings:
                item["Warnings"] = [{"Message": message} for message in outcome.warnings]
            if not summarize:
                item["StatusAttributeString"] = status
            shown.append(item)
        return self.respond(key, shown)

    def single(self, action: Callable[[], Response]) -> Response:
        """Run a one-document action atomically: a RuleError undoes everything it wrote."""
        try:
            with self.state.atomic():
                return action()
        except _BadBody as error:
            return _post_data_error(str(error))

    def no_content(self, action: Callable[[], object]) -> Response:
        """Run a one-document action atomically and answer 204 No Content."""

        def run() -> Response:
            action()
            return Response(status_code=204)

        return self.single(run)

    # -- history --

    def history(self, resource: Resource, value: str) -> Response:
        """GET /{plural}/{id}/History."""
        doc = self.find(resource, value)
        doc_id = doc[resource.collection.id_field]
        return self.respond("HistoryRecords", history.records(self.ctx, resource.plural, doc_id))

    def add_history(self, resource: Resource, value: str) -> Response:
        """PUT /{plural}/{id}/History: add notes."""
        if not history.document_exists(self.ctx, resource.plural, value):
            return validation_message(history.NOT_FOUND_MESSAGE)
        try:
            notes = history.note_elements(self.request.json_body())
        except ValueError as error:
            return _post_data_error(str(error))
        doc_id = value.lower()
        return self.write(
            "HistoryRecords", notes, lambda ctx, raw: history.add_note(ctx, resource.plural, doc_id, raw), dict
        )

    # -- attachments --

    def list_attachments(self, resource: Resource, value: str) -> Response:
        """GET /{plural}/{id}/Attachments."""
        parent = self.find(resource, value)
        id_field = resource.collection.id_field
        files = attachments.listed(self.ctx, resource.plural, parent[id_field])
        shown = [self._attachment(resource, parent, f) for f in files]
        return self.respond("Attachments", shown)

    def attachment_file(self, resource: Resource, value: str, name: str) -> Response:
        """GET /{plural}/{id}/Attachments/{AttachmentID or FileName}: the file's bytes."""
        parent = self.find(resource, value)
        found = attachments.find(self.ctx, resource.plural, parent[resource.collection.id_field], name)
        if found is None:
            return not_found()
        return Response(found.content, media_type=found.mime_type)

    def upload_attachment(self, resource: Resource, value: str, name: str) -> Response:
        """PUT or POST /{plural}/{id}/Attachments/{FileName}: store the body as that file (replacing one so named)."""
        parent = self.find(resource, value)
        online = self.request.params.get("includeonline", "").lower() == "true"

        def upload() -> Response:
            stored = attachments.attach(
                self.ctx,
                resource.plural,
                parent,
                resource.collection.id_field,
                name,
                self.request.body,
                include_online=online,
                keeps_history=resource.plural in HISTORY_COLLECTIONS,
            )
            return self.respond("Attachments", [self._attachment(resource, parent, stored)])

        return self.single(upload)

    def _attachment(self, resource: Resource, parent: Doc, stored: StoredAttachment) -> Doc:
        id_field = resource.collection.id_field
        return attachments.shown(self.request.base_url, resource.plural, parent, id_field, stored)

    # -- collection-specific operations --

    def email_invoice(self, value: str) -> Response:
        """POST /Invoices/{id}/Email: 204 when sent."""
        invoice = self.find(RESOURCES["Invoices"], value)
        return self.no_content(lambda: email.send(self.ctx, invoice))

    def online_invoice(self, value: str) -> Response:
        """GET /Invoices/{id}/OnlineInvoice."""
        invoice = self.find(RESOURCES["Invoices"], value)
        return self.respond("OnlineInvoices", [{"OnlineInvoiceUrl": email.online_invoice_url(invoice)}])

    def allocate(self, value: str) -> Response:
        """PUT /CreditNotes/{id}/Allocations."""
        credit = self.find(RESOURCES["CreditNotes"], value)
        try:
            elements = self.elements("Allocations")
        except _BadBody as error:
            return _post_data_error(str(error))
        return self.write("Allocations", elements, lambda ctx, raw: credit_notes.allocate(ctx, credit, raw), dict)

    def delete_allocation(self, value: str, allocation_id: str) -> Response:
        """DELETE /CreditNotes/{id}/Allocations/{AllocationID}: the allocation, now IsDeleted."""
        credit = self.find(RESOURCES["CreditNotes"], value)
        return self.single(lambda: json_response(credit_notes.delete_allocation(self.ctx, credit, allocation_id)))

    def allocate_credit(self, plural: str, value: str) -> Response:
        """PUT /{Prepayments|Overpayments}/{id}/Allocations."""
        kind = prepayments.kind_of_collection(plural)
        record = self.find(RESOURCES[plural], value)
        try:
            elements = self.elements("Allocations")
        except _BadBody as error:
            return _post_data_error(str(error))
        return self.write("Allocations", elements, lambda ctx, raw: prepayments.allocate(ctx, kind, record, raw), dict)

    def delete_credit_allocation(self, plural: str, value: str, allocation_id: str) -> Response:
        """DELETE /{Prepayments|Overpayments}/{id}/Allocations/{AllocationID}: the allocation, now IsDeleted."""
        kind = prepayments.kind_of_collection(plural)
        record = self.find(RESOURCES[plural], value)
        return self.single(lambda: json_response(prepayments.delete_allocation(self.ctx, kind, record, allocation_id)))

    def delete_item(self, value: str) -> Response:
        """DELETE /Items/{id}: 204."""
        item = self.find(RESOURCES["Items"], value)
        return self.no_content(lambda: item_rules.delete(self.ctx, item))

    def delete_linked_transaction(self, value: str) -> Response:
        """DELETE /LinkedTransactions/{id}: 204."""
        link = self.find(RESOURCES["LinkedTransactions"], value)
        return self.no_content(lambda: linked_transactions.delete(self.ctx, link))

    def delete_account(self, value: str) -> Response:
        """DELETE /Accounts/{id}: the account, now DELETED."""
        account = self.find(RESOURCES["Accounts"], value)
        return self.single(lambda: self.respond("Accounts", [account_rules.delete(self.ctx, account)]))

    def delete_tracking_category(self, value: str) -> Response:
        """DELETE /TrackingCategories/{id}."""
        category = self.find(RESOURCES["TrackingCategories"], value)
        return self.single(lambda: self.respond("TrackingCategories", [tracking.delete(self.ctx, category)]))

    def add_options(self, value: str) -> Response:
        """PUT /TrackingCategories/{id}/Options."""
        category = self.find(RESOURCES["TrackingCategories"], value)
        return self.single(
            lambda: self.respond("Options", tracking.add_options(self.ctx, category, self._body_or_raise()))
        )

    def update_option(self, value: str, option_id: str) -> Response:
        """POST /TrackingCategories/{id}/Options/{TrackingOptionID}."""
        category = self.find(RESOURCES["TrackingCategories"], value)

        def change() -> Response:
            elements = element_list(self._body_or_raise(), "Options")
            raw = as_doc(elements[0]) if elements else None
            if raw is None:
                raise RuleError("The option to update must be an object.")
            return self.respond("Options", [tracking.update_option(self.ctx, category, option_id, raw)])

        return self.single(change)

    def delete_option(self, value: str, option_id: str) -> Response:
        """DELETE /TrackingCategories/{id}/Options/{TrackingOptionID}."""
        category = self.find(RESOURCES["TrackingCategories"], value)
        return self.single(lambda: self.respond("Options", [tracking.delete_option(self.ctx, category, option_id)]))

    def add_group_contacts(self, value: str) -> Response:
        """PUT /ContactGroups/{id}/Contacts."""
        group = self.find(RESOURCES["ContactGroups"], value)
        return self.single(
            lambda: self.respond("Contacts", contacts.add_group_contacts(self.ctx, group, self._body_or_raise()))
        )

    def remove_group_contacts(self, value: str, contact_id: str | None) -> Response:
        """DELETE /ContactGroups/{id}/Contacts[/{ContactID}]: 204."""
        group = self.find(RESOURCES["ContactGroups"], value)
        return self.no_content(lambda: contacts.remove_group_contacts(self.ctx, group, contact_id))

    def _body_or_raise(self) -> Any:
        try:
            return self.request.json_body()
        except ValueError as error:
            raise _BadBody(str(error)) from None


class _BadBody(Exception):
    """The request body is not JSON: Xero's PostDataInvalidException."""


def _canonical_sub(segment: str) -> str:
    names = {
        "history": "History",
        "attachments": "Attachments",
        "email": "Email",
        "onlineinvoice": "OnlineInvoice",
        "allocations": "Allocations",
    }
    names |= {"options": "Options", "contacts": "Contacts"}
    return names.get(segment.lower(), segment)


# --- building a sandbox -----------------------------------------------------------------------------------------


def run_seed(sandbox: Sandbox) -> bool:
    """Run ``xero_mcp.sandbox.seed.seed_demo(sandbox)`` when that module exists; whether it ran."""
    if importlib.util.find_spec("xero_mcp.sandbox.seed") is None:
        return False
    seed_module = importlib.import_module("xero_mcp.sandbox.seed")
    seed_module.seed_demo(sandbox)
    return True


def create_sandbox(config: SandboxConfig | None = None, *, baseline: SandboxState | None = None) -> Sandbox:
    """A ready sandbox: the two baseline organisations (and the demo seed unless ``seed=False``).

    ``baseline``: start from a copy of this state instead of building one (test fixtures build the seeded state
    once per session and copy it per test); it is also what ``reset`` returns to.
    """
    config = config or SandboxConfig()
    clock = SandboxClock(config.start, frozen=config.frozen_clock, rate=config.clock_rate)
    state = SandboxState(config.db)
    sandbox = Sandbox(config, state, clock)
    if baseline is not None:
        if state.is_empty():
            state.restore(baseline)
        sandbox.capture_baseline(baseline)
    elif state.is_empty():
        setup_default_organisations(state, clock.now())
        if config.seed:
            run_seed(sandbox)
        sandbox.capture_baseline()
    return sandbox
