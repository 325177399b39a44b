"""The EPUB exporter: an article as a valid, accessible, reproducible EPUB 3 book.

:func:`to_epub` renders the article with the HTML exporter (``media="epub"``,
the ``<article>`` element only), puts it in an XHTML content document of its
own, and packages it with a cover, an EPUB 3 navigation document, an NCX for
older readers, the theme's ``epub.css`` and every image the article uses::

    mimetype                      application/epub+zip (first entry, stored)
    META-INF/container.xml
    EPUB/content.opf              package document: metadata, manifest, spine, guide
    EPUB/toc.ncx                  EPUB 2 table of contents
    EPUB/nav.xhtml                table of contents and landmarks
    EPUB/cover.xhtml              the cover page (first in the spine)
    EPUB/article.xhtml            the article
    EPUB/style/epub.css           the theme's EPUB stylesheet (plus the caller's CSS)
    EPUB/images/image-N.(jpg|png|gif|webp)
    EPUB/images/cover.png         the typographic cover, when there is no lead image

What this module decides, and ebooklib does not:

* **Content documents are ours.** ebooklib's ``EpubHtml`` re-parses documents
  with an HTML parser (dropping bare text, rewriting the root, defaulting the
  language to English); the cover, navigation and article documents are built
  here as XHTML and handed to ebooklib as opaque items. ebooklib writes the
  package document and the NCX.
* **Nothing random or from the clock.** The identifier is a name-based UUID of
  the article's ``id`` (else its ``url``, else its canonical JSON), and
  ``dcterms:modified`` is ``updated`` (else ``published``, else
  1980-01-01T00:00:00Z). ebooklib writes the package document and the NCX
  but not the zip (its entry times come from the clock): the entries are
  zipped here, with fixed entry times (1980-01-01 00:00), a fixed order
  (``mimetype`` first and stored, then ``META-INF``, then the book's files by
  name), text deflated and images, which are compressed already, stored.
* **Nothing remote.** Every image goes through the resource policy
  (:mod:`messenger_content.resources`) and is stored in the book; a stylesheet
  that imports or points at anything but a ``data:`` URI is refused.
* **What the format allows and EPUB does not is mended.** Links become URLs a
  WHATWG parser accepts (percent-encoded, relative ones resolved against the
  article's ``url``) or lose their ``href`` and keep their text (no ``url`` to
  resolve against, a host that is not a domain name, a ``#fragment`` naming no
  element); a link nested in a link is unwrapped; a language tag that is not
  well-formed BCP 47 is cut back until it is (:func:`book_language`).
* **Accessibility claims are measured.** ``alternativeText`` (and
  ``accessModeSufficient: textual``) are declared only if every ``<img>`` in
  the book has non-empty ``alt`` text, checked on the documents themselves.
"""

from __future__ import annotations

import os
import re
import struct
import uuid
from collections.abc import Container, Iterable, Sequence
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from html import escape
from typing import Any
from urllib.parse import urljoin

import attrs
from ebooklib import epub
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from .. import theme
from ..codec import dumps
from ..errors import ExportError
from ..models import Article, Heading
from ..resources import Resource, ResourcePolicy, policy_for
from ..theme import Direction
from ..urls import http_url, mailto_url
from . import _deflate
from .html import to_html

__all__ = ["MEDIA_TYPE", "SUFFIX", "book_identifier", "book_language", "modified_time", "to_epub"]

SUFFIX = ".epub"
"""File name suffix of the output."""
MEDIA_TYPE = "application/epub+zip"
"""IANA media type of the output."""

_XHTML = "http://www.w3.org/1999/xhtml"
_OPS = "http://www.idpf.org/2007/ops"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XHTML_MEDIA_TYPE = "application/xhtml+xml"

_ARTICLE_HREF = "article.xhtml"
_COVER_HREF = "cover.xhtml"
_NAV_HREF = "nav.xhtml"
_STYLE_HREF = "style/epub.css"
_TYPOGRAPHIC_COVER_HREF = "images/cover.png"

_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)
"""The modification time of a book whose article has no date; also every zip entry's time."""

_NAMESPACE = uuid.UUID("8a1e51f4-0d53-5c5e-9a59-4f2b7e3c6d10")
"""Namespace of the name-based UUIDs that identify books made by this exporter."""

_STORED_SUFFIXES = (".jpg", ".png", ".gif", ".webp")
"""Entries already compressed: deflating them again costs time and saves nothing."""

_SHARED_ENTRIES = frozenset({"META-INF/container.xml", "EPUB/" + _STYLE_HREF})
"""Entries every book of a batch has the same (the theme's stylesheet, unless CSS is added)."""

#: "Contents", the table of contents' heading, for languages the exporter knows.
_CONTENTS: dict[str, str] = {
    "ar": "المحتويات",
    "de": "Inhalt",
    "el": "Περιεχόμενα",
    "en": "Contents",
    "es": "Índice",
    "fa": "فهرست مطالب",
    "fr": "Sommaire",
    "he": "תוכן העניינים",
    "hy": "Բովանդակություն",
    "it": "Indice",
    "ja": "目次",
    "ko": "목차",
    "nl": "Inhoud",
    "pl": "Spis treści",
    "pt": "Índice",
    "ru": "Содержание",
    "tr": "İçindekiler",
    "uk": "Зміст",
    "zh": "目录",
}

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip

_CSS_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)\s*([^'")\s]*)""", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")

#: Attributes that only mean something on a link with an ``href``.
_LINK_ONLY = ("download", "hreflang", "ping", "referrerpolicy", "rel", "target", "type")


# --- identity and time ---------------------------------------------------------


def book_identifier(article: Article) -> str:
    """Return the book's ``dc:identifier``: a name-based UUID URN that never changes.

    The name is the article's ``id``, else its ``url``, else its canonical JSON,
    so the same article always gets the same identifier and different articles
    (almost surely) different ones.
    """
    if article.id is not None:
        name = f"id:{article.id}"
    elif article.url is not None:
        name = f"url:{article.url}"
    else:
        name = f"json:{dumps(article)}"
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


#: A well-formed BCP 47 (RFC 5646) language tag, grandfathered tags aside.
_LANGUAGE_TAG = re.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)"
    r"(?P<extensions>(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*)"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+)",
    # ASCII: without it, case-insensitive [a-z] also matches the long s and the Kelvin
    # sign (U+017F, U+212A: they fold to "s" and "k"), and compiling takes 5 ms.
    re.IGNORECASE | re.ASCII,
)


def _well_formed(tag: str) -> bool:
    found = _LANGUAGE_TAG.fullmatch(tag)
    if found is None:
        return False
    variants = (found.group("variants") or "").lower().split("-")[1:]
    singletons = [
        part for part in (found.group("extensions") or "").lower().split("-") if len(part) == 1
    ]
    return len(set(variants)) == len(variants) and len(set(singletons)) == len(singletons)


def book_language(tag: str) -> str:
    """Return *tag* if it is a well-formed BCP 47 tag, else its longest well-formed prefix.

    The format checks only a tag's shape (``en-x``, ``de-1-a`` pass), but an
    EPUB's language must be well-formed; subtags are dropped from the end until
    it is (``und``, "undetermined", when none is left).
    """
    subtags = tag.split("-")
    while subtags:
        candidate = "-".join(subtags)
        if _well_formed(candidate):
            return candidate
        subtags.pop()
    return "und"


def _utc(value: datetime) -> datetime:
    """*value* in UTC; a time that UTC cannot hold (year 1 or 9999 edges) keeps its fields."""
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        return value.replace(tzinfo=timezone.utc)


def modified_time(article: Article) -> datetime:
    """Return the book's ``dcterms:modified``: ``updated``, else ``published``, else 1980-01-01.

    The result is in UTC, without microseconds (the property's format has none).
    """
    value = article.updated or article.published
    if value is None:
        return _EPOCH
    return _utc(value).replace(microsecond=0)


def _w3c(value: datetime) -> str:
    """The W3C date-time form the package document requires (``2023-07-28T18:05:00Z``)."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


class _Stamp(datetime):
    """A UTC datetime that ebooklib formats with four-digit years on every platform."""

    def strftime(self, format: str) -> str:
        """Return the W3C form whatever *format* ebooklib asks for."""
        return _w3c(self)


def _cover_date(value: datetime, language: str) -> str:
    """The date line of a typographic cover, in the article's own offset."""
    tag = language.lower()
    if tag == "en" or tag.startswith("en-"):
        month = _MONTHS[value.month - 1]
        if tag in ("en", "en-us") or tag.startswith(("en-us-", "en-ca", "en-ph")):
            return f"{month} {value.day}, {value.year}"
        return f"{value.day} {month} {value.year}"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


# --- documents -----------------------------------------------------------------


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _xhtml(
    *,
    language: str,
    direction: Direction,
    title: str,
    body: str,
    body_attributes: str = "",
) -> bytes:
    """Return an XHTML content document around *body* (well-formed XML markup)."""
    escaped_title = escape(title)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE html>\n"
        f'<html xmlns="{_XHTML}" xmlns:epub="{_OPS}" lang="{language}" xml:lang="{language}"'
        f' dir="{direction}">\n'
        "<head>\n"
        '<meta charset="utf-8" />\n'
        f"<title>{escaped_title}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{_STYLE_HREF}" />\n'
        "</head>\n"
        f"<body{body_attributes}>\n{body}</body>\n"
        "</html>\n"
    ).encode()


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _parse(document: bytes) -> etree._Element:
    try:
        return etree.fromstring(document, _PARSER)
    except etree.XMLSyntaxError as error:
        raise ExportError(
            f"the theme's markup is not well-formed XML, which EPUB needs: {error}"
        ) from None


def _serialise(root: etree._Element) -> bytes:
    return bytes(
        etree.tostring(
            root.getroottree(), encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>"
        )
    )


def _x(name: str) -> str:
    return f"{{{_XHTML}}}{name}"


# --- links ----------------------------------------------------------------------
#
# The format accepts any link without white space or control characters; a
# reading system (and EPUBCheck) wants URLs a WHATWG parser accepts. Links are
# percent-encoded where that keeps their meaning, and dropped (their text
# stays) where no valid URL can be made: a host that is not a domain name or an
# IP address, a relative link in an article without a URL.


def _resolve(url: str, base: str | None, ids: Container[str]) -> str | None:
    """Where a link or citation in the book should point, or ``None`` to drop it."""
    if url.startswith("#"):
        return url if url[1:] in ids else None
    if url[:7].lower() == "mailto:":
        return mailto_url(url)
    if _SCHEME.match(url) is None:
        if base is None:
            return None
        try:
            url = urljoin(base, url)
        except ValueError:  # a base URL Python cannot parse (a stray "[" in its host)
            return None
    return http_url(url)


def _unwrap(element: etree._Element) -> None:
    """Replace *element* by its content (text, children and tail stay in place)."""
    parent = element.getparent()
    if parent is None:
        return

    def append_text(text: str | None, before: etree._Element | None) -> None:
        if not text:
            return
        if before is None:
            parent.text = (parent.text or "") + text
        else:
            before.tail = (before.tail or "") + text

    append_text(element.text, element.getprevious())
    position = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(position + offset, child)
    append_text(element.tail, element.getprevious())
    element.tail = None
    parent.remove(element)


_NAMESPACES = {"x": _XHTML}
_SCRIPTS = etree.XPath("//x:script", namespaces=_NAMESPACES)
#: Links inside links: HTML forbids them, the format lets links nest.
_NESTED_LINKS = etree.XPath("//x:a[ancestor::x:a]", namespaces=_NAMESPACES)
_SCRIPT_TAG = _x("script")
_LINK_TAG = _x("a")
#: How an event handler attribute (``onclick``, ``onLoad``, ``ONerror``, ...) starts.
_HANDLER_PREFIXES = frozenset({"on", "On", "oN", "ON"})


@attrs.define
class _Marked:
    """What :func:`_clean` works on in a document, found by :func:`_mark`."""

    restructure: bool = False
    """The document has a script or a link inside a link, whose removal changes the tree."""
    ids: dict[str, etree._Element] = attrs.Factory(dict)
    """Elements by ``id`` (the last, for an ``id`` used twice): what ``#fragment`` links name."""
    languages: list[etree._Element] = attrs.Factory(list)
    """Elements with a ``lang`` attribute."""
    handlers: list[tuple[etree._Element, str]] = attrs.Factory(list)
    """Event handler attributes (``onclick``...), with their elements."""
    links: list[etree._Element] = attrs.Factory(list)
    """``a`` elements with an ``href``."""
    citations: list[etree._Element] = attrs.Factory(list)
    """Elements with a ``cite`` attribute."""


def _mark(root: etree._Element) -> _Marked:
    # Two walks (over scripts and links, filtered by lxml, then over every attribute)
    # take about 0.07 ms for an ordinary article; one XPath walk per kind of thing,
    # as before, took 0.3 ms in all.
    found = _Marked()
    for element in root.iter(_SCRIPT_TAG, _LINK_TAG):
        if element.tag == _SCRIPT_TAG or next(element.iterancestors(_LINK_TAG), None) is not None:
            found.restructure = True
        elif element.get("href") is not None:
            found.links.append(element)
    for element in root.iter(etree.Element):
        for name in element.keys():  # noqa: SIM118 - iterating an element gives its children
            if name == "id":
                found.ids[element.get(name)] = element
            elif name == "lang":
                found.languages.append(element)
            elif name == "cite":
                found.citations.append(element)
            elif name[0] in "oO{" and name[name.find("}") + 1 :][:2] in _HANDLER_PREFIXES:
                found.handlers.append((element, name))  # a handler, in any namespace
    return found


def _clean(root: etree._Element, base: str | None) -> dict[str, etree._Element]:
    """Make the article document self-contained and script-free, in place.

    Returns its elements by ``id`` (the last, for an ``id`` used twice).
    """
    found = _mark(root)
    if found.restructure:  # rare: removing these changes the tree, so look again after
        for script in _SCRIPTS(root):
            parent = script.getparent()
            if parent is not None:
                parent.remove(script)
        for anchor in _NESTED_LINKS(root):
            _unwrap(anchor)
        found = _mark(root)
    ids = found.ids
    for element in found.languages:
        element.set("lang", book_language(element.get("lang")))
    for element, name in found.handlers:
        del element.attrib[name]
    for element in found.links:
        target = _resolve(element.get("href"), base, ids)
        if target is None:
            for name in ("href", *_LINK_ONLY):
                element.attrib.pop(name, None)
        else:
            element.set("href", target)
    for element in found.citations:
        # Validators count a citation as a resource the book refers to: only https passes.
        target = _resolve(element.get("cite"), base, ids)
        if target is None or not target.lower().startswith("https:"):
            del element.attrib["cite"]
        else:
            element.set("cite", target)
    return ids


@attrs.frozen
class _TocEntry:
    """One line of the table of contents."""

    title: str
    href: str
    children: tuple[_TocEntry, ...] = ()


def _nest(entries: Sequence[tuple[int, str, str]]) -> tuple[_TocEntry, ...]:
    """Nest ``(level, title, href)`` headings: a level-3 heading goes under the level 2 above."""
    result: list[_TocEntry] = []
    index = 0
    while index < len(entries):
        level, title, href = entries[index]
        end = index + 1
        while end < len(entries) and entries[end][0] > level:
            end += 1
        result.append(_TocEntry(title, href, _nest(entries[index + 1 : end])))
        index = end
    return tuple(result)


def _toc_list(entries: Iterable[_TocEntry]) -> str:
    items = []
    for entry in entries:
        inner = _toc_list(entry.children) if entry.children else ""
        link = f'<a href="{escape(entry.href)}">{escape(entry.title)}</a>'
        items.append(f"<li>{link}{inner}</li>\n")
    return f"<ol>\n{''.join(items)}</ol>\n"


def _nav_document(
    *, language: str, direction: Direction, toc: Sequence[_TocEntry], title: str
) -> bytes:
    primary = language.lower().split("-")[0]
    heading = _CONTENTS.get(primary)
    heading_lang = ""
    if heading is None:  # English words in a document of another language say so
        heading = _CONTENTS["en"]
        heading_lang = ' lang="en" xml:lang="en" dir="ltr"'
    # The landmarks are for reading systems, not shown: English labels, marked as such.
    body = (
        f'<nav epub:type="toc" id="toc" role="doc-toc">\n'
        f"<h1{heading_lang}>{escape(heading)}</h1>\n"
        f"{_toc_list(toc)}"
        "</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden"'
        ' lang="en" xml:lang="en" dir="ltr">\n'
        "<h2>Landmarks</h2>\n"
        "<ol>\n"
        f'<li><a epub:type="cover" href="{_COVER_HREF}">Cover</a></li>\n'
        f'<li><a epub:type="bodymatter" href="{_ARTICLE_HREF}">Start of content</a></li>\n'
        "</ol>\n"
        "</nav>\n"
    )
    return _xhtml(language=language, direction=direction, title=title, body=body)


# --- the book ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Asset:
    """A file of the book other than its documents."""

    id: str
    href: str
    media_type: str
    data: bytes


def _check_css(css: str) -> None:
    """Refuse a stylesheet that would make the book load anything from elsewhere."""
    if _CSS_IMPORT.search(css):
        raise ExportError("the EPUB stylesheet may not use @import (put the rules in it)")
    for found in _CSS_URL.finditer(css):
        if not found.group(2).lower().startswith("data:"):
            raise ExportError(
                f"the EPUB stylesheet refers to {found.group(2)!r}; an EPUB built here holds no"
                " files but its images, so only data: URIs can be used in url()"
            )


@lru_cache(maxsize=16)
def _checked_stylesheet(css: str) -> bytes:
    """*css* checked and encoded: once per stylesheet, as a batch's books share theirs.

    The check reads all 6 KB of the default stylesheet (0.1 ms) for every book otherwise.
    """
    _check_css(css)
    return css.encode("utf-8")


class _Builder:
    """Builds one book (the state of one :func:`to_epub` call)."""

    def __init__(
        self,
        article: Article,
        *,
        base_dir: str | os.PathLike[str] | None,
        allow_remote: bool,
        css: str | None,
        template_dir: str | os.PathLike[str] | None,
    ) -> None:
        self.article = article
        self.base_dir = base_dir
        self.allow_remote = allow_remote
        self.css = css
        self.template_dir = template_dir
        self.language = book_language(article.language)
        self.direction = theme.text_direction(self.language)
        self.images: dict[str, _Asset] = {}

    # images

    @cached_property
    def policy(self) -> ResourcePolicy:
        return policy_for(self.base_dir, self.allow_remote)

    def image_href(self, src: str) -> str:
        """Store the image *src* in the book (once) and return its path from a document."""
        asset = self.images.get(src)
        if asset is None:
            resource: Resource = self.policy.fetch(src)
            number = len(self.images) + 1
            asset = _Asset(
                id=f"image-{number}",
                href=f"images/image-{number}{resource.suffix}",
                media_type=resource.media_type,
                data=resource.data,
            )
            self.images[src] = asset
        return asset.href

    # documents

    def article_document(self) -> tuple[bytes, etree._Element, dict[str, etree._Element]]:
        """The article document, its tree and its elements by ``id``."""
        if self.article.lead_image is not None:  # the cover's picture comes first in the book
            self.image_href(self.article.lead_image.src)
        fragment = to_html(
            self.article,
            fragment=True,
            media="epub",
            base_dir=self.base_dir,
            allow_remote=self.allow_remote,
            template_dir=self.template_dir,
            image_src=self.image_href,
        )
        document = _xhtml(
            language=self.language,
            direction=self.direction,
            title=self.article.headline,
            body=fragment,
            body_attributes=' epub:type="bodymatter"',
        )
        root = _parse(document)
        ids = _clean(root, self.article.url)
        return _serialise(root), root, ids

    def toc(self, ids: dict[str, etree._Element]) -> tuple[_TocEntry, ...]:
        """The article and its headings, as the article document (its elements by id) shows them."""
        anchors = theme.heading_ids(self.article.body)
        headings: list[tuple[int, str, str]] = []
        for number, (index, anchor) in enumerate(anchors.items(), start=1):
            block = self.article.body[index]
            element = ids.get(anchor)
            if isinstance(block, Heading) and element is not None:
                # A heading of only white space or line breaks still needs a label.
                title = _text(element) or f"\u00a7 {number}"
                headings.append((block.level, title, f"{_ARTICLE_HREF}#{anchor}"))
        return (_TocEntry(self.article.headline, _ARTICLE_HREF, _nest(headings)),)

    def cover(self) -> tuple[bytes, _Asset]:
        """The cover page and the cover image (the lead image, or a typographic one)."""
        article = self.article
        publication = article.publication.name if article.publication else None
        lead = article.lead_image
        if lead is not None:
            self.image_href(lead.src)
            image = self.images[lead.src]
            alt = lead.alt or ""
            role = ' role="doc-cover"' if alt else ""  # an image without alt is decorative
            parts = [
                f'<img class="cover-image" src="{escape(image.href)}"'
                f' alt="{escape(alt)}"{role} />\n'
                '<div class="cover-text">\n'
            ]
            if publication:
                parts.append(f'<p class="cover-publication">{escape(publication)}</p>\n')
            parts.append(f'<p class="cover-headline">{escape(article.headline)}</p>\n')
            parts.append("</div>\n")
            inner = "".join(parts)
            body_class = "cover-page"
        else:
            # Pillow's drawing and font modules are loaded only for a book that needs them.
            from ._cover import typographic_cover

            day = article.published or article.updated
            date = None if day is None else _cover_date(day, self.language)
            png = typographic_cover(
                headline=article.headline,
                publication=publication,
                date=date,
                language=self.language,
                rtl=self.direction == "rtl",
            )
            image = _Asset(
                id="cover-image", href=_TYPOGRAPHIC_COVER_HREF, media_type="image/png", data=png
            )
            alt = " \u2014 ".join(part for part in (publication, article.headline, date) if part)
            inner = (
                f'<img class="cover-image typographic" src="{image.href}"'
                f' alt="{escape(alt)}" role="doc-cover" />\n'
            )
            body_class = "cover-page typographic"
        body = f'<section class="cover" epub:type="cover">\n{inner}</section>\n'
        document = _xhtml(
            language=self.language,
            direction=self.direction,
            title=article.headline,
            body=body,
            body_attributes=f' class="{body_class}"',
        )
        return document, image

    def stylesheet(self) -> bytes:
        return _checked_stylesheet(
            theme.stylesheet("epub", template_dir=self.template_dir, css=self.css)
        )

    # the package

    def build(self) -> bytes:
        article_bytes, article_root, article_ids = self.article_document()
        cover_bytes, cover_image = self.cover()
        toc = self.toc(article_ids)
        nav_bytes = _nav_document(
            language=self.language,
            direction=self.direction,
            toc=toc,
            title=self.article.headline,
        )
        stylesheet = self.stylesheet()
        documents = [_parse(cover_bytes), article_root]
        described = all(
            (image.get("alt") or "").strip() for root in documents for image in root.iter(_x("img"))
        )
        images = [asset for asset in self.images.values() if asset is not cover_image]
        package = _package(
            self.article,
            language=self.language,
            direction=self.direction,
            cover_document=cover_bytes,
            article_document=article_bytes,
            nav_document=nav_bytes,
            stylesheet=stylesheet,
            cover_image=cover_image,
            images=images,
            toc=toc,
            described=described,
        )
        return _zip(package)


# --- packaging -------------------------------------------------------------------


def _accessibility_summary(described: bool) -> str:
    images = (
        "Every image has a text alternative."
        if described
        else "Some images have no text alternative."
    )
    return (
        "A reflowable article whose text can be resized and restyled, with a table of"
        " contents, headings for navigation and a logical reading order. " + images
    )


def _package(
    article: Article,
    *,
    language: str,
    direction: Direction,
    cover_document: bytes,
    article_document: bytes,
    nav_document: bytes,
    stylesheet: bytes,
    cover_image: _Asset,
    images: Sequence[_Asset],
    toc: Sequence[_TocEntry],
    described: bool,
) -> dict[str, bytes]:
    """Have ebooklib write the package document and the NCX around our files; return every entry."""

    def item(uid: str, href: str, media_type: str, content: bytes, *properties: str) -> Any:
        entry = epub.EpubItem(uid=uid, file_name=href, media_type=media_type, content=content)
        entry.properties = list(properties)  # written to the manifest by ebooklib
        return entry

    book = epub.EpubBook()
    book.metadata = {}  # drop ebooklib's random identifier and generator line
    book.set_template("ncx", _NCX_TEMPLATE)
    book.set_identifier(book_identifier(article))
    book.set_title(article.headline)
    book.set_language(language)
    if direction == "rtl":
        book.set_direction("rtl")
    for number, author in enumerate(article.authors, start=1):
        book.add_author(author.name, role="aut", uid=f"creator-{number}")
    if article.publication is not None:
        book.add_metadata("DC", "publisher", article.publication.name)
    if article.published is not None:
        book.add_metadata("DC", "date", _w3c(_utc(article.published)))
    description = article.summary or article.subheadline
    if description is not None:
        book.add_metadata("DC", "description", description)
    for tag in article.tags:
        book.add_metadata("DC", "subject", tag)
    if article.rights is not None:
        book.add_metadata("DC", "rights", article.rights)
    if article.url is not None:
        book.add_metadata("DC", "source", article.url)

    def meta(name: str, value: str, **attributes: str) -> None:
        book.add_metadata(None, "meta", value, {"property": name, **attributes})

    meta("schema:accessMode", "textual")
    meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual,visual")
    if described:
        meta("schema:accessModeSufficient", "textual")
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder"):
        meta("schema:accessibilityFeature", feature)
    if described:
        meta("schema:accessibilityFeature", "alternativeText")
    meta("schema:accessibilityFeature", "displayTransformability")
    meta("schema:accessibilityHazard", "none")
    meta(
        "schema:accessibilitySummary",
        _accessibility_summary(described),
        **{_XML_LANG: "en"},
    )
    book.add_metadata(None, "meta", "", {"name": "cover", "content": cover_image.id})

    cover_item = epub.EpubCover(uid=cover_image.id, file_name=cover_image.href)
    cover_item.media_type = cover_image.media_type
    cover_item.content = cover_image.data
    cover_page = item("cover", _COVER_HREF, _XHTML_MEDIA_TYPE, cover_document)
    article_item = item("article", _ARTICLE_HREF, _XHTML_MEDIA_TYPE, article_document)
    book.add_item(cover_page)
    book.add_item(article_item)
    book.add_item(item("nav", _NAV_HREF, _XHTML_MEDIA_TYPE, nav_document, "nav"))
    book.add_item(epub.EpubNcx())
    book.add_item(item("style", _STYLE_HREF, "text/css", stylesheet))
    book.add_item(cover_item)
    for asset in images:
        book.add_item(item(asset.id, asset.href, asset.media_type, asset.data))
    book.spine = [cover_page, article_item]
    book.guide = [
        {"type": "cover", "href": _COVER_HREF, "title": "Cover"},
        {"type": "text", "href": _ARTICLE_HREF, "title": article.headline},
    ]

    def links(entries: Sequence[_TocEntry], prefix: str) -> list[Any]:
        result: list[Any] = []
        for number, entry in enumerate(entries, start=1):
            uid = f"{prefix}-{number}"
            link = epub.Link(entry.href, entry.title, uid)
            result.append((link, links(entry.children, uid)) if entry.children else link)
        return result

    book.toc = links(toc, "toc")

    options = {
        "epub3_pages": False,
        "epub3_landmark": False,
        "raise_exceptions": True,
        "mtime": _Stamp(*modified_time(article).timetuple()[:6], tzinfo=timezone.utc),
    }
    writer = _Writer(None, book, options)
    try:
        writer.process()
        writer.write()
    except Exception as error:
        raise ExportError(f"ebooklib could not write the book: {error}") from error
    return writer.out.files


#: ebooklib's NCX template (``epub.NCX_XML``) without its DOCTYPE, which ebooklib parses
#: and then leaves out (it writes the root element), as text, which ebooklib parses
#: without first failing to encode it: 8 of the 22 us the template took.
_NCX_TEMPLATE = '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" />'


class _Entries:
    """Stands in for the zip file ebooklib writes: keeps each entry's bytes, by name."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def writestr(self, name: str, data: str | bytes, *args: object, **kwargs: object) -> None:
        """Keep an entry (ebooklib's compression arguments do not matter: :func:`_zip` decides)."""
        self.files[str(name)] = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def close(self) -> None:
        """Nothing to close: :func:`_zip` writes the file."""


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib's writer, handing its entries to us instead of zipping them.

    ebooklib's own zip has entry times from the clock; the entries are zipped
    once, reproducibly, by :func:`_zip` rather than unzipped and zipped again.
    """

    out: _Entries

    def write(self) -> None:
        """Write what ``EpubWriter.write`` writes, in its order, to an :class:`_Entries`."""
        self.out = _Entries()
        self.out.writestr("mimetype", MEDIA_TYPE)
        self._write_container()
        self._write_opf()
        self._write_items()


def _entry_order(name: str) -> tuple[int, str]:
    if name == "mimetype":
        return (0, name)
    if name.startswith("META-INF/"):
        return (1, name)
    return (2, name)


#: Every entry's time in the zip: 1 January 1980, 00:00, the earliest a zip can hold.
_ZIP_TIME, _ZIP_DATE = 0, (0 << 9) | (1 << 5) | 1
_ZIP_VERSION = 20  # 2.0: deflate; made on Unix (3), whatever machine builds the book
_ZIP_MADE_BY = (3 << 8) | _ZIP_VERSION
_ZIP_FILE_MODE = 0o100644 << 16
_ZIP_LIMIT = 0xFFFFFFFF


@lru_cache(maxsize=16)
def _deflated(data: bytes) -> tuple[bytes, int]:
    """*data* deflated, and its CRC-32: once per content, for the entries books share."""
    return _deflate.compress(data, raw=True, zlib_level=9), _deflate.crc32(data)


def _zip(entries: dict[str, bytes]) -> bytes:
    """Zip the book's entries with fixed times and order, ``mimetype`` first and stored.

    Written here rather than by :mod:`zipfile`, whose deflate is zlib's: with
    ISA-L (see :mod:`._deflate`) the documents are compressed four times as
    fast, and a book needs nothing of a zip but names, sizes and checksums.
    """
    if entries.get("mimetype") != MEDIA_TYPE.encode("ascii"):
        raise ExportError("ebooklib wrote a book without its mimetype entry")
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name in sorted(entries, key=_entry_order):
        data = entries[name]
        stored = name == "mimetype" or name.lower().endswith(_STORED_SUFFIXES)
        if stored:
            method, packed, checksum = 0, data, _deflate.crc32(data)
        elif name in _SHARED_ENTRIES:
            method, (packed, checksum) = 8, _deflated(data)
        else:
            method, packed = 8, _deflate.compress(data, raw=True, zlib_level=9)
            checksum = _deflate.crc32(data)
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800  # bit 11: the name is UTF-8
        if max(offset, len(data), len(packed)) >= _ZIP_LIMIT:
            raise ExportError("the book is larger than a zip file without ZIP64 can hold (4 GB)")
        fields = struct.pack(
            "<HHHHIII",
            flags,
            method,
            _ZIP_TIME,
            _ZIP_DATE,
            checksum,
            len(packed),
            len(data),
        )
        header = struct.pack("<IH", 0x04034B50, _ZIP_VERSION) + fields
        local.append(header + struct.pack("<HH", len(encoded), 0) + encoded)
        local.append(packed)
        central.append(
            struct.pack("<IHH", 0x02014B50, _ZIP_MADE_BY, _ZIP_VERSION)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, _ZIP_FILE_MODE, offset)
            + encoded
        )
        offset += len(header) + 4 + len(encoded) + len(packed)
    directory = b"".join(central)
    if offset + len(directory) >= _ZIP_LIMIT or len(central) > 0xFFFF:
        raise ExportError("the book is larger than a zip file without ZIP64 can hold (4 GB)")
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0
    )
    return b"".join((*local, directory, end))


# --- the entry point -------------------------------------------------------------


def to_epub(
    article: Article,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
) -> bytes:
    """Render an article as an EPUB 3 book.

    The book passes EPUBCheck without warnings, opens on a cover (the lead
    image with the headline, or a typographic cover drawn for it), has a table
    of contents with the article's headings, accessibility metadata that is true
    for it, and is byte-for-byte the same each time the same article is
    exported. See ``docs/epub.md``.

    Args:
        article: The article to render.
        base_dir: The article's folder, which relative image sources are
            resolved against and may not leave (``None``: the current folder).
        allow_remote: Let http(s) images be fetched (they are then stored in
            the book; a book never refers to anything outside itself).
        css: Extra CSS appended after the theme's ``epub.css``; it may not
            ``@import`` or use ``url()`` with anything but a ``data:`` URI.
        template_dir: A theme folder whose templates and ``epub.css`` replace
            the package's, name by name.

    Returns:
        The ``.epub`` file's bytes.

    Raises:
        ResourceError: an image was refused by the resource policy or unreadable.
        ExportError: the theme's markup or stylesheet cannot go in an EPUB, or
            the book could not be written.
    """
    return _Builder(
        article,
        base_dir=base_dir,
        allow_remote=allow_remote,
        css=css,
        template_dir=template_dir,
    ).build()
