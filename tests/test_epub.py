"""The EPUB exporter: a valid, navigable, accessible and reproducible EPUB 3 book.

EPUBCheck (the official validator, run on Java) starts slowly, so every book is
built once per session, written to one folder and checked in a single Java
process; each test then looks at its own book's report.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from lxml import etree  # type: ignore[import-untyped,unused-ignore]
from PIL import Image as PILImage

import messenger_content as mc
from messenger_content.exporters import epub as epub_module
from messenger_content.exporters.epub import book_identifier, book_language, to_epub
from messenger_content.exporters.epub import markup as epub_markup
from messenger_content.theme import plain_text, text_direction
from tests.strategies import articles
from tests.validators import describe_epubcheck, run_epubcheck

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*/article.json"))
#: The seed example, whose book other tests compare.
SEED = ROOT / "examples" / "kardashian-armenian-genocide" / "article.json"
FIXTURES = Path(__file__).parent / "data" / "epub"

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"opf": OPF, "dc": DC, "x": XHTML, "epub": OPS, "ncx": NCX}
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

#: A 2x2 red PNG as a data: URI (a logo that needs no file).
DOT_PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGPcIKfLwMDAxMDAwMDAAAAMcQD/rlS96wAAAABJRU5ErkJggg=="
)


# --- articles ----------------------------------------------------------------


def every_block(**changes: Any) -> mc.Article:
    """An article using every block and inline type, with the links an EPUB must fix."""
    fields: dict[str, Any] = {
        "id": "every-block",
        "url": "https://news.example.org/city/every-block",
        "language": "en-GB",
        "headline": "Every block: a test article with <angle> & 'quotes'",
        "subheadline": "A dek under the headline",
        "summary": "Covers each block and inline type once.",
        "publication": mc.Publication(
            name="The Test Courier",
            slogan="All the news that fits",
            url="https://news.example.org/",
            logo=mc.Image(src=DOT_PNG, alt="The Test Courier logo", width=2, height=2),
        ),
        "authors": [
            mc.Author(name="Ada Lovelace", role="Analyst", url="/authors/ada"),
            mc.Author(name="Grace Hopper"),
        ],
        "published": datetime(2024, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
        "section": "City",
        "tags": ["testing", "epub"],
        "rights": "© 2024 The Test Courier",
        "lead_image": mc.Image(
            src="gyumri-theatre.jpg",
            alt="A stone facade at dusk",
            caption=["The facade, ", mc.Emphasis(text="restored")],
            credit="Test desk",
        ),
        "body": [
            mc.Paragraph(
                text=[
                    "Plain, ",
                    mc.Emphasis(text="emphasis"),
                    ", ",
                    mc.Strong(text=["strong ", mc.Emphasis(text="nested")]),
                    ", ",
                    mc.Code(text="x < y && z"),
                    ",",
                    mc.LineBreak(),
                    "a ",
                    mc.Link(href="https://example.org/a?b=1&c=2", text="web link"),
                    ", a ",
                    mc.Link(href="../other-story", text="relative link"),
                    ", a ",
                    mc.Link(href="mailto:desk@example.org"),
                    ", a ",
                    mc.Link(href="#what-next", text="link to a heading"),
                    " and a ",
                    mc.Link(href="#nowhere", text="link to nothing"),
                    ".",
                ]
            ),
            mc.Heading(text="What next?"),
            mc.Paragraph(text="Text under the first heading."),
            mc.Heading(text=["A ", mc.Code(text="level 4")], level=4),
            mc.Quote(
                text="A block quote.",
                attribution="Someone",
                source="Somewhere",
                url="/sources/somewhere",
            ),
            mc.Quote(text="A pull quote.", style="pull"),
            mc.Image(src="olive-grove.png", alt="Olive trees", caption="A caption", credit="Desk"),
            mc.Image(src="olive-grove.png", caption="The same picture, described only by this"),
            mc.ItemList(items=["one", ["two ", mc.Strong(text="bold")]], ordered=True),
            mc.ItemList(items=["bullet"]),
            mc.Divider(),
            mc.Heading(text="What next?", level=3),
            mc.RelatedLink(title="A related story", url="related-story", summary="Why it matters"),
            mc.RelatedLink(title="A related story without a link"),
            mc.Newsletter(
                title="The newsletter",
                description="Weekly.",
                legal="Terms apply.",
                signup_url="https://news.example.org/newsletters",
                success_title="Thanks!",
                success_message="Signed up.",
            ),
            mc.Newsletter(title="A newsletter box without a sign-up address"),
        ],
    }
    fields.update(changes)
    return mc.Article(**fields)


def every_block_described() -> mc.Article:
    """:func:`every_block` with alt text on every image and no heading level skipped."""
    article = every_block(id="every-block-described")
    body: list[mc.Block] = []
    for block in article.body:
        if isinstance(block, mc.Image) and block.alt is None:
            block = attrs.evolve(block, alt="The olive grove again")
        elif isinstance(block, mc.Heading) and block.level == 4:
            block = attrs.evolve(block, level=3)
        body.append(block)
    return attrs.evolve(article, body=body)


def minimal(**changes: Any) -> mc.Article:
    """The smallest article: a headline and a paragraph."""
    fields: dict[str, Any] = {"headline": "Minimal", "body": [mc.Paragraph(text="Only text.")]}
    fields.update(changes)
    return mc.Article(**fields)


def with_real_images(article: mc.Article) -> mc.Article:
    """*article* with every image source replaced by a fixture file (everything else kept).

    Generated sources are valid by the format's rules but name files that do not
    exist; a book needs images it can read.
    """

    def real(image: mc.Image, index: int) -> mc.Image:
        return attrs.evolve(image, src=("olive-grove.png", "gyumri-theatre.jpg")[index % 2])

    publication = article.publication
    if publication is not None and publication.logo is not None:
        publication = attrs.evolve(publication, logo=real(publication.logo, 0))
    lead = None if article.lead_image is None else real(article.lead_image, 1)

    def real_block(block: mc.Block, index: int) -> mc.Block:
        if isinstance(block, mc.Image):
            return real(block, index)
        if isinstance(block, mc.Embed) and block.poster is not None:
            return attrs.evolve(block, poster=real(block.poster, index))
        return block

    body = [real_block(block, index) for index, block in enumerate(article.body)]
    return attrs.evolve(article, publication=publication, lead_image=lead, body=body)


def generated_articles() -> list[mc.Article]:
    """A few articles drawn by the project's hypothesis strategy, reproducibly."""
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[mc.Article] = []

    @settings(
        max_examples=10,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(articles())
    def collect(article: mc.Article) -> None:
        drawn.append(with_real_images(article))

    collect()
    return drawn


#: Every book the suite builds: name -> (article, base_dir).
SOURCES: dict[str, tuple[mc.Article, Path]] = {
    **{f"example-{path.parent.name}": (mc.load(path), path.parent) for path in EXAMPLES},
    "armenian": (mc.load(FIXTURES / "armenian.json"), FIXTURES),
    "arabic": (mc.load(FIXTURES / "arabic.json"), FIXTURES),
    "every-block": (every_block(), FIXTURES),
    "every-block-no-url-no-lead": (every_block(id=None, url=None, lead_image=None), FIXTURES),
    "minimal": (minimal(), FIXTURES),
    "hebrew-without-lead": (
        minimal(
            language="he",
            headline="ספרייה חדשה נפתחה בחיפה",
            body=[mc.Heading(text="שעות פתיחה"), mc.Paragraph(text="הספרייה פתוחה כל יום.")],
        ),
        FIXTURES,
    ),
    "chinese-without-lead": (
        minimal(
            language="zh-Hans",
            headline="市议会批准港区夜间公交试点项目",
            publication=mc.Publication(name="港城日报"),
            published=datetime(2026, 11, 26, 18, 30, tzinfo=timezone(timedelta(hours=8))),
            body=[mc.Heading(text="试点路线"), mc.Paragraph(text="三条夜间线路将于明年开通。")],
        ),
        FIXTURES,
    ),
    "russian-without-lead": (
        minimal(
            language="ru",
            headline="Городской совет утвердил пилотный проект ночных автобусов",
            body=[mc.Paragraph(text="Три маршрута начнут работу весной.")],
        ),
        FIXTURES,
    ),
    "every-block-described": (every_block_described(), FIXTURES),
    "captioned-image-without-alt": (
        minimal(body=[mc.Image(src="olive-grove.png", caption="Olive trees, undescribed")]),
        FIXTURES,
    ),
    **{f"generated-{n}": (article, FIXTURES) for n, article in enumerate(generated_articles())},
}


@pytest.fixture(scope="session")
def books() -> dict[str, bytes]:
    """Every book of :data:`SOURCES`, built once."""
    return {name: to_epub(article, base_dir=base) for name, (article, base) in SOURCES.items()}


def read(book: bytes) -> dict[str, bytes]:
    """A book's files by name."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def xml(book: bytes, name: str) -> etree._Element:
    return etree.fromstring(read(book)[name])


def opf(book: bytes) -> etree._Element:
    return xml(book, "EPUB/content.opf")


def meta_values(book: bytes, prop: str) -> list[str]:
    root = opf(book)
    return [m.text or "" for m in root.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]


def dc(book: bytes, name: str) -> list[str]:
    return [e.text or "" for e in opf(book).findall(f"opf:metadata/dc:{name}", NS)]


def documents(book: bytes) -> Iterator[tuple[str, etree._Element]]:
    """Every XHTML document of the book (spine and navigation)."""
    for name, data in read(book).items():
        if name.endswith(".xhtml"):
            yield name, etree.fromstring(data)


# --- EPUBCheck -----------------------------------------------------------------


def broken(book: bytes) -> bytes:
    """A copy of *book* with its article document missing from the zip (EPUBCheck must object)."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name, data in read(book).items():
            if name != "EPUB/article.xhtml":
                stored = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                target.writestr(name, data, compress_type=stored)
    return output.getvalue()


@pytest.fixture(scope="session")
def epubcheck(
    books: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """EPUBCheck's JSON report for every book (and for a deliberately broken one)."""
    candidates = dict(books)
    candidates["broken"] = broken(books["minimal"])
    return run_epubcheck(candidates, tmp_path_factory.mktemp("epubcheck"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_epubcheck_reports_nothing(name: str, epubcheck: dict[str, dict[str, Any]]) -> None:
    """EPUBCheck finds no fatal error, error or warning in the book."""
    report = epubcheck[name]
    counts = {key: report["checker"][key] for key in ("nFatal", "nError", "nWarning")}
    assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, describe_epubcheck(report)
    assert report["checker"]["checkerVersion"].startswith("5.")


@pytest.mark.slow
def test_epubcheck_is_not_a_rubber_stamp(epubcheck: dict[str, dict[str, Any]]) -> None:
    """The same harness reports errors for a book whose article document is missing."""
    assert epubcheck["broken"]["checker"]["nError"] > 0
    assert "RSC-001" in {message["ID"] for message in epubcheck["broken"]["messages"]}


@settings(max_examples=25)
@given(articles())
def test_any_valid_article_makes_a_well_formed_book(article: mc.Article) -> None:
    """Every valid article (with readable images) gives a book of well-formed XML, reproducibly."""
    article = with_real_images(article)
    book = to_epub(article, base_dir=FIXTURES)
    assert to_epub(article, base_dir=FIXTURES) == book
    for name, data in read(book).items():
        if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
            etree.fromstring(data)
    assert dc(book, "title") == [article.headline]


# --- DAISY Ace ------------------------------------------------------------------

ACE = ROOT / ".tools" / "node_modules" / ".bin" / "ace-puppeteer"
#: The rules Ace must report for each book, and nothing else: none for a book that claims
#: conformance; for one that does not, the failures that made it withhold the claim.
ACE_EXPECTED: dict[str, set[str]] = {
    "example-night-bus-pilot": set(),
    "example-kardashian-armenian-genocide": set(),
    "armenian": set(),
    "arabic": set(),
    "hebrew-without-lead": set(),
    "chinese-without-lead": set(),
    "russian-without-lead": set(),
    "minimal": set(),
    "every-block-described": set(),
    "every-block": {"image-alt"},  # headings are nested by the exporter: no heading-order
    "captioned-image-without-alt": {"image-alt"},
}
#: Optional properties of a conformance claim (a certifier's credential and report).
ACE_OPTIONAL = {"a11y:certifierCredential", "a11y:certifierReport"}


def run_ace(book: Path, folder: Path) -> subprocess.Popen[bytes]:
    """Start Ace on *book*, its report going to *folder*/report.json."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    environment = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium or "")
    command = [str(ACE), "--silent", "--force", "--outdir", str(folder), str(book)]
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def ace(books: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ace's JSON report for every book of :data:`ACE_EXPECTED` (two checks at a time)."""
    if not ACE.exists():
        pytest.skip("DAISY Ace is not installed (scripts/setup --test)")
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("Ace needs Chromium, which is not installed")
    folder = tmp_path_factory.mktemp("ace")
    pending = list(ACE_EXPECTED)
    running: list[tuple[str, subprocess.Popen[bytes]]] = []
    while pending or running:
        while pending and len(running) < 2:
            name = pending.pop()
            (folder / f"{name}.epub").write_bytes(books[name])
            running.append((name, run_ace(folder / f"{name}.epub", folder / name)))
        name, process = running.pop(0)
        assert process.wait(timeout=300) == 0, f"Ace failed on {name}"
    return {
        name: json.loads((folder / name / "report.json").read_text(encoding="utf-8"))
        for name in ACE_EXPECTED
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ACE_EXPECTED))
def test_ace_agrees_with_the_conformance_claim(
    name: str, ace: dict[str, Any], books: dict[str, bytes]
) -> None:
    """Ace finds nothing in a book claiming WCAG AA, and what withheld it in one that does not."""
    report = ace[name]
    rules = {
        assertion["earl:test"]["dct:title"]
        for document in report["assertions"]
        for assertion in document["assertions"]
    }
    assert rules == ACE_EXPECTED[name]
    missing = set(report["a11y-metadata"]["missing"]) - ACE_OPTIONAL
    claims = bool(conformance(books[name])[0])
    assert claims == (not ACE_EXPECTED[name])
    if claims:
        assert missing == set()
        assert report["earl:result"]["earl:outcome"] == "pass"
    else:
        assert missing == {"dcterms:conformsTo", "a11y:certifiedBy"}
    assert not report["a11y-metadata"]["empty"]


# --- the container ---------------------------------------------------------------


def test_same_article_gives_identical_bytes(books: dict[str, bytes]) -> None:
    """Building a book again, in the same process, gives the same bytes."""
    for name, (article, base) in SOURCES.items():
        assert to_epub(article, base_dir=base) == books[name], name


@pytest.mark.slow
def test_identical_bytes_in_a_fresh_process(books: dict[str, bytes], tmp_path: Path) -> None:
    """Another Python process (fresh font lookups and caches) builds byte-identical books."""
    script = (
        "import sys, messenger_content as mc\n"
        "from messenger_content.exporters.epub import to_epub\n"
        "article = mc.load(sys.argv[1])\n"
        "open(sys.argv[2], 'wb').write(to_epub(article, base_dir=sys.argv[3]))\n"
    )
    for name, path in [
        ("example-kardashian-armenian-genocide", SEED),
        ("arabic", FIXTURES / "arabic.json"),
    ]:
        if name not in books:
            continue
        target = tmp_path / f"{name}.epub"
        subprocess.run(
            [sys.executable, "-c", script, str(path), str(target), str(path.parent)], check=True
        )
        assert target.read_bytes() == books[name], name


def test_zip_layout(books: dict[str, bytes]) -> None:
    """The mimetype entry is first and stored; all have fixed times, modes, order, compression."""
    for name, book in books.items():
        assert book[30:38] == b"mimetype", name
        assert book[38:58] == b"application/epub+zip", name
        with zipfile.ZipFile(io.BytesIO(book)) as archive:
            infos = archive.infolist()
            assert archive.testzip() is None
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert infos[0].extra == b""
        assert infos[1].filename == "META-INF/container.xml"
        names = [info.filename for info in infos[2:]]
        assert names == sorted(names)
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert (info.create_system, info.external_attr >> 16) == (3, 0o100644)
            expected = (
                zipfile.ZIP_STORED
                if info.filename == "mimetype" or info.filename.endswith((".jpg", ".png"))
                else zipfile.ZIP_DEFLATED
            )
            assert info.compress_type == expected, info.filename


# --- package document -------------------------------------------------------------


def test_metadata_of_the_example(books: dict[str, bytes]) -> None:
    """Title, creators and roles, language, publisher, dates, summary, tags, rights, source."""
    book = books["example-night-bus-pilot"]
    article = SOURCES["example-night-bus-pilot"][0]
    assert dc(book, "title") == [article.headline]
    assert dc(book, "creator") == ["Amara Okafor", "Tomás Ibáñez"]
    roles = opf(book).findall("opf:metadata/opf:meta[@property='role']", NS)
    assert [(r.get("refines"), r.get("scheme"), r.text) for r in roles] == [
        ("#creator-1", "marc:relators", "aut"),
        ("#creator-2", "marc:relators", "aut"),
    ]
    assert dc(book, "language") == ["en-GB"]
    assert dc(book, "publisher") == ["The Harbourton Courier"]
    assert dc(book, "date") == ["2026-11-26T18:30:00Z"]
    assert dc(book, "description") == [article.summary]
    assert dc(book, "subject") == ["transport", "night economy", "council"]
    assert dc(book, "rights") == [article.rights]
    assert dc(book, "source") == [article.url]
    assert meta_values(book, "dcterms:modified") == ["2026-11-27T09:15:00Z"]
    (generator,) = opf(book).findall("opf:metadata/opf:meta[@name='generator']", NS)
    assert generator.get("content") == f"messenger_content {mc.__version__}"


def test_identifier_is_derived_not_random(books: dict[str, bytes]) -> None:
    """dc:identifier is a UUID URN from the article's id (else url, else its JSON) and is unique."""
    article = SOURCES["armenian"][0]
    identifier = dc(books["armenian"], "identifier")
    assert identifier == [book_identifier(article)]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier[0])
    package = opf(books["armenian"])
    assert package.get("unique-identifier") == package.find("opf:metadata/dc:identifier", NS).get(
        "id"
    )
    no_id = minimal()
    assert book_identifier(no_id) == book_identifier(minimal())
    assert book_identifier(no_id) != book_identifier(minimal(headline="Other"))
    assert book_identifier(minimal(url="https://a.example/x")) != book_identifier(no_id)
    named = [book for name, book in books.items() if not name.startswith("generated-")]
    assert len({dc(book, "identifier")[0] for book in named}) == len(named)


def test_modified_falls_back_to_published_then_a_fixed_date(books: dict[str, bytes]) -> None:
    """dcterms:modified is updated, else published, else 1980-01-01, never the clock."""
    assert meta_values(books["arabic"], "dcterms:modified") == ["2025-11-02T06:30:00Z"]
    assert meta_values(books["minimal"], "dcterms:modified") == ["1980-01-01T00:00:00Z"]
    assert dc(books["minimal"], "date") == []


def conformance(book: bytes) -> tuple[list[str], list[tuple[str, str]]]:
    """The book's ``dcterms:conformsTo`` values, and its ``a11y:certifiedBy`` (refines, value)."""
    root = opf(book)
    claims = [
        f"{m.get('id')}={m.text}"
        for m in root.findall("opf:metadata/opf:meta[@property='dcterms:conformsTo']", NS)
    ]
    certifiers = [
        (m.get("refines") or "", m.text or "")
        for m in root.findall("opf:metadata/opf:meta[@property='a11y:certifiedBy']", NS)
    ]
    return claims, certifiers


def test_accessibility_metadata_with_every_image_described(books: dict[str, bytes]) -> None:
    """A book whose images all have alt text claims alternativeText, textual sufficiency and AA."""
    book = books["example-night-bus-pilot"]
    assert meta_values(book, "schema:accessMode") == ["textual", "visual"]
    assert meta_values(book, "schema:accessModeSufficient") == ["textual,visual", "textual"]
    assert meta_values(book, "schema:accessibilityFeature") == [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
        "displayTransformability",
    ]
    assert meta_values(book, "schema:accessibilityHazard") == ["none"]
    (summary,) = opf(book).findall(
        "opf:metadata/opf:meta[@property='schema:accessibilitySummary']", NS
    )
    assert summary.get(XML_LANG) == "en"
    assert "Every image has a text alternative" in (summary.text or "")
    assert f"It meets {CONFORMANCE}" in (summary.text or "")
    assert conformance(book) == (
        [f"conformance={CONFORMANCE}"],
        [("#conformance", "The Harbourton Courier")],
    )


def test_certifier_is_the_generator_without_a_publication(books: dict[str, bytes]) -> None:
    """A book without a publication names the software that checked it as the certifier."""
    assert conformance(books["minimal"]) == (
        [f"conformance={CONFORMANCE}"],
        [("#conformance", "messenger_content")],
    )


def test_accessibility_metadata_with_an_undescribed_image(books: dict[str, bytes]) -> None:
    """One image without alt text withdraws the alternativeText, textual and AA claims."""
    book = books["every-block"]
    images = [i for _, root in documents(book) for i in root.iter(f"{{{XHTML}}}img")]
    assert any(image.get("alt") is None for image in images)
    assert "alternativeText" not in meta_values(book, "schema:accessibilityFeature")
    assert meta_values(book, "schema:accessModeSufficient") == ["textual,visual"]
    summary = meta_values(book, "schema:accessibilitySummary")[0]
    assert "Some images have no text alternative" in summary
    assert "no WCAG conformance claim" in summary
    assert conformance(book) == ([], [])


def described(**changes: Any) -> mc.Article:
    """A small article that passes every check: a logo, a lead image, a body image, headings."""
    fields: dict[str, Any] = {
        "headline": "Described",
        "publication": mc.Publication(
            name="The Test Courier", logo=mc.Image(src=DOT_PNG, alt="The Test Courier logo")
        ),
        "lead_image": mc.Image(src="gyumri-theatre.jpg", alt="A stone facade at dusk"),
        "body": [
            mc.Heading(text="First"),
            mc.Heading(text="Under the first", level=3),
            mc.Image(src="olive-grove.png", alt="Olive trees", caption="A grove"),
            mc.Heading(text="Second"),
        ],
    }
    fields.update(changes)
    return mc.Article(**fields)


def body_with(image: mc.Image) -> list[mc.Block]:
    """The body of :func:`described` with its image replaced by *image*."""
    return [image if isinstance(block, mc.Image) else block for block in described().body]


WITHHELD: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "captioned image without alt": (
        {"body": body_with(mc.Image(src="olive-grove.png", caption="A grove"))},
        {},
    ),
    "image with neither alt nor caption": (
        {"body": body_with(mc.Image(src="olive-grove.png"))},
        {},
    ),
    "lead image without alt": ({"lead_image": mc.Image(src="gyumri-theatre.jpg")}, {}),
    "logo without alt": (
        {"publication": mc.Publication(name="The Test Courier", logo=mc.Image(src=DOT_PNG))},
        {},
    ),
    "heading level skipped": (
        {"body": [mc.Heading(text="First"), mc.Heading(text="Too deep", level=4)]},
        {},
    ),
    "language undetermined": ({"language": "x-private"}, {}),
    "caller's css": ({}, {"css": "p { color: #777; }"}),
}


@pytest.mark.parametrize("case", sorted(WITHHELD))
def test_conformance_is_withheld_when_a_check_fails(case: str) -> None:
    """Each failed check alone withdraws the WCAG claim that the same article otherwise makes."""
    assert conformance(to_epub(described(), base_dir=FIXTURES))[0] == [f"conformance={CONFORMANCE}"]
    changes, options = WITHHELD[case]
    book = to_epub(described(**changes), base_dir=FIXTURES, **options)
    assert conformance(book) == ([], [])


def test_conformance_is_withheld_for_a_callers_templates(tmp_path: Path) -> None:
    """A caller's template folder (even one that changes nothing visible) withdraws the claim."""
    (tmp_path / "blocks").mkdir()
    paragraph = ROOT / "src/messenger_content/templates/default/blocks/paragraph.html"
    (tmp_path / "blocks" / "paragraph.html").write_bytes(paragraph.read_bytes())
    book = to_epub(described(), base_dir=FIXTURES, template_dir=tmp_path)
    assert conformance(book) == ([], [])


def test_images_without_an_alt_attribute_are_found_in_the_documents() -> None:
    """The document check finds an <img> without alt; alt="" (decorative) passes."""
    root = epub_markup.parse(
        epub_markup.xhtml(
            language="en",
            direction="ltr",
            title="t",
            body='<p><img src="a.png" alt="" /><img id="bare" src="b.png" /></p>\n',
        )
    )
    assert [image.get("id") for image in epub_markup.undescribed_images([root])] == ["bare"]


def test_every_image_is_embedded_with_its_media_type(books: dict[str, bytes]) -> None:
    """Each image in the manifest exists, and its media type matches its bytes."""
    kinds = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
    for name, book in books.items():
        files = read(book)
        for item in opf(book).findall("opf:manifest/opf:item", NS):
            if item.get("media-type", "").startswith("image/"):
                with PILImage.open(io.BytesIO(files[f"EPUB/{item.get('href')}"])) as image:
                    assert kinds[str(image.format)] == item.get("media-type"), name


def test_no_remote_resources(books: dict[str, bytes]) -> None:
    """Nothing but hyperlinks points outside the book: no remote src, stylesheet or url()."""
    for name, book in books.items():
        for document, root in documents(book):
            for element in root.iter(etree.Element):
                for attribute in ("src", "srcset", "poster", "data"):
                    value = element.get(attribute)
                    assert value is None or "://" not in value, (name, document, value)
            for link in root.iter(f"{{{XHTML}}}link"):
                assert "://" not in (link.get("href") or ""), (name, document)
        css = read(book)["EPUB/style/epub.css"].decode("utf-8")
        assert "@import" not in css
        assert "url(" not in css
        properties = [i.get("properties") or "" for i in opf(book).iter(f"{{{OPF}}}item")]
        assert not any("remote-resources" in p for p in properties)


def test_content_has_no_script(books: dict[str, bytes]) -> None:
    """No document has a script element, an on* attribute or a javascript: link."""
    for name, book in books.items():
        for document, root in documents(book):
            assert not list(root.iter(f"{{{XHTML}}}script")), (name, document)
            for element in root.iter(etree.Element):
                assert not [a for a in element.attrib if a.lower().startswith("on")]
                assert not (element.get("href") or "").lower().startswith("javascript:")


# --- documents --------------------------------------------------------------------


def test_language_and_direction_on_every_document(books: dict[str, bytes]) -> None:
    """The package element and every XHTML document carry the language and direction.

    The package element has xml:lang (and dir when right to left); every XHTML
    document (navigation included) has lang, xml:lang and dir.
    """
    for name, book in books.items():
        language = book_language(SOURCES[name][0].language)
        direction = text_direction(language)
        assert dc(book, "language") == [language]
        package = opf(book)
        assert package.get(XML_LANG) == language, name
        assert package.get("dir") == ("rtl" if direction == "rtl" else None), name
        for document, root in documents(book):
            assert root.get("lang") == language, (name, document)
            assert root.get(XML_LANG) == language, (name, document)
            assert root.get("dir") == direction, (name, document)


@pytest.mark.parametrize("name", ["arabic", "hebrew-without-lead"])
def test_right_to_left_spine(books: dict[str, bytes], name: str) -> None:
    """Right-to-left books turn their pages right to left; others leave the default."""
    spine = opf(books[name]).find("opf:spine", NS)
    assert spine is not None
    assert spine.get("page-progression-direction") == "rtl"
    ltr = opf(books["armenian"]).find("opf:spine", NS)
    assert ltr is not None
    assert ltr.get("page-progression-direction") is None


def test_relative_links_are_resolved_or_dropped(books: dict[str, bytes]) -> None:
    """Relative links point at the article's URL; links the book cannot follow keep only text."""
    with_url = xml(books["every-block"], "EPUB/article.xhtml")
    hrefs = {a.text: a.get("href") for a in with_url.iter(f"{{{XHTML}}}a")}
    assert hrefs["relative link"] == "https://news.example.org/other-story"
    assert hrefs["link to a heading"] == "#what-next"
    assert hrefs["link to nothing"] is None
    assert hrefs["desk@example.org"] == "mailto:desk@example.org"
    assert hrefs["A related story"] == "https://news.example.org/city/related-story"
    cites = [q.get("cite") for q in with_url.iter(f"{{{XHTML}}}blockquote") if q.get("cite")]
    assert cites == ["https://news.example.org/sources/somewhere"]
    without_url = xml(books["every-block-no-url-no-lead"], "EPUB/article.xhtml")
    anchors = {a.text: a for a in without_url.iter(f"{{{XHTML}}}a")}
    assert anchors["relative link"].get("href") is None
    assert anchors["Ada Lovelace"].get("href") is None
    assert anchors["Ada Lovelace"].get("rel") is None
    assert anchors["web link"].get("href") == "https://example.org/a?b=1&c=2"


def toc_entries(root: etree._Element, *, nav: bool) -> list[tuple[int, str, str]]:
    """(depth, label, target) of every table-of-contents entry, in order."""
    entries: list[tuple[int, str, str]] = []

    def walk(element: etree._Element, depth: int) -> None:
        if nav:
            for item in element.findall("x:ol/x:li", NS):
                link = item.find("x:a", NS)
                entries.append((depth, "".join(link.itertext()), link.get("href") or ""))
                walk(item, depth + 1)
        else:
            for point in element.findall("ncx:navPoint", NS):
                label = point.findtext("ncx:navLabel/ncx:text", namespaces=NS) or ""
                target = point.find("ncx:content", NS).get("src") or ""
                entries.append((depth, label, target))
                walk(point, depth + 1)

    if nav:
        toc = root.find(".//x:nav[@epub:type='toc']", NS)
        assert toc is not None
        walk(toc, 0)
    else:
        walk(root.find("ncx:navMap", NS), 0)
    return entries


def test_table_of_contents_in_nav_and_ncx(books: dict[str, bytes]) -> None:
    """The nav document and the NCX list the article and its headings, nested by level."""
    book = books["every-block"]
    expected = [
        (0, every_block().headline, "article.xhtml"),
        (1, "What next?", "article.xhtml#what-next"),
        (2, "A level 4", "article.xhtml#a-level-4"),
        (2, "What next?", "article.xhtml#what-next-2"),
    ]
    assert toc_entries(xml(book, "EPUB/nav.xhtml"), nav=True) == expected
    assert toc_entries(xml(book, "EPUB/toc.ncx"), nav=False) == expected
    article = xml(book, "EPUB/article.xhtml")
    for _, _, target in expected[1:]:
        anchor = target.partition("#")[2]
        assert article.xpath("//*[@id=$id]", id=anchor), anchor
    spine = opf(book).find("opf:spine", NS)
    assert spine is not None
    assert spine.get("toc") == "ncx"


def test_landmarks_name_cover_and_start(books: dict[str, bytes]) -> None:
    """The landmarks point at the cover page and the start of the article; the guide agrees."""
    for book in books.values():
        nav = xml(book, "EPUB/nav.xhtml")
        links = nav.findall(".//x:nav[@epub:type='landmarks']/x:ol/x:li/x:a", NS)
        assert [(a.get(f"{{{OPS}}}type"), a.get("href")) for a in links] == [
            ("cover", "cover.xhtml"),
            ("bodymatter", "article.xhtml"),
        ]
        guide = opf(book).findall("opf:guide/opf:reference", NS)
        assert [(r.get("type"), r.get("href")) for r in guide] == [
            ("cover", "cover.xhtml"),
            ("text", "article.xhtml"),
        ]


def cover_item(book: bytes) -> etree._Element:
    (item,) = opf(book).findall("opf:manifest/opf:item[@properties='cover-image']", NS)
    return item


def test_cover_with_a_lead_image(books: dict[str, bytes]) -> None:
    """The lead image is the cover image, shown with the headline on the first page of the spine."""
    book = books["armenian"]
    article = SOURCES["armenian"][0]
    item = cover_item(book)
    assert item.get("href") == "images/image-1.jpg"
    assert read(book)["EPUB/images/image-1.jpg"] == (FIXTURES / "gyumri-theatre.jpg").read_bytes()
    legacy = opf(book).find("opf:metadata/opf:meta[@name='cover']", NS)
    assert legacy is not None
    assert legacy.get("content") == item.get("id")
    first = opf(book).find("opf:spine/opf:itemref", NS)
    assert first is not None
    assert first.get("idref") == "cover"
    page = xml(book, "EPUB/cover.xhtml")
    (image,) = page.iter(f"{{{XHTML}}}img")
    assert image.get("src") == "images/image-1.jpg"
    assert image.get("alt") == article.lead_image.alt  # type: ignore[union-attr]
    assert article.headline in "".join(page.itertext())


@pytest.mark.parametrize("name", ["example-kardashian-armenian-genocide", "arabic", "minimal"])
def test_typographic_cover_without_a_lead_image(books: dict[str, bytes], name: str) -> None:
    """Without a lead image, a drawn PNG cover (publication, headline, date) is the cover image."""
    book = books[name]
    article = SOURCES[name][0]
    item = cover_item(book)
    assert (item.get("href"), item.get("media-type")) == ("images/cover.png", "image/png")
    data = read(book)["EPUB/images/cover.png"]
    with PILImage.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 1800)
        assert "tIME" not in data.decode("latin-1")
        # Not a blank page: ink and accent colours are both present.
        assert len(image.convert("RGB").getcolors(1 << 16) or ()) > 20
    page = xml(book, "EPUB/cover.xhtml")
    (image_element,) = page.iter(f"{{{XHTML}}}img")
    assert image_element.get("role") == "doc-cover"
    assert article.headline in (image_element.get("alt") or "")


def test_typographic_cover_differs_by_article(books: dict[str, bytes]) -> None:
    """The drawn cover shows each article's own text."""
    covers = {read(books[n])["EPUB/images/cover.png"] for n in ("arabic", "minimal")}
    assert len(covers) == 2


@pytest.mark.parametrize("language", ["ja", "zh-Hant", "th", "en", "ar"])
def test_typographic_cover_takes_line_breaks_as_spaces(language: str) -> None:
    """A headline's line breaks and tabs are spaces on the cover, in every script's wrapping.

    Raqm refused to lay out a line break in an unspaced (Japanese) headline, so
    the book failed with a RuntimeError (found by the hypothesis properties).
    """

    def cover(headline: str) -> bytes:
        article = mc.Article(headline=headline, language=language, body=[])
        return read(to_epub(article))["EPUB/images/cover.png"]

    assert cover("\nx\ty \n") == cover("x y")


def test_article_document_keeps_the_theme_markup(books: dict[str, bytes]) -> None:
    """The article document is the HTML exporter's <article>, in the XHTML namespace."""
    root = xml(books["arabic"], "EPUB/article.xhtml")
    body = root.find("x:body", NS)
    assert body is not None
    assert body.get(f"{{{OPS}}}type") == "bodymatter"
    article = body.find("x:article", NS)
    assert article is not None
    headline = article.find(".//x:h1", NS)
    assert headline is not None
    assert headline.text == SOURCES["arabic"][0].headline
    assert article.findall(".//x:blockquote", NS)
    assert not article.findall(".//x:form", NS)
    stylesheet = root.find("x:head/x:link[@rel='stylesheet']", NS)
    assert stylesheet is not None
    assert stylesheet.get("href") == "style/epub.css"


# --- a second reader --------------------------------------------------------------


TEXT_ELEMENTS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption")


def block_texts(book: bytes) -> list[str]:
    """The text of every paragraph, heading, list item and caption of the article document."""
    root = xml(book, "EPUB/article.xhtml")
    texts = []
    for element in root.iter(*(f"{{{XHTML}}}{name}" for name in TEXT_ELEMENTS)):
        text = " ".join(reading(element).split())
        if text:
            texts.append(text)
    return texts


def reading(element: etree._Element) -> str:
    """The text of *element* as a reader shows it: a line break reads as white space."""
    parts = [element.text or ""]
    for child in element:
        parts.append(" " if child.tag == f"{{{XHTML}}}br" else reading(child))
        parts.append(child.tail or "")
    return "".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["example-night-bus-pilot", "armenian", "arabic", "every-block"])
def test_pandoc_reads_the_whole_text(books: dict[str, bytes], name: str, tmp_path: Path) -> None:
    """pandoc, an independent EPUB reader, gets every paragraph, heading, item and caption back."""
    pandoc = shutil.which("pandoc")
    assert pandoc is not None, "pandoc is the second reader: run scripts/setup --test"
    path = tmp_path / f"{name}.epub"
    path.write_bytes(books[name])
    found = subprocess.run(
        [pandoc, "-f", "epub", "-t", "plain", "--wrap=none", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = " ".join(found.split())
    article = SOURCES[name][0]
    texts = block_texts(books[name])
    # The article document itself holds every paragraph and heading of the model.
    joined = " ".join(texts)
    for block in article.body:
        if isinstance(block, (mc.Paragraph, mc.Heading)) and not any(
            isinstance(item, mc.Link) and item.text is None for item in block.text
        ):
            assert " ".join(plain_text(block.text).split()) in joined
    for text in [article.headline, *texts]:
        assert text in flat, text


# --- options and failures -----------------------------------------------------------


def test_extra_css_is_appended(tmp_path: Path) -> None:
    """css= adds rules after the theme's stylesheet."""
    book = to_epub(minimal(), css="p { color: teal; }")
    css = read(book)["EPUB/style/epub.css"].decode("utf-8")
    assert css.rstrip().endswith("p { color: teal; }")
    assert ".headline" in css


@pytest.mark.parametrize(
    ("css", "message"),
    [
        ("@import 'https://fonts.example.com/x.css';", "@import"),
        ("@\\69mport 'https://fonts.example.com/x.css';", "@import"),  # an escaped "i"
        ("@IMPORT url(data:text/css,p{});", "@import"),  # even of a data: URI
        ("body { background: url(https://example.com/x.png); }", "https://example.com/x.png"),
        ("body { background: u\\72l(https://example.com/x.png); }", "https://example.com/x.png"),
        ("body { background: URL( 'x.png' ); }", "'x.png'"),
        ("@media print { p { background: url(x.png) } }", "'x.png'"),
        ("@font-face { font-family: X; src: url('fonts/x.woff2'); }", "a font"),
        (
            f"@font-face {{ font-family: X; src: url({DOT_PNG}), url(x.woff2); }}",
            "a font from 'x.woff2'",
        ),
        ("body { background: url(da\\74 a:x) url(//evil.example/y); }", "//evil.example/y"),
    ],
)
def test_css_that_loads_anything_is_refused(css: str, message: str) -> None:
    """A stylesheet that would load a file from outside the book, escapes or not, is refused."""
    with pytest.raises(mc.ExportError, match="stylesheet") as raised:
        to_epub(minimal(), css=css)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "css",
    [
        f"body {{ background-image: url({DOT_PNG}); }}",
        f"body {{ background-image: url( '{DOT_PNG}' ); }}",
        f"@font-face {{ font-family: X; src: local(X), url({DOT_PNG}); }}",
        "p::before { content: 'url(https://example.com/x.png)'; }",  # a string, not a load
    ],
)
def test_css_that_loads_only_data_uris_is_allowed(css: str) -> None:
    """url() with a data: URI, local() fonts and strings load nothing remote: accepted."""
    book = to_epub(minimal(), css=css)
    assert read(book)["EPUB/style/epub.css"].decode("utf-8").rstrip().endswith(css)


def test_template_dir_replaces_the_stylesheet(tmp_path: Path) -> None:
    """An epub.css in the template folder replaces the theme's."""
    (tmp_path / "epub.css").write_text("body { margin: 1em; }\n", encoding="utf-8")
    book = to_epub(minimal(), template_dir=tmp_path)
    assert read(book)["EPUB/style/epub.css"] == b"body { margin: 1em; }\n"


def test_refused_image_raises_resource_error(tmp_path: Path) -> None:
    """An image outside the article's folder is refused by the resource policy."""
    article = minimal(body=[mc.Image(src="../secret.png", alt="x")])
    with pytest.raises(mc.ResourceError):
        to_epub(article, base_dir=tmp_path)


def test_remote_image_is_not_fetched_by_default() -> None:
    """An http(s) image is refused unless allow_remote is set."""
    article = minimal(lead_image=mc.Image(src="https://example.com/photo.jpg", alt="x"))
    with pytest.raises(mc.ResourceError, match="remote"):
        to_epub(article)


def test_export_writes_an_epub(tmp_path: Path) -> None:
    """mc.export picks the EPUB exporter from the .epub suffix and the name "epub"."""
    target = tmp_path / "out.epub"
    mc.export(minimal(), target)
    assert target.read_bytes() == to_epub(minimal())
    assert mc.export(minimal(), "epub") == to_epub(minimal())


def test_dates_outside_common_years() -> None:
    """Years before 1000 and at 9999 still give four-digit, valid package dates."""
    early = mc.loads('{"headline": "x", "body": [], "published": "0042-03-04T05:06:07+01:00"}')
    late = mc.loads('{"headline": "x", "body": [], "updated": "9999-12-31T23:30:00-05:00"}')
    assert meta_values(to_epub(early), "dcterms:modified") == ["0042-03-04T04:06:07Z"]
    assert dc(to_epub(early), "date") == ["0042-03-04T04:06:07Z"]
    assert meta_values(to_epub(late), "dcterms:modified") == ["9999-12-31T23:30:00Z"]


def test_ebooklib_failing_to_write_is_an_export_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """write_epub reports failure by its result (not only by raising): both are ExportErrors."""
    from ebooklib import epub as ebooklib_epub

    monkeypatch.setattr(ebooklib_epub, "write_epub", lambda *args, **kwargs: False)
    with pytest.raises(mc.ExportError, match="ebooklib could not write"):
        to_epub(minimal())

    def fail(*args: object, **kwargs: object) -> bool:
        raise OSError("disk full")

    monkeypatch.setattr(ebooklib_epub, "write_epub", fail)
    with pytest.raises(mc.ExportError, match="disk full"):
        to_epub(minimal())


def test_broken_theme_markup_is_an_export_error(tmp_path: Path) -> None:
    """A user template that is not well-formed XML gives an ExportError, not a broken book."""
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "paragraph.html").write_text("<p>{{ block.text }}<br></p>\n")
    with pytest.raises(mc.ExportError, match="well-formed"):
        to_epub(minimal(), template_dir=tmp_path)


def test_theme_scripts_handlers_and_nested_links_are_cleaned(tmp_path: Path) -> None:
    """A theme's scripts, on* attributes (any case or namespace) and links in links are removed."""
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "paragraph.html").write_text(
        '<p id="p" class="c" data-on="kept" onClick="a()" ONLOAD="b()" oNx="c" one="d"'
        ' xmlns:h="urn:h" h:onfoo="e" h:lang="kept" lang="EN-a-bb-a-cc">'
        "<script>bad()</script>{{ block.text }}"
        '<a href="#p" onmouseover="f()">outer <a href="https://b.example/">inner</a></a></p>\n',
        encoding="utf-8",
    )
    root = xml(to_epub(minimal(), template_dir=tmp_path), "EPUB/article.xhtml")
    paragraph = next(root.iter(f"{{{XHTML}}}p"))
    assert dict(paragraph.attrib) == {
        "id": "p",
        "class": "c",
        "data-on": "kept",
        "{urn:h}lang": "kept",
        "lang": "EN-a-bb",
    }
    assert not list(root.iter(f"{{{XHTML}}}script"))
    links = list(paragraph.iter(f"{{{XHTML}}}a"))
    assert [(dict(a.attrib), "".join(a.itertext())) for a in links] == [
        ({"href": "#p"}, "outer inner")
    ]


def test_ebooklib_is_not_imported_by_the_package() -> None:
    """Importing the package (and the HTML exporter) leaves ebooklib and lxml unloaded."""
    code = (
        "import sys, messenger_content\n"
        "from messenger_content.exporters import html\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ebooklib', 'lxml')))\n"
    )
    found = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert found.stdout.strip() == "[]"


def test_epub_format_is_registered() -> None:
    """The registry's epub entry points at this module and matches its constants."""
    from messenger_content.exporters import FORMATS

    entry = FORMATS["epub"]
    assert entry.exporter() is to_epub
    assert (entry.suffix, entry.media_type) == (epub_module.SUFFIX, epub_module.MEDIA_TYPE)
