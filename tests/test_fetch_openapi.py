"""The spec fetcher the README points developers to writes only files whose checksum it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fetch_openapi import COMMIT, FILES, REPOSITORY, fetch
from tests.openapi_check import spec_path


def test_a_file_with_an_unexpected_checksum_is_refused_and_not_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"xero_accounting\.yaml: SHA-256 .* is not the expected"):
        fetch(tmp_path, download=lambda url: b"not the spec")
    assert list(tmp_path.iterdir()) == []


def test_the_pinned_files_are_fetched_from_xeros_repository_at_one_commit(tmp_path: Path) -> None:
    local = spec_path()
    if local is None:
        pytest.skip("needs a local copy of Xero's OpenAPI specs to stand in for the download (XERO_OPENAPI_DIR)")
    asked: list[str] = []

    def download(url: str) -> bytes:
        asked.append(url)
        return (local.parent / url.rsplit("/", 1)[1]).read_bytes()

    written = fetch(tmp_path / "specs", download=download)
    assert [path.name for path in written] == list(FILES)
    assert asked == [f"https://raw.githubusercontent.com/{REPOSITORY}/{COMMIT}/{name}" for name in FILES]
    assert (tmp_path / "specs" / "xero_accounting.yaml").read_bytes() == local.read_bytes()
