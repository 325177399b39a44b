"""Hypothesis strategies for the format 1.1 blocks and fields the interchange formats carry.

Texts are words joined by single spaces, so that HTML's white-space collapsing
leaves them as they are and a round trip can be compared exactly.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from hypothesis import strategies as st

from messenger_content.models import Block, Correction, Embed, Emphasis, Image, Preformatted, Table

__all__ = ["corrections", "datelines", "new_blocks"]

_WORD = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9'.]{0,7}", fullmatch=True)
_WORDS = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
#: A cell: empty, words, or words with emphasis.
_CELL = st.one_of(
    st.just(()),
    _WORDS.map(lambda words: (words,)),
    st.tuples(_WORDS, _WORDS).map(lambda pair: (f"{pair[0]} ", Emphasis(text=pair[1]))),
)
_ROW = st.lists(_CELL, min_size=1, max_size=4).map(tuple)
_URLS = st.sampled_from(
    [
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://player.vimeo.com/video/76979871",
        "https://twitter.com/example/status/1",
        "http://media.example/clip.mp4",
    ]
)
_POSTERS = st.builds(
    Image,
    src=st.sampled_from(["https://media.example/still.jpg", "stills/one.png"]),
    alt=st.none() | _WORDS,
    width=st.none() | st.integers(1, 4000),
)
#: Lines of preformatted text: spaces kept at their start, none blank at the ends.
_LINE = st.from_regex(r" {0,3}[a-z=()+]{1,8}( [a-z=()+]{1,8}){0,2}", fullmatch=True)


def _tables() -> st.SearchStrategy[Table]:
    return st.builds(
        Table,
        caption=st.none() | _WORDS,
        header_rows=st.lists(_ROW, max_size=2),
        rows=st.lists(_ROW, min_size=1, max_size=4),
    )


def _preformatted() -> st.SearchStrategy[Preformatted]:
    text = st.lists(_LINE, min_size=1, max_size=4).map("\n".join)
    code = st.builds(
        Preformatted,
        text=text,
        style=st.just("code"),
        language=st.none() | st.sampled_from(["python", "c++", "js"]),
    )
    verse = st.builds(Preformatted, text=text, style=st.just("verse"))
    return code | verse


def _embeds() -> st.SearchStrategy[Embed]:
    return st.builds(
        Embed,
        url=_URLS,
        title=st.none() | _WORDS,
        provider=st.none() | _WORDS,
        fallback=st.none() | _WORDS,
        poster=st.none() | _POSTERS,
    )


def new_blocks() -> st.SearchStrategy[list[Block]]:
    """Lists of tables, preformatted blocks and embeds."""
    block: st.SearchStrategy[Block] = st.one_of(_tables(), _preformatted(), _embeds())
    return st.lists(block, max_size=4)


def datelines() -> st.SearchStrategy[str | None]:
    """No dateline, or one like ``KYIV, Ukraine``."""
    return st.none() | _WORDS.map(lambda words: f"{words.upper()}, Place")


def corrections() -> st.SearchStrategy[list[Correction]]:
    """Corrections dated by a day, by an instant, or not at all."""
    when = st.one_of(
        st.none(),
        st.dates(date(2000, 1, 1), date(2030, 12, 31)),
        st.datetimes(datetime(2000, 1, 1), datetime(2030, 12, 31)).map(
            lambda moment: moment.replace(microsecond=0, tzinfo=timezone.utc)
        ),
    )
    return st.lists(st.builds(Correction, date=when, text=_WORDS), max_size=3)
