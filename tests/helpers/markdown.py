r"""Reading Markdown back with a CommonMark parser, and what an article says it must hold.

:func:`parse_body` parses ``to_markdown`` output with markdown-it-py (strict
CommonMark, plus GFM's tables) into a simple block structure; :func:`expected` gives the same
structure from what the article holds. Hard breaks are written as ``\x00``
and links as ``\x01href\x02text\x03``, characters no article text may contain.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from messenger_content.exporters.text import byline
from messenger_content.i18n import Labels, format_day, labels_for
from messenger_content.models import (
    Article,
    Block,
    Code,
    Correction,
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
)

HARD = "\x00"

Node = tuple[Any, ...]


class _Parser(MarkdownIt):
    """Strict CommonMark, with GFM tables, that accepts every URL.

    markdown-it refuses some URLs (``data:text/…``) as a safety policy; these
    tests are about syntax.
    """

    def validateLink(self, url: str) -> bool:
        """Accept every link and image URL."""
        return True


MD = _Parser("commonmark").enable("table")


def split_front_matter(source: str) -> tuple[str, str]:
    """Split the YAML front matter (between ``---`` lines) from the Markdown body."""
    assert source.startswith("---\n")
    end = source.index("\n---\n", 3)
    return source[4 : end + 1], source[end + 5 :]


def _inline_text(node: SyntaxTreeNode) -> str:
    parts: list[str] = []
    for child in node.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append("\n")
        elif child.type == "hardbreak":
            parts.append(HARD)
        elif child.type == "html_inline":
            if re.fullmatch(r"<br\s*/?>", child.content):
                parts.append(HARD)
            else:
                assert re.fullmatch(r"</?(em|strong)>|<!-- -->", child.content), child.content
        elif child.type in ("em", "strong"):
            parts.append(_inline_text(child))
        elif child.type == "link":
            parts.append(f"\x01{child.attrs['href']}\x02{_inline_text(child)}\x03")
        else:
            parts.append(f"<unexpected {child.type}>")
    return "".join(parts)


def _node(node: SyntaxTreeNode) -> Node:
    if node.type == "heading":
        return ("heading", int(node.tag[1]), _inline_text(node.children[0]))
    if node.type == "paragraph":
        inline = node.children[0]
        if len(inline.children) == 1 and inline.children[0].type == "image":
            image = inline.children[0]
            return ("image", _inline_text(image), image.attrs["src"])
        return ("paragraph", _inline_text(inline))
    if node.type == "blockquote":
        return ("blockquote", tuple(_node(child) for child in node.children))
    if node.type in ("bullet_list", "ordered_list"):
        items = tuple(tuple(_node(child) for child in item.children) for item in node.children)
        return ("list", node.type == "ordered_list", items)
    if node.type == "hr":
        return ("hr",)
    if node.type == "fence":
        return ("code", node.info, node.content)
    if node.type == "table":
        head, *bodies = node.children
        header = tuple(_cell(cell) for cell in head.children[0].children)
        rows = tuple(
            tuple(_cell(cell) for cell in row.children) for body in bodies for row in body.children
        )
        return ("table", header, rows)
    return ("unexpected", node.type, node.content)


def _cell(node: SyntaxTreeNode) -> str:
    return "".join(_inline_text(child) for child in node.children)


def parse(source: str) -> list[Node]:
    """Parse Markdown (without front matter) into a simple block structure."""
    return [_node(child) for child in SyntaxTreeNode(MD.parse(source)).children]


def parse_body(markdown: str) -> list[Node]:
    """Parse an exported document's body, after its front matter."""
    return parse(split_front_matter(markdown)[1])


# --- what the article says the Markdown must hold --------------------------------------


def flat(text: Text, *, in_link: bool = False) -> str:
    """The text a parser must find for inline content."""
    return "".join(_flat_item(item, in_link=in_link) for item in text)


def _flat_item(item: Inline, *, in_link: bool) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, (Emphasis, Strong)):
        return flat(item.text, in_link=in_link)
    if isinstance(item, Link):
        content = flat(item.text if item.text is not None else (item.href,), in_link=True)
        return content if in_link else link(item.href, content)
    if isinstance(item, Code):
        return item.text
    assert isinstance(item, LineBreak)
    return HARD


def link(href: str, content: str) -> str:
    """A link as the parse helpers write it."""
    return f"\x01{MD.normalizeLink(href)}\x02{content}\x03"


ENGLISH = labels_for("en")


def expected_image(image: Image, labels: Labels = ENGLISH) -> list[Node]:
    """An image paragraph, then caption and credit."""
    nodes: list[Node] = [("image", image.alt or "", MD.normalizeLink(image.src))]
    caption = [flat(image.caption)] if image.caption is not None else []
    if image.credit is not None:
        caption.append(labels.format("credit", credit=image.credit))
    if caption:
        nodes.append(("paragraph", HARD.join(caption)))
    return nodes


def expected_block(block: Block, labels: Labels = ENGLISH) -> list[Node]:
    """The Markdown blocks one body block must become."""
    if isinstance(block, Paragraph):
        return [("paragraph", flat(block.text))]
    if isinstance(block, Heading):
        return [("heading", block.level, flat(block.text))]
    if isinstance(block, Quote):
        quote: list[Node] = [("paragraph", flat(block.text))]
        names = [name for name in (block.attribution, block.source) if name is not None]
        if block.url is not None:
            if names:
                names[-1] = link(block.url, names[-1])
            else:
                names.append(link(block.url, block.url))
        if names:
            quote.append(("paragraph", "— " + ", ".join(names)))
        return [("blockquote", tuple(quote))]
    if isinstance(block, Image):
        return expected_image(block, labels)
    if isinstance(block, ItemList):
        items = tuple((("paragraph", flat(item)),) for item in block.items)
        return [("list", block.ordered, items)]
    if isinstance(block, RelatedLink):
        title = block.title if block.url is None else link(block.url, block.title)
        summary = HARD + block.summary if block.summary is not None else ""
        related = labels.format("related_link", title=title)
        return [("blockquote", (("paragraph", f"{related}{summary}"),))]
    if isinstance(block, Newsletter):
        box: list[Node] = [("paragraph", labels.format("newsletter", title=block.title))]
        if block.description is not None:
            box.append(("paragraph", block.description))
        if block.signup_url is not None:
            button = labels.sign_up if block.button_label == "Sign up" else block.button_label
            box.append(("paragraph", link(block.signup_url, button)))
        if block.legal is not None:
            box.append(("paragraph", block.legal))
        return [("blockquote", tuple(box))]
    if isinstance(block, Table):
        return expected_table(block)
    if isinstance(block, Preformatted):
        return expected_preformatted(block)
    if isinstance(block, Embed):
        return expected_embed(block, labels)
    assert isinstance(block, Divider)
    return [("hr",)]


def expected_table(table: Table) -> list[Node]:
    """The caption's paragraph, then a table with one header row (empty cells if none).

    Every row is as wide as the widest; further header rows come first among the body rows.
    """
    columns = max(len(row) for row in (*table.header_rows, *table.rows))

    def row(cells: tuple[Text, ...]) -> tuple[str, ...]:
        return tuple(flat(cell) for cell in cells) + ("",) * (columns - len(cells))

    header = row(table.header_rows[0]) if table.header_rows else ("",) * columns
    rows = tuple(row(cells) for cells in (*table.header_rows[1:], *table.rows))
    caption: list[Node] = [] if table.caption is None else [("paragraph", flat(table.caption))]
    return [*caption, ("table", header, rows)]


def expected_preformatted(block: Preformatted) -> list[Node]:
    """Code: a fenced block with its language; verse: a paragraph of hard-broken lines a stanza."""
    if block.style == "code":
        return [("code", block.language or "", block.text + "\n")]
    stanzas = re.split(r"\n(?:[^\S\n]*\n)+", block.text)
    nodes: list[Node] = []
    for stanza in stanzas:
        lines = [line for line in stanza.split("\n") if line.strip()]
        if lines:
            nodes.append(("paragraph", HARD.join(lines)))
    return nodes


def expected_embed(embed: Embed, labels: Labels = ENGLISH) -> list[Node]:
    """A block quote: the poster, the linked title and the provider, the fallback, the URL."""
    card: list[Node] = [] if embed.poster is None else expected_image(embed.poster, labels)
    names = []
    if embed.title is not None:
        names.append(link(embed.url, embed.title))
    if embed.provider is not None:
        names.append(f"({embed.provider})" if names else embed.provider)
    if names:
        card.append(("paragraph", " ".join(names)))
    if embed.fallback is not None:
        card.append(("paragraph", flat(embed.fallback)))
    card.append(("paragraph", labels.format("embed_at", url=link(embed.url, embed.url))))
    return [("blockquote", tuple(card))]


def expected_corrections(
    corrections: tuple[Correction, ...], language: str, labels: Labels = ENGLISH
) -> list[Node]:
    """A "Corrections" heading, then a paragraph each: the dated phrase, a hard break, the text."""
    if not corrections:
        return []
    nodes: list[Node] = [("heading", 2, labels.corrections)]
    for correction in corrections:
        dated = ""
        if correction.date is not None:
            day = format_day(correction.date, labels.lang("corrected") or language)
            dated = labels.format("corrected", date=day) + HARD
        nodes.append(("paragraph", dated + flat(correction.text)))
    return nodes


def expected(article: Article) -> list[Node]:
    """The block structure and text a parser must find in the whole article."""
    nodes: list[Node] = [("heading", 1, article.headline)]
    if article.subheadline is not None:
        nodes.append(("paragraph", article.subheadline))
    labels = labels_for(article.language)
    credits = byline(article, labels, links=True)
    if credits:
        nodes.append(("paragraph", flat(credits)))
    if article.lead_image is not None:
        nodes += expected_image(article.lead_image, labels)
    body = list(article.body)
    if article.dateline is not None:
        first = body[0] if body else None
        if isinstance(first, Paragraph):
            nodes.append(("paragraph", f"{article.dateline} — {flat(first.text)}"))
            body.pop(0)
        else:
            nodes.append(("paragraph", article.dateline))
    for block in body:
        nodes += expected_block(block, labels)
    nodes += expected_corrections(article.corrections, article.language, labels)
    if article.rights is not None:
        nodes.append(("paragraph", article.rights))
    return nodes
