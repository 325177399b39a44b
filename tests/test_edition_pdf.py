"""An edition as one PDF: title page, a contents page with real page numbers, outline, words."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest

import messenger_content as mc
from tests.helpers.edition_pages import ARABIC, MORNING, missing_words, two_folder_edition

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) is missing"),
]

#: Hyphenation off, so every word of the PDF's text is whole.
NO_HYPHENS = "* { hyphens: manual }"


@cache
def _morning_pdf(run_on: bool = False) -> bytes:
    return mc.to_pdf(mc.load_edition(MORNING), base_dir=MORNING.parent, run_on=run_on)


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, as pdftotext reads it."""
    path = tmp_path / "edition.pdf"
    path.write_bytes(pdf)
    count = len(pypdf.PdfReader(path).pages)
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _contents_numbers(contents: str, headlines: list[str]) -> list[int]:
    """The page number the contents print after each headline (dotted leaders between)."""
    flat = _flat(contents)
    numbers = []
    position = 0
    for headline in headlines:
        start = flat.index(_flat(headline), position)
        position = start + len(_flat(headline))
        match = re.compile(r"[\s.]*(\d+)").match(flat, position)
        assert match is not None, f"no page number after {headline!r}"
        numbers.append(int(match.group(1)))
        position = match.end()
    return numbers


def _check_contents(pdf: bytes, edition: mc.Edition, tmp_path: Path) -> list[int]:
    pages = _pages(pdf, tmp_path)
    headlines = [entry.article.headline for entry in edition.all_articles]
    numbers = _contents_numbers(pages[1], headlines)
    for headline, number in zip(headlines, numbers, strict=True):
        assert _flat(headline) in _flat(pages[number - 1]), (headline, number)
        # The first page it is on: the running header repeats it only after.
        for earlier in range(3, number):
            assert _flat(headline) not in _flat(pages[earlier - 1]), (headline, earlier)
    return numbers


def test_contents_page_numbers_are_where_each_headline_is(tmp_path: Path) -> None:
    """For every article, the contents' page number is the page its headline first appears on."""
    numbers = _check_contents(_morning_pdf(), mc.load_edition(MORNING), tmp_path)
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)  # each article opens a page of its own


def test_run_on_keeps_contents_numbers_true_and_saves_pages(tmp_path: Path) -> None:
    """Run on, articles share pages, and the contents still point at their headlines."""
    _check_contents(_morning_pdf(run_on=True), mc.load_edition(MORNING), tmp_path)
    run_on = len(pypdf.PdfReader(_write(_morning_pdf(run_on=True), tmp_path / "r.pdf")).pages)
    paged = len(pypdf.PdfReader(_write(_morning_pdf(), tmp_path / "p.pdf")).pages)
    assert run_on < paged


def _write(data: bytes, path: Path) -> Path:
    path.write_bytes(data)
    return path


def _outline(reader: pypdf.PdfReader, items: list[Any]) -> list[Any]:
    """The outline as nested (title, [children]) pairs."""
    tree: list[Any] = []
    for item in items:
        if isinstance(item, list):
            tree[-1][1].extend(_outline(reader, item))
        else:
            tree.append((item.title, []))
    return tree


def test_outline_is_section_then_article_then_heading(tmp_path: Path) -> None:
    """The PDF outline: the sections, under each its articles, under each its headings."""
    reader = pypdf.PdfReader(_write(_morning_pdf(), tmp_path / "e.pdf"))
    tree = _outline(reader, reader.outline)
    edition = mc.load_edition(MORNING)
    assert [title for title, _ in tree] == [section.title for section in edition.sections]
    for (_, articles), section in zip(tree, edition.sections, strict=True):
        assert [title for title, _ in articles] == [e.article.headline for e in section.articles]
    bus = tree[0][1][0]
    assert [title for title, _ in bus[1]] == ["What the pilot includes"]
    assert [title for title, _ in bus[1][0][1]] == ["How it is paid for"]


def test_outline_without_sections_starts_at_the_articles(tmp_path: Path) -> None:
    """Without sections, the outline's top level is the articles, their headings under them."""
    source = tmp_path / "in"
    edition = mc.load_edition(two_folder_edition(source))
    reader = pypdf.PdfReader(_write(mc.to_pdf(edition, base_dir=source), tmp_path / "e.pdf"))
    tree = _outline(reader, reader.outline)
    assert tree == [
        ("Story number 1", [("A heading", [])]),
        ("Story number 2", [("A heading", [])]),
    ]


def test_title_page_then_contents_then_articles_numbered_across(tmp_path: Path) -> None:
    """Page 1 is the title page (no page number), page 2 the contents; pages count n / N."""
    pages = _pages(_morning_pdf(), tmp_path)
    total = len(pages)
    assert "The Morning Edition" in pages[0]
    assert f"1 / {total}" not in pages[0]
    assert "Contents" in pages[1]
    for number in range(2, total + 1):
        assert f"{number} / {total}" in pages[number - 1]


def test_running_header_names_the_current_article(tmp_path: Path) -> None:
    """Each page after an article opens carries its headline (or its start) in the header."""
    pdf = _morning_pdf()
    edition = mc.load_edition(MORNING)
    pages = _pages(pdf, tmp_path)
    headlines = [entry.article.headline for entry in edition.all_articles]
    numbers = _contents_numbers(pages[1], headlines)
    bounds = [*numbers[1:], len(pages) + 1]
    for headline, first, end in zip(headlines, numbers, bounds, strict=True):
        for page in range(first + 1, end):
            assert _flat(headline)[:30] in _flat(pages[page - 1]), (headline, page)


def test_every_word_of_every_article_is_in_the_pdf(tmp_path: Path) -> None:
    """No article loses a word, Armenian and Arabic included."""
    morning = mc.load_edition(MORNING)
    edition = mc.Edition(
        title="Words",
        articles=[
            *(mc.EditionArticle(article=e.article, folder=MORNING.parent / e.folder)
              if e.folder is not None else e for e in morning.all_articles),
            mc.EditionArticle(article=mc.load(ARABIC), folder=ARABIC.parent),
        ],
    )  # fmt: skip
    text = "\n".join(_pages(mc.to_pdf(edition, css=NO_HYPHENS), tmp_path))
    for entry in edition.all_articles:
        assert missing_words(entry.article, text) == set(), entry.article.headline


def test_rebuilds_are_byte_identical() -> None:
    """The same edition gives the same bytes."""
    edition = mc.load_edition(MORNING)
    first = mc.to_pdf(edition, base_dir=MORNING.parent)
    assert mc.to_pdf(mc.load_edition(MORNING), base_dir=MORNING.parent) == first


def _image_objects(pdf: Path) -> int:
    reader = pypdf.PdfReader(pdf)
    found = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None or "/XObject" not in resources:
            continue
        for ref in resources["/XObject"].values():
            if ref.get_object().get("/Subtype") == "/Image":
                found.add(ref.idnum)
    return len(found)


@pytest.mark.parametrize("same", [True, False])
def test_a_shared_image_is_stored_once(tmp_path: Path, same: bool) -> None:
    """Two articles with the same photo (from their own folders) store one image; different, two."""
    source = tmp_path / "in"
    edition = mc.load_edition(two_folder_edition(source, same_photo=same))
    pdf = _write(mc.to_pdf(edition, base_dir=source), tmp_path / "e.pdf")
    assert _image_objects(pdf) == (1 if same else 2)


def test_pdf_metadata_is_the_editions() -> None:
    """The PDF's title and language are the edition's, its authors the articles'."""
    reader = pypdf.PdfReader(io.BytesIO(_morning_pdf()))
    assert reader.metadata is not None
    assert reader.metadata.title == "The Morning Edition"
    authors = reader.metadata.author or ""
    for entry in mc.load_edition(MORNING).all_articles:
        for author in entry.article.authors:
            assert author.name in authors


def test_run_on_is_for_editions_only() -> None:
    """An article given run_on=True is refused."""
    article = mc.load(MORNING.parent / "night-bus-pilot" / "article.json")
    with pytest.raises(ValueError, match="editions"):
        mc.to_pdf(article, base_dir=MORNING.parent / "night-bus-pilot", run_on=True)
