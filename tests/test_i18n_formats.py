"""HTML, PDF and EPUB in the article's language, for every shipped catalog; overrides everywhere.

One article per language is rendered once in each format (fixtures below); the
tests read the outputs as a reader would: the HTML's visible text, the PDF's
text by ``pdftotext``, the EPUB's documents. vnu and EPUBCheck check all of
them in one Java run each.
"""

# Phrases in other scripts are the point here, look-alike letters included.
# ruff: noqa: RUF001

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree, html

from messenger_content import export
from messenger_content.cli import main
from messenger_content.codec import dumps
from messenger_content.exporters.epub import to_epub
from messenger_content.exporters.html import to_html
from messenger_content.exporters.markdown import to_markdown
from messenger_content.exporters.text import to_text
from messenger_content.i18n import LABEL_KEYS, format_date, format_list, labels_for
from messenger_content.models import Article, Author, Link, Newsletter, Paragraph, RelatedLink
from tests.helpers.i18n import (
    BOOK_WORDS,
    ENGLISH_WORDS,
    LANGUAGES,
    PUBLISHED,
    UPDATED,
    cldr_day,
    english_words,
)
from tests.validators import describe_epubcheck, describe_vnu, run_epubcheck, run_vnu, vnu_problems

pytestmark = pytest.mark.slow

WORDS = {**ENGLISH_WORDS, **BOOK_WORDS}

#: Authors of the right-to-left languages' PDFs, named in the language's script:
#: pdftotext orders a page's lines by the direction most of its letters run.
RTL_NAMES = {
    "ar": ("ليلى حداد", "سامي"),
    "he": ("דנה לוי", "יוסי"),
    "fa": ("مریم", "علی"),
}

XHTML = "{http://www.w3.org/1999/xhtml}"

#: Overrides used to show that labels= and --label reach every format.
OVERRIDES = {
    "by": "Words: {authors}",
    "published": "Out on {date}",
    "credit": "Photo © {credit}",
    "related": "See also",
    "contents": "In this story",
}


def story(tag: str, *names: str) -> Article:
    """An article in *tag* whose own text holds no English word, with every labelled part.

    It has no image, so it needs no files, and its EPUB gets a typographic
    cover with the date line.
    """
    return Article(
        headline="Ani",
        language=tag,
        authors=[Author(name=name) for name in names or ("Ani", "Lilit", "Aram")],
        published=PUBLISHED,
        updated=UPDATED,
        body=[
            Paragraph(text=[Link(href="https://a.example/", text="Ani")]),
            RelatedLink(title="Ani", url="https://a.example/r"),
            Newsletter(title="Ani", signup_url="https://a.example/s"),
        ],
        tags=["Ani"],
    )


def visible_text(markup: str) -> str:
    """The text of a page's body, as a reader sees it (no head, no scripts)."""
    root = html.document_fromstring(markup.encode("utf-8"))
    return " ".join(root.body.text_content().split())


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF by ``pdftotext``, without the bidi controls it wraps runs in."""
    found = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", found.stdout.decode("utf-8"))


def skeleton(text: str) -> str:
    """*text*'s letters and digits alone, in order: no marks, spaces or bidi controls.

    ``pdftotext`` may put a combining mark or a vowel sign on the other side of
    its letter (Hindi ``प्र``, Arabic ``نُ``), and writes no-break spaces as spaces.
    """
    return "".join(
        char
        for char in text
        if not unicodedata.category(char).startswith(("M", "Z", "C")) and not char.isspace()
    )


def book_documents(book: bytes) -> dict[str, etree._Element]:
    """A book's XHTML documents, parsed, by name."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".xhtml")
        }


def book_text(book: bytes) -> str:
    """Every word a book's documents show or name: text and ``alt`` attributes."""
    pieces: list[str] = []
    for root in book_documents(book).values():
        body = root.find(f"{XHTML}body")
        assert body is not None
        pieces.append("".join(body.itertext()))
        pieces += [image.get("alt") or "" for image in body.iter(f"{XHTML}img")]
    return " ".join(" ".join(pieces).split())


# --- one document per language and format --------------------------------------------


@pytest.fixture(scope="module")
def pages() -> dict[str, tuple[str, str]]:
    """The screen and print HTML of each language's article."""
    return {
        tag: (to_html(story(tag)), to_html(story(tag), media="print", stylesheet_href="print.css"))
        for tag in LANGUAGES
    }


@pytest.fixture(scope="module")
def pdfs() -> dict[str, str]:
    """The text of each language's PDF (one PDF per language)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from messenger_content.exporters.pdf import to_pdf

    return {tag: pdf_text(to_pdf(story(tag, *RTL_NAMES.get(tag, ())))) for tag in LANGUAGES}


@pytest.fixture(scope="module")
def books() -> dict[str, bytes]:
    """Each language's EPUB."""
    return {tag: to_epub(story(tag)) for tag in LANGUAGES}


# --- no English label, CLDR dates ------------------------------------------------------


@pytest.mark.parametrize("tag", [tag for tag in LANGUAGES if tag != "en"])
def test_no_english_label_in_html_pdf_or_epub(
    tag: str, pages: dict[str, tuple[str, str]], pdfs: dict[str, str], books: dict[str, bytes]
) -> None:
    """For each language, no English label in the HTML (screen, print), the PDF or the EPUB."""
    screen, printed = pages[tag]
    outputs = {
        "screen": visible_text(screen),
        "print": visible_text(printed),
        "pdf": pdfs[tag],
        "epub": book_text(books[tag]),
    }
    for name, text in outputs.items():
        assert english_words(text, tag, WORDS) == [], f"{tag} {name}: {text}"


def test_english_shows_its_labels(
    pages: dict[str, tuple[str, str]], pdfs: dict[str, str], books: dict[str, bytes]
) -> None:
    """In English the same outputs show the English words (so the check above can fail)."""
    screen, printed = pages["en"]
    assert english_words(visible_text(screen), "en", WORDS) == [
        "by",
        "published",
        "updated",
        "related_link",
        "sign_up",
        "related",
        "topics",
        "email",
    ]
    assert {"by", "published", "sign_up_at"} <= set(english_words(pdfs["en"], "en", WORDS))
    assert "sign_up_at" in english_words(visible_text(printed), "en", WORDS)
    assert {"contents", "cover"} <= set(english_words(book_text(books["en"]), "en", WORDS))


@pytest.mark.parametrize("tag", LANGUAGES)
def test_html_dates_are_cldr_dates_with_rfc3339_datetime(
    tag: str, pages: dict[str, tuple[str, str]]
) -> None:
    """The date lines are the language's phrases around CLDR's long date; datetime is RFC 3339."""
    labels = labels_for(tag)
    root = html.document_fromstring(pages[tag][0].encode("utf-8"))
    published = root.find_class("published")[0]
    assert published.text_content() == labels.format("published", date=format_date(PUBLISHED, tag))
    assert cldr_day(tag) in published.text_content()
    assert published.find("time").get("datetime") == "2023-07-28T10:05:00-04:00"
    updated = root.find_class("updated")[0]
    assert updated.text_content() == labels.format("updated", date=format_date(UPDATED, tag))
    assert updated.find("time").get("datetime") == "2023-07-29T01:30:00Z"
    assert published.get("lang") is None  # a translated phrase is in the page's language


@pytest.mark.parametrize("tag", LANGUAGES)
def test_pdf_dates_are_cldr_dates(tag: str, pdfs: dict[str, str]) -> None:
    """The PDF's date line is the language's phrase around CLDR's date, in logical order."""
    expected = labels_for(tag).format("published", date=format_date(PUBLISHED, tag))
    shown = date_line(pdfs[tag], expected)
    if rtl_words(expected):
        assert in_logical_order(shown, expected), f"{shown!r} does not show {expected!r}"
    else:
        assert skeleton(expected) in skeleton(shown)
        assert skeleton(cldr_day(tag)) in skeleton(shown)


@pytest.mark.parametrize("tag", LANGUAGES)
def test_epub_contents_cover_and_cover_date(tag: str, books: dict[str, bytes]) -> None:
    """The EPUB's contents heading and cover landmark are labels; its cover date is CLDR's."""
    labels = labels_for(tag)
    documents = book_documents(books[tag])
    nav = documents["EPUB/nav.xhtml"]
    (heading,) = nav.iter(f"{XHTML}h1")
    assert heading.text == labels.contents
    assert heading.get("lang") is None
    cover = nav.find(f".//{XHTML}a[@href='cover.xhtml']")
    assert cover is not None
    assert cover.text == labels.cover
    (image,) = documents["EPUB/cover.xhtml"].iter(f"{XHTML}img")
    assert (image.get("alt") or "").endswith(cldr_day(tag, PUBLISHED))


# --- right to left in the PDF -------------------------------------------------------------


def rtl_words(text: str) -> list[str]:
    """The right-to-left words of *text*, in order, marks and joiners left out.

    ``pdftotext`` may also see a gap after a mark set above its letter (Noto
    Kufi Arabic's ``نُشر`` comes out as ``نُ شر``): a space right after a mark
    is not taken for the end of a word.
    """
    kept = [
        char
        for index, char in enumerate(text)
        if not (char == " " and index and unicodedata.category(text[index - 1]) == "Mn")
    ]
    bare = "".join(char for char in kept if unicodedata.category(char)[0] not in "MC")
    words = re.findall(r"[^\W\d_]+", bare)
    return [word for word in words if unicodedata.bidirectional(word[0]) in ("R", "AL")]


def in_logical_order(line: str, expected: str) -> bool:
    """Whether a PDF *line* shows the phrase *expected* in logical order.

    ``pdftotext`` writes numbers and punctuation inside right-to-left text in
    visual order, so what is compared is the order of the right-to-left words
    (the phrase's words must follow one another in the line) and that every
    number of the phrase is there.
    """
    words, found = rtl_words(expected), rtl_words(line)
    runs = [found[start : start + len(words)] for start in range(len(found))]
    numbers = Counter(re.findall(r"\d+", line))
    numbers.subtract(re.findall(r"\d+", expected))
    return words in runs and all(count >= 0 for count in numbers.values())


def date_line(text: str, expected: str) -> str:
    """The line of a PDF's text that shows the date phrase *expected* (found by its first word)."""
    first_word = re.findall(r"[^\W\d_]+", skeleton(expected))[0]
    for line in text.splitlines():
        if first_word in skeleton(line):
            return line.strip()
    raise AssertionError(f"no line shows {expected!r} in:\n{text}")


@pytest.mark.parametrize("tag", sorted(RTL_NAMES))
def test_right_to_left_pdf_lines_in_logical_order(tag: str, pdfs: dict[str, str]) -> None:
    """In an Arabic or Hebrew PDF, the byline and the date line come out in logical order."""
    labels = labels_for(tag)
    names = RTL_NAMES[tag]
    lines = [skeleton(line) for line in pdfs[tag].splitlines()]
    byline = labels.format("by_many", authors=format_list(list(names), tag))
    assert skeleton(byline) in lines
    expected = labels.format("published", date=format_date(PUBLISHED, tag))
    shown = date_line(pdfs[tag], expected)
    assert in_logical_order(shown, expected), f"{shown!r} is not {expected!r}"
    assert not re.search("[A-Za-z]{3,}", byline + shown.replace("GMT", "").replace("UTC", ""))


# --- validators ---------------------------------------------------------------------------


def test_vnu_finds_no_error(pages: dict[str, tuple[str, str]], tmp_path: Path) -> None:
    """Every language's screen and print HTML passes the Nu HTML Checker without an error.

    Urdu and Dutch have no catalog: their English labels, marked, are checked too.
    """
    if shutil.which("java") is None:
        pytest.skip("vnu needs Java")
    documents = {f"{tag}.html": screen for tag, (screen, _) in pages.items()}
    documents |= {f"{tag}-print.html": printed for tag, (_, printed) in pages.items()}
    for tag in ("ur", "nl"):
        documents[f"{tag}.html"] = to_html(story(tag))
        documents[f"{tag}-print.html"] = to_html(
            story(tag), media="print", stylesheet_href="print.css"
        )
    found = run_vnu(documents, tmp_path)
    problems = {name: vnu_problems(messages) for name, messages in found.items()}
    assert {name: describe_vnu(p) for name, p in problems.items() if p} == {}


def test_epubcheck_finds_nothing(books: dict[str, bytes], tmp_path: Path) -> None:
    """Every language's EPUB passes EPUBCheck with no error, warning or usage message."""
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java")
    reports = run_epubcheck(books, tmp_path)
    assert {tag: describe_epubcheck(r) for tag, r in reports.items() if r["messages"]} == {}


# --- overrides in every format ----------------------------------------------------------------


def test_english_standing_in_is_marked() -> None:
    """Without a catalog, English labels carry lang="en" (and dir="ltr" in a right-to-left page)."""
    root = html.document_fromstring(to_html(story("ur", "Ani")).encode())
    for name in ("authors", "published", "related-label", "tags-label", "newsletter-label"):
        element = root.find_class(name)[0]
        assert (element.get("lang"), element.get("dir")) == ("en", "ltr"), name
    assert root.find_class("author")[0].find("bdi").get("lang") == "ur"


def test_labels_in_html() -> None:
    """labels= replaces phrases in the HTML; an overriding phrase is not marked English."""
    root = html.document_fromstring(to_html(story("nl", "Ani"), labels=OVERRIDES).encode())
    authors = root.find_class("authors")[0]
    assert authors.text_content() == "Words: Ani"
    assert authors.get("lang") is None
    assert root.find_class("published")[0].text_content().startswith("Out on ")
    assert root.find_class("related-label")[0].text_content() == "See also"
    assert root.find_class("tags-label")[0].get("lang") == "en"  # not overridden: English


def test_labels_in_pdf() -> None:
    """labels= reaches the PDF."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from messenger_content.exporters.pdf import to_pdf

    text = pdf_text(to_pdf(story("hy", "Ani"), labels=OVERRIDES))
    assert "Words: Ani" in text.splitlines()
    assert "Out on " in text


def test_labels_in_epub() -> None:
    """labels= reaches the EPUB's article, its contents heading and its cover's name."""
    documents = book_documents(to_epub(story("hy", "Ani"), labels={**OVERRIDES, "cover": "Front"}))
    text = "".join(documents["EPUB/article.xhtml"].itertext())
    assert "Words: Ani" in text
    nav = documents["EPUB/nav.xhtml"]
    assert [h.text for h in nav.iter(f"{XHTML}h1")] == ["In this story"]
    assert "Front" in "".join(nav.itertext())


@pytest.mark.parametrize("name", ["html", "txt", "md", "pdf", "epub"])
def test_export_passes_labels_to_every_format(name: str) -> None:
    """export() hands labels= to every format; a bad key fails the same way in each."""
    data = export(story("fr", "Ani"), name, labels=OVERRIDES)
    assert isinstance(data, bytes)
    if name == "pdf":
        text = pdf_text(data) if shutil.which("pdftotext") else ""
    elif name == "epub":
        text = "".join(book_documents(data)["EPUB/article.xhtml"].itertext())
    elif name == "html":
        text = visible_text(data.decode("utf-8"))
    else:
        text = data.decode("utf-8")
    if text:
        assert "Words: Ani" in text
    with pytest.raises(ValueError, match="unknown label 'bye'"):
        export(story("fr"), name, labels={"bye": "x"})


def test_text_and_markdown_take_the_same_overrides() -> None:
    """The text and Markdown exporters take the same mapping as HTML, PDF and EPUB."""
    for output in (
        to_text(story("de", "Ani"), labels=OVERRIDES),
        to_markdown(story("de", "Ani"), labels=OVERRIDES),
    ):
        assert "Words: Ani" in output
        assert "Out on " in output


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    """A German article's JSON file."""
    path = tmp_path / "story.json"
    path.write_text(dumps(story("de", "Ani")), encoding="utf-8")
    return path


def convert(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run ``convert`` in-process; return the exit code and what went to stderr."""
    code = main(["convert", *argv, "-q", "-j", "0"])
    return code, capsys.readouterr().err


def test_cli_label_reaches_every_format(
    article_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--label KEY=TEXT (repeatable) changes the words of every format."""
    out = tmp_path / "out"
    code, errors = convert(
        capsys,
        str(article_file),
        "-t",
        "all",
        "-o",
        f"{out}/",
        "--label",
        "by=Words: {authors}",
        "--label",
        "contents=In this story",
    )
    assert code == 0, errors
    assert "Words: Ani" in visible_text((out / "story.html").read_text(encoding="utf-8"))
    for suffix in ("txt", "md"):
        assert "Words: Ani" in (out / f"story.{suffix}").read_text(encoding="utf-8"), suffix
    book = book_documents((out / "story.epub").read_bytes())
    assert "Words: Ani" in "".join(book["EPUB/article.xhtml"].itertext())
    assert "In this story" in "".join(book["EPUB/nav.xhtml"].itertext())
    if shutil.which("pdftotext"):
        assert "Words: Ani" in pdf_text((out / "story.pdf").read_bytes())


def test_cli_labels_file_and_label_wins(
    article_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--labels FILE.json gives phrases; a --label for the same key wins over the file."""
    phrases = tmp_path / "labels.json"
    phrases.write_text(
        json.dumps({"by": "From the file: {authors}", "published": "On {date}"}), encoding="utf-8"
    )
    output = tmp_path / "story.txt"
    code, errors = convert(
        capsys,
        str(article_file),
        "-o",
        str(output),
        "--labels",
        str(phrases),
        "--label",
        "by=Words: {authors}",
    )
    assert code == 0, errors
    lines = output.read_text(encoding="utf-8").splitlines()
    assert "Words: Ani" in lines
    assert any(line.startswith("On ") for line in lines)
    assert "From the file" not in output.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--label", "bye=x"], "--label 'bye=x': unknown label 'bye' (known: "),
        (["--label", "by=x"], "--label 'by=x': label 'by' must hold {authors}"),
        (["--label", "by"], "--label 'by': expected KEY=TEXT"),
    ],
)
def test_cli_bad_label_exits_2(
    article_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    """A bad --label exits 2 naming the key (and the known keys); nothing is written."""
    output = tmp_path / "story.html"
    code, errors = convert(capsys, str(article_file), "-o", str(output), *options)
    assert code == 2
    assert message in errors
    if "known" in message:
        assert all(key in errors for key in LABEL_KEYS)
    assert not output.exists()


def test_cli_bad_labels_file_exits_2(
    article_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A labels file with an unknown key, or that is not an object of strings, exits 2."""
    for content, message in (
        ('{"bye": "x"}', "unknown label 'bye'"),
        ('["by"]', "expected a JSON object"),
        ("{", "--labels"),
    ):
        phrases = tmp_path / "labels.json"
        phrases.write_text(content, encoding="utf-8")
        code, errors = convert(
            capsys, str(article_file), "-o", str(tmp_path / "s.txt"), "--labels", str(phrases)
        )
        assert code == 2, content
        assert message in errors, errors


def test_batch_passes_labels_through_options(article_file: Path, tmp_path: Path) -> None:
    """convert_many(options={"labels": ...}) reaches every format; a bad key fails at once."""
    from messenger_content.batch import convert_many

    out = tmp_path / "out"
    report = convert_many(
        [article_file], ["html", "txt"], out, jobs=0, options={"labels": {"by": "Words: {authors}"}}
    )
    assert [result.failures for result in report.results] == [()]
    assert "Words: Ani" in visible_text((out / "story.html").read_text(encoding="utf-8"))
    assert "Words: Ani" in (out / "story.txt").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="unknown label 'bye'"):
        convert_many([article_file], ["txt"], tmp_path / "other", options={"labels": {"bye": "x"}})
    assert not (tmp_path / "other").exists()
