"""Client ID Metadata Documents: the mcp SDK's own OAuth client names itself with an HTTPS URL (served here by a
local TLS server under a test certificate) and signs in without registering; the server checks the document
(exact client_id, no secret, size, redirects, public addresses) and caches it for a while."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.databases import database_url
from tests.hosted.harness import CLIENT_REDIRECT, ManualClock, McpUser, hosted_server
from xero_mcp.hosted.cimd import ClientDocumentError, ClientMetadataDocuments
from xero_mcp.sandbox.app import Sandbox


def _certificate(tmp_path: Path) -> tuple[Path, Path, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1, and a client context that trusts only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(pem)
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file, ssl.create_default_context(cadata=pem.decode())


@dataclass
class DocumentServer:
    """Serves client metadata documents over HTTPS on 127.0.0.1 and counts the fetches."""

    base: str
    verify: ssl.SSLContext
    documents: dict[str, tuple[int, dict[str, str], bytes]] = field(
        default_factory=dict[str, tuple[int, dict[str, str], bytes]]
    )
    fetches: list[str] = field(default_factory=list[str])

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def publish(self, path: str, document: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> str:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.documents[path] = (status, {"content-type": "application/json", **(headers or {})}, body)
        return self.url(path)

    async def serve(self, request: Request) -> Response:
        self.fetches.append(request.url.path)
        status, headers, body = self.documents.get(request.url.path, (404, {}, b""))
        return Response(body, status_code=status, headers=headers)


@asynccontextmanager
async def document_server(tmp_path: Path) -> AsyncIterator[DocumentServer]:
    cert_file, key_file, verify = _certificate(tmp_path)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    docs = DocumentServer(f"https://127.0.0.1:{sock.getsockname()[1]}", verify)
    app = Starlette(routes=[Route("/{path:path}", docs.serve)])
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield docs
    finally:
        server.should_exit = True
        await task
        sock.close()


def _document(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": url,
        "client_name": "Metadata Document Client",
        "redirect_uris": [CLIENT_REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        **extra,
    }


async def test_the_sdks_client_signs_in_with_a_metadata_document_url_instead_of_registering(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    async with document_server(tmp_path) as docs:
        url = docs.url("/oauth/client.json")
        docs.publish("/oauth/client.json", _document(url), headers={"cache-control": "max-age=600"})
        documents = ClientMetadataDocuments(allow_loopback=True, verify=docs.verify)
        async with (
            database_url("sqlite", tmp_path) as db,
            hosted_server(db, tmp_path, sandbox, documents=documents) as server,
        ):
            async with httpx2.AsyncClient() as http:
                metadata = (await http.get(f"{server.base}/.well-known/oauth-authorization-server")).json()
            assert metadata["client_id_metadata_document_supported"] is True
            assert metadata["code_challenge_methods_supported"] == ["S256"] and metadata["registration_endpoint"]
            assert metadata["token_endpoint_auth_methods_supported"] == [
                "client_secret_post",
                "client_secret_basic",
                "none",
            ]

            first = sandbox.tenant_ids()[0]
            body = {"email": "cimd@example.com", "name": "Cim Dee", "organisations": [first]}
            assert (await server.sandbox_control("/identity/users", body)).status_code == 201
            assert (
                await server.sandbox_control("/identity/login-as", {"email": "cimd@example.com"})
            ).status_code == 200
            user = McpUser(server, client_metadata_url=url)
            async with user.session() as session:
                result = await session.call_tool("list_tenants", {})
            assert not result.is_error, result.content
            data: Any = result.structured_content
            assert [tenant["tenant_id"] for tenant in data["tenants"]] == [first]
            assert user.storage.client is not None and user.storage.client.client_id == url
            assert user.storage.client.client_secret is None
            assert await server.store.get_client(url) is None  # nothing was registered
            # Authorize and the token exchange both met the client: one fetch, then the cache.
            assert docs.fetches == ["/oauth/client.json"]
            consent = [page for page in user.browser.visited if "/oauth/consent" in page]
            assert consent


async def test_the_consent_page_names_the_site_that_publishes_the_document(tmp_path: Path, sandbox: Sandbox) -> None:
    async with document_server(tmp_path) as docs:
        url = docs.publish("/c.json", _document(docs.url("/c.json")))
        documents = ClientMetadataDocuments(allow_loopback=True, verify=docs.verify)
        async with (
            database_url("sqlite", tmp_path) as db,
            hosted_server(db, tmp_path, sandbox, documents=documents) as server,
            httpx2.AsyncClient(base_url=server.base) as http,
        ):
            query = {
                "response_type": "code",
                "client_id": url,
                "redirect_uri": CLIENT_REDIRECT,
                "code_challenge": "x" * 43,
                "code_challenge_method": "S256",
                "state": "s",
            }
            to_consent = await http.get("/authorize", params=query)
            page = await http.get(to_consent.headers["location"])
            wrong_redirect = await http.get("/authorize", params={**query, "redirect_uri": "http://127.0.0.1:2/cb"})
    assert f"Metadata Document Client ({urlsplit(url).netloc})" in page.text
    assert wrong_redirect.status_code == 400  # redirect URIs are the document's, matched exactly


async def test_documents_that_break_the_rules_are_refused_saying_why(tmp_path: Path) -> None:
    async with document_server(tmp_path) as docs:
        cases = {
            "/other-id.json": (_document("https://elsewhere.example/client.json"), {}, "not exactly its own URL"),
            "/secret.json": (None, {"client_secret": "s3cret"}, "must not carry a client secret"),
            "/basic.json": (None, {"token_endpoint_auth_method": "client_secret_basic"}, "must be 'none'"),
            "/no-redirects.json": (None, {"redirect_uris": []}, "no redirect_uris"),
            "/implicit.json": (None, {"grant_types": ["implicit"]}, "grant_types"),
        }
        documents = ClientMetadataDocuments(allow_loopback=True, verify=docs.verify)
        for path, (document, extra, reason) in cases.items():
            url = docs.publish(path, document or _document(docs.url(path), **extra))
            with pytest.raises(ClientDocumentError, match=reason):
                await documents.get(url)
        big = docs.publish("/big.json", _document(docs.url("/big.json"), client_name="x" * 6000))
        with pytest.raises(ClientDocumentError, match="larger than 5120 bytes"):
            await documents.get(big)
        moved = docs.publish("/moved.json", b"", status=302, headers={"location": docs.url("/big.json")})
        with pytest.raises(ClientDocumentError, match="HTTP 302 \\(redirects are not followed\\)"):
            await documents.get(moved)
        with pytest.raises(ClientDocumentError, match="not JSON"):
            await documents.get(docs.publish("/html.json", b"<html>"))
        # Without the sandbox's permission, the same loopback server is refused before any request is sent.
        before = len(docs.fetches)
        with pytest.raises(ClientDocumentError, match="not a public address"):
            await ClientMetadataDocuments(verify=docs.verify).get(docs.url("/other-id.json"))
        assert len(docs.fetches) == before


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://client.example/doc.json", "must use https"),
        ("https://client.example/", "must have a path"),
        ("https://client.example/doc.json#x", "fragment"),
        ("https://user:pw@client.example/doc.json", "user name or password"),
        ("https://client.example/a/../doc.json", "'..' path segments"),
        ("https://10.1.2.3/doc.json", "not a public address"),
        ("https://169.254.169.254/latest/meta-data", "not a public address"),
        ("https://[::ffff:192.168.0.1]/doc.json", "not a public address"),
        ("https://127.0.0.1/doc.json", "not a public address"),
    ],
)
async def test_urls_that_could_not_name_a_public_document_are_refused_without_a_request(url: str, reason: str) -> None:
    with pytest.raises(ClientDocumentError, match=reason):
        await ClientMetadataDocuments().get(url)


async def test_plain_http_is_accepted_only_for_loopback_and_only_when_allowed() -> None:
    with pytest.raises(ClientDocumentError, match="must use https"):
        await ClientMetadataDocuments(allow_loopback=True).get("http://client.example/doc.json")
    with pytest.raises(ClientDocumentError, match="must use https"):
        await ClientMetadataDocuments().get("http://127.0.0.1:9/doc.json")


async def test_documents_are_cached_for_their_max_age_within_bounds_and_not_when_no_store(tmp_path: Path) -> None:
    clock = ManualClock()
    async with document_server(tmp_path) as docs:
        documents = ClientMetadataDocuments(allow_loopback=True, verify=docs.verify, clock=clock, min_ttl=60)
        cached = docs.publish(
            "/cached.json", _document(docs.url("/cached.json")), headers={"cache-control": "max-age=120"}
        )
        never = docs.publish("/never.json", _document(docs.url("/never.json")), headers={"cache-control": "no-store"})
        brief = docs.publish("/brief.json", _document(docs.url("/brief.json")), headers={"cache-control": "max-age=1"})
        for url in (cached, cached, never, never, brief, brief):
            await documents.get(url)
        assert docs.fetches == ["/cached.json", "/never.json", "/never.json", "/brief.json"]
        clock.now += 119
        await documents.get(cached)
        clock.now += 1
        await documents.get(cached)
        await documents.get(brief)  # max-age=1 was raised to the 60-second floor, which has passed
        assert docs.fetches[4:] == ["/cached.json", "/brief.json"]


async def test_a_refused_document_is_remembered_briefly_instead_of_fetched_again(tmp_path: Path) -> None:
    clock = ManualClock()
    async with document_server(tmp_path) as docs:
        documents = ClientMetadataDocuments(allow_loopback=True, verify=docs.verify, clock=clock, failure_ttl=60)
        url = docs.publish("/wrong.json", _document("https://elsewhere.example/client.json"))
        for _ in range(3):
            with pytest.raises(ClientDocumentError, match="not exactly its own URL"):
                await documents.get(url)
        assert docs.fetches == ["/wrong.json"]
        docs.publish("/wrong.json", _document(url))  # the site fixes its document
        clock.now += 60
        assert (await documents.get(url)).client_id == url
        assert docs.fetches == ["/wrong.json", "/wrong.json"]
