"""Fetch Xero's OpenAPI specs, which some tests check the sandbox against, into a folder of your choice.

    python -m tests.fetch_openapi "$XERO_OPENAPI_DIR"
    python -m tests.fetch_openapi $env:XERO_OPENAPI_DIR      (Windows PowerShell)

The files come from the public repository XeroAPI/Xero-OpenAPI (MIT licensed; its LICENSE is fetched beside them) at
the commit the sandbox is checked against, and each is verified by its SHA-256 before it is written. Point
XERO_OPENAPI_DIR at the folder when running the tests.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPOSITORY = "XeroAPI/Xero-OpenAPI"
COMMIT = "e952d0bda3628facbf7afc5990ad6a0e7e77bd1e"
FILES: dict[str, str | None] = {
    "xero_accounting.yaml": "140f64f8e6bd2d8524b8ffdbffd08589d417efa5466ba57bfa04939a69ff6db8",
    "xero-identity.yaml": "d95f4204d8ec369dac2bb1ee6e6b8cfb88f845a09cbcba630475dd34c73cf2bd",
    "xero-webhooks.yaml": "822244b387a8e26ca948abd338cbee419b6167408ad615582802346587ed7eac",
    "LICENSE": None,
}
"""Each file and its expected SHA-256 (None: the licence text, kept with the copies as its terms ask)."""

Download = Callable[[str], bytes]


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a fixed https URL
        return response.read()


def fetch(folder: Path, download: Download = _download) -> list[Path]:
    """Download every spec file into `folder`; raises ValueError (writing nothing more) on a checksum mismatch."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, expected in FILES.items():
        data = download(f"https://raw.githubusercontent.com/{REPOSITORY}/{COMMIT}/{name}")
        actual = hashlib.sha256(data).hexdigest()
        if expected is not None and actual != expected:
            raise ValueError(f"{name}: SHA-256 {actual} is not the expected {expected}; nothing more was written")
        target = folder / name
        target.write_bytes(data)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    """Fetch into the folder given as the only argument, or XERO_OPENAPI_DIR."""
    given = argv[0] if argv else os.environ.get("XERO_OPENAPI_DIR", "")
    if not given:
        print("usage: python -m tests.fetch_openapi FOLDER   (or set XERO_OPENAPI_DIR)", file=sys.stderr)
        return 2
    try:
        written = fetch(Path(given))
    except (OSError, ValueError) as exc:
        print(f"fetch_openapi: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"Now run the tests with XERO_OPENAPI_DIR={given}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
