"""The store's one interface (`Store`), the same on SQLite and PostgreSQL (see the package docstring)."""

from __future__ import annotations

import hashlib
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from xero_mcp.store.crypto import KeyRing, Sealed
from xero_mcp.store.engines import Connection, Engine, Row, open_engine
from xero_mcp.store.migrations import migrate


def hash_secret(value: str) -> str:
    """The SHA-256 (hex) under which a token or code is stored: the value itself is never kept."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _scopes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class UserRecord:
    """A person who signed in with Xero. `user_id` is ours; `xero_user_id` is Xero's id for them."""

    user_id: str
    xero_user_id: str
    email: str
    name: str
    created_at: int
    revoked_at: int | None

    @property
    def active(self) -> bool:
        """Whether the user may still use the server."""
        return self.revoked_at is None


@dataclass(frozen=True)
class ClientRecord:
    """An MCP client registered with the authorization server: its id and its metadata as JSON (UTF-8)."""

    client_id: str
    info: bytes


@dataclass(frozen=True)
class GrantRecord:
    """One user's consent for one client and one resource: every token descends from a grant."""

    grant_id: str
    user_id: str
    client_id: str
    resource: str
    scopes: tuple[str, ...]
    created_at: int
    revoked_at: int | None = None
    revoked_reason: str | None = None


@dataclass(frozen=True)
class AuthCodeRecord:
    """An authorization code (by hash) waiting to be exchanged."""

    code_hash: str
    client_id: str
    user_id: str
    redirect_uri: str
    redirect_uri_explicit: bool
    code_challenge: str
    scopes: tuple[str, ...]
    resource: str
    expires_at: int


@dataclass(frozen=True)
class TokenRecord:
    """An access or refresh token (by hash) with its grant and whether anything revokes it."""

    token_hash: str
    kind: str
    expires_at: int
    used_at: int | None
    grant: GrantRecord
    user_active: bool

    @property
    def usable(self) -> bool:
        """Neither the grant nor the user is revoked (expiry is the caller's check, on its clock)."""
        return self.grant.revoked_at is None and self.user_active


class RefreshUse(Enum):
    """What using a refresh token did."""

    USED = "used"  # first use: the caller issues the next pair
    REPLAYED = "replayed"  # used before: the grant is now revoked
    UNKNOWN = "unknown"  # no such token, or its grant or user is revoked


_GRANT_COLUMNS = (
    "g.grant_id, g.user_id, g.client_id, g.resource, g.scopes, g.created_at, g.revoked_at, g.revoked_reason"
)


def _grant(row: Row) -> GrantRecord:
    return GrantRecord(
        grant_id=row[0],
        user_id=row[1],
        client_id=row[2],
        resource=row[3],
        scopes=_scopes(row[4]),
        created_at=int(row[5]),
        revoked_at=None if row[6] is None else int(row[6]),
        revoked_reason=row[7],
    )


def _user(row: Row) -> UserRecord:
    return UserRecord(row[0], row[1], row[2], row[3], int(row[4]), None if row[5] is None else int(row[5]))


_USER_COLUMNS = "user_id, xero_user_id, email, name, created_at, revoked_at"

LOCAL_OWNER = ""
"""The owner of the trigger and ledger rows of a local (stdio or single-login HTTP) server: there is one sign-in."""


@dataclass(frozen=True)
class SubscriptionRow:
    """The committed state of one trigger subscription (owner, consumer, organisation, entity), in milliseconds."""

    floor_ms: int
    cursor_ms: int
    event_seq: int
    acked_ms: int | None
    seen_count: int


@dataclass(frozen=True)
class SubscriptionStart:
    """How a subscription starts when its first delivery is issued. A baseline delivers nothing and is committed at
    once; a start from `since` is committed by its acknowledgement, like any delivery."""

    floor_ms: int
    event_seq: int
    baseline: bool


AckOutcome = Literal["committed", "already_committed", "unknown", "mismatch"]


@dataclass(frozen=True)
class Acknowledgement:
    """What acknowledging a delivery token did, and the consumer the token was issued to (None when unknown)."""

    outcome: AckOutcome
    consumer: str | None


@dataclass(frozen=True)
class EventRow:
    """A webhook event as stored: organisation, category, record, event type, when Xero says it happened (ms)."""

    tenant_id: str
    category: str
    resource_id: str
    event_type: str
    event_ms: int


ClaimState = Literal["claimed", "recorded", "busy"]


@dataclass(frozen=True)
class Claim:
    """The answer to claiming a natural key in the create-once ledger.

    - ``claimed``: the caller holds the key (`token`) until `until_ms`, and must `record` or `release` it.
      `recovered` says it took over a claim whose holder died (its lease ran out): that holder may have written the
      record already, so the caller looks it up in Xero before writing.
    - ``recorded``: the key is done; `xero_id` is the record created under it.
    - ``busy``: another caller holds a live claim until `until_ms`.
    """

    state: ClaimState
    token: str | None = None
    xero_id: str | None = None
    recorded_ms: int | None = None
    until_ms: int | None = None
    recovered: bool = False


def _greatest(column: str, value: str) -> str:
    # SQLite has no GREATEST() and PostgreSQL's max() is an aggregate only: a CASE is the same on both.
    return f"CASE WHEN {value} > {column} THEN {value} ELSE {column} END"


_SUBSCRIPTION = "owner = :o AND consumer = :c AND tenant_id = :t AND entity = :e"
_LEDGER_KEY = "owner = :o AND tenant_id = :t AND kind = :k AND natural_key = :n"


class Store:
    """Durable records for the hosted connector, on either engine. Every method is one transaction."""

    def __init__(self, engine: Engine, keys: KeyRing | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._key_ring = keys
        self._clock = clock

    @property
    def _keys(self) -> KeyRing:
        # A local store keeps no secrets (no clients, no Xero logins), so it is opened without keys.
        if self._key_ring is None:
            raise RuntimeError("this store was opened without encryption keys: it cannot hold sealed records")
        return self._key_ring

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect

    def now(self) -> int:
        """The store's clock, in whole seconds since the epoch."""
        return int(self._clock())

    def now_ms(self) -> int:
        """The store's clock, in milliseconds since the epoch (claim leases)."""
        return int(self._clock() * 1000)

    async def ping(self) -> None:
        """Raise when the database cannot be reached (readiness checks)."""
        async with self._engine.transaction() as conn:
            await conn.run("SELECT 1")

    async def close(self) -> None:
        """Release the database."""
        await self._engine.close()

    # ------------------------------------------------------------------------------------------------ clients
    async def save_client(self, client_id: str, info: bytes) -> None:
        """Register (or re-register) an MCP client. Its metadata is sealed: it may hold the client's secret."""
        sealed = self._keys.seal(info, f"oauth_clients:{client_id}")
        async with self._engine.transaction() as conn:
            await conn.run("DELETE FROM oauth_clients WHERE client_id = :id", {"id": client_id})
            await conn.run(
                "INSERT INTO oauth_clients (client_id, key_id, nonce, ciphertext, created_at) "
                "VALUES (:id, :kid, :nonce, :ct, :now)",
                {
                    "id": client_id,
                    "kid": sealed.key_id,
                    "nonce": sealed.nonce,
                    "ct": sealed.ciphertext,
                    "now": self.now(),
                },
            )

    async def get_client(self, client_id: str) -> ClientRecord | None:
        """A registered client, or None."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "SELECT key_id, nonce, ciphertext FROM oauth_clients WHERE client_id = :id", {"id": client_id}
            )
        if not rows:
            return None
        sealed = Sealed(rows[0][0], bytes(rows[0][1]), bytes(rows[0][2]))
        return ClientRecord(client_id, self._keys.open(sealed, f"oauth_clients:{client_id}"))

    # -------------------------------------------------------------------------------------------------- users
    async def upsert_user(self, xero_user_id: str, email: str, name: str) -> UserRecord:
        """The user Xero knows as `xero_user_id`, created on first sign-in; email and name follow Xero's latest."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(f"SELECT {_USER_COLUMNS} FROM users WHERE xero_user_id = :x", {"x": xero_user_id})  # noqa: S608 - constant column lists
            if rows:
                await conn.run(
                    "UPDATE users SET email = :email, name = :name WHERE xero_user_id = :x",
                    {"email": email, "name": name, "x": xero_user_id},
                )
                old = _user(rows[0])
                return UserRecord(old.user_id, old.xero_user_id, email, name, old.created_at, old.revoked_at)
            user = UserRecord(str(uuid.uuid4()), xero_user_id, email, name, self.now(), None)
            await conn.run(
                f"INSERT INTO users ({_USER_COLUMNS}) VALUES (:id, :x, :email, :name, :created, NULL)",  # noqa: S608 - constant column lists
                {"id": user.user_id, "x": xero_user_id, "email": email, "name": name, "created": user.created_at},
            )
            return user

    async def get_user(self, user_id: str) -> UserRecord | None:
        """A user by our id."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(f"SELECT {_USER_COLUMNS} FROM users WHERE user_id = :id", {"id": user_id})  # noqa: S608 - constant column lists
        return _user(rows[0]) if rows else None

    async def find_users(self, email: str) -> list[UserRecord]:
        """Users with this email (case-insensitive), oldest first."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"SELECT {_USER_COLUMNS} FROM users WHERE LOWER(email) = LOWER(:email) ORDER BY created_at",  # noqa: S608 - constant column lists
                {"email": email},
            )
        return [_user(row) for row in rows]

    async def list_users(self) -> list[UserRecord]:
        """Every user, oldest first."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(f"SELECT {_USER_COLUMNS} FROM users ORDER BY created_at, email")  # noqa: S608
        return [_user(row) for row in rows]

    async def revoke_user(self, user_id: str, reason: str = "user revoked") -> bool:
        """Stop a user at once: every grant revoked (so every token refused), codes and Xero login deleted."""
        now = self.now()
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "UPDATE users SET revoked_at = :now WHERE user_id = :id AND revoked_at IS NULL RETURNING user_id",
                {"now": now, "id": user_id},
            )
            await self._revoke_user_grants(conn, user_id, reason, now)
            await conn.run("DELETE FROM auth_codes WHERE user_id = :id", {"id": user_id})
            await conn.run("DELETE FROM xero_logins WHERE user_id = :id", {"id": user_id})
        return bool(rows)

    async def restore_user(self, user_id: str) -> bool:
        """Let a revoked user sign in again (their old grants stay revoked)."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "UPDATE users SET revoked_at = NULL WHERE user_id = :id AND revoked_at IS NOT NULL RETURNING user_id",
                {"id": user_id},
            )
        return bool(rows)

    # ------------------------------------------------------------------------------------- sign-ins in flight
    async def put_pending(self, state: str, payload: bytes, expires_at: int) -> None:
        """Keep a sign-in in flight (encrypted: it holds a PKCE verifier) under the hash of its `state`."""
        key = hash_secret(state)
        sealed = self._keys.seal(payload, f"pending_signins:{key}")
        async with self._engine.transaction() as conn:
            await conn.run("DELETE FROM pending_signins WHERE expires_at <= :now", {"now": self.now()})
            await conn.run(
                "INSERT INTO pending_signins (state_hash, key_id, nonce, ciphertext, expires_at) "
                "VALUES (:h, :kid, :nonce, :ct, :exp)",
                {"h": key, "kid": sealed.key_id, "nonce": sealed.nonce, "ct": sealed.ciphertext, "exp": expires_at},
            )

    async def peek_pending(self, state: str) -> bytes | None:
        """The sign-in for `state`, left in place; None if unknown or expired."""
        key = hash_secret(state)
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "SELECT key_id, nonce, ciphertext, expires_at FROM pending_signins WHERE state_hash = :h", {"h": key}
            )
        if not rows or int(rows[0][3]) <= self.now():
            return None
        return self._keys.open(Sealed(rows[0][0], bytes(rows[0][1]), bytes(rows[0][2])), f"pending_signins:{key}")

    async def take_pending(self, state: str) -> bytes | None:
        """The sign-in for `state`, removed as it is read (a state works once); None if unknown or expired."""
        key = hash_secret(state)
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "DELETE FROM pending_signins WHERE state_hash = :h RETURNING key_id, nonce, ciphertext, expires_at",
                {"h": key},
            )
        if not rows or int(rows[0][3]) <= self.now():
            return None
        return self._keys.open(Sealed(rows[0][0], bytes(rows[0][1]), bytes(rows[0][2])), f"pending_signins:{key}")

    # ------------------------------------------------------------------------------------ authorization codes
    async def put_code(self, code: AuthCodeRecord) -> None:
        """Keep an authorization code (by hash) until it is exchanged or expires."""
        async with self._engine.transaction() as conn:
            await conn.run("DELETE FROM auth_codes WHERE expires_at <= :now", {"now": self.now()})
            await conn.run(
                "INSERT INTO auth_codes (code_hash, client_id, user_id, redirect_uri, redirect_uri_explicit, "
                "code_challenge, scopes, resource, expires_at) VALUES (:h, :client, :user, :uri, :explicit, "
                ":challenge, :scopes, :resource, :exp)",
                {
                    "h": code.code_hash,
                    "client": code.client_id,
                    "user": code.user_id,
                    "uri": code.redirect_uri,
                    "explicit": 1 if code.redirect_uri_explicit else 0,
                    "challenge": code.code_challenge,
                    "scopes": " ".join(code.scopes),
                    "resource": code.resource,
                    "exp": code.expires_at,
                },
            )

    _CODE_COLUMNS = (
        "code_hash, client_id, user_id, redirect_uri, redirect_uri_explicit, code_challenge, scopes, resource, "
        "expires_at"
    )

    @staticmethod
    def _code(row: Row) -> AuthCodeRecord:
        return AuthCodeRecord(
            row[0], row[1], row[2], row[3], bool(row[4]), row[5], _scopes(row[6]), row[7], int(row[8])
        )

    async def get_code(self, code_hash: str) -> AuthCodeRecord | None:
        """A code not yet exchanged (expired ones included: the caller reports expiry)."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(f"SELECT {self._CODE_COLUMNS} FROM auth_codes WHERE code_hash = :h", {"h": code_hash})  # noqa: S608 - constant column lists
        return self._code(rows[0]) if rows else None

    async def take_code(self, code_hash: str) -> AuthCodeRecord | None:
        """Remove and return a code: of two concurrent exchanges exactly one gets it."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"DELETE FROM auth_codes WHERE code_hash = :h RETURNING {self._CODE_COLUMNS}",  # noqa: S608
                {"h": code_hash},
            )
        return self._code(rows[0]) if rows else None

    # ---------------------------------------------------------------------------------------- grants, tokens
    async def create_grant(
        self, user_id: str, client_id: str, resource: str, scopes: tuple[str, ...], tokens: list[tuple[str, str, int]]
    ) -> GrantRecord:
        """A new grant with its first tokens, given as (hash, kind, expires_at)."""
        grant = GrantRecord(str(uuid.uuid4()), user_id, client_id, resource, scopes, self.now())
        async with self._engine.transaction() as conn:
            await conn.run(
                "INSERT INTO grants (grant_id, user_id, client_id, resource, scopes, created_at) "
                "VALUES (:g, :u, :c, :r, :s, :t)",
                {
                    "g": grant.grant_id,
                    "u": user_id,
                    "c": client_id,
                    "r": resource,
                    "s": " ".join(scopes),
                    "t": grant.created_at,
                },
            )
            await self._add_tokens(conn, grant.grant_id, tokens)
        return grant

    @staticmethod
    async def _add_tokens(conn: Connection, grant_id: str, tokens: list[tuple[str, str, int]]) -> None:
        for token_hash, kind, expires_at in tokens:
            await conn.run(
                "INSERT INTO tokens (token_hash, kind, grant_id, expires_at) VALUES (:h, :k, :g, :e)",
                {"h": token_hash, "k": kind, "g": grant_id, "e": expires_at},
            )

    async def find_token(self, token_hash: str, kind: str) -> TokenRecord | None:
        """An access or refresh token by hash, with its grant and whether its user is active."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"SELECT t.token_hash, t.kind, t.expires_at, t.used_at, u.revoked_at, {_GRANT_COLUMNS} "  # noqa: S608 - constant column lists
                "FROM tokens t JOIN grants g ON g.grant_id = t.grant_id JOIN users u ON u.user_id = g.user_id "
                "WHERE t.token_hash = :h AND t.kind = :k",
                {"h": token_hash, "k": kind},
            )
        if not rows:
            return None
        row = rows[0]
        return TokenRecord(
            token_hash=row[0],
            kind=row[1],
            expires_at=int(row[2]),
            used_at=None if row[3] is None else int(row[3]),
            grant=_grant(row[5:]),
            user_active=row[4] is None,
        )

    async def use_refresh_token(self, token_hash: str, new_tokens: list[tuple[str, str, int]]) -> RefreshUse:
        """Spend a refresh token and add its successors to the same grant, atomically.

        A refresh token works once. Presenting it again means two parties hold it (OAuth 2.1 §4.3.1): the whole
        grant is revoked, so the thief and the rightful client both have to sign in again.
        """
        now = self.now()
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "SELECT t.grant_id, t.used_at, g.revoked_at, u.revoked_at FROM tokens t "
                "JOIN grants g ON g.grant_id = t.grant_id JOIN users u ON u.user_id = g.user_id "
                "WHERE t.token_hash = :h AND t.kind = 'refresh'",
                {"h": token_hash},
            )
            if not rows or rows[0][2] is not None or rows[0][3] is not None:
                return RefreshUse.UNKNOWN
            grant_id = str(rows[0][0])
            spent = await conn.run(
                "UPDATE tokens SET used_at = :now WHERE token_hash = :h AND used_at IS NULL RETURNING grant_id",
                {"now": now, "h": token_hash},
            )
            if not spent:
                await self._revoke_grant(conn, grant_id, "refresh token replayed", now)
                return RefreshUse.REPLAYED
            await self._add_tokens(conn, grant_id, new_tokens)
        return RefreshUse.USED

    async def revoke_grant(self, grant_id: str, reason: str) -> None:
        """Revoke a grant: every token it issued is refused from now on."""
        async with self._engine.transaction() as conn:
            await self._revoke_grant(conn, grant_id, reason, self.now())

    async def revoke_user_grants(self, user_id: str, reason: str) -> None:
        """Revoke every grant of a user (they sign in again to get new ones)."""
        async with self._engine.transaction() as conn:
            await self._revoke_user_grants(conn, user_id, reason, self.now())

    @staticmethod
    async def _revoke_grant(conn: Connection, grant_id: str, reason: str, now: int) -> None:
        await conn.run(
            "UPDATE grants SET revoked_at = :now, revoked_reason = :why WHERE grant_id = :g AND revoked_at IS NULL",
            {"now": now, "why": reason, "g": grant_id},
        )

    @staticmethod
    async def _revoke_user_grants(conn: Connection, user_id: str, reason: str, now: int) -> None:
        await conn.run(
            "UPDATE grants SET revoked_at = :now, revoked_reason = :why WHERE user_id = :u AND revoked_at IS NULL",
            {"now": now, "why": reason, "u": user_id},
        )

    async def get_grant(self, grant_id: str) -> GrantRecord | None:
        """A grant by id."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(f"SELECT {_GRANT_COLUMNS} FROM grants g WHERE g.grant_id = :g", {"g": grant_id})  # noqa: S608 - constant column lists
        return _grant(rows[0]) if rows else None

    async def purge_expired(self, keep_seconds: int = 86400) -> int:
        """Delete tokens that expired more than `keep_seconds` ago (a replayed refresh token is recognised until
        then); the number deleted."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "DELETE FROM tokens WHERE expires_at <= :cutoff RETURNING token_hash",
                {"cutoff": self.now() - keep_seconds},
            )
        return len(rows)

    # -------------------------------------------------------------------------------------------- Xero logins
    @staticmethod
    def _login_context(user_id: str) -> str:
        return f"xero_logins:{user_id}"

    async def save_xero_login(self, user_id: str, payload: bytes) -> int:
        """Store a user's Xero login (encrypted under the current key); its new version number."""
        sealed = self._keys.seal(payload, self._login_context(user_id))
        async with self._engine.transaction() as conn:
            rows = await conn.run("SELECT version FROM xero_logins WHERE user_id = :u", {"u": user_id})
            version = int(rows[0][0]) + 1 if rows else 1
            params: dict[str, Any] = {
                "u": user_id,
                "kid": sealed.key_id,
                "nonce": sealed.nonce,
                "ct": sealed.ciphertext,
                "v": version,
                "t": self.now(),
            }
            if rows:
                await conn.run(
                    "UPDATE xero_logins SET key_id = :kid, nonce = :nonce, ciphertext = :ct, version = :v, "
                    "updated_at = :t WHERE user_id = :u",
                    params,
                )
            else:
                await conn.run(
                    "INSERT INTO xero_logins (user_id, key_id, nonce, ciphertext, version, updated_at) "
                    "VALUES (:u, :kid, :nonce, :ct, :v, :t)",
                    params,
                )
        return version

    async def load_xero_login(self, user_id: str) -> tuple[bytes, int] | None:
        """A user's Xero login, decrypted, and its version; None when there is none."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "SELECT key_id, nonce, ciphertext, version FROM xero_logins WHERE user_id = :u", {"u": user_id}
            )
        if not rows:
            return None
        sealed = Sealed(rows[0][0], bytes(rows[0][1]), bytes(rows[0][2]))
        return self._keys.open(sealed, self._login_context(user_id)), int(rows[0][3])

    async def delete_xero_login(self, user_id: str) -> None:
        """Forget a user's Xero login."""
        async with self._engine.transaction() as conn:
            await conn.run("DELETE FROM xero_logins WHERE user_id = :u", {"u": user_id})

    async def reencrypt(self) -> int:
        """Re-seal every Xero login and client record not under the current key (key rotation); how many."""
        current = self._keys.current_id
        count = 0
        async with self._engine.transaction() as conn:
            for table, owner, prefix in (
                ("xero_logins", "user_id", "xero_logins"),
                ("oauth_clients", "client_id", "oauth_clients"),
            ):
                rows = await conn.run(
                    f"SELECT {owner}, key_id, nonce, ciphertext FROM {table} WHERE key_id <> :kid",  # noqa: S608
                    {"kid": current},
                )
                for ident, key_id, nonce, ciphertext in rows:
                    context = f"{prefix}:{ident}"
                    plain = self._keys.open(Sealed(key_id, bytes(nonce), bytes(ciphertext)), context)
                    sealed = self._keys.seal(plain, context)
                    await conn.run(
                        f"UPDATE {table} SET key_id = :kid, nonce = :nonce, ciphertext = :ct WHERE {owner} = :id",  # noqa: S608
                        {"kid": sealed.key_id, "nonce": sealed.nonce, "ct": sealed.ciphertext, "id": ident},
                    )
                count += len(rows)
        return count

    # ------------------------------------------------------------------------------------------ trigger cursors
    # A subscription is (owner, consumer, organisation, entity): each consumer of each owner has its own cursor, so no
    # acknowledgement ever moves another consumer's. The poll algorithm is `xero_mcp.sync.cursors`; these methods
    # are its storage, each one transaction.

    async def subscription(self, owner: str, consumer: str, tenant_id: str, entity: str) -> SubscriptionRow | None:
        """A subscription's committed state, or None before its first poll."""
        params = {"o": owner, "c": consumer, "t": tenant_id, "e": entity}
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"SELECT floor_ms, cursor_ms, event_seq, acked_ms FROM sync_subscriptions WHERE {_SUBSCRIPTION}",  # noqa: S608 - constant clause
                params,
            )
            if not rows:
                return None
            count = await conn.run(f"SELECT count(*) FROM sync_seen WHERE {_SUBSCRIPTION}", params)  # noqa: S608
        floor_ms, cursor_ms, event_seq, acked_ms = rows[0]
        return SubscriptionRow(
            int(floor_ms), int(cursor_ms), int(event_seq), None if acked_ms is None else int(acked_ms), int(count[0][0])
        )

    async def acknowledge_delivery(
        self, owner: str, token: str, tenant_id: str, entity: str, consumer: str | None, now_ms: int
    ) -> Acknowledgement:
        """Commit the delivery issued with `token`: its records count as seen and the cursor moves up to its own.

        Committing is a merge (per-record maximum, cursor maximum), so late, repeated or out-of-order
        acknowledgements are safe; exactly one of two concurrent acknowledgements of one token commits it. A token
        of another owner is unknown here; one issued for another organisation, entity or (when `consumer` is given)
        consumer is a mismatch, and nothing is committed.
        """
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "SELECT seq, consumer, tenant_id, entity, cursor_ms, event_seq FROM sync_deliveries "
                "WHERE owner = :o AND token = :token",
                {"o": owner, "token": token},
            )
            if not rows:
                return Acknowledgement("unknown", None)
            seq, issued_to, issued_tenant, issued_entity, cursor_ms, event_seq = rows[0]
            if (issued_tenant, issued_entity) != (tenant_id, entity) or consumer not in (None, issued_to):
                return Acknowledgement("mismatch", issued_to)
            gate = await conn.run(
                "UPDATE sync_deliveries SET acked_ms = :now WHERE seq = :seq AND acked_ms IS NULL RETURNING seq",
                {"now": now_ms, "seq": seq},
            )
            if not gate:
                return Acknowledgement("already_committed", issued_to)
            params = {"o": owner, "c": issued_to, "t": tenant_id, "e": entity}
            moved = await conn.run(
                f"UPDATE sync_subscriptions SET cursor_ms = {_greatest('cursor_ms', ':cursor')}, "  # noqa: S608
                f"event_seq = {_greatest('event_seq', ':events')}, acked_ms = :now "
                f"WHERE {_SUBSCRIPTION} RETURNING owner",
                {**params, "cursor": cursor_ms, "events": event_seq, "now": now_ms},
            )
            if not moved:
                # The subscription was reset after this poll: its delivery belongs to nothing any more.
                await conn.run("DELETE FROM sync_deliveries WHERE seq = :seq", {"seq": seq})
                return Acknowledgement("unknown", issued_to)
            await conn.run(
                "INSERT INTO sync_seen (owner, consumer, tenant_id, entity, record_id, updated_ms) "  # noqa: S608
                "SELECT :o, :c, :t, :e, record_id, updated_ms FROM sync_delivery_items WHERE delivery_seq = :seq "
                "AND true ON CONFLICT (owner, consumer, tenant_id, entity, record_id) DO UPDATE SET updated_ms = "
                + _greatest("sync_seen.updated_ms", "excluded.updated_ms"),
                {**params, "seq": seq},
            )
            await conn.run("DELETE FROM sync_delivery_items WHERE delivery_seq = :seq", {"seq": seq})
        return Acknowledgement("committed", issued_to)

    async def seen_versions(
        self, owner: str, consumer: str, tenant_id: str, entity: str, record_ids: Sequence[bytes]
    ) -> dict[bytes, int]:
        """The last delivered (and acknowledged) UpdatedDateUTC, in ms, of each of these records this consumer saw."""
        found: dict[bytes, int] = {}
        async with self._engine.transaction() as conn:
            for start in range(0, len(record_ids), 500):
                chunk = record_ids[start : start + 500]
                names = {f"r{i}": record_id for i, record_id in enumerate(chunk)}
                marks = ", ".join(f":{name}" for name in names)
                rows = await conn.run(
                    f"SELECT record_id, updated_ms FROM sync_seen WHERE {_SUBSCRIPTION} AND record_id IN ({marks})",  # noqa: S608 - only placeholders
                    {"o": owner, "c": consumer, "t": tenant_id, "e": entity, **names},
                )
                found.update((bytes(record_id), int(updated_ms)) for record_id, updated_ms in rows)
        return found

    async def issue_delivery(
        self,
        owner: str,
        consumer: str,
        tenant_id: str,
        entity: str,
        *,
        token: str,
        now_ms: int,
        cursor_ms: int,
        event_seq: int,
        items: Sequence[tuple[bytes, int]],
        start: SubscriptionStart | None = None,
        keep: int = 16,
    ) -> None:
        """Store a pending delivery (what a poll returned under `token`), starting the subscription if `start` says
        so; only the newest `keep` deliveries of the subscription are remembered."""
        params = {"o": owner, "c": consumer, "t": tenant_id, "e": entity}
        baseline = start is not None and start.baseline
        async with self._engine.transaction() as conn:
            if start is not None:
                await conn.run(
                    "INSERT INTO sync_subscriptions "
                    "(owner, consumer, tenant_id, entity, floor_ms, cursor_ms, event_seq, created_ms, acked_ms) "
                    "VALUES (:o, :c, :t, :e, :floor, :cursor, :events, :now, :acked) "
                    "ON CONFLICT (owner, consumer, tenant_id, entity) DO NOTHING",
                    {
                        **params,
                        "floor": start.floor_ms,
                        "cursor": cursor_ms if baseline else start.floor_ms,
                        "events": event_seq if baseline else start.event_seq,
                        "now": now_ms,
                        "acked": now_ms if baseline else None,
                    },
                )
            if baseline:
                await conn.many(
                    "INSERT INTO sync_seen (owner, consumer, tenant_id, entity, record_id, updated_ms) "
                    "VALUES (:o, :c, :t, :e, :r, :u) "
                    "ON CONFLICT (owner, consumer, tenant_id, entity, record_id) DO UPDATE SET updated_ms = "
                    + _greatest("sync_seen.updated_ms", "excluded.updated_ms"),
                    [{**params, "r": record_id, "u": updated_ms} for record_id, updated_ms in items],
                )
            rows = await conn.run(
                "INSERT INTO sync_deliveries "
                "(token, owner, consumer, tenant_id, entity, cursor_ms, event_seq, issued_ms, acked_ms) "
                "VALUES (:token, :o, :c, :t, :e, :cursor, :events, :now, :acked) RETURNING seq",
                {
                    **params,
                    "token": token,
                    "cursor": cursor_ms,
                    "events": event_seq,
                    "now": now_ms,
                    "acked": now_ms if baseline else None,
                },
            )
            if not baseline:
                await conn.many(
                    "INSERT INTO sync_delivery_items (delivery_seq, record_id, updated_ms) VALUES (:seq, :r, :u)",
                    [{"seq": rows[0][0], "r": record_id, "u": updated_ms} for record_id, updated_ms in items],
                )
            await conn.run(
                f"DELETE FROM sync_deliveries WHERE {_SUBSCRIPTION} AND seq NOT IN "  # noqa: S608 - constant clause
                f"(SELECT seq FROM sync_deliveries WHERE {_SUBSCRIPTION} ORDER BY seq DESC LIMIT :keep)",
                {**params, "keep": keep},
            )

    async def reset_subscription(self, owner: str, consumer: str, tenant_id: str, entity: str) -> bool:
        """Forget a subscription entirely (its next poll starts a new one). True when there was one."""
        params = {"o": owner, "c": consumer, "t": tenant_id, "e": entity}
        async with self._engine.transaction() as conn:
            existed = await conn.run(f"DELETE FROM sync_subscriptions WHERE {_SUBSCRIPTION} RETURNING owner", params)  # noqa: S608
            await conn.run(f"DELETE FROM sync_seen WHERE {_SUBSCRIPTION}", params)  # noqa: S608
            await conn.run(f"DELETE FROM sync_deliveries WHERE {_SUBSCRIPTION}", params)  # noqa: S608
        return bool(existed)

    async def record_events(self, owner: str, events: Sequence[EventRow], now_ms: int, keep_ms: int) -> int:
        """Keep webhook events for the owner's next polls (each once, however often Xero resends it), dropping the
        owner's events received more than `keep_ms` ago; how many were new."""
        added = 0
        async with self._engine.transaction() as conn:
            await conn.run(
                "DELETE FROM sync_events WHERE owner = :o AND received_ms < :cutoff",
                {"o": owner, "cutoff": now_ms - keep_ms},
            )
            for event in events:
                rows = await conn.run(
                    "INSERT INTO sync_events "
                    "(owner, tenant_id, category, resource_id, event_type, event_ms, received_ms) "
                    "VALUES (:o, :t, :cat, :r, :type, :at, :now) "
                    "ON CONFLICT (owner, tenant_id, category, resource_id, event_type, event_ms) DO NOTHING "
                    "RETURNING seq",
                    {
                        "o": owner,
                        "t": event.tenant_id,
                        "cat": event.category,
                        "r": event.resource_id,
                        "type": event.event_type,
                        "at": event.event_ms,
                        "now": now_ms,
                    },
                )
                added += len(rows)
        return added

    async def last_event_seq(self, owner: str) -> int:
        """The newest event sequence number of the owner's (0 for none): where a new subscription starts reading."""
        async with self._engine.transaction() as conn:
            rows = await conn.run("SELECT coalesce(max(seq), 0) FROM sync_events WHERE owner = :o", {"o": owner})
        return int(rows[0][0])

    async def events_after(self, owner: str, tenant_id: str, category: str, after: int) -> list[tuple[int, str, str]]:
        """(sequence, record ID, event type) of the owner's events for this organisation and category after `after`."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                "SELECT seq, resource_id, event_type FROM sync_events "
                "WHERE owner = :o AND tenant_id = :t AND category = :cat AND seq > :after ORDER BY seq",
                {"o": owner, "t": tenant_id, "cat": category, "after": after},
            )
        return [(int(seq), str(resource_id), str(event_type)) for seq, resource_id, event_type in rows]

    # ------------------------------------------------------------------------------------ the create-once ledger
    # (owner, organisation, record kind, natural key) -> the Xero record created, or a claim on the key while a
    # create is under way. The unique key does the claiming: of two replicas inserting it, one wins.

    async def claim_key(
        self,
        owner: str,
        tenant_id: str,
        kind: str,
        natural_key: str,
        *,
        lease_ms: int,
        replacing: str | None = None,
    ) -> Claim:
        """Claim a natural key before creating its record (see `Claim`). One attempt, never waits.

        `replacing` takes over a key recorded with that Xero ID (the record is gone from Xero, so it is made again).
        A claim whose lease ran out is taken over and marked `recovered`.
        """
        now = self.now_ms()
        token = uuid.uuid4().hex
        params = {"o": owner, "t": tenant_id, "k": kind, "n": natural_key, "tok": token, "until": now + lease_ms}
        async with self._engine.transaction() as conn:
            won = await conn.run(
                "INSERT INTO ledger (owner, tenant_id, kind, natural_key, xero_id, recorded_ms, claim_token, "
                "claimed_until) VALUES (:o, :t, :k, :n, NULL, :now, :tok, :until) "
                "ON CONFLICT (owner, tenant_id, kind, natural_key) DO NOTHING RETURNING claim_token",
                {**params, "now": now},
            )
            if won:
                return Claim("claimed", token=token, until_ms=now + lease_ms)
            rows = await conn.run(
                f"SELECT xero_id, recorded_ms, claim_token, claimed_until FROM ledger WHERE {_LEDGER_KEY}",  # noqa: S608
                params,
            )
            if not rows:
                return Claim("busy", until_ms=now)  # released between the two statements: try again at once
            xero_id, recorded_ms, holder, until = rows[0]
            if xero_id is not None:
                if replacing is None or xero_id != replacing:
                    return Claim("recorded", xero_id=str(xero_id), recorded_ms=int(recorded_ms))
                taken = await conn.run(
                    "UPDATE ledger SET xero_id = NULL, claim_token = :tok, claimed_until = :until "  # noqa: S608
                    f"WHERE {_LEDGER_KEY} AND xero_id = :old RETURNING claim_token",
                    {**params, "old": replacing},
                )
                return Claim("claimed", token=token, until_ms=now + lease_ms) if taken else Claim("busy", until_ms=now)
            if until is not None and int(until) > now:
                return Claim("busy", until_ms=int(until))
            taken = await conn.run(
                "UPDATE ledger SET claim_token = :tok, claimed_until = :until "  # noqa: S608
                f"WHERE {_LEDGER_KEY} AND xero_id IS NULL AND claim_token = :old RETURNING claim_token",
                {**params, "old": holder},
            )
        if taken:
            return Claim("claimed", token=token, until_ms=now + lease_ms, recovered=True)
        return Claim("busy", until_ms=now)

    async def record_key(
        self, owner: str, tenant_id: str, kind: str, natural_key: str, xero_id: str, recorded_ms: int
    ) -> None:
        """Record the Xero record created (or found) under a key, ending any claim on it."""
        async with self._engine.transaction() as conn:
            await conn.run(
                "INSERT INTO ledger (owner, tenant_id, kind, natural_key, xero_id, recorded_ms, claim_token, "
                "claimed_until) VALUES (:o, :t, :k, :n, :x, :at, NULL, NULL) "
                "ON CONFLICT (owner, tenant_id, kind, natural_key) DO UPDATE SET xero_id = excluded.xero_id, "
                "recorded_ms = excluded.recorded_ms, claim_token = NULL, claimed_until = NULL",
                {"o": owner, "t": tenant_id, "k": kind, "n": natural_key, "x": xero_id, "at": recorded_ms},
            )

    async def renew_key(
        self, owner: str, tenant_id: str, kind: str, natural_key: str, token: str, lease_ms: int
    ) -> bool:
        """Extend a live claim by `lease_ms` from now; False when it is no longer the caller's (taken over or ended)."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"UPDATE ledger SET claimed_until = :until WHERE {_LEDGER_KEY} "  # noqa: S608 - constant clause
                "AND xero_id IS NULL AND claim_token = :tok RETURNING claim_token",
                {
                    "o": owner,
                    "t": tenant_id,
                    "k": kind,
                    "n": natural_key,
                    "tok": token,
                    "until": self.now_ms() + lease_ms,
                },
            )
        return bool(rows)

    async def release_key(self, owner: str, tenant_id: str, kind: str, natural_key: str, token: str) -> bool:
        """Give up a claim that created nothing (the write failed); True when the claim was still the caller's."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"DELETE FROM ledger WHERE {_LEDGER_KEY} AND xero_id IS NULL AND claim_token = :tok "  # noqa: S608
                "RETURNING claim_token",
                {"o": owner, "t": tenant_id, "k": kind, "n": natural_key, "tok": token},
            )
        return bool(rows)

    async def recorded_key(self, owner: str, tenant_id: str, kind: str, natural_key: str) -> tuple[str, int] | None:
        """The Xero ID and time (ms) recorded under a key, or None (nothing recorded, or only a claim)."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"SELECT xero_id, recorded_ms FROM ledger WHERE {_LEDGER_KEY} AND xero_id IS NOT NULL",  # noqa: S608
                {"o": owner, "t": tenant_id, "k": kind, "n": natural_key},
            )
        return (str(rows[0][0]), int(rows[0][1])) if rows else None

    async def forget_key(self, owner: str, tenant_id: str, kind: str, natural_key: str) -> bool:
        """Drop a recorded key (its record is gone from Xero); True when there was one. Claims are left alone."""
        async with self._engine.transaction() as conn:
            rows = await conn.run(
                f"DELETE FROM ledger WHERE {_LEDGER_KEY} AND xero_id IS NOT NULL RETURNING owner",  # noqa: S608
                {"o": owner, "t": tenant_id, "k": kind, "n": natural_key},
            )
        return bool(rows)

    async def import_legacy_ledger(self, path: Path) -> int:
        """Copy the ledger of a pre-store sync database (sync.sqlite3) as local records; how many."""
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = source.execute(
                "SELECT tenant_id, kind, natural_key, xero_id, recorded_ms FROM created_records"
            ).fetchall()
        except sqlite3.OperationalError:
            return 0  # no ledger table: nothing was ever created through it
        finally:
            source.close()
        for tenant_id, kind, natural_key, xero_id, recorded_ms in rows:
            await self.record_key(LOCAL_OWNER, tenant_id, kind, natural_key, xero_id, int(recorded_ms))
        return len(rows)


async def open_store(url: str, keys: KeyRing | None = None, *, clock: Callable[[], float] = time.time) -> Store:
    """Open the database `url` names, bring its schema up to date, and return the store over it."""
    engine = await open_engine(url)
    try:
        await migrate(engine, int(clock()))
    except BaseException:
        await engine.close()
        raise
    return Store(engine, keys, clock=clock)


LOCAL_DB_NAME = "state.sqlite3"
LEGACY_SYNC_DB_NAME = "sync.sqlite3"


async def open_local_store(state_dir: Path | str, *, clock: Callable[[], float] = time.time) -> Store:
    """The store of a local server: SQLite in the state dir (XERO_MCP_STATE_DIR), without encryption keys.

    On its first opening, the create-once ledger of the older sync database (sync.sqlite3) is carried over, so
    records created before the upgrade are still recognised; trigger subscriptions start again (see CHANGELOG).
    """
    path = Path(state_dir) / LOCAL_DB_NAME
    fresh = not path.exists()
    store = await open_store(f"sqlite:///{path}", clock=clock)
    legacy = Path(state_dir) / LEGACY_SYNC_DB_NAME
    if fresh and legacy.exists():
        try:
            await store.import_legacy_ledger(legacy)
        except BaseException:
            await store.close()
            raise
    return store
