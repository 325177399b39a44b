"""The PDF exporter: text, structure, metadata, fonts, determinism and safety of the files.

The PDFs are read back with real tools: ``pdftotext`` (poppler) for the text,
pypdf for the objects, fontTools for the embedded font programs and
``qpdf --check`` for the file structure. Safety tests talk only to an HTTP
server they start on 127.0.0.1, which counts every request it receives.
"""

from __future__ import annotations

import http.server
import io
import json
import logging
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from PIL import Image as PILImage
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject
from typing_extensions import assert_never

import messenger_content as mc
from messenger_content import theme
from messenger_content.exporters.pdf import (
    PdfRenderer,
    harfbuzz_subsetting,
    supported_variants,
    to_pdf,
)
from messenger_content.models import (
    Article,
    Code,
    Divider,
    Embed,
    Emphasis,
    Heading,
    Image,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Preformatted,
    Quote,
    RelatedLink,
    Strong,
    Table,
    Text,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*/article.json"))
DATA = ROOT / "tests" / "data" / "pdf"
#: Articles in other scripts: Armenian, Arabic (right to left), Cyrillic with Greek.
SCRIPTS = sorted(DATA.glob("*.json"))

pytestmark = pytest.mark.slow


# --- helpers: articles and their text ----------------------------------------------------


def _load(path: Path) -> Article:
    return mc.load(path)


def _render(path: Path, **options: Any) -> bytes:
    return to_pdf(_load(path), base_dir=path.parent, **options)


@pytest.fixture(scope="module")
def rendered() -> Callable[[Path], bytes]:
    """Render each article once per module (A4, default options)."""
    cache: dict[Path, bytes] = {}

    def get(path: Path) -> bytes:
        if path not in cache:
            cache[path] = _render(path)
        return cache[path]

    return get


def _plain(text: Text, anchors: dict[str, str] | None = None) -> str:
    """The characters a reader sees for inline content.

    A link without text shows its target, or the heading it points to (*anchors*
    maps the body's heading anchors to their text).
    """
    parts: list[str] = []
    for item in text:
        match item:
            case str():
                parts.append(item)
            case Emphasis() | Strong():
                parts.append(_plain(item.text, anchors))
            case Link() if item.text is not None:
                parts.append(_plain(item.text, anchors))
            case Link():
                parts.append((anchors or {}).get(item.href[1:], item.href))
            case Code():
                parts.append(item.text)
            case LineBreak():
                parts.append("\n")
            case _:
                assert_never(item)
    return "".join(parts)


def _anchors(article: Article) -> dict[str, str]:
    """The body's heading anchors (as the theme names them) and the headings' text."""
    return {
        anchor: _plain(block.text)
        for index, anchor in theme.heading_ids(article.body).items()
        if isinstance(block := article.body[index], Heading)
    }


def _body_texts(article: Article) -> list[str]:
    """Every piece of body text a printed page shows, in reading order."""
    anchors = _anchors(article)
    texts: list[str] = []
    for block in article.body:
        match block:
            case Paragraph() | Heading():
                texts.append(_plain(block.text, anchors))
            case Quote():
                texts.append(_plain(block.text, anchors))
                texts.extend(t for t in (block.attribution, block.source) if t is not None)
            case Image():
                if block.caption is not None:
                    texts.append(_plain(block.caption, anchors))
                if block.credit is not None:
                    texts.append(block.credit)
            case ItemList():
                texts.extend(_plain(item, anchors) for item in block.items)
            case RelatedLink():
                texts.extend(t for t in (block.title, block.summary, block.url) if t is not None)
            case Newsletter():
                shown = (block.title, block.description, block.signup_url, block.legal)
                texts.extend(t for t in shown if t is not None)
            case Divider():
                pass
            case Table():
                # Cells are not in reading order here: pdftotext orders a table's cells its
                # own way (a row with an empty cell ends up after the next). _all_texts has
                # them, and tests/test_blocks_v11.py looks for their words.
                if block.caption is not None:
                    texts.append(_plain(block.caption, anchors))
            case Preformatted():
                texts.extend(line for line in block.text.split("\n") if line.strip())
            case Embed():
                texts.append(block.title if block.title is not None else block.url)
                texts.extend(t for t in (block.provider,) if t is not None)
                if block.fallback is not None:
                    texts.append(_plain(block.fallback, anchors))
                poster = block.poster
                if poster is not None and poster.caption is not None:
                    texts.append(_plain(poster.caption, anchors))
                if poster is not None and poster.credit is not None:
                    texts.append(poster.credit)
            case _:
                assert_never(block)
    return texts


def _all_texts(article: Article) -> list[str]:
    """Every piece of the article's own text that the printed page shows."""
    texts = [article.headline]
    if article.publication is not None:
        texts.append(article.publication.name)
        texts.extend(t for t in (article.publication.slogan,) if t is not None)
    texts.extend(t for t in (article.section, article.subheadline, article.rights) if t is not None)
    for author in article.authors:
        texts.append(author.name)
        texts.extend(t for t in (author.role,) if t is not None)
    texts.extend(article.tags)
    if article.lead_image is not None:
        texts.extend(_body_texts(attrs.evolve(article, body=(article.lead_image,))))
    texts.extend(t for t in (article.dateline,) if t is not None)
    texts.extend(_plain(correction.text) for correction in article.corrections)
    for block in article.body:
        if isinstance(block, Table):
            rows = (*block.header_rows, *block.rows)
            texts.extend(_plain(cell) for row in rows for cell in row)
    return texts + _body_texts(article)


def _pdftotext(pdf: bytes, *extra: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *extra, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def _normalize(text: str) -> str:
    """Compare text across line breaks: NFKC, case folded, no hyphens, spaces collapsed.

    Hyphens go because lines break after them: WeasyPrint's hyphenation adds
    U+2010, and pdftotext removes a hyphen-minus that ends a line, so neither
    side can tell which hyphens were in the text. Case is folded because the
    print stylesheet sets some texts (credits, kickers) in capitals.
    """
    text = re.sub("[\u2010-]\n", "", text)
    text = unicodedata.normalize("NFKC", text).replace("-", "").replace("\u2010", "")
    return " ".join(text.split()).casefold()


# --- helpers: fonts actually used on the pages -------------------------------------------


@attrs.define
class _FontUse:
    """A font of the PDF, what its program holds, and which of its glyphs the pages show."""

    name: str
    program: TTFont
    to_unicode: dict[int, str]
    cid_to_gid: Callable[[int], int]
    two_byte: bool
    codes: set[int] = attrs.field(factory=set)


def _parse_to_unicode(data: bytes) -> dict[int, str]:
    """Read a ToUnicode CMap's bfchar and bfrange entries."""
    text = data.decode("latin-1")
    mapping: dict[int, str] = {}

    def utf16(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be")

    for section in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", section):
            mapping[int(source, 16)] = utf16(target)
    for section in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", section
        ):
            start, end = int(low, 16), int(high, 16)
            if target.startswith("["):
                for offset, item in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", target)):
                    mapping[start + offset] = utf16(item)
            else:
                first = bytes.fromhex(target[1:-1])
                for offset in range(end - start + 1):
                    value = int.from_bytes(first, "big") + offset
                    mapping[start + offset] = value.to_bytes(len(first), "big").decode("utf-16-be")
    return mapping


def _read(pdf: bytes) -> Any:
    """Open a PDF with pypdf (typed loosely: PDF objects are dictionaries of anything)."""
    return PdfReader(io.BytesIO(pdf))


def _font_use(font: Any) -> _FontUse:
    """Open a PDF font: its embedded program (fontTools), ToUnicode and CID-to-GID maps."""
    two_byte = font["/Subtype"] == "/Type0"
    descendant = font["/DescendantFonts"][0].get_object() if two_byte else font
    descriptor = descendant["/FontDescriptor"].get_object()
    stream = next(
        descriptor[key].get_object()
        for key in ("/FontFile2", "/FontFile3", "/FontFile")
        if key in descriptor
    )
    program = TTFont(io.BytesIO(stream.get_data()), lazy=False)
    mapping: Any = descendant.get("/CIDToGIDMap", "/Identity") if two_byte else "/Identity"
    if mapping == "/Identity":

        def cid_to_gid(cid: int) -> int:
            return cid

    else:
        table = mapping.get_object().get_data()

        def cid_to_gid(cid: int) -> int:
            return int.from_bytes(table[2 * cid : 2 * cid + 2], "big")

    to_unicode = _parse_to_unicode(font["/ToUnicode"].get_object().get_data())
    return _FontUse(str(font["/BaseFont"]), program, to_unicode, cid_to_gid, two_byte)


_TOKEN = re.compile(rb"<<|>>|<[0-9A-Fa-f\s]*>|\(|\[|\]|/[^\s/\[\]<>()%]+|[^\s/\[\]<>()%]+")


def _operations(content: bytes) -> Iterator[tuple[list[Any], bytes]]:
    """Split a content stream into (operands, operator); hex strings become bytes.

    pypdf's own parser decodes some hex strings as UTF-16 text and cannot give
    back their bytes, so this small tokenizer reads the streams instead.
    WeasyPrint writes text as hex strings only; a literal string fails loudly.
    """
    operands: list[Any] = []
    stack: list[list[Any]] = []
    depth = 0
    for match in _TOKEN.finditer(content):
        token = match.group()
        if token == b"<<":
            depth += 1
        elif token == b">>":
            depth -= 1
            if depth == 0:
                operands.append("<<dict>>")
        elif depth:
            continue
        elif token == b"(":
            raise AssertionError("literal string in a content stream: not expected from WeasyPrint")
        elif token.startswith(b"<"):
            (stack[-1] if stack else operands).append(bytes.fromhex(token[1:-1].decode()))
        elif token == b"[":
            stack.append([])
        elif token == b"]":
            array = stack.pop()
            (stack[-1] if stack else operands).append(array)
        elif token.startswith(b"/"):
            (stack[-1] if stack else operands).append(token.decode())
        elif re.fullmatch(rb"[-+]?[0-9.]+", token):
            (stack[-1] if stack else operands).append(float(token))
        elif stack:
            raise AssertionError(f"operator {token!r} inside an array")
        else:
            yield operands, token
            operands = []


def _fonts_used(pdf: bytes) -> list[_FontUse]:
    """Every font the pages draw text with, and the character codes they draw."""
    reader = _read(pdf)
    fonts: dict[int, _FontUse] = {}

    def font_for(reference: Any) -> _FontUse:
        key = reference.idnum if isinstance(reference, IndirectObject) else id(reference)
        if key not in fonts:
            fonts[key] = _font_use(reference.get_object())
        return fonts[key]

    def walk(resources: Any, content: bytes) -> None:
        current: _FontUse | None = None
        font_dictionary = resources.get("/Font", DictionaryObject()).get_object()
        for operands, operator in _operations(content):
            if operator == b"Tf":
                current = font_for(font_dictionary.raw_get(operands[0]))
            elif operator in (b"Tj", b"'", b'"', b"TJ"):
                assert current is not None
                items = operands[0] if operator == b"TJ" else [operands[-1]]
                for raw in items:
                    if not isinstance(raw, bytes):
                        continue  # a kerning adjustment
                    if current.two_byte:
                        current.codes.update(struct.unpack(f">{len(raw) // 2}H", raw))
                    else:
                        current.codes.update(raw)
            elif operator == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject["/Subtype"] == "/Form":
                    inner = xobject.get("/Resources", resources).get_object()
                    walk(inner, xobject.get_data())

    for page in reader.pages:
        contents = page.get_contents()
        assert contents is not None
        walk(page["/Resources"].get_object(), contents.get_data())
    return [font for font in fonts.values() if font.codes]


def _has_ink(program: TTFont, gid: int) -> bool:
    name = program.getGlyphOrder()[gid]
    pen = BoundsPen(program.getGlyphSet())
    program.getGlyphSet()[name].draw(pen)
    return pen.bounds is not None


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_text_contains_every_paragraph_in_reading_order(
    path: Path, rendered: Callable[[Path], bytes]
) -> None:
    """The text pdftotext extracts has the headline, then every block's text, in order."""
    article = _load(path)
    text = _normalize(_pdftotext(rendered(path)))
    position = 0
    for piece in [article.headline, *_body_texts(article)]:
        wanted = _normalize(piece)
        found = text.find(wanted, position)
        assert found >= 0, f"not found after offset {position}: {wanted!r}"
        position = found + len(wanted)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_urls_a_reader_must_type_are_printed_and_clickable(
    path: Path, rendered: Callable[[Path], bytes]
) -> None:
    """Related-story and newsletter URLs are on the page as text and as link annotations."""
    article = _load(path)
    urls = [
        url
        for block in article.body
        if isinstance(block, (RelatedLink, Newsletter))
        and (url := block.url if isinstance(block, RelatedLink) else block.signup_url) is not None
    ]
    if not urls:
        pytest.skip("no related link or newsletter with a URL")
    pdf = rendered(path)
    text = _normalize(_pdftotext(pdf))
    reader = _read(pdf)
    targets = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    }
    for url in urls:
        assert _normalize(url) in text
        assert url in targets


def test_a_long_article_has_running_headers_and_page_numbers() -> None:
    """Pages after the first repeat publication and headline; every page says "n / N"."""
    article = _load(EXAMPLES[0])
    long = attrs.evolve(article, body=article.body * 4)
    pdf = to_pdf(long, base_dir=EXAMPLES[0].parent)
    pages = _pdftotext(pdf).split("\f")[:-1]
    count = len(pages)
    assert count >= 3
    assert article.publication is not None
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert f"{number}/{count}" in [line.replace(" ", "") for line in lines]
        header = " ".join(lines[:4]).casefold()
        if number > 1:
            assert article.publication.name.casefold() in header
            assert article.headline[:20].casefold() in header


def test_english_text_is_hyphenated() -> None:
    """Body text is hyphenated in the article's language (WeasyPrint's U+2010 at line ends)."""
    article = _load(EXAMPLES[0])
    pdf = to_pdf(attrs.evolve(article, body=article.body * 2), base_dir=EXAMPLES[0].parent)
    assert "\u2010\n" in _pdftotext(pdf)


# --- document structure and metadata -------------------------------------------------------


def _pdf_date(value: datetime) -> str:
    offset = value.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    zone = "Z" if minutes == 0 else f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}"
    return f"D:{value:%Y%m%d%H%M%S}{zone}"


@pytest.mark.parametrize("path", [*EXAMPLES, *SCRIPTS], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_metadata_comes_from_the_article(path: Path, rendered: Callable[[Path], bytes]) -> None:
    """Title, author, subject, keywords, language and both dates are the article's."""
    article = _load(path)
    reader = _read(rendered(path))
    info = reader.metadata
    assert info is not None
    assert info.title == article.headline
    if article.authors:
        assert info.author == ", ".join(author.name for author in article.authors)
    if article.summary is not None:
        assert info.subject == article.summary
    if article.tags:
        assert info["/Keywords"] == ", ".join(article.tags)
    assert reader.trailer["/Root"]["/Lang"] == article.language
    if article.published is not None:
        assert info["/CreationDate"] == _pdf_date(article.published)
        assert info["/ModDate"] == _pdf_date(article.updated or article.published)
    else:
        assert "/CreationDate" not in info
    assert info["/Producer"].startswith("WeasyPrint ")


def test_armenian_metadata_in_full(rendered: Callable[[Path], bytes]) -> None:
    """Every metadata field is present for an article that has them all."""
    reader = _read(rendered(DATA / "armenian.json"))
    info = reader.metadata
    assert info is not None
    assert info.title == "Երևանում բացվեց նոր հանրային գրադարան"
    assert info.author == "Արամ Պետրոսյան"
    assert str(info.subject).startswith("Արաբկիրում")
    assert info["/Keywords"] == "գրադարան, Երևան, մշակույթ"
    assert info["/CreationDate"] == "D:20240518113000+04'00"
    assert info["/ModDate"] == "D:20240518150500+04'00"
    assert reader.trailer["/Root"]["/Lang"] == "hy"


def _outline(reader: Any) -> list[tuple[int, str]]:
    entries: list[tuple[int, str]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title))

    walk(reader.outline, 0)
    return entries


@pytest.mark.parametrize("path", [*EXAMPLES, *SCRIPTS], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_outline_is_the_headline_and_the_headings(
    path: Path, rendered: Callable[[Path], bytes]
) -> None:
    """Bookmarks: the headline at the top, each heading under it by level, nothing else."""
    article = _load(path)
    expected = [(0, article.headline)]
    expected += [
        (block.level - 1, _plain(block.text))
        for block in article.body
        if isinstance(block, Heading)
    ]
    assert _outline(_read(rendered(path))) == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_pdf_is_tagged(path: Path, rendered: Callable[[Path], bytes]) -> None:
    """The PDF is tagged: a structure tree, marked content, the title shown by viewers."""
    root = _read(rendered(path)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
@pytest.mark.parametrize("path", [*EXAMPLES, *SCRIPTS], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_qpdf_check_is_clean(path: Path, rendered: Callable[[Path], bytes], tmp_path: Path) -> None:
    """The file passes `qpdf --check`: no syntax, stream or xref problem, no warning."""
    target = tmp_path / "article.pdf"
    target.write_bytes(rendered(path))
    result = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
@pytest.mark.parametrize("path", [EXAMPLES[0], DATA / "arabic.json"], ids=["ltr", "rtl"])
def test_page_size(paper: str, size: tuple[int, int], path: Path) -> None:
    """Every page is A4 (595x842 pt) or US Letter (612x792 pt), as asked, in both directions."""
    pdf = _render(path, paper=paper)
    for page in _read(pdf).pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


def test_unknown_paper_is_an_export_error() -> None:
    """A paper size other than a4 or letter is refused, naming the allowed ones."""
    with pytest.raises(mc.ExportError, match="a4, letter"):
        to_pdf(_load(EXAMPLES[0]), base_dir=EXAMPLES[0].parent, paper="a5")  # type: ignore[arg-type]


def test_user_css_comes_after_the_theme() -> None:
    """Extra CSS wins over the print stylesheet (here: the page size)."""
    pdf = _render(EXAMPLES[0], css="@page { size: A5 }")
    page = _read(pdf).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (420, 595)


def test_template_dir_print_css_replaces_the_theme(tmp_path: Path) -> None:
    """A print.css in the template folder is the stylesheet used instead of the default."""
    (tmp_path / "print.css").write_text("@page { size: 100mm 150mm; margin: 10mm }\n")
    pdf = _render(EXAMPLES[0], template_dir=tmp_path)
    page = _read(pdf).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (283, 425)


# --- determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*EXAMPLES, *SCRIPTS], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_two_renders_are_byte_identical(path: Path, rendered: Callable[[Path], bytes]) -> None:
    """The shared renderer and a fresh one give the same bytes: no clock, no random IDs."""
    fresh = PdfRenderer().render(_load(path), base_dir=path.parent)
    assert fresh == rendered(path)


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3u", "pdf/x-4"])
def test_variants_are_deterministic_too(variant: str) -> None:
    """PDF/UA, PDF/A (an MD5 file ID) and PDF/X-4 (a pinned XMP DocumentID) repeat exactly."""
    article = _load(DATA / "armenian.json")
    first = to_pdf(article, pdf_variant=variant)
    second = PdfRenderer().render(article, pdf_variant=variant)
    assert first == second


_RENDER_IN_A_CHILD = """
import sys
from pathlib import Path
import messenger_content as mc
from messenger_content.exporters import pdf
path = Path(sys.argv[1])
sys.stdout.buffer.write(pdf.to_pdf(mc.load(path), base_dir=path.parent))
"""


def test_another_process_writes_the_same_bytes(rendered: Callable[[Path], bytes]) -> None:
    """A fresh process with another hash seed writes the same file."""
    path = DATA / "arabic.json"
    result = subprocess.run(
        [sys.executable, "-c", _RENDER_IN_A_CHILD, str(path)],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "4242"},
    )
    assert result.stdout == rendered(path)


def test_pdf_x_document_id_comes_from_the_document() -> None:
    """PDF/X-4's XMP DocumentID keeps WeasyPrint's form and is drawn from each document."""
    ids = []
    for name in ("armenian.json", "arabic.json"):
        pdf = to_pdf(_load(DATA / name), pdf_variant="pdf/x-4")
        xmp = _read(pdf).trailer["/Root"]["/Metadata"].get_object().get_data()
        ids.append(re.findall(rb"<xmpMM:DocumentID>(xmp\.did:[0-9a-f-]{36})<", xmp))
    assert all(len(found) == 1 for found in ids)
    assert ids[0] != ids[1]


# --- PDF variants --------------------------------------------------------------------------


def test_unknown_variant_lists_the_supported_ones() -> None:
    """An unknown pdf_variant is an ExportError that lists what WeasyPrint supports."""
    with pytest.raises(mc.ExportError) as caught:
        to_pdf(_load(DATA / "armenian.json"), pdf_variant="pdf/z-9")
    message = str(caught.value)
    assert "'pdf/z-9'" in message
    for variant in supported_variants():
        assert variant in message
    assert {"pdf/ua-1", "pdf/a-3u"} <= set(supported_variants())


def test_variant_is_passed_to_weasyprint() -> None:
    """pdf/ua-1 writes the PDF/UA identification into the XMP metadata, tagged."""
    pdf = to_pdf(_load(DATA / "armenian.json"), pdf_variant="PDF/UA-1")
    reader = _read(pdf)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_pdf_x_without_a_date_is_refused() -> None:
    """PDF/X dates the file: without `published` WeasyPrint would use the clock, so refuse."""
    article = attrs.evolve(_load(DATA / "armenian.json"), published=None, updated=None)
    with pytest.raises(mc.ExportError, match="published"):
        to_pdf(article, pdf_variant="pdf/x-4")


# --- every script renders with real glyphs --------------------------------------------------


def _visible(text: str) -> set[str]:
    return {char for char in unicodedata.normalize("NFC", text) if not char.isspace()}


@pytest.mark.parametrize("path", [*SCRIPTS, *EXAMPLES], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_character_is_drawn_with_a_real_glyph(
    path: Path, rendered: Callable[[Path], bytes]
) -> None:
    """Each character of the article is drawn by an embedded font glyph with ink, none .notdef.

    For every text-showing operator on every page: the codes map (ToUnicode) to
    characters, through the CID-to-GID map to glyphs that exist in the embedded
    font program (parsed by fontTools), are not glyph 0 (.notdef), and have
    outlines. The union of the characters drawn covers the article's text.
    """
    article = _load(path)
    drawn: set[str] = set()
    for font in _fonts_used(rendered(path)):
        glyph_count = len(font.program.getGlyphOrder())
        for code in font.codes:
            gid = font.cid_to_gid(code)
            chars = font.to_unicode.get(code)
            assert chars is not None, f"{font.name}: code {code} has no ToUnicode entry"
            assert gid != 0, f"{font.name}: {chars!r} is drawn with .notdef"
            assert gid < glyph_count, f"{font.name}: glyph {gid} is not in the font program"
            if _visible(chars) and unicodedata.category(chars[0]) not in ("Zs", "Cf"):
                assert _has_ink(font.program, gid), f"{font.name}: {chars!r} has an empty glyph"
            drawn |= _visible(chars)
    wanted = set().union(*(_visible(text) for text in _all_texts(article)))
    # Capitals stand for their letters where the stylesheet uppercases (credits, kickers).
    missing = {char for char in wanted - drawn if char.upper() not in drawn}
    assert not missing, "not drawn: " + " ".join(f"U+{ord(c):04X} {c}" for c in sorted(missing))


def test_armenian_paragraphs_in_extracted_text(rendered: Callable[[Path], bytes]) -> None:
    """The text pdftotext extracts has every Armenian paragraph, in order."""
    article = _load(DATA / "armenian.json")
    text = _normalize(_pdftotext(rendered(DATA / "armenian.json")))
    position = 0
    for piece in _body_texts(article):
        wanted = _normalize(piece)
        found = text.find(wanted, position)
        assert found >= 0, f"not found: {wanted!r}"
        position = found + len(wanted)


#: Tashkil: pdftotext places some of these apart from their letters.
_TASHKIL = re.compile("[\u064b-\u065f\u0670]")
#: Bidi controls: pdftotext wraps runs in them.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e]")


def _arabic_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", _normalize(_TASHKIL.sub("", _BIDI.sub(" ", text)))))


def test_arabic_words_in_extracted_text(rendered: Callable[[Path], bytes]) -> None:
    """The text pdftotext extracts has every Arabic word (its bidi order is its own).

    CLDR's Arabic list pattern (``{0} و{1}``) writes "and" joined to the next
    author's name, as Arabic does: a name may come with ``و`` before it.
    """
    article = _load(DATA / "arabic.json")
    words = _arabic_words(_pdftotext(rendered(DATA / "arabic.json")))
    for piece in _all_texts(article):
        for word in _arabic_words(piece):
            assert word in words or f"\u0648{word}" in words, f"missing word {word!r}"


def _first_word_box(pdf: bytes, word: str) -> tuple[float, float, float]:
    """(xMin, xMax, page width) of the first occurrence of *word*, from pdftotext -bbox.

    Words come in visual order there: a right-to-left word is spelt backwards.
    """
    html = _pdftotext(pdf, "-bbox")
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    for x_min, x_max, text in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html
    ):
        if text in (word, word[::-1]):
            return float(x_min), float(x_max), width
    raise AssertionError(f"{word!r} is not on the page")


def test_right_to_left_article_is_set_from_the_right(rendered: Callable[[Path], bytes]) -> None:
    """In the Arabic PDF the headline starts at the right margin; in English, at the left."""
    arabic = _load(DATA / "arabic.json")
    _, x_max, width = _first_word_box(rendered(DATA / "arabic.json"), arabic.headline.split()[0])
    assert x_max > width * 0.85
    english = _load(EXAMPLES[0])
    x_min, _, width = _first_word_box(rendered(EXAMPLES[0]), english.headline.split()[0])
    assert x_min < width * 0.15


def test_fonts_are_subset_with_harfbuzz(caplog: pytest.LogCaptureFixture) -> None:
    """WeasyPrint finds libharfbuzz-subset (fast) and does not fall back to fontTools."""
    assert harfbuzz_subsetting()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        PdfRenderer().render(_load(DATA / "armenian.json"))
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()]


@pytest.mark.parametrize("path", [*EXAMPLES, *SCRIPTS], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_weasyprint_has_nothing_to_complain_about(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The print stylesheet and markup give WeasyPrint no warning or error to log."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        _render(path)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


# --- safety -------------------------------------------------------------------------------


def _png(size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


class _CountingServer(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that answers every GET with a PNG and counts requests."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CountingHandler)
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.port: int = self.socket.getsockname()[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    server: _CountingServer

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append(self.path)
        body = _png()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def server() -> Iterator[_CountingServer]:
    """A counting server for one test; a timer stops it after 60 s even if the test hangs."""
    httpd = _CountingServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    deadline = threading.Timer(60, httpd.shutdown)
    deadline.daemon = True
    deadline.start()
    try:
        yield httpd
    finally:
        deadline.cancel()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _article_with(folder: Path, *, src: str | None = None) -> Article:
    """A small article in *folder* (which holds photo.png), with an image block if *src*."""
    (folder / "photo.png").write_bytes(_png())
    body: list[Any] = [Paragraph(text="A paragraph before the picture.")]
    if src is not None:
        body.append(Image(src=src, alt="A picture"))
    return Article(headline="Safety test", body=tuple(body))


def test_the_server_is_reachable(server: _CountingServer) -> None:
    """Control: a plain request reaches the counting server, so a count of 0 means something."""
    import urllib.request

    with urllib.request.urlopen(server.url("/control.png"), timeout=5) as response:
        assert response.read() == _png()
    assert server.requests == ["/control.png"]


@pytest.mark.parametrize("allow_remote", [False, True])
def test_remote_image_reaches_no_server(
    server: _CountingServer, tmp_path: Path, allow_remote: bool
) -> None:
    """An image on 127.0.0.1 is refused without a request, remote fetching off or on."""
    src = server.url("/photo.png")
    article = _article_with(tmp_path, src=src)
    with pytest.raises(mc.ResourceError) as caught:
        to_pdf(article, base_dir=tmp_path, allow_remote=allow_remote)
    assert caught.value.src == src
    assert server.requests == []


@pytest.mark.parametrize(
    "css",
    [
        "@import url({url}/style.css);",
        "body {{ background: url({url}/background.png) }}",
        "@font-face {{ font-family: R; src: url({url}/font.woff2) }} p {{ font-family: R }}",
        "@page {{ @top-center {{ content: url({url}/logo.png) }} }}",
        "h1::after {{ content: url({url}/after.png) }}",
    ],
    ids=["import", "background", "font-face", "margin-box", "content"],
)
@pytest.mark.parametrize("allow_remote", [False, True])
def test_urls_named_by_css_reach_no_server(
    server: _CountingServer, tmp_path: Path, css: str, allow_remote: bool
) -> None:
    """Stylesheets, fonts and images named by user CSS are refused, and nothing is requested."""
    article = _article_with(tmp_path)
    with pytest.raises(mc.ResourceError):
        to_pdf(
            article,
            base_dir=tmp_path,
            allow_remote=allow_remote,
            css=css.format(url=f"http://127.0.0.1:{server.port}"),
        )
    assert server.requests == []


@pytest.mark.parametrize(
    "css",
    [
        "body { background: url(file:///etc/passwd) }",
        "@import url(file:///etc/passwd);",
        "body { background: url(/etc/hostname) }",
        "body { background: url(../outside.png) }",
        "@font-face { font-family: Local; src: url(photo.png) } p { font-family: Local }",
        "@import url(photo.png);",
    ],
    ids=["file-url", "file-import", "absolute-path", "parent-escape", "font-face", "import"],
)
def test_local_urls_named_by_css_are_refused(tmp_path: Path, css: str) -> None:
    """CSS cannot reach files outside the article's folder, nor load fonts or stylesheets."""
    (tmp_path.parent / "outside.png").write_bytes(_png())
    article = _article_with(tmp_path)
    with pytest.raises(mc.ResourceError):
        to_pdf(article, base_dir=tmp_path, css=css)


def test_css_may_name_an_image_in_the_article_folder(tmp_path: Path) -> None:
    """Control: an image next to the article passes the policy when CSS names it."""
    article = _article_with(tmp_path)
    pdf = to_pdf(article, base_dir=tmp_path, css="body { background: url(photo.png) }")
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("src", "reason"),
    [
        ("/etc/hostname", "absolute paths are not allowed"),
        ("../outside.png", "outside"),
        ("%2e%2e/outside.png", "outside"),
        ("missing.png", "not"),
        ("link.png", "outside"),
    ],
    ids=["absolute-path", "parent-escape", "encoded-escape", "missing", "symlink-out"],
)
def test_image_sources_outside_the_folder_are_refused(
    tmp_path: Path, src: str, reason: str
) -> None:
    """Absolute paths, ../ escapes and symlinks out are a ResourceError naming the source."""
    folder = tmp_path / "article"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(_png())
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    article = _article_with(folder, src=src)
    with pytest.raises(mc.ResourceError) as caught:
        to_pdf(article, base_dir=folder)
    assert caught.value.src == src
    assert reason in str(caught.value)


def test_file_url_image_source_is_refused_by_the_model() -> None:
    """A file: URL never becomes an article: the model refuses it with a ValidationError."""
    with pytest.raises(mc.ValidationError, match="src"):
        Article(headline="x", body=(Image(src="file:///etc/passwd", alt="x"),))


def test_relative_image_in_the_folder_is_embedded(tmp_path: Path) -> None:
    """Control: an image in the article's folder is read and drawn."""
    pdf = to_pdf(_article_with(tmp_path, src="photo.png"), base_dir=tmp_path)
    reader = _read(pdf)
    resources = reader.pages[0]["/Resources"].get_object()
    images = [
        x.get_object()
        for x in resources.get("/XObject", {}).values()
        if x.get_object()["/Subtype"] == "/Image"
    ]
    assert [(int(i["/Width"]), int(i["/Height"])) for i in images] == [(4, 3)]


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims *width* x *height* pixels."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    """An image claiming 100,000 x 100,000 pixels is refused before anything decodes it."""
    article = _article_with(tmp_path, src="bomb.png")
    (tmp_path / "bomb.png").write_bytes(_png_claiming(100_000, 100_000))
    with pytest.raises(mc.ResourceError, match="decompression bomb"):
        to_pdf(article, base_dir=tmp_path)


def test_oversized_image_file_is_refused(tmp_path: Path) -> None:
    """An image file over the byte limit (20 MiB) is refused from its size, unread."""
    article = _article_with(tmp_path, src="huge.png")
    with (tmp_path / "huge.png").open("wb") as stream:
        stream.write(_png())
        stream.truncate(21 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(mc.ResourceError, match="limit"):
        to_pdf(article, base_dir=tmp_path)


def test_oversized_data_uri_is_refused(tmp_path: Path) -> None:
    """A data: URI over the byte limit is refused too."""
    payload = "A" * (28 * 1024 * 1024)
    article = _article_with(tmp_path, src=f"data:image/png;base64,{payload}")
    with pytest.raises(mc.ResourceError, match="limit"):
        to_pdf(article, base_dir=tmp_path)


def test_failed_render_is_an_export_error(tmp_path: Path) -> None:
    """A failure inside WeasyPrint becomes an ExportError, not a traceback of its internals."""
    article = _article_with(tmp_path)
    # WeasyPrint 70 fails on a logical float value (a KeyError deep in its layout).
    css = "p::first-letter { float: inline-start }"
    with pytest.raises(mc.ExportError, match="WeasyPrint could not render"):
        to_pdf(article, base_dir=tmp_path, css=css)


# --- imports --------------------------------------------------------------------------------


def test_weasyprint_is_imported_only_to_make_a_pdf() -> None:
    """Importing the package, and the PDF exporter module itself, does not import WeasyPrint."""
    code = (
        "import sys, messenger_content, messenger_content.exporters.pdf\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_export_writes_a_pdf_file(tmp_path: Path) -> None:
    """export(article, "x.pdf") picks this exporter by suffix and writes the PDF atomically."""
    target = mc.export(_load(EXAMPLES[0]), tmp_path / "article.pdf", base_dir=EXAMPLES[0].parent)
    assert target.read_bytes() == _render(EXAMPLES[0])
    assert [p.name for p in tmp_path.iterdir()] == ["article.pdf"]
