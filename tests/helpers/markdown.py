r"""Reading Markdown back with a CommonMark parser, and what an article says it must hold.

:func:`parse_body` parses ``to_markdown`` output with markdown-it-py (strict
CommonMark) into a simple block structure; :func:`expected` gives the same
structure from what the article holds. Hard breaks are written as ``\x00``
and links as ``\x01href\x02text\x03``, characters no article text may contain.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from messenger_content.exporters.text import byline
from messenger_content.i18n import Labels, labels_for
from messenger_content.models import (
    Article,
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
)

HARD = "\x00"

Node = tuple[Any, ...]


class _Parser(MarkdownIt):
    """Strict CommonMark that accepts every URL.

    markdown-it refuses some URLs (``data:text/…``) as a safety policy; these
    tests are about syntax.
    """

    def validateLink(self, url: str) -> bool:
        """Accept every link and image URL."""
        return True


MD = _Parser("commonmark")


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
    return ("unexpected", node.type, node.content)


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
    assert isinstance(block, Divider)
    return [("hr",)]


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
    for block in article.body:
        nodes += expected_block(block, labels)
    if article.rights is not None:
        nodes.append(("paragraph", article.rights))
    return nodes
