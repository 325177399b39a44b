"""Format 1.1 in HTML, PDF and EPUB: tables, code and verse, embeds, dateline, corrections.

One article holds every new block (a table with an empty corner, empty and ragged
cells; code with a language; verse; an embed with a poster and one without; a
dateline; a dated and an undated correction), an Arabic article holds a table, and a
wide table stands alone. Each goes through the real checkers: vnu, axe-core,
EPUBCheck, DAISY Ace and the PDF/UA structure checks, and its words are looked for in
what each format shows.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import attrs
import pytest
from lxml import etree

import messenger_content as mc
from messenger_content import checks
from messenger_content.exporters.html import to_html
from messenger_content.exporters.jsonld import to_jsonld
from messenger_content.models import Correction, Embed, Link, Paragraph, Preformatted, Table
from messenger_content.theme import Media, plain_text
from tests.helpers import pdfua
from tests.helpers.checkers import Page, describe_axe, missing_tools, run_ace, run_axe
from tests.helpers.hostile import assert_safe_epub, assert_safe_html, assert_safe_pdf
from tests.validators import describe_epubcheck, describe_vnu, run_epubcheck, run_vnu, vnu_problems

DATA = Path(__file__).parent / "data" / "v11"
EVERY_BLOCK = DATA / "every-block.json"
ARABIC = DATA / "arabic-table.json"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _article(path: Path = EVERY_BLOCK) -> mc.Article:
    return mc.load(path)


def _wide_table() -> mc.Article:
    """An article whose one table is far wider than the column (it scrolls on screen)."""
    header = [f"Precinct column {n}" for n in range(1, 15)]
    rows = [[f"Supercalifragilistic{n}{m}" for m in range(14)] for n in range(4)]
    return mc.Article(
        headline="A table wider than the page",
        body=(
            Paragraph(text="Every precinct reported before midnight."),
            Table(caption="Returns by precinct", header_rows=(header,), rows=rows),
        ),
    )


def _long_table(rows: int = 160) -> mc.Article:
    """An article whose table runs over several printed pages."""
    return mc.Article(
        headline="Every ballot box in the county",
        body=(
            Table(
                caption="Ballot boxes",
                header_rows=(("Box", "Ballots cast", "Spoiled"),),
                rows=[(f"Box {n}", str(100 + n), str(n % 7)) for n in range(1, rows + 1)],
            ),
        ),
    )


def _edition() -> mc.Edition:
    """Two articles with corrections on one page, and the Arabic one."""
    return mc.Edition(
        title="The week at city hall",
        articles=(
            mc.EditionArticle(folder=DATA, article=_article()),
            mc.EditionArticle(folder=DATA, article=_article(ARABIC)),
            mc.EditionArticle(
                folder=DATA,
                article=attrs.evolve(_article(), id="again", headline="The budget, a day later"),
            ),
        ),
    )


def _words(text: str) -> set[str]:
    """The words of *text*, case folded; a hyphen that ends a line joins its word again."""
    text = unicodedata.normalize("NFKC", re.sub("[\u2010-]\n", "", text))
    return set(re.findall(r"\w+", text.casefold()))


def _shown_texts(article: mc.Article) -> list[str]:
    """The new parts' texts: cells, captions, code, verse, embeds' texts, corrections."""
    texts: list[str] = []
    for block in article.body:
        match block:
            case Table():
                if block.caption is not None:
                    texts.append(plain_text(block.caption))
                rows = (*block.header_rows, *block.rows)
                texts += [plain_text(cell) for row in rows for cell in row]
            case Preformatted():
                texts.append(block.text)
            case Embed():
                texts += [t for t in (block.title, block.provider) if t is not None]
                if block.fallback is not None:
                    texts.append(plain_text(block.fallback))
    texts += [plain_text(correction.text) for correction in article.corrections]
    texts += [t for t in (article.dateline,) if t is not None]
    return texts


def _shown_words(article: mc.Article) -> set[str]:
    """Every word of the new parts."""
    return _words(" ".join(_shown_texts(article)))


def _pdftotext(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def _epub_documents(book: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".xhtml")
        }


def _epub_text(book: bytes) -> str:
    root = _epub_documents(book)["EPUB/article.xhtml"]
    return " ".join(root.itertext())


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """The PDF/UA-1 files of the fixtures, and the long table's."""
    return {
        "every-block": mc.to_pdf(_article(), base_dir=DATA, pdf_variant="pdf/ua-1"),
        "arabic": mc.to_pdf(_article(ARABIC), base_dir=DATA, pdf_variant="pdf/ua-1"),
        "long-table": mc.to_pdf(_long_table()),
    }


@pytest.fixture(scope="module")
def books() -> dict[str, bytes]:
    """The EPUB books of the fixtures."""
    return {
        "every-block": mc.to_epub(_article(), base_dir=DATA),
        "arabic": mc.to_epub(_article(ARABIC), base_dir=DATA),
        "wide-table": mc.to_epub(_wide_table()),
        "edition": mc.to_epub(_edition()),
    }


# --- markup -------------------------------------------------------------------------------


def test_tables_have_a_caption_column_headers_and_rows_of_equal_width() -> None:
    """<caption>, <th scope=col> over <tbody>; ragged rows padded with empty cells, none lost."""
    root = etree.HTML(to_html(_article(), base_dir=DATA))
    (table,) = root.iter("table")
    assert "".join(table.find("caption").itertext()) == "Votes by ward, final count"
    head = table.findall("thead/tr")
    assert [[cell.tag, cell.get("scope"), cell.text] for cell in head[0]] == [
        ["td", None, None],
        ["th", "col", "Yes"],
        ["th", "col", "No"],
        ["th", "col", "Abstained"],
        ["td", None, None],
    ]
    rows = table.findall("tbody/tr")
    assert {len(row) for row in rows} == {5}
    # The empty corner makes the first column row headers.
    assert [(row[0].tag, row[0].get("scope"), row[0].text) for row in rows][:2] == [
        ("th", "row", "North ward"),
        ("th", "row", "South ward"),
    ]
    assert [cell.text for cell in rows[1]] == ["South ward", "3", None, "2", None]
    assert rows[3][4].text == "recount requested"


def test_a_table_scrolls_in_a_focusable_box_named_by_its_caption_on_screen_only() -> None:
    """Screen: a tabindex=0 group labelled by the caption; print and EPUB: the bare table."""
    article = _wide_table()
    box = etree.HTML(to_html(article)).find(".//div[@class='table-scroll']")
    assert box is not None
    assert box.get("tabindex") == "0"
    assert box.get("role") == "group"
    (caption,) = box.iter("caption")
    assert box.get("aria-labelledby") == caption.get("id")
    for media in ("print", "epub"):
        markup = to_html(article, media=media)
        assert "table-scroll" not in markup
        assert "<table" in markup


def test_code_keeps_its_white_space_and_language_and_verse_its_lines() -> None:
    """<pre><code class=language-python> holds the code as written; verse has a <br> per line."""
    article = _article()
    code, verse = (b for b in article.body if isinstance(b, Preformatted))
    for media in ("screen", "print", "epub"):
        markup = to_html(article, base_dir=DATA, media=media)
        root = etree.HTML(markup)
        (element,) = root.iter("code")
        assert element.get("class") == "language-python"
        assert element.getparent().tag == "pre"
        assert element.text == code.text
        (paragraph,) = root.findall(".//p[@class='verse']")
        assert len(paragraph.findall("br")) == verse.text.count("\n")
        assert "".join(paragraph.itertext()) == verse.text.replace("\n", "")


def test_an_embed_is_a_link_card_never_an_iframe() -> None:
    """A real link with rel=noopener, the poster as an image; no iframe, object or script."""
    article = _article()
    for media in ("screen", "print", "epub"):
        markup = to_html(article, base_dir=DATA, media=media)
        assert not re.search(r"<(iframe|object|embed|video)\b", markup)
        assert_safe_html(markup, article, json_ld=media != "epub")
        root = etree.HTML(markup)
        cards = root.findall(".//figure[@class='embed']")
        assert len(cards) == 2
        links = [card.find(".//p[@class='embed-title']//a") for card in cards]
        assert [a.get("href") for a in links] == [
            "https://video.example/watch?v=council-42",
            "https://social.example/@harborledger/post/981",
        ]
        assert {a.get("rel") for a in links} == {"noopener"}
        (poster,) = root.iter("img")
        assert poster.get("src") == "poster.jpg"
        assert poster.get("alt") == "Council members seated around the chamber table"


def test_print_and_epub_print_the_address_screen_does_not() -> None:
    """'View online: {url}' where links cannot be followed; an untitled embed's URL shows once."""
    article = _article()
    cases: tuple[tuple[Media, int], ...] = (("screen", 0), ("print", 1), ("epub", 1))
    for media, shown in cases:
        markup = to_html(article, base_dir=DATA, media=media)
        assert markup.count("View online: ") == shown, media
        assert markup.count(">https://social.example/@harborledger/post/981<") == 1


def test_the_dateline_runs_into_the_first_paragraph() -> None:
    """<span class=dateline>SPRINGFIELD, Ill.</span> — then the paragraph's text."""
    markup = to_html(_article(), base_dir=DATA)
    assert '<p><span class="dateline">SPRINGFIELD, Ill.</span> \u2014 The council voted' in markup


def test_a_dateline_before_a_table_has_a_line_of_its_own() -> None:
    """When the body opens with another block, the dateline is a paragraph before it."""
    root = etree.HTML(to_html(_article(ARABIC)))
    body = root.find(".//div[@class='article-body']")
    assert [child.get("class") for child in body][:2] == ["dateline", "table-scroll"]
    assert body[0].text == "عمان"


def test_corrections_follow_the_body_with_dates_in_time_elements() -> None:
    """A labelled section after the body and before the footer; a dated one starts 'Corrected'."""
    article = attrs.evolve(_article(), tags=("harbor",))
    root = etree.HTML(to_html(article, base_dir=DATA))
    (element,) = root.iter("article")
    names = [child.get("class") for child in element]
    assert names[-3:] == ["article-body", "corrections", "article-footer"]
    section = element[-2]
    assert section.tag == "section"
    heading = section.find("h2")
    assert section.get("aria-labelledby") == heading.get("id")
    assert heading.text == "Corrections"
    items = section.findall("ul/li")
    assert "".join(items[0].itertext()) == (
        "Corrected December 2, 2026: An earlier version misstated the South ward abstentions."
    )
    assert items[0].find(".//time").get("datetime") == "2026-12-02"
    assert "".join(items[1].itertext()) == "The debate lasted three hours, not four."


def test_one_correction_is_a_paragraph_in_the_articles_language() -> None:
    """A single correction is a <p>; its label comes from the Arabic catalog, its date from CLDR."""
    root = etree.HTML(to_html(_article(ARABIC)))
    section = root.find(".//section[@class='corrections']")
    assert section.find("ul") is None
    paragraph = section.find("p")
    assert paragraph.find(".//time").get("datetime") == "2026-12-03"
    assert "Corrected" not in "".join(paragraph.itertext())
    assert root.get("dir") == "rtl"


def test_v1_articles_render_as_before() -> None:
    """No new class or element for an article without the new blocks and fields."""
    article = mc.load(Path(__file__).parent / "data" / "html" / "every-field.json")
    folder = Path(__file__).parent / "data" / "html"
    markup = to_html(article, base_dir=folder, allow_remote=True, fragment=True)
    for mark in ("dateline", "corrections", "<table", "<pre", "embed"):
        assert mark not in markup


def test_the_json_ld_carries_the_dateline_and_corrections() -> None:
    """schema.org NewsArticle `dateline` and `correction` (CorrectionComment, dated when known)."""
    data = to_jsonld(_article())
    assert data["dateline"] == "SPRINGFIELD, Ill."
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version misstated the South ward abstentions.",
            "datePublished": "2026-12-02",
        },
        {"@type": "CorrectionComment", "text": "The debate lasted three hours, not four."},
    ]


def test_an_editions_corrections_are_regions_of_their_own_names() -> None:
    """Each article's corrections are labelled by their heading and the article's headline."""
    root = etree.HTML(to_html(_edition()))
    sections = root.findall(".//section[@class='corrections']")
    assert len(sections) == 3
    names = []
    for section in sections:
        ids = section.get("aria-labelledby").split()
        assert len(ids) == 2
        names.append(" ".join("".join(root.find(f".//*[@id='{i}']").itertext()) for i in ids))
        assert section.find("h3") is not None  # under the edition's h1 and the headline's h2
    assert len({section.get("aria-labelledby") for section in sections}) == 3
    assert names[0] == "Corrections Council passes the harbor budget after a long night"


def test_an_edition_in_every_format_has_the_new_parts() -> None:
    """The edition's PDF and book show every word of its articles' tables, code and embeds."""
    edition = _edition()
    wanted = _shown_words(_article())
    assert wanted <= _words(_pdftotext(mc.to_pdf(edition)))
    book = mc.to_epub(edition)
    text = " ".join(" ".join(root.itertext()) for root in _epub_documents(book).values())
    assert wanted <= _words(text)


# --- images and links ----------------------------------------------------------------------


def test_checks_see_the_poster_as_an_image() -> None:
    """images() lists the poster at body[i].poster; a missing poster is an error there."""
    article = _article()
    assert [path for path, _ in checks.images(article)] == ["body[4].poster"]
    assert checks.image_problems(article, DATA) == ()
    embed = article.body[4]
    assert isinstance(embed, Embed)
    assert embed.poster is not None
    gone = attrs.evolve(embed, poster=attrs.evolve(embed.poster, src="gone.jpg", alt=None))
    broken = attrs.evolve(article, body=(*article.body[:4], gone, *article.body[5:]))
    (problem,) = checks.image_problems(broken, DATA)
    assert problem.path == "body[4].poster.src"
    assert "gone.jpg" in problem.message
    assert [w.path for w in checks.publisher_warnings(broken)] == ["body[4].poster"]


def test_link_hints_look_in_cells_fallbacks_and_corrections() -> None:
    """A host-like relative link in a cell, an embed's fallback or a correction is hinted."""
    near = Link(href="www.example.com", text="the site")
    article = mc.Article(
        headline="Links everywhere",
        body=(
            Table(rows=((("see ", near),),)),
            Embed(url="https://video.example/v", fallback=("on ", near)),
        ),
        corrections=(Correction(text=("see ", near)),),
    )
    paths = [problem.path for problem in checks.link_hints(article)]
    assert paths == [
        "body[0].rows[0][0][1].href",
        "body[1].fallback[1].href",
        "corrections[0].text[1].href",
    ]
    assert ("body[1].url", "https://video.example/v") in list(checks.links(article))


def test_the_poster_is_copied_beside_a_written_page(tmp_path: Path) -> None:
    """images="copy" puts the poster in <stem>_files/ and the page refers to it there."""
    page = mc.export(_article(), tmp_path / "page.html", base_dir=DATA, images="copy")
    (src,) = etree.HTML(page.read_text(encoding="utf-8")).xpath("//img/@src")
    assert src.startswith("page_files/")
    assert (tmp_path / src).read_bytes() == (DATA / "poster.jpg").read_bytes()


def test_the_poster_is_stored_in_the_book(books: dict[str, bytes]) -> None:
    """The EPUB holds the poster as one of its images, and the card points at it."""
    root = _epub_documents(books["every-block"])["EPUB/article.xhtml"]
    (img,) = root.iter(f"{XHTML}img")
    with zipfile.ZipFile(io.BytesIO(books["every-block"])) as archive:
        assert archive.read(f"EPUB/{img.get('src')}") == (DATA / "poster.jpg").read_bytes()


# --- every word in every format ----------------------------------------------------------


def test_every_word_is_in_the_html() -> None:
    """The text of the screen page has every word of the new parts."""
    root = etree.HTML(to_html(_article(), base_dir=DATA))
    body = root.find(".//article")
    missing = _shown_words(_article()) - _words(" ".join(body.itertext()))
    assert not missing


def test_every_word_is_in_the_pdf(pdfs: dict[str, bytes]) -> None:
    """Pdftotext finds every word of the new parts, and the printed addresses."""
    text = _pdftotext(pdfs["every-block"])
    missing = _shown_words(_article()) - _words(text)
    assert not missing
    assert "View online: https://video.example/watch?v=council-42" in text


def test_every_word_is_in_the_epub(books: dict[str, bytes]) -> None:
    """The article document of the book has every word of the new parts."""
    missing = _shown_words(_article()) - _words(_epub_text(books["every-block"]))
    assert not missing


def test_no_active_content_anywhere(pdfs: dict[str, bytes], books: dict[str, bytes]) -> None:
    """No script, iframe or handler in the book, no JavaScript or launch action in the PDF."""
    assert_safe_epub(books["every-block"], _article())
    assert_safe_pdf(pdfs["every-block"])


# --- PDF -------------------------------------------------------------------------------------


def test_a_long_table_repeats_its_header_on_every_page(pdfs: dict[str, bytes]) -> None:
    """Over several pages, each page with rows of the table starts with its header row."""
    pages = _pdftotext(pdfs["long-table"]).split("\f")
    with_rows = [page for page in pages if "Box 1" in page or re.search(r"Box \d", page)]
    assert len(with_rows) >= 3
    for page in with_rows:
        assert "Ballots cast" in page
    assert "Box 160" in pages[len(with_rows) - 1]


def test_the_pdf_tags_the_table(pdfs: dict[str, bytes]) -> None:
    """The structure tree has Table, TR, TH and TD, and the PDF/UA checks hold."""
    for name in ("every-block", "arabic"):
        reader = pdfua.read(pdfs[name])
        types = {element.type for element in pdfua.structure_elements(reader)}
        assert {"/Table", "/TR", "/TH", "/TD"} <= types, name
        problems = [
            *pdfua.check_structure(reader),
            *pdfua.check_marked(reader),
            *pdfua.check_figures(reader),
            *pdfua.check_fonts(reader),
            *pdfua.check_headings(reader),
            *pdfua.check_tab_order(reader),
        ]
        assert problems == [], name


def test_code_stays_on_the_page() -> None:
    """A code line longer than the column wraps: every character is drawn inside the page."""
    line = "x = " + " + ".join(f"value_{n}" for n in range(60))
    article = mc.Article(headline="Long code", body=(Preformatted(text=line),))
    pdf = mc.to_pdf(article)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))  # type: ignore[union-attr]
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
    assert max(right) < width
    assert _words(line) <= _words(_pdftotext(pdf))


_TASHKIL = re.compile("[\u064b-\u065f\u0670]")


def test_the_arabic_table_renders_right_to_left(pdfs: dict[str, bytes]) -> None:
    """The Arabic article's page and table run right to left; its words reach the PDF."""
    root = etree.HTML(to_html(_article(ARABIC)))
    assert root.get("dir") == "rtl"
    assert root.find(".//table") is not None

    def letters(text: str) -> set[str]:
        text = _TASHKIL.sub("", re.sub("[\u200e\u200f\u202a-\u202e]", " ", text))
        return {word for word in _words(text) if not any(ch.isdigit() for ch in word)}

    missing = letters(" ".join(_shown_texts(_article(ARABIC)))) - letters(
        _pdftotext(pdfs["arabic"])
    )
    assert not missing


# --- the checkers ---------------------------------------------------------------------------


@pytest.mark.slow
def test_vnu_finds_nothing(tmp_path: Path) -> None:
    """vnu: no error or warning in the screen, print and EPUB markup of each fixture."""
    documents: dict[str, str] = {}
    for name, article in (
        ("every-block", _article()),
        ("arabic", _article(ARABIC)),
        ("wide", _wide_table()),
        ("edition", _edition()),
    ):
        documents[f"{name}.html"] = to_html(article, base_dir=DATA)
        documents[f"{name}-print.html"] = to_html(
            article, base_dir=DATA, media="print", stylesheet_href="print.css"
        )
        if isinstance(article, mc.Article):  # an edition's book makes its own documents
            documents[f"{name}.xhtml"] = to_html(article, base_dir=DATA, media="epub")
    for name, messages in run_vnu(documents, tmp_path).items():
        assert vnu_problems(messages) == [], f"{name}:\n{describe_vnu(vnu_problems(messages))}"


@pytest.mark.slow
@pytest.mark.skipif(missing_tools("axe") is not None, reason=str(missing_tools("axe")))
def test_axe_finds_nothing(tmp_path: Path) -> None:
    """axe-core: no WCAG 2.1 A/AA or best-practice violation, light and dark, wide tables too."""
    (tmp_path / "poster.jpg").write_bytes((DATA / "poster.jpg").read_bytes())
    pages: dict[str, Page] = {}
    for name, article in (
        ("every-block", _article()),
        ("arabic", _article(ARABIC)),
        ("wide", _wide_table()),
        ("edition", _edition()),
    ):
        path = tmp_path / f"{name}.html"
        path.write_text(to_html(article, base_dir=DATA), encoding="utf-8")
        for scheme in ("light", "dark"):
            pages[f"{name}-{scheme}"] = Page(path=path, color_scheme=scheme)
    for name, violations in run_axe(pages).items():
        assert violations == [], f"{name}:\n{describe_axe(violations)}"


@pytest.mark.slow
def test_epubcheck_finds_nothing(books: dict[str, bytes], tmp_path: Path) -> None:
    """EPUBCheck: no fatal error, error or warning in any of the books."""
    for name, report in run_epubcheck(books, tmp_path).items():
        counts = {key: report["checker"][key] for key in ("nFatal", "nError", "nWarning")}
        assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, (
            f"{name}:\n{describe_epubcheck(report)}"
        )


@pytest.mark.slow
@pytest.mark.skipif(missing_tools("ace") is not None, reason=str(missing_tools("ace")))
def test_ace_finds_nothing(books: dict[str, bytes], tmp_path: Path) -> None:
    """DAISY Ace: no violation, and the books claim WCAG 2.1 AA as their checks allow."""
    for name, report in run_ace(books, tmp_path).items():
        assert report.violations == (), f"{name}:\n{report.describe()}"
        assert report.outcome == "pass"
        assert report.metadata.get("dcterms:conformsTo") == (
            "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
        )
