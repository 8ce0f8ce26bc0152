"""The tool catalogue (xero_mcp.tools._catalogue): written once, read back whole, never trusted when it is damaged or
belongs to other code, and never a reason for a start to fail."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from xero_mcp.tools import _catalogue
from xero_mcp.tools._catalogue import catalogue_path, fingerprint, load_catalogue
from xero_mcp.tools._inventory import all_tools
from xero_mcp.tools._register import describe


def _entries(path: Path) -> list[dict[str, object]]:
    return json.loads(path.read_text())


def test_the_first_load_writes_every_card_and_the_next_reads_the_same_cards(tmp_path: Path) -> None:
    path = tmp_path / "xero-mcp" / "tools-new.json"
    (tmp_path / "xero-mcp").mkdir()
    gone, recent = tmp_path / "xero-mcp" / "tools-gone.json", tmp_path / "xero-mcp" / "tools-other.json"
    for other in (gone, recent):
        other.write_text("[]")
    month_ago = time.time() - _catalogue.UNUSED_FOR - 60
    os.utime(gone, (month_ago, month_ago))
    made = load_catalogue(path)
    assert [card.name for card in made] == [spec.name for spec in all_tools()]
    assert made == tuple(describe(spec) for spec in all_tools())
    # Another version's catalogue stays while that version is in use, and goes once it has not been for a month.
    assert path.is_file() and recent.is_file() and not gone.exists()
    assert not list(path.parent.glob(".tools-*"))  # no partial file left behind
    assert load_catalogue(path) == made
    # What is read back is what is used: a card's description comes from the file.
    entries = _entries(path)
    entries[0]["description"] = "Read from the catalogue."
    path.write_text(json.dumps(entries))
    assert load_catalogue(path)[0].description == "Read from the catalogue."


def test_a_card_finds_its_tool_by_importing_its_module() -> None:
    for card in load_catalogue(None):
        spec = card.spec()
        assert spec.name == card.name and spec.handler.__module__ == card.module


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda entries: "{not json", id="not-json"),
        pytest.param(lambda entries: json.dumps({"tools": entries}), id="not-a-list"),
        pytest.param(lambda entries: json.dumps([{**entries[0], "extra": 1}, *entries[1:]]), id="unknown-field"),
        pytest.param(lambda entries: json.dumps([{**entries[0], "module": "os"}, *entries[1:]]), id="foreign-module"),
        pytest.param(lambda entries: json.dumps([{**entries[0], "input_schema": []}, *entries[1:]]), id="no-schema"),
    ],
)
def test_a_damaged_or_foreign_catalogue_is_made_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Callable[[list[dict[str, object]]], str]
) -> None:
    path = tmp_path / "tools-x.json"
    made = load_catalogue(path)
    path.write_text(damage(_entries(path)))
    with caplog.at_level(logging.INFO, logger="xero_mcp.tools._catalogue"):
        assert load_catalogue(path) == made
    assert "cannot be read" in caplog.text
    assert load_catalogue(path) == made and _entries(path)[0]["module"] == made[0].module  # written whole again


def test_a_catalogue_that_cannot_be_written_only_slows_the_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    path = blocked / "xero-mcp" / "tools-x.json"  # its folder cannot be made: a file stands in the way
    with caplog.at_level(logging.INFO, logger="xero_mcp.tools._catalogue"):
        cards = load_catalogue(path)
    assert [card.name for card in cards] == [spec.name for spec in all_tools()]
    assert "cannot be written" in caplog.text
    assert list(tmp_path.iterdir()) == [blocked]


def test_the_fingerprint_follows_every_source_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "xero_mcp"
    (package / "tools").mkdir(parents=True)
    (package / "tools" / "contacts.py").write_text("A = 1\n")
    (package / "__init__.py").write_text("")
    monkeypatch.setattr(_catalogue, "_PACKAGE", package)
    first = fingerprint()
    assert fingerprint() == first
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (package / "notes.txt").write_text("not source")
    assert fingerprint() == first  # only source files count
    (package / "tools" / "contacts.py").write_text("A = 10\n")
    edited = fingerprint()
    assert edited != first
    (package / "tools" / "bills.py").write_text("")
    assert fingerprint() not in {first, edited}


def test_the_catalogue_lives_in_the_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert catalogue_path() == tmp_path / "xero-mcp" / f"tools-{fingerprint()}.json"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert catalogue_path() == tmp_path / "home" / ".cache" / "xero-mcp" / f"tools-{fingerprint()}.json"


def test_a_package_whose_sources_cannot_be_listed_starts_without_a_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(_catalogue, "_PACKAGE", tmp_path / "archive.zip" / "xero_mcp")  # no such folder on disk
    assert catalogue_path() is None
    assert [card.name for card in load_catalogue(catalogue_path())] == [spec.name for spec in all_tools()]
    assert list(tmp_path.iterdir()) == []
