"""Xero's identity service, offline: OAuth 2.0 login, refresh, custom connections and /connections (reference §6).

Endpoints, on the sandbox's one origin:

- `GET /identity/connect/authorize`: the sign-in. With only the built-in sandbox user it consents at once, connects
  every sandbox organisation and redirects (302) to `redirect_uri` with `code`, `scope` and `state`. Once more users
  exist (`add_user`, or `POST /_sandbox/identity/users`), it shows a login page (choose the user) and then a consent
  page (tick that user's organisations), as Xero's do, unless `login_as` named the user to sign in as, who then
  consents at once to all of their organisations. An unknown client or an unacceptable redirect URI gets an error
  page (400), as Xero shows one; other problems (unknown scope, missing PKCE) are reported to the redirect URI as
  `error=...`.
- `POST /connect/token` (form-encoded; client authentication by Basic header or `client_id`/`client_secret` in the
  body): `authorization_code` (single use, 5 minutes; the PKCE verifier is checked when a challenge was sent, and a
  client that does not present its secret must have sent one, as a PKCE app does), `refresh_token` (rotated on every
  use; the previous refresh token keeps working for 30 minutes of sandbox time after its first use, then
  `invalid_grant`; unused refresh tokens expire after 60 days), `client_credentials` (a custom connection bound to
  the first organisation, no refresh token). Errors are OAuth JSON (`{"error": "invalid_grant"}`) with 400 or 401.
- `POST /connect/revocation` (`token=<refresh token>`): revokes that login and removes the user's connections.
- `GET /connections`, `DELETE /connections/{id}`: the organisations a bearer token's user has connected.

Access tokens last 1800 seconds of sandbox time. `authenticate()` is what the Accounting API calls for every request:
it answers with the gateway's 401/403 bodies, or with the tenant, app and scopes the request may use. Every check
runs on the sandbox clock, so tests cross token lifetimes and grace periods without waiting.

The state is mutated only between awaits of the event loop that serves the app, so handlers need no lock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from xero_mcp.sandbox.clock import SandboxClock

ACCESS_TOKEN_LIFETIME = timedelta(seconds=1800)
AUTHORIZATION_CODE_LIFETIME = timedelta(minutes=5)
REFRESH_TOKEN_GRACE = timedelta(minutes=30)
REFRESH_TOKEN_IDLE_EXPIRY = timedelta(days=60)

USER_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
BROAD_SCOPES = frozenset(
    {
        "accounting.transactions",
        "accounting.transactions.read",
        "accounting.reports.read",
        "accounting.reports.tenninetynine.read",
        "accounting.journals.read",
        "accounting.settings",
        "accounting.settings.read",
        "accounting.contacts",
        "accounting.contacts.read",
        "accounting.attachments",
        "accounting.attachments.read",
        "accounting.budgets.read",
        "paymentservices",
    }
)
GRANULAR_SCOPES = frozenset(
    {
        "accounting.invoices",
        "accounting.invoices.read",
        "accounting.payments",
        "accounting.payments.read",
        "accounting.banktransactions",
        "accounting.banktransactions.read",
        "accounting.manualjournals",
        "accounting.manualjournals.read",
        "accounting.classicexpenses",
        "accounting.classicexpenses.read",
        "accounting.reports.aged.read",
        "accounting.reports.balancesheet.read",
        "accounting.reports.banksummary.read",
        "accounting.reports.budgetsummary.read",
        "accounting.reports.executivesummary.read",
        "accounting.reports.profitandloss.read",
        "accounting.reports.trialbalance.read",
        "accounting.reports.taxreports.read",
        "accounting.reports.tenninetynine.read",
        "accounting.settings",
        "accounting.settings.read",
        "accounting.contacts",
        "accounting.contacts.read",
        "accounting.attachments",
        "accounting.attachments.read",
        "accounting.budgets.read",
        "accounting.journals.read",
    }
)
# Scopes of Xero's other APIs: accepted so that apps asking for them can log in; they grant nothing here.
OTHER_API_SCOPES = frozenset(
    {
        *(
            f"payroll.{area}{suffix}"
            for area in ("employees", "payruns", "payslip", "timesheets", "settings")
            for suffix in ("", ".read")
        ),
        *(f"{api}{suffix}" for api in ("files", "assets", "projects") for suffix in ("", ".read")),
        "bankfeeds",
        "finance.statements.read",
    }
)
KNOWN_SCOPES = USER_SCOPES | BROAD_SCOPES | GRANULAR_SCOPES | OTHER_API_SCOPES
ACCOUNTING_SCOPES = BROAD_SCOPES | GRANULAR_SCOPES
# A custom connection that asks for no scope gets everything the Accounting API offers.
CUSTOM_CONNECTION_DEFAULT_SCOPES = ACCOUNTING_SCOPES - {"paymentservices"}

_API_PREFIX = "/api.xro/2.0/"
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

# Accounting entities -> the scopes that allow writing them (broad first, then granular). Reading is allowed by
# each of these or its ".read" variant. Where Xero's documentation is unclear the map errs on allowing (§6.4).
_TRANSACTIONS = "accounting.transactions"
_ENTITY_WRITE_SCOPES: dict[str, tuple[str, ...]] = {
    **{
        name: (_TRANSACTIONS, "accounting.invoices")
        for name in ("invoices", "creditnotes", "quotes", "purchaseorders", "repeatinginvoices", "linkedtransactions")
    },
    **{
        name: (_TRANSACTIONS, "accounting.payments")
        for name in ("payments", "batchpayments", "overpayments", "prepayments")
    },
    **{name: (_TRANSACTIONS, "accounting.banktransactions") for name in ("banktransactions", "banktransfers")},
    "manualjournals": (_TRANSACTIONS, "accounting.manualjournals"),
    **{name: (_TRANSACTIONS, "accounting.classicexpenses") for name in ("expenseclaims", "receipts")},
    "items": ("accounting.settings", "accounting.invoices"),
    **{
        name: ("accounting.settings",)
        for name in (
            "accounts",
            "brandingthemes",
            "currencies",
            "invoicereminders",
            "organisation",
            "organisations",
            "taxrates",
            "trackingcategories",
            "users",
            "setup",
        )
    },
    **{name: ("accounting.contacts",) for name in ("contacts", "contactgroups")},
    "paymentservices": ("paymentservices",),
}
# Entities that can only ever be read.
_ENTITY_READ_ONLY_SCOPES: dict[str, tuple[str, ...]] = {
    "journals": ("accounting.journals.read",),
    "budgets": ("accounting.budgets.read",),
}
_REPORT_SCOPES: dict[str, str] = {
    "agedpayablesbycontact": "accounting.reports.aged.read",
    "agedreceivablesbycontact": "accounting.reports.aged.read",
    "balancesheet": "accounting.reports.balancesheet.read",
    "banksummary": "accounting.reports.banksummary.read",
    "budgetsummary": "accounting.reports.budgetsummary.read",
    "executivesummary": "accounting.reports.executivesummary.read",
    "profitandloss": "accounting.reports.profitandloss.read",
    "trialbalance": "accounting.reports.trialbalance.read",
    "gstreport": "accounting.reports.taxreports.read",
    "basreport": "accounting.reports.taxreports.read",
    "tenninetynine": "accounting.reports.tenninetynine.read",
}
_ALL_REPORT_SCOPES = frozenset({"accounting.reports.read", *_REPORT_SCOPES.values()})
_WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}


def _with_reads(scopes: Iterable[str]) -> frozenset[str]:
    return frozenset(s for scope in scopes for s in (scope, scope if scope.endswith(".read") else f"{scope}.read"))


def required_scopes(method: str, path: str) -> frozenset[str] | None:
    """The scopes of which a token needs at least one for this Accounting API request; None when none is needed."""
    if not path.startswith(_API_PREFIX):
        return None
    parts = [p.lower() for p in path[len(_API_PREFIX) :].split("/") if p]
    if not parts:
        return None
    write = method.upper() in _WRITE_METHODS
    entity = parts[0]
    if entity == "reports":
        if write:
            return frozenset()
        report = _REPORT_SCOPES.get(parts[1]) if len(parts) > 1 else None
        return frozenset({"accounting.reports.read", report}) if report else _ALL_REPORT_SCOPES
    if entity in _ENTITY_READ_ONLY_SCOPES:
        return frozenset() if write else frozenset(_ENTITY_READ_ONLY_SCOPES[entity])
    base = _ENTITY_WRITE_SCOPES.get(entity)
    allowed: set[str]
    if base is None:
        allowed = {s for s in ACCOUNTING_SCOPES if not (write and s.endswith(".read"))}
    else:
        allowed = set(base if write else _with_reads(base))
    if "attachments" in parts[1:]:
        allowed |= {"accounting.attachments"} if write else {"accounting.attachments", "accounting.attachments.read"}
    return frozenset(allowed)


@dataclass(frozen=True)
class AuthContext:
    """Who an authenticated Accounting API request acts for: one tenant, through one app, with these scopes."""

    tenant_id: str
    app_id: str
    scopes: frozenset[str]


@dataclass
class _Client:
    client_id: str
    secret: str | None
    redirect_uris: tuple[str, ...] | None


@dataclass
class _Connection:
    id: str
    tenant_id: str
    tenant_name: str
    auth_event_id: str
    created: datetime
    updated: datetime


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    challenge: str | None
    expires_at: datetime
    user_id: str
    used: bool = False


@dataclass
class _Grant:
    client_id: str
    user_id: str
    scopes: frozenset[str]
    public: bool
    revoked: bool = False


@dataclass
class _AccessToken:
    client_id: str
    scopes: frozenset[str]
    expires_at: datetime
    user_id: str | None = None
    custom_tenant: str | None = None


@dataclass
class _RefreshToken:
    grant_id: str
    issued_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class SandboxUser:
    """A person who can sign in to the sandbox, and the organisations (tenant IDs) they may connect."""

    user_id: str
    email: str
    name: str
    organisations: tuple[str, ...]


DEFAULT_USER_EMAIL = "demo@sandbox.example.com"


@dataclass
class _OAuthError(Exception):
    error: str
    description: str | None = None
    status: int = 400


@dataclass
class _State:
    codes: dict[str, _Code] = field(default_factory=dict[str, _Code])
    grants: dict[str, _Grant] = field(default_factory=dict[str, _Grant])
    access: dict[str, _AccessToken] = field(default_factory=dict[str, _AccessToken])
    refresh: dict[str, _RefreshToken] = field(default_factory=dict[str, _RefreshToken])
    connections: dict[tuple[str, str], dict[str, _Connection]] = field(
        default_factory=dict[tuple[str, str], dict[str, _Connection]]
    )
    user_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def _gateway_error(status: int, detail: str) -> Response:
    body: dict[str, object] = {
        "Type": None,
        "Title": "Unauthorized" if status == 401 else "Forbidden",
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return JSONResponse(body, status_code=status)


def _oauth_error(error: _OAuthError) -> Response:
    body = {"error": error.error}
    if error.description:
        body["error_description"] = error.description
    return JSONResponse(body, status_code=error.status, headers={"Cache-Control": "no-store"})


def _xero_datetime(when: datetime) -> str:
    # Xero writes these with seven fractional digits and no zone designator, e.g. 2019-12-07T18:46:19.5165400.
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


def _same_id(left: str, right: str) -> bool:
    return left.strip().lower() == right.strip().lower()


def s256(verifier: str) -> str:
    """The PKCE S256 challenge for a code verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class IdentityService:
    """The sandbox's OAuth 2.0 identity service and token checker (see the module docstring)."""

    def __init__(
        self,
        clock: SandboxClock,
        organisations: Callable[[], list[tuple[str, str]]],
        *,
        client_id: str = "sandbox-client",
        client_secret: str = "sandbox-secret",  # noqa: S107 - the sandbox demo app's published secret
    ) -> None:
        self._clock = clock
        self._organisations = organisations
        self._clients: dict[str, _Client] = {client_id: _Client(client_id, client_secret, None)}
        self.default_client_id = client_id
        # Every credential this service has held or handed out, kept across reset(): tests check none leaks.
        self._secrets: set[str] = {client_secret} if client_secret else set()
        self._accepted_scopes: frozenset[str] = KNOWN_SCOPES
        self._state = _State()
        # Users beyond the built-in one (who owns every organisation), by lower-cased email; kept across reset().
        self._users: dict[str, SandboxUser] = {}
        self._login_as: str | None = None
        # Every request to the token endpoint, by grant type, failed ones included: tests count refreshes here.
        self.token_requests: Counter[str] = Counter()

    # ----------------------------------------------------------------------------------------------- configuration

    def register_client(
        self, client_id: str, client_secret: str | None = None, *, redirect_uris: Iterable[str] | None = None
    ) -> None:
        """Register another app: without a secret it is a PKCE app; with redirect URIs only those are accepted."""
        uris = tuple(redirect_uris) if redirect_uris is not None else None
        self._clients[client_id] = _Client(client_id, client_secret, uris)
        if client_secret:
            self._secrets.add(client_secret)

    def restrict_scopes(self, scopes: Iterable[str] | None) -> None:
        """Accept only these scopes (e.g. only broad ones, like an app created before granular scopes); None: all."""
        self._accepted_scopes = KNOWN_SCOPES if scopes is None else frozenset(scopes)

    def default_user(self) -> SandboxUser:
        """The built-in user: the only one until others are added; owns every organisation."""
        organisations = tuple(tenant for tenant, _ in self._organisations())
        return SandboxUser(self._state.user_id, DEFAULT_USER_EMAIL, "Sandbox User", organisations)

    def users(self) -> list[SandboxUser]:
        """Everyone who can sign in: the built-in user first, then the added ones in the order added."""
        return [self.default_user(), *self._users.values()]

    def _resolve_organisations(self, organisations: Iterable[str]) -> tuple[str, ...]:
        known = self._organisations()
        chosen: list[str] = []
        for wanted in organisations:
            match = [t for t, name in known if _same_id(t, wanted) or name.casefold() == wanted.strip().casefold()]
            if len(match) != 1:
                names = ", ".join(f"{name} ({tenant})" for tenant, name in known)
                raise ValueError(f"no single sandbox organisation is {wanted!r}; the organisations are: {names}")
            if match[0] not in chosen:
                chosen.append(match[0])
        return tuple(chosen)

    def add_user(self, email: str, organisations: Iterable[str], name: str | None = None) -> SandboxUser:
        """Add (or replace) a user who may connect these organisations (tenant IDs or names). Raises ValueError."""
        email = email.strip()
        if "@" not in email:
            raise ValueError("a user needs an email address")
        if email.casefold() == DEFAULT_USER_EMAIL:
            raise ValueError(f"{DEFAULT_USER_EMAIL} is the built-in user")
        existing = self._users.get(email.casefold())
        user = SandboxUser(
            user_id=existing.user_id if existing else str(uuid.uuid4()),
            email=email,
            name=name or email.split("@", 1)[0].replace(".", " ").title(),
            organisations=self._resolve_organisations(organisations),
        )
        self._users[email.casefold()] = user
        return user

    def user(self, email: str) -> SandboxUser | None:
        """The user with this email (case-insensitive), the built-in one included."""
        if email.strip().casefold() == DEFAULT_USER_EMAIL:
            return self.default_user()
        return self._users.get(email.strip().casefold())

    def login_as(self, email: str | None) -> None:
        """Make the next sign-ins that user's, consenting to all their organisations without a page (None: stop)."""
        if email is not None and self.user(email) is None:
            raise ValueError(f"no sandbox user has the email {email!r}")
        self._login_as = email

    def _user_by_id(self, user_id: str) -> SandboxUser | None:
        return next((u for u in self.users() if u.user_id == user_id), None)

    def reset(self) -> None:
        """Forget every code, token, login and connection (registered apps and scope restrictions stay).

        What was issued before stays in `issued_secrets()`: a forgotten token must still never be shown.
        """
        self._state = _State()
        self.token_requests.clear()

    def issued_secrets(self) -> frozenset[str]:
        """Every secret this service holds or has issued, for checking that none is ever shown.

        That is its apps' client secrets and every authorization code, access, refresh and ID token it minted,
        expired, used, revoked and reset ones included.
        """
        return frozenset(self._secrets)

    def _mint(self, nbytes: int) -> str:
        value = secrets.token_urlsafe(nbytes)
        self._secrets.add(value)
        return value

    # ---------------------------------------------------------------------------------------------------- routing

    def routes(self) -> list[BaseRoute]:
        """The identity endpoints, to mount at the root of the sandbox app."""
        return [
            Route("/identity/connect/authorize", self._authorize, methods=["GET", "POST"]),
            Route("/connect/token", self._token, methods=["POST"]),
            Route("/connect/revocation", self._revocation, methods=["POST"]),
            Route("/connections", self._list_connections, methods=["GET"]),
            Route("/Connections", self._list_connections, methods=["GET"]),
            Route("/connections/{connection_id}", self._delete_connection, methods=["DELETE"]),
            Route("/Connections/{connection_id}", self._delete_connection, methods=["DELETE"]),
        ]

    # ---------------------------------------------------------------------------------------------- authenticate

    def authenticate(
        self, authorization: str | None, tenant_header: str | None, method: str, path: str
    ) -> AuthContext | Response:
        """Check an Accounting API request's bearer token, tenant and scope; a Response is Xero's 401/403 for it."""
        token = self._bearer_record(authorization)
        if isinstance(token, Response):
            return token
        if token.custom_tenant is not None:
            # A custom connection reaches exactly one organisation; the tenant header is optional (§6.3).
            if tenant_header and not _same_id(tenant_header, token.custom_tenant):
                return _gateway_error(403, "AuthenticationUnsuccessful")
            tenant_id = token.custom_tenant
        else:
            if not tenant_header or token.user_id is None:
                return _gateway_error(403, "AuthenticationUnsuccessful")
            connections = self._state.connections.get((token.client_id, token.user_id), {})
            match = next((c for c in connections.values() if _same_id(c.tenant_id, tenant_header)), None)
            if match is None:
                return _gateway_error(403, "AuthenticationUnsuccessful")
            tenant_id = match.tenant_id
        needed = required_scopes(method, path)
        if needed is not None and not (needed & token.scopes):
            return _gateway_error(401, "AuthorizationUnsuccessful")
        return AuthContext(tenant_id=tenant_id, app_id=token.client_id, scopes=token.scopes)

    def _bearer_record(self, authorization: str | None) -> _AccessToken | Response:
        scheme, _, value = (authorization or "").strip().partition(" ")
        record = self._state.access.get(value.strip()) if scheme.lower() == "bearer" else None
        if record is None:
            return _gateway_error(401, "AuthenticationUnsuccessful")
        if self._clock.now() >= record.expires_at:
            expired = record.expires_at.strftime("%m/%d/%Y %H:%M:%S")
            return _gateway_error(401, f"TokenExpired: token expired at {expired}")
        return record

    # ------------------------------------------------------------------------------------------------ test helper

    def issue_token(self, tenant_ids: list[str] | None = None, scopes: Iterable[str] | None = None) -> str:
        """An access token for a new sandbox user who connected `tenant_ids` (default: every organisation)."""
        granted = frozenset(scopes) if scopes is not None else CUSTOM_CONNECTION_DEFAULT_SCOPES | USER_SCOPES
        unknown = granted - KNOWN_SCOPES
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        names = dict(self._organisations())
        wanted = list(names) if tenant_ids is None else tenant_ids
        user_id = str(uuid.uuid4())
        client_id = self.default_client_id
        self._connect(client_id, user_id, [(t, names.get(t, "Organisation")) for t in wanted])
        grant_id = str(uuid.uuid4())
        self._state.grants[grant_id] = _Grant(client_id, user_id, granted, public=False)
        return str(self._issue(grant_id)["access_token"])

    # -------------------------------------------------------------------------------------------------- authorize

    async def _authorize(self, request: Request) -> Response:
        query: Mapping[str, str]
        form: dict[str, list[str]] = {}
        if request.method == "POST":
            async with request.form() as raw_form:
                for key, value in raw_form.multi_items():
                    if isinstance(value, str):
                        form.setdefault(key, []).append(value)
            query = {key: values[0] for key, values in form.items()}
        else:
            query = request.query_params
        client = self._clients.get(query.get("client_id", ""))
        if client is None:
            return self._error_page("The app's client_id is not registered with this identity service.")
        redirect_uri = query.get("redirect_uri", "")
        problem = self._redirect_problem(client, redirect_uri)
        if problem:
            return self._error_page(problem)
        state = query.get("state")

        def refuse(error: str, description: str) -> Response:
            params = {"error": error, "error_description": description}
            if state is not None:
                params["state"] = state
            return RedirectResponse(_add_query(redirect_uri, params), status_code=302)

        if query.get("response_type") != "code":
            return refuse("unsupported_response_type", "Only response_type=code is supported.")
        scopes = frozenset(query.get("scope", "").split())
        if not scopes:
            return refuse("invalid_scope", "No scope was requested.")
        unknown = scopes - self._accepted_scopes
        if unknown:
            return refuse("invalid_scope", f"Unknown or unavailable scopes: {' '.join(sorted(unknown))}")
        challenge = query.get("code_challenge")
        if challenge is not None:
            if query.get("code_challenge_method") != "S256":
                return refuse("invalid_request", "code_challenge_method must be S256.")
            if not _CHALLENGE.fullmatch(challenge):
                return refuse("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier.")
        elif client.secret is None:
            return refuse("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256.")

        names = dict(self._organisations())
        step = query.get("step")
        if self._login_as is not None:
            chosen = self.user(self._login_as)
            assert chosen is not None  # login_as checks the email, and users are never removed
            tenants = list(chosen.organisations)
        elif not self._users:
            chosen, tenants = self.default_user(), list(names)
        elif step == "consent":
            picked = self.user(query.get("user", ""))
            if picked is None:
                return self._error_page("Choose a user to sign in as.")
            chosen = picked
            tenants = [t for t in form.get("tenant", []) if t in chosen.organisations]
            if query.get("decision") != "allow":
                return refuse("access_denied", "The user did not allow access.")
            if not tenants:
                return self._consent_page(query, chosen, names, "Tick at least one organisation to connect.")
        elif step == "login":
            picked = self.user(query.get("user", ""))
            if picked is None:
                return self._login_page(query, "Choose a user to sign in as.")
            return self._consent_page(query, picked, names)
        else:
            return self._login_page(query)
        user_id = chosen.user_id
        self._connect(client.client_id, user_id, [(t, names.get(t, "Organisation")) for t in tenants])
        code = self._mint(32)
        self._state.codes[code] = _Code(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            challenge=challenge,
            expires_at=self._clock.now() + AUTHORIZATION_CODE_LIFETIME,
            user_id=user_id,
        )
        params = {"code": code, "scope": " ".join(sorted(scopes))}
        if state is not None:
            params["state"] = state
        return RedirectResponse(_add_query(redirect_uri, params), status_code=302)

    @staticmethod
    def _redirect_problem(client: _Client, redirect_uri: str) -> str | None:
        if not redirect_uri:
            return "The request has no redirect_uri."
        if client.redirect_uris is not None:
            return None if redirect_uri in client.redirect_uris else "The redirect_uri is not registered for the app."
        parts = urlsplit(redirect_uri)
        if parts.fragment or not parts.netloc:
            return "The redirect_uri must be an absolute URL without a fragment."
        if parts.scheme == "https":
            return None
        if parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK_HOSTS:
            return None
        return "The redirect_uri must use https, or http on localhost."

    _PASSED_ON = (
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    )

    def _hidden(self, query: Mapping[str, str]) -> str:
        return "".join(
            f'<input type="hidden" name="{name}" value="{escape(query[name])}">'
            for name in self._PASSED_ON
            if name in query
        )

    def _login_page(self, query: Mapping[str, str], problem: str | None = None) -> Response:
        choices = "".join(
            f'<li><label><input type="radio" name="user" value="{escape(u.email)}"{" checked" if i == 0 else ""}> '
            f"{escape(u.name)} &lt;{escape(u.email)}&gt;</label></li>"
            for i, u in enumerate(self.users())
        )
        note = f'<p role="alert">{escape(problem)}</p>' if problem else ""
        page = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Log in to Xero (sandbox)</title>"
            "<h1>Log in to Xero</h1><p>Sandbox: choose who signs in. No password is asked.</p>"
            f'{note}<form method="post" action="authorize">{self._hidden(query)}'
            '<input type="hidden" name="step" value="login">'
            f'<ul style="list-style:none">{choices}</ul><button type="submit" id="log-in">Log in</button></form></html>'
        )
        return HTMLResponse(page)

    def _consent_page(
        self, query: Mapping[str, str], user: SandboxUser, names: Mapping[str, str], problem: str | None = None
    ) -> Response:
        client = self._clients.get(query.get("client_id", ""))
        app = escape(client.client_id if client else "the app")
        boxes = "".join(
            f'<li><label><input type="checkbox" name="tenant" value="{escape(t)}" checked> '
            f"{escape(names.get(t, t))}</label></li>"
            for t in user.organisations
            if t in names
        )
        scopes = "".join(f"<li>{escape(scope)}</li>" for scope in query.get("scope", "").split())
        note = f'<p role="alert">{escape(problem)}</p>' if problem else ""
        page = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Allow access (sandbox)</title>"
            f"<h1>{app} wants to access your Xero organisations</h1>"
            f"<p>Signed in as {escape(user.name)} &lt;{escape(user.email)}&gt;</p>{note}"
            f'<form method="post" action="authorize">{self._hidden(query)}'
            '<input type="hidden" name="step" value="consent">'
            f'<input type="hidden" name="user" value="{escape(user.email)}">'
            f'<fieldset><legend>Organisations to connect</legend><ul style="list-style:none">{boxes}</ul></fieldset>'
            f"<p>It will be able to:</p><ul>{scopes}</ul>"
            '<button type="submit" name="decision" value="allow" id="allow">Allow access</button> '
            '<button type="submit" name="decision" value="deny" id="deny">Cancel</button></form></html>'
        )
        return HTMLResponse(page)

    @staticmethod
    def _error_page(message: str) -> Response:
        page = f"<!doctype html><title>Sign in error</title><h1>Sign in error</h1><p>{escape(message)}</p>"
        return HTMLResponse(page, status_code=400)

    def _connect(self, client_id: str, user_id: str, organisations: Iterable[tuple[str, str]]) -> None:
        now = self._clock.now()
        auth_event_id = str(uuid.uuid4())
        connections = self._state.connections.setdefault((client_id, user_id), {})
        for tenant_id, name in organisations:
            existing = next((c for c in connections.values() if _same_id(c.tenant_id, tenant_id)), None)
            if existing is None:
                connection = _Connection(str(uuid.uuid4()), tenant_id, name, auth_event_id, now, now)
                connections[connection.id] = connection
            else:
                existing.tenant_name = name
                existing.auth_event_id = auth_event_id
                existing.updated = now

    # ------------------------------------------------------------------------------------------------------ token

    def _client_auth(self, request: Request, form: Mapping[str, str]) -> tuple[_Client, bool]:
        """The calling app, and whether it proved it holds its secret."""
        client_id = form.get("client_id")
        secret = form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise _OAuthError("invalid_client", "Malformed Basic authorization header.", 401) from None
            raw_id, sep, raw_secret = decoded.partition(":")
            if not sep:
                raise _OAuthError("invalid_client", "Malformed Basic authorization header.", 401)
            client_id, secret = unquote(raw_id), unquote(raw_secret)
        client = self._clients.get(client_id or "")
        if client is None:
            raise _OAuthError("invalid_client", status=401)
        if secret is None or secret == "":
            return client, False
        if client.secret is None or not hmac.compare_digest(secret.encode(), client.secret.encode()):
            raise _OAuthError("invalid_client", status=401)
        return client, True

    async def _token(self, request: Request) -> Response:
        async with request.form() as raw_form:
            form = {key: value for key, value in raw_form.items() if isinstance(value, str)}
        grant_type = form.get("grant_type", "")
        self.token_requests[grant_type or "(none)"] += 1
        try:
            client, authenticated = self._client_auth(request, form)
            if grant_type == "authorization_code":
                body = self._exchange_code(client, authenticated, form)
            elif grant_type == "refresh_token":
                body = self._refresh(client, authenticated, form)
            elif grant_type == "client_credentials":
                body = self._client_credentials(client, authenticated, form)
            else:
                raise _OAuthError("unsupported_grant_type")
        except _OAuthError as error:
            return _oauth_error(error)
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _exchange_code(self, client: _Client, authenticated: bool, form: Mapping[str, str]) -> dict[str, object]:
        record = self._state.codes.get(form.get("code", ""))
        if record is None or record.client_id != client.client_id:
            raise _OAuthError("invalid_grant")
        if record.used or self._clock.now() >= record.expires_at:
            raise _OAuthError("invalid_grant")
        # Single use: a failed exchange burns the code too, so a guessed verifier cannot be retried.
        record.used = True
        if form.get("redirect_uri") != record.redirect_uri:
            raise _OAuthError("invalid_grant", "redirect_uri does not match the authorization request.")
        if record.challenge is not None:
            verifier = form.get("code_verifier", "")
            if not _VERIFIER.fullmatch(verifier) or not hmac.compare_digest(s256(verifier), record.challenge):
                raise _OAuthError("invalid_grant", "The code_verifier does not match the code_challenge.")
        elif not authenticated:
            raise _OAuthError("invalid_client", status=401)
        grant_id = str(uuid.uuid4())
        self._state.grants[grant_id] = _Grant(client.client_id, record.user_id, record.scopes, public=not authenticated)
        return self._issue(grant_id)

    def _refresh(self, client: _Client, authenticated: bool, form: Mapping[str, str]) -> dict[str, object]:
        record = self._state.refresh.get(form.get("refresh_token", ""))
        if record is None:
            raise _OAuthError("invalid_grant")
        grant = self._state.grants[record.grant_id]
        if grant.revoked or grant.client_id != client.client_id:
            raise _OAuthError("invalid_grant")
        if not authenticated and not grant.public:
            raise _OAuthError("invalid_client", status=401)
        now = self._clock.now()
        if record.used_at is None:
            if now - record.issued_at >= REFRESH_TOKEN_IDLE_EXPIRY:
                raise _OAuthError("invalid_grant")
            record.used_at = now
        elif now - record.used_at > REFRESH_TOKEN_GRACE:
            raise _OAuthError("invalid_grant")
        return self._issue(record.grant_id)

    def _client_credentials(self, client: _Client, authenticated: bool, form: Mapping[str, str]) -> dict[str, object]:
        if not authenticated:
            raise _OAuthError("invalid_client", status=401)
        requested = frozenset(form.get("scope", "").split())
        if requested:
            unknown = requested - (ACCOUNTING_SCOPES & self._accepted_scopes)
            if unknown:
                raise _OAuthError("invalid_scope", "Client credentials scope validation failed")
            scopes = requested
        else:
            scopes = CUSTOM_CONNECTION_DEFAULT_SCOPES & self._accepted_scopes
        organisations = self._organisations()
        if not organisations:
            raise _OAuthError("unauthorized_client", "The custom connection has no organisation.")
        token = self._mint(40)
        self._state.access[token] = _AccessToken(
            client_id=client.client_id,
            scopes=scopes,
            expires_at=self._clock.now() + ACCESS_TOKEN_LIFETIME,
            custom_tenant=organisations[0][0],
        )
        return {
            "access_token": token,
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "token_type": "Bearer",
            "scope": " ".join(sorted(scopes)),
        }

    def _issue(self, grant_id: str) -> dict[str, object]:
        grant = self._state.grants[grant_id]
        now = self._clock.now()
        access_token = self._mint(40)
        self._state.access[access_token] = _AccessToken(
            client_id=grant.client_id,
            scopes=grant.scopes,
            expires_at=now + ACCESS_TOKEN_LIFETIME,
            user_id=grant.user_id,
        )
        body: dict[str, object] = {
            "access_token": access_token,
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "token_type": "Bearer",
            "scope": " ".join(sorted(grant.scopes)),
        }
        if "offline_access" in grant.scopes:
            refresh_token = self._mint(40)
            self._state.refresh[refresh_token] = _RefreshToken(grant_id, issued_at=now)
            body["refresh_token"] = refresh_token
        if "openid" in grant.scopes:
            id_token = self._id_token(grant, now)
            self._secrets.add(id_token)
            body["id_token"] = id_token
        return body

    def _id_token(self, grant: _Grant, now: datetime) -> str:
        # JWT-shaped so clients that split it find the usual parts; the signature is a keyed hash, not RS256.
        def part(value: dict[str, object]) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

        user = self._user_by_id(grant.user_id)
        given, _, family = (user.name if user else "Sandbox User").partition(" ")
        header = part({"alg": "HS256", "typ": "JWT"})
        payload = part(
            {
                "iss": "sandbox-identity",
                "aud": grant.client_id,
                "sub": grant.user_id,
                "xero_userid": grant.user_id,
                "iat": int(now.timestamp()),
                "exp": int((now + AUTHORIZATION_CODE_LIFETIME).timestamp()),
                "email": user.email if user else f"{grant.user_id}@sandbox.example.com",
                "given_name": given,
                "family_name": family,
            }
        )
        signature = hmac.new(self._state.user_id.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"

    # ------------------------------------------------------------------------------------------------- revocation

    async def _revocation(self, request: Request) -> Response:
        async with request.form() as raw_form:
            form = {key: value for key, value in raw_form.items() if isinstance(value, str)}
        try:
            client, authenticated = self._client_auth(request, form)
            token = form.get("token")
            if not token:
                raise _OAuthError("invalid_request", "The token to revoke is missing.")
            record = self._state.refresh.get(token)
            if record is not None:
                grant = self._state.grants[record.grant_id]
                if grant.client_id == client.client_id:
                    if not authenticated and not grant.public:
                        raise _OAuthError("invalid_client", status=401)
                    grant.revoked = True
                    self._state.connections.pop((grant.client_id, grant.user_id), None)
        except _OAuthError as error:
            return _oauth_error(error)
        # RFC 7009: an unknown token is not an error.
        return Response(status_code=200)

    # ------------------------------------------------------------------------------------------------ connections

    async def _list_connections(self, request: Request) -> Response:
        token = self._bearer_record(request.headers.get("authorization"))
        if isinstance(token, Response):
            return token
        wanted_event = request.query_params.get("authEventId")
        return JSONResponse(
            [
                _connection_json(c)
                for c in self._visible_connections(token)
                if wanted_event is None or _same_id(c.auth_event_id, wanted_event)
            ]
        )

    async def _delete_connection(self, request: Request) -> Response:
        token = self._bearer_record(request.headers.get("authorization"))
        if isinstance(token, Response):
            return token
        connection_id = str(request.path_params["connection_id"]).lower()
        if token.user_id is not None:
            connections = self._state.connections.get((token.client_id, token.user_id), {})
            if connections.pop(connection_id, None) is not None:
                return Response(status_code=204)
        return PlainTextResponse("The resource you're looking for cannot be found", status_code=404)

    def _visible_connections(self, token: _AccessToken) -> list[_Connection]:
        if token.custom_tenant is not None:
            names = dict(self._organisations())
            stable = str(uuid.uuid5(uuid.NAMESPACE_URL, f"custom-connection:{token.client_id}:{token.custom_tenant}"))
            epoch = token.expires_at - ACCESS_TOKEN_LIFETIME
            name = names.get(token.custom_tenant, "Organisation")
            return [_Connection(stable, token.custom_tenant, name, stable, epoch, epoch)]
        if token.user_id is None:
            return []
        return list(self._state.connections.get((token.client_id, token.user_id), {}).values())


def _connection_json(connection: _Connection) -> dict[str, str]:
    return {
        "id": connection.id,
        "authEventId": connection.auth_event_id,
        "tenantId": connection.tenant_id,
        "tenantType": "ORGANISATION",
        "tenantName": connection.tenant_name,
        "createdDateUtc": _xero_datetime(connection.created),
        "updatedDateUtc": _xero_datetime(connection.updated),
    }


def _add_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
