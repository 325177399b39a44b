"""The book's XHTML documents: made, cleaned for a reading system, and navigated.

* :func:`xhtml` wraps a body in an XHTML content document carrying ``lang``,
  ``xml:lang`` and ``dir``; :func:`parse` and :func:`serialise` read and write one.
* :func:`clean` makes the article document self-contained and script-free:
  links become URLs a WHATWG parser accepts (through :mod:`messenger_content.urls`)
  or lose their ``href`` and keep their text; links nested in links are
  unwrapped; ``lang`` attributes are made well-formed (:func:`book_language`).
* :func:`nav_document` writes the table of contents and landmarks from the
  headings :func:`clean` found by ``id``, titled in the book's language.
* :func:`undescribed_images` finds the ``<img>`` elements without a text
  alternative, which decides the book's accessibility claims.
* :func:`checked_stylesheet` refuses a stylesheet that loads anything but a
  ``data:`` URI, read with :func:`messenger_content.css.loads`.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from functools import lru_cache
from html import escape
from urllib.parse import urljoin

import attrs
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from ... import urls
from ...css import loads
from ...errors import ExportError
from ...i18n import Labels
from ...languages import book_language
from ...theme import Direction, text_direction
from ...urls import http_url, mailto_url

__all__ = [
    "ARTICLE_HREF",
    "COVER_HREF",
    "NAV_HREF",
    "STYLE_HREF",
    "TocEntry",
    "book_language",
    "checked_stylesheet",
    "clean",
    "cover_page",
    "element_text",
    "nav_document",
    "nest",
    "parse",
    "serialise",
    "undescribed_images",
    "xhtml",
]

_XHTML = "http://www.w3.org/1999/xhtml"
_OPS = "http://www.idpf.org/2007/ops"

ARTICLE_HREF = "article.xhtml"
"""The article document, from the package document's folder."""
COVER_HREF = "cover.xhtml"
"""The cover page."""
NAV_HREF = "nav.xhtml"
"""The navigation document."""
STYLE_HREF = "style/epub.css"
"""The stylesheet every document links."""

#: Attributes that only mean something on a link with an ``href``.
_LINK_ONLY = ("download", "hreflang", "ping", "referrerpolicy", "rel", "target", "type")


# --- documents -----------------------------------------------------------------


def element_text(element: etree._Element) -> str:
    """The text of *element*, its white space collapsed (a table of contents' label)."""
    return " ".join("".join(element.itertext()).split())


def xhtml(
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
        f'<link rel="stylesheet" type="text/css" href="{STYLE_HREF}" />\n'
        "</head>\n"
        f"<body{body_attributes}>\n{body}</body>\n"
        "</html>\n"
    ).encode()


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def parse(document: bytes) -> etree._Element:
    """Parse an XHTML document; markup that is not well-formed XML is an ExportError."""
    try:
        return etree.fromstring(document, _PARSER)
    except etree.XMLSyntaxError as error:
        raise ExportError(
            f"the theme's markup is not well-formed XML, which EPUB needs: {error}"
        ) from None


def serialise(root: etree._Element) -> bytes:
    """Write a parsed XHTML document back, with its XML declaration and HTML doctype."""
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
    scheme = urls.scheme(url)
    if scheme == "mailto":
        return mailto_url(url)
    if scheme is None:
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
_IMG_TAG = _x("img")
#: How an event handler attribute (``onclick``, ``onLoad``, ``ONerror``, ...) starts.
_HANDLER_PREFIXES = frozenset({"on", "On", "oN", "ON"})


@attrs.define
class _Marked:
    """What :func:`clean` works on in a document, found by :func:`_mark`."""

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
    """Find what :func:`clean` changes, in two walks: links and scripts, then attributes."""
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


def clean(root: etree._Element, base: str | None) -> dict[str, etree._Element]:
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
class TocEntry:
    """One line of the table of contents."""

    title: str
    href: str
    children: tuple[TocEntry, ...] = ()
    language: str | None = None
    """The entry's language when it differs from the navigation document's (its children's too)."""


def nest(entries: Sequence[tuple[int, str, str]]) -> tuple[TocEntry, ...]:
    """Nest ``(level, title, href)`` headings: a level-3 heading goes under the level 2 above."""
    result: list[TocEntry] = []
    index = 0
    while index < len(entries):
        level, title, href = entries[index]
        end = index + 1
        while end < len(entries) and entries[end][0] > level:
            end += 1
        result.append(TocEntry(title, href, nest(entries[index + 1 : end])))
        index = end
    return tuple(result)


def _toc_list(entries: Iterable[TocEntry]) -> str:
    items = []
    for entry in entries:
        inner = _toc_list(entry.children) if entry.children else ""
        link = f'<a href="{escape(entry.href)}">{escape(entry.title)}</a>'
        language = ""
        if entry.language is not None:
            language = (
                f' lang="{entry.language}" xml:lang="{entry.language}"'
                f' dir="{text_direction(entry.language)}"'
            )
        items.append(f"<li{language}>{link}{inner}</li>\n")
    return f"<ol>\n{''.join(items)}</ol>\n"


def _english(labels: Labels, key: str, direction: Direction) -> str:
    """Attributes for an element holding the label *key*: ``lang`` when English stands in."""
    if labels.lang(key) is None:
        return ""
    return ' lang="en" xml:lang="en"' + (' dir="ltr"' if direction == "rtl" else "")


def nav_document(
    *,
    language: str,
    direction: Direction,
    toc: Sequence[TocEntry],
    title: str,
    labels: Labels,
    start_href: str = ARTICLE_HREF,
) -> bytes:
    """The navigation document: the table of contents (*toc*) and the landmarks.

    The table of contents' heading and the cover's landmark are the
    ``contents`` and ``cover`` labels; the start of the book (*start_href*: an
    edition's first article) is named by its *title*, as the package
    document's guide names it. The landmarks list has no heading: reading
    systems use it, readers never see it.
    """
    contents = escape(labels.contents)
    cover = escape(labels.cover)
    body = (
        f'<nav epub:type="toc" id="toc" role="doc-toc">\n'
        f"<h1{_english(labels, 'contents', direction)}>{contents}</h1>\n"
        f"{_toc_list(toc)}"
        "</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n'
        "<ol>\n"
        f'<li><a epub:type="cover" href="{COVER_HREF}"{_english(labels, "cover", direction)}>'
        f"{cover}</a></li>\n"
        f'<li><a epub:type="bodymatter" href="{escape(start_href)}">{escape(title)}</a></li>\n'
        "</ol>\n"
        "</nav>\n"
    )
    return xhtml(language=language, direction=direction, title=title, body=body)


# --- what the book claims and loads --------------------------------------------------


def undescribed_images(roots: Iterable[etree._Element]) -> list[etree._Element]:
    """The ``<img>`` elements of *roots* without an ``alt`` attribute.

    An empty ``alt`` is a text alternative too: it says the image is decorative.
    """
    return [image for root in roots for image in root.iter(_IMG_TAG) if image.get("alt") is None]


def _check_css(css: str) -> None:
    """Refuse a stylesheet that would make the book load anything from elsewhere."""
    for load in loads(css):
        if load.kind == "import":
            raise ExportError("the EPUB stylesheet may not use @import (put the rules in it)")
        if urls.scheme(load.url.strip()) != "data":
            what = "a font" if load.kind == "font" else "a file"
            raise ExportError(
                f"the EPUB stylesheet loads {what} from {load.url!r}; an EPUB built here holds"
                " no files but its images, so only data: URIs can be used in url()"
            )


@lru_cache(maxsize=16)
def checked_stylesheet(css: str) -> bytes:
    """*css* checked (see :func:`_check_css`) and encoded, once per stylesheet.

    The books of a batch share their stylesheet: it is read once, not per book.
    """
    _check_css(css)
    return css.encode("utf-8")


def cover_page(
    *,
    language: str,
    direction: Direction,
    title: str,
    href: str,
    alt: str,
    lines: Sequence[tuple[str, str | None]] = (),
    typographic: bool = False,
) -> bytes:
    """The cover page: the cover image, and over a photograph the cover's lines of text.

    *lines* are ``(kind, text)`` pairs, each a ``cover-<kind>`` paragraph (empty
    ones left out). A typographic cover carries its text in the image, named by
    *alt*. An image without alt text is decorative: it does not take the
    ``doc-cover`` role.
    """
    role = ' role="doc-cover"' if alt else ""
    kind = " typographic" if typographic else ""
    inner = f'<img class="cover-image{kind}" src="{escape(href)}" alt="{escape(alt)}"{role} />\n'
    text = "".join(
        f'<p class="cover-{line_kind}">{escape(line)}</p>\n' for line_kind, line in lines if line
    )
    if not typographic:
        inner += f'<div class="cover-text">\n{text}</div>\n'
    return xhtml(
        language=language,
        direction=direction,
        title=title,
        body=f'<section class="cover" epub:type="cover">\n{inner}</section>\n',
        body_attributes=f' class="cover-page{kind}"',
    )
