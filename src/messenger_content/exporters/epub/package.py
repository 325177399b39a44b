"""The package: an ebooklib ``EpubBook`` around the book's files, zipped reproducibly.

:func:`package_book` hands the documents, stylesheet and images to ebooklib as
opaque items (its ``EpubHtml`` would re-parse them with an HTML parser), sets
every piece of metadata ebooklib would otherwise invent (identifier, language,
modification time, generator), and :func:`write_book` has
``ebooklib.epub.write_epub`` write the package document, the NCX and the zip.
Then two things ebooklib cannot do are done to its output:

* the package document gets ``xml:lang`` on its root element, which ebooklib
  has no setting for, and the ``dcterms:modified`` form EPUB requires (ebooklib
  formats the time with ``strftime``, which writes years before 1000 without
  their leading zeros on some platforms);
* the zip is written again with :mod:`zipfile` (ebooklib dates its entries by
  the clock): every entry dated 1980-01-01 00:00 with Unix mode 0644,
  ``mimetype`` first and stored, then ``META-INF/``, then the book's files by
  name; text deflated, images (compressed already) stored. :mod:`zipfile`
  writes ZIP64 records where a book needs them.

An edition's book (:mod:`messenger_content.exporters.editions.epub`) is made of
the same pieces: :class:`Item`, :func:`toc_links`,
:func:`accessibility_metadata` and :func:`write_book`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import attrs
from ebooklib import epub
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from ...errors import ExportError
from ...models import Article
from ...theme import Direction
from .markup import ARTICLE_HREF, COVER_HREF, NAV_HREF, STYLE_HREF, TocEntry

__all__ = [
    "CONFORMANCE",
    "MEDIA_TYPE",
    "XHTML_MEDIA_TYPE",
    "Accessibility",
    "Asset",
    "Contents",
    "Item",
    "accessibility_metadata",
    "in_utc",
    "package_book",
    "toc_links",
    "w3c",
    "write_book",
]

MEDIA_TYPE = "application/epub+zip"
"""IANA media type of a book, and the content of its ``mimetype`` entry."""

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
"""The ``dcterms:conformsTo`` value a book claims when its checks pass."""

XHTML_MEDIA_TYPE = "application/xhtml+xml"
"""Media type of the book's content documents, navigation and cover page."""

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_OPF = "http://www.idpf.org/2007/opf"
_OPF_PATH = "EPUB/content.opf"
_MODIFIED = etree.XPath(
    "opf:metadata/opf:meta[@property='dcterms:modified']", namespaces={"opf": _OPF}
)

#: Every entry's time in the zip: 1 January 1980, 00:00, the earliest a zip can hold.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ZIP_UNIX = 3
_ZIP_FILE_MODE = 0o100644 << 16
_STORED_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
"""Entries compressed already: deflating them again costs time and saves nothing."""


@attrs.frozen(kw_only=True)
class Asset:
    """A file of the book other than its documents."""

    id: str
    """Manifest id."""
    href: str
    """Path from the package document's folder."""
    media_type: str
    data: bytes


@attrs.frozen(kw_only=True)
class Accessibility:
    """What the book's own checks found, which decides what its metadata claims."""

    described: bool
    """Every image has a text alternative (or is marked decorative)."""
    conforms: bool
    """Every check passed: the book claims :data:`CONFORMANCE`."""
    certifier: str
    """Who makes the claim (``a11y:certifiedBy``): the publication, else the generator."""


@attrs.frozen(kw_only=True)
class Contents:
    """Everything one book holds, ready to be packaged."""

    article: Article
    identifier: str
    """``dc:identifier``, a URN."""
    language: str
    """Well-formed BCP 47 tag of the book."""
    direction: Direction
    modified: datetime
    """``dcterms:modified``, in UTC."""
    generator: str
    """The software that made the book, for the package document's ``generator``."""
    cover_document: bytes
    article_document: bytes
    nav_document: bytes
    stylesheet: bytes
    cover_image: Asset
    images: Sequence[Asset]
    """Every image but the cover image, in the order the article shows them."""
    toc: Sequence[TocEntry]
    cover_title: str
    """The cover page's name in the guide (the ``cover`` label)."""
    accessibility: Accessibility


def w3c(value: datetime) -> str:
    """The W3C date-time form the package document requires (``2023-07-28T18:05:00Z``)."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


def package_book(contents: Contents) -> bytes:
    """Return the ``.epub`` file's bytes for *contents*.

    Raises:
        ExportError: ebooklib could not write the book.
    """
    return write_book(_book(contents), language=contents.language, modified=contents.modified)


def write_book(
    book: Any,
    *,
    language: str,
    modified: datetime,
    late: Mapping[str, Callable[[], bytes]] | None = None,
) -> bytes:
    """Have ebooklib write *book*, then zip it again reproducibly (see the module's docstring).

    An article's book and an edition's are written by this one function.
    *language* goes on the package document's root (``xml:lang``) and
    *modified* is its ``dcterms:modified`` (UTC). *late* gives, by name in the
    zip (``EPUB/images/image-1.jpg``), the entries whose bytes are read only
    as they are written: their items in *book* are empty, so a book of many
    images never holds them all in memory.

    Raises:
        ExportError: ebooklib could not write the book.
    """
    written = io.BytesIO()
    options = {
        "epub3_pages": False,
        "epub3_landmark": False,  # the navigation document is ours, landmarks included
        "package_direction": True,
        "raise_exceptions": True,
        "mtime": modified,
        # Its zip is read back and written again at once: compressing it is wasted work.
        "compresslevel": 0,
    }
    try:
        done = epub.write_epub(written, book, options)
    except Exception as error:
        raise ExportError(f"ebooklib could not write the book: {error}") from error
    if not done:
        raise ExportError("ebooklib could not write the book")
    return _reproducible(written, language=language, modified=modified, late=late or {})


class Item(epub.EpubItem):  # type: ignore[misc]
    """An item ebooklib writes as it is given, with manifest ``properties``.

    ebooklib's own ``EpubHtml`` would re-parse a document with an HTML parser;
    every file of our books (documents, stylesheet, images) goes in as this.
    """

    def __init__(
        self, uid: str, href: str, media_type: str, content: bytes, *properties: str
    ) -> None:
        super().__init__(uid=uid, file_name=href, media_type=media_type, content=content)
        self.properties = list(properties)


def _book(contents: Contents) -> Any:
    """The ebooklib book: metadata, manifest, spine, guide and table of contents."""
    article = contents.article
    book = epub.EpubBook()
    book.set_identifier(contents.identifier)
    book.set_title(article.headline)
    book.set_language(contents.language)
    if contents.direction == "rtl":
        book.set_direction("rtl")
    book.set_unique_metadata(
        "OPF", "generator", "", {"name": "generator", "content": contents.generator}
    )
    for number, author in enumerate(article.authors, start=1):
        book.add_author(author.name, role="aut", uid=f"creator-{number}")
    if article.publication is not None:
        book.add_metadata("DC", "publisher", article.publication.name)
    if article.published is not None:
        book.add_metadata("DC", "date", w3c(in_utc(article.published)))
    description = article.summary or article.subheadline
    if description is not None:
        book.add_metadata("DC", "description", description)
    for tag in article.tags:
        book.add_metadata("DC", "subject", tag)
    if article.rights is not None:
        book.add_metadata("DC", "rights", article.rights)
    if article.url is not None:
        book.add_metadata("DC", "source", article.url)
    accessibility_metadata(book, contents.accessibility)
    cover = contents.cover_image
    book.add_metadata(None, "meta", "", {"name": "cover", "content": cover.id})

    cover_page = Item("cover", COVER_HREF, XHTML_MEDIA_TYPE, contents.cover_document)
    article_page = Item("article", ARTICLE_HREF, XHTML_MEDIA_TYPE, contents.article_document)
    book.add_item(cover_page)
    book.add_item(article_page)
    book.add_item(Item("nav", NAV_HREF, XHTML_MEDIA_TYPE, contents.nav_document, "nav"))
    book.add_item(epub.EpubNcx())
    book.add_item(Item("style", STYLE_HREF, "text/css", contents.stylesheet))
    book.add_item(Item(cover.id, cover.href, cover.media_type, cover.data, "cover-image"))
    for asset in contents.images:
        book.add_item(Item(asset.id, asset.href, asset.media_type, asset.data))
    book.spine = [cover_page, article_page]
    book.guide = [
        {"type": "cover", "href": COVER_HREF, "title": contents.cover_title},
        {"type": "text", "href": ARTICLE_HREF, "title": article.headline},
    ]
    book.toc = toc_links(contents.toc, "toc")
    return book


def toc_links(entries: Sequence[TocEntry], prefix: str) -> list[Any]:
    """The table of contents as ebooklib's nested ``Link`` lists (the NCX's), ids from *prefix*."""
    result: list[Any] = []
    for number, entry in enumerate(entries, start=1):
        uid = f"{prefix}-{number}"
        link = epub.Link(entry.href, entry.title, uid)
        result.append((link, toc_links(entry.children, uid)) if entry.children else link)
    return result


def accessibility_metadata(book: Any, found: Accessibility, *, what: str = "article") -> None:
    """The EPUB Accessibility 1.1 metadata, each claim as *found* allows.

    *what* names the book in its summary: ``"article"``, or ``"edition"``.
    """

    def meta(name: str, value: str, **attributes: str) -> None:
        book.add_metadata(None, "meta", value, {"property": name, **attributes})

    meta("schema:accessMode", "textual")
    meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual,visual")
    if found.described:
        meta("schema:accessModeSufficient", "textual")
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder"):
        meta("schema:accessibilityFeature", feature)
    if found.described:
        meta("schema:accessibilityFeature", "alternativeText")
    meta("schema:accessibilityFeature", "displayTransformability")
    meta("schema:accessibilityHazard", "none")
    meta("schema:accessibilitySummary", _summary(found, what), **{_XML_LANG: "en"})
    if found.conforms:
        meta("dcterms:conformsTo", CONFORMANCE, id="conformance")
        meta("a11y:certifiedBy", found.certifier, refines="#conformance")


def _summary(found: Accessibility, what: str) -> str:
    images = (
        "Every image has a text alternative."
        if found.described
        else "Some images have no text alternative."
    )
    claim = (
        f" It meets {CONFORMANCE} by the checks its generator makes."
        if found.conforms
        else " It makes no WCAG conformance claim."
    )
    return (
        f"A reflowable {what} whose text can be resized and restyled, with a table of"
        " contents, headings for navigation and a logical reading order. " + images + claim
    )


def in_utc(value: datetime) -> datetime:
    """*value* in UTC; a time that UTC cannot hold (year 1 or 9999 edges) keeps its fields."""
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        return value.replace(tzinfo=timezone.utc)


# --- after ebooklib ------------------------------------------------------------------


def _package_document(data: bytes, *, language: str, modified: datetime) -> bytes:
    """The package document ebooklib wrote, with ``xml:lang`` and a W3C modified time."""
    # ebooklib has no setting for the root's xml:lang, and its strftime drops zeros before 1000.
    root = etree.fromstring(data)
    root.set(_XML_LANG, language)
    for element in _MODIFIED(root):
        element.text = w3c(modified)
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))


def _entry_order(name: str) -> tuple[int, str]:
    if name == "mimetype":
        return (0, name)
    if name.startswith("META-INF/"):
        return (1, name)
    return (2, name)


def _reproducible(
    book: io.BytesIO,
    *,
    language: str,
    modified: datetime,
    late: Mapping[str, Callable[[], bytes]],
) -> bytes:
    """*book* zipped again with fixed times, modes and order (see the module's docstring)."""
    output = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(output, "w") as target:
        names = sorted(source.namelist(), key=_entry_order)
        if names[0] != "mimetype" or source.read("mimetype") != MEDIA_TYPE.encode("ascii"):
            raise ExportError("ebooklib wrote a book without its mimetype entry")
        for name in names:
            if name in late:
                data = late[name]()
            elif name == _OPF_PATH:
                data = _package_document(source.read(name), language=language, modified=modified)
            else:
                data = source.read(name)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.create_system = _ZIP_UNIX
            info.external_attr = _ZIP_FILE_MODE
            stored = name == "mimetype" or name.lower().endswith(_STORED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, data, compresslevel=9)
    return output.getvalue()
