"""The README and guides a new user follows: the set-up commands CI runs, links that resolve, nothing outside the
repository presented as if the user had it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCUMENTS.append(ROOT / "examples" / "README.md")


def _setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(python3 -m venv .*)\n```", section)


def test_the_readme_has_two_setup_commands_and_ci_runs_the_test_one_verbatim() -> None:
    demo, tests = _setup_commands()
    assert demo.endswith("xero-mcp demo") and "pip install -q ." in demo
    assert tests.endswith("python -m pytest -q")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_the_readme_stays_short_and_states_the_python_it_needs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) < 12 * 1024
    assert "Python 3.11 or newer" in readme
    assert "uv tool install mcp-server-xero" in readme and "pipx install mcp-server-xero" in readme


def test_no_document_points_at_files_outside_the_repository() -> None:
    for document in DOCUMENTS:
        assert "../shared" not in document.read_text(encoding="utf-8"), document.name


def test_every_relative_link_in_the_documents_resolves_to_a_file_in_the_repository() -> None:
    broken: list[str] = []
    for document in DOCUMENTS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", document.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            if not (document.parent / target).resolve().exists():
                broken.append(f"{document.relative_to(ROOT)} -> {target}")
    assert not broken, broken
