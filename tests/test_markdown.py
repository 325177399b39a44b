r"""The Markdown exporter: layout, escaping, and a CommonMark parser reading it back.

The central check parses ``to_markdown`` output with markdown-it-py (strict
CommonMark) and compares, block by block, the structure and the exact text
with what the article holds (the helpers are in ``tests/helpers/markdown.py``).
Hard breaks are compared as ``\x00`` and links as ``\x01href\x02text\x03``,
characters no article text may contain.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given

import messenger_content as mc
from messenger_content.exporters.markdown import escape, to_markdown
from messenger_content.i18n import format_day, labels_for
from messenger_content.models import (
    Article,
    Author,
    Block,
    Code,
    Correction,
    Divider,
    Embed,
    Emphasis,
    Heading,
    Image,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Preformatted,
    Publication,
    Quote,
    RelatedLink,
    Strong,
    Table,
    Text,
)
from tests.helpers.markdown import (
    HARD,
    MD,
    Node,
    expected,
    expected_block,
    flat,
    link,
    parse,
    parse_body,
    split_front_matter,
)
from tests.strategies import articles, inline_text, tables


def article(*body: Block, **fields: Any) -> Article:
    """A small article around *body*."""
    return Article(headline=fields.pop("headline", "Headline"), body=body, **fields)


def body_of(*blocks: Block) -> list[Node]:
    """Parse the exported body of an article holding *blocks*, without the headline."""
    return parse_body(to_markdown(article(*blocks)))[1:]


def source_of(*blocks: Block) -> str:
    """The Markdown written for *blocks*, without front matter and headline."""
    body = split_front_matter(to_markdown(article(*blocks)))[1]
    return body.split("\n\n", 1)[1]


# --- properties ----------------------------------------------------------------------


@given(articles())
def test_parser_reads_back_text_and_structure(generated: Article) -> None:
    """A CommonMark parser finds exactly the article's blocks and text in the output."""
    markdown = to_markdown(generated)
    assert parse_body(markdown) == expected(generated)
    assert markdown == to_markdown(generated)  # deterministic
    assert markdown.endswith("\n")
    assert not markdown.endswith("\n\n")


@given(inline_text())
def test_parser_reads_back_any_paragraph(text: Text) -> None:
    """Any inline content comes back as one paragraph with the same text and links."""
    assert body_of(Paragraph(text=text)) == [("paragraph", flat(text))]


@given(articles(max_blocks=0))
def test_front_matter_is_yaml_with_the_metadata(generated: Article) -> None:
    """The front matter is YAML that gives back the article's metadata exactly."""
    data = yaml.safe_load(split_front_matter(to_markdown(generated))[0])
    assert data["title"] == generated.headline
    assert data.get("subtitle") == generated.subheadline
    assert data.get("summary") == generated.summary
    assert data.get("section") == generated.section
    assert data.get("rights") == generated.rights
    assert data.get("url") == generated.url
    assert data["language"] == generated.language
    assert data.get("tags", []) == list(generated.tags)
    assert [author["name"] for author in data.get("authors", [])] == [
        author.name for author in generated.authors
    ]
    assert [author.get("role") for author in data.get("authors", [])] == [
        author.role for author in generated.authors
    ]
    if generated.published is not None:
        assert datetime.fromisoformat(data["date"].replace("Z", "+00:00")) == generated.published
    if generated.publication is not None:
        assert data["publication"]["name"] == generated.publication.name
        assert data["publication"].get("slogan") == generated.publication.slogan


# --- escaping --------------------------------------------------------------------------

NASTY_LINES = [
    "*not emphasis*",
    "**not strong**",
    "_not emphasis_",
    "# not heading",
    "## not heading ##",
    "1. not list",
    "1) not list",
    "- not list",
    "+ not list",
    "* not list",
    "> not quote",
    "=",
    "===",
    "---",
    "***",
    "___",
    "<script>alert(1)</script>",
    "<div>",
    "<!-- comment -->",
    "<https://example.com>",
    "[x](y)",
    "![x](y)",
    "[x]: https://example.com",
    "`",
    "``code``",
    "```python",
    "~~~",
    "~~strike~~",
    "&amp;",
    "&#65;",
    "&copy",
    "|table|",
    "| a | b |\n| - | - |",
    "\\",
    "\\*",
    "trailing backslash \\",
    "    indented code",
    "\tindented with a tab",
    "  two leading spaces",
    "two trailing spaces  ",
    "line  \nbreak",
    "para\n\npara",
    "x\n# heading?",
    "x\n---",
    "x\n===",
    "x\n- item?",
    "x\n> quote?",
    "x\n1. item?",
    "x\n    code?",
    "2023. A year",
    "U.S. (yes) ! {braces}",
    "\u00a0edges\u00a0",
    "\u3000ideographic\u3000",
    "\ufeffbom",
    "\n",
    " ",
    "\n\n\n",
]


@pytest.mark.parametrize("text", NASTY_LINES)
def test_nasty_text_stays_text(text: str) -> None:
    """Markup in the text stays literal text in one paragraph, character for character."""
    assert parse(escape(text)) == [("paragraph", text)]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("*not emphasis*", r"\*not emphasis\*"),
        ("# not heading", r"\# not heading"),
        ("1. not list", r"1\. not list"),
        ("<script>", r"\<script\>"),
        ("[x](y)", r"\[x\](y)"),
        ("`", r"\`"),
        ("&amp;", r"\&amp;"),
        ("|table|", r"\|table\|"),
        ("> quote", r"\> quote"),
        ("- dash", r"\- dash"),
        ("= equals", r"\= equals"),
        ("a_b", r"a\_b"),
        ("U.S. (yes) - 2.5!", "U.S. (yes) - 2.5!"),
        ("x\n1. y", "x\n1\\. y"),
        ("  lead", "&#32; lead"),
        ("trail  ", "trail &#32;"),
        ("a\n\nb", "a&#10;\nb"),
    ],
)
def test_escaping_is_minimal_and_readable(text: str, source: str) -> None:
    """Syntax characters are backslash-escaped; harmless punctuation is left alone."""
    assert escape(text) == source


def test_heading_text_cannot_close_or_break_the_heading() -> None:
    """Trailing #, newlines and line breaks stay inside the heading's text."""
    heading = Heading(text=["a #", LineBreak(), "b\nc ##"], level=3)
    assert body_of(heading) == [("heading", 3, f"a #{HARD}b\nc ##")]
    assert "<br />" in source_of(heading)


def test_headline_is_escaped() -> None:
    """The headline is a level-1 heading whose text is literal."""
    markdown = to_markdown(article(headline="# *Breaking* <b>news</b> #"))
    assert parse_body(markdown)[0] == ("heading", 1, "# *Breaking* <b>news</b> #")


# --- inline content -----------------------------------------------------------------------


def test_emphasis_and_strong_use_asterisks() -> None:
    """Emphasis is *x*, strong **x**."""
    paragraph = Paragraph(text=["a ", Emphasis(text="b"), " c ", Strong(text="d"), " e"])
    assert source_of(paragraph) == "a *b* c **d** e\n"
    tokens = MD.parseInline("a *b* c **d** e")[0].children or []
    assert [token.type for token in tokens] == [
        "text",
        "em_open",
        "text",
        "em_close",
        "text",
        "strong_open",
        "text",
        "strong_close",
        "text",
    ]


def test_emphasis_moves_edge_spaces_outside() -> None:
    """Spaces at the edges of emphasis go outside the delimiters, where they can."""
    assert source_of(Paragraph(text=["a", Emphasis(text=" b "), "c"])) == "a *b* c\n"


def test_emphasis_falls_back_to_html_where_asterisks_would_not_work() -> None:
    """Nested emphasis without a gap, or next to punctuation, uses <em>/<strong> tags."""
    nested = Paragraph(text=[Strong(text=[Emphasis(text="x")])])
    assert source_of(nested) == "<strong>*x*</strong>\n"
    tokens = MD.parseInline("<strong>*x*</strong>")[0].children or []
    assert [token.type for token in tokens][1:4] == ["em_open", "text", "em_close"]
    inner = Paragraph(text=["a", Emphasis(text=[Emphasis(text="(b)")]), "c"])
    assert "<em>" in source_of(inner)
    assert body_of(inner) == [("paragraph", "a(b)c")]


def test_intraword_emphasis_uses_asterisks() -> None:
    """Emphasis inside a word works with * delimiters."""
    assert source_of(Paragraph(text=["un", Emphasis(text="believ"), "able"])) == "un*believ*able\n"


def test_emphasis_of_only_spaces_is_just_the_spaces() -> None:
    """Emphasis around nothing but white space writes the white space alone."""
    assert body_of(Paragraph(text=["a", Emphasis(text="  "), "b"])) == [("paragraph", "a  b")]


def test_link_with_text() -> None:
    """A link is [text](url)."""
    paragraph = Paragraph(text=["see ", Link(href="https://example.com/x", text="this")])
    assert source_of(paragraph) == "see [this](https://example.com/x)\n"


def test_link_url_with_parentheses_uses_angle_brackets() -> None:
    """URLs with parentheses are written as <…>, with escapes."""
    href = "https://example.com/a_(b)c&amp;"
    paragraph = Paragraph(text=[Link(href=href, text="x")])
    assert source_of(paragraph) == "[x](<https://example.com/a_(b)c\\&amp;>)\n"
    assert body_of(paragraph) == [("paragraph", link(href, "x"))]


def test_link_url_with_backslash_and_ampersand() -> None:
    """An & in a URL is escaped, so it is not read as an entity (backslashes are refused)."""
    href = "https://example.com/a%5Cb?c=1&amp;d"
    assert body_of(Paragraph(text=[Link(href=href)])) == [("paragraph", link(href, href))]


def test_link_without_text_shows_its_url() -> None:
    """A link with no text shows its URL, escaped."""
    paragraph = Paragraph(text=[Link(href="mailto:a_b@example.com")])
    assert source_of(paragraph) == "[mailto:a\\_b@example.com](mailto:a_b@example.com)\n"


def test_link_inside_link_keeps_only_its_text() -> None:
    """A link nested in a link keeps its text; CommonMark cannot nest links."""
    inner = Link(href="https://inner.example", text="inner")
    paragraph = Paragraph(text=[Link(href="https://outer.example", text=["a ", inner])])
    assert body_of(paragraph) == [("paragraph", link("https://outer.example", "a inner"))]


@pytest.mark.parametrize(
    ("code", "source"),
    [
        ("x = 1", "`x = 1`"),
        ("a`b", "``a`b``"),
        ("``", "` `` `"),
        ("`start", "`` `start ``"),
        ("end`", "`` end` ``"),
        (" padded ", "`  padded  `"),
        ("*not* <b>", "`*not* <b>`"),
        ("&amp; \\", "`&amp; \\`"),
    ],
)
def test_code_gets_enough_backticks(code: str, source: str) -> None:
    """Inline code is fenced by a backtick run that does not occur in it, padded when needed."""
    paragraph = Paragraph(text=["x ", Code(text=code)])
    assert source_of(paragraph) == f"x {source}\n"
    assert body_of(paragraph) == [("paragraph", f"x {code}")]


def test_code_with_newlines_comes_back() -> None:
    """A newline in code ends the code span; the lines come back with the newline."""
    paragraph = Paragraph(text=[Code(text="a\n# b\n\nc")])
    assert body_of(paragraph) == [("paragraph", "a\n# b\n\nc")]


def test_line_break_is_a_backslash() -> None:
    """A line break is a backslash at the end of the line."""
    paragraph = Paragraph(text=["one", LineBreak(), "two"])
    assert source_of(paragraph) == "one\\\ntwo\n"
    assert body_of(paragraph) == [("paragraph", f"one{HARD}two")]


def test_line_break_at_the_end_of_a_block_is_html() -> None:
    """CommonMark has no hard break at a block's end, so <br /> is written there."""
    assert body_of(Paragraph(text=["one", LineBreak()])) == [("paragraph", f"one{HARD}")]
    assert body_of(Paragraph(text=[LineBreak()])) == [("paragraph", HARD)]
    assert body_of(ItemList(items=[[LineBreak()]])) == [("list", False, ((("paragraph", HARD),),))]


def test_newline_in_text_is_a_soft_break() -> None:
    """A newline in text is a line ending in the source, and comes back as one."""
    paragraph = Paragraph(text="one\ntwo")
    assert source_of(paragraph) == "one\ntwo\n"


# --- blocks ---------------------------------------------------------------------------------


def test_paragraphs_and_headings_at_their_levels() -> None:
    """Headings use as many # as their level."""
    blocks = [Heading(text=f"Level {level}", level=level) for level in (2, 3, 4, 5, 6)]
    assert body_of(*blocks) == [("heading", level, f"Level {level}") for level in (2, 3, 4, 5, 6)]
    assert source_of(Heading(text="Deep", level=6)) == "###### Deep\n"


def test_block_quote_with_attribution() -> None:
    """A quote is a block quote ending with '— Name, *Source*', the source linked."""
    quote = Quote(
        text="We are Armenian.",
        attribution="Kim Kardashian",
        source="Rolling Stone",
        url="https://rollingstone.com/x",
    )
    assert source_of(quote) == (
        "> We are Armenian.\n>\n> — Kim Kardashian, [*Rolling Stone*](https://rollingstone.com/x)\n"
    )
    assert body_of(quote) == expected_block(quote)


def test_quote_attribution_variants() -> None:
    """Without source the name is linked; with only a URL the URL is the link text."""
    name_only = Quote(text="a", attribution="Name", url="https://x.example")
    url_only = Quote(text="b", url="https://y.example")
    plain = Quote(text="c")
    assert source_of(name_only).endswith("> — [Name](https://x.example)\n")
    assert source_of(url_only).endswith("> — [https://y.example](https://y.example)\n")
    assert source_of(plain) == "> c\n"
    assert body_of(name_only, url_only, plain) == [
        *expected_block(name_only),
        *expected_block(url_only),
        *expected_block(plain),
    ]


def test_pull_quote_is_strong() -> None:
    """A pull quote is a block quote set in strong emphasis."""
    quote = Quote(text="Never again.", attribution="Someone", style="pull")
    assert source_of(quote) == "> **Never again.**\n>\n> — Someone\n"
    tokens = MD.parse(source_of(quote))
    assert "strong_open" in [child.type for token in tokens for child in token.children or []]


def test_image_with_caption_and_credit() -> None:
    """An image paragraph, then the emphasised caption and the credit after a hard break."""
    image = Image(src="photo_(1).jpg", alt="A [photo]", caption="Paris, 2023.", credit="AFP")
    assert source_of(image) == (
        "![A \\[photo\\]](<photo_(1).jpg>)\n\n*Paris, 2023.*\\\nCredit: AFP\n"
    )
    assert body_of(image) == expected_block(image)


def test_image_without_alt_or_caption() -> None:
    """An image without alt text or caption is just ![](src)."""
    assert source_of(Image(src="a.png")) == "![](a.png)\n"


def test_lists_with_line_breaks_are_indented() -> None:
    """List items continue under their text after a line break."""
    bullets = ItemList(items=[["one", LineBreak(), "- still one"], "two"])
    numbers = ItemList(items=[f"item {n}" for n in range(1, 11)], ordered=True)
    assert source_of(bullets) == "- one\\\n  \\- still one\n- two\n"
    source = source_of(numbers)
    assert source.startswith("1. item 1\n2. item 2\n")
    assert source.endswith("10. item 10\n")
    assert body_of(bullets, numbers) == [*expected_block(bullets), *expected_block(numbers)]


def test_ordered_list_item_continuation_under_wide_numbers() -> None:
    """Item 10's continuation lines are indented four spaces."""
    numbers = ItemList(items=[*["x"] * 9, ["ten", LineBreak(), "more"]], ordered=True)
    assert source_of(numbers).endswith("10. ten\\\n    more\n")
    assert body_of(numbers) == expected_block(numbers)


def test_consecutive_lists_stay_separate() -> None:
    """Two lists of the same kind in a row switch markers so they do not merge."""
    blocks = [
        ItemList(items=["a"]),
        ItemList(items=["b"]),
        ItemList(items=["c"], ordered=True),
        ItemList(items=["d"], ordered=True),
    ]
    assert source_of(*blocks) == "- a\n\n* b\n\n1. c\n\n1) d\n"
    assert len(body_of(*blocks)) == 4


def test_related_link_section() -> None:
    """A related link is a block quote beginning with **Related:**."""
    related = RelatedLink(title="Other story", url="https://x.example/s", summary="About it.")
    assert source_of(related) == (
        "> **Related:** [Other story](https://x.example/s)\\\n> About it.\n"
    )
    assert body_of(related) == expected_block(related)


def test_newsletter_section() -> None:
    """The newsletter is a block quote: title, description, sign-up link, legal line."""
    box = Newsletter(
        title="The Messenger Newsletters",
        description="News, daily.",
        legal="Terms apply.",
        signup_url="https://x.example/signup",
        button_label="Sign Up",
        success_title="Thanks!",
        success_message="You're in.",
    )
    source = source_of(box)
    assert source == (
        "> **Newsletter:** The Messenger Newsletters\n>\n> News, daily.\n>\n"
        "> [**Sign Up**](https://x.example/signup)\n>\n> *Terms apply.*\n"
    )
    assert "Thanks" not in source
    assert body_of(box) == expected_block(box)


def test_divider_after_paragraph_is_a_thematic_break() -> None:
    """A divider after a paragraph is ---, never a setext underline."""
    blocks: list[Block] = [Paragraph(text="text"), Divider(), Paragraph(text="more")]
    assert body_of(*blocks) == [("paragraph", "text"), ("hr",), ("paragraph", "more")]


# --- the article around the body ---------------------------------------------------------


def full_article() -> Article:
    """An article with every metadata field set."""
    return Article(
        headline='Kim Kardashian Urges Biden to "Act"',
        subheadline="A plea in Rolling Stone.",
        summary="Summary: with a colon, and 'quotes'.",
        publication=Publication(
            name="The Messenger", slogan="It's time to break the news.", url="https://m.example/"
        ),
        authors=[
            Author(name="Jane Doe", role="Senior Reporter", url="https://m.example/jane"),
            Author(name="John Roe"),
        ],
        published=datetime(2023, 7, 28, 10, 5, tzinfo=timezone(timedelta(hours=-4))),
        updated=datetime(2023, 7, 28, 18, 0, tzinfo=timezone.utc),
        section="Entertainment",
        tags=["Kim Kardashian", "Armenia"],
        url="https://m.example/story",
        language="en",
        lead_image=Image(src="lead.jpg", alt="Lead", caption="Caption.", credit="AFP"),
        rights="© 2023 The Messenger",
        body=[Paragraph(text="Body.")],
    )


def test_full_article_layout() -> None:
    """Front matter, headline, subheadline, byline, lead image, body, rights, in that order."""
    assert to_markdown(full_article()) == (
        "---\n"
        'title: "Kim Kardashian Urges Biden to \\"Act\\""\n'
        'subtitle: "A plea in Rolling Stone."\n'
        "authors:\n"
        '  - name: "Jane Doe"\n'
        '    role: "Senior Reporter"\n'
        '    url: "https://m.example/jane"\n'
        '  - name: "John Roe"\n'
        'date: "2023-07-28T10:05:00-04:00"\n'
        'updated: "2023-07-28T18:00:00Z"\n'
        'language: "en"\n'
        'section: "Entertainment"\n'
        "tags:\n"
        '  - "Kim Kardashian"\n'
        '  - "Armenia"\n'
        'url: "https://m.example/story"\n'
        "publication:\n"
        '  name: "The Messenger"\n'
        '  slogan: "It\'s time to break the news."\n'
        '  url: "https://m.example/"\n'
        'rights: "© 2023 The Messenger"\n'
        "summary: \"Summary: with a colon, and 'quotes'.\"\n"
        "---\n"
        "\n"
        '# Kim Kardashian Urges Biden to "Act"\n'
        "\n"
        "*A plea in Rolling Stone.*\n"
        "\n"
        "By [Jane Doe](https://m.example/jane) (Senior Reporter) and John Roe\\\n"
        "Published July 28, 2023, 10:05 AM GMT-04:00\\\n"
        "Updated July 28, 2023, 6:00 PM UTC\n"
        "\n"
        "![Lead](lead.jpg)\n"
        "\n"
        "*Caption.*\\\n"
        "Credit: AFP\n"
        "\n"
        "Body.\n"
        "\n"
        "© 2023 The Messenger\n"
    )


def test_full_article_reads_back() -> None:
    """The full article's structure and text come back from the parser."""
    assert parse_body(to_markdown(full_article())) == expected(full_article())


def test_front_matter_survives_nasty_strings() -> None:
    """Quotes, colons, newlines, '---' and separators in metadata stay valid YAML."""
    nasty = 'a: "b"\n---\n- c # d\u2028e\u2029f\ufeff\\ \t'
    data = yaml.safe_load(split_front_matter(to_markdown(article(headline=nasty, tags=[nasty])))[0])
    assert data["title"] == nasty
    assert data["tags"] == [nasty]


def test_right_to_left_text_is_kept_in_logical_order() -> None:
    """Arabic and Hebrew text is written as is, in logical order."""
    arabic = "قالت كيم كارداشيان: «لن ننسى»."
    markdown = to_markdown(article(Paragraph(text=arabic), headline="שלום", language="ar"))
    assert parse_body(markdown) == [("heading", 1, "שלום"), ("paragraph", arabic)]
    assert 'language: "ar"' in markdown


# --- format 1.1: tables, preformatted text, embeds, dateline, corrections ----------------


def test_table_is_a_pipe_table_with_aligned_pipes() -> None:
    """A table is a GFM pipe table, its caption emphasised above, pipes aligned in cells."""
    table = Table(
        caption="Visitors",
        header_rows=[["Year", "City"]],
        rows=[["2024", "東京"], ["2025", Link(href="https://x.example", text="Gyumri")]],
    )
    assert source_of(table) == (
        "*Visitors*\n\n"
        "| Year | City                        |\n"
        "| ---- | --------------------------- |\n"
        "| 2024 | 東京                        |\n"
        "| 2025 | [Gyumri](https://x.example) |\n"
    )
    assert body_of(table) == expected_block(table)


def test_table_without_header_rows_gets_an_empty_header_row() -> None:
    """Without header rows, the header row is empty cells: no data row changes its meaning."""
    table = Table(rows=[["a", "b"]])
    assert source_of(table) == "|     |     |\n| --- | --- |\n| a   | b   |\n"
    assert body_of(table) == [("table", ("", ""), (("a", "b"),))]


def test_ragged_rows_and_empty_cells_are_padded_to_the_widest_row() -> None:
    """Every row gets as many cells as the widest (GFM drops cells past the header's)."""
    table = Table(header_rows=[["h"]], rows=[["a", "", "c"], [""]])
    assert body_of(table) == [("table", ("h", "", ""), (("a", "", "c"), ("", "", "")))]


def test_further_header_rows_lead_the_body_in_strong_emphasis() -> None:
    """GFM has one header row: the second header row becomes the first body row, in bold."""
    table = Table(header_rows=[["Year", "City"], ["", "name"]], rows=[["2024", "Yerevan"]])
    assert "|      | **name** |" in source_of(table)
    assert body_of(table) == expected_block(table)


@pytest.mark.parametrize(
    "cell",
    [
        ["a | b"],
        [Code(text="x|y")],
        [Code(text="||")],
        [Link(href="https://x.example/a", text=["l|m ", Code(text="|")])],
        ["back\\", "slash | pipe \\|"],
        ["two\nlines", LineBreak(), "and a break"],
        ["  edges  "],
    ],
)
def test_a_cell_keeps_its_pipes_breaks_and_edges(cell: list[Any]) -> None:
    """Pipes in text, code and links, newlines, breaks and edge spaces stay inside their cell."""
    table = Table(rows=[[cell, "next"]])
    assert body_of(table) == expected_block(table)


@given(tables())
def test_parser_reads_back_any_table(table: Table) -> None:
    """A GFM parser reads every generated table back, cell for cell."""
    assert body_of(table) == expected_block(table)


def test_code_is_fenced_with_its_language() -> None:
    """Code is a fenced block with its language as info string, kept byte for byte."""
    code = Preformatted(text="def f():\n\treturn '*[x]*'\n", language="python")
    assert source_of(code) == "```python\ndef f():\n\treturn '*[x]*'\n\n```\n"
    assert body_of(code) == [("code", "python", code.text + "\n")]


def test_code_fence_is_longer_than_any_backtick_run_inside() -> None:
    """A run of backticks in the code cannot close the fence."""
    code = Preformatted(text="````\n```js\n`")
    assert source_of(code).startswith("`````\n")
    assert body_of(code) == [("code", "", code.text + "\n")]


def test_verse_is_hard_broken_lines_a_paragraph_a_stanza() -> None:
    """Verse lines end with hard breaks; a blank line starts the next stanza's paragraph."""
    verse = Preformatted(
        text="The woods are *lovely*,\n  dark and deep,\n\n\n1. But I have promises", style="verse"
    )
    assert source_of(verse) == (
        "The woods are \\*lovely\\*,\\\n&#32; dark and deep,\n\n1\\. But I have promises\n"
    )
    assert body_of(verse) == [
        ("paragraph", f"The woods are *lovely*,{HARD}  dark and deep,"),
        ("paragraph", "1. But I have promises"),
    ]


def test_embed_is_a_card_of_poster_title_fallback_and_link() -> None:
    """An embed is a block quote: poster image, linked title and provider, fallback, its URL."""
    embed = Embed(
        url="https://video.example/v/1",
        title="The launch",
        provider="VideoSite",
        fallback=["A rocket ", Emphasis(text="lifts off"), "."],
        poster=Image(src="poster.jpg", alt="A rocket", credit="NASA"),
    )
    assert source_of(embed) == (
        "> ![A rocket](poster.jpg)\n>\n> Credit: NASA\n>\n"
        "> **[The launch](https://video.example/v/1)** (VideoSite)\n>\n"
        "> A rocket *lifts off*.\n>\n"
        "> View online: [https://video.example/v/1](https://video.example/v/1)\n"
    )
    assert body_of(embed) == expected_block(embed)


def test_embed_with_only_a_url_links_to_it() -> None:
    """An embed with nothing but its URL is still a card with a link."""
    embed = Embed(url="https://video.example/v/1")
    assert body_of(embed) == expected_block(embed)
    assert "](https://video.example/v/1)" in source_of(embed)


def test_embed_poster_goes_through_the_image_options(tmp_path: Path) -> None:
    """An embed's poster is written as any image: image_src maps its source too."""
    embed = Embed(url="https://video.example/v/1", poster=Image(src="poster.jpg"))
    (tmp_path / "poster.jpg").write_bytes(b"")
    markdown = to_markdown(article(embed), image_src=lambda src: f"copied/{src}", base_dir=tmp_path)
    assert "![](copied/poster.jpg)" in markdown


def test_dateline_runs_into_the_first_paragraph() -> None:
    """The dateline starts the first paragraph: ``KYIV, Ukraine — First…``."""
    markdown = to_markdown(article(Paragraph(text="First."), dateline="KYIV, Ukraine"))
    assert "\n\nKYIV, Ukraine — First.\n" in markdown


def test_dateline_stands_alone_before_a_body_not_starting_with_a_paragraph() -> None:
    """Before a heading (or nothing), the dateline is a paragraph of its own."""
    body = parse_body(to_markdown(article(Heading(text="H"), dateline="KYIV")))
    assert body[1:] == [("paragraph", "KYIV"), ("heading", 2, "H")]


def test_corrections_close_the_article_before_the_rights_line() -> None:
    """Corrections follow the body under "Corrections", dated ones by the day, then rights."""
    corrections = [
        Correction(date=date(2026, 12, 1), text="A name was misspelled."),
        Correction(text=["Undated ", Emphasis(text="fix"), "."]),
    ]
    source = source_of(Paragraph(text="Body."))
    markdown = to_markdown(article(Paragraph(text="Body."), corrections=corrections, rights="© Us"))
    assert markdown.endswith(
        "Body.\n\n## Corrections\n\n*Corrected December 1, 2026*\\\nA name was misspelled.\n\n"
        "Undated *fix*.\n\n© Us\n"
    )
    assert source == "Body.\n"


def test_corrections_speak_the_articles_language() -> None:
    """The label and the day are in the article's language."""
    markdown = to_markdown(
        article(
            Paragraph(text="Corps."),
            language="fr",
            corrections=[Correction(date=date(2026, 12, 1), text="Nom corrigé.")],
        )
    )
    labels = labels_for("fr")
    day = labels.format("corrected", date=format_day(date(2026, 12, 1), "fr"))
    assert f"## {labels.corrections}\n\n*{day}*\\\nNom corrigé." in markdown


def test_pandoc_reads_tables_code_and_verse() -> None:
    """The GFM reader of pandoc finds a <table>, a <pre> and every word in the Markdown."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed")
    markdown = to_markdown(
        article(
            Table(
                caption="Fares",
                header_rows=[["Zone", "Price"]],
                rows=[["A | B", Code(text="x|y")], ["C"]],
            ),
            Preformatted(text="print('pipe | tick `')", language="python"),
            Preformatted(text="One line,\nanother line.", style="verse"),
        )
    )
    body = split_front_matter(markdown)[1]
    result = subprocess.run(
        [pandoc, "-f", "gfm", "-t", "html"], input=body, capture_output=True, text=True, check=True
    )
    html = result.stdout
    assert html.count("<table>") == 1
    assert "<th>Zone</th>" in html
    assert "<td>A | B</td>" in html
    assert "<code>x|y</code>" in html
    assert html.count("<pre") == 1
    assert "print(&#39;pipe | tick `&#39;)" in html or "pipe | tick `" in html
    assert "One line,<br />\nanother line." in html


def test_export_copies_an_embed_poster_beside_the_markdown(tmp_path: Path) -> None:
    """Exported to a file, an embed poster is copied beside it, so its reference resolves."""
    source = Path(__file__).parent.parent / "examples" / "night-bus-pilot"
    embed = Embed(url="https://video.example/v/1", poster=Image(src="night-bus.jpg", alt="Bus"))
    written = mc.export(article(embed), tmp_path / "out" / "story.md", base_dir=source)
    (destination,) = re.findall(r"!\[Bus\]\(([^)]+)\)", written.read_text(encoding="utf-8"))
    copy = written.parent / destination
    assert copy.read_bytes() == (source / "night-bus.jpg").read_bytes()
