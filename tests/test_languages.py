"""Language tags: well-formed BCP 47 for the format, and what an EPUB may declare."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

import messenger_content as mc
from messenger_content.languages import book_language, is_well_formed


@pytest.mark.parametrize(
    "tag",
    [
        "en",
        "hy-AM",
        "zh-Hant-TW",
        "de-CH-1901",
        "es-419",
        "zh-yue-HK",  # an extended language subtag
        "sl-rozaj-rozaj",  # repeated variants: well-formed, though not valid (RFC 5646 2.2.9)
        "en-a-bb-a-cc",  # repeated singletons: the same
        "en-u-co-phonebk-x-private",
        "x-private",
        "eRlbf",  # a 5 to 8 letter language subtag: the ABNF allows it
        "qaa",
        "xx-YY",  # well-formed, though nothing is registered under it
    ],
)
def test_well_formed_tags(tag: str) -> None:
    """Tags that follow the RFC 5646 ABNF are well-formed, registered or not."""
    assert is_well_formed(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "",
        "a",
        "en_US",  # CLDR's spelling, not BCP 47's
        "12",
        "English!",
        "en-",
        "en-x",
        "de-1-a",
        "abcd-efg",  # an extended language subtag only follows a 2 or 3 letter language
        "zh-TW-Hant",  # the script comes before the region
        "i-klingon",  # irregular grandfathered tags are not accepted
        "en\n",
        "\u017fv",  # long s, which case folding turns into "s"
        "en-\u212aa",  # Kelvin sign, which case folding turns into "k"
    ],
)
def test_ill_formed_tags(tag: str) -> None:
    """Tags outside the ABNF are refused, whatever a lenient parser would read into them."""
    assert not is_well_formed(tag)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("hy-AM", "hy-AM"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("de-CH-1901", "de-CH-1901"),
        ("x-private", "x-private"),
        ("en-a-bb-a-cc", "en-a-bb"),
        ("sl-rozaj-rozaj", "sl-rozaj"),
        ("sl-Rozaj-ROZAJ", "sl-Rozaj"),  # subtags compare without case
        ("eRlbf-D", "eRlbf"),
        ("a", "und"),
        ("\u017fv", "und"),
        ("en-\u212aa", "en"),
    ],
)
def test_book_language(tag: str, expected: str) -> None:
    """A tag an EPUB reader cannot parse is cut back to its longest usable prefix, or ``und``."""
    assert book_language(tag) == expected


_SUBTAGS = st.text(string.ascii_letters + string.digits + "\u017f", min_size=1, max_size=9)


@given(st.lists(_SUBTAGS, min_size=1, max_size=6).map("-".join))
def test_book_language_is_a_usable_prefix(tag: str) -> None:
    """What an EPUB declares is well-formed and a prefix of the article's tag, or ``und``."""
    declared = book_language(tag)
    if declared != "und":
        assert is_well_formed(declared)
        assert tag == declared or tag.startswith(declared + "-")
        assert book_language(declared) == declared


@pytest.mark.parametrize(("tag", "loads"), [("hy-AM", True), ("en_US", False), ("en\n", False)])
def test_loader_uses_the_rule(tag: str, loads: bool) -> None:
    """The loader accepts exactly the well-formed tags, naming the field otherwise."""
    text = json.dumps({"headline": "x", "body": [], "language": tag})
    if loads:
        assert mc.loads(text).language == tag
    else:
        with pytest.raises(mc.ContentError, match="language"):
            mc.loads(text)
