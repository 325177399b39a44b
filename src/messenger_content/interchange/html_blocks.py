"""HTML to article blocks, and blocks back to HTML: the converter every import uses.

:func:`html_to_blocks` reads a fragment or a whole page with lxml's HTML
parser (``<body>`` is used when there is one) and maps its elements onto the
models:

========================================  ==========================================
HTML                                      blocks and inline nodes
========================================  ==========================================
``p``, ``div``, ``section`` …             :class:`Paragraph` (containers are unwrapped)
``h1`` to ``h6``                          :class:`Heading` (``h1`` becomes level 2)
``blockquote`` + ``cite``/``footer``      :class:`Quote` with its attribution and source
``figure``, ``img``, ``figcaption``       :class:`Image` (a ``.credit`` element is the credit)
``ul``, ``ol``, ``li``                    :class:`ItemList` (nested lists are flattened)
``hr``                                    :class:`Divider`
``aside class="related"`` with one link   :class:`RelatedLink`
``a``, ``em``/``i``, ``strong``/``b``     :class:`Link`, :class:`Emphasis`, :class:`Strong`
``code``, ``br``                          :class:`Code`, :class:`LineBreak`
``pre``, ``pre > code``                   :class:`Preformatted` (``language-x`` class: its
                                          language; a ``verse``/``poem`` class: verse)
``table``, ``caption``, ``thead`` …       :class:`Table` (spans expanded with empty cells,
                                          a nested table flattened to text: warnings)
``iframe``, ``video``, ``audio``,         :class:`Embed` when the source is http(s), else
``embed``, ``object``                     dropped (warning); never loaded
``blockquote.twitter-tweet`` and kin      :class:`Embed` of the post, its text the fallback
``script``, ``style``, forms …            dropped (warning)
anything else                             unwrapped, its text kept (warning)
========================================  ==========================================

Table cells keep their inline content and may be empty. ``<thead>`` rows are
the header rows; without a ``<thead>``, leading rows made only of ``<th>``
cells are. A cell spanning several columns or rows is followed by empty cells
where the span reaches, so the columns line up (a warning says so); past
10,000 such cells a table's spans are ignored. In a cell, a list's items
become lines and a ``pre`` inline code; other blocks (an image) move after
the table. An embed's provider is named
from its host (``YouTube``, ``Vimeo``, ``X (Twitter)`` …, else the host
name); a ``<video poster>`` is its poster image, under the same rules as
``<img>``. A source starting ``//`` (as embed codes write them) is read as
``https:`` when there is no base URL.

Only ``href``, ``src``, ``data-src``, ``alt``, ``cite``, ``width``,
``height`` and ``class`` are read, and for tables and embeds ``colspan``,
``rowspan``, ``title``, ``poster``, ``data`` (of ``object``) and
``data-instgrm-permalink``; every other attribute is left behind, and event
handlers (``on…``) are reported. Links and sources go through the same rules
as the article loader (:mod:`messenger_content.urls`): a ``javascript:`` link
keeps its text and loses the link, an embed needs an http(s) source. Every
block is built through the models, so the result always passes the article
validator.

:func:`blocks_to_html` writes blocks back: a table as ``<table>``,
preformatted text as ``<pre><code class="language-…">`` or ``<pre
class="verse">``, an embed as a link card (``<figure class="embed">`` with its
poster, a link, the provider and the fallback), never an iframe; each reads
back as the same block.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from markupsafe import escape

from .. import _rules, urls
from ..errors import Problem
from ..models import (
    Block,
    Code,
    Divider,
    Embed,
    Emphasis,
    Heading,
    Image,
    Inline,
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
    to_text,
)
from ..theme import plain_text
from ._common import Notes, image_source, link_target

__all__ = ["Converted", "blocks_to_html", "html_to_blocks", "html_to_inline", "text_to_blocks"]


class Converted(NamedTuple):
    """Blocks made from markup, and what could not be carried over."""

    blocks: tuple[Block, ...]
    """The blocks, in reading order."""
    warnings: tuple[Problem, ...]
    """One :class:`~messenger_content.Problem` per kind of element or attribute dropped."""


#: Elements dropped with everything inside them: active content, forms, metadata.
_DROPPED = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "form",
        "input",
        "button",
        "select",
        "option",
        "optgroup",
        "textarea",
        "applet",
        "svg",
        "math",
        "canvas",
        "link",
        "meta",
        "base",
        "head",
        "title",
        "dialog",
        "frame",
        "frameset",
        "map",
        "area",
        "param",
        "source",
        "track",
        "portal",
        "menu",
    ]
)
#: Hosts of embedded content and who they are; subdomains (``player.vimeo.com``) included.
PROVIDERS = {
    "youtube.com": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "twitter.com": "X (Twitter)",
    "x.com": "X (Twitter)",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "tiktok.com": "TikTok",
    "bsky.app": "Bluesky",
    "threads.net": "Threads",
    "reddit.com": "Reddit",
    "dailymotion.com": "Dailymotion",
    "soundcloud.com": "SoundCloud",
    "spotify.com": "Spotify",
    "datawrapper.de": "Datawrapper",
    "dwcdn.net": "Datawrapper",
    "flourish.studio": "Flourish",
}
#: Classes of the blockquotes social networks' embed codes write (a script turns them into
#: an iframe; the script is dropped, the post becomes an embed block).
_POST_CLASS = re.compile(
    r"(?:^|\s)(?:twitter-tweet|twitter-video|instagram-media|tiktok-embed|bluesky-embed"
    r"|text-post-media)(?:$|\s)",
    re.I,
)
#: ``pre`` classes that mean verse: WordPress' ``wp-block-verse``, ``poem``, ``poetry``, ``lyrics``.
_VERSE_CLASS = re.compile(r"(?:^|[\s_-])(?:verse|poem|poetry|lyrics)(?:$|[\s_-])", re.I)
#: A code language class as Prism, highlight.js and Markdown converters write it.
_LANGUAGE_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([^\s]+)", re.I)
_EMBED_CLASS = re.compile(r"(?:^|\s)embed(?:$|\s)", re.I)
#: Empty cells a table's spans may add before the rest of its spans are ignored.
_MAX_SPAN_CELLS = 10_000
#: Block containers: unwrapped, their content starts and ends a paragraph.
_BLOCK_CONTAINERS = frozenset(
    [
        "html",
        "body",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "center",
        "address",
        "details",
        "summary",
        "hgroup",
        "fieldset",
        "legend",
        "dl",
        "dt",
        "dd",
        "caption",
        "search",
    ]
)
#: Inline elements whose meaning the model has no node for: unwrapped silently.
_INLINE_CONTAINERS = frozenset(
    [
        "span",
        "font",
        "small",
        "big",
        "u",
        "s",
        "strike",
        "del",
        "ins",
        "mark",
        "abbr",
        "acronym",
        "cite",
        "q",
        "dfn",
        "time",
        "data",
        "sup",
        "sub",
        "bdi",
        "bdo",
        "label",
        "nobr",
        "wbr",
        "picture",
        "var",
    ]
)
_HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: NITF (``body.content``) element names read as their HTML counterparts.
NITF_TAGS = {
    "hl1": "h2",
    "hl2": "h3",
    "block": "div",
    "media": "figure",
    "media-caption": "figcaption",
}
_CREDIT_CLASS = re.compile(
    r"(?:^|[\s_-])(?:credit|copyright|byline|photographer)(?:$|[\s_-])", re.I
)
_HTML_SPACE = " \t\n\r\f"
_WHITE_SPACE = re.compile(r"[ \t\n\r\f]+")
#: Inline nodes open at once; deeper formatting is unwrapped so models never refuse it.
_MAX_OPEN = _rules.MAX_INLINE_DEPTH - 2
#: Element depth past which content is taken as plain text (no recursion without limit).
_MAX_DEPTH = 200


class _Frame:
    """An inline node being built: its kind and the content gathered so far."""

    __slots__ = ("children", "href", "kind")

    def __init__(self, kind: str, href: str | None = None) -> None:
        self.kind = kind
        self.href = href
        self.children: list[Inline] = []

    def close(self) -> list[Inline]:
        """The node made of the content so far (or the bare content if it is only space)."""
        content = self.children
        self.children = []
        if not any(not isinstance(item, str) or item.strip() for item in content):
            return content
        if self.kind == "em":
            return [Emphasis(text=content)]
        if self.kind == "strong":
            return [Strong(text=content)]
        assert self.href is not None
        return [Link(href=self.href, text=content)]


class _Converter:
    """Walks an element tree once, emitting blocks and gathering warnings."""

    def __init__(
        self, notes: Notes, base_url: str | None, tags: dict[str, str], *, in_table: bool = False
    ) -> None:
        self.notes = notes
        self.in_table = in_table  # in a table cell: nested tables flattened, pre inline
        self.base_url = base_url
        self.tags = tags
        self.blocks: list[Block] = []
        self.stack: list[_Frame] = [_Frame("root")]
        self.makers: list[Callable[[Text], Block]] = [lambda text: Paragraph(text=text)]
        self.space = True  # the text so far ends in (or starts with) collapsible space
        self.counts: Counter[str] = Counter()

    # --- text ----------------------------------------------------------------

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        text = _WHITE_SPACE.sub(" ", _rules.FORBIDDEN.sub("", text))
        if self.space:
            text = text.lstrip(" ")
        if text:
            self.stack[-1].children.append(text)
            self.space = text.endswith(" ")

    def add_inline(self, node: Inline) -> None:
        self.stack[-1].children.append(node)
        self.space = isinstance(node, LineBreak)

    def flush(self) -> None:
        """End the current paragraph (or heading …); open inline nodes continue after it."""
        for index in range(len(self.stack) - 1, 0, -1):
            self.stack[index - 1].children.extend(self.stack[index].close())
        content = _trim(self.stack[0].children)
        self.stack[0].children = []
        self.space = True
        if content:
            self.emit(self.makers[-1], to_text(content))

    def emit(self, make: Callable[[Text], Block], text: Text) -> None:
        block = self.notes.build(lambda: make(text), "")
        if block is not None:
            self.blocks.append(block)

    def add_block(self, block: Block | None) -> None:
        if block is not None:
            self.flush()
            self.blocks.append(block)

    # --- elements -------------------------------------------------------------

    def tag(self, element: Any) -> str | None:
        if not isinstance(element.tag, str):
            return None  # a comment or processing instruction
        # Not QName(): the HTML parser makes elements of names XML refuses ("<a.b<br>").
        name = element.tag.rpartition("}")[2].lower()
        return self.tags.get(name, name)

    def children(self, element: Any, depth: int) -> None:
        self.add_text(element.text)
        for child in element:
            self.element(child, depth + 1)
            self.add_text(child.tail)

    def element(self, element: Any, depth: int) -> None:
        name = self.tag(element)
        if name is None:
            return
        for attribute in element.attrib:
            if str(attribute).lower().startswith("on"):
                self.counts[f"event attribute {str(attribute).lower()} dropped from <{name}>"] += 1
        if depth > _MAX_DEPTH:
            self.counts["markup nested too deeply: kept as plain text"] += 1
            self.add_text(
                lxml.etree.tostring(element, method="text", encoding="unicode", with_tail=False)
            )
            return
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, element, depth)
        elif name in _DROPPED:
            self.counts[f"<{name}> dropped with its content"] += 1
        elif name in _BLOCK_CONTAINERS:
            self.flush()
            self.children(element, depth)
            self.flush()
        else:
            if name not in _INLINE_CONTAINERS:
                self.counts[f"unknown element <{name}> unwrapped, its text kept"] += 1
            self.children(element, depth)

    def inline(self, element: Any, depth: int, kind: str, href: str | None = None) -> None:
        if len(self.stack) > _MAX_OPEN:
            self.counts["inline formatting nested too deeply: unwrapped"] += 1
            self.children(element, depth)
            return
        frame = _Frame(kind, href)
        self.stack.append(frame)
        self.children(element, depth)
        self.stack.pop()
        self.stack[-1].children.extend(frame.close())

    def block(self, element: Any, depth: int, make: Callable[[Text], Block]) -> None:
        self.flush()
        self.makers.append(make)
        self.children(element, depth)
        self.flush()
        self.makers.pop()

    def sub(self, elements: Iterable[Any], depth: int) -> list[Block]:
        """Blocks of *elements* converted on their own (a quote's text, a list item)."""
        inner = _Converter(self.notes, self.base_url, self.tags, in_table=self.in_table)
        inner.counts = self.counts
        for element in elements:
            inner.element(element, depth + 1)
        inner.flush()
        return inner.blocks

    def sub_children(
        self,
        element: Any,
        depth: int,
        skip: Callable[[Any], bool],
        *,
        unwrap: frozenset[str] = frozenset(),
        in_table: bool = False,
    ) -> list[Block]:
        """Blocks of *element*'s content, without the children *skip* picks.

        Children named in *unwrap* give their content only (lxml's parser puts
        what follows a ``<source>`` inside it).
        """
        inner = _Converter(self.notes, self.base_url, self.tags, in_table=self.in_table or in_table)
        inner.counts = self.counts
        inner.add_text(element.text)
        for child in element:
            if self.tag(child) in unwrap:
                inner.children(child, depth + 1)
            elif not skip(child):
                inner.element(child, depth + 1)
            inner.add_text(child.tail)
        inner.flush()
        return inner.blocks

    def inline_of(self, element: Any, depth: int, **options: Any) -> tuple[Text, list[Block]]:
        """*element*'s content as one inline text, and the blocks that cannot be inline."""
        blocks = self.sub_children(element, depth, lambda _child: False, **options)
        text, others = _text_of(blocks)
        return to_text(_trim(text)), others

    def http_source(self, raw: str | None, name: str) -> str | None:
        """*raw* as an absolute http(s) URL for an embed, or ``None`` with a warning."""
        value = re.sub("[\t\n\r]", "", _rules.FORBIDDEN.sub("", raw or "").strip(_HTML_SPACE))
        if not value:
            self.counts[f"<{name}> without a source dropped"] += 1
            return None
        if value.startswith("//") and self.base_url is None:
            value = "https:" + value  # embed codes leave the scheme to the page
        value = self.resolve(value)
        found = urls.scheme(value)
        url = urls.http_url(value) if found in ("http", "https") else None
        if url is None:
            kind = f"a {found}:" if found else "a relative or invalid"
            self.counts[f"<{name}> with {kind} source dropped (embeds need http or https)"] += 1
        return url

    def href(self, element: Any) -> str | None:
        raw = element.get("href")
        if raw is None:
            return None
        value = self.resolve(raw.strip(_HTML_SPACE))
        target = link_target(value) if value else None
        if target is None:
            self.counts[f"<a> link to {_shown_scheme(value)} dropped, its text kept"] += 1
        return target

    def resolve(self, value: str) -> str:
        if self.base_url is not None and urls.scheme(value) is None and not value.startswith("#"):
            return urljoin(self.base_url, value)
        return value

    def image(
        self,
        element: Any,
        caption: Text | None = None,
        credit: str | None = None,
        *,
        attribute: str = "src",
    ) -> Image | None:
        raw = element.get(attribute) or (element.get("data-src") if attribute == "src" else "")
        raw = _rules.FORBIDDEN.sub("", raw or "").strip(_HTML_SPACE)
        name = "<img>" if attribute == "src" else f"<{self.tag(element)} {attribute}>"
        if not raw:
            self.counts[f"{name} without a source dropped"] += 1
            return None
        src = image_source(self.resolve(raw))
        if src is None:
            self.counts[f"{name} with a {_shown_scheme(raw)} source dropped"] += 1
            return None
        alt = _clean(element.get("alt")) if attribute == "src" else None
        return self.notes.build(
            Image,
            "",
            src=src,
            alt=alt,
            caption=caption or None,
            credit=credit,
            width=_dimension(element.get("width")) if attribute == "src" else None,
            height=_dimension(element.get("height")) if attribute == "src" else None,
        )


def _shown_scheme(value: str) -> str:
    found = urls.scheme(value)
    return f"{found}:" if found else "an invalid"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _WHITE_SPACE.sub(" ", _rules.FORBIDDEN.sub("", value)).strip(_HTML_SPACE)
    return value if value.strip() else None


def _dimension(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit() or len(value.strip()) > 6:
        return None
    number = int(value.strip())
    return number if number > 0 else None


def _trim(content: list[Inline], ends: tuple[int, ...] = (0, -1)) -> list[Inline]:
    """*content* without white space or line breaks at its *ends* (inside nodes too)."""
    content = list(content)
    for end in ends:
        while content:
            item = content[end]
            if isinstance(item, LineBreak):
                content.pop(end)
                continue
            if isinstance(item, str):
                stripped = item.lstrip(_HTML_SPACE) if end == 0 else item.rstrip(_HTML_SPACE)
                if not stripped:
                    content.pop(end)
                    continue
                content[end] = stripped
            elif isinstance(item, (Emphasis, Strong, Link)) and item.text is not None:
                inner = _trim(list(item.text), (end,))
                if not inner:
                    content.pop(end)
                    continue
                if isinstance(item, Link):
                    content[end] = Link(href=item.href, text=inner)
                else:
                    content[end] = type(item)(text=inner)
            break
    return content


def _text_of(blocks: Iterable[Block]) -> tuple[list[Inline], list[Block]]:
    """The inline content of *blocks* joined by line breaks, and the blocks that are not text."""
    lines: list[Inline] = []
    others: list[Block] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading, Quote)):
            pieces: list[Text] = [block.text]
        elif isinstance(block, ItemList):
            pieces = list(block.items)
        else:
            others.append(block)
            continue
        for piece in pieces:
            if lines:
                lines.append(LineBreak())
            lines.extend(piece)
    return lines, others


# --- element handlers ------------------------------------------------------------------


def _paragraph(self: _Converter, element: Any, depth: int) -> None:
    self.block(element, depth, lambda text: Paragraph(text=text))


def _heading(self: _Converter, element: Any, depth: int) -> None:
    level = _HEADINGS[self.tag(element) or "h2"]
    self.block(element, depth, lambda text: Heading(text=text, level=level))  # type: ignore[arg-type]


def _emphasis(self: _Converter, element: Any, depth: int) -> None:
    self.inline(element, depth, "em")


def _strong(self: _Converter, element: Any, depth: int) -> None:
    self.inline(element, depth, "strong")


def _link(self: _Converter, element: Any, depth: int) -> None:
    target = self.href(element)
    if target is None:
        self.children(element, depth)
    else:
        self.inline(element, depth, "link", target)


def _code(self: _Converter, element: Any, depth: int) -> None:
    text = _WHITE_SPACE.sub(" ", _rules.FORBIDDEN.sub("", _text_content(element)))
    if text.strip():
        if self.space:
            text = text.lstrip(" ")
        self.add_inline(Code(text=text))


def _text_content(element: Any) -> str:
    return str(lxml.etree.tostring(element, method="text", encoding="unicode", with_tail=False))


def _break(self: _Converter, element: Any, depth: int) -> None:
    self.add_inline(LineBreak())


def _rule(self: _Converter, element: Any, depth: int) -> None:
    self.add_block(Divider())


def _img(self: _Converter, element: Any, depth: int) -> None:
    self.add_block(self.image(element))


def _pre_text(self: _Converter, element: Any) -> str:
    """*element*'s text with ``<br>`` as a newline; markup is dropped, scripts with their text."""
    parts = [element.text or ""]
    for child in element:
        name = self.tag(child)
        if name == "br":
            parts.append("\n")
        elif name in _DROPPED:
            self.counts[f"<{name}> dropped with its content"] += 1
        elif name is not None:
            parts.append(_pre_text(self, child))
        parts.append(child.tail or "")
    return "".join(parts)


def _pre(self: _Converter, element: Any, depth: int) -> None:
    text = _pre_text(self, element).replace("\r\n", "\n").replace("\r", "\n")
    text = _rules.FORBIDDEN.sub("", text).strip("\n")
    if not text.strip():
        self.flush()
        return
    if self.in_table:  # a cell holds inline content only: the text stays in its cell as code
        self.add_inline(Code(text=text))
        return
    codes = [c for c in element if self.tag(c) == "code"]
    classes = " ".join(e.get("class") or "" for e in [element, *codes])
    style = "verse" if _VERSE_CLASS.search(element.get("class") or "") else "code"
    found = _LANGUAGE_CLASS.search(classes)
    language = found.group(1) if found and style == "code" else None
    block = self.notes.build(Preformatted, "", text=text, style=style, language=language)
    if block is None and language is not None:  # a class the language rule refuses
        block = self.notes.build(Preformatted, "", text=text, style=style)
    self.add_block(block)


def _list(self: _Converter, element: Any, depth: int) -> None:
    items: list[Text] = []
    after: list[Block] = []
    for child in element:
        if self.tag(child) != "li":
            after.extend(self.sub([child], depth))
            continue
        nested = [c for c in child if self.tag(c) in ("ul", "ol")]
        blocks = self.sub_children(child, depth, _among(nested))
        line, others = _text_of(blocks)
        line = _trim(line)
        if line:
            items.append(to_text(line))
        after.extend(others)
        for sublist in nested:
            self.counts["nested list flattened"] += 1
            for block in self.sub([sublist], depth):
                if isinstance(block, ItemList):
                    items.extend(block.items)
                else:
                    after.append(block)
    ordered = self.tag(element) == "ol"
    if items:
        self.add_block(self.notes.build(ItemList, "", items=items, ordered=ordered))
    else:
        self.flush()
    self.blocks.extend(after)


def _quote(self: _Converter, element: Any, depth: int, attribution_element: Any = None) -> None:
    footers = [c for c in element if self.tag(c) in ("footer", "cite", "figcaption")]
    blocks = self.sub_children(element, depth, lambda c: c in footers)
    text, others = _text_of(blocks)
    attribution = source = None
    for footer in [*footers, *([attribution_element] if attribution_element is not None else [])]:
        cites = [c for c in footer.iter() if self.tag(c) == "cite" and c is not footer]
        if cites:
            source = _clean(_text_content(cites[0]))
            rest = _text_content(footer).replace(_text_content(cites[0]), "", 1)
        else:
            rest = _text_content(footer)
        cleaned = _clean(rest)
        if cleaned:
            cleaned = cleaned.strip(" \u2014\u2013-,").strip() or None
        if self.tag(footer) == "cite" and not cites:
            source = source or cleaned
        else:
            attribution = attribution or cleaned
    url = None
    if element.get("cite"):
        url = link_target(self.resolve(element.get("cite").strip()))
    trimmed = _trim(text)
    if trimmed:
        self.add_block(
            self.notes.build(
                Quote, "", text=trimmed, attribution=attribution, source=source, url=url
            )
        )
    else:
        self.flush()
    self.blocks.extend(others)


def _blockquote(self: _Converter, element: Any, depth: int) -> None:
    if not (_POST_CLASS.search(element.get("class") or "") and _post(self, element, depth)):
        _quote(self, element, depth)


def provider(url: str) -> str | None:
    """Who hosts *url*: a name from :data:`PROVIDERS` by host, else the host itself."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    labels = host.split(".")
    for start in range(len(labels) - 1):
        name = PROVIDERS.get(".".join(labels[start:]))
        if name is not None:
            return name
    return host.removeprefix("www.") or None


def _post(self: _Converter, element: Any, depth: int) -> bool:
    """A social network's embed code as an embed of the post; ``False`` if it names no post."""
    links = [a.get("href") for a in element.iter() if self.tag(a) == "a" and a.get("href")]
    # The post's own address: TikTok's cite, Instagram's permalink, else the last link
    # (X's embed code ends with the post's date linking to it).
    for raw in [element.get("cite"), element.get("data-instgrm-permalink"), *reversed(links)]:
        value = self.resolve(raw.strip(_HTML_SPACE)) if raw else ""
        url = urls.http_url(value) if urls.scheme(value) in ("http", "https") else None
        if url is not None:
            break
    else:
        return False
    fallback, others = self.inline_of(element, depth)
    self.add_block(
        self.notes.build(Embed, "", url=url, provider=provider(url), fallback=fallback or None)
    )
    self.blocks.extend(others)
    return True


def _embed(self: _Converter, element: Any, depth: int) -> None:
    """An iframe, video, audio, embed or object of an http(s) source: an embed block."""
    name = self.tag(element) or "iframe"
    raw = element.get("data") if name == "object" else element.get("src")
    if not raw and name in ("video", "audio"):
        sources = [c.get("src") for c in element.iter() if self.tag(c) == "source"]
        raw = next((source for source in sources if source), None)
    if not raw and name == "iframe" and element.get("srcdoc") is not None:
        self.counts["<iframe srcdoc> dropped: its inline document is not read"] += 1
        return
    url = self.http_source(raw, name)
    if url is None:
        return
    poster = self.image(element, attribute="poster") if element.get("poster") else None
    if name == "iframe":
        # An iframe's content is raw text browsers never show; read it only if it is text.
        text = _clean(element.text)
        fallback: Text = (text,) if text and "<" not in text else ()
        others: list[Block] = []
    else:
        fallback, others = self.inline_of(
            element, depth, unwrap=frozenset({"source", "track", "param"})
        )
    self.add_block(
        self.notes.build(
            Embed,
            "",
            url=url,
            title=_clean(element.get("title")),
            provider=provider(url),
            fallback=fallback or None,
            poster=poster,
        )
    )
    self.blocks.extend(others)


def _embed_card(self: _Converter, element: Any, depth: int) -> bool:
    """A ``figure.embed`` as :func:`blocks_to_html` writes it, read back; ``False`` if not one."""
    anchors = [a for a in element.iter() if self.tag(a) == "a" and a.get("href")]
    if not anchors:
        return False
    value = anchors[0].get("href").strip(_HTML_SPACE)
    url = urls.http_url(value) if urls.scheme(value) in ("http", "https") else None
    if url is None:
        return False
    title = _clean(_text_content(anchors[0]))
    names = [c for c in element.iter() if "provider" in (c.get("class") or "").split()]
    fallbacks = [c for c in element.iter() if "fallback" in (c.get("class") or "").split()]
    images = [i for i in element.iter() if self.tag(i) == "img"]
    fallback: Text = self.inline_of(fallbacks[0], depth)[0] if fallbacks else ()
    self.add_block(
        self.notes.build(
            Embed,
            "",
            url=url,
            title=None if title == url else title,
            provider=_clean(_text_content(names[0])) if names else None,
            fallback=fallback or None,
            poster=self.image(images[0]) if images else None,
        )
    )
    return True


def _figure(self: _Converter, element: Any, depth: int) -> None:
    if _EMBED_CLASS.search(element.get("class") or "") and _embed_card(self, element, depth):
        return
    captions = [c for c in element if self.tag(c) == "figcaption"]
    images = [i for i in element.iter() if self.tag(i) == "img" and not _inside(i, captions)]
    quotes = [c for c in element if self.tag(c) == "blockquote"]
    if not images and quotes and captions:
        _quote(self, quotes[0], depth, attribution_element=captions[0])
        return
    if not images:
        self.flush()
        self.children(element, depth)
        self.flush()
        return
    caption: list[Inline] = []
    credit: str | None = None
    for figcaption in captions:
        credits = [c for c in figcaption.iter() if _CREDIT_CLASS.search(c.get("class") or "")]
        credits = [c for c in credits if c is not figcaption]
        if credits:
            credit = _clean(_text_content(credits[0]))
        blocks = self.sub_children(figcaption, depth, _among(credits))
        text, _others = _text_of(blocks)
        caption.extend(text)
    self.add_block(self.image(images[0], to_text(_trim(caption)), credit))
    for image in images[1:]:
        self.add_block(self.image(image))
    others = [c for c in element if c not in captions and self.tag(c) not in ("img", "picture")]
    others = [c for c in others if not any(i in images for i in c.iter())]
    self.blocks.extend(self.sub(others, depth))


def _among(elements: list[Any]) -> Callable[[Any], bool]:
    """A test for membership in *elements* (bound now, not when called)."""
    return lambda element: element in elements


def _inside(element: Any, containers: list[Any]) -> bool:
    return any(element in container.iter() for container in containers)


def _span(value: str | None, most: int) -> int:
    """A ``colspan``/``rowspan`` value: 1 unless a positive number, at most *most*."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 6:
        return 1
    return min(max(int(text), 1), most)


class _Grid:
    """Rows of cells with column and row spans laid out as empty cells."""

    def __init__(self, converter: _Converter, depth: int) -> None:
        self.converter = converter
        self.depth = depth
        self.padding = 0  # empty cells added for spans so far
        self.others: list[Block] = []  # blocks found in cells, to go after the table

    def cell(self, element: Any) -> Text:
        text, others = self.converter.inline_of(element, self.depth, in_table=True)
        self.others.extend(others)
        return text

    def pad(self, row: list[Text], count: int) -> None:
        if count <= 0:
            return
        if self.padding + count > _MAX_SPAN_CELLS:
            self.converter.counts[f"table spans past {_MAX_SPAN_CELLS} empty cells ignored"] += 1
            return
        self.padding += count
        row.extend([()] * count)

    def rows(self, elements: list[Any]) -> list[list[Text]]:
        """One row per ``tr`` of a row group (rowspans do not reach past it)."""
        tag = self.converter.tag
        result: list[list[Text]] = []
        below: dict[int, int] = {}  # column -> how many more rows a rowspan covers
        for tr in elements:
            row: list[Text] = []
            for cell in (c for c in tr if tag(c) in ("td", "th")):
                while below.get(len(row), 0) > 0:
                    below[len(row)] -= 1
                    self.pad(row, 1)
                start = len(row)
                row.append(self.cell(cell))
                columns = _span(cell.get("colspan"), 1000)
                down = _span(cell.get("rowspan"), 65534)
                if columns > 1 or down > 1:
                    self.converter.counts["table cell spans expanded with empty cells"] += 1
                self.pad(row, columns - 1)
                if down > 1:
                    for column in range(start, len(row)):
                        below[column] = max(below.get(column, 0), down - 1)
            while below.get(len(row), 0) > 0:
                below[len(row)] -= 1
                self.pad(row, 1)
            for column in below:  # covered columns past this row's last cell
                if below[column] > 0 and column > len(row):
                    below[column] -= 1
            result.append(row)
        return result


def _header_like(converter: _Converter, tr: Any) -> bool:
    cells = [converter.tag(c) for c in tr if converter.tag(c) in ("td", "th")]
    return bool(cells) and all(name == "th" for name in cells)


def _table(self: _Converter, element: Any, depth: int) -> None:
    if self.in_table:
        _flat_table(self, element, depth)
        return
    self.flush()
    grid = _Grid(self, depth)
    caption: Text = ()
    head: list[Any] = []
    groups: list[list[Any]] = []
    foot: list[Any] = []
    loose: list[Any] = []  # rows straight under <table>: one group
    after: list[Block] = []
    for child in element:
        name = self.tag(child)
        if name == "caption":
            caption = caption or grid.cell(child)
        elif name in ("thead", "tbody", "tfoot"):
            rows = [tr for tr in child if self.tag(tr) == "tr"]
            if name == "thead":
                head.extend(rows)
            elif name == "tfoot":
                foot.extend(rows)
            else:
                groups.append(rows)
        elif name == "tr":
            loose.append(child)
        elif name not in (None, "colgroup", "col"):
            after.extend(self.sub([child], depth))
    if loose:
        groups.insert(0, loose)
    header_rows = grid.rows(head)
    body: list[list[Text]] = []
    for index, group in enumerate(groups):
        leading = 0
        if not head and index == 0:
            while leading < len(group) - 1 and _header_like(self, group[leading]):
                leading += 1
        rows = grid.rows(group)
        header_rows.extend(rows[:leading])
        body.extend(rows[leading:])
    body.extend(grid.rows(foot))
    header_rows = [row for row in header_rows if row]
    body = [row for row in body if row]
    if not body:
        body, header_rows = header_rows, []
    if body:
        table = self.notes.build(
            Table, "", caption=caption or None, header_rows=header_rows, rows=body
        )
        self.add_block(table)
    else:
        self.counts["<table> without cells dropped"] += 1
        if caption:
            self.emit(lambda text: Paragraph(text=text), caption)
    if grid.others:
        self.counts["blocks inside table cells moved after the table"] += 1
    self.blocks.extend([*grid.others, *after])


def _flat_table(self: _Converter, element: Any, depth: int) -> None:
    """A table inside a table cell: one line per row, cells joined (the model nests no tables)."""
    self.counts["nested <table> flattened to text"] += 1
    self.flush()
    for part in element.iter():
        name = self.tag(part)
        if name == "caption":
            self.blocks.extend(self.sub([part], depth))
        elif name == "tr":
            cells = [c for c in part if self.tag(c) in ("td", "th")]
            texts = [_clean(_text_content(c)) for c in cells]
            line = " | ".join(t for t in texts if t)
            if line:
                self.emit(lambda text: Paragraph(text=text), (line,))


_RELATED_CLASS = re.compile(r"(?:^|\s)related(?:$|[\s_-])", re.I)


def _aside(self: _Converter, element: Any, depth: int) -> None:
    """An aside of class ``related`` with one link is a related link; others are unwrapped."""
    links = [a for a in element.iter() if self.tag(a) == "a" and a.get("href")]
    if not _RELATED_CLASS.search(element.get("class") or "") or len(links) != 1:
        self.flush()
        self.children(element, depth)
        self.flush()
        return
    link = links[0]
    title = _clean(_text_content(link))
    url = link_target(self.resolve(link.get("href").strip(_HTML_SPACE)))
    summaries = [
        p
        for p in element
        if _RELATED_CLASS.search(p.get("class") or "") and "summary" in (p.get("class") or "")
    ]
    summary = _clean(_text_content(summaries[0])) if summaries else None
    self.add_block(self.notes.build(RelatedLink, "", title=title, url=url, summary=summary))


_HANDLERS: dict[str, Callable[[_Converter, Any, int], None]] = {
    "aside": _aside,
    "p": _paragraph,
    **dict.fromkeys(_HEADINGS, _heading),
    "em": _emphasis,
    "i": _emphasis,
    "strong": _strong,
    "b": _strong,
    "a": _link,
    "code": _code,
    "kbd": _code,
    "samp": _code,
    "tt": _code,
    "br": _break,
    "hr": _rule,
    "img": _img,
    "pre": _pre,
    "ul": _list,
    "ol": _list,
    "blockquote": _blockquote,
    "figure": _figure,
    "table": _table,
    **dict.fromkeys(("iframe", "video", "audio", "embed", "object"), _embed),
}


# --- entry points ----------------------------------------------------------------------


def _parse(markup: str, notes: Notes) -> Any:
    """The ``<body>`` (or root) of *markup* parsed as HTML, or ``None`` if it holds nothing."""
    markup = _rules.FORBIDDEN.sub("", markup)
    if not markup.strip():
        return None
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        root = lxml.html.document_fromstring(markup.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        # libxml2 stops at its nesting limit rather than read without bounds.
        notes.add("", "markup nested deeper than the parser reads: the text after it is lost")
    body = root.find("body")
    return root if body is None else body


def convert_element(
    element: Any, notes: Notes, *, base_url: str | None = None, tags: dict[str, str] | None = None
) -> list[Block]:
    """Blocks of a parsed element's content (an HTML body, an NITF ``body.content``)."""
    converter = _Converter(notes, base_url, tags or {})
    converter.children(element, 0)
    converter.flush()
    for message, count in converter.counts.items():
        notes.add("", message if count == 1 else f"{message} ({count} times)")
    return converter.blocks


def html_to_blocks(markup: str, *, base_url: str | None = None) -> Converted:
    """Convert HTML (a fragment or a whole page) to article blocks.

    Args:
        markup: The HTML. A whole document is read from its ``<body>``.
        base_url: An absolute http(s) URL relative links and image sources are
            resolved against. Without it they stay relative, and the resource
            policy decides at export time (no leaving the article's folder).

    Returns:
        The blocks and the warnings (one per kind of thing dropped).
    """
    notes = Notes()
    root = _parse(markup, notes)
    blocks = [] if root is None else convert_element(root, notes, base_url=base_url)
    return Converted(tuple(blocks), tuple(notes.items))


def html_to_inline(markup: str, notes: Notes) -> Text:
    """Inline content of a short piece of HTML (a caption): paragraphs joined by line breaks."""
    root = _parse(markup, notes)
    if root is None:
        return ()
    text, others = _text_of(convert_element(root, notes))
    if others:
        notes.add("", f"{len(others)} block(s) inside inline markup dropped")
    return to_text(_trim(text))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def text_to_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs of plain text: split at blank lines, or at every line if there are none."""
    text = _rules.FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    parts = _PARAGRAPH_BREAK.split(text) if _PARAGRAPH_BREAK.search(text) else text.split("\n")
    paragraphs = (_WHITE_SPACE.sub(" ", part).strip(_HTML_SPACE) for part in parts)
    return tuple(Paragraph(text=part) for part in paragraphs if part.strip())


# --- blocks to HTML --------------------------------------------------------------------


def _inline_html(text: Text) -> Iterator[str]:
    for item in text:
        if isinstance(item, str):
            yield str(escape(item))
        elif isinstance(item, Emphasis):
            yield f"<em>{''.join(_inline_html(item.text))}</em>"
        elif isinstance(item, Strong):
            yield f"<strong>{''.join(_inline_html(item.text))}</strong>"
        elif isinstance(item, Link):
            inner = escape(item.href) if item.text is None else "".join(_inline_html(item.text))
            yield f'<a href="{escape(item.href)}">{inner}</a>'
        elif isinstance(item, Code):
            yield f"<code>{escape(item.text)}</code>"
        else:
            yield "<br/>"


def inline_html(text: Text) -> str:
    """Inline content as HTML."""
    return "".join(_inline_html(text))


def _img_html(image: Image) -> str:
    attributes = f' src="{escape(image.src)}"'
    if image.alt is not None:
        attributes += f' alt="{escape(image.alt)}"'
    for name in ("width", "height"):
        value = getattr(image, name)
        if value is not None:
            attributes += f' {name}="{value}"'
    return f"<img{attributes}/>"


def image_html(image: Image) -> str:
    """An image as a ``<figure>`` that :func:`html_to_blocks` reads back whole."""
    caption = "" if image.caption is None else inline_html(image.caption)
    if image.credit is not None:
        caption += f' <span class="credit">{escape(image.credit)}</span>'
    figcaption = f"<figcaption>{caption.strip()}</figcaption>" if caption else ""
    return f"<figure>{_img_html(image)}{figcaption}</figure>"


def _block_html(block: Block) -> str:
    match block:
        case Paragraph():
            return f"<p>{inline_html(block.text)}</p>"
        case Heading():
            return f"<h{block.level}>{inline_html(block.text)}</h{block.level}>"
        case Quote():
            cite = "" if block.url is None else f' cite="{escape(block.url)}"'
            footer = "" if block.attribution is None else str(escape(block.attribution))
            if block.source is not None:
                footer += f" <cite>{escape(block.source)}</cite>"
            footer = f"<footer>{footer.strip()}</footer>" if footer else ""
            return f"<blockquote{cite}><p>{inline_html(block.text)}</p>{footer}</blockquote>"
        case Image():
            return image_html(block)
        case ItemList():
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{inline_html(item)}</li>" for item in block.items)
            return f"<{tag}>{items}</{tag}>"
        case RelatedLink():
            title = str(escape(block.title))
            if block.url is not None:
                title = f'<a href="{escape(block.url)}">{title}</a>'
            summary = "" if block.summary is None else f" {escape(block.summary)}"
            return f"<p>{title}{summary}</p>"
        case Newsletter():
            return ""
        case Divider():
            return "<hr/>"
        case Table():
            caption = (
                "" if block.caption is None else f"<caption>{inline_html(block.caption)}</caption>"
            )
            head = "".join(_row_html(row, "th") for row in block.header_rows)
            head = f"<thead>{head}</thead>" if head else ""
            rows = "".join(_row_html(row, "td") for row in block.rows)
            return f"<table>{caption}{head}<tbody>{rows}</tbody></table>"
        case Preformatted():
            if block.style == "verse":
                return f'<pre class="verse">{escape(block.text)}</pre>'
            language = (
                "" if block.language is None else f' class="language-{escape(block.language)}"'
            )
            return f"<pre><code{language}>{escape(block.text)}</code></pre>"
        case Embed():
            return _embed_html(block)
    raise AssertionError(f"unknown block {block!r}")  # pragma: no cover


def _row_html(row: tuple[Text, ...], tag: str) -> str:
    return "<tr>" + "".join(f"<{tag}>{inline_html(cell)}</{tag}>" for cell in row) + "</tr>"


def _embed_html(embed: Embed) -> str:
    """An embed as a link card (never an iframe) that :func:`html_to_blocks` reads back."""
    poster = "" if embed.poster is None else _img_html(embed.poster)
    link = f'<a href="{escape(embed.url)}">{escape(embed.title or embed.url)}</a>'
    if embed.provider is not None:
        link += f' <span class="provider">{escape(embed.provider)}</span>'
    fallback = (
        "" if embed.fallback is None else f'<p class="fallback">{inline_html(embed.fallback)}</p>'
    )
    return f'<figure class="embed">{poster}<p>{link}</p>{fallback}</figure>'


def blocks_to_html(blocks: Iterable[Block]) -> str:
    """Blocks as an HTML fragment (newsletter boxes are left out: they are page furniture)."""
    return "".join(_block_html(block) for block in blocks)


def blocks_to_text(blocks: Iterable[Block]) -> str:
    """Blocks as plain text, one paragraph per text block, separated by blank lines."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading, Quote)):
            parts.append(plain_text(block.text))
        elif isinstance(block, ItemList):
            parts.extend(plain_text(item) for item in block.items)
        elif isinstance(block, RelatedLink):
            parts.append(block.title)
        elif isinstance(block, Table):
            rows = [*block.header_rows, *block.rows]
            lines = [" | ".join(plain_text(cell) for cell in row).rstrip() for row in rows]
            caption = [] if block.caption is None else [plain_text(block.caption)]
            parts.append("\n".join([*caption, *lines]))
        elif isinstance(block, Preformatted):
            parts.append(block.text)
        elif isinstance(block, Embed):
            title = block.title or block.url
            named = f"{title} ({block.provider})" if block.provider else title
            line = named if title == block.url else f"{named}: {block.url}"
            fallback = [] if block.fallback is None else [plain_text(block.fallback)]
            parts.append("\n".join([line, *fallback]))
    return "\n\n".join(part for part in parts if part.strip())
