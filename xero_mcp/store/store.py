"""The store's one interface (`Store`), the same on SQLite and PostgreSQL (see the package docstring)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

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


class Store:
    """Durable records for the hosted connector, on either engine. Every method is one transaction."""

    def __init__(self, engine: Engine, keys: KeyRing, *, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._keys = keys
        self._clock = clock

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect

    def now(self) -> int:
        """The store's clock, in whole seconds since the epoch."""
        return int(self._clock())

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


async def open_store(url: str, keys: KeyRing, *, clock: Callable[[], float] = time.time) -> Store:
    """Open the database `url` names, bring its schema up to date, and return the store over it."""
    engine = await open_engine(url)
    try:
        await migrate(engine, int(clock()))
    except BaseException:
        await engine.close()
        raise
    return Store(engine, keys, clock=clock)
