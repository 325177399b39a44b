"""schema.org JSON-LD: ``NewsArticle`` and its kin read into articles, and written.

:func:`from_jsonld` takes what a page's ``<script type="application/ld+json">``
holds — one node, a list of nodes, or an ``@graph`` — finds the article node
(``NewsArticle``, ``Article``, ``ReportageNewsArticle`` and the other
``Article`` types) and follows ``@id`` references to its author, publisher and
image nodes. :func:`to_jsonld` (from :mod:`messenger_content.exporters.jsonld`) writes the object
the HTML exporter embeds.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from typing import Any

from .. import urls
from ..errors import Problem, ValidationError
from ..exporters.jsonld import to_jsonld
from ..models import Article, Author, Correction, Image, Link, Publication
from ._common import Imported, Notes, image_source, parse_json
from .html_blocks import html_to_blocks, html_to_inline, text_to_blocks

__all__ = ["ARTICLE_TYPES", "from_jsonld", "to_jsonld"]

#: schema.org types read as an article (``Article`` and its subtypes).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "AskPublicNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "SatiricalArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
    }
)
_MAX_NODES = 10_000
_LOOKS_LIKE_HTML = re.compile(r"<(?:p|div|br|h[1-6]|ul|ol|blockquote|figure)\b", re.I)


def _types(node: Mapping[str, Any]) -> set[str]:
    kinds = node.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return {re.split(r"[/:#]", name)[-1] for name in names if isinstance(name, str)}


def _nodes(document: object) -> list[Mapping[str, Any]]:
    """Every object in *document*, breadth first (``@graph`` and nested nodes included)."""
    found: list[Mapping[str, Any]] = []
    pending = deque([document])
    while pending and len(found) < _MAX_NODES:
        value = pending.popleft()
        if isinstance(value, list):
            pending.extend(v for v in value if isinstance(v, (list, Mapping)))
        elif isinstance(value, Mapping):
            found.append(value)
            pending.extend(v for v in value.values() if isinstance(v, (list, Mapping)))
    return found


class _Reader:
    def __init__(self, nodes: list[Mapping[str, Any]], notes: Notes) -> None:
        self.notes = notes
        self.ids = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}

    def node(self, value: object) -> object:
        """*value*, or the node it refers to by ``@id``."""
        if isinstance(value, Mapping) and set(value) == {"@id"}:
            return self.ids.get(value["@id"], value)
        return value

    def many(self, value: object) -> list[object]:
        items = value if isinstance(value, list) else [] if value is None else [value]
        return [self.node(item) for item in items]

    def text(self, value: object, path: str) -> str | None:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, Mapping):
            value = value.get("@value", value.get("name"))
        return self.notes.text(value, path)

    def authors(self, value: object) -> list[Author]:
        authors = []
        for index, item in enumerate(self.many(value)):
            path = f"author[{index}]"
            name: object
            url: str | None
            role: str | None
            if isinstance(item, str):
                name, url, role = item, None, None
            elif isinstance(item, Mapping):
                name = item.get("name")
                url = item.get("url") if isinstance(item.get("url"), str) else None
                role = item.get("jobTitle") if isinstance(item.get("jobTitle"), str) else None
            else:
                self.notes.add(path, "expected a name or a Person; ignored")
                continue
            text = self.notes.text(name, f"{path}.name")
            if text is None:
                continue
            author = self.notes.build(
                Author,
                path,
                name=text.strip(),
                url=self.notes.href(url, f"{path}.url") if url else None,
                role=self.notes.text(role, f"{path}.jobTitle"),
            )
            if author is not None and author not in authors:
                authors.append(author)
        return authors

    def image(self, value: object, path: str) -> Image | None:
        item = self.node(value)
        caption = credit = None
        width = height = None
        if isinstance(item, Mapping):
            caption = self.text(item.get("caption"), f"{path}.caption")
            credit = self.text(
                item.get("creditText") or item.get("copyrightHolder"), f"{path}.creditText"
            )
            width, height = _pixels(item.get("width")), _pixels(item.get("height"))
            item = item.get("url") or item.get("contentUrl")
        if isinstance(item, list):
            item = item[0] if item else None
        if not isinstance(item, str):
            self.notes.add(path, "no image URL; ignored")
            return None
        src = image_source(item) if urls.scheme(item.strip()) in ("http", "https") else None
        if src is None:
            self.notes.add(path, f"not an http(s) image URL: {item[:80]!r}; ignored")
            return None
        return self.notes.build(
            Image, path, src=src, caption=caption, credit=credit, width=width, height=height
        )

    def publisher(self, value: object) -> Publication | None:
        item = self.node(value[0] if isinstance(value, list) and value else value)
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping):
            return None
        name = self.text(item.get("name"), "publisher.name")
        if name is None:
            return None
        url = item.get("url")
        logo = self.image(item["logo"], "publisher.logo") if item.get("logo") else None
        return self.notes.build(
            Publication,
            "publisher",
            name=name.strip(),
            url=self.notes.http_url(url, "publisher.url") if isinstance(url, str) else None,
            logo=logo,
        )

    def corrections(self, value: object) -> list[Correction]:
        """``correction``: text, a URL, or CorrectionComment nodes (``text``, ``datePublished``)."""
        corrections = []
        for index, item in enumerate(self.many(value)):
            path = f"correction[{index}]"
            when = None
            if isinstance(item, Mapping):
                when = self.notes.day(item.get("datePublished"), f"{path}.datePublished")
                item = item.get("text") if "text" in item else item.get("description")
            text = self.text(item, path)
            if text is None:
                self.notes.add(path, "a correction without text; ignored")
                continue
            content: Any = text.strip()
            link = urls.http_url(content) if urls.scheme(content) in ("http", "https") else None
            if link is not None and not any(c.isspace() for c in content):
                content = [Link(href=link)]  # the correction is published at that address
            elif "<" in content:
                content = html_to_inline(content, self.notes)
            correction = self.notes.build(Correction, path, date=when, text=content)
            if correction is not None:
                corrections.append(correction)
        return corrections


def _pixels(value: object) -> int | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, str) and value.strip().removesuffix("px").isdigit():
        value = int(value.strip().removesuffix("px"))
    return value if type(value) is int and 0 < value < 1_000_000 else None


def from_jsonld(document: object) -> Imported:
    """Read a schema.org article from JSON-LD into an article.

    Args:
        document: A parsed JSON-LD value (an object, a list of objects, or an
            object with ``@graph``), or its JSON text.

    Returns:
        The article and the warnings (further images, sections and refused
        values are named).

    Raises:
        ParseError: *document* is JSON text that does not parse.
        ValidationError: there is no article node, or it has no headline.
    """
    nodes = _nodes(parse_json(document, "JSON-LD"))
    candidates = [n for n in nodes if _types(n) & ARTICLE_TYPES]
    if not candidates:
        raise ValidationError([Problem("", "no schema.org Article or NewsArticle node found")])
    notes = Notes()
    reader = _Reader(nodes, notes)
    node = max(candidates, key=lambda n: ("headline" in n, "articleBody" in n, len(n)))
    headline = reader.text(node.get("headline"), "headline") or reader.text(
        node.get("name"), "name"
    )
    if headline is None:
        raise ValidationError([Problem("headline", "the article node has no headline")])
    images = []
    for index, item in enumerate(reader.many(node.get("image"))):
        image = reader.image(item, f"image[{index}]")
        if image is not None:
            images.append(image)
    if len(images) > 1:
        notes.add("image", f"{len(images) - 1} further image(s) dropped (usually other crops)")
    sections = [reader.text(s, "articleSection") for s in reader.many(node.get("articleSection"))]
    sections = [s for s in sections if s]
    if len(sections) > 1:
        notes.add("articleSection", f"only the first section is kept; {sections[1:]!r} dropped")
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    tags: list[str] = []
    for keyword in keywords if isinstance(keywords, list) else []:
        tag = reader.text(keyword, "keywords")
        if tag is not None and tag.strip() not in tags:
            tags.append(tag.strip())
    language = node.get("inLanguage")
    if isinstance(language, Mapping):
        language = language.get("alternateName") or language.get("name")
    body_text = reader.text(node.get("articleBody"), "articleBody")
    body: list[Any] = []
    if body_text is not None:
        if _LOOKS_LIKE_HTML.search(body_text):
            converted = html_to_blocks(body_text)
            body = list(converted.blocks)
            for problem in converted.warnings:
                notes.add("articleBody", problem.message)
        else:
            body = list(text_to_blocks(body_text))
    dateline = reader.text(node.get("dateline"), "dateline")
    url = node.get("url") or node.get("mainEntityOfPage")
    if isinstance(url, Mapping):
        url = url.get("@id") or url.get("url")
    identifier = node.get("identifier")
    if not isinstance(identifier, str):
        node_id = node.get("@id")
        identifier = (
            node_id if isinstance(node_id, str) and not node_id.startswith(("_:", "#")) else None
        )
    article = notes.build(
        Article,
        "",
        id=notes.text(identifier, "identifier"),
        url=notes.http_url(url, "url") if isinstance(url, str) else None,
        language=notes.language(language, "inLanguage") or "en",
        headline=headline,
        subheadline=reader.text(node.get("alternativeHeadline"), "alternativeHeadline"),
        summary=reader.text(node.get("description"), "description"),
        publication=reader.publisher(node.get("publisher")),
        authors=reader.authors(node.get("author")),
        published=notes.date(node.get("datePublished"), "datePublished"),
        updated=notes.date(node.get("dateModified"), "dateModified"),
        dateline=dateline.strip() if dateline is not None else None,
        section=sections[0] if sections else None,
        tags=tags,
        lead_image=images[0] if images else None,
        rights=reader.text(node.get("copyrightNotice"), "copyrightNotice"),
        corrections=reader.corrections(node.get("correction")),
        body=body,
    )
    if article is None:
        raise ValidationError(notes.items)
    return Imported(article, tuple(notes.items))


# --- writing -------------------------------------------------------------------------------
