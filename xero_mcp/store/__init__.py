"""The store: one async interface over SQLite (embedded default) or PostgreSQL (hosted) for durable state.

It keeps the hosted connector's records: users, the MCP clients registered with xero-mcp's authorization server,
sign-ins in flight, authorization codes, grants, access and refresh tokens (only their SHA-256 hashes), and each
user's Xero login (encrypted, see `xero_mcp.store.crypto`). Storage only: no OAuth rules beyond what must be atomic
(a code is taken once, a refresh token is used once), no Xero calls.

`open_store(url, keys)` opens the database a ``sqlite:///path`` or ``postgresql://`` URL names and brings its schema
up to date (versioned migrations, see `xero_mcp.store.migrations`).
"""

from xero_mcp.store.crypto import EncryptionKeyError, KeyRing, generate_key
from xero_mcp.store.engines import StoreConfigError
from xero_mcp.store.store import (
    AuthCodeRecord,
    ClientRecord,
    GrantRecord,
    RefreshUse,
    Store,
    TokenRecord,
    UserRecord,
    hash_secret,
    open_store,
)

__all__ = [
    "AuthCodeRecord",
    "ClientRecord",
    "EncryptionKeyError",
    "GrantRecord",
    "KeyRing",
    "RefreshUse",
    "Store",
    "StoreConfigError",
    "TokenRecord",
    "UserRecord",
    "generate_key",
    "hash_secret",
    "open_store",
]
