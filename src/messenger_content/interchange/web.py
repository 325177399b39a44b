"""A saved web page read into an article: trafilatura finds the text, the page says the rest.

:func:`from_html` takes a news page as saved from a browser (or fetched with
:func:`load_page`) and returns an :class:`~.Imported` article:

* **Metadata** comes from the page's schema.org JSON-LD first (its
  ``NewsArticle``, read by :func:`~.from_jsonld`), then from what trafilatura
  finds in the page's ``<meta>`` tags and markup (title, author, site name,
  section, tags, description) and the Open Graph ``article:published_time``.
* **Language**: JSON-LD ``inLanguage``, else ``<html lang>``, else
  ``og:locale``. **Lead image**: JSON-LD ``image``, else ``og:image``.
* **The body** is trafilatura's main text in its HTML output (paragraphs,
  headings, lists, quotes, images, links and emphasis survive), turned into
  blocks by :func:`~.html_to_blocks`. Navigation, related links, newsletter
  boxes, comments and share buttons are what trafilatura leaves out.
* Relative links and image sources are resolved against the page's address:
  ``url``, then ``<base href>``, then ``<link rel="canonical">``.

Trafilatura is the optional extra ``messenger-content[web]``; it is imported
only when a page is read.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin

import attrs
import lxml.etree
import lxml.html

from .. import _rules, urls
from ..errors import ContentError, ParseError, Problem, ValidationError
from ..models import Article, Author, Block, Heading, Image, Publication
from ..resources import IPAddress, Limits, ResourcePolicy, Transport, is_public_address
from ..resources import resolve_host as _system_resolver
from ..theme import plain_text
from ._common import Imported, Notes, image_source
from .html_blocks import convert_element
from .jsonld import ARTICLE_TYPES, _types, from_jsonld
from .jsonld import _nodes as all_nodes  # the same walk from_jsonld makes

__all__ = ["from_html", "load_page"]

_EXTRA_HINT = (
    "reading a web page needs messenger-content[web]: pip install 'messenger-content[web]'"
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_NEWS_TYPES = frozenset({t for t in ARTICLE_TYPES if t.endswith("NewsArticle")})
_SNIFF = 4096


def _decode(markup: bytes, notes: Notes) -> str:
    """*markup* as text: by its byte-order mark, its ``<meta charset>``, else UTF-8.

    Bytes that are not UTF-8 and name no charset are read as windows-1252, as
    browsers read them (with a warning).
    """
    for bom, encoding in _BOMS:
        if markup.startswith(bom):
            return markup[len(bom) :].decode(encoding, "replace")
    declared = _CHARSET.search(markup[:_SNIFF])
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace")
        try:
            encoding = codecs.lookup(name).name
            # The HTML standard's rules: ISO-8859-1 and ASCII mean windows-1252, and a
            # page whose <meta> could be read in ASCII is not UTF-16 (nor UTF-7).
            encoding = _SAME_AS.get(encoding, encoding)
            return markup.decode(encoding, "replace")
        except LookupError:  # unknown, or a codec that is not a text encoding (rot13)
            notes.add("charset", f"unknown charset {name!r}; read as UTF-8")
    try:
        return markup.decode("utf-8")
    except UnicodeDecodeError:
        notes.add("charset", "no charset declared and not UTF-8; read as windows-1252")
        return markup.decode("cp1252", "replace")


_SAME_AS = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"} | dict.fromkeys(
    ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-7"), "utf-8"
)


def _parse(markup: str) -> Any:
    """*markup* parsed as an HTML document (comments dropped, nothing fetched), or ``None``."""
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    # Bytes, so that an XML declaration naming another encoding is not an error.
    data = _rules.FORBIDDEN.sub("", markup).encode("utf-8", "replace")
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def _base_url(root: Any, url: str | None) -> str | None:
    """The address relative URLs resolve against: *url*, ``<base>``, then the canonical link."""
    base = urls.http_url(url.strip()) if url else None
    for element in root.iterfind(".//base[@href]"):
        joined = urljoin(base or "", element.get("href").strip())
        if urls.scheme(joined) in ("http", "https"):
            return urls.http_url(joined) or base
        break
    if base is not None:
        return base
    for element in root.iterfind(".//link[@href]"):
        if "canonical" in (element.get("rel") or "").lower().split():
            return urls.http_url(element.get("href").strip())
    return None


def _meta(root: Any) -> dict[str, str]:
    """``<meta>`` values by lower-cased ``property`` or ``name`` (the first of each)."""
    found: dict[str, str] = {}
    for element in root.iterfind(".//meta[@content]"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        if key and key not in found:
            found[key] = element.get("content")
    return found


def _unescape(value: Any) -> Any:
    """JSON-LD strings with HTML character references decoded (WordPress writes ``&#8216;``)."""
    if isinstance(value, str):
        return html.unescape(value) if _ENTITY.search(value) else value
    if isinstance(value, list):
        return [_unescape(item) for item in value]
    if isinstance(value, Mapping):
        return {k: v if k == "articleBody" else _unescape(v) for k, v in value.items()}
    return value


def _jsonld(root: Any, notes: Notes) -> tuple[list[Any], Mapping[str, Any] | None]:
    """Every JSON-LD node of the page (nested ones too), and its article node.

    The article node is a ``NewsArticle`` (or another ``…NewsArticle``) when
    there is one, else any ``Article`` type; with a headline, else the largest.
    """
    documents: list[Any] = []
    scripts = root.xpath("//script[@type]")
    blocks = [s for s in scripts if s.get("type").strip().lower() == "application/ld+json"]
    for index, script in enumerate(blocks):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            documents.append(_unescape(json.loads(text)))
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            notes.add(f"jsonld[{index}]", f"not valid JSON ({error.msg}, {where}); ignored")
        except (RecursionError, ValueError):
            notes.add(f"jsonld[{index}]", "nested too deeply or unreadable; ignored")
    nodes = all_nodes(documents)
    articles = [n for n in nodes if _types(n) & ARTICLE_TYPES]
    if not articles:
        return nodes, None
    best = max(articles, key=lambda n: (bool(_types(n) & _NEWS_TYPES), "headline" in n, len(n)))
    return nodes, best


def _from_page_jsonld(
    nodes: list[Any], article_node: Mapping[str, Any] | None, notes: Notes
) -> Article | None:
    if article_node is None:
        return None
    # The article and the nodes it may name by @id (its author, publisher, image).
    named = [n for n in nodes if "@id" in n and len(n) > 1 and not _types(n) & ARTICLE_TYPES]
    try:
        article, warnings = from_jsonld([article_node, *named])
    except ContentError as error:
        notes.add("jsonld", f"{error}; ignored")
        return None
    for problem in warnings:
        notes.add(f"jsonld.{problem.path}" if problem.path else "jsonld", problem.message)
    return article


def _extract(tree: Any, url: str | None, with_metadata: bool) -> str | None:
    """Trafilatura's main text of *tree* as HTML (with ``<meta>`` items when asked)."""
    try:
        import trafilatura
    except ImportError as error:
        raise ImportError(_EXTRA_HINT) from error
    result: str | None = trafilatura.extract(
        tree,
        url=url,
        output_format="html",
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_formatting=True,
        include_links=True,
        with_metadata=with_metadata,
    )
    return result


_PAGE_TEXT = lxml.etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def _note_furniture(root: Any, extracted: Any, notes: Notes) -> None:
    """One warning for what trafilatura left out as page furniture, in characters of text."""
    total = sum(len(text.strip()) for text in _PAGE_TEXT(root))
    kept = sum(len(text.strip()) for text in _PAGE_TEXT(extracted))
    if total > kept:
        notes.add(
            "body",
            f"{total - kept} of {total} characters of the page's text left out as page furniture"
            " (navigation, related links, comments, share and newsletter boxes)",
        )


def _split_people(value: str | None) -> list[str]:
    if not value:
        return []
    return [name.strip() for name in re.split(r";|\band\b|,(?=\s*\S+\s+\S)", value) if name.strip()]


class _Page:
    """What the page says about itself outside its JSON-LD, best source first."""

    def __init__(self, root: Any, extracted: Any | None, notes: Notes) -> None:
        self.meta = _meta(root)
        self.found = {} if extracted is None else _meta(extracted)
        self.notes = notes
        self.root = root

    def value(self, *keys: str) -> str | None:
        for key in keys:
            for source in (self.found, self.meta):
                value = self.notes.text(source.get(key), f"meta.{key}")
                if value is not None:
                    return value.strip()
        return None

    def title(self) -> str | None:
        found = self.value("title", "og:title", "twitter:title")
        if found is None:
            title = self.root.find(".//title")
            found = self.notes.text(title.text_content() if title is not None else None, "title")
        return found.strip() if found else None

    def language(self) -> str | None:
        lang = self.root.get("lang") or self.root.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang and lang.strip():
            return self.notes.language(lang.strip(), "html.lang")
        locale = self.meta.get("og:locale")
        if locale and locale.strip():
            return self.notes.language(locale.strip().replace("_", "-"), "meta.og:locale")
        return None


def _lead_image(page: _Page, base: str | None, notes: Notes) -> Image | None:
    raw = page.value("og:image", "og:image:url", "image", "twitter:image")
    if raw is None:
        return None
    src = image_source(urljoin(base, raw) if base else raw)
    if src is None:
        notes.add("meta.og:image", f"image source {raw[:80]!r} refused; ignored")
        return None
    return notes.build(Image, "meta.og:image", src=src, alt=page.value("og:image:alt"))


def _body(
    extracted: Any | None, headline: str, lead: Image | None, base: str | None, notes: Notes
) -> list[Block]:
    if extracted is None:
        return []
    body_element = extracted.find("body")
    blocks = convert_element(
        extracted if body_element is None else body_element, notes, base_url=base
    )
    # Trafilatura keeps a heading or image that repeats the headline or the lead image.
    for index, block in enumerate(blocks[:3]):
        if isinstance(block, Heading) and plain_text(block.text).strip() == headline.strip():
            notes.add(f"body[{index}]", "a heading repeating the headline dropped")
            blocks.pop(index)
            break
    if lead is not None:
        for index, block in enumerate(blocks[:3]):
            if isinstance(block, Image) and block.src == lead.src:
                notes.add(f"body[{index}]", "an image repeating the lead image dropped")
                blocks.pop(index)
                break
    return blocks


def _resolved(image: Image | None, base: str | None) -> Image | None:
    if image is None or base is None or urls.scheme(image.src) is not None:
        return image
    src = image_source(urljoin(base, image.src))
    return image if src is None else attrs.evolve(image, src=src)


def from_html(markup: str | bytes, url: str | None = None) -> Imported:
    """Read a saved news page into an article.

    Args:
        markup: The page's HTML. Bytes are decoded by the page's byte-order
            mark or ``<meta charset>``, else as UTF-8 (windows-1252 if that fails).
        url: The page's address, for resolving relative links and images;
            without it, ``<base href>`` or the canonical link is used.

    Returns:
        The article and the warnings: broken JSON-LD, metadata the page did not
        give, and every element of the main text dropped.

    Raises:
        ParseError: *markup* is empty or not HTML.
        ValidationError: no headline found anywhere in the page.
        ImportError: trafilatura is not installed (the ``web`` extra).
    """
    notes = Notes()
    text = _decode(bytes(markup), notes) if isinstance(markup, (bytes, bytearray)) else markup
    if not text.strip():
        raise ParseError("the page is empty")
    root = _parse(text)
    if root is None:
        raise ParseError("the page could not be read as HTML")
    base = _base_url(root, url)
    nodes, article_node = _jsonld(root, notes)
    found = _from_page_jsonld(nodes, article_node, notes)
    # Trafilatura's own metadata costs a second pass; ask for it only when JSON-LD leaves gaps.
    gaps = found is None or not found.authors or found.published is None
    extracted_markup = _extract(root, base, with_metadata=gaps)
    extracted = _parse(extracted_markup) if extracted_markup else None
    if extracted is not None:
        _note_furniture(root, extracted, notes)
    page = _Page(root, extracted, notes)

    headline = found.headline if found is not None else page.title()
    if headline is None:
        raise ValidationError(
            [Problem("headline", "no headline: no JSON-LD article, <title> or og:title")]
        )
    fields = _fields(found, article_node, page, base, notes)
    lead = fields["lead_image"]
    body = _body(extracted, headline, lead, base, notes)
    if not body and found is not None and found.body:
        notes.add("body", "trafilatura found no main text; the body is the JSON-LD articleBody")
        body = list(found.body)
    elif not body:
        # A fragment or a very short page: its whole <body> is all the text there is.
        notes.add("body", "trafilatura found no main text; the whole page is the body")
        whole = root.find("body")
        if whole is None:  # libxml2 leaves content it reads before any body tag in <head>
            body = convert_element(root, notes, base_url=base, tags={"head": "div"})
        else:
            body = convert_element(whole, notes, base_url=base)
    article = notes.build(Article, "", headline=headline, body=body, **fields)
    if article is None:
        raise ValidationError(notes.items)
    return Imported(article, tuple(notes.items))


def _fields(
    found: Article | None,
    article_node: Mapping[str, Any] | None,
    page: _Page,
    base: str | None,
    notes: Notes,
) -> dict[str, Any]:
    """Every article field but headline and body: JSON-LD's value, else the page's."""
    # Without JSON-LD, an article with every field at its default stands in for it.
    jsonld = found or Article(headline="-", body=())
    language = _jsonld_language(article_node) if found is not None else None
    authors = list(jsonld.authors)
    if not authors:
        for name in _split_people(page.value("author")):
            if urls.scheme(name) is None:
                author = notes.build(Author, "meta.author", name=name)
                if author is not None:
                    authors.append(author)
    publication = jsonld.publication
    if publication is None:
        site = page.value("sitename", "og:site_name")
        publication = None if site is None else notes.build(Publication, "meta", name=site)
    published = jsonld.published
    if published is None:
        published = notes.date(page.meta.get("article:published_time"), "meta.published_time")
    if published is None and page.value("date") is not None:
        published = notes.date(page.value("date"), "meta.date")
    updated = jsonld.updated or notes.date(
        page.meta.get("article:modified_time"), "meta.modified_time"
    )
    section = jsonld.section or _first(page.value("categories", "article:section"))
    tags = list(jsonld.tags)
    if not tags:
        for tag in re.split(r"[;,]", page.value("tags", "keywords") or ""):
            if tag.strip() and tag.strip() not in tags:
                tags.append(tag.strip())
    node_url = None if article_node is None else article_node.get("url")
    if jsonld.url is None and base is not None and isinstance(node_url, str):
        node_url = urls.http_url(urljoin(base, node_url.strip()))  # WordPress writes a path
    else:
        node_url = jsonld.url
    url = node_url or notes.http_url(page.value("url", "og:url"), "meta.url") or base
    return {
        "id": jsonld.id,
        "url": url,
        "language": language or page.language() or _assumed_language(notes),
        "subheadline": jsonld.subheadline,
        "summary": jsonld.summary or page.value("description", "og:description"),
        "publication": publication,
        "authors": authors,
        "published": published,
        "updated": updated if updated != published else None,
        "section": section,
        "tags": tags,
        "lead_image": _resolved(jsonld.lead_image, base) or _lead_image(page, base, notes),
        "rights": jsonld.rights,
    }


def _first(value: str | None) -> str | None:
    parts = [part.strip() for part in re.split(r"[;,]", value or "") if part.strip()]
    return parts[0] if parts else None


def _jsonld_language(node: Mapping[str, Any] | None) -> str | None:
    value = None if node is None else node.get("inLanguage")
    if isinstance(value, Mapping):
        value = value.get("alternateName") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str) or _rules.language_problem(value.strip()) is not None:
        return None
    return value.strip()


def _assumed_language(notes: Notes) -> str:
    notes.add("language", "the page declares no language; en assumed")
    return "en"


def load_page(
    url: str,
    *,
    allow_remote: bool,
    limits: Limits | None = None,
    transport: Transport | None = None,
    resolver: Callable[[str, int], Sequence[str]] | None = None,
    address_check: Callable[[IPAddress], bool] | None = None,
) -> Imported:
    """Fetch a page by its http(s) URL under the image policy, and read it with :func:`from_html`.

    The fetch is the one remote images get (:mod:`messenger_content.resources`):
    one deadline, a size cap, redirects checked hop by hop, public addresses only.

    Args:
        url: The page's absolute http(s) URL.
        allow_remote: Must be ``True``: nothing is fetched otherwise.
        limits: Caps on bytes, time and redirects; ``None`` for the defaults.
        transport: Sends the GET (tests pass their own); ``None`` for the real one.
        resolver: Resolves host names; ``None`` for the system resolver.
        address_check: Which addresses may be connected to; ``None`` for public ones only.

    Returns:
        As :func:`from_html`.

    Raises:
        ResourceError: remote access is not allowed, or the fetch was refused or failed.
    """
    policy = ResourcePolicy(
        base_dir=".",
        allow_remote=allow_remote,
        limits=limits or Limits(),
        address_check=address_check or is_public_address,
        resolver=resolver or _system_resolver,
        **({} if transport is None else {"transport": transport}),
    )
    return from_html(policy.download(url, accept=_ACCEPT_PAGE), url=url)


_ACCEPT_PAGE = "text/html,application/xhtml+xml"
