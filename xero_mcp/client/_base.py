"""The one request path to the Xero Accounting API.

Every call any part of xero-mcp makes to Xero goes through `XeroClient._send`:

- authentication: a bearer token from the TokenProvider, asked for on every attempt; a 401 TokenExpired gets one
  `refresh_token(rejected)` and one more attempt;
- routing: the base URL from settings (real Xero, the sandbox, or any Xero-compatible server), the `xero-tenant-id`
  header (left out for a custom connection, whose token names its one organisation), `Accept: application/json`;
- limits: before each attempt the coordinator (xero_mcp.coordination: in-process, or Redis shared by replicas)
  admits the call: per organisation at most 5 calls in flight, 60 in any rolling minute and 5,000 a day, 10,000 a
  minute per app, with pacing on Xero's `X-*Limit-Remaining` headers; a 429 holds the organisation (or the app) back
  for its Retry-After on every process sharing the coordinator, then tries again; the daily limit's 429 is raised at
  once, saying when it resets;
- retries: connection errors, timeouts and 500/502/503/504 are retried up to `max_retries` times with capped
  exponential backoff and jitter; no concurrency slot is held while waiting;
- writes: every POST and PUT carries an `Idempotency-Key`, minted once per logical write (or given by the caller) and
  sent unchanged on every retry, so a retry after "Xero committed but the answer was lost" cannot create a duplicate;
- errors: any other non-2xx answer becomes a typed error through `errors.make_status_error`.

`clock` and `sleep` are a pair: a test that fakes one must fake the other so that sleeping advances the clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

import httpx2

from xero_mcp.auth.provider import TokenProvider
from xero_mcp.client import _json
from xero_mcp.client._logging import client_logger, redact
from xero_mcp.client._response import XeroCall, XeroResponse
from xero_mcp.client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    RateLimited,
    make_status_error,
)
from xero_mcp.client.pagination import MAX_PAGE_SIZE, if_modified_since_header, iterate_pages
from xero_mcp.client.resources.bank import BankTransactionsResource, BankTransfersResource
from xero_mcp.client.resources.contacts import ContactGroupsResource, ContactsResource
from xero_mcp.client.resources.credit_notes import CreditNotesResource
from xero_mcp.client.resources.files import FilesResource
from xero_mcp.client.resources.history import HistoryResource
from xero_mcp.client.resources.invoices import InvoicesResource
from xero_mcp.client.resources.items import ItemsResource
from xero_mcp.client.resources.ledger import (
    BatchPaymentsResource,
    BudgetsResource,
    JournalsResource,
    RepeatingInvoicesResource,
)
from xero_mcp.client.resources.manual_journals import ManualJournalsResource
from xero_mcp.client.resources.payments import PaymentsResource
from xero_mcp.client.resources.prepayments import OverpaymentsResource, PrepaymentsResource
from xero_mcp.client.resources.purchase_orders import PurchaseOrdersResource
from xero_mcp.client.resources.quotes import QuotesResource
from xero_mcp.client.resources.reports import ReportsResource
from xero_mcp.client.resources.settings import (
    AccountsResource,
    CurrenciesResource,
    OrganisationResource,
    TaxRatesResource,
    TrackingCategoriesResource,
)
from xero_mcp.config import Settings
from xero_mcp.coordination import BudgetExhausted, Coordinator, InProcessCoordinator, LimitStatus

logger = client_logger()

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
MAX_IDEMPOTENCY_KEY = 128
_RESERVED_HEADERS = frozenset({"authorization", "xero-tenant-id", "idempotency-key", "host", "content-length"})


def _user_agent() -> str:
    from xero_mcp import __version__

    return f"xero-mcp/{__version__}"


_PATH = re.compile(r"^[A-Za-z0-9\-._~%!$&'()*+,;=:@/ ]*$")


def _clean_path(path: str) -> str:
    """A path relative to the API base URL; anything that could send the token elsewhere is refused."""
    text = path.strip()
    if "://" in text or text.startswith("//") or "\\" in text:
        raise ValueError("give a path under the Xero API base URL (like /Invoices), not a full URL")
    if "?" in text or "#" in text:
        raise ValueError("pass query parameters in `params`, not in the path")
    if not _PATH.match(text):
        raise ValueError(f"{path!r} contains characters that are not allowed in a Xero API path")
    segments = text.strip("/").split("/")
    if any(segment in {".", ".."} for segment in segments) or not text.strip("/"):
        raise ValueError(f"{path!r} is not a Xero API path")
    return text.lstrip("/")


class XeroClient:
    """The async Xero Accounting API client: owns the HTTP connection pool, the token provider and the limiters.

    Use one per process, as an async context manager (or call `aclose()`), and get a per-organisation view with
    `tenant(tenant_id)`:

        async with XeroClient(settings, tokens) as client:
            org = client.tenant(tenant_id)
            page = await org.invoices.list(statuses=["AUTHORISED"], page_size=100)

    `transport` replaces the network (httpx2.ASGITransport for the sandbox, httpx2.MockTransport in tests).
    `coordinator` admits every call (default: an in-process one on `clock` and `sleep`; give every replica the same
    Redis-backed one); `on_call` is told of every attempt (metrics). `sleep` and `clock` (seconds, monotonic) drive
    every wait; `wall_clock` gives the aware time used to say when a daily limit resets; `rng` supplies the backoff
    jitter. `max_retries` bounds the retries of one call.
    """

    def __init__(
        self,
        settings: Settings,
        tokens: TokenProvider,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_retries: int = 4,
        wall_clock: Callable[[], dt.datetime] | None = None,
        rng: random.Random | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        max_retry_wait: float = 120.0,
        coordinator: Coordinator | None = None,
        on_call: Callable[[XeroCall], None] | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries cannot be negative")
        self.settings = settings
        self._tokens = tokens
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock or (lambda: dt.datetime.now(dt.UTC))
        self._rng = rng or random.Random()
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._max_retry_wait = max_retry_wait
        self.coordinator: Coordinator = coordinator or InProcessCoordinator(clock=clock, sleep=sleep)
        self._on_call = on_call
        self._tenants: dict[str | None, TenantClient] = {}
        self._http = httpx2.AsyncClient(
            base_url=settings.api_url.rstrip("/") + "/",
            transport=transport,
            timeout=httpx2.Timeout(settings.request_timeout),
            follow_redirects=False,
            headers={"User-Agent": _user_agent()},
        )

    async def __aenter__(self) -> XeroClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (and the transport)."""
        await self._http.aclose()

    def tenant(self, tenant_id: str | None) -> TenantClient:
        """The view of one organisation (None for a custom connection, where the token implies the organisation)."""
        view = self._tenants.get(tenant_id)
        if view is None:
            view = TenantClient(self, tenant_id)
            self._tenants[tenant_id] = view
        return view

    def limits(self, tenant_id: str | None) -> LimitStatus:
        """The organisation's remaining minute/day calls as Xero last reported them, and calls in flight."""
        return self.coordinator.status(tenant_id)

    def _backoff(self, retry: int) -> float:
        ceiling = min(self._backoff_cap, self._backoff_base * 2 ** (retry - 1))
        # "Equal jitter": at least half the ceiling, so retries spread out but never come back at once.
        return ceiling / 2 + self._rng.random() * ceiling / 2

    def _retry_after(self, headers: Mapping[str, str]) -> float | None:
        raw = headers.get("retry-after")
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            return None
        return value if value >= 0 else None

    async def _send(
        self,
        tenant_id: str | None,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> XeroResponse:
        method = method.upper()
        relative = _clean_path(path)
        shown_path = "/" + relative
        request_headers: dict[str, str] = {"Accept": "application/json"}
        for name, value in (headers or {}).items():
            if name.lower() in _RESERVED_HEADERS:
                raise ValueError(f"the {name} header is set by the client and cannot be overridden")
            request_headers[name] = value
        if tenant_id is not None:
            request_headers["xero-tenant-id"] = tenant_id
        if if_modified_since is not None:
            request_headers["If-Modified-Since"] = if_modified_since_header(if_modified_since)
        body: bytes | None = None
        if json is not None and content is not None:
            raise ValueError("send either a JSON body or raw content, not both")
        if json is not None:
            body = _json.dumps(json)
            request_headers["Content-Type"] = "application/json"
        elif content is not None:
            body = content  # a file (an attachment upload): its Content-Type comes with `headers`
        key: str | None = None
        if method in WRITE_METHODS:
            key = idempotency_key if idempotency_key is not None else str(uuid.uuid4())
            if not key or len(key) > MAX_IDEMPOTENCY_KEY:
                raise ValueError(f"an Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters")
            request_headers["Idempotency-Key"] = key
        elif idempotency_key is not None:
            raise ValueError(f"{method} requests do not take an Idempotency-Key (Xero ignores it on reads)")

        coordinator = self.coordinator
        attempt = 0
        retries = 0
        refreshed = False
        refreshed_token: str | None = None
        while True:
            attempt += 1
            token = refreshed_token if refreshed_token is not None else await self._tokens.get_token()
            refreshed_token = None
            try:
                response, failure = await self._attempt(
                    tenant_id,
                    method,
                    relative,
                    shown_path,
                    params,
                    body,
                    {**request_headers, "Authorization": f"Bearer {token}"},
                )
            except BudgetExhausted as exc:
                raise _budget_error(exc, method, shown_path, self._wall_clock()) from None

            if failure is not None or response is None:
                assert failure is not None
                logger.debug("%s %s -> %s attempt=%d", method, shown_path, type(failure).__name__, attempt)
                if retries >= self._max_retries:
                    raise failure
                retries += 1
                wait = self._backoff(retries)
                logger.debug("retrying %s %s in %.3gs (retry %d)", method, shown_path, wait, retries)
                await self._sleep(wait)
                continue

            status = response.status_code
            remaining = coordinator.status(tenant_id)
            logger.debug(
                "%s %s -> %d attempt=%d min_remaining=%s day_remaining=%s",
                method,
                shown_path,
                status,
                attempt,
                remaining.minute_remaining,
                remaining.day_remaining,
            )
            if 200 <= status < 300 or status == 304:
                return XeroResponse(
                    status_code=status,
                    headers=response.headers,
                    data=_parse_body(response),
                    content=response.content,
                    idempotency_key=key,
                    attempts=attempt,
                )

            error: APIStatusError = make_status_error(
                status,
                response.content,
                dict(response.headers),
                method=method,
                path=shown_path,
                now=self._wall_clock(),
            )
            if isinstance(error, AuthenticationError) and error.token_expired and not refreshed:
                refreshed = True
                logger.debug("access token expired: refreshing once and retrying %s %s", method, shown_path)
                refreshed_token = await self._tokens.refresh_token(token)
                continue
            if isinstance(error, RateLimited):
                if error.is_daily:
                    raise error
                wait = error.retry_after if error.retry_after is not None else self._backoff(retries + 1)
                await coordinator.hold_off(tenant_id, wait, app_wide=error.problem.lower() == "appminute")
                if retries >= self._max_retries or wait > self._max_retry_wait:
                    raise error
                retries += 1
                logger.debug("rate limited (%s): retrying %s %s in %.3gs", error.problem, method, shown_path, wait)
                await self._sleep(wait)
                continue
            if status in RETRYABLE_STATUS and retries < self._max_retries:
                retries += 1
                advised = self._retry_after(response.headers)
                wait = min(advised, self._max_retry_wait) if advised is not None else self._backoff(retries)
                logger.debug(
                    "retrying %s %s in %.3gs after HTTP %d (retry %d)", method, shown_path, wait, status, retries
                )
                await self._sleep(wait)
                continue
            raise error

    async def _attempt(
        self,
        tenant_id: str | None,
        method: str,
        relative: str,
        shown_path: str,
        params: Mapping[str, str] | None,
        body: bytes | None,
        headers: dict[str, str],
    ) -> tuple[httpx2.Response | None, APIConnectionError | None]:
        """Send once, inside one admission by the coordinator: the response, or the failure that may be retried."""
        async with self.coordinator.call(tenant_id) as ticket:
            started = time.perf_counter()
            try:
                response = await self._http.request(method, relative, params=params, content=body, headers=headers)
            except httpx2.TimeoutException as exc:
                self._observe(tenant_id, method, shown_path, type(exc).__name__, started)
                return None, APITimeoutError(
                    f"Xero did not answer {method} {shown_path} in time ({type(exc).__name__})"
                )
            except (httpx2.NetworkError, httpx2.RemoteProtocolError) as exc:
                self._observe(tenant_id, method, shown_path, type(exc).__name__, started)
                return None, APIConnectionError(
                    f"The connection to Xero failed during {method} {shown_path} ({type(exc).__name__}: "
                    f"{redact(str(exc))[:200]})"
                )
            except httpx2.TransportError as exc:
                self._observe(tenant_id, method, shown_path, type(exc).__name__, started)
                raise APIConnectionError(
                    f"Could not send {method} {shown_path} to Xero ({type(exc).__name__}: {redact(str(exc))[:200]})"
                ) from exc
            problem = response.headers.get("x-rate-limit-problem") if response.status_code == 429 else None
            self._observe(tenant_id, method, shown_path, str(response.status_code), started, problem)
            await self.coordinator.report(ticket, response.headers)
            return response, None

    def _observe(
        self, org: str | None, method: str, path: str, status: str, started: float, problem: str | None = None
    ) -> None:
        if self._on_call is not None:
            self._on_call(XeroCall(org, method, path, status, time.perf_counter() - started, problem))


def _budget_error(exc: BudgetExhausted, method: str, path: str, now: dt.datetime) -> RateLimited:
    """The 429 Xero would have answered, raised before sending a call the daily budget has no room for."""
    resets_at = now + dt.timedelta(seconds=exc.retry_after) if exc.retry_after is not None else None
    return RateLimited(
        f"Xero's daily call limit for this organisation is used up ({exc}); {method} {path} was not sent",
        problem=exc.problem,
        retry_after=exc.retry_after,
        resets_at=resets_at,
        status_code=429,
        method=method,
        path=path,
    )


def _parse_body(response: httpx2.Response) -> Any:
    content = response.content
    if not content or not content.strip():
        return None
    content_type = response.headers.get("content-type", "")
    if "json" in content_type or content.lstrip()[:1] in (b"{", b"["):
        try:
            return _json.loads(content)
        except ValueError:
            return None
    return None


class TenantClient:
    """The client bound to one organisation: the generic request path, paging, and the typed resources.

    Resources: contacts, contact_groups, invoices, quotes, credit_notes, payments, bank_transactions, bank_transfers,
    purchase_orders, items, accounts, tax_rates, tracking_categories, organisation, currencies, manual_journals,
    history, reports, prepayments, overpayments, journals, repeating_invoices, batch_payments, budgets, files (see
    xero_mcp.client.resources).
    """

    def __init__(self, client: XeroClient, tenant_id: str | None) -> None:
        self.tenant_id = tenant_id
        self._client = client
        self.contacts = ContactsResource(self)
        self.contact_groups = ContactGroupsResource(self)
        self.invoices = InvoicesResource(self)
        self.quotes = QuotesResource(self)
        self.credit_notes = CreditNotesResource(self)
        self.payments = PaymentsResource(self)
        self.bank_transactions = BankTransactionsResource(self)
        self.bank_transfers = BankTransfersResource(self)
        self.purchase_orders = PurchaseOrdersResource(self)
        self.items = ItemsResource(self)
        self.accounts = AccountsResource(self)
        self.tax_rates = TaxRatesResource(self)
        self.tracking_categories = TrackingCategoriesResource(self)
        self.organisation = OrganisationResource(self)
        self.currencies = CurrenciesResource(self)
        self.manual_journals = ManualJournalsResource(self)
        self.history = HistoryResource(self)
        self.reports = ReportsResource(self)
        self.prepayments = PrepaymentsResource(self)
        self.overpayments = OverpaymentsResource(self)
        self.journals = JournalsResource(self)
        self.repeating_invoices = RepeatingInvoicesResource(self)
        self.batch_payments = BatchPaymentsResource(self)
        self.budgets = BudgetsResource(self)
        self.files = FilesResource(self)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        if_modified_since: dt.datetime | None = None,
    ) -> XeroResponse:
        """Send one logical call to `path` (relative to the API base URL, e.g. "/Invoices") for this organisation.

        Retries, rate limiting, token refresh and the Idempotency-Key (POST/PUT: `idempotency_key` or a new one,
        reused on every retry) are handled here. `json` is serialised with Decimals as JSON numbers; `content` is sent
        as it is (a file, with its Content-Type in `headers`), and a file answered (a PDF, an attachment) is the
        response's `content`. Returns a XeroResponse; raises an XeroError subclass for error answers and lost
        connections, ValueError for a path or header the client refuses to send.
        """
        response = await self._client._send(  # pyright: ignore[reportPrivateUsage]
            self.tenant_id,
            method,
            path,
            params=params,
            json=json,
            content=content,
            headers=headers,
            idempotency_key=idempotency_key,
            if_modified_since=if_modified_since,
        )
        await self.answered(method, path, response, idempotency_key)
        return response

    async def answered(self, method: str, path: str, response: XeroResponse, idempotency_key: str | None) -> None:
        """What follows every successful call through this organisation's client: nothing here.

        The hook for work that must follow a call without repeating `request` (hosted mode notes the requester in a
        written record's history). It runs before `request` returns; what it raises, `request` raises.
        """

    def pages(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        if_modified_since: dt.datetime | None = None,
        page_size: int = MAX_PAGE_SIZE,
        key: str = "Invoices",
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page of a paged list endpoint as raw dicts (the list under `key`), one call per page."""
        return iterate_pages(
            self, path, key=key, params=params, if_modified_since=if_modified_since, page_size=page_size
        )

    def limits(self) -> LimitStatus:
        """This organisation's rate-limit status (see XeroClient.limits)."""
        return self._client.limits(self.tenant_id)
