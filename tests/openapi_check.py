"""Check requests and responses against Xero's OpenAPI spec (xero_accounting.yaml), the way stripe-mock is checked.

The spec is found in $XERO_OPENAPI_DIR (`python -m tests.fetch_openapi DIR` fetches it), else in ../shared/xero-openapi
beside the repository (where CI keeps it); when it is absent the calling test is skipped, saying what it did not
check. An operation is found by matching the request path against the spec's path templates (literal segments beat
parameters, case-insensitively); its JSON schema is checked with jsonschema
(draft 4, which OpenAPI 3.0 schemas follow), the spec's ``$ref``s resolved inside the one spec document. MS-JSON
dates are strings and numbers are numbers there, so the emulator's wire format is checked as sent.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import httpx2
import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_FILE = "xero_accounting.yaml"
API_PREFIX = "/api.xro/2.0"
_SPEC_URI = "urn:xero-accounting"
MISSING = (
    f"not checked against Xero's OpenAPI spec: {SPEC_FILE} not found. Fetch it with "
    "`python -m tests.fetch_openapi DIR` and set XERO_OPENAPI_DIR=DIR"
)
"""The skip reason of every test that needs the spec."""


def spec_path() -> Path | None:
    """Where xero_accounting.yaml is, or None."""
    configured = os.environ.get("XERO_OPENAPI_DIR")
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "xero-openapi"
    candidate = folder / SPEC_FILE
    return candidate if candidate.is_file() else None


@functools.cache
def _spec() -> dict[str, Any] | None:
    path = spec_path()
    if path is None:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader


def load_spec() -> dict[str, Any]:
    """The parsed spec; skips the calling test when the spec is absent."""
    spec = _spec()
    if spec is None:
        pytest.skip(MISSING)
    return spec


@functools.cache
def _registry() -> Registry[Any]:
    return Registry().with_resource(_SPEC_URI, Resource.from_contents(load_spec(), default_specification=DRAFT4))


@functools.cache
def _validator(pointer: str) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator({"$ref": f"{_SPEC_URI}#{pointer}"}, registry=_registry())


def _template_score(template: str, parts: list[str]) -> int | None:
    pieces = [p for p in template.split("/") if p]
    if len(pieces) != len(parts):
        return None
    score = 0
    for piece, part in zip(pieces, parts, strict=True):
        if piece.startswith("{"):
            continue
        if piece.lower() != part.lower():
            return None
        score += 1
    return score


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """(path template, operation) for a request path with or without the /api.xro/2.0 prefix, or None."""
    relative = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
    parts = [p for p in relative.split("?")[0].split("/") if p]
    best: tuple[int, str, dict[str, Any]] | None = None
    for template, item in load_spec()["paths"].items():
        operation = item.get(method.lower())
        score = _template_score(template, parts)
        if operation is None or score is None:
            continue
        if best is None or score > best[0]:
            best = (score, template, operation)
    return None if best is None else (best[1], best[2])


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _check(pointer: str, body: Any, what: str) -> None:
    error = jsonschema.exceptions.best_match(_validator(pointer).iter_errors(body))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise AssertionError(f"{what} does not match the spec at {where}: {error.message}")


def validate_response(method: str, path: str, status: int, body: Any) -> None:
    """Check a JSON response body against the operation's schema for that status (Error for an undocumented 400)."""
    found = find_operation(method, path)
    if found is None:
        raise AssertionError(f"{method} {path} is not an operation of the spec")
    template, operation = found
    response = operation.get("responses", {}).get(str(status))
    schema = ((response or {}).get("content") or {}).get("application/json", {}).get("schema")
    base = f"/paths/{_escape(template)}/{method.lower()}/responses/{status}/content/application~1json/schema"
    if schema is not None:
        _check(base, body, f"{method} {template} {status} response")
    elif status == 400:
        _check("/components/schemas/Error", body, f"{method} {template} 400 response")


def validate_request(method: str, path: str, body: Any) -> None:
    """Check a JSON request body against the operation's request schema."""
    found = find_operation(method, path)
    if found is None:
        raise AssertionError(f"{method} {path} is not an operation of the spec")
    template, operation = found
    request_body = operation.get("requestBody")
    if request_body is None:
        return
    pointer = f"/paths/{_escape(template)}/{method.lower()}/requestBody"
    if "$ref" in request_body:
        pointer = request_body["$ref"].removeprefix("#")
        request_body = load_spec()["components"]["requestBodies"][pointer.rsplit("/", 1)[1]]
    if request_body.get("content", {}).get("application/json", {}).get("schema") is None:
        return
    _check(f"{pointer}/content/application~1json/schema", body, f"{method} {template} request")


class SpecCheckedTransport(httpx2.AsyncBaseTransport):
    """Wraps a transport into the sandbox: every JSON request body sent to, and every JSON response body received
    from, the emulated Accounting API is checked against Xero's spec (nothing is checked when the spec is absent).

    `requests=False` checks only the answers, for tests that send Xero an invalid body on purpose."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, *, requests: bool = True) -> None:
        self._inner = inner
        self._check = spec_path() is not None
        self._requests = requests

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        api = self._check and path.startswith(API_PREFIX)
        is_json = request.headers.get("content-type", "").startswith("application/json")
        if api and self._requests and request.method in ("PUT", "POST") and request.content and is_json:
            validate_request(request.method, path, json.loads(request.content))
        response = await self._inner.handle_async_request(request)
        if api and response.headers.get("content-type", "").startswith("application/json"):
            await response.aread()
            validate_response(request.method, path, response.status_code, json.loads(response.content))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
