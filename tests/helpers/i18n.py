"""The languages the project ships label catalogs for, and what the i18n tests look for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

#: The languages of issue #15, each with a catalog.
LANGUAGES = (
    "en", "hy", "ar", "he", "fa", "fr", "de", "es", "it", "pt",
    "ru", "uk", "tr", "el", "ka", "zh-Hans", "zh-Hant", "ja", "ko", "hi",
)  # fmt: skip

#: Labels whose word a language shares with English because it is that
#: language's own word on news sites: German, Italian and Portuguese say
#: "Newsletter", French "image", Brazilian Portuguese "links".
LOANWORDS = {
    "newsletter": {"de", "it", "pt"},
    "image": {"fr"},
    "image_alt": {"fr"},
    "links": {"pt"},
}

#: Every English word the exporters may add, as they would appear in the output
#: (a pattern each, by label key).
ENGLISH_WORDS = {
    "by": r"\bBy\b",
    "published": r"\bPublished\b",
    "updated": r"\bUpdated\b",
    "related_link": r"\bRelated\b",
    "credit": r"\bCredit\b",
    "links": r"\bLinks\b",
    "image_alt": r"\bImage\b",
    "newsletter": r"\bNewsletter\b",
    "sign_up": r"\bSign up\b",
}

#: The English words only HTML, PDF and EPUB add (boxes, forms, a book's navigation).
BOOK_WORDS = {
    "related": r"\bRelated\b",
    "topics": r"\bTopics\b",
    "email": r"\bEmail address\b",
    "sign_up_at": r"\bSign up at\b",
    "contents": r"\bContents\b",
    "cover": r"\bCover\b",
}

#: When an article is published: a UTC offset of its own (-04:00), kept in every format.
PUBLISHED = datetime(2023, 7, 28, 10, 5, tzinfo=timezone(timedelta(hours=-4)))
#: When it is updated: UTC, which CLDR names in each language.
UPDATED = datetime(2023, 7, 29, 1, 30, tzinfo=timezone.utc)

#: Persian writes CLDR dates in Extended Arabic-Indic digits (Babel writes ASCII ones).
DIGITS = {"fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")}


def english_words(text: str, tag: str, words: Mapping[str, str]) -> list[str]:
    """The keys of *words* whose English word is in *text*, loanwords of *tag* left out."""
    return [
        key
        for key, word in words.items()
        if tag not in LOANWORDS.get(key, set()) and re.search(word, text)
    ]


def cldr_day(tag: str, value: datetime = PUBLISHED) -> str:
    """The long date Babel gives for the locale, in the locale's digits."""
    from babel import Locale
    from babel.dates import format_date

    day = format_date(value, "long", locale=Locale.parse(tag, sep="-"))
    return day.translate(DIGITS.get(tag, {}))
