"""The i18n package: catalogs, fallback chain, label overrides, CLDR dates, lists and numbers."""

# Phrases in other scripts are the point here, look-alike letters included.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel import Locale, localedata
from babel.messages.pofile import read_po

from messenger_content.i18n import (
    LABEL_KEYS,
    Labels,
    catalog_language,
    fallback_chain,
    format_date,
    format_list,
    format_number,
    join_list,
    labels_for,
    localize_digits,
)
from messenger_content.i18n.formats import NUMBERING_ZEROS
from messenger_content.i18n.labels import LOCALES
from tests.helpers.i18n import LANGUAGES, LOANWORDS

#: Phrases a translation may share with English: loanwords, and phrases of
#: placeholders and punctuation only.
SAME_AS_ENGLISH = {**LOANWORDS, "author_role": set(LANGUAGES)}

MINUS_FOUR = timezone(timedelta(hours=-4))


def catalog_path(tag: str) -> str:
    """Where the catalog of *tag* lives."""
    return str(LOCALES / tag.replace("-", "_") / "LC_MESSAGES" / "messages.po")


def english_phrases() -> dict[str, str]:
    """The English phrase of every label, read from the class's defaults."""
    return {key: getattr(Labels(), key) for key in LABEL_KEYS}


# --- catalogs ----------------------------------------------------------------------


def test_every_language_has_a_catalog_and_nothing_else_does() -> None:
    """The shipped catalogs are exactly the twenty languages of the issue."""
    shipped = {path.parent.parent.name.replace("_", "-") for path in LOCALES.glob("*/*/*.po")}
    assert shipped == set(LANGUAGES)


@pytest.mark.parametrize("tag", LANGUAGES)
def test_catalog_translates_every_label_with_its_placeholders(tag: str) -> None:
    """Each catalog has every label, translated, not fuzzy, with the English placeholders."""
    with open(catalog_path(tag), "rb") as file:
        catalog = read_po(file)
    for key, english in english_phrases().items():
        message = catalog.get(english, context=key)
        assert message is not None, f"{tag}: {key} is missing"
        assert isinstance(message.string, str)
        assert message.string, f"{tag}: {key} is untranslated"
        assert not message.fuzzy, f"{tag}: {key} is fuzzy"
        braces = english.replace("}", "{").split("{")[1::2]
        for name in braces:
            assert f"{{{name}}}" in message.string, f"{tag}: {key} lacks {{{name}}}"


@pytest.mark.parametrize("tag", LANGUAGES)
def test_catalog_is_what_the_language_gets(tag: str) -> None:
    """Asking for a language gives its catalog, every phrase marked as being in that language."""
    labels = labels_for(tag)
    assert catalog_language(tag) == tag
    assert labels.language == tag
    assert all(labels.lang(key) is None for key in LABEL_KEYS)


@pytest.mark.parametrize("tag", [tag for tag in LANGUAGES if tag != "en"])
def test_translations_are_not_english(tag: str) -> None:
    """Apart from listed loanwords and punctuation-only phrases, no phrase is the English one."""
    labels = labels_for(tag)
    same = {
        key
        for key, english in english_phrases().items()
        if getattr(labels, key) == english and tag not in SAME_AS_ENGLISH.get(key, set())
    }
    assert same == set()


def test_byline_of_several_authors_may_differ_from_one() -> None:
    """Languages that say "authors" in the plural have a phrase for several authors."""
    assert labels_for("ru").by == "Автор: {authors}"
    assert labels_for("ru").by_many == "Авторы: {authors}"
    assert labels_for("hy").by_many == "Հեղինակներ՝ {authors}"


# --- fallback chain ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "chain"),
    [
        ("zh-Hant-TW", ("zh-Hant-TW", "zh-Hant", "zh-TW", "en")),
        ("zh-TW", ("zh-Hant-TW", "zh-Hant", "zh-TW", "en")),
        ("zh", ("zh-Hans", "zh", "en")),
        ("pt-BR", ("pt-Latn-BR", "pt-Latn", "pt-BR", "pt", "en")),
        ("sr-Latn", ("sr-Latn", "en")),
        ("iw", ("he-Hebr", "he", "en")),
        ("", ("en",)),
    ],
)
def test_fallback_chain(tag: str, chain: tuple[str, ...]) -> None:
    """The chain adds CLDR's likely script and never falls from one script to another."""
    assert fallback_chain(tag) == chain


@pytest.mark.parametrize(
    ("tag", "catalog"),
    [
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("hy-AM", "hy"),
        ("ar-EG", "ar"),
        ("pt-BR", "pt"),
        ("en-GB", "en"),
        ("iw", "he"),
        ("nl", None),
        ("tlh", None),
    ],
)
def test_catalog_language(tag: str, catalog: str | None) -> None:
    """Regions and scripts find their language's catalog; a language without one finds none."""
    assert catalog_language(tag) == catalog


def test_language_without_catalog_gets_english_marked_as_such() -> None:
    """Dutch has no catalog: the English phrases come back, each marked "en"."""
    labels = labels_for("nl")
    assert labels.language == "en"
    assert labels.published == "Published {date}"
    assert {labels.lang(key) for key in LABEL_KEYS} == {"en"}


def test_english_is_not_marked() -> None:
    """English readers get English phrases without a mark."""
    assert {labels_for("en-GB").lang(key) for key in LABEL_KEYS} == {None}


# --- overrides ---------------------------------------------------------------------


def test_overrides_replace_phrases() -> None:
    """An override replaces one phrase and leaves the others as the catalog has them."""
    labels = labels_for("fr", {"by": "Texte de {authors}"})
    assert labels.format("by", authors="Ani") == "Texte de Ani"
    assert labels.published == "Publié le {date}"


def test_overriding_by_covers_several_authors() -> None:
    """Overriding "by" alone also changes the byline of several authors; by_many may differ."""
    assert labels_for("ru", {"by": "Текст: {authors}"}).by_many == "Текст: {authors}"
    both = labels_for("ru", {"by": "Текст: {authors}", "by_many": "Тексты: {authors}"})
    assert both.by_many == "Тексты: {authors}"


def test_overridden_phrase_is_in_the_document_language() -> None:
    """An overridden phrase of a language without catalog is no longer marked English."""
    labels = labels_for("nl", {"by": "Door {authors}"})
    assert labels.lang("by") is None
    assert labels.lang("published") == "en"


def test_unknown_override_names_the_known_keys() -> None:
    """An unknown key is an error that lists every known key."""
    with pytest.raises(ValueError, match="unknown label 'byline'") as caught:
        labels_for("en", {"byline": "x"})
    assert all(key in str(caught.value) for key in LABEL_KEYS)


@pytest.mark.parametrize(
    "phrase",
    ["Words by", "By {author}", "By {authors} {date}", "By {authors!r}", "By {authors:>9}", "{"],
)
def test_override_must_keep_the_placeholders(phrase: str) -> None:
    """An override must hold exactly the label's placeholders, as plain names."""
    with pytest.raises(ValueError, match="by"):
        labels_for("en", {"by": phrase})


def test_override_must_be_text() -> None:
    """A phrase that is not a string is refused with the key named."""
    with pytest.raises(ValueError, match="'topics' must be a string"):
        labels_for("en", {"topics": 3})  # type: ignore[dict-item]


def test_parts_keep_values_as_given_and_braces_as_text() -> None:
    """parts() returns words and the values themselves; doubled braces are literal braces."""
    link = object()
    labels = labels_for("en", {"by": "{{staff}} {authors} wrote"})
    assert labels.parts("by", authors=link) == ("{staff} ", link, " wrote")
    assert labels_for("ar").parts("by", authors=link) == ("بقلم ", link)


def test_parts_want_exactly_the_placeholders() -> None:
    """Filling a phrase with the wrong values is an error naming the right ones."""
    with pytest.raises(ValueError, match="takes the values: date"):
        labels_for("en").format("published", when="x")
    with pytest.raises(ValueError, match="unknown label"):
        labels_for("en").format("nope")


# --- dates, lists, numbers ----------------------------------------------------------


def test_english_date_in_its_own_offset() -> None:
    """English: CLDR's long date, a 12-hour clock and the offset as localized GMT."""
    value = datetime(2023, 7, 28, 10, 5, tzinfo=MINUS_FOUR)
    assert format_date(value, "en") == "July 28, 2023, 10:05 AM GMT-04:00"


def test_utc_is_named_as_cldr_names_it() -> None:
    """Offset zero is CLDR's name for UTC in the language (French says TU)."""
    value = datetime(2023, 7, 29, 1, 30, tzinfo=timezone.utc)
    assert format_date(value, "en") == "July 29, 2023, 1:30 AM UTC"
    assert format_date(value, "fr") == "29 juillet 2023, 01:30 TU"


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("hy", "2023 թ. հուլիսի 28, 10:05 GMT-04:00"),
        ("de", "28. Juli 2023, 10:05 GMT-04:00"),
        ("ja", "2023年7月28日 10:05 GMT-04:00"),
        ("zh-Hans", "2023年7月28日 GMT-04:00 10:05"),
        ("fa", "۲۸ ژوئیه ۲۰۲۳، ساعت ۱۰:۰۵ -۰۴:۰۰ گرینویچ"),
        ("ar", "28 يوليو 2023، 10:05 ص غرينتش-04:00"),
        ("ar-EG", "٢٨ يوليو ٢٠٢٣، ١٠:٠٥ ص غرينتش-٠٤:٠٠"),
    ],
)
def test_dates_follow_cldr(tag: str, shown: str) -> None:
    """Each language gets CLDR's order, names, zone placement and digits."""
    assert format_date(datetime(2023, 7, 28, 10, 5, tzinfo=MINUS_FOUR), tag) == shown


def test_medium_width() -> None:
    """The medium width abbreviates the month."""
    value = datetime(2023, 7, 28, 10, 5, tzinfo=MINUS_FOUR)
    assert format_date(value, "fr", width="medium") == "28 juil. 2023, 10:05 UTC-04:00"


def test_naive_date_is_refused() -> None:
    """A date without an offset cannot be shown in its own offset."""
    with pytest.raises(ValueError, match="offset"):
        format_date(datetime(2023, 7, 28, 10, 5), "en")


def test_unknown_language_dates_are_english() -> None:
    """A language CLDR does not know gets English dates."""
    value = datetime(2023, 7, 28, 10, 5, tzinfo=MINUS_FOUR)
    assert format_date(value, "tlh") == format_date(value, "en")


@pytest.mark.parametrize(
    ("tag", "joined"),
    [
        ("en", "A, B, and C"),
        ("ar", "A وB وC"),
        ("zh-Hans", "A、B和C"),
        ("hy", "A, B և C"),
        ("he", "A, B וC"),
    ],
)
def test_lists_follow_cldr(tag: str, joined: str) -> None:
    """Names are joined with CLDR's list pattern of the language."""
    assert format_list(["A", "B", "C"], tag) == joined


def test_join_list_keeps_any_items() -> None:
    """join_list interleaves separators with the items themselves, whatever they are."""
    first, second = object(), object()
    assert join_list([first, second], "ar") == (first, " و", second)
    assert join_list([first], "en") == (first,)
    assert join_list([], "en") == ()


def test_numbers_follow_cldr() -> None:
    """Numbers take the locale's separators and its default digits."""
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(1234.5, "de") == "1.234,5"
    assert format_number(1234, "fa") == "۱٬۲۳۴"
    assert format_number(1234, "ar-EG") == "١٬٢٣٤"
    assert localize_digits("2023", "hi") == "2023"  # CLDR: Hindi writes Latin digits


def test_numbering_zeros_cover_every_default_numbering_system() -> None:
    """Each numbering system some CLDR locale uses by default has its ten digits right."""
    defaults = set()
    for name in localedata.locale_identifiers():
        defaults.add(Locale.parse(name).default_numbering_system)
    assert defaults <= set(NUMBERING_ZEROS)
    for system, zero in NUMBERING_ZEROS.items():
        for value in range(10):
            assert unicodedata.digit(chr(ord(zero) + value)) == value, system


# --- the cache of parsed catalogs ---------------------------------------------------


def labels_in_fresh_process(cache: Path) -> str:
    """The Armenian byline phrase as a new process reads it, with *cache* as its cache folder."""
    code = "from messenger_content.i18n import labels_for; print(labels_for('hy').by)"
    environment = {**os.environ, "MESSENGER_CONTENT_CACHE": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        check=True,
        env=environment,
        timeout=120,
    )
    return result.stdout.decode("utf-8").strip()


def test_parsed_catalog_is_cached_and_a_damaged_entry_is_parsed_again(tmp_path: Path) -> None:
    """A catalog parsed once is kept as an entry; a damaged entry is replaced, same phrases."""
    cache = tmp_path / "cache"
    assert labels_in_fresh_process(cache) == "Հեղինակ՝ {authors}"
    (entry,) = cache.glob("labels-*.json")
    assert json.loads(entry.read_text(encoding="utf-8"))["by"] == "Հեղինակ՝ {authors}"
    entry.write_text('{"by": "{oops}"}', encoding="utf-8")
    assert labels_in_fresh_process(cache) == "Հեղինակ՝ {authors}"
    assert json.loads(entry.read_text(encoding="utf-8"))["by"] == "Հեղինակ՝ {authors}"
