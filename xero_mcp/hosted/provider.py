"""xero-mcp's own authorization server for MCP clients, signing people in with Xero (see the package docstring)."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import jwt
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import AnyUrl, SecretStr
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from xero_mcp.auth.errors import AuthServiceUnavailable, OAuthFailure
from xero_mcp.auth.oauth import TokenSet, XeroOAuth
from xero_mcp.auth.provider import Tenant
from xero_mcp.auth.store import StoredLogin
from xero_mcp.hosted.cimd import ClientDocumentError, ClientMetadataDocuments, is_document_client_id
from xero_mcp.store import AuthCodeRecord, RefreshUse, Store, hash_secret

logger = logging.getLogger(__name__)

ACCESS_TOKEN_SECONDS = 900
REFRESH_TOKEN_SECONDS = 30 * 86400
CODE_SECONDS = 300
SIGN_IN_SECONDS = 600
CALLBACK_PATH = "/oauth/xero/callback"
CONSENT_PATH = "/oauth/consent"
_CONSENT_COOKIE = "xero_mcp_consent"
# The consent page must never be framed (clickjacking) nor cached.
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# Who signed in (openid profile email) and a refresh token (offline_access) besides the tools' own scopes.
IDENTITY_SCOPES: tuple[str, ...] = ("openid", "profile", "email")


@dataclass(frozen=True)
class HostedUrls:
    """Where this server is reached: the issuer (its public base URL) and the MCP endpoint (the resource)."""

    public_url: str

    @property
    def issuer(self) -> str:
        """The authorization server's issuer identifier."""
        return self.public_url.rstrip("/")

    @property
    def resource(self) -> str:
        """The canonical URI of the MCP endpoint: every token is bound to it."""
        return f"{self.issuer}/mcp"

    @property
    def consent(self) -> str:
        """xero-mcp's own consent page, shown before the person is sent to Xero."""
        return f"{self.issuer}{CONSENT_PATH}"

    @property
    def xero_callback(self) -> str:
        """The redirect URI to register with the Xero app."""
        return f"{self.issuer}{CALLBACK_PATH}"


def _same_resource(given: str, canonical: str) -> bool:
    return given.rstrip("/") == canonical.rstrip("/")


class HostedAuthProvider:
    """The mcp SDK's OAuthAuthorizationServerProvider over the store, with Xero as the upstream sign-in.

    `on_sign_in(user_id)` is told whenever someone's Xero login is replaced, so cached per-user state is rebuilt.
    """

    def __init__(
        self,
        store: Store,
        oauth: XeroOAuth,
        urls: HostedUrls,
        *,
        identity_url: str,
        xero_scopes: tuple[str, ...],
        on_sign_in: Callable[[str], Awaitable[None]] | None = None,
        documents: ClientMetadataDocuments | None = None,
    ) -> None:
        self._store = store
        self._oauth = oauth
        self._urls = urls
        self._identity_url = identity_url
        self._xero_scopes = tuple(dict.fromkeys((*IDENTITY_SCOPES, *xero_scopes)))
        self._on_sign_in = on_sign_in
        self.documents = documents

    # ------------------------------------------------------------------------------------------------ clients
    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        """A client registered through Dynamic Client Registration, or described by the Client ID Metadata Document
        its client_id names (when `documents` is set)."""
        if is_document_client_id(client_id):
            if self.documents is None:
                return None
            try:
                return await self.documents.get(client_id)
            except ClientDocumentError as exc:
                logger.warning("client ID metadata document %r refused: %s", client_id, exc)
                return None
        record = await self._store.get_client(client_id)
        return OAuthClientInformationFull.model_validate_json(record.info) if record else None

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        """Keep a newly registered client (the SDK has validated its metadata and minted its id and secret)."""
        await self._store.save_client(client_info.client_id, client_info.model_dump_json().encode("utf-8"))

    # ---------------------------------------------------------------------------------------------- authorize
    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        """Keep the MCP client's request in the store and show the person our consent page, then Xero's sign-in.

        The consent page comes first because every MCP client shares this server's one Xero app: Xero may skip its
        own consent for an app the person approved before, so without ours a client someone registered a minute ago
        could receive a code for that person's books (the MCP specification's "confused deputy").
        """
        resource = params.resource or self._urls.resource
        if not _same_resource(resource, self._urls.resource):
            raise AuthorizeError("invalid_target", f"this server issues tokens only for {self._urls.resource}")
        state = secrets.token_urlsafe(32)
        name = client.client_name or client.client_id
        if is_document_client_id(client.client_id):
            # Anyone can publish any client_name: say which site vouches for it.
            name = f"{name} ({urlsplit(client.client_id).netloc})"
        pending = {
            "client_id": client.client_id,
            "client_name": name,
            "redirect_uri": str(params.redirect_uri),
            "redirect_uri_explicit": params.redirect_uri_provided_explicitly,
            "code_challenge": params.code_challenge,
            "state": params.state,
            "scopes": params.scopes or [],
            "resource": self._urls.resource,
            "verifier": secrets.token_urlsafe(64),
        }
        await self._store.put_pending(state, json.dumps(pending).encode(), self._store.now() + SIGN_IN_SECONDS)
        return construct_redirect_uri(self._urls.consent, request=state)

    async def consent(self, request: Request) -> Response:
        """GET: ask the person whether this MCP client may use their Xero books. POST: their answer."""
        if request.method == "POST":
            async with request.form() as form:
                state = str(form.get("request") or "")
                check = str(form.get("check") or "")
                decision = str(form.get("decision") or "")
        else:
            state, check, decision = request.query_params.get("request", ""), "", ""
        raw = await self._store.peek_pending(state) if state else None
        if raw is None:
            return _page(400, "This sign-in has expired or was already used. Start again from your MCP client.")
        pending: dict[str, Any] = json.loads(raw)
        if request.method != "POST":
            return _consent_page(state, pending)
        cookie = request.cookies.get(_CONSENT_COOKIE, "")
        # The answer must come from the page we showed in this browser: a cross-site form post carries no
        # SameSite=Strict cookie, so another site cannot answer for the person.
        if not cookie or not hmac.compare_digest(cookie.encode(), check.encode()):
            return _page(400, "Open the sign-in again from your MCP client and answer on the page shown.")
        if decision != "allow":
            await self._store.take_pending(state)
            target = construct_redirect_uri(
                str(pending["redirect_uri"]),
                error="access_denied",
                error_description="The person did not allow access.",
                state=pending["state"],
                iss=self._urls.issuer,
            )
            return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})
        target = self._oauth.authorization_url(
            redirect_uri=self._urls.xero_callback,
            scopes=self._xero_scopes,
            state=state,
            code_verifier=str(pending["verifier"]),
        )
        response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
        response.delete_cookie(_CONSENT_COOKIE, path=CONSENT_PATH)
        return response

    async def xero_callback(self, request: Request) -> Response:
        """Xero's redirect back: record the person and their Xero tokens, then send our code to the MCP client."""
        query = request.query_params
        raw = await self._store.take_pending(query.get("state", "")) if query.get("state") else None
        if raw is None:
            return _page(400, "This sign-in has expired or was already used. Start again from your MCP client.")
        pending: dict[str, Any] = json.loads(raw)
        back = str(pending["redirect_uri"])

        def refuse(error: str, description: str) -> Response:
            target = construct_redirect_uri(
                back, error=error, error_description=description, state=pending["state"], iss=self._urls.issuer
            )
            return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})

        if query.get("error") or not query.get("code"):
            return refuse("access_denied", "The Xero sign-in was cancelled or refused.")
        try:
            issued = await self._oauth.exchange_code(
                code=query["code"],
                redirect_uri=self._urls.xero_callback,
                code_verifier=str(pending["verifier"]),
                scopes=self._xero_scopes,
            )
            status, tenants = await self._oauth.connections(issued.access_token)
        except (OAuthFailure, AuthServiceUnavailable) as exc:
            logger.warning("Xero sign-in failed at the code exchange: %s", exc)
            return refuse("temporarily_unavailable", "Xero did not complete the sign-in. Try again.")
        identity = _identity(issued, self._oauth.client_id)
        if identity is None or status != 200:
            return refuse("access_denied", "Xero did not say who signed in (the openid scope is needed).")
        user = await self._store.upsert_user(*identity)
        if not user.active:
            return refuse("access_denied", "This user's access to the server has been revoked.")
        await self._store.save_xero_login(
            user.user_id, _login(issued, tenants, self._identity_url, self._oauth).to_bytes()
        )
        if self._on_sign_in is not None:
            await self._on_sign_in(user.user_id)
        code = secrets.token_urlsafe(32)
        await self._store.put_code(
            AuthCodeRecord(
                code_hash=hash_secret(code),
                client_id=str(pending["client_id"]),
                user_id=user.user_id,
                redirect_uri=back,
                redirect_uri_explicit=bool(pending["redirect_uri_explicit"]),
                code_challenge=str(pending["code_challenge"]),
                scopes=tuple(cast("list[str]", pending["scopes"])),
                resource=str(pending["resource"]),
                expires_at=self._store.now() + CODE_SECONDS,
            )
        )
        target = construct_redirect_uri(back, code=code, state=pending["state"], iss=self._urls.issuer)
        return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})

    # -------------------------------------------------------------------------------------------------- codes
    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> AuthorizationCode | None:
        """The code as issued to this client (the SDK then checks expiry, redirect URI and PKCE)."""
        record = await self._store.get_code(hash_secret(authorization_code))
        if record is None or record.client_id != client.client_id:
            return None
        return AuthorizationCode(
            code=authorization_code,
            scopes=list(record.scopes),
            expires_at=float(record.expires_at),
            client_id=record.client_id,
            code_challenge=record.code_challenge,
            redirect_uri=AnyUrl(record.redirect_uri),
            redirect_uri_provided_explicitly=record.redirect_uri_explicit,
            resource=record.resource,
            subject=record.user_id,
        )

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        """Spend the code (once, even under concurrent exchanges) and open a grant with its first tokens."""
        record = await self._store.take_code(hash_secret(authorization_code.code))
        if record is None or record.client_id != client.client_id:
            raise TokenError("invalid_grant", "authorization code does not exist")
        access, refresh, rows = self._mint()
        await self._store.create_grant(record.user_id, record.client_id, record.resource, record.scopes, rows)
        # Each sign-in sweeps tokens that expired a day ago, so the table holds only what can still matter.
        await self._store.purge_expired()
        return _token_response(access, refresh, record.scopes)

    def _mint(self) -> tuple[str, str, list[tuple[str, str, int]]]:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self._store.now()
        rows = [
            (hash_secret(access), "access", now + ACCESS_TOKEN_SECONDS),
            (hash_secret(refresh), "refresh", now + REFRESH_TOKEN_SECONDS),
        ]
        return access, refresh, rows

    # ------------------------------------------------------------------------------------------------- tokens
    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> RefreshToken | None:
        """A usable refresh token of this client. A spent one presented again revokes its grant (theft)."""
        record = await self._store.find_token(hash_secret(refresh_token), "refresh")
        if record is None or record.grant.client_id != client.client_id or not record.usable:
            return None
        if record.used_at is not None:
            await self._store.revoke_grant(record.grant.grant_id, "refresh token replayed")
            logger.warning("a used refresh token was presented again: grant %s revoked", record.grant.grant_id)
            return None
        return RefreshToken(
            token=refresh_token,
            client_id=record.grant.client_id,
            scopes=list(record.grant.scopes),
            expires_at=record.expires_at,
            resource=record.grant.resource,
            subject=record.grant.user_id,
        )

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        """Rotate: the refresh token is spent and a new access and refresh token issued on the same grant."""
        access, refresh, rows = self._mint()
        outcome = await self._store.use_refresh_token(hash_secret(refresh_token.token), rows)
        if outcome is not RefreshUse.USED:
            raise TokenError("invalid_grant", "refresh token does not exist")
        return _token_response(access, refresh, tuple(scopes))

    async def load_access_token(self, token: str) -> AccessToken | None:
        """The access token if it is ours, unexpired, and neither its grant nor its user is revoked."""
        record = await self._store.find_token(hash_secret(token), "access")
        if record is None or not record.usable or record.expires_at <= self._store.now():
            return None
        return AccessToken(
            token=token,
            client_id=record.grant.client_id,
            scopes=list(record.grant.scopes),
            expires_at=record.expires_at,
            resource=record.grant.resource,
            subject=record.grant.user_id,
            claims={"iss": self._urls.issuer},
        )

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        """Revoke the grant behind an access or refresh token (both kinds stop working)."""
        for kind in ("access", "refresh"):
            record = await self._store.find_token(hash_secret(token.token), kind)
            if record is not None:
                await self._store.revoke_grant(record.grant.grant_id, "revoked by the client")
                return

    async def exchange_identity_assertion(self, client: OAuthClientInformationFull, params: Any) -> OAuthToken:
        """SEP-990 identity assertions are not offered."""
        raise TokenError("unsupported_grant_type", "The JWT bearer grant is not supported by this server")


def _token_response(access: str, refresh: str, scopes: tuple[str, ...]) -> OAuthToken:
    return OAuthToken(
        access_token=access,
        token_type="Bearer",  # noqa: S106 - the token type's name, not a secret
        expires_in=ACCESS_TOKEN_SECONDS,
        scope=" ".join(scopes) or None,
        refresh_token=refresh,
    )


def _identity(issued: TokenSet, client_id: str) -> tuple[str, str, str] | None:
    """(Xero user id, email, name) from the ID token.

    The ID token came straight from Xero's token endpoint over TLS in answer to our own authenticated request, so
    OpenID Connect Core §3.1.3.7 lets the TLS server check stand in for its signature; the audience is still checked.
    """
    if not issued.id_token:
        return None
    try:
        claims: dict[str, Any] = jwt.decode(
            issued.id_token, options={"verify_signature": False, "verify_exp": False}, audience=client_id
        )
    except jwt.PyJWTError:
        return None
    user_id = claims.get("xero_userid") or claims.get("sub")
    if not isinstance(user_id, str) or not user_id:
        return None
    email = str(claims.get("email") or "")
    name = " ".join(str(claims[k]) for k in ("given_name", "family_name") if claims.get(k)) or email or user_id
    return user_id, email, name


def _login(issued: TokenSet, tenants: list[Tenant], identity_url: str, oauth: XeroOAuth) -> StoredLogin:
    return StoredLogin(
        identity_url=identity_url,
        client_id=oauth.client_id,
        access_token=SecretStr(issued.access_token),
        refresh_token=SecretStr(issued.refresh_token) if issued.refresh_token else None,
        expires_at=issued.expires_at,
        scopes=issued.scopes,
        tenants=tuple(tenants),
        default_tenant_id=tenants[0].tenant_id if len(tenants) == 1 else None,
    )


def _consent_page(state: str, pending: dict[str, Any]) -> Response:
    from html import escape

    check = secrets.token_urlsafe(24)
    app = escape(str(pending.get("client_name") or pending["client_id"]))
    back = urlsplit(str(pending["redirect_uri"]))
    where = escape(f"{back.scheme}://{back.netloc}")
    body = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Allow access to your Xero books?</title>"
        f"<h1>{app} wants to use your Xero organisations through xero-mcp</h1>"
        f"<p>After you sign in with Xero, it will be sent back to <b>{where}</b>. Continue only if you started this "
        "from that app.</p>"
        f'<form method="post" action="consent"><input type="hidden" name="request" value="{escape(state)}">'
        f'<input type="hidden" name="check" value="{escape(check)}">'
        '<button type="submit" name="decision" value="allow" id="continue">Continue to Xero</button> '
        '<button type="submit" name="decision" value="deny" id="cancel">Cancel</button></form></html>'
    )
    response = HTMLResponse(body, headers=_PAGE_HEADERS)
    response.set_cookie(_CONSENT_COOKIE, check, path=CONSENT_PATH, httponly=True, samesite="strict", max_age=600)
    return response


def _page(status: int, message: str) -> Response:
    from html import escape

    body = f"<!doctype html><title>xero-mcp sign-in</title><h1>Sign-in</h1><p>{escape(message)}</p>"
    return HTMLResponse(body, status_code=status)
