"""The plain-text exporter: layout of every block and inline type, wrapping in display cells."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wcwidth import wcswidth

from messenger_content.exporters.text import MIN_WIDTH, cell_width, to_text
from messenger_content.i18n import format_date, format_day, labels_for
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
)
from tests.strategies import articles


def article(*body: Block, **fields: Any) -> Article:
    """A small article around *body*."""
    return Article(headline=fields.pop("headline", "Headline"), body=body, **fields)


def body_text(*blocks: Block, width: int = 72) -> str:
    """The text written for *blocks*: everything after the headline and its underline."""
    text = to_text(article(*blocks), width=width)
    assert text.startswith("Headline\n========\n\n")
    return text.removeprefix("Headline\n========\n\n")


def width_of(line: str) -> int:
    """Display width measured independently with wcwidth."""
    width = wcswidth(line)
    assert width >= 0, repr(line)
    return int(width)


# --- the article ---------------------------------------------------------------------


def full_article() -> Article:
    """An article with every header part set."""
    return Article(
        headline="Kim Kardashian Urges Biden to 'Stop Another Armenian Genocide' in an Essay",
        subheadline="In an essay for Rolling Stone, she and Dr. Eric Esrailian ask for action.",
        publication=Publication(name="The Messenger", slogan="It's time to break the news."),
        authors=[
            Author(name="Jane Doe", role="Senior Reporter", url="https://m.example/jane"),
            Author(name="John Roe"),
            Author(name="Ann Poe", role="Editor"),
        ],
        published=datetime(2023, 7, 28, 10, 5, tzinfo=timezone(timedelta(hours=-4))),
        updated=datetime(2023, 7, 28, 0, 30, tzinfo=timezone.utc),
        lead_image=Image(src="lead.jpg", alt="Kim Kardashian", caption="In Paris.", credit="AFP"),
        rights="© 2023 The Messenger",
        body=[
            Paragraph(text=["Read ", Link(href="https://rs.example/essay", text="the essay"), "."])
        ],
    )


def test_full_article_layout() -> None:
    """Masthead, headline, subheadline, byline, lead image, body, rights, links, in order."""
    assert to_text(full_article()) == (
        "                             The Messenger\n"
        "                      It's time to break the news.\n"
        "========================================================================\n"
        "\n"
        "Kim Kardashian Urges Biden to 'Stop Another Armenian Genocide' in an\n"
        "Essay\n"
        "====================================================================\n"
        "\n"
        "In an essay for Rolling Stone, she and Dr. Eric Esrailian ask for\n"
        "action.\n"
        "\n"
        "By Jane Doe (Senior Reporter), John Roe, and Ann Poe (Editor)\n"
        "Published July 28, 2023, 10:05 AM GMT-04:00\n"
        "Updated July 28, 2023, 12:30 AM UTC\n"
        "\n"
        "[Image: Kim Kardashian]\n"
        "In Paris.\n"
        "Credit: AFP\n"
        "\n"
        "Read the essay [1].\n"
        "\n"
        "© 2023 The Messenger\n"
        "\n"
        "Links\n"
        "-----\n"
        "[1] https://rs.example/essay\n"
    )


def test_headline_underline_matches_wide_characters() -> None:
    """The headline's underline is as wide in cells as the headline, CJK included."""
    text = to_text(article(headline="日本語の見出し"))
    assert text.splitlines()[:2] == ["日本語の見出し", "=" * 14]


def test_headline_alone_is_the_minimal_output() -> None:
    """An article with only a headline is the headline and its underline."""
    assert to_text(article()) == "Headline\n========\n"


def test_zero_width_headline_gets_no_underline() -> None:
    """A headline of zero display width (a byte order mark) gets no empty underline."""
    assert to_text(article(headline="\ufeff")) == "\ufeff\n"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (
            datetime(2023, 7, 28, 10, 5, tzinfo=timezone(timedelta(hours=-4))),
            "July 28, 2023, 10:05 AM GMT-04:00",
        ),
        (datetime(2023, 1, 2, 0, 0, tzinfo=timezone.utc), "January 2, 2023, 12:00 AM UTC"),
        (
            datetime(2023, 12, 31, 12, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "December 31, 2023, 12:59 PM GMT+05:30",
        ),
        (
            datetime(999, 3, 1, 23, 1, tzinfo=timezone(timedelta(minutes=-570))),
            "March 1, 999, 11:01 PM GMT-09:30",
        ),
    ],
)
def test_dates_in_their_own_offset(value: datetime, shown: str) -> None:
    """Dates are shown in their own offset, with English names and a 12-hour clock."""
    assert format_date(value, "en") == shown


# --- blocks ----------------------------------------------------------------------------


def test_paragraphs_are_separated_by_blank_lines() -> None:
    """Each paragraph is followed by one blank line."""
    assert body_text(Paragraph(text="One."), Paragraph(text="Two.")) == "One.\n\nTwo.\n"


def test_paragraph_white_space_collapses() -> None:
    """Runs of spaces, tabs, newlines and line separators in text become one space."""
    assert body_text(Paragraph(text="  a \t b\n\nc\u2028d\u2029 e  ")) == "a b c d e\n"


@pytest.mark.parametrize(("level", "underline"), [(2, "-"), (3, "~"), (4, "."), (5, "."), (6, ".")])
def test_headings_are_underlined_by_level(level: int, underline: str) -> None:
    """Headings keep their text and are underlined with a character per level."""
    heading = Heading(text="Section ß", level=level)  # type: ignore[arg-type]
    assert body_text(heading) == f"Section ß\n{underline * 9}\n"


def test_block_quote_is_indented_with_attribution() -> None:
    """A quote is indented four spaces and ends with '— Name, Source [n]'."""
    quote = Quote(
        text="We are Armenian.",
        attribution="Kim Kardashian",
        source="Rolling Stone",
        url="https://rs.example",
    )
    assert body_text(quote) == (
        "    We are Armenian.\n"
        "    — Kim Kardashian, Rolling Stone [1]\n"
        "\n"
        "Links\n-----\n[1] https://rs.example\n"
    )


def test_quote_with_only_a_url_shows_it() -> None:
    """A quote whose only attribution is a URL shows the URL."""
    assert body_text(Quote(text="Q.", url="https://x.example")) == (
        "    Q.\n    — <https://x.example>\n"
    )


def test_quote_without_attribution() -> None:
    """A quote without attribution is just the indented text."""
    assert body_text(Quote(text="Q.")) == "    Q.\n"


def test_pull_quote_is_framed_by_rules() -> None:
    """A pull quote sits between two rules, indented on both sides."""
    quote = Quote(text="Never again. " * 6, attribution="Someone", style="pull")
    lines = body_text(quote, width=40).splitlines()
    assert lines[0] == lines[-1] == "    " + "=" * 32
    assert lines[-2] == "    — Someone"
    assert all(line.startswith("    ") and width_of(line) <= 36 for line in lines[1:-1])


def test_image_with_alt_caption_and_credit() -> None:
    """An image is [Image: alt], then its caption and credit."""
    image = Image(src="a.jpg", alt="A photo", caption=["In ", Emphasis(text="Paris")], credit="AFP")
    assert body_text(image) == "[Image: A photo]\nIn _Paris_\nCredit: AFP\n"


def test_image_without_alt() -> None:
    """An image without alt text is [Image]."""
    assert body_text(Image(src="a.jpg")) == "[Image]\n"


def test_unordered_list_hanging_indent() -> None:
    """Bullets are '-', continuation lines hang under the text."""
    items = ItemList(items=["short", "a longer item that has to wrap onto the next line"])
    assert body_text(items, width=30) == (
        "  - short\n  - a longer item that has to\n    wrap onto the next line\n"
    )


def test_ordered_list_numbers_align() -> None:
    """Numbers are right-aligned, with the text in one column."""
    items = ItemList(items=[f"item {n}" for n in range(1, 11)], ordered=True)
    lines = body_text(items).splitlines()
    assert lines[0] == "   1. item 1"
    assert lines[9] == "  10. item 10"


def test_list_item_line_break() -> None:
    """A line break in an item continues under the item's text."""
    items = ItemList(items=[["one", LineBreak(), "two"]], ordered=True)
    assert body_text(items) == "  1. one\n     two\n"


def test_related_link() -> None:
    """A related link is 'Related: title <url>' with the summary indented below."""
    related = RelatedLink(title="Other story", url="https://x.example/s", summary="About it.")
    assert body_text(related) == "Related: Other story <https://x.example/s>\n  About it.\n"


def test_newsletter_is_a_closed_box() -> None:
    """The newsletter box has straight sides at the page width and no success texts."""
    box = Newsletter(
        title="The Messenger Newsletters",
        description="Get the news that matters delivered to your inbox, every day.",
        legal="By signing up, you agree to our Terms of Use.",
        signup_url="https://m.example/newsletters/a-very-long-path/that-does-not-fit",
        button_label="Sign Up",
        success_title="Thanks for signing up!",
        success_message="You are now subscribed.",
    )
    text = body_text(box, width=40)
    lines = text.splitlines()
    assert lines[0] == lines[-1] == "+" + "-" * 38 + "+"
    assert all(width_of(line) == 40 and line[0] == line[-1] == "|" for line in lines[1:-1])
    assert "| Sign Up:" + " " * 28 + " |" in lines
    joined = "".join(line[2:-2].strip() for line in lines[1:-1])
    assert "<https://m.example/newsletters/a-very-long-path/that-does-not-fit>" in joined
    assert "Thanks" not in text
    assert "subscribed" not in text


def test_divider_is_centred_asterisks() -> None:
    """A divider is '* * *', centred."""
    assert body_text(Divider(), width=21) == "        * * *\n"


# --- inline content ----------------------------------------------------------------------


def test_emphasis_strong_and_code() -> None:
    """Emphasis is _x_, strong *x*, code is kept literally with its spaces."""
    paragraph = Paragraph(
        text=[Emphasis(text=" it "), "and", Strong(text="bold"), " ", Code(text="a  =  b")]
    )
    assert body_text(paragraph) == "_it_ and*bold* a  =  b\n"


def test_code_is_never_broken() -> None:
    """Code stays on one line even where it has spaces; a newline in it starts a line."""
    paragraph = Paragraph(text=["x " * 5, Code(text="one two three\nfour")])
    assert body_text(paragraph, width=20) == "x x x x x\none two three\nfour\n"


def test_line_break_forces_a_new_line() -> None:
    """A line break starts a new line; trailing ones leave no empty lines."""
    paragraph = Paragraph(text=["one", LineBreak(), LineBreak(), "two", LineBreak()])
    assert body_text(paragraph) == "one\n\ntwo\n"


def test_links_are_numbered_references() -> None:
    """Links get [n] in order of first appearance; the same URL keeps its number."""
    paragraph = Paragraph(
        text=[
            Link(href="https://a.example", text="A"),
            " ",
            Link(href="https://b.example", text="B"),
            " ",
            Link(href="https://a.example", text="again"),
            " ",
            Link(href="mailto:c@example.com"),
        ]
    )
    quote = Quote(text="q", source="S", url="https://b.example")
    assert body_text(paragraph, quote) == (
        "A [1] B [2] again [1] mailto:c@example.com\n"
        "\n"
        "    q\n"
        "    — S [2]\n"
        "\n"
        "Links\n-----\n[1] https://a.example\n[2] https://b.example\n"
    )


def test_link_numbers_stay_with_their_text() -> None:
    """A reference number never starts a line by itself."""
    paragraph = Paragraph(text=["xxxxxxxxx ", Link(href="https://a.example", text="abcdefgh")])
    assert body_text(paragraph, width=20).splitlines()[:2] == ["xxxxxxxxx", "abcdefgh [1]"]


def test_links_list_aligns_numbers() -> None:
    """With ten links or more the URLs line up."""
    links = [Link(href=f"https://x.example/{n}", text=str(n)) for n in range(10)]
    text = body_text(Paragraph(text=[item for link in links for item in (link, " ")]))
    assert "[9]  https://x.example/8\n[10] https://x.example/9\n" in text


# --- wrapping ---------------------------------------------------------------------------


def test_width_option() -> None:
    """Every line of a long paragraph fits the width, and lines are filled."""
    words = "The quick brown fox jumps over the lazy dog. " * 20
    for width in (20, 40, 72, 100):
        lines = body_text(Paragraph(text=words), width=width).splitlines()
        assert max(width_of(line) for line in lines) <= width
        assert all(width_of(line) > width - 10 for line in lines[:-1])


@pytest.mark.parametrize("width", [MIN_WIDTH - 1, 0, -5])
def test_width_below_minimum_is_refused(width: int) -> None:
    """Widths below MIN_WIDTH raise ValueError."""
    with pytest.raises(ValueError, match="width"):
        to_text(article(), width=width)


def test_cjk_wraps_by_cells_between_ideographs() -> None:
    """CJK text without spaces wraps between ideographs, each counting two cells."""
    sentence = "日本語の文章はスペースなしで続きます。"
    lines = body_text(Paragraph(text=sentence * 6), width=30).splitlines()
    assert "".join(lines) == sentence * 6
    assert all(width_of(line) <= 30 for line in lines)
    assert all(width_of(line) >= 26 for line in lines[:-1])
    assert not any(line.startswith(("。", "ー")) for line in lines)


def test_combining_characters_take_no_cells() -> None:
    """Combining accents do not count: lines are full by display width, not by length."""
    word = "e\u0301te\u0301"  # été, decomposed: 5 code points, 3 cells
    lines = body_text(Paragraph(text=" ".join([word] * 30)), width=30).splitlines()
    assert all(width_of(line) <= 30 for line in lines)
    assert lines[0] == " ".join([word] * 7)  # 27 cells, 39 code points
    assert len(lines[0]) > 30


def test_long_word_sticks_out() -> None:
    """A word wider than the line is kept whole on a line of its own."""
    url = "https://example.com/" + "x" * 40
    assert body_text(Paragraph(text=f"see {url} now"), width=30) == f"see\n{url}\nnow\n"


def test_right_to_left_text_keeps_logical_order() -> None:
    """Arabic text is wrapped in logical order, words unchanged."""
    words = ["قالت", "كيم", "كارداشيان", "إن", "العالم", "يجب", "أن", "يتحرك", "الآن"]
    lines = body_text(Paragraph(text=" ".join(words * 3)), width=30).splitlines()
    assert " ".join(lines).split() == words * 3
    assert all(width_of(line) <= 30 for line in lines)


_WORDS = st.sampled_from(
    [
        "a",
        "word",
        "longerword",
        "日本語",
        "한국어",
        "e\u0301te\u0301",
        "\uff46\uff55\uff4c\uff4c",
        "👍",
        "قالت",
        "x" * 25,
    ]
)


@given(st.lists(_WORDS, min_size=1, max_size=40), st.integers(MIN_WIDTH, 80))
def test_lines_fit_unless_one_word_is_wider(words: list[str], width: int) -> None:
    """No line is wider than the width in cells, unless it holds a single overlong word."""
    lines = body_text(Paragraph(text=" ".join(words)), width=width).splitlines()
    for line in lines:
        assert width_of(line) <= width or (" " not in line and line in words)
    assert "".join(lines).replace(" ", "") == "".join(words)


@given(articles(), st.integers(MIN_WIDTH, 120))
def test_every_article_renders(generated: Article, width: int) -> None:
    """Any valid article renders deterministically, with closed boxes and no trailing spaces."""
    text = to_text(generated, width=width)
    assert text == to_text(generated, width=width)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    border = "+" + "-" * (width - 2) + "+"
    in_box = False
    for line in text.splitlines():
        assert line == line.rstrip(" ")
        if line == border:
            in_box = not in_box
        elif in_box:
            assert line.startswith("| ")
            assert line.endswith(" |")
            assert cell_width(line) == width
    assert not in_box


# --- format 1.1: tables, preformatted text, embeds, dateline, corrections ----------------


def test_table_columns_align_between_rules() -> None:
    """A table is its caption, then columns aligned in display cells between rules of '-'."""
    table = Table(
        caption="Visitors by year",
        header_rows=[["Year", "City"]],
        rows=[["2024", "東京"], ["2025", "Yerevan"]],
    )
    assert body_text(table) == (
        "Visitors by year\n"
        "----  -------\n"
        "Year  City\n"
        "----  -------\n"
        "2024  東京\n"
        "2025  Yerevan\n"
        "----  -------\n"
    )


def test_table_without_header_rows_has_no_middle_rule() -> None:
    """Without header rows, the rows stand between two rules."""
    assert body_text(Table(rows=[["a", "b"]])) == "-  -\na  b\n-  -\n"


def test_ragged_rows_and_empty_cells_are_padded() -> None:
    """Short rows get empty cells, so every column stays in its place."""
    table = Table(rows=[["a", "", "c"], ["dd"], ["", "e"]])
    assert body_text(table) == "--  -  -\na      c\ndd\n    e\n--  -  -\n"


def test_long_cells_wrap_inside_their_columns() -> None:
    """A table wider than the page wraps its widest cells; rows of several lines are spaced."""
    table = Table(
        header_rows=[["Name", "Note"]],
        rows=[["Alpha", "one two three four five six seven"], ["Beta", "short"]],
    )
    lines = body_text(table, width=24).splitlines()
    assert lines == [
        "-----  -----------------",
        "Name   Note",
        "-----  -----------------",
        "Alpha  one two three",
        "       four five six",
        "       seven",
        "",
        "Beta   short",
        "-----  -----------------",
    ]
    assert max(width_of(line) for line in lines) <= 24


def test_a_table_never_cuts_a_word() -> None:
    """Columns narrow no further than their longest word: the table sticks out instead."""
    table = Table(rows=[["Supercalifragilistic", "expialidocious", "wordsworthwhile"]])
    text = body_text(table, width=MIN_WIDTH)
    for word in ("Supercalifragilistic", "expialidocious", "wordsworthwhile"):
        assert word in text


def test_table_links_are_numbered_in_reading_order() -> None:
    """Links in the caption and cells get their numbers in reading order."""
    table = Table(
        caption=Link(href="https://a.example", text="cap"),
        rows=[["x", Link(href="https://b.example", text="y")]],
    )
    text = body_text(table)
    assert "cap [1]" in text
    assert "y [2]" in text
    assert text.endswith("[1] https://a.example\n[2] https://b.example\n")


def test_code_is_indented_and_kept_verbatim() -> None:
    """Code keeps its lines and spaces, tabs become spaces to the next stop of four."""
    code = Preformatted(
        text="\ndef f():\n\treturn  1 # a  very long line that is never wrapped\n\n"
    )
    assert body_text(code, width=MIN_WIDTH) == (
        "    def f():\n        return  1 # a  very long line that is never wrapped\n"
    )


def test_verse_keeps_its_lines_and_turns_over_long_ones() -> None:
    """Verse lines stay lines, blank lines stay; a line too long turns over, indented deeper."""
    verse = Preformatted(
        text="Whose woods these are\n  I think I know.\n\nHis house is in the village though;",
        style="verse",
    )
    assert body_text(verse, width=30) == (
        "    Whose woods these are\n"
        "      I think I know.\n"
        "\n"
        "    His house is in the\n"
        "        village though;\n"
    )


def test_embed_shows_poster_title_provider_fallback_and_url() -> None:
    """An embed: its poster as an image, ``Title (Provider) [n]``, fallback, ``View online:``."""
    embed = Embed(
        url="https://video.example/v/1",
        title="The launch",
        provider="VideoSite",
        fallback="A rocket lifts off.",
        poster=Image(src="poster.jpg", alt="A rocket"),
    )
    assert body_text(embed) == (
        "[Image: A rocket]\n"
        "The launch (VideoSite) [1]\n"
        "A rocket lifts off.\n"
        "View online: https://video.example/v/1\n"
        "\n"
        "Links\n"
        "-----\n"
        "[1] https://video.example/v/1\n"
    )


def test_embed_without_title_shows_its_url_only_in_place() -> None:
    """Without a title there is no link text to number: the URL is shown where it stands."""
    embed = Embed(url="https://video.example/v/1", provider="VideoSite")
    assert body_text(embed) == "VideoSite\nView online: https://video.example/v/1\n"


def test_dateline_runs_into_the_first_paragraph() -> None:
    """The dateline starts the first paragraph, an em dash after it."""
    text = to_text(article(Paragraph(text="Shelling resumed."), dateline="KYIV, Ukraine"))
    assert "\n\nKYIV, Ukraine — Shelling resumed.\n" in text


def test_dateline_before_another_block_is_a_line_of_its_own() -> None:
    """When the body does not start with a paragraph, the dateline stands alone before it."""
    text = to_text(article(Divider(), dateline="KYIV"), width=21)
    assert text.endswith("\n\nKYIV\n\n        * * *\n")


def test_corrections_come_after_the_body_and_before_the_rights_line() -> None:
    """Corrections: underlined label, "Corrected <day>" for dated ones, text; then rights."""
    text = to_text(
        article(
            Paragraph(text="Body."),
            rights="© Us",
            corrections=[
                Correction(date=date(2026, 12, 1), text="A name was misspelled."),
                Correction(
                    date=datetime(2026, 12, 2, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
                    text="The day is the correction's own.",
                ),
                Correction(text="Undated."),
            ],
        )
    )
    assert text.endswith(
        "Body.\n\nCorrections\n-----------\n"
        "Corrected December 1, 2026\nA name was misspelled.\n\n"
        "Corrected December 2, 2026\nThe day is the correction's own.\n\n"
        "Undated.\n\n© Us\n"
    )


def test_corrections_speak_the_articles_language() -> None:
    """The label and the day are in the article's language."""
    text = to_text(
        article(
            Paragraph(text="Corps."),
            language="fr",
            corrections=[Correction(date=date(2026, 12, 1), text="Nom corrigé.")],
        )
    )
    labels = labels_for("fr")
    day = format_day(date(2026, 12, 1), "fr")
    assert f"{labels.format('corrected', date=day)}\nNom corrigé." in text
    assert labels.corrections in text
