"""Files that hold the user's state are the user's alone: the state directory 0700, its files 0600.

The state directory holds the trigger cursors, the duplicate ledger and (without a keyring) the encrypted login,
all of which say what is in the user's books. Modes are forced on every open, not only on creation, so a directory
or database left readable by an older version or a loose umask is closed up the next time it is used. On Windows
`chmod` cannot express these modes; there the user profile's ACLs are what protect the state.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make `path` itself readable by its owner only (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty if it is missing, without a moment of wider access, and force its mode to 0600."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    os.close(descriptor)
    path.chmod(0o600)
    return path


def private_sqlite(path: Path) -> Path:
    """Prepare a SQLite database file: its directory 0700, the file and any WAL/SHM/journal beside it 0600.

    SQLite gives the WAL and shared-memory files it creates the database file's own mode, so a 0600 database keeps
    them private too; ones left over from before are forced here.
    """
    private_dir(path.parent)
    private_file(path)
    for suffix in _SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            side.chmod(0o600)
    return path
