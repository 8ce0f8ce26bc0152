"""The tool catalogue: every tool's card (`ToolCard`, what `tools/list` publishes), kept between starts so that
start-up imports no tool module.

Making the cards imports every tool module (and with them the client's models, the store and rapidfuzz) and has
pydantic build each tool's arguments model and schema: about 150 ms on a 2-core machine, three times the rest of
xero-mcp's start-up. Cards depend only on the installed code, so the first start writes them all to
`$XDG_CACHE_HOME/xero-mcp/tools-<fingerprint>.json` (`~/.cache` when the variable is unset) and later starts read
them back in a few milliseconds; a tool's module is imported, and its arguments model built, on its first call.

The fingerprint covers every source file of the package (path, size, modification time), the Python and pydantic
versions, the installed mcp SDK and this file's format, so an upgrade or an edit makes a new catalogue. Another
version's catalogue is removed once it has not been written for 30 days, so two installations used side by side (a
desktop bundle and a clone, say) each keep theirs. A catalogue that cannot be read or written only makes a slower
start: the cards are then made from the tool modules, as on a first start. Nothing in it runs: it holds data, and a
card names only a module of `xero_mcp.tools` to import.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

import mcp
import pydantic

from xero_mcp.tools._inventory import all_tools
from xero_mcp.tools._register import describe
from xero_mcp.tools._spec import ToolCard

logger = logging.getLogger(__name__)

FORMAT = 1
"""The catalogue file's format; part of the fingerprint, so a change of format never reads an old file."""

UNUSED_FOR = 30 * 24 * 3600
"""Seconds after which another version's catalogue is taken to belong to an installation that is gone."""

_PACKAGE = Path(__file__).resolve().parent.parent
_FIELDS = tuple(field.name for field in dataclasses.fields(ToolCard))
_MODULES = "xero_mcp.tools."


def fingerprint() -> str:
    """A digest of everything a card depends on: the package's source files and the versions that build schemas."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{pydantic.VERSION}\0".encode())
    sdk = Path(mcp.__file__).stat()
    digest.update(f"mcp\0{sdk.st_size}\0{sdk.st_mtime_ns}\0".encode())
    _add_sources(digest, _PACKAGE, "")
    return digest.hexdigest()[:32]


def _add_sources(digest: Any, folder: Path, prefix: str) -> None:
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda entry: entry.name):
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                _add_sources(digest, Path(entry.path), f"{prefix}{entry.name}/")
            elif entry.name.endswith(".py"):
                stat = entry.stat()
                digest.update(f"{prefix}{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())


def catalogue_path() -> Path | None:
    """Where this installation's catalogue lives, or None when there is no home folder to keep it in or the package's
    sources cannot be listed (a package loaded from an archive, say): then every start makes the cards."""
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        folder = Path(base) if base else Path.home() / ".cache"
        return folder / "xero-mcp" / f"tools-{fingerprint()}.json"
    except RuntimeError:  # no home folder (Path.home() cannot tell)
        return None
    except OSError as exc:
        logger.info("the tool catalogue is not used: the package's sources cannot be listed (%s)", exc)
        return None


def load_catalogue(path: Path | None) -> tuple[ToolCard, ...]:
    """Every tool's card: read from `path` when it holds them, else made from the tool modules and written there."""
    cards = _read(path) if path is not None else None
    if cards is None:
        cards = tuple(describe(spec) for spec in all_tools())
        if path is not None:
            _write(path, cards)
    return cards


@functools.cache
def tool_cards() -> tuple[ToolCard, ...]:
    """Every tool's card, from this installation's catalogue (read once a process)."""
    return load_catalogue(catalogue_path())


def _read(path: Path) -> tuple[ToolCard, ...] | None:
    try:
        entries = json.loads(path.read_bytes())
        return tuple(_card(entry) for entry in entries)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        logger.info("the tool catalogue %s cannot be read (%s); making it again", path, exc)
        return None


def _card(entry: Any) -> ToolCard:
    if not isinstance(entry, dict) or tuple(cast("dict[str, Any]", entry)) != _FIELDS:
        raise ValueError("an entry does not have a card's fields")
    fields = cast("dict[str, Any]", entry)
    module, schema = fields["module"], fields["input_schema"]
    if not isinstance(module, str) or not module.startswith(_MODULES):
        raise ValueError(f"the card of {fields['name']!r} names a module outside {_MODULES}")
    if not isinstance(schema, dict) or not isinstance(cast("dict[str, Any]", schema).get("properties"), dict):
        raise ValueError(f"the card of {fields['name']!r} has no input schema")
    return ToolCard(**fields)


def _write(path: Path, cards: tuple[ToolCard, ...]) -> None:
    """Write the catalogue whole or not at all (a reader never sees half a file), then drop other versions' that have
    not been written for `UNUSED_FOR` seconds."""
    data = json.dumps([{name: getattr(card, name) for name in _FIELDS} for card in cards], separators=(",", ":"))
    partial: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tools-", delete=False) as out:
            partial = out.name
            out.write(data.encode())
        os.replace(partial, path)
        partial = None
        written = path.stat().st_mtime
        for old in path.parent.glob("tools-*.json"):
            if old != path and written - old.stat().st_mtime > UNUSED_FOR:
                old.unlink(missing_ok=True)
    except OSError as exc:
        logger.info("the tool catalogue cannot be written to %s (%s); the next start makes it again", path, exc)
    finally:
        if partial is not None:
            Path(partial).unlink(missing_ok=True)
