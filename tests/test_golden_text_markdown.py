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

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


#: Keys whose values are not text a reader reads (addresses, dates, codes, names of types).
NOT_SHOWN = {"type", "src", "url", "href", "language", "date", "published", "id", "style"}


def shown_strings(value: Any, key: str = "") -> Iterator[str]:
    """The strings of a JSON document a reader reads, leaving out the keys in NOT_SHOWN."""
    if isinstance(value, str):
        if key not in NOT_SHOWN:
            yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from shown_strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from shown_strings(item, key)


def test_pandoc_reads_every_word_of_the_format_1_1_markdown() -> None:
    """The GFM reader of pandoc makes a table, code and every word of the 1.1 fixture's Markdown."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed")
    path = ROOT / "tests" / "data" / "text" / "format-1-1.json"
    body = render(path, ".md").split("\n---\n", 1)[1]

    def convert(to: str) -> str:
        result = subprocess.run(
            [pandoc, "-f", "gfm", "-t", to, "--wrap=none"],
            input=body,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    html = convert("html")
    assert html.count("<table>") == 2
    assert html.count("<pre") == 1
    words = re.compile(r"[^\W_]+")
    document = json.loads(path.read_text(encoding="utf-8"))
    expected = {word for text in shown_strings(document) for word in words.findall(text)}
    assert expected - set(words.findall(convert("plain"))) == set()
