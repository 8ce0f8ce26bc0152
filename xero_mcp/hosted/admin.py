"""`xero-mcp hosted ...`: the operator's commands for hosted mode, run against the same database and key.

- ``users``: who has signed in, and who is revoked;
- ``revoke EMAIL``: stop a person at once (every token refused, their Xero login deleted);
- ``restore EMAIL``: let a revoked person sign in again;
- ``reencrypt``: re-seal stored records under the first key of XERO_MCP_ENCRYPTION_KEY (after a key rotation).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from xero_mcp.config import Settings
from xero_mcp.store import EncryptionKeyError, KeyRing, Store, StoreConfigError, open_store


def _say(line: str) -> None:
    print(line, file=sys.stdout)


async def _run(settings: Settings, action: str, email: str | None) -> int:
    if settings.encryption_key is None:
        print("xero-mcp: XERO_MCP_ENCRYPTION_KEY is not set.", file=sys.stderr)
        return 2
    url = settings.database_url or f"sqlite:///{settings.state_dir / 'hosted.sqlite3'}"
    store = await open_store(url, KeyRing.parse(settings.encryption_key.get_secret_value()))
    try:
        return await _act(store, action, email)
    finally:
        await store.close()


async def _act(store: Store, action: str, email: str | None) -> int:
    if action == "users":
        for user in await store.list_users():
            since = datetime.fromtimestamp(user.created_at, UTC).date().isoformat()
            state = "active" if user.active else "revoked"
            _say(f"{user.email}\t{user.name}\t{state}\tsince {since}")
        return 0
    if action == "reencrypt":
        _say(f"re-encrypted {await store.reencrypt()} record(s)")
        return 0
    users = await store.find_users(email or "")
    if not users:
        print(f"xero-mcp: nobody with the email {email!r} has signed in.", file=sys.stderr)
        return 1
    for user in users:
        if action == "revoke":
            await store.revoke_user(user.user_id)
        else:
            await store.restore_user(user.user_id)
    _say(f"{action}d {len(users)} user(s) with the email {email}")
    return 0


def run_admin(settings: Settings, action: str, email: str | None = None) -> int:
    """Run one operator command; the exit code."""
    try:
        return asyncio.run(_run(settings, action, email))
    except (EncryptionKeyError, StoreConfigError) as exc:
        print(f"xero-mcp: {exc}", file=sys.stderr)
        return 2
