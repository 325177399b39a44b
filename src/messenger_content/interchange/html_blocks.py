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
``pre``                                   a paragraph holding :class:`Code` (warning)
``table``                                 one paragraph per row, cells joined (warning)
``iframe``, ``video``, ``audio``          dropped (warning: no embed block yet)
``script``, ``style``, forms …            dropped (warning)
anything else                             unwrapped, its text kept (warning)
========================================  ==========================================

Only ``href``, ``src``, ``alt``, ``cite``, ``width``, ``height`` and ``class``
are read; every other attribute is left behind, and event handlers (``on…``)
are reported. Links and sources go through the same rules as the article
loader (:mod:`messenger_content.urls`): a ``javascript:`` link keeps its text
and loses the link. Every block is built through the models, so the result
always passes the article validator.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from markupsafe import escape

from .. import _rules, urls
from ..errors import Problem
from ..models import (
    Block,
    Code,
    Divider,
    Emphasis,
    Heading,
    Image,
    Inline,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Quote,
    RelatedLink,
    Strong,
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
        "object",
        "embed",
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
#: Elements an embed block will carry (format v1.1); dropped until then.
_EMBEDS = frozenset({"iframe", "video", "audio"})
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
_FORBIDDEN = re.compile(f"[{_rules.FORBIDDEN_CHARACTERS}]")
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

    def __init__(self, notes: Notes, base_url: str | None, tags: dict[str, str]) -> None:
        self.notes = notes
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
        text = _WHITE_SPACE.sub(" ", _FORBIDDEN.sub("", text))
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
        elif name in _EMBEDS:
            source = element.get("src") or ""
            shown = f" ({source[:80]})" if source else ""
            self.counts[f"<{name}>{shown} dropped: no embed block yet"] += 1
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
        inner = _Converter(self.notes, self.base_url, self.tags)
        inner.counts = self.counts
        for element in elements:
            inner.element(element, depth + 1)
        inner.flush()
        return inner.blocks

    def sub_children(self, element: Any, depth: int, skip: Callable[[Any], bool]) -> list[Block]:
        """Blocks of *element*'s content, without the children *skip* picks."""
        inner = _Converter(self.notes, self.base_url, self.tags)
        inner.counts = self.counts
        inner.add_text(element.text)
        for child in element:
            if not skip(child):
                inner.element(child, depth + 1)
            inner.add_text(child.tail)
        inner.flush()
        return inner.blocks

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
        self, element: Any, caption: Text | None = None, credit: str | None = None
    ) -> Image | None:
        raw = element.get("src") or element.get("data-src") or ""
        raw = _FORBIDDEN.sub("", raw).strip(_HTML_SPACE)
        if not raw:
            self.counts["<img> without a source dropped"] += 1
            return None
        src = image_source(self.resolve(raw))
        if src is None:
            self.counts[f"<img> with a {_shown_scheme(raw)} source dropped"] += 1
            return None
        alt = _clean(element.get("alt"))
        return self.notes.build(
            Image,
            "",
            src=src,
            alt=alt,
            caption=caption or None,
            credit=credit,
            width=_dimension(element.get("width")),
            height=_dimension(element.get("height")),
        )


def _shown_scheme(value: str) -> str:
    found = urls.scheme(value)
    return f"{found}:" if found else "an invalid"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _WHITE_SPACE.sub(" ", _FORBIDDEN.sub("", value)).strip(_HTML_SPACE)
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
    text = _WHITE_SPACE.sub(" ", _FORBIDDEN.sub("", _text_content(element)))
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


def _pre(self: _Converter, element: Any, depth: int) -> None:
    text = _FORBIDDEN.sub("", _text_content(element)).strip("\n")
    self.counts["<pre> kept as inline code: no preformatted block yet"] += 1
    if text.strip():
        self.add_block(self.notes.build(lambda: Paragraph(text=[Code(text=text)]), ""))


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
    _quote(self, element, depth)


def _figure(self: _Converter, element: Any, depth: int) -> None:
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


def _table(self: _Converter, element: Any, depth: int) -> None:
    self.counts["<table> kept as one paragraph per row: no table block yet"] += 1
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
}


# --- entry points ----------------------------------------------------------------------


def _parse(markup: str, notes: Notes) -> Any:
    """The ``<body>`` (or root) of *markup* parsed as HTML, or ``None`` if it holds nothing."""
    markup = _FORBIDDEN.sub("", markup)
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
    text = _FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
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


def image_html(image: Image) -> str:
    """An image as a ``<figure>`` that :func:`html_to_blocks` reads back whole."""
    attributes = f' src="{escape(image.src)}"'
    if image.alt is not None:
        attributes += f' alt="{escape(image.alt)}"'
    for name in ("width", "height"):
        value = getattr(image, name)
        if value is not None:
            attributes += f' {name}="{value}"'
    caption = "" if image.caption is None else inline_html(image.caption)
    if image.credit is not None:
        caption += f' <span class="credit">{escape(image.credit)}</span>'
    figcaption = f"<figcaption>{caption.strip()}</figcaption>" if caption else ""
    return f"<figure><img{attributes}/>{figcaption}</figure>"


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
    raise AssertionError(f"unknown block {block!r}")  # pragma: no cover


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
    return "\n\n".join(part for part in parts if part.strip())
