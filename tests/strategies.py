"""Hypothesis strategies for valid articles, covering every block and inline type.

Reusable by any test that needs arbitrary valid content (exporters, round
trips such as ``loads(dumps(a)) == a``)::

    from tests.strategies import articles

    @given(articles())
    def test_round_trip(article): ...

:func:`editions` makes editions of such articles, flat or in sections, each
article with or without a folder of its own.

Text is nasty on purpose: Markdown and HTML syntax, entity references, white
space of every kind at the edges, newlines, combining marks, wide CJK
characters, right-to-left scripts, emoji sequences — any Unicode the models
accept (everything but the control characters in
:data:`messenger_content._rules.FORBIDDEN_CHARACTERS`). Link targets and image
sources are valid by the models' own rules, including awkward ones
(parentheses, ``&``, backslashes, non-ASCII hosts). Optional fields are
sometimes set and sometimes not. Format 1.1 is covered too: tables (ragged
rows, empty cells, with and without header rows), code and verse, embeds with
and without posters, datelines and corrections dated by a day, a date-time or
not at all.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import attrs
from hypothesis import strategies as st

from messenger_content import _rules
from messenger_content.models import (
    Article,
    Author,
    Block,
    Code,
    Correction,
    Divider,
    Edition,
    EditionArticle,
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
    Publication,
    Quote,
    RelatedLink,
    Section,
    Strong,
    Table,
    Text,
    _has_words,
    to_text,
)

__all__ = [
    "FORBIDDEN",
    "NASTY",
    "articles",
    "authors",
    "blocks",
    "code_languages",
    "corrections",
    "datetimes",
    "edition_articles",
    "editions",
    "embeds",
    "folders",
    "hrefs",
    "http_urls",
    "images",
    "inline_text",
    "inlines",
    "languages",
    "plain_text",
    "publications",
    "sections",
    "srcs",
    "tables",
    "text",
]

_FORBIDDEN_RE = re.compile(f"[{_rules.FORBIDDEN_CHARACTERS}]")

#: Every character below U+10000 that text may not contain (the rest are allowed).
FORBIDDEN = "".join(char for char in map(chr, range(0x10000)) if _FORBIDDEN_RE.match(char))

#: Fragments that tend to break exporters: markup syntax, white space, scripts.
NASTY = (
    "*",
    "**",
    "_",
    "__",
    "`",
    "``",
    "```",
    "~",
    "~~~",
    "#",
    "# ",
    "## x #",
    "1.",
    "1. ",
    "2)",
    "123456789.",
    "- ",
    "+ ",
    "* ",
    "-",
    "=",
    "===",
    "---",
    "***",
    "___",
    ">",
    "> ",
    "<",
    "<script>alert(1)</script>",
    "</p>",
    "<!--",
    "<br>",
    "<http://a.b>",
    "&",
    "&amp;",
    "&#32;",
    "&#x41;",
    "&nbsp",
    "[",
    "]",
    "[x](y)",
    "![a](b)",
    "[x]: /u",
    "[^1]",
    "[ ]",
    "(",
    ")",
    "!",
    "|",
    "|a|b|",
    "\\",
    "\\*",
    '"',
    "'",
    "{",
    "}",
    "$x$",
    "^",
    ":smile:",
    "www.example.com",
    "http://x.y/z",
    "a@b.co",
    "\n",
    "\n\n",
    " \n",
    "  \n",
    "\\\n",
    "\t",
    "    ",
    " ",
    "\u00a0",
    "\u2003",
    "\u3000",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u200d",
    "\u200f",
    "\u202e",
    "e\u0301",
    "\u0301",
    "日本語の文章。",
    "中文字符",
    "한국어",
    "\uff46\uff55\uff4c\uff4c",  # fullwidth Latin
    "مرحبا بالعالم",
    "שלום",
    "Հայերեն",
    "👨\u200d👩\u200d👧",
    "🇦🇲",
    "❤\ufe0f",
    "\U0001d54f",  # outside the BMP
    "word",
    "Foo bar.",
)

_characters = st.characters(codec="utf-8", exclude_characters=FORBIDDEN)
_url_characters = st.characters(codec="utf-8", exclude_characters=FORBIDDEN + " \t\n")


def text(*, min_size: int = 0, max_parts: int = 4) -> st.SearchStrategy[str]:
    """Strings of nasty fragments and arbitrary allowed characters (possibly blank).

    The result has at least *min_size* fragments, each one or more characters.
    """
    part = st.one_of(st.sampled_from(NASTY), st.text(_characters, min_size=1, max_size=8))
    return st.lists(part, min_size=min_size, max_size=max(max_parts, min_size)).map("".join)


def plain_text() -> st.SearchStrategy[str]:
    """Strings for plain-text fields (headline, alt, credit …): not empty nor blank."""
    return text(min_size=1).map(lambda value: value if value.strip() else value + "x")


_NASTY_HREFS = (
    "https://example.com/",
    "https://example.com/a_(b)*c",
    "https://example.com/?a=1&amp;b=<2>",
    "https://example.com/`tick`",
    "https://example.com/back\\slash",
    "https://example.com/%20encoded",
    "https://пример.рф/путь?q=ü",
    "http://example.com/)(",
    "HTTPS://EXAMPLE.COM/UPPER",
    "mailto:someone@example.com",
    "mailto:a+b@example.com?subject=Hi%20there",
    "#fragment",
    "#",
    "/absolute/path",
    "//cdn.example.com/x",
    "relative/page.html",
    "../up.html",
    "?query=[1]",
    "a<b>c",
    "*star*",
)

_NASTY_SRCS = (
    "photo.jpg",
    "images/photo_(1).jpg",
    "../outside.png",
    "https://example.com/image.png",
    "http://example.com/a_(b).png",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:text/plain,hello&world",
    "%2e%2e/x.png",
    "a<b>.png",
    "back\\slash.png",
)


def _http(hosts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda scheme, host, path: f"{scheme}://{host}{path}",
        st.sampled_from(("http", "https", "HTTPS")),
        hosts,
        st.text(_url_characters, max_size=12).map(lambda path: "/" + path if path else ""),
    )


_hosts = st.text(
    st.characters(codec="utf-8", exclude_characters=FORBIDDEN + " \t\n/?#\\"),
    min_size=1,
    max_size=10,
)


def http_urls() -> st.SearchStrategy[str]:
    """Absolute http(s) URLs, as the article's and the publication's ``url`` take."""
    return st.one_of(
        st.sampled_from([h for h in _NASTY_HREFS if _rules.http_url_problem(h) is None]),
        _http(_hosts),
    ).filter(lambda url: _rules.http_url_problem(url) is None)


def hrefs() -> st.SearchStrategy[str]:
    """Link targets: http(s), mailto, fragments and relative URLs."""
    return st.one_of(
        st.sampled_from(_NASTY_HREFS),
        _http(_hosts),
        st.text(_url_characters, min_size=1, max_size=12).map(lambda v: "mailto:" + v),
        st.text(_url_characters, max_size=12).map(lambda v: "#" + v),
        st.text(_url_characters, min_size=1, max_size=16),
    ).filter(lambda href: href.strip() != "" and _rules.href_problem(href) is None)


def srcs() -> st.SearchStrategy[str]:
    """Image sources: relative paths, ``data:`` URIs and http(s) URLs."""
    return st.one_of(
        st.sampled_from(_NASTY_SRCS),
        _http(_hosts),
        st.text(_url_characters, min_size=1, max_size=16).map(lambda v: "data:" + v),
        st.text(_url_characters, min_size=1, max_size=16),
    ).filter(lambda src: src.strip() != "" and _rules.src_problem(src) is None)


def languages() -> st.SearchStrategy[str]:
    """BCP 47 tags, often one of the scripts the exporters care about."""
    letters = string.ascii_letters
    tags = st.builds(
        lambda first, rest: "-".join([first, *rest]),
        st.text(letters, min_size=2, max_size=8),
        st.lists(st.text(letters + string.digits, min_size=1, max_size=8), max_size=2),
    )
    return st.one_of(
        st.sampled_from(("en", "ar", "he", "fa", "ur", "hy-AM", "ja", "zh-Hant-TW", "de-CH-1901")),
        tags,
    ).filter(lambda tag: _rules.language_problem(tag) is None)


def datetimes() -> st.SearchStrategy[datetime]:
    """Offset-aware date-times (whole-minute offsets, ``Z`` included)."""
    offsets = st.one_of(
        st.just(timezone.utc),
        st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
            lambda minutes: timezone(timedelta(minutes=minutes))
        ),
    )
    return st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
    )


def _inline_leaves() -> st.SearchStrategy[Inline]:
    return st.one_of(
        text(min_size=1),
        st.builds(Code, text=plain_text()),
        st.just(LineBreak()),
    )


def _inline_nodes(children: st.SearchStrategy[Inline]) -> st.SearchStrategy[Inline]:
    content = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        st.builds(Emphasis, text=content),
        st.builds(Strong, text=content),
        st.builds(Link, href=hrefs(), text=st.none() | content),
    )


def inlines(*, max_leaves: int = 6) -> st.SearchStrategy[Inline]:
    """One inline item: a string or any inline node, nested."""
    return st.recursive(_inline_leaves(), _inline_nodes, max_leaves=max_leaves)


def inline_text(*, max_items: int = 4) -> st.SearchStrategy[Text]:
    """Inline content (normalised, never empty) mixing every inline type."""
    return st.lists(inlines(), min_size=1, max_size=max_items).map(to_text)


def _optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.none() | strategy


def images() -> st.SearchStrategy[Image]:
    """Images (the block, a lead image or a logo)."""
    sizes = st.none() | st.integers(1, 10_000)
    return st.builds(
        Image,
        src=srcs(),
        alt=_optional(plain_text()),
        caption=st.none() | inline_text(),
        credit=_optional(plain_text()),
        width=sizes,
        height=sizes,
    )


def authors() -> st.SearchStrategy[Author]:
    """Authors with or without role and page."""
    return st.builds(
        Author, name=plain_text(), role=_optional(plain_text()), url=_optional(hrefs())
    )


def publications() -> st.SearchStrategy[Publication]:
    """Publications with or without slogan, URL and logo."""
    return st.builds(
        Publication,
        name=plain_text(),
        slogan=_optional(plain_text()),
        url=_optional(http_urls()),
        logo=st.none() | images(),
    )


def tables() -> st.SearchStrategy[Table]:
    """Tables with or without caption and header rows, ragged rows and empty cells."""
    cell = st.just(()) | inline_text(max_items=2)
    rows = st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=4)
    return st.builds(
        Table,
        caption=st.none() | inline_text(max_items=2),
        header_rows=st.just([]) | rows.map(lambda drawn: drawn[:2]),
        rows=rows,
    )


def code_languages() -> st.SearchStrategy[str]:
    """Names of code languages, as a Markdown info string or an HTML class takes them."""
    return st.one_of(
        st.sampled_from(("python", "c++", "c#", "objective-c", "x86-64", "F#", "shell_session")),
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_+#.-]{0,39}", fullmatch=True),
    )


def embeds() -> st.SearchStrategy[Embed]:
    """Embeds with or without title, provider, fallback text and poster."""
    return st.builds(
        Embed,
        url=http_urls(),
        title=_optional(plain_text()),
        provider=_optional(plain_text()),
        fallback=st.none() | inline_text(),
        poster=st.none() | images(),
    )


def corrections() -> st.SearchStrategy[Correction]:
    """Corrections dated by a day, by a date-time with its offset, or not at all."""
    return st.builds(
        Correction,
        date=st.none() | st.dates(min_value=date(1, 1, 1)) | datetimes(),
        text=inline_text(),
    )


def blocks() -> st.SearchStrategy[Block]:
    """Any body block, every type and option."""
    return st.one_of(
        st.builds(Paragraph, text=inline_text()),
        st.builds(
            Heading,
            # A heading needs words: the model refuses white space and line breaks alone.
            text=inline_text().filter(_has_words),
            level=st.sampled_from((2, 3, 4, 5, 6)),
        ),
        st.builds(
            Quote,
            text=inline_text(),
            attribution=_optional(plain_text()),
            source=_optional(plain_text()),
            url=_optional(hrefs()),
            style=st.sampled_from(("block", "pull")),
        ),
        images(),
        st.builds(
            ItemList,
            items=st.lists(inline_text(max_items=3), min_size=1, max_size=3),
            ordered=st.booleans(),
        ),
        st.builds(
            RelatedLink,
            title=plain_text(),
            url=_optional(hrefs()),
            summary=_optional(plain_text()),
        ),
        st.builds(
            Newsletter,
            title=plain_text(),
            description=_optional(plain_text()),
            legal=_optional(plain_text()),
            signup_url=_optional(hrefs()),
            button_label=st.just("Sign up") | plain_text(),
            success_title=_optional(plain_text()),
            success_message=_optional(plain_text()),
        ),
        st.just(Divider()),
        tables(),
        st.builds(
            Preformatted,
            text=plain_text(),
            style=st.sampled_from(("code", "verse")),
            language=_optional(code_languages()),
        ),
        embeds(),
    )


def articles(*, max_blocks: int = 6) -> st.SearchStrategy[Article]:
    """Valid articles: every metadata field sometimes set, a body of any blocks."""
    return st.builds(
        Article,
        headline=plain_text(),
        body=st.lists(blocks(), max_size=max_blocks),
        id=_optional(plain_text()),
        url=_optional(http_urls()),
        language=st.just("en") | languages(),
        subheadline=_optional(plain_text()),
        summary=_optional(plain_text()),
        publication=st.none() | publications(),
        authors=st.lists(authors(), max_size=3),
        published=st.none() | datetimes(),
        updated=st.none() | datetimes(),
        section=_optional(plain_text()),
        tags=st.lists(plain_text(), max_size=3),
        lead_image=st.none() | images(),
        rights=_optional(plain_text()),
        dateline=_optional(plain_text()),
        corrections=st.lists(corrections(), max_size=2),
    )


# --- editions ------------------------------------------------------------------

_folder_part = st.text(
    st.characters(codec="utf-8", exclude_characters=FORBIDDEN + "/\\:"), min_size=1, max_size=8
).filter(lambda part: part.strip() and part not in (".", ".."))


def folders() -> st.SearchStrategy[Path]:
    """Folders relative to an edition's folder, as its JSON names them (``a``, ``a/b é``)."""
    return st.lists(_folder_part, min_size=1, max_size=3).map(lambda parts: Path(*parts))


def edition_articles(*, max_blocks: int = 3) -> st.SearchStrategy[EditionArticle]:
    """An article of an edition, read from the edition's folder or from a folder of its own."""
    return st.builds(
        EditionArticle, article=articles(max_blocks=max_blocks), folder=st.none() | folders()
    )


def sections() -> st.SearchStrategy[Section]:
    """A titled section of one to three articles."""
    return st.builds(
        Section, title=plain_text(), articles=st.lists(edition_articles(), min_size=1, max_size=3)
    )


def _distinct(entries: list[EditionArticle], start: int = 0) -> list[EditionArticle]:
    """The entries made distinct, as a loader keeps them: each id and each entry unique.

    Hypothesis often draws equal values; ids get their position appended, so an
    edition never holds the same article twice (which its loader would drop).
    """
    result = []
    for index, entry in enumerate(entries, start):
        article = entry.article
        if article.id is not None:
            article = attrs.evolve(article, id=f"{article.id} #{index}")
        else:
            article = attrs.evolve(article, headline=f"{article.headline} #{index}")
        result.append(attrs.evolve(entry, article=article))
    return result


def _distinct_sections(sections: list[Section]) -> list[Section]:
    result, start = [], 0
    for section in sections:
        result.append(attrs.evolve(section, articles=_distinct(list(section.articles), start)))
        start += len(section.articles)
    return result


def editions() -> st.SearchStrategy[Edition]:
    """Valid editions: every metadata field sometimes set, flat or in sections, no duplicates."""
    issued = st.none() | st.dates(min_value=date(1, 1, 1)) | datetimes()

    def build(**contents: object) -> st.SearchStrategy[Edition]:
        return st.builds(
            Edition,
            title=plain_text(),
            id=_optional(plain_text()),
            language=st.just("en") | languages(),
            subtitle=_optional(plain_text()),
            description=_optional(plain_text()),
            publication=st.none() | publications(),
            issued=issued,
            cover_image=st.none() | images(),
            rights=_optional(plain_text()),
            **contents,  # type: ignore[arg-type]
        )

    flat = build(articles=st.lists(edition_articles(), min_size=1, max_size=3).map(_distinct))
    sectioned = build(sections=st.lists(sections(), min_size=1, max_size=3).map(_distinct_sections))
    return st.one_of(flat, sectioned)
