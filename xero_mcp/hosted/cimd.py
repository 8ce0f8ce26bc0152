"""Client ID Metadata Documents (the MCP authorization specification 2025-11-25, draft-ietf-oauth-client-id-metadata-
document): a client names itself with an HTTPS URL as its `client_id`, and the document at that URL is its metadata.
No registration is stored; the server fetches the document when it meets the client and keeps it for a while.

What is checked, and why:

- the URL: ``https``, a path other than ``/``, no fragment, no user or password, no ``.`` or ``..`` segments;
- where it leads: every address its host resolves to, and the address that actually answered, must be public
  (not loopback, private, link-local, ...), since fetching is something anyone can make this server do. Redirects
  are not followed. Only `allow_loopback` (the sandbox, tests) lets loopback addresses through, and with them plain
  ``http`` to a loopback host;
- the answer: 200 within `timeout` seconds in total and at most `max_bytes`, a JSON object whose ``client_id`` is
  exactly the URL, with ``redirect_uris``, no client secret and ``token_endpoint_auth_method`` ``none`` (the
  document is public, so the client cannot hold a secret through it); the redirect URIs are then matched exactly at
  the authorize endpoint, as for registered clients;
- caching: for the answer's ``Cache-Control: max-age`` within [`min_ttl`, `max_ttl`] (default `default_ttl`;
  ``no-store`` is not cached), at most `max_cached` documents, least recently used dropped first. A refused document
  is remembered for `failure_ttl` seconds, and at most `max_fetching` fetches run at once (waiting counts against
  the timeout), so client_ids sent to /authorize cannot turn this server into a busy fetcher.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
import socket
import ssl
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

import httpx2
from mcp.shared.auth import OAuthClientInformationFull
from pydantic import ValidationError

logger = logging.getLogger(__name__)

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)
_ALLOWED_GRANTS = {"authorization_code", "refresh_token"}


class ClientDocumentError(ValueError):
    """The client ID metadata document cannot be used; the message says why (no secrets in it)."""


def is_document_client_id(client_id: str) -> bool:
    """Whether a client_id names a metadata document (a URL) rather than a registered client."""
    return client_id.startswith(("https://", "http://"))


class ClientMetadataDocuments:
    """Fetches, checks and caches Client ID Metadata Documents (see the module docstring)."""

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        verify: ssl.SSLContext | bool = True,
        timeout: float = 5.0,
        max_bytes: int = 5 * 1024,
        default_ttl: float = 300.0,
        min_ttl: float = 60.0,
        max_ttl: float = 86400.0,
        max_cached: int = 1000,
        failure_ttl: float = 60.0,
        max_fetching: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._verify = verify
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._default_ttl = default_ttl
        self._min_ttl = min_ttl
        self._max_ttl = max_ttl
        self._max_cached = max_cached
        self._failure_ttl = failure_ttl
        self._fetching = asyncio.Semaphore(max_fetching)
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, OAuthClientInformationFull | ClientDocumentError]] = OrderedDict()

    async def get(self, url: str) -> OAuthClientInformationFull:
        """The client described at `url`, from the cache or fetched now. Raises ClientDocumentError."""
        cached = self._cache.get(url)
        if cached is not None and cached[0] > self._clock():
            self._cache.move_to_end(url)
            if isinstance(cached[1], ClientDocumentError):
                raise cached[1]
            return cached[1]
        self._cache.pop(url, None)
        try:
            client, ttl = await self._load(url)
        except ClientDocumentError as exc:
            # A refusal is remembered briefly, so repeating a bad client_id does not make this server fetch again.
            self._remember(url, self._failure_ttl, exc)
            raise
        self._remember(url, ttl, client)
        return client

    async def _load(self, url: str) -> tuple[OAuthClientInformationFull, float]:
        host, port = self._check_url(url)
        try:
            async with asyncio.timeout(self._timeout), self._fetching:
                await self._check_host(host, port)
                document, ttl = await self._fetch(url)
        except TimeoutError:
            raise ClientDocumentError(f"the document took longer than {self._timeout:g} seconds") from None
        return self._client(url, document), ttl

    def _remember(self, url: str, ttl: float, entry: OAuthClientInformationFull | ClientDocumentError) -> None:
        if ttl <= 0:
            return
        self._cache[url] = (self._clock() + ttl, entry)
        while len(self._cache) > self._max_cached:
            self._cache.popitem(last=False)

    # ------------------------------------------------------------------------------------------------ the URL
    def _check_url(self, url: str) -> tuple[str, int]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        loopback = self._allow_loopback and _is_loopback_name(host)
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ClientDocumentError("a client ID metadata document URL must use https")
        if not host:
            raise ClientDocumentError("the client ID URL has no host")
        if parts.path in ("", "/"):
            raise ClientDocumentError("the client ID URL must have a path")
        if parts.fragment or "#" in url:
            raise ClientDocumentError("the client ID URL must not have a fragment")
        if parts.username is not None or parts.password is not None:
            raise ClientDocumentError("the client ID URL must not carry a user name or password")
        if any(segment in (".", "..") for segment in parts.path.split("/")):
            raise ClientDocumentError("the client ID URL must not have '.' or '..' path segments")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ClientDocumentError("the client ID URL has an invalid port") from None
        return host, port

    def _allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_loopback:
            return self._allow_loopback
        return ip.is_global and not ip.is_multicast

    async def _check_host(self, host: str, port: int) -> None:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            raise ClientDocumentError("the client ID URL's host does not resolve") from None
        addresses = {str(info[4][0]) for info in found}
        if not addresses or not all(self._allowed(address) for address in addresses):
            raise ClientDocumentError("the client ID URL's host is not a public address")

    # ------------------------------------------------------------------------------------------------ the fetch
    async def _fetch(self, url: str) -> tuple[Any, float]:
        headers = {"Accept": "application/json"}
        async with (
            httpx2.AsyncClient(verify=self._verify, follow_redirects=False, timeout=self._timeout) as http,
            http.stream("GET", url, headers=headers) as response,
        ):
            # The address that answered, not only the one resolved a moment ago (DNS can change in between).
            stream = response.extensions.get("network_stream")
            peer = stream.get_extra_info("server_addr") if stream is not None else None
            if not peer or not self._allowed(str(peer[0])):
                raise ClientDocumentError("the client ID URL's host is not a public address")
            if response.status_code != 200:
                raise ClientDocumentError(
                    f"the document answered HTTP {response.status_code} (redirects are not followed)"
                )
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > self._max_bytes:
                    raise ClientDocumentError(f"the document is larger than {self._max_bytes} bytes")
            ttl = self._ttl(response.headers.get("cache-control", ""))
        try:
            return json.loads(bytes(body)), ttl
        except ValueError:
            raise ClientDocumentError("the document is not JSON") from None

    def _ttl(self, cache_control: str) -> float:
        lowered = cache_control.lower()
        if "no-store" in lowered or "no-cache" in lowered:
            return 0.0
        match = _MAX_AGE.search(lowered)
        if match is None:
            return self._default_ttl
        return min(max(float(match.group(1)), self._min_ttl), self._max_ttl)

    # --------------------------------------------------------------------------------------------- the content
    def _client(self, url: str, document: Any) -> OAuthClientInformationFull:
        if not isinstance(document, dict):
            raise ClientDocumentError("the document is not a JSON object")
        fields = cast("dict[str, Any]", document)
        if fields.get("client_id") != url:
            raise ClientDocumentError("the document's client_id is not exactly its own URL")
        if "client_secret" in fields or "client_secret_expires_at" in fields:
            raise ClientDocumentError("a client ID metadata document must not carry a client secret")
        method = fields.get("token_endpoint_auth_method", "none")
        if method != "none":
            raise ClientDocumentError("token_endpoint_auth_method must be 'none' (the document is public)")
        redirect_uris = fields.get("redirect_uris")
        if not isinstance(redirect_uris, list) or not redirect_uris:
            raise ClientDocumentError("the document lists no redirect_uris")
        grants = fields.get("grant_types", ["authorization_code"])
        if not isinstance(grants, list) or not set(cast("list[Any]", grants)) <= _ALLOWED_GRANTS:
            raise ClientDocumentError("grant_types may list only authorization_code and refresh_token")
        known = ("client_name", "client_uri", "logo_uri", "scope", "response_types", "software_id", "software_version")
        try:
            return OAuthClientInformationFull.model_validate(
                {
                    **{key: fields[key] for key in known if key in fields},
                    "client_id": url,
                    "redirect_uris": redirect_uris,
                    "grant_types": grants,
                    "token_endpoint_auth_method": "none",
                }
            )
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ClientDocumentError(f"the document's metadata is invalid: {problems}") from None


def _is_loopback_name(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
