"""IPTC ninjs (News in JSON) 3.x and 2.x, read into articles and written from them.

ninjs 3 spells properties in camelCase (``versionCreated``), ninjs 2 in lower
case (``versioncreated``); both are read, and the 1.x ``headline``,
``byline`` and ``body_<type>`` properties as well. :func:`to_ninjs` writes
ninjs 3.1. ``docs/interchange.md`` has the mapping, field by field, and what
each direction loses.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import lxml.etree

from .. import _rules, urls
from ..errors import Problem, ValidationError
from ..models import Article, Author, Block, Correction, Embed, Image, Publication, Text
from ..theme import plain_text
from ._common import Imported, Notes, field, image_source, parse_json, utc
from .html_blocks import (
    NITF_TAGS,
    blocks_to_html,
    blocks_to_text,
    convert_element,
    html_to_blocks,
    html_to_inline,
    inline_html,
    provider,
    text_to_blocks,
)

__all__ = ["from_ninjs", "to_ninjs"]

#: The ``rel`` values of ``people`` that mean "made this item" (others are who it is about).
AUTHOR_RELS = frozenset({"author", "creator", "contributor", "by", "writer", "reporter", "byline"})
#: Headline roles read as the subheadline.
_SUBHEAD_ROLES = frozenset({"subhead", "sub", "subheadline", "subtitle", "deck", "dek"})
#: Description roles read as an image's credit, and as its caption.
_CREDIT_ROLES = frozenset({"creditline", "credit"})
#: The description role :func:`to_ninjs` writes each correction under (ninjs has no field).
CORRECTION_ROLE = "correction"
#: Association types read as embeds, and the rendition media type each plays from.
_MEDIA_TYPES = {"video": "video/", "audio": "audio/"}
#: Media types every browser plays, preferred for an embed's link.
_PLAYABLE = ("video/mp4", "video/webm", "audio/mpeg", "audio/mp4", "audio/ogg", "video/ogg")
#: Images should print sharp: the smallest rendition at least this wide is picked.
PRINT_WIDTH = 2000
_ID_PREFIX = "urn:x-messenger-content:id:"
_SCHEME_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_NITF = re.compile(r"nitf", re.I)
_SECTION_REL = "section"


def _kind(body: Mapping[str, Any]) -> tuple[int, str]:
    """How rich a body is (higher is richer) and how to read it: html, nitf or text."""
    content_type = str(field(body, "contentType") or "").lower()
    role = str(body.get("role") or "").lower()
    value = body.get("value")
    if not isinstance(value, str):
        return (-1, "")
    if (
        _NITF.search(content_type)
        or role == "nitf"
        or (value.lstrip().startswith("<?xml") and "<nitf" in value[:400])
    ):
        return (2, "nitf")
    if (
        "html" in content_type
        or "xhtml" in content_type
        or role in ("html", "html5", "xhtml", "richtext", "richhtml5")
    ):
        return (3, "html")
    if content_type in ("", "text/plain"):
        if re.match(r"\s*<(?:p|div|section|body|html)\b", value, re.I):
            return (3, "html")
        return (1, "text")
    return (0, "")  # another XML dialect, e.g. TT's own


def _bodies(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    bodies = field(document, "bodies")
    found = [b for b in bodies if isinstance(b, Mapping)] if isinstance(bodies, list) else []
    for key, value in document.items():  # ninjs 1.x: body_text, body_html …
        if key.startswith("body_") and isinstance(value, str):
            kind = "text/html" if "html" in key else "text/plain"
            found.append({"role": key[5:], "contentType": kind, "value": value})
    return found


def _body(document: Mapping[str, Any], notes: Notes) -> list[Block]:
    """The blocks of the richest body: HTML or XHTML, then NITF, then plain text."""
    ranked = [(_kind(b), i, b) for i, b in enumerate(_bodies(document))]
    ranked = [r for r in ranked if r[0][0] >= 1]
    if not ranked:
        return []
    # Equally rich bodies: the longest (TT's "richhtml5" holds the figures "html5" leaves out).
    (_rank, kind), index, body = max(ranked, key=lambda r: (r[0][0], len(r[2]["value"]), -r[1]))
    value = body["value"]
    if kind == "html":
        converted = html_to_blocks(value)
        for problem in converted.warnings:
            notes.add(f"bodies[{index}]", problem.message)
        return list(converted.blocks)
    if kind == "nitf":
        blocks = _nitf(value, notes, f"bodies[{index}]")
        if blocks is not None:
            return blocks
        rest = [r for r in ranked if r[2] is not body]
        return _body({"bodies": [r[2] for r in rest]}, notes) if rest else []
    return list(text_to_blocks(value))


def _nitf(value: str, notes: Notes, path: str) -> list[Block] | None:
    """Blocks of an NITF document's ``body.content``; ``None`` if it cannot be read."""
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
    )
    try:
        root = lxml.etree.fromstring(value.encode("utf-8"), parser=parser)
    except (lxml.etree.XMLSyntaxError, ValueError) as error:
        notes.add(path, f"NITF body is not well-formed XML ({error}); the next richest body used")
        return None
    contents = [
        e
        for e in root.iter()
        if isinstance(e.tag, str) and lxml.etree.QName(e).localname == "body.content"
    ]
    if not contents:
        notes.add(path, "NITF body has no body.content; the next richest body used")
        return None
    inner = Notes()
    blocks = convert_element(contents[0], inner, tags=NITF_TAGS)
    for problem in inner.items:
        notes.add(path, problem.message)
    return blocks


def _texts(value: object, path: str, notes: Notes) -> list[tuple[str, str, str]]:
    """``(role, contentType, value)`` of each object in a headlines/descriptions array."""
    if value is None:
        return []
    if not isinstance(value, list):
        notes.add(path, "expected an array; ignored")
        return []
    found = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            notes.add(f"{path}[{index}]", "expected an object; ignored")
            continue
        text = notes.text(item.get("value"), f"{path}[{index}].value")
        if text is not None:
            role = str(item.get("role") or "").lower()
            found.append((role, str(field(item, "contentType") or "").lower(), text))
    return found


def _plain(content_type: str, value: str, notes: Notes) -> str | None:
    """*value* as plain text (markup removed when its content type is HTML)."""
    if "html" in content_type or "xml" in content_type or content_type.endswith("_xhtml"):
        text = plain_text(html_to_inline(value, notes))
        return text if text.strip() else None
    return value


def _headlines(document: Mapping[str, Any], notes: Notes) -> tuple[str | None, str | None]:
    items = _texts(field(document, "headlines"), "headlines", notes)
    main = [i for i in items if i[0] not in _SUBHEAD_ROLES]
    main.sort(key=lambda i: i[0] != "main")
    subs = [i for i in items if i[0] in _SUBHEAD_ROLES]
    headline = _plain(main[0][1], main[0][2], notes) if main else None
    headline = headline or notes.text(document.get("headline"), "headline")  # ninjs 1.x
    if headline is None:
        for name in ("title", "slugline"):
            headline = notes.text(field(document, name), name)
            if headline is not None:
                notes.add(name, f"no headline: the {name} is used instead")
                break
    subheadline = _plain(subs[0][1], subs[0][2], notes) if subs else None
    return headline, subheadline


def _authors(document: Mapping[str, Any], notes: Notes) -> list[Author]:
    authors: list[Author] = []
    people = field(document, "people")
    for index, person in enumerate(people if isinstance(people, list) else []):
        if (
            not isinstance(person, Mapping)
            or str(person.get("rel") or "").lower() not in AUTHOR_RELS
        ):
            continue
        path = f"people[{index}]"
        name = notes.text(person.get("name"), f"{path}.name")
        uri = person.get("uri")
        url = (
            notes.href(uri, f"{path}.uri")
            if isinstance(uri, str) and urls.scheme(uri) in ("http", "https", "mailto")
            else None
        )
        author = notes.build(Author, path, name=name, url=url) if name else None
        if author is not None:
            authors.append(author)
    if authors:
        return authors
    by = notes.text(field(document, "by") or document.get("byline"), "by")
    if by is not None:
        return [Author(name=by.strip())]
    return []


def _tags(document: Mapping[str, Any], notes: Notes) -> tuple[list[str], str | None]:
    tags: list[str] = []
    section = None
    subjects = field(document, "subjects")
    for index, subject in enumerate(subjects if isinstance(subjects, list) else []):
        if not isinstance(subject, Mapping):
            continue
        name = notes.text(subject.get("name") or subject.get("literal"), f"subjects[{index}].name")
        if name is None:
            continue
        if subject.get("rel") == _SECTION_REL and section is None:
            section = name
        elif name not in tags:
            tags.append(name)
    keywords = document.get("keywords")
    for index, keyword in enumerate(keywords if isinstance(keywords, list) else []):
        name = notes.text(keyword, f"keywords[{index}]")
        if name is not None and name not in tags:
            tags.append(name)
    return tags, section


def _dates(document: Mapping[str, Any], notes: Notes) -> tuple[datetime | None, datetime | None]:
    first = notes.date(field(document, "firstCreated"), "firstCreated")
    content = notes.date(field(document, "contentCreated"), "contentCreated")
    version = notes.date(field(document, "versionCreated"), "versionCreated")
    published = first or content or version
    updated = (
        version
        if version is not None and published is not None and utc(version) != utc(published)
        else None
    )
    if published is version and version is not None:
        updated = None
    return published, updated


def _rendition(
    renditions: object, path: str, notes: Notes
) -> tuple[str, int | None, int | None] | None:
    """The rendition to print: the smallest at least PRINT_WIDTH wide, else the widest."""
    candidates: list[tuple[str, int | None, int | None]] = []
    for index, rendition in enumerate(renditions if isinstance(renditions, list) else []):
        if not isinstance(rendition, Mapping):
            continue
        content_type = str(field(rendition, "contentType") or "image/").lower()
        href = rendition.get("href")
        if not content_type.startswith("image/") or not isinstance(href, str) or not href.strip():
            continue
        src = image_source(href)
        if src is None:
            notes.add(f"{path}[{index}].href", f"not an image source: {href[:80]!r}; ignored")
            continue
        width, height = rendition.get("width"), rendition.get("height")
        width = width if type(width) is int and width > 0 else None
        height = height if type(height) is int and height > 0 else None
        candidates.append((src, width, height))
    if not candidates:
        return None
    large = [c for c in candidates if c[1] is not None and c[1] >= PRINT_WIDTH]
    if large:
        return min(large, key=lambda c: c[1] or 0)
    known = [c for c in candidates if c[1] is not None]
    return max(known, key=lambda c: c[1] or 0) if known else candidates[0]


def _picture(item: Mapping[str, Any], path: str, notes: Notes) -> Image | None:
    """An image from a picture item (an association, or the document itself)."""
    chosen = _rendition(field(item, "renditions"), f"{path}.renditions", notes)
    if chosen is None:
        return None
    src, width, height = chosen
    headlines = _texts(field(item, "headlines"), f"{path}.headlines", notes)
    descriptions = _texts(field(item, "descriptions"), f"{path}.descriptions", notes)
    credits = [d for d in descriptions if d[0] in _CREDIT_ROLES]
    captions = [d for d in descriptions if d[0] not in _CREDIT_ROLES]
    captions.sort(key=lambda d: ("html" in d[1] or "xhtml" in d[1], d[0] != "caption"))
    caption: Any = None
    if captions:
        _role, content_type, value = captions[0]
        caption = html_to_inline(value, notes) if "html" in content_type else value
    alt = _plain(headlines[0][1], headlines[0][2], notes) if headlines else None
    credit = credits[0][2] if credits else notes.text(field(item, "by"), f"{path}.by")
    return notes.build(
        Image,
        path,
        src=src,
        alt=alt,
        caption=caption or None,
        credit=credit,
        width=width,
        height=height,
    )


def _media(item: Mapping[str, Any], path: str, notes: Notes, kind: str) -> Embed | None:
    """An embed from a video or audio item: the http(s) rendition browsers play best."""
    renditions = field(item, "renditions")
    playable: list[tuple[int, str]] = []
    for index, rendition in enumerate(renditions if isinstance(renditions, list) else []):
        if not isinstance(rendition, Mapping):
            continue
        content_type = str(field(rendition, "contentType") or "").lower()
        href = rendition.get("href")
        if content_type.startswith(_MEDIA_TYPES[kind]) and isinstance(href, str):
            found = notes.http_url(href, f"{path}.renditions[{index}].href")
            if found is not None:
                rank = _PLAYABLE.index(content_type) if content_type in _PLAYABLE else 99
                playable.append((rank, found))
    if not playable:
        return None
    url = min(playable, key=lambda candidate: candidate[0])[1]  # what browsers play, else first
    headlines = _texts(field(item, "headlines"), f"{path}.headlines", notes)
    descriptions = _texts(field(item, "descriptions"), f"{path}.descriptions", notes)
    texts = [d for d in descriptions if d[0] not in _CREDIT_ROLES]
    texts.sort(key=lambda d: ("html" not in d[1], d[0] != "caption"))
    fallback: Any = None
    if texts:
        _role, content_type, value = texts[0]
        fallback = html_to_inline(value, notes) if "html" in content_type else value
    poster = _picture(item, path, notes)
    if poster is not None:  # the descriptions are the embed's fallback, not the still's caption
        poster = attrs.evolve(poster, caption=None)
    return notes.build(
        Embed,
        path,
        url=url,
        title=_plain(headlines[0][1], headlines[0][2], notes) if headlines else None,
        provider=provider(url),
        fallback=fallback or None,
        poster=poster,
    )


def _associations(document: Mapping[str, Any], notes: Notes) -> list[Image | Embed]:
    associations = field(document, "associations")
    if isinstance(associations, Mapping):  # ninjs 1.x: keyed by name
        associations = [
            dict(value, name=key)
            for key, value in associations.items()
            if isinstance(value, Mapping)
        ]
    images: list[Image | Embed] = []
    for index, item in enumerate(associations if isinstance(associations, list) else []):
        path = f"associations[{index}]"
        if not isinstance(item, Mapping):
            continue
        kind = str(item.get("type") or "picture")
        if kind in _MEDIA_TYPES:
            embed = _media(item, path, notes, kind)
            if embed is None:
                notes.add(
                    path, f"a {kind} association without an http(s) {kind} rendition; ignored"
                )
            else:
                images.append(embed)
            continue
        if kind not in ("picture", "graphic"):
            notes.add(
                path, f"a {kind} association ({item.get('name')!s}) cannot be carried; ignored"
            )
            continue
        image = _picture(item, path, notes)
        if image is None:
            notes.add(path, "no usable image rendition; ignored")
        else:
            images.append(image)
    return images


def _corrections(descriptions: list[tuple[str, str, str]], notes: Notes) -> list[Correction]:
    """The descriptions of role ``correction`` (how :func:`to_ninjs` writes them), undated."""
    corrections = []
    for role, content_type, value in descriptions:
        if role == CORRECTION_ROLE:
            text: Any = html_to_inline(value, notes) if "html" in content_type else value
            correction = notes.build(Correction, "descriptions", text=text) if text else None
            if correction is not None:
                corrections.append(correction)
    return corrections


def _rights(document: Mapping[str, Any], notes: Notes) -> str | None:
    notice = notes.text(field(document, "copyrightNotice"), "copyrightNotice")
    terms = notes.text(field(document, "usageTerms"), "usageTerms")
    if notice is not None and terms is not None:
        notes.add("usageTerms", "the copyright notice is kept as rights; usage terms dropped")
    return notice if notice is not None else terms


def _publication(document: Mapping[str, Any], notes: Notes) -> Publication | None:
    sources = field(document, "infoSources")
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        if isinstance(source, Mapping) and source.get("role") == "publisher":
            path = f"infoSources[{index}]"
            name = notes.text(source.get("name"), f"{path}.name")
            uri = source.get("uri")
            url = notes.http_url(uri, f"{path}.uri") if isinstance(uri, str) else None
            return notes.build(Publication, path, name=name, url=url) if name else None
    return None


def _identifier(uri: object, notes: Notes) -> str | None:
    text = notes.text(uri, "uri")
    if text is not None and text.startswith(_ID_PREFIX):
        return notes.text(urllib.parse.unquote(text[len(_ID_PREFIX) :]), "uri")
    return text


def from_ninjs(document: object) -> Imported:
    """Read a ninjs 3.x or 2.x news item (a parsed JSON object) into an article.

    Args:
        document: The ninjs object, as :func:`json.loads` gives it, or its JSON text.

    Returns:
        The article and the warnings: each value the article cannot carry
        (embargoes, text associations …) or that was refused (a
        ``javascript:`` link, a date without a time) is named there.

    Raises:
        ParseError: *document* is JSON text that does not parse.
        ValidationError: *document* is not an object, or has no headline
            (``headlines``, ``headline``, ``title`` or ``slugline``).
    """
    document = parse_json(document, "ninjs")
    if not isinstance(document, Mapping):
        raise ValidationError(
            [Problem("", f"expected a ninjs object, got {type(document).__name__}")]
        )
    notes = Notes()
    headline, subheadline = _headlines(document, notes)
    if headline is None:
        raise ValidationError(
            [Problem("headlines", "a ninjs item needs a headline to become an article")]
        )
    descriptions = _texts(field(document, "descriptions"), "descriptions", notes)
    corrections = _corrections(descriptions, notes)
    text_descriptions = [
        d for d in descriptions if d[0] not in _CREDIT_ROLES | {"caption", CORRECTION_ROLE}
    ]
    summary = None
    for role, content_type, value in sorted(text_descriptions, key=lambda d: "html" in d[1]):
        summary = _plain(content_type, value, notes)
        if role in ("lead", "standfirst", "dek") and subheadline is None:
            subheadline, summary = summary, None
        if summary is not None:
            break
    located = notes.text(field(document, "located"), "located")
    for name in ("embargoedUntil", "embargoed"):
        if field(document, name):
            notes.add(name, "the embargo cannot be carried; dropped")
    status = field(document, "pubStatus")
    if status in ("withheld", "canceled", "cancelled"):
        notes.add("pubStatus", f"the item's publication status is {status!r}")
    published, updated = _dates(document, notes)
    tags, section = _tags(document, notes)
    body = _body(document, notes)
    associated = _associations(document, notes)
    own = _picture(document, "renditions", notes) if field(document, "renditions") else None
    if own is not None and str(document.get("type") or "picture") in ("picture", "graphic"):
        associated.insert(0, own)
    lead = next((item for item in associated if isinstance(item, Image)), None)
    if not body and _bodies(document):
        notes.add("bodies", "no body could be read")
    full_text = [d for d in text_descriptions if d[0] == "text" and "html" not in d[1]]
    if not _bodies(document) and document.get("type") == "text" and full_text:
        # NTB sends short text items with the whole text as a "text" description.
        body = list(text_to_blocks(full_text[0][2]))
        notes.add("descriptions", "a text item without a body: its text description is the body")
    language = notes.language(field(document, "language"), "language")
    article = notes.build(
        Article,
        "",
        id=_identifier(field(document, "uri"), notes),
        language=language or "en",
        headline=headline,
        subheadline=subheadline,
        summary=summary,
        publication=_publication(document, notes),
        authors=_authors(document, notes),
        published=published,
        updated=updated,
        dateline=located.strip() if located is not None else None,
        section=section,
        tags=tags,
        lead_image=lead,
        rights=_rights(document, notes),
        corrections=corrections,
        body=[*body, *(item for item in associated if item is not lead)],
    )
    if article is None:
        raise ValidationError(notes.items)
    return Imported(article, tuple(notes.items))


# --- writing ------------------------------------------------------------------------------


def _uri(article: Article) -> str:
    if article.id is not None:
        if _SCHEME_URI.fullmatch(article.id) and urls.first_unsafe(article.id) is None:
            return article.id
        return _ID_PREFIX + urllib.parse.quote(article.id, safe="")
    if article.url is not None:
        return article.url
    from ..codec import dumps

    digest = hashlib.sha256(dumps(article).encode("utf-8")).hexdigest()[:32]
    return f"urn:x-messenger-content:sha256:{digest}"


def _inline_description(role: str, text: Text) -> dict[str, str]:
    """A description of inline content: HTML when it has markup, else plain text."""
    if any(not isinstance(part, str) for part in text):
        return {"role": role, "contentType": "text/html", "value": inline_html(text)}
    return {"role": role, "contentType": "text/plain", "value": plain_text(text)}


def _association(image: Image, name: str) -> dict[str, Any]:
    rendition: dict[str, Any] = {"name": "original", "href": image.src}
    if image.width is not None:
        rendition["width"] = image.width
    if image.height is not None:
        rendition["height"] = image.height
    digest = hashlib.sha256(image.src.encode("utf-8")).hexdigest()[:32]
    item: dict[str, Any] = {
        "name": name,
        "uri": image.src
        if urls.scheme(image.src) in ("http", "https")
        else f"urn:x-messenger-content:image:{digest}",
        "type": "picture",
    }
    if image.alt is not None:
        item["headlines"] = [{"value": image.alt}]
    descriptions = []
    if image.caption is not None:
        descriptions.append(_inline_description("caption", image.caption))
    if image.credit is not None:
        descriptions.append(
            {"role": "creditline", "contentType": "text/plain", "value": image.credit}
        )
    if descriptions:
        item["descriptions"] = descriptions
    item["renditions"] = [rendition]
    return item


def to_ninjs(article: Article) -> dict[str, Any]:
    """Write an article as a ninjs 3.1 news item (valid by the IPTC's JSON Schema).

    The body is written twice, as HTML (``role`` ``main``) and as plain text;
    the lead image becomes the association ``lead_image``, body images stay
    ``<figure>`` elements of the HTML body (tables, preformatted text and
    embeds their own elements, an embed a link card). The dateline is
    ``located``; corrections are descriptions of role ``correction``. What
    ninjs cannot carry (author roles, the publication's slogan and logo,
    newsletter boxes, the dates of corrections) is listed in
    ``docs/interchange.md``.
    """
    document: dict[str, Any] = {"uri": _uri(article), "type": "text", "language": article.language}
    if article.published is not None:
        document["firstCreated"] = _rules.format_datetime(article.published)
    when = article.updated or article.published
    if when is not None:
        document["versionCreated"] = _rules.format_datetime(when)
    headlines = [{"role": "main", "contentType": "text/plain", "value": article.headline}]
    if article.subheadline is not None:
        headlines.append(
            {"role": "subhead", "contentType": "text/plain", "value": article.subheadline}
        )
    document["headlines"] = headlines
    descriptions = []
    if article.summary is not None:
        descriptions.append(
            {"role": "summary", "contentType": "text/plain", "value": article.summary}
        )
    for correction in article.corrections:
        descriptions.append(_inline_description(CORRECTION_ROLE, correction.text))
    if descriptions:
        document["descriptions"] = descriptions
    if article.dateline is not None:
        document["located"] = article.dateline
    if article.authors:
        document["by"] = ", ".join(author.name for author in article.authors)
        people = []
        for author in article.authors:
            person = {"name": author.name, "rel": "author"}
            if author.url is not None and urls.scheme(author.url) in ("http", "https", "mailto"):
                person["uri"] = author.url
            people.append(person)
        document["people"] = people
    subjects: list[dict[str, Any]] = [{"name": tag} for tag in article.tags]
    if article.section is not None:
        subjects.append({"name": article.section, "rel": _SECTION_REL})
    if subjects:
        document["subjects"] = subjects
    if article.publication is not None:
        source: dict[str, Any] = {"name": article.publication.name, "role": "publisher"}
        if article.publication.url is not None:
            source["uri"] = article.publication.url
        document["infoSources"] = [source]
    if article.rights is not None:
        document["copyrightNotice"] = article.rights
    html = blocks_to_html(article.body)
    text = blocks_to_text(article.body)
    bodies: list[dict[str, Any]] = []
    if html:
        bodies.append({"role": "main", "contentType": "text/html", "value": html})
    if text:
        bodies.append(
            {
                "role": "text",
                "contentType": "text/plain",
                "charCount": len(text),
                "wordCount": len(text.split()),
                "value": text,
            }
        )
    if bodies:
        document["bodies"] = bodies
    if article.lead_image is not None:
        document["associations"] = [_association(article.lead_image, "lead_image")]
    return document
