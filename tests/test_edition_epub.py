"""EPUB editions: one valid book of many articles, with a nested table of contents.

Every book is built once per module and checked by EPUBCheck in one Java
process (it starts slowly); each test then looks at its own book.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

import messenger_content as mc
from messenger_content.editions import folder_of, read_article
from messenger_content.exporters.editions.epub import edition_identifier
from tests.helpers.editions import (
    EXAMPLES,
    article_words,
    generated_article,
    words,
    write_images,
)
from tests.validators import describe_epubcheck, run_epubcheck

_NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ARABIC = mc.Article(
    headline="المجلس يوافق على تشغيل حافلات ليلية",
    language="ar",
    authors=[mc.Author(name="ليلى حسن")],
    body=[
        mc.Paragraph(text="وافق مجلس المدينة على تجربة الحافلات الليلية لمدة عام كامل."),
        mc.Heading(level=2, text="ما تشمله التجربة"),
        mc.Paragraph(text="ثلاثة خطوط تعمل حتى الرابعة صباحا."),
    ],
)


def _example(name: str) -> mc.EditionArticle:
    return read_article(EXAMPLES / name / "article.json")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An edition folder: two article folders holding the same photo under two names."""
    root = tmp_path_factory.mktemp("edition")
    photo = EXAMPLES / "night-bus-pilot" / "depot.jpg"
    for sub, name in (("a", "photo.jpg"), ("b", "same-photo.jpg")):
        (root / sub).mkdir()
        shutil.copyfile(photo, root / sub / name)
    write_images(root / "generated", 12)
    return root


def _generated(count: int, images: int) -> list[mc.EditionArticle]:
    return [
        mc.EditionArticle(
            article=generated_article(number, f"picture-{number % images}.png"),
            folder=Path("generated"),
        )
        for number in range(count)
    ]


@pytest.fixture(scope="module")
def editions(folder: Path) -> dict[str, mc.Edition]:
    """The editions the tests build, by name."""
    shared = [
        mc.Article(
            headline=f"Story {letter}",
            body=[
                mc.Paragraph(text=f"Story {letter} uses the photo."),
                mc.Image(src=src, alt="The Eastside depot"),
            ],
        )
        for letter, src in (("one", "photo.jpg"), ("two", "same-photo.jpg"))
    ]
    return {
        "one": mc.Edition(title="A single story", articles=[_example("night-bus-pilot")]),
        "sections": mc.load_edition(EXAMPLES / "morning-edition.json"),
        "languages": mc.Edition(
            title="Around the world",
            language="en",
            issued=date(2026, 12, 7),
            sections=[
                mc.Section(title="Middle East", articles=[ARABIC]),
                mc.Section(
                    title="Elsewhere",
                    articles=[
                        _example("yerevan-book-fair"),
                        read_article(Path(__file__).parent / "data" / "a11y" / "hebrew.json"),
                        _example("kardashian-armenian-genocide"),
                    ],
                ),
            ],
        ),
        "shared": mc.Edition(
            title="Shared photo",
            articles=[
                mc.EditionArticle(article=shared[0], folder=Path("a")),
                mc.EditionArticle(article=shared[1], folder=Path("b")),
                mc.EditionArticle(
                    article=mc.Article(
                        headline="Story three",
                        body=[
                            mc.Paragraph(text="Story three uses the photo twice."),
                            mc.Image(src="photo.jpg", alt="The depot"),
                            mc.Image(src="photo.jpg", alt="The depot again"),
                        ],
                    ),
                    folder=Path("a"),
                ),
            ],
        ),
        "cover": mc.Edition(
            title="With a cover",
            subtitle="And a subtitle",
            issued=date(2026, 12, 7),
            cover_image=mc.Image(src="a/photo.jpg", alt="The depot at dusk"),
            articles=[mc.EditionArticle(article=shared[0], folder=Path("a"))],
        ),
        "hundred": mc.Edition(
            title="A hundred stories",
            id="hundred",
            sections=[
                mc.Section(title=f"Part {part}", articles=_generated(100, 12)[part::4])
                for part in range(4)
            ],
        ),
    }


def _base(name: str, folder: Path) -> Path:
    return EXAMPLES if name == "sections" else folder


@pytest.fixture(scope="module")
def books(editions: dict[str, mc.Edition], folder: Path) -> dict[str, bytes]:
    """Every edition as a book."""
    return {
        name: mc.to_epub(edition, base_dir=_base(name, folder))
        for name, edition in editions.items()
    }


@pytest.fixture(scope="module")
def epubcheck(books: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """EPUBCheck's report on every book, by name."""
    return run_epubcheck(books, tmp_path_factory.mktemp("epubcheck"))


def _files(book: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _documents(book: bytes) -> dict[str, etree._Element]:
    """The book's article documents, parsed, in reading order."""
    files = _files(book)
    names = sorted(name for name in files if name.startswith("EPUB/article-"))
    return {name: etree.fromstring(files[name]) for name in names}


def _shown_words(root: etree._Element) -> set[str]:
    """The words a reader sees in a document: its text and its images' alt text."""
    body = root.find("x:body", _NS)
    alts = " ".join(image.get("alt", "") for image in body.iter(f"{{{_NS['x']}}}img"))
    return words(" ".join(body.itertext()) + " " + alts)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["one", "sections", "languages", "shared", "cover", "hundred"])
def test_edition_passes_epubcheck(name: str, epubcheck: dict[str, Any]) -> None:
    """EPUBCheck finds no fatal error, error or warning in the edition's book."""
    report = epubcheck[name]
    counts = {key: report["checker"][key] for key in ("nFatal", "nError", "nWarning")}
    assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, describe_epubcheck(report)


@pytest.mark.parametrize("name", ["one", "sections", "languages", "shared"])
def test_every_word_of_each_articles_own_book_is_in_the_edition(
    name: str, editions: dict[str, mc.Edition], books: dict[str, bytes], folder: Path
) -> None:
    """Each article's document holds every word its own single-article book shows."""
    edition = editions[name]
    documents = list(_documents(books[name]).values())
    assert len(documents) == len(edition.all_articles)
    for entry, root in zip(edition.all_articles, documents, strict=True):
        alone = mc.to_epub(entry.article, base_dir=folder_of(entry, _base(name, folder)))
        own = etree.fromstring(_files(alone)["EPUB/article.xhtml"])
        assert _shown_words(own) <= _shown_words(root), entry.article.headline


def test_every_word_of_a_hundred_generated_articles_is_in_the_book(
    editions: dict[str, mc.Edition], books: dict[str, bytes]
) -> None:
    """Every word of every generated article is in its own document, in reading order."""
    entries = editions["hundred"].all_articles
    documents = list(_documents(books["hundred"]).values())
    assert len(documents) == 100
    for entry, root in zip(entries, documents, strict=True):
        missing = article_words(entry.article) - _shown_words(root)
        assert not missing, (entry.article.headline, sorted(missing)[:5])


def test_each_article_keeps_its_language_and_direction(books: dict[str, bytes]) -> None:
    """An Arabic article in an English edition is right to left; the others keep their language."""
    files = _files(books["languages"])
    package = etree.fromstring(files["EPUB/content.opf"])
    assert package.get(_XML_LANG) == "en"
    found = [
        (root.get(_XML_LANG), root.get("dir")) for root in _documents(books["languages"]).values()
    ]
    assert found == [("ar", "rtl"), ("hy", "ltr"), ("he", "rtl"), ("en", "ltr")]


def test_nav_marks_the_language_of_each_foreign_article(books: dict[str, bytes]) -> None:
    """A headline in another language than the edition's is tagged with it in the nav."""
    nav = etree.fromstring(_files(books["languages"])["EPUB/nav.xhtml"])
    articles = nav.findall(".//x:nav[@id='toc']/x:ol/x:li/x:ol/x:li", _NS)
    found = [(item.get(_XML_LANG), item.get("dir")) for item in articles]
    assert found == [("ar", "rtl"), ("hy", "ltr"), ("he", "rtl"), (None, None)]


def _nav_tree(ol: etree._Element) -> list[tuple[str, Any]]:
    """The nav's nested ``<ol>`` as ``(label, children)`` pairs."""
    result = []
    for item in ol.findall("x:li", _NS):
        link = item.find("x:a", _NS)
        inner = item.find("x:ol", _NS)
        label = " ".join("".join(link.itertext()).split())
        result.append((label, [] if inner is None else _nav_tree(inner)))
    return result


def _ncx_tree(parent: etree._Element) -> list[tuple[str, Any]]:
    return [
        (point.findtext("ncx:navLabel/ncx:text", namespaces=_NS), _ncx_tree(point))
        for point in parent.findall("ncx:navPoint", _NS)
    ]


def _expected_toc(edition: mc.Edition) -> list[tuple[str, Any]]:
    """Sections, their articles, and each article's headings (level 3 under level 2)."""

    def article(entry: mc.EditionArticle) -> tuple[str, Any]:
        headings: list[tuple[str, Any]] = []
        for block in entry.article.body:
            if isinstance(block, mc.Heading):
                text = " ".join(
                    "".join(part if isinstance(part, str) else "" for part in block.text).split()
                )
                if block.level == 2 or not headings:
                    headings.append((text, []))
                else:
                    headings[-1][1].append((text, []))
        return (entry.article.headline, headings)

    return [
        (section.title, [article(entry) for entry in section.articles])
        for section in edition.sections
    ]


@pytest.mark.parametrize("name", ["languages", "hundred"])
def test_nav_and_ncx_nest_sections_articles_and_headings(
    name: str, editions: dict[str, mc.Edition], books: dict[str, bytes]
) -> None:
    """The nav and the NCX list section → article → heading, in reading order."""
    files = _files(books[name])
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    toc = nav.find(".//x:nav[@id='toc']/x:ol", _NS)
    expected = _expected_toc(editions[name])
    assert _nav_tree(toc) == expected
    ncx = etree.fromstring(files["EPUB/toc.ncx"])
    assert _ncx_tree(ncx.find("ncx:navMap", _NS)) == expected


def test_nav_links_reach_each_article_and_heading(books: dict[str, bytes]) -> None:
    """Every link of the nav names a document of the book and an id in it."""
    files = _files(books["sections"])
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    links = [a.get("href") for a in nav.find(".//x:nav[@id='toc']", _NS).iter(f"{{{_NS['x']}}}a")]
    assert len(links) > 8
    for href in links:
        document, _, anchor = href.partition("#")
        root = etree.fromstring(files[f"EPUB/{document}"])
        if anchor:
            assert root.xpath("//*[@id=$id]", id=anchor), href


def test_an_image_used_by_several_articles_is_stored_once(books: dict[str, bytes]) -> None:
    """The same photo under two names in two folders, and twice in one article, is one file."""
    files = _files(books["shared"])
    stored = [name for name in files if name.startswith("EPUB/images/") and "cover" not in name]
    assert len(stored) == 1
    sources = {
        image.get("src")
        for root in _documents(books["shared"]).values()
        for image in root.iter(f"{{{_NS['x']}}}img")
    }
    assert sources == {stored[0].removeprefix("EPUB/")}
    manifest = etree.fromstring(files["EPUB/content.opf"]).findall(".//opf:item", _NS)
    assert [item.get("href") for item in manifest].count(stored[0].removeprefix("EPUB/")) == 1


def test_a_hundred_articles_share_twelve_images(books: dict[str, bytes]) -> None:
    """A hundred articles drawing on twelve pictures store twelve."""
    files = _files(books["hundred"])
    stored = [name for name in files if name.startswith("EPUB/images/image-")]
    assert len(stored) == 12


@pytest.mark.parametrize("name", ["one", "sections", "languages", "shared", "hundred"])
def test_rebuilding_gives_the_same_bytes(
    name: str, editions: dict[str, mc.Edition], books: dict[str, bytes], folder: Path
) -> None:
    """The same edition makes a byte-identical book the second time."""
    assert mc.to_epub(editions[name], base_dir=_base(name, folder)) == books[name]


def test_metadata_describes_the_edition(books: dict[str, bytes]) -> None:
    """Title, date, publisher, language, contributors and identifier are the edition's."""
    package = etree.fromstring(_files(books["sections"])["EPUB/content.opf"])
    metadata = package.find("opf:metadata", _NS)

    def values(name: str) -> list[str]:
        return [element.text for element in metadata.findall(f"dc:{name}", _NS)]

    assert values("title")[0] == "The Morning Edition"
    assert values("date") == ["2026-12-07"]
    assert values("publisher") == ["The Harbourton Courier"]
    assert values("language") == ["en-GB"]
    edition = mc.load_edition(EXAMPLES / "morning-edition.json")
    authors = [author.name for e in edition.all_articles for author in e.article.authors]
    assert values("contributor") == list(dict.fromkeys(authors))
    assert values("identifier") == [edition_identifier(edition)]


def test_identifier_comes_from_the_editions_id() -> None:
    """The same id gives the same identifier whatever the title; another id another one."""
    article = mc.Article(headline="H", body=[mc.Paragraph(text="Text.")])
    first = mc.Edition(id="daily-1", title="One", articles=[article])
    renamed = mc.Edition(id="daily-1", title="Two", articles=[article])
    other = mc.Edition(id="daily-2", title="One", articles=[article])
    assert edition_identifier(first) == edition_identifier(renamed)
    assert edition_identifier(first) != edition_identifier(other)


def _claims(book: bytes) -> list[str]:
    package = etree.fromstring(_files(book)["EPUB/content.opf"])
    found = package.findall(".//opf:meta[@property='dcterms:conformsTo']", _NS)
    return [str(element.text) for element in found]


def test_conformance_is_claimed_only_when_every_article_passes(books: dict[str, bytes]) -> None:
    """One image without alt text in one article withdraws the book's WCAG claim."""
    assert _claims(books["sections"]) == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    good = mc.Article(headline="Fine", body=[mc.Paragraph(text="All described.")])
    bad = mc.Article(
        headline="Not fine",
        body=[mc.Image(src="depot.jpg", caption="A caption but no alt")],
    )
    edition = mc.Edition(title="Mixed", articles=[good, bad])
    book = mc.to_epub(edition, base_dir=EXAMPLES / "night-bus-pilot")
    assert _claims(book) == []
    assert _claims(mc.to_epub(mc.Edition(title="Fine", articles=[good]))) != []


def test_typographic_cover_names_the_edition_and_its_date(books: dict[str, bytes]) -> None:
    """Without a cover image, the cover is drawn and its text alternative names title and date."""
    files = _files(books["languages"])
    cover = etree.fromstring(files["EPUB/cover.xhtml"])
    image = cover.find(".//x:img", _NS)
    assert "Around the world" in image.get("alt")
    assert "7 December 2026" in image.get("alt") or "December 7, 2026" in image.get("alt")
    assert files[f"EPUB/{image.get('src')}"].startswith(b"\x89PNG")
    manifest = etree.fromstring(files["EPUB/content.opf"]).findall(".//opf:item", _NS)
    covers = [item.get("href") for item in manifest if item.get("properties") == "cover-image"]
    assert covers == [image.get("src")]


def test_the_editions_cover_image_is_the_books_cover(folder: Path) -> None:
    """An edition's cover_image becomes the cover, stored once even if an article shows it."""
    article = mc.Article(headline="Depot", body=[mc.Image(src="photo.jpg", alt="The depot")])
    edition = mc.Edition(
        title="With a cover",
        issued=date(2026, 12, 7),
        cover_image=mc.Image(src="a/photo.jpg", alt="The depot at dusk"),
        articles=[mc.EditionArticle(article=article, folder=Path("a"))],
    )
    files = _files(mc.to_epub(edition, base_dir=folder))
    cover = etree.fromstring(files["EPUB/cover.xhtml"])
    src = cover.find(".//x:img", _NS).get("src")
    assert files[f"EPUB/{src}"] == (folder / "a" / "photo.jpg").read_bytes()
    assert "With a cover" in "".join(cover.itertext())
    assert "December 7, 2026" in "".join(cover.itertext())
    assert [name for name in files if name.startswith("EPUB/images/")] == [f"EPUB/{src}"]


@pytest.mark.slow
def test_five_hundred_articles_with_two_hundred_images_build(tmp_path: Path) -> None:
    """An edition of 500 articles drawing on 200 distinct images builds, each image once."""
    write_images(tmp_path / "generated", 200)
    edition = mc.Edition(title="Five hundred", articles=_generated(500, 200))
    files = _files(mc.to_epub(edition, base_dir=tmp_path))
    assert len([name for name in files if name.startswith("EPUB/images/image-")]) == 200
    assert len([name for name in files if name.startswith("EPUB/article-")]) == 500
