"""The sandbox's control routes under ``/_sandbox`` (for tests and demos; never part of the emulated API).

- ``POST /_sandbox/reset``: back to the seeded state; rate-limit counts, faults and request counts cleared.
- ``POST /_sandbox/seed``: rebuild the organisations and run the demo seed (the new reset point).
- ``GET /_sandbox/faults``: pending fault rules and the tally served; ``POST`` adds one
  ``{method, path, kind, count, delay, retry_after}``; ``DELETE`` clears them.
- ``GET /_sandbox/clock``: the sandbox time; ``POST`` ``{"advance": seconds}`` or ``{"set": "<ISO 8601>"}``.
- ``GET``/``POST /_sandbox/limits``: the rate limits in force / change them (``{"per_minute": 5}``,
  ``{"enabled": false}``).
- ``GET /_sandbox/stats``: emulated API requests served, in all, per tenant and per route, and refused with a 429
  by limit; token endpoint requests by grant type; the organisations.
- ``GET``/``POST /_sandbox/identity/users``: who can sign in / add one
  ``{"email": ..., "organisations": [tenant IDs or names], "name": ...}`` (adding users turns on the login and
  consent pages).
- ``POST /_sandbox/identity/login-as`` ``{"email": ...}``: the next sign-ins are that user's, consenting to all their
  organisations without a page (``{"email": null}``: show the pages again).

Answers are plain JSON; a bad control request is a 400 ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from xero_mcp.sandbox.faults import FaultRule

if TYPE_CHECKING:
    from xero_mcp.sandbox.app import Sandbox
    from xero_mcp.sandbox.identity import SandboxUser


def _error(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("the body must be a JSON object")
    return dict(value)  # pyright: ignore[reportUnknownArgumentType]


def control_routes(sandbox: Sandbox) -> list[BaseRoute]:
    """The ``/_sandbox`` routes of one sandbox (mounted by the app)."""

    def now() -> dict[str, str]:
        return {"now": sandbox.clock.now().isoformat()}

    async def reset(request: Request) -> Response:
        del request
        sandbox.reset()
        return JSONResponse({"reset": True, "organisations": _organisations(sandbox)})

    async def seed(request: Request) -> Response:
        del request
        sandbox.seed()
        return JSONResponse({"seeded": True, "organisations": _organisations(sandbox)})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.faults.clear()
        elif request.method == "POST":
            try:
                body = await _json_object(request)
                rule = FaultRule(
                    method=str(body.get("method", "*")),
                    path=str(body["path"]),
                    kind=body["kind"],
                    count=body.get("count", 1),
                    delay=float(body.get("delay", 0.0)),
                    retry_after=body.get("retry_after", 1),
                )
                sandbox.faults.add(rule)
            except KeyError as missing:
                return _error(f"a fault needs {missing.args[0]!r}")
            except (ValueError, TypeError) as error:
                return _error(str(error))
        rules = [asdict(rule) for rule in sandbox.faults.rules()]
        return JSONResponse({"faults": rules, "injected": dict(sandbox.faults.injected)})

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            try:
                body = await _json_object(request)
                if "advance" in body:
                    sandbox.clock.advance(float(body["advance"]))
                elif "set" in body:
                    when = datetime.fromisoformat(str(body["set"]).replace("Z", "+00:00"))
                    sandbox.clock.set(when if when.tzinfo else when.replace(tzinfo=UTC))
                else:
                    return _error('send {"advance": seconds} or {"set": "<ISO 8601 time>"}')
            except (ValueError, TypeError) as error:
                return _error(str(error))
        return JSONResponse(now())

    async def limits(request: Request) -> Response:
        if request.method == "POST":
            try:
                sandbox.limiter.configure(**(await _json_object(request)))
            except (ValueError, TypeError) as error:
                return _error(str(error))
        return JSONResponse({"limits": asdict(sandbox.limiter.config)})

    async def stats(request: Request) -> Response:
        del request
        return JSONResponse(
            {
                "requests": sandbox.request_counts.as_json(),
                "tokenRequests": dict(sandbox.identity.token_requests),
                "organisations": _organisations(sandbox),
            }
        )

    async def identity_users(request: Request) -> Response:
        if request.method == "POST":
            try:
                body = await _json_object(request)
                organisations: Any = body.get("organisations")
                if not isinstance(organisations, list):
                    return _error('a user needs "organisations": a list of tenant IDs or names')
                wanted = [o for o in cast("list[Any]", organisations) if isinstance(o, str)]
                if len(wanted) != len(cast("list[Any]", organisations)):
                    return _error('a user needs "organisations": a list of tenant IDs or names')
                name = body.get("name")
                user = sandbox.identity.add_user(
                    str(body.get("email", "")), wanted, name if isinstance(name, str) else None
                )
            except (ValueError, TypeError) as error:
                return _error(str(error))
            return JSONResponse(_user_json(sandbox, user), status_code=201)
        return JSONResponse({"users": [_user_json(sandbox, user) for user in sandbox.identity.users()]})

    async def identity_login_as(request: Request) -> Response:
        try:
            body = await _json_object(request)
            email = body.get("email")
            if email is not None and not isinstance(email, str):
                return _error('send {"email": "<a sandbox user\'s email>"} or {"email": null}')
            sandbox.identity.login_as(email)
        except (ValueError, TypeError) as error:
            return _error(str(error))
        return JSONResponse({"loginAs": email})

    return [
        Route("/identity/users", identity_users, methods=["GET", "POST"]),
        Route("/identity/login-as", identity_login_as, methods=["POST"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/seed", seed, methods=["POST"]),
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/clock", clock, methods=["GET", "POST"]),
        Route("/limits", limits, methods=["GET", "POST"]),
        Route("/stats", stats, methods=["GET"]),
    ]


def _user_json(sandbox: Sandbox, user: SandboxUser) -> dict[str, Any]:
    names = dict(sandbox.state.organisations())
    return {
        "userId": user.user_id,
        "email": user.email,
        "name": user.name,
        "organisations": [{"tenantId": t, "name": names.get(t, t)} for t in user.organisations],
    }


def _organisations(sandbox: Sandbox) -> list[dict[str, str]]:
    return [{"tenantId": tenant, "name": name} for tenant, name in sandbox.state.organisations()]
