"""Golden files for the plain-text and Markdown exporters.

Every ``examples/*/article.json`` and every ``tests/data/text/*.json`` has two
golden files, ``tests/golden/<name>.txt`` and ``tests/golden/<name>.md`` (the
name is the example's folder or the data file's stem). A new example is picked
up on its own; its golden files are written by::

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden_text_markdown.py

which rewrites them all from the current exporters: review the diff before
committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from messenger_content import load
from messenger_content.exporters.markdown import to_markdown
from messenger_content.exporters.text import to_text
from tests.helpers.markdown import expected, parse_body

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"

CASES = sorted(
    [(path.parent.name, path) for path in ROOT.glob("examples/*/article.json")]
    + [(path.stem, path) for path in (ROOT / "tests" / "data" / "text").glob("*.json")]
)


def render(path: Path, suffix: str) -> str:
    """Render the article at *path* as ``.txt`` or ``.md``."""
    article = load(path)
    return to_text(article) if suffix == ".txt" else to_markdown(article)


def test_there_are_cases() -> None:
    """The examples and the fixture are found (an empty glob would test nothing)."""
    names = [name for name, _ in CASES]
    assert "every-block" in names
    assert len(names) == len(set(names)), "two cases would share golden files"


@pytest.mark.parametrize("suffix", [".txt", ".md"])
@pytest.mark.parametrize(("name", "path"), CASES, ids=[name for name, _ in CASES])
def test_matches_golden(name: str, path: Path, suffix: str) -> None:
    """The exporter's output is byte for byte the golden file (UPDATE_GOLDEN=1 rewrites it)."""
    output = render(path, suffix).encode("utf-8")
    golden = GOLDEN / f"{name}{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(output)
    assert golden.is_file(), f"{golden} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert golden.read_bytes() == output


@pytest.mark.parametrize(("name", "path"), CASES, ids=[name for name, _ in CASES])
def test_golden_markdown_reads_back(name: str, path: Path) -> None:
    """A CommonMark parser finds each article's structure and text in its Markdown."""
    assert parse_body(render(path, ".md")) == expected(load(path))
